// Namespace-aware reading of request XML. Clients write `t:`/`m:`, other prefixes or default
// namespaces; everything downstream matches on (namespace URI, local name) only.

import { forbiddenXmlChar } from '@exsync/common/xml-chars';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface XElement {
  ns: string;
  name: string;
  /** By local name; namespaced attributes other than `xmlns` keep their local name too. */
  attrs: Record<string, string>;
  children: XElement[];
  /** Concatenated text content (for leaf elements). */
  text: string;
  /** Prefix → namespace in scope, for QName-valued content such as xsi:type. */
  scope: Record<string, string>;
}

export type XmlErrorCode = 'malformed' | 'dtdRefused' | 'empty';

export class XmlReadError extends Error {
  readonly code: XmlErrorCode;
  readonly line?: number;
  readonly column?: number;
  constructor(code: XmlErrorCode, message: string, line?: number, column?: number) {
    super(message);
    this.name = 'XmlReadError';
    this.code = code;
    this.line = line;
    this.column = column;
  }
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: false,
  cdataPropName: false,
});

type RawNode = Record<string, unknown>;

/**
 * The document's root element, with every element's namespace resolved, after the checks
 * Exchange makes (well-formed, no characters XML forbids), failing with an XmlReadError that
 * gives the line and column. DTDs are refused outright: a DOCTYPE can declare external entities,
 * and no EWS client sends one, so there is nothing to gain from processing it.
 */
export function parseRootElement(text: string): XElement {
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) {
    throw new XmlReadError('dtdRefused', 'DTDs and entity declarations are not allowed in requests.');
  }
  if (text.trim() === '') throw new XmlReadError('empty', 'The request body is empty.');
  // The validator lets control characters through; Exchange's parser refuses the document.
  const bad = forbiddenXmlChar(text) ?? forbiddenCharReference(text);
  if (bad) {
    const before = text.slice(0, bad.index);
    const line = before.split('\n').length;
    const column = bad.index - before.lastIndexOf('\n');
    throw new XmlReadError(
      'malformed',
      `'.', hexadecimal value 0x${bad.codePoint.toString(16).toUpperCase().padStart(2, '0')}, is an invalid character. Line ${line}, position ${column}.`,
      line,
      column,
    );
  }
  const valid = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (valid !== true) {
    throw new XmlReadError('malformed', valid.err.msg, valid.err.line, valid.err.col);
  }
  const raw = parser.parse(text) as RawNode[];
  const root = raw.find((n) => elementName(n) !== undefined);
  if (!root) throw new XmlReadError('empty', 'The request has no root element.');
  return convert(root, {});
}

/** `&#0;`, `&#x1F;`: a reference to a character XML cannot carry is as invalid as the character. */
function forbiddenCharReference(text: string): { index: number; codePoint: number } | undefined {
  for (const m of text.matchAll(/&#(x[0-9a-fA-F]+|[0-9]+);/g)) {
    const codePoint = m[1].startsWith('x') ? Number.parseInt(m[1].slice(1), 16) : Number(m[1]);
    if (codePoint > 0x10ffff || forbiddenXmlChar(String.fromCodePoint(codePoint)))
      return { index: m.index, codePoint };
  }
  return undefined;
}

function elementName(node: RawNode): string | undefined {
  for (const k of Object.keys(node)) if (k !== ':@' && k !== '#text') return k;
  return undefined;
}

function convert(node: RawNode, parentScope: Record<string, string>): XElement {
  const qname = elementName(node)!;
  const rawAttrs = (node[':@'] ?? {}) as Record<string, string>;
  let scope = parentScope;
  for (const [k, v] of Object.entries(rawAttrs)) {
    if (k === 'xmlns' || k.startsWith('xmlns:')) {
      if (scope === parentScope) scope = { ...parentScope };
      scope[k === 'xmlns' ? '' : k.slice(6)] = String(v);
    }
  }
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(rawAttrs)) {
    if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
    const colon = k.indexOf(':');
    attrs[colon >= 0 ? k.slice(colon + 1) : k] = String(v);
  }
  const colon = qname.indexOf(':');
  const prefix = colon >= 0 ? qname.slice(0, colon) : '';
  const name = colon >= 0 ? qname.slice(colon + 1) : qname;
  const ns = scope[prefix] ?? '';
  const children: XElement[] = [];
  let text = '';
  for (const child of (node[qname] ?? []) as RawNode[]) {
    if ('#text' in child) text += String(child['#text']);
    else if (elementName(child) !== undefined) children.push(convert(child, scope));
  }
  return { ns, name, attrs, children, text, scope };
}

/** The child elements, or those with the given local name (and namespace); none for no element. */
export function childElements(el: XElement | undefined, name?: string, ns?: string): XElement[] {
  if (!el) return [];
  return el.children.filter(
    (c) => (name === undefined || c.name === name) && (ns === undefined || c.ns === ns),
  );
}

/** The first child element with the given local name (and namespace). */
export function childElement(el: XElement | undefined, name: string, ns?: string): XElement | undefined {
  return el?.children.find((c) => c.name === name && (ns === undefined || c.ns === ns));
}

/** Text of a child element, trimmed; undefined when the child is absent. */
export function childText(el: XElement | undefined, name: string, ns?: string): string | undefined {
  const c = childElement(el, name, ns);
  return c === undefined ? undefined : c.text.trim();
}

/** Text of a child element as is (bodies keep their whitespace). */
export function childRawText(el: XElement | undefined, name: string, ns?: string): string | undefined {
  return childElement(el, name, ns)?.text;
}
