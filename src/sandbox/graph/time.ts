// Graph's dateTimeTimeZone: a local wall-clock time plus a zone name (Windows or IANA). The
// store keeps UTC instants and Windows zone names, as Exchange does; these functions convert.
import { findIana, findWindows } from 'windows-iana';
import { badRequest, timeZoneNotSupported } from './errors.ts';

export interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

const UTC_NAMES = new Set([
  'utc',
  'etc/utc',
  'gmt',
  'etc/gmt',
  'z',
  'tzone://microsoft/utc',
  'coordinated universal time',
]);

function isValidIana(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The IANA zone for a Windows or IANA name; undefined when neither is known. */
export function tryIanaZone(name: string): string | undefined {
  if (UTC_NAMES.has(name.trim().toLowerCase())) return 'UTC';
  const fromWindows = findIana(name);
  if (fromWindows.length > 0) return fromWindows[0];
  return isValidIana(name) ? name : undefined;
}

export function ianaZone(name: string): string {
  const zone = tryIanaZone(name);
  if (!zone) throw timeZoneNotSupported(name);
  return zone;
}

/** The Windows zone name Exchange would store for a Windows or IANA name. */
export function windowsZone(name: string): string {
  if (UTC_NAMES.has(name.trim().toLowerCase())) return 'UTC';
  if (findIana(name).length > 0) return name;
  if (!isValidIana(name)) throw timeZoneNotSupported(name);
  const windows = findWindows(name);
  return windows.length > 0 ? windows[0] : 'UTC';
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Wall-clock fields of an instant in a zone, as if they were UTC (ms). */
function wallClockMs(instantMs: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(instantMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const ms = ((instantMs % 1000) + 1000) % 1000;
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second, ms);
}

function offsetMs(instantMs: number, zone: string): number {
  return wallClockMs(instantMs, zone) - instantMs;
}

/** `2026-11-22T09:00:00.0000000` → epoch ms, reading the text as wall-clock time in `zone`. */
export function localToUtcMs(local: string, zone: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?/.exec(local);
  if (!m) throw new RangeError(`not a date-time: ${local}`);
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const asUtc = Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), ms);
  if (zone === 'UTC') return asUtc;
  const first = asUtc - offsetMs(asUtc, zone);
  const second = asUtc - offsetMs(first, zone);
  return second;
}

/** Epoch ms → `2026-11-22T09:00:00.0000000` wall-clock in `zone`. */
export function utcMsToLocal(instantMs: number, zone: string): string {
  const wall = zone === 'UTC' ? instantMs : wallClockMs(instantMs, zone);
  return new Date(wall).toISOString().slice(0, 19) + '.0000000';
}

/** The calendar date (`YYYY-MM-DD`) of an instant in a zone. */
export function localDate(instantMs: number, zone: string): string {
  return utcMsToLocal(instantMs, zone).slice(0, 10);
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
