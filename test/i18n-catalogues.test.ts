// The web UI's message catalogues (web/src/locales/*.json): every language has every message,
// each message is valid ICU MessageFormat with the same placeholders, tags and plural forms the
// language needs, and the screens show no text that bypasses the catalogues.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type MessageFormatElement, parse, TYPE } from '@formatjs/icu-messageformat-parser';
import { parseAst } from 'vite';
import { describe, expect, it } from 'vitest';

const WEB = join(import.meta.dirname, '..', 'web', 'src');
const LOCALES = ['en', 'de', 'fr', 'ru'] as const;
const catalogues = Object.fromEntries(
  LOCALES.map((l) => [l, JSON.parse(readFileSync(join(WEB, 'locales', `${l}.json`), 'utf8'))]),
) as Record<(typeof LOCALES)[number], Record<string, string>>;

/** The plural forms a message must spell out in each language; `other` covers the rest. */
const PLURAL_FORMS: Record<string, string[]> = {
  en: ['one', 'other'],
  de: ['one', 'other'],
  fr: ['one', 'other'],
  ru: ['one', 'few', 'many', 'other'],
};

interface Shape {
  /** Placeholder name → kind (argument, number, date, plural, select, tag). */
  args: Map<string, string>;
  /** Plural placeholders and the forms each spells out. */
  plurals: Array<{ name: string; forms: string[] }>;
}

function shapeOf(elements: MessageFormatElement[], shape: Shape = { args: new Map(), plurals: [] }): Shape {
  for (const e of elements) {
    switch (e.type) {
      case TYPE.argument:
        // A bare {x} and a formatted {x, number} take the same value.
        if (!shape.args.has(e.value)) shape.args.set(e.value, 'value');
        break;
      case TYPE.date:
      case TYPE.time:
        shape.args.set(e.value, TYPE[e.type]);
        break;
      case TYPE.number:
        shape.args.set(e.value, 'number');
        break;
      case TYPE.tag:
        shape.args.set(e.value, 'tag');
        shapeOf(e.children, shape);
        break;
      case TYPE.select:
        shape.args.set(e.value, 'select');
        for (const option of Object.values(e.options)) shapeOf(option.value, shape);
        break;
      case TYPE.plural:
        // A plural and a formatted number take the same value: a language may need one where
        // another does not.
        shape.args.set(e.value, 'number');
        shape.plurals.push({ name: e.value, forms: Object.keys(e.options) });
        for (const option of Object.values(e.options)) shapeOf(option.value, shape);
        break;
    }
  }
  return shape;
}

describe('message catalogues', () => {
  it('have the same keys in every language', () => {
    const english = Object.keys(catalogues.en).sort();
    expect(english.length).toBeGreaterThan(50);
    for (const l of LOCALES) {
      const keys = Object.keys(catalogues[l]).sort();
      expect({ locale: l, missing: english.filter((k) => !(k in catalogues[l])) }).toEqual({
        locale: l,
        missing: [],
      });
      expect({ locale: l, extra: keys.filter((k) => !(k in catalogues.en)) }).toEqual({
        locale: l,
        extra: [],
      });
    }
  });

  it('hold valid ICU messages with the placeholders and tags of the English one', () => {
    const problems: string[] = [];
    for (const [key, english] of Object.entries(catalogues.en)) {
      const expected = shapeOf(parse(english));
      for (const l of LOCALES) {
        const text = catalogues[l][key];
        if (typeof text !== 'string' || text.trim() === '') {
          problems.push(`${l} ${key}: empty`);
          continue;
        }
        let shape: Shape;
        try {
          shape = shapeOf(parse(text));
        } catch (error) {
          problems.push(`${l} ${key}: not valid ICU (${(error as Error).message})`);
          continue;
        }
        const want = [...expected.args].sort().join(', ');
        const got = [...shape.args].sort().join(', ');
        if (want !== got) problems.push(`${l} ${key}: placeholders {${got}} instead of {${want}}`);
        for (const p of shape.plurals) {
          const missing = PLURAL_FORMS[l].filter((f) => !p.forms.includes(f) && !p.forms.includes(`=${f}`));
          if (missing.length > 0)
            problems.push(`${l} ${key}: plural {${p.name}} lacks ${missing.join(', ')}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('are not copies of English: other languages translate what English says in words', () => {
    // Messages that are the same in every language on purpose (symbols, product names, units).
    const same = new Set([
      'common.none',
      'page.documentTitle',
      'nav.organisation',
      'field.website',
      'run.details',
      'run.head.status',
      'org.domains',
      'org.type',
      'mailServices.auth.ntlm',
      'mailServices.auth.oauth',
      'mailServices.advanced.caPlaceholder',
    ]);
    const untranslated: string[] = [];
    for (const [key, english] of Object.entries(catalogues.en)) {
      const words = english.replace(/\{[^}]*\}/g, '').replace(/\b(Exsync|Exchange|CRM|Microsoft|EWS)\b/g, '');
      if (same.has(key) || !/\p{L}{4,}/u.test(words)) continue;
      for (const l of ['de', 'ru'] as const)
        if (catalogues[l][key] === english) untranslated.push(`${l} ${key}`);
    }
    expect(untranslated).toEqual([]);
  });
});

// ---- No text outside the catalogues ----

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'locales' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Attributes whose value people read or hear. */
const TEXT_ATTRIBUTES = new Set([
  'title',
  'aria-label',
  'aria-description',
  'placeholder',
  'alt',
  'label',
  'legend',
  'busyLabel',
  'what',
  'hint',
  'action',
  'summary',
  'caption',
]);
/** Words that are the same in every language. */
const ALLOWED = new Set([
  'Exsync',
  'CRM',
  'Exchange',
  'Microsoft 365',
  'Microsoft Graph',
  'EWS',
  'Graph',
  'CSV',
  'ID',
]);
const hasWords = (text: string) => /\p{L}{2,}/u.test(text) && !ALLOWED.has(text.trim());

// biome-ignore lint/suspicious/noExplicitAny: a walk over any ESTree node
type Node = any;

function walk(node: Node, visit: (node: Node, parent: Node) => void, parent: Node = null): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const child of node) walk(child, visit, parent);
    return;
  }
  if (typeof node.type === 'string') visit(node, parent);
  for (const [key, value] of Object.entries(node)) {
    if (key === 'type' || key === 'start' || key === 'end') continue;
    if (value && typeof value === 'object') walk(value, visit, typeof node.type === 'string' ? node : parent);
  }
}

/** Strings a screen would show as they are: JSX text, text attributes, literals rendered in JSX. */
function untranslatedTexts(file: string, source: string): string[] {
  const found: string[] = [];
  const ast = parseAst(source, { lang: file.endsWith('.tsx') ? 'tsx' : 'ts' });
  const literalText = (n: Node): string | null => {
    if (n?.type === 'Literal' && typeof n.value === 'string') return n.value;
    if (n?.type === 'TemplateLiteral') return n.quasis.map((q: Node) => q.value.cooked).join('{}');
    return null;
  };
  // Literals that end up as rendered text: directly in {…}, or as a branch of ?: / && / ?? there.
  const rendered = (n: Node): Node[] => {
    if (!n) return [];
    if (n.type === 'ConditionalExpression') return [...rendered(n.consequent), ...rendered(n.alternate)];
    if (n.type === 'LogicalExpression') return [...rendered(n.left), ...rendered(n.right)];
    return [n];
  };
  walk(ast, (node) => {
    if (node.type === 'JSXElement' || node.type === 'JSXFragment') {
      for (const child of node.children) {
        if (child.type === 'JSXText' && hasWords(child.value)) found.push(child.value.trim());
        if (child.type === 'JSXExpressionContainer') {
          for (const n of rendered(child.expression)) {
            const text = literalText(n);
            if (text !== null && hasWords(text)) found.push(text);
          }
        }
      }
    }
    if (node.type === 'JSXAttribute' && TEXT_ATTRIBUTES.has(node.name?.name ?? '')) {
      const value = node.value?.type === 'JSXExpressionContainer' ? node.value.expression : node.value;
      for (const n of rendered(value)) {
        const text = literalText(n);
        if (text !== null && hasWords(text)) found.push(`${node.name.name}="${text}"`);
      }
    }
    // Outside JSX: sentences in plain strings (a capital, a word, a space, more words).
    if (node.type === 'Literal' || node.type === 'TemplateLiteral') {
      const text = literalText(node);
      if (text !== null && /^[A-Z][a-z’']+,? [a-z]+ [\p{L} ,.:;!?’'…()-]*$/u.test(text.replace(/\{\}/g, 'x')))
        found.push(text);
    }
  });
  return [...new Set(found)];
}

/** Screens not translated yet: this list only shrinks. */
const PENDING = new Set<string>([]);

describe('screens', () => {
  it('show no text outside the message catalogues', () => {
    const problems: string[] = [];
    for (const file of sourceFiles(WEB)) {
      const name = relative(WEB, file);
      if (PENDING.has(name)) continue;
      for (const text of untranslatedTexts(file, readFileSync(file, 'utf8')))
        problems.push(`${name}: ${text}`);
    }
    expect(problems).toEqual([]);
  });

  it('the check finds text outside the catalogues', () => {
    const source = `export const A = () => <p title="Hello there">Some words {busy ? 'Saving…' : t('x')}</p>;
      const s = 'Try again later.';`;
    expect(untranslatedTexts('a.tsx', source).sort()).toEqual(
      ['Saving…', 'Some words', 'Try again later.', 'title="Hello there"'].sort(),
    );
    expect(untranslatedTexts('a.tsx', `export const B = () => <p class="x">{t('y')} Exsync</p>;`)).toEqual(
      [],
    );
  });
});
