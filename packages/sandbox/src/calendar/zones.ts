// Time zones as Exchange stores them (Windows names, IANA accepted too) and wall-clock
// arithmetic in them, via the platform's tz database (Intl). Both front ends convert here, so a
// local time means the same instant whichever protocol wrote it.

import { findIana, findWindows, WINDOWS_TO_IANA_MAP } from 'windows-iana';

/** Names clients use for UTC that neither windows-iana nor Intl resolves the same way. */
const UTC_NAMES = new Set([
  'utc',
  'etc/utc',
  'gmt',
  'etc/gmt',
  'z',
  'tzone://microsoft/utc',
  'coordinated universal time',
  'gmt standard time utc',
]);

export function isUtcName(name: string): boolean {
  return UTC_NAMES.has(name.trim().toLowerCase());
}

function isValidIana(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** IANA zone for a Windows zone name (or an IANA name passed through); undefined when unknown. */
export function ianaZone(windowsOrIana: string): string | undefined {
  if (isUtcName(windowsOrIana)) return 'UTC';
  const found = findIana(windowsOrIana);
  if (found.length > 0) return found[0];
  return isValidIana(windowsOrIana) ? windowsOrIana : undefined;
}

/** Whether the name is a Windows zone name (as opposed to an IANA one). */
export function isWindowsZoneName(name: string): boolean {
  return findIana(name).length > 0;
}

/** The Windows zone name for an IANA zone; undefined when windows-iana knows none. */
export function windowsZone(iana: string): string | undefined {
  if (isUtcName(iana)) return 'UTC';
  return findWindows(iana)[0];
}

/** Every Windows zone name with its main IANA zone (territory 001), in the database's order. */
export function windowsZoneNames(): Array<{ windows: string; iana: string }> {
  return WINDOWS_TO_IANA_MAP.filter((z) => z.territory === '001').map((z) => ({
    windows: z.windowsName,
    iana: z.iana[0],
  }));
}

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(iana: string): Intl.DateTimeFormat {
  let f = formatters.get(iana);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: iana,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(iana, f);
  }
  return f;
}

const msPart = (instantMs: number): number => ((instantMs % 1000) + 1000) % 1000;

/** The wall-clock time in a zone at an instant. */
export function toWallTime(instantMs: number, iana: string): WallTime {
  if (iana === 'UTC') {
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
  const parts: Record<string, number> = {};
  for (const p of formatter(iana).formatToParts(new Date(instantMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour === 24 ? 0 : parts.hour,
    minute: parts.minute,
    second: parts.second,
    millisecond: msPart(instantMs),
  };
}

/** The wall time's fields read as if they were UTC, in ms. */
export function wallAsUtcMs(w: WallTime): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.millisecond);
}

/** Offset of the zone from UTC at an instant, in minutes (east positive). */
export function offsetMinutes(instantMs: number, iana: string): number {
  if (iana === 'UTC') return 0;
  const whole = instantMs - msPart(instantMs);
  const w = toWallTime(whole, iana);
  return Math.round((wallAsUtcMs({ ...w, millisecond: 0 }) - whole) / 60000);
}

/**
 * The instant at which the zone's clocks show a wall time. A time skipped by a DST jump moves
 * forward by the jump (as Exchange does); an ambiguous time takes the earlier instant.
 */
export function fromWallTime(w: WallTime, iana: string): number {
  const asUtc = wallAsUtcMs(w);
  if (iana === 'UTC') return asUtc;
  const first = asUtc - offsetMinutes(asUtc, iana) * 60000;
  const second = asUtc - offsetMinutes(first, iana) * 60000;
  if (second === first) {
    const earlier = asUtc - offsetMinutes(first - 3 * 3600000, iana) * 60000;
    if (earlier !== first && sameWall(toWallTime(earlier, iana), w)) return Math.min(earlier, first);
    return first;
  }
  if (sameWall(toWallTime(second, iana), w)) return second;
  // In the gap: keep the offset from before the jump.
  return asUtc - offsetMinutes(first - 3 * 3600000, iana) * 60000;
}

function sameWall(a: WallTime, b: WallTime): boolean {
  return (
    a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute
  );
}

/** `YYYY-MM-DD` of a wall time. */
export function dateOf(w: { year: number; month: number; day: number }): string {
  return `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

export function parseDate(date: string): { year: number; month: number; day: number } {
  const [y, m, d] = date.slice(0, 10).split('-').map(Number);
  return { year: y, month: m, day: d };
}

/** The calendar date (`YYYY-MM-DD`) of an instant in a zone. */
export function localDate(instantMs: number, iana: string): string {
  return dateOf(toWallTime(instantMs, iana));
}
