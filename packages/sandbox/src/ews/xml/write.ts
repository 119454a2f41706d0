// A tiny XML writer. EWS responses must follow the schema's element order exactly, so they are
// written as ordered string fragments rather than through an object-to-XML mapper.

export type Fragment = string | undefined | null | false;

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

// Characters to escape, and code points XML 1.0 cannot carry at all (dropped rather than
// producing an unparsable document). Most values have neither, and skip the rewrite.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters XML forbids
const NEEDS_ESCAPE = /[&<>"\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters XML forbids
const ESCAPED = /[&<>"\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function esc(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(ESCAPED, (ch) => TEXT_ESCAPES[ch] ?? '');
}

export type Attrs = Record<string, string | number | boolean | undefined | null>;

function attrText(attrs: Attrs | null | undefined): string {
  if (!attrs) return '';
  let out = '';
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null) continue;
    out += ` ${k}="${esc(String(v))}"`;
  }
  return out;
}

/** An element with child fragments (already XML). Empty children give `<x/>`. */
export function el(name: string, attrs: Attrs | null, ...children: Fragment[]): string {
  const inner = children.filter((c): c is string => typeof c === 'string').join('');
  return inner === '' ? `<${name}${attrText(attrs)}/>` : `<${name}${attrText(attrs)}>${inner}</${name}>`;
}

/** A leaf element with escaped text; nothing when the value is absent. */
export function leaf(
  name: string,
  value: string | number | boolean | undefined | null,
  attrs?: Attrs,
): string {
  if (value === undefined || value === null) return '';
  return `<${name}${attrText(attrs)}>${esc(String(value))}</${name}>`;
}

/** An element that is written only when it has content. */
export function optional(name: string, attrs: Attrs | null, ...children: Fragment[]): string {
  const inner = children.filter((c): c is string => typeof c === 'string').join('');
  return inner === '' ? '' : `<${name}${attrText(attrs)}>${inner}</${name}>`;
}
