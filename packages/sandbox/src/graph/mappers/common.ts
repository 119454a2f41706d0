// Pieces shared by the Graph JSON mappers. Mappers are pure: model in, JSON out, and back.
import type { Body, EmailAddress } from '../../model.ts';
import { badRequest } from '../errors.ts';

export type Json = Record<string, unknown>;

export const etagOf = (changeKey: string): string => `W/"${changeKey}"`;

export function recipient(address: EmailAddress | undefined): Json | null {
  if (!address) return null;
  return { emailAddress: { name: address.name ?? address.address, address: address.address } };
}

export function recipients(list: EmailAddress[]): Json[] {
  return list.map((a) => recipient(a)!);
}

export function bodyToGraph(body: Body | undefined, preferred?: 'text' | 'html'): Json {
  const b = body ?? { contentType: 'text', content: '' };
  if (preferred === 'text' && b.contentType === 'html')
    return { contentType: 'text', content: htmlToText(b.content) };
  return { contentType: b.contentType, content: b.content };
}

export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .trim();
}

export function preview(body: Body | undefined): string {
  if (!body) return '';
  const text = body.contentType === 'html' ? htmlToText(body.content) : body.content;
  return text.replace(/\s+/g, ' ').trim().slice(0, 255);
}

// ---- reading request bodies -------------------------------------------------------------

export function invalidProperty(entity: string, name: string, expected: string): Error {
  return badRequest(
    `Invalid value for property '${name}' of ${entity}: expected ${expected}.`,
    'ErrorInvalidArgument',
  );
}

/** Rejects property names the entity type does not define, as Graph does for writes. */
export function rejectUnknown(json: Json, known: ReadonlySet<string>, entity: string): void {
  for (const key of Object.keys(json)) {
    if (key.startsWith('@') || key.includes('@odata.')) continue;
    if (!known.has(key)) {
      throw badRequest(
        `The property '${key}' does not exist on type 'microsoft.graph.${entity}'. ` +
          'Make sure to only use property names that are defined by the type.',
        'RequestBodyRead',
      );
    }
  }
}

/** A string property: the value, `null` to clear it, or `undefined` when absent. */
export function optString(json: Json, key: string, entity: string): string | null | undefined {
  if (!(key in json)) return undefined;
  const v = json[key];
  if (v === null) return null;
  if (typeof v !== 'string') throw invalidProperty(entity, key, 'a string');
  return v;
}

export function optBoolean(json: Json, key: string, entity: string): boolean | undefined {
  if (!(key in json) || json[key] === null) return undefined;
  if (typeof json[key] !== 'boolean') throw invalidProperty(entity, key, 'true or false');
  return json[key] as boolean;
}

export function optEnum<T extends string>(
  json: Json,
  key: string,
  values: readonly T[],
  entity: string,
): T | undefined {
  if (!(key in json) || json[key] === null) return undefined;
  const v = json[key];
  if (typeof v !== 'string' || !values.includes(v as T))
    throw invalidProperty(entity, key, `one of ${values.join(', ')}`);
  return v as T;
}

export function optStringArray(json: Json, key: string, entity: string): string[] | undefined {
  if (!(key in json)) return undefined;
  const v = json[key];
  if (v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    throw invalidProperty(entity, key, 'an array of strings');
  return v as string[];
}

export function bodyFromGraph(value: unknown, entity: string): Body | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object') throw invalidProperty(entity, 'body', 'an itemBody');
  const { content, contentType } = value as Json;
  const type = typeof contentType === 'string' ? contentType.toLowerCase() : 'text';
  if (type !== 'text' && type !== 'html') throw invalidProperty(entity, 'body.contentType', 'text or html');
  return { contentType: type, content: typeof content === 'string' ? content : '' };
}

export function emailAddressFromGraph(value: unknown, entity: string, key: string): EmailAddress {
  if (!value || typeof value !== 'object') throw invalidProperty(entity, key, 'an emailAddress');
  const { name, address } = value as Json;
  if (typeof address !== 'string' || !address)
    throw invalidProperty(entity, key, 'an emailAddress with an address');
  return typeof name === 'string' && name ? { address, name } : { address };
}

export function recipientFromGraph(value: unknown, entity: string, key: string): EmailAddress | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object') throw invalidProperty(entity, key, 'a recipient');
  return emailAddressFromGraph((value as Json).emailAddress, entity, key);
}

export function recipientsFromGraph(value: unknown, entity: string, key: string): EmailAddress[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw invalidProperty(entity, key, 'an array of recipients');
  return value.map((r) => recipientFromGraph(r, entity, key)!).filter(Boolean);
}

/** Drops keys whose value is undefined, so patches only name what the client sent. */
export function compact<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  return out as T;
}
