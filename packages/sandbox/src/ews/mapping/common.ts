// Pieces shared by every item type: mailboxes, bodies, enumerations, dates.

import type { Body, EmailAddress, Importance, Sensitivity } from '../../model.ts';
import { childElement, childElements, childText, type XElement } from '../xml/parse.ts';
import { el, leaf } from '../xml/write.ts';
import type { ExtendedPath } from './extended.ts';

export interface WriteOptions {
  precision: 'Seconds' | 'Milliseconds';
  bodyType: 'Best' | 'HTML' | 'Text';
  /** ItemShape FilterHtmlContent: remove script blocks and web beacons from HTML bodies. */
  filterHtml?: boolean;
  /** ExtendedFieldURI paths the shape asks for (AdditionalProperties). */
  extended?: ExtendedPath[];
  /** ItemShape IncludeMimeContent. */
  includeMimeContent?: boolean;
}

export const DEFAULT_WRITE_OPTIONS: WriteOptions = { precision: 'Seconds', bodyType: 'Best' };

/** Script blocks, inline event handlers and 1×1 tracking images, as FilterHtmlContent removes them. */
export function filterHtml(html: string): string {
  return html
    .replace(/<script\b[\s\S]*?<\/script\s*>/gi, '')
    .replace(/\son\w+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, '')
    .replace(/<img\b[^>]*\b(width|height)\s*=\s*["']?1["']?[^>]*>/gi, '');
}

export function mailboxXml(address: EmailAddress, name = 't:Mailbox'): string {
  return el(
    name,
    null,
    leaf('t:Name', address.name ?? address.address),
    leaf('t:EmailAddress', address.address),
    leaf('t:RoutingType', 'SMTP'),
    leaf('t:MailboxType', 'Mailbox'),
  );
}

export function readMailbox(mailbox: XElement | undefined): EmailAddress | undefined {
  if (!mailbox) return undefined;
  const address = childText(mailbox, 'EmailAddress');
  if (!address) return undefined;
  const name = childText(mailbox, 'Name');
  return name ? { address, name } : { address };
}

/** `<t:ToRecipients><t:Mailbox>…` → addresses. */
export function readRecipients(list: XElement | undefined): EmailAddress[] {
  return childElements(list, 'Mailbox')
    .map(readMailbox)
    .filter((a): a is EmailAddress => a !== undefined);
}

export function recipientsXml(name: string, list: EmailAddress[]): string {
  return el(name, null, ...list.map((a) => mailboxXml(a)));
}

/** `<t:From><t:Mailbox>…</t:Mailbox></t:From>` */
export function singleRecipientXml(name: string, address: EmailAddress | undefined): string {
  return address ? el(name, null, mailboxXml(address)) : '';
}

export function bodyXml(
  body: Body | undefined,
  wanted: WriteOptions['bodyType'],
  name = 't:Body',
  filter = false,
): string {
  const raw = body ?? { contentType: 'text', content: '' };
  const b = filter && raw.contentType === 'html' ? { ...raw, content: filterHtml(raw.content) } : raw;
  if (wanted === 'Text' && b.contentType === 'html') {
    return leaf(name, htmlToText(b.content), { BodyType: 'Text' });
  }
  if (wanted === 'HTML' && b.contentType === 'text') {
    return leaf(name, textToHtml(b.content), { BodyType: 'HTML' });
  }
  return leaf(name, b.content, { BodyType: b.contentType === 'html' ? 'HTML' : 'Text' });
}

export function readBody(body: XElement | undefined): Body | undefined {
  if (!body) return undefined;
  return { contentType: body.attrs.BodyType === 'HTML' ? 'html' : 'text', content: body.text };
}

function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .trim();
}

function textToHtml(text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<html><body>${escaped.replace(/\n/g, '<br>')}</body></html>`;
}

export function categoriesXml(categories: string[]): string {
  return el('t:Categories', null, ...categories.map((c) => leaf('t:String', c)));
}

export function readCategories(el: XElement | undefined): string[] | undefined {
  if (!el) return undefined;
  return childElements(el, 'String').map((s) => s.text);
}

const IMPORTANCE_OUT: Record<Importance, string> = { low: 'Low', normal: 'Normal', high: 'High' };
export function importanceXml(value: Importance): string {
  return leaf('t:Importance', IMPORTANCE_OUT[value]);
}
export function readImportance(text: string | undefined): Importance | undefined {
  if (text === undefined) return undefined;
  return text === 'Low' ? 'low' : text === 'High' ? 'high' : 'normal';
}

const SENSITIVITY_OUT: Record<Sensitivity, string> = {
  normal: 'Normal',
  personal: 'Personal',
  private: 'Private',
  confidential: 'Confidential',
};
export function sensitivityXml(value: Sensitivity): string {
  return leaf('t:Sensitivity', SENSITIVITY_OUT[value]);
}
export function readSensitivity(text: string | undefined): Sensitivity | undefined {
  if (text === undefined) return undefined;
  return (text.toLowerCase() as Sensitivity) in SENSITIVITY_OUT
    ? (text.toLowerCase() as Sensitivity)
    : 'normal';
}

export function readBool(text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  return text === 'true' || text === '1';
}

export function readInt(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? Math.trunc(n) : undefined;
}

export { childElement, childElements, childText };
