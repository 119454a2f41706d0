// The UI's languages. Every text a screen shows is a message of web/src/locales/<locale>.json in
// ICU MessageFormat (plurals, selects, numbers and dates inside the message), formatted by
// intl-messageformat in the user's language. English is bundled; the other catalogues load on
// demand. Keys are typed from the English catalogue, so an unknown key fails `tsc -p web`, and
// test/i18n-catalogues.test.ts checks that every catalogue has every key with the same
// placeholders and that no screen shows text outside the catalogues.
import { IntlMessageFormat } from 'intl-messageformat';
import type { ComponentChildren } from 'preact';
import en from './locales/en.json';

export const LOCALES = ['en', 'de', 'fr', 'ru'] as const;
export type Locale = (typeof LOCALES)[number];
export type MessageKey = keyof typeof en;
type Catalogue = Record<MessageKey, string>;

/** Each language by its own name, as a language menu shows it whatever the current language. */
export const LANGUAGE_NAMES: Record<Locale, string> = {
  en: 'English',
  de: 'Deutsch',
  fr: 'Français',
  ru: 'Русский',
};

const loaders: Record<Exclude<Locale, 'en'>, () => Promise<{ default: Catalogue }>> = {
  de: () => import('./locales/de.json'),
  fr: () => import('./locales/fr.json'),
  ru: () => import('./locales/ru.json'),
};

let current: Locale = 'en';
/** The tag dates and numbers are formatted in: the browser's own variant of `current` (en-GB). */
let formatting = 'en';
let messages: Catalogue = en;
const compiled = new Map<MessageKey, IntlMessageFormat>();

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The first of the browser's languages that Exsync speaks ("de-AT" → de), else English. */
export function browserLocale(
  languages: readonly string[] = navigator.languages ?? [navigator.language],
): Locale {
  for (const tag of languages) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLocale(base)) return base;
  }
  return 'en';
}

/** The language in use now. */
export function language(): Locale {
  return current;
}

/**
 * The locale for Intl formatters: the browser's own variant of the language when it has one
 * (en-GB writes 7 Dec 2026, en-US Dec 7, 2026), else the language itself.
 */
export function locale(): string {
  return formatting;
}

function formattingTag(next: Locale): string {
  const tags = typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]);
  return tags.find((tag) => tag.toLowerCase().split('-')[0] === next) ?? next;
}

/** Switches every later `t()` and formatter to `next`, loading its catalogue first. */
export async function setLocale(next: Locale): Promise<void> {
  const catalogue = next === 'en' ? en : (await loaders[next]()).default;
  current = next;
  formatting = formattingTag(next);
  messages = catalogue;
  compiled.clear();
  document.documentElement.lang = next;
}

function formatter(key: MessageKey): IntlMessageFormat {
  let message = compiled.get(key);
  if (!message) {
    message = new IntlMessageFormat(messages[key] ?? en[key] ?? key, formatting);
    compiled.set(key, message);
  }
  return message;
}

export type MessageValues = Record<string, string | number | Date | null | undefined>;

/** The message `key` in the current language with its placeholders filled in. */
export function t(key: MessageKey, values?: MessageValues): string {
  return String(formatter(key).format(values));
}

/**
 * A message with markup: each `<tag>…</tag>` in the message is rendered by `values.tag`, e.g.
 * `tx('x', { link: (text) => <a href="/y">{text}</a> })`, so links sit inside translated text.
 */
export function tx(
  key: MessageKey,
  values: Record<
    string,
    string | number | Date | ComponentChildren | ((chunks: ComponentChildren[]) => ComponentChildren)
  >,
): ComponentChildren {
  // biome-ignore lint/suspicious/noExplicitAny: intl-messageformat types rich values loosely
  return formatter(key).format(values as any) as ComponentChildren;
}

/** Whether the catalogue has `key` (for messages chosen by a code from the server). */
export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

/** A number in the current language: 1,234.5 / 1.234,5 / 1 234,5. */
export function formatNumber(value: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(formatting, options).format(value);
}

/** A list in the current language: "a, b and c". */
export function formatList(items: string[], type: 'conjunction' | 'disjunction' = 'conjunction'): string {
  return new Intl.ListFormat(formatting, { style: 'long', type }).format(items);
}
