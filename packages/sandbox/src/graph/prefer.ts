// The `Prefer` request header: several comma-separated preferences, possibly over several
// header lines, e.g. `odata.maxpagesize=50, outlook.timezone="Pacific Standard Time"`.

export interface Preferences {
  maxPageSize?: number;
  /** As the client wrote it (Windows or IANA name). */
  timeZone?: string;
  immutableId: boolean;
  bodyContentType?: 'text' | 'html';
  /** The raw `name=value` text of each preference, keyed by lower-case name. */
  raw: Map<string, string>;
}

export function parsePrefer(header: string | undefined): Preferences {
  const prefs: Preferences = { immutableId: false, raw: new Map() };
  if (!header) return prefs;
  for (const part of splitOutsideQuotes(header)) {
    const text = part.trim();
    if (!text) continue;
    const eq = text.indexOf('=');
    const name = (eq < 0 ? text : text.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? '' : unquote(text.slice(eq + 1).trim());
    prefs.raw.set(name, text);
    if (name === 'odata.maxpagesize') {
      const n = Number(value);
      if (Number.isInteger(n) && n > 0) prefs.maxPageSize = n;
    } else if (name === 'outlook.timezone') {
      if (value) prefs.timeZone = value;
    } else if (name === 'idtype') {
      prefs.immutableId = value.toLowerCase() === 'immutableid';
    } else if (name === 'outlook.body-content-type') {
      const v = value.toLowerCase();
      if (v === 'text' || v === 'html') prefs.bodyContentType = v;
    }
  }
  return prefs;
}

function splitOutsideQuotes(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}
