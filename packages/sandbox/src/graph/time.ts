// Graph's dateTimeTimeZone: a local wall-clock time plus a zone name (Windows or IANA). The
// store keeps UTC instants and Windows zone names, as Exchange does; these functions convert.
import { ianaZone as knownIanaZone, utcToZoned, windowsZoneOrUtc, zonedToEpochMs } from '@exsync/common/time';
import { badRequest, timeZoneNotSupported } from './errors.ts';

export interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

/** The IANA zone for a Windows or IANA name; Graph's ErrorTimeZoneNotSupported for any other. */
export function ianaZone(name: string): string {
  const zone = knownIanaZone(name);
  if (!zone) throw timeZoneNotSupported(name);
  return zone;
}

/** The Windows zone name Exchange would store for a Windows or IANA name. */
export function windowsZone(name: string): string {
  ianaZone(name);
  return windowsZoneOrUtc(name);
}

/** Parses a Graph dateTimeTimeZone into a UTC ISO instant. */
export function fromDateTimeTimeZone(value: unknown, what: string): { instant: string; zone: string } {
  if (!value || typeof value !== 'object') throw invalidDateTime(what);
  const { dateTime, timeZone } = value as Partial<DateTimeTimeZone>;
  if (typeof dateTime !== 'string') throw invalidDateTime(what);
  const zoneName = typeof timeZone === 'string' && timeZone ? timeZone : 'UTC';
  const zone = ianaZone(zoneName);
  // A dateTime that carries its own offset wins over the zone, as Graph does.
  const explicit = /(?:Z|[+-]\d{2}:\d{2})$/.test(dateTime) ? Date.parse(dateTime) : Number.NaN;
  let ms: number;
  try {
    ms = Number.isNaN(explicit) ? zonedToEpochMs(dateTime, zone) : explicit;
  } catch {
    throw invalidDateTime(what);
  }
  if (Number.isNaN(ms)) throw invalidDateTime(what);
  return { instant: new Date(ms).toISOString(), zone: windowsZone(zoneName) };
}

export function toDateTimeTimeZone(instant: string, zoneName: string): DateTimeTimeZone {
  return { dateTime: `${utcToZoned(instant, ianaZone(zoneName))}.0000000`, timeZone: zoneName };
}

function invalidDateTime(what: string): Error {
  return badRequest(
    `'${what}' must be a dateTimeTimeZone such as {"dateTime": "2026-11-22T09:00:00", "timeZone": "UTC"}.`,
    'ErrorInvalidArgument',
  );
}

/** Parses an ISO-ish instant from a query string (`2026-01-01T00:00:00Z`, or without zone = UTC). */
export function parseQueryInstant(text: string | null): number | undefined {
  if (!text) return undefined;
  const withZone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : text + 'Z';
  const ms = Date.parse(withZone);
  return Number.isNaN(ms) ? undefined : ms;
}
