// Wall-clock time in a zone ↔ instants, through Temporal (the tz database Node ships).
//
// The rule for local times a daylight-saving change skips or repeats, one for Exsync and its
// Exchange emulator alike, is RFC 5545's (§3.3.5), the one iCalendar and so Exchange's calendars
// carry, and Temporal's 'compatible' disambiguation:
// - a skipped local time moves forward by the length of the gap: it is read with the offset in
//   force before the change (2024-03-31 02:30 in Europe/Berlin is 03:30 CEST, 01:30Z);
// - a repeated local time takes the earlier of its two instants, the one before the change
//   (2024-10-27 02:30 in Europe/Berlin is 02:30 CEST, 00:30Z).

import { Temporal } from '@js-temporal/polyfill';
import { ianaZone } from './zones.ts';

/** Temporal's name for the rule above; every wall-time conversion in Exsync uses it. */
export const DISAMBIGUATION = 'compatible' as const;

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

export class UnknownTimeZoneError extends RangeError {
  readonly code = 'unknownTimeZone';
  readonly zone: string;
  constructor(zone: string) {
    super(
      `"${zone}" is not a time zone: give an IANA name such as Europe/Berlin or a Windows name such as W. Europe Standard Time.`,
    );
    this.name = 'UnknownTimeZoneError';
    this.zone = zone;
  }
}

/** The IANA zone for a Windows, IANA or UTC name; throws UnknownTimeZoneError for any other. */
function zoneId(zone: string): string {
  const id = ianaZone(zone);
  if (!id) throw new UnknownTimeZoneError(zone);
  return id;
}

/**
 * The wall time's fields read as if they were UTC, in ms. Out-of-range fields roll over as in
 * Date.UTC, but years 0–99 stay themselves (Date.UTC reads them as 1900–1999, and Exchange writes
 * 0001-01-01 for "no date").
 */
export function wallAsUtcMs(w: WallTime): number {
  const ms = Date.UTC(2000, w.month - 1, w.day, w.hour, w.minute, w.second, w.millisecond);
  const d = new Date(ms);
  return d.setUTCFullYear(d.getUTCFullYear() - 2000 + w.year);
}

function utcWall(instantMs: number): WallTime {
  const d = new Date(instantMs);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    millisecond: d.getUTCMilliseconds(),
  };
}

function zoned(instantMs: number, id: string): Temporal.ZonedDateTime {
  return Temporal.Instant.fromEpochMilliseconds(Math.floor(instantMs)).toZonedDateTimeISO(id);
}

/** A stretch of time, [start, end) in ms since the epoch, over which a zone's offset stays the same. */
interface Span {
  start: number;
  end: number;
  offsetMs: number;
}

/**
 * The offsets Temporal finds, kept per zone: Temporal reads each offset through Intl, several
 * times over for one conversion, and a seed or a long recurring series converts hundreds of
 * thousands of times. Daylight-saving zones change twice a year, so a few spans serve years.
 */
const spansByZone = new Map<string, Span[]>();
/** The last instant Date and Temporal can hold. */
const LAST_INSTANT_MS = 8.64e15;
const MAX_SPANS_PER_ZONE = 512;

function spanAt(instantMs: number, id: string): Span {
  let spans = spansByZone.get(id);
  if (!spans) {
    spans = [];
    spansByZone.set(id, spans);
  }
  for (const s of spans) if (instantMs >= s.start && instantMs < s.end) return s;
  const here = zoned(instantMs, id);
  const span = {
    // 'previous' looks strictly before its instant; from a millisecond on, a change at this very instant counts.
    start:
      zoned(Math.min(instantMs + 1, LAST_INSTANT_MS), id).getTimeZoneTransition('previous')
        ?.epochMilliseconds ?? -Infinity,
    end: here.getTimeZoneTransition('next')?.epochMilliseconds ?? Infinity,
    offsetMs: here.offsetNanoseconds / 1e6,
  };
  if (spans.length >= MAX_SPANS_PER_ZONE) spans.length = 0;
  spans.push(span);
  return span;
}

/** The wall-clock time in a zone (Windows, IANA or UTC name) at an instant (ms since the epoch). */
export function toWallTime(instantMs: number, zone: string): WallTime {
  const id = zoneId(zone);
  if (id === 'UTC') return utcWall(instantMs);
  return utcWall(instantMs + spanAt(instantMs, id).offsetMs);
}

/**
 * No zone's offset has changed by more than a day at once (Samoa skipped 2011-12-30): a local
 * time farther than this from any change names exactly one instant, with no rule to apply.
 */
const CLEAR_OF_CHANGES_MS = 2 * 86_400_000;

/**
 * The instant (ms since the epoch) at which the zone's clocks show a wall time; skipped and
 * repeated times follow the rule at the top of this file. Out-of-range fields roll over as in
 * Date.UTC (24:00 is the next day's midnight, as xs:dateTime allows).
 */
export function fromWallTime(w: WallTime, zone: string): number {
  const asUtc = wallAsUtcMs(w);
  const id = zoneId(zone);
  if (id === 'UTC' || Number.isNaN(asUtc)) return asUtc;
  const span = spanAt(asUtc - spanAt(asUtc, id).offsetMs, id);
  const instant = asUtc - span.offsetMs;
  if (instant - span.start > CLEAR_OF_CHANGES_MS && span.end - instant > CLEAR_OF_CHANGES_MS) return instant;
  // Near a change the local time may be skipped or repeated: Temporal applies the rule.
  const b = utcWall(asUtc);
  const local = new Temporal.PlainDateTime(b.year, b.month, b.day, b.hour, b.minute, b.second, b.millisecond);
  return local.toZonedDateTime(id, { disambiguation: DISAMBIGUATION }).epochMilliseconds;
}

/** Offset of the zone from UTC at an instant, in minutes (east positive). */
export function offsetMinutes(instantMs: number, zone: string): number {
  const id = zoneId(zone);
  if (id === 'UTC') return 0;
  return Math.round(spanAt(instantMs, id).offsetMs / 60_000);
}

/** The next instant after `instantMs` at which the zone's offset changes; undefined when none follows. */
export function nextTransition(instantMs: number, zone: string): number | undefined {
  const id = zoneId(zone);
  if (id === 'UTC') return undefined;
  const end = spanAt(instantMs, id).end;
  return Number.isFinite(end) ? end : undefined;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `YYYY-MM-DD` of a wall time or calendar date. */
export function dateOf(w: { year: number; month: number; day: number }): string {
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

/** The calendar date of `YYYY-MM-DD` (anything after the date is ignored). */
export function parseDate(date: string): { year: number; month: number; day: number } {
  const [y, m, d] = date.slice(0, 10).split('-').map(Number);
  return { year: y, month: m, day: d };
}

/** The calendar date (`YYYY-MM-DD`) of an instant in a zone. */
export function localDate(instantMs: number, zone: string): string {
  return dateOf(toWallTime(instantMs, zone));
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?/;

/**
 * Reads `YYYY-MM-DD[THH:mm[:ss[.fffffff]]]` as a wall time (Exchange writes seven fraction
 * digits; milliseconds are kept). Whatever follows, such as a zone suffix, is ignored.
 */
export function parseLocal(local: string): WallTime {
  const m = LOCAL.exec(local);
  if (!m) throw new RangeError(`"${local}" is not a local date-time such as 2024-07-01T10:00:00.`);
  return {
    year: +m[1],
    month: +m[2],
    day: +m[3],
    hour: +(m[4] ?? 0),
    minute: +(m[5] ?? 0),
    second: +(m[6] ?? 0),
    millisecond: m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0,
  };
}

/** `YYYY-MM-DDTHH:mm:ss` of a wall time. */
export function formatLocal(w: WallTime): string {
  return `${dateOf(w)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

/** `YYYY-MM-DDTHH:mm:ss` local to `zone` for an instant (ISO text or ms since the epoch). */
export function utcToZoned(instant: string | number, zone: string): string {
  return formatLocal(toWallTime(typeof instant === 'number' ? instant : Date.parse(instant), zone));
}

/** The instant (ms since the epoch) of a local date-time (`YYYY-MM-DDTHH:mm[:ss[.fff]]`) in `zone`. */
export function zonedToEpochMs(local: string, zone: string): number {
  return fromWallTime(parseLocal(local), zone);
}

/** ISO instant (UTC, `Z`, whole seconds without fraction) of a local date-time in `zone`. */
export function zonedToUtc(local: string, zone: string): string {
  return new Date(zonedToEpochMs(local, zone)).toISOString().replace('.000Z', 'Z');
}

/** Trims fractional seconds and zone suffixes: `2024-01-02T10:00:00.0000000` → `2024-01-02T10:00:00`. */
export function plainLocal(dateTime: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2})(?::(\d{2}))?)?/.exec(dateTime);
  if (!m) return dateTime;
  return `${m[1]}T${m[2] ?? '00:00'}:${m[3] ?? '00'}`;
}
