import type { EmailAddress, ItemBody } from '../../types.ts';
import { attr, child, children, el, leaf, text, type XNode } from '../xml.ts';

export function mailboxFromEws(n: XNode | undefined): EmailAddress | undefined {
  const m = child(n, 'Mailbox') ?? n;
  const address = text(m, 'EmailAddress');
  if (!address) return undefined;
  const name = text(m, 'Name');
  return name ? { address, name } : { address };
}

export const mailboxToEws = (e: EmailAddress): string =>
  el('t:Mailbox', null, leaf('t:Name', e.name), leaf('t:EmailAddress', e.address));

export function bodyFromEws(n: XNode): ItemBody | undefined {
  const b = child(n, 'Body');
  const content = text(b);
  if (!content) return undefined;
  return { contentType: attr(b, 'BodyType') === 'HTML' ? 'html' : 'text', content };
}

export const bodyToEws = (b: ItemBody | undefined): string =>
  b ? leaf('t:Body', b.content, { BodyType: b.contentType === 'html' ? 'HTML' : 'Text' }) : '';

export const categoriesFromEws = (n: XNode): string[] =>
  children(child(n, 'Categories'), 'String')
    .map((s) => text(s))
    .filter((s): s is string => s !== undefined);

export const categoriesToEws = (c: string[]): string =>
  c.length
    ? el(
        't:Categories',
        null,
        c.map((s) => leaf('t:String', s)),
      )
    : '';

export function isoInstant(v: string | undefined): string | undefined {
  if (!v) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString().replace('.000Z', 'Z');
}

export const boolText = (v: string | undefined): boolean | undefined =>
  v === undefined ? undefined : v === 'true';

/** A field of an item as UpdateItem addresses it: set when `xml` is given, deleted otherwise. */
export interface FieldChange {
  uri: string;
  /** IndexedFieldURI's FieldIndex (dictionary entries). */
  index?: string;
  /** The item element's content that carries the value. */
  xml?: string;
}

export function updateChangesXml(itemTag: string, changes: FieldChange[]): string {
  return changes
    .map((c) => {
      const path = c.index
        ? el('t:IndexedFieldURI', { FieldURI: c.uri, FieldIndex: c.index })
        : el('t:FieldURI', { FieldURI: c.uri });
      return c.xml
        ? el('t:SetItemField', null, path, el(itemTag, null, c.xml))
        : el('t:DeleteItemField', null, path);
    })
    .join('');
}
