// The country an address names, as the ISO 3166 code phone numbers are read with: "GB", "UK",
// "United Kingdom", "Vereinigtes Königreich" and "Royaume-Uni" are all GB. Names come from the
// runtime's own country names (Intl.DisplayNames) in the languages below, plus the usual short
// forms; anything else is not a country we can tell.
import { type CountryCode, getCountries } from 'libphonenumber-js';

const LANGUAGES = [
  'en',
  'de',
  'fr',
  'es',
  'it',
  'nl',
  'pt',
  'sv',
  'da',
  'nb',
  'fi',
  'pl',
  'cs',
  'ru',
  'el',
  'tr',
  'ja',
  'zh',
  'ar',
];

const ALIASES: Record<string, CountryCode> = {
  uk: 'GB',
  'great britain': 'GB',
  britain: 'GB',
  england: 'GB',
  scotland: 'GB',
  wales: 'GB',
  'northern ireland': 'GB',
  usa: 'US',
  'u s a': 'US',
  'u s': 'US',
  'united states of america': 'US',
  america: 'US',
  holland: 'NL',
  uae: 'AE',
};

const normalise = (name: string) =>
  name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

let byName: Map<string, CountryCode> | undefined;

function names(): Map<string, CountryCode> {
  if (byName) return byName;
  const map = new Map<string, CountryCode>();
  const codes = getCountries();
  for (const language of LANGUAGES) {
    const display = new Intl.DisplayNames([language], { type: 'region', fallback: 'none' });
    for (const code of codes) {
      const name = display.of(code);
      if (name) map.set(normalise(name), code);
    }
  }
  for (const [alias, code] of Object.entries(ALIASES)) map.set(alias, code);
  byName = map;
  return map;
}

/** The country an address's country field names, or undefined when it names none we know. */
export function countryOf(value: string | null | undefined): CountryCode | undefined {
  if (!value?.trim()) return undefined;
  const code = value.trim().toUpperCase();
  if (/^[A-Z]{2}$/.test(code) && (getCountries() as string[]).includes(code)) return code as CountryCode;
  return names().get(normalise(value));
}
