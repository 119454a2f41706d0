// Graph's dateTimeTimeZone: a local wall-clock time plus a zone name (Windows or IANA). The
// store keeps UTC instants and Windows zone names, as Exchange does; these functions convert.
import {
  fromWallTime,
  isUtcName,
  isWindowsZoneName,
  ianaZone as knownIanaZone,
  windowsZone as knownWindowsZone,
  toWallTime,
  wallAsUtcMs,
} from '../calendar/zones.ts';
import { badRequest, timeZoneNotSupported } from './errors.ts';

export interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

export function ianaZone(name: string): string {
  const zone = knownIanaZone(name);
  if (!zone) throw timeZoneNotSupported(name);
  return zone;
}

/** The Windows zone name Exchange would store for a Windows or IANA name. */
export function windowsZone(name: string): string {
  if (isUtcName(name)) return 'UTC';
  if (isWindowsZoneName(name)) return name;
  const iana = ianaZone(name);
  return knownWindowsZone(iana) ?? 'UTC';
}

/** `2026-11-22T09:00:00.0000000` → epoch ms, reading the text as wall-clock time in `zone`. */
export function localToUtcMs(local: string, zone: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?/.exec(local);
  if (!m) throw new RangeError(`not a date-time: ${local}`);
  const wall = {
    year: +m[1],
    month: +m[2],
    day: +m[3],
    hour: +(m[4] ?? 0),
    minute: +(m[5] ?? 0),
    second: +(m[6] ?? 0),
    millisecond: m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0,
  };
  return fromWallTime(wall, zone);
}

/** Epoch ms → `2026-11-22T09:00:00.0000000` wall-clock in `zone`. */
export function utcMsToLocal(instantMs: number, zone: string): string {
  return new Date(wallAsUtcMs(toWallTime(instantMs, zone))).toISOString().slice(0, 19) + '.0000000';
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
    ms = Number.isNaN(explicit) ? localToUtcMs(dateTime, zone) : explicit;
  } catch {
    throw invalidDateTime(what);
  }
  if (Number.isNaN(ms)) throw invalidDateTime(what);
  return { instant: new Date(ms).toISOString(), zone: windowsZone(zoneName) };
}

export function toDateTimeTimeZone(instant: string, zoneName: string): DateTimeTimeZone {
  return { dateTime: utcMsToLocal(Date.parse(instant), ianaZone(zoneName)), timeZone: zoneName };
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
