// xs:dateTime as EWS uses it: with `Z`, with an offset, or without either — the last meaning
// "in the time zone the request names" (TimeZoneContext, or the item's own start zone).

import { fromWallTime, ianaZoneOrUtc, wallAsUtcMs } from '@exsync/common/time';

const DATE_TIME = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$/;

export class DateTimeError extends Error {
  readonly code = 'invalidDateTime';
  constructor(value: string) {
    super(`"${value}" is not an xs:dateTime.`);
    this.name = 'DateTimeError';
  }
}

/** Parses an xs:dateTime; zoneless values are read as wall time in `defaultZone` (Windows or IANA). */
export function parseDateTime(value: string, defaultZone?: string): number {
  const m = DATE_TIME.exec(value.trim());
  if (!m) {
    // xs:date (as in CalendarView bounds from some clients)
    const d = /^(\d{4})-(\d{2})-(\d{2})(Z|[+-]\d{2}:\d{2})?$/.exec(value.trim());
    if (d) return parseDateTime(`${d[1]}-${d[2]}-${d[3]}T00:00:00${d[4] ?? ''}`, defaultZone);
    throw new DateTimeError(value);
  }
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  const wall = {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: Number(h),
    minute: Number(mi),
    second: Number(s),
    millisecond: ms,
  };
  const daysInMonth = new Date(Date.UTC(wall.year, wall.month, 0)).getUTCDate();
  if (
    wall.month < 1 ||
    wall.month > 12 ||
    wall.day < 1 ||
    wall.day > daysInMonth ||
    wall.hour > 24 ||
    wall.minute > 59 ||
    wall.second > 60
  ) {
    throw new DateTimeError(value);
  }
  let result: number;
  if (zone === 'Z') result = wallAsUtcMs(wall);
  else if (zone) {
    const sign = zone[0] === '-' ? -1 : 1;
    const off = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
    result = wallAsUtcMs(wall) - off * 60000;
  } else {
    const iana = ianaZoneOrUtc(defaultZone);
    result = fromWallTime(wall, iana);
  }
  if (Number.isNaN(result)) throw new DateTimeError(value);
  return result;
}

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

const CANONICAL_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Exchange writes UTC with `Z`, to the second unless the request asked for milliseconds. */
export function formatDateTime(
  isoOrMs: string | number,
  precision: 'Seconds' | 'Milliseconds' = 'Seconds',
): string {
  // The store keeps canonical UTC strings; only other forms need a round trip through Date.
  const iso =
    typeof isoOrMs === 'string' && CANONICAL_UTC.test(isoOrMs) ? isoOrMs : new Date(isoOrMs).toISOString();
  return precision === 'Milliseconds' ? iso : `${iso.slice(0, 19)}Z`;
}
