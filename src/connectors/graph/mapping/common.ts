import { ianaZoneOrUtc, plainLocal, utcToZoned, windowsZoneOrUtc, zonedToUtc } from '@exsync/common/time';
import type { EmailAddress, ItemBody, ZonedDateTime } from '../../types.ts';
import { compact, type Json, nonEmptyString, objectOrEmpty } from './json.ts';

export function emailFromGraph(v: unknown): EmailAddress | undefined {
  const e = objectOrEmpty(objectOrEmpty(v).emailAddress ?? v);
  const address = nonEmptyString(e.address);
  if (!address) return undefined;
  return compact({ address, name: nonEmptyString(e.name) });
}

export const recipientToGraph = (e: EmailAddress): Json => ({
  emailAddress: compact({ address: e.address, name: e.name }),
});

export function bodyFromGraph(v: unknown): ItemBody | undefined {
  const b = objectOrEmpty(v);
  const content = typeof b.content === 'string' ? b.content : undefined;
  if (content === undefined || content === '') return undefined;
  return { contentType: nonEmptyString(b.contentType)?.toLowerCase() === 'html' ? 'html' : 'text', content };
}

export const bodyToGraph = (b: ItemBody | undefined): Json => ({
  contentType: b?.contentType ?? 'text',
  content: b?.content ?? '',
});

/** A dateTimeTimeZone, moved into `zone` (IANA) when given, else kept in its own zone. */
export function zonedFromGraph(v: unknown, zone?: string): ZonedDateTime | undefined {
  const d = objectOrEmpty(v);
  const dateTime = nonEmptyString(d.dateTime);
  if (!dateTime) return undefined;
  const own = ianaZoneOrUtc(nonEmptyString(d.timeZone));
  const local = plainLocal(dateTime);
  if (!zone || zone === own) return { dateTime: local, timeZone: own };
  return { dateTime: utcToZoned(zonedToUtc(local, own), zone), timeZone: zone };
}

export const zonedToGraph = (z: ZonedDateTime): Json => ({
  dateTime: z.dateTime,
  timeZone: windowsZoneOrUtc(z.timeZone),
});

/** The version Exsync keeps for a Graph item: its ETag (If-Match takes it back). */
export function versionOf(json: Json): string {
  const etag = nonEmptyString(json['@odata.etag']);
  if (etag) return etag;
  const changeKey = nonEmptyString(json.changeKey);
  return changeKey ? `W/"${changeKey}"` : '';
}
