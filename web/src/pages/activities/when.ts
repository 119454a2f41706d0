// Times of activities: an instant stored in UTC plus the IANA zone it was planned in. Screens
// show them in the viewer's zone (the browser's), and again in the activity's zone when that
// reads differently; forms edit wall-clock times in the activity's zone. Wall-clock times and
// instants convert through @exsync/common/time, as everywhere in Exsync; Intl only formats.
import { plainLocal, utcToZoned, zonedToEpochMs } from '@exsync/common/time';
import { addDays } from '../../../../src/sync/activities/recurrence.ts';
import { locale } from '../../i18n.ts';

/** The viewer's IANA zone, as the browser reports it. */
export function viewerZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Every IANA zone the browser knows, for the zone choice of the form. */
export function knownZones(): string[] {
  const zones = Intl.supportedValuesOf('timeZone');
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}

/** `2026-12-07T10:00` in `zone` as an instant (ISO, UTC); a time skipped by a clock change moves on. */
export function instantOf(local: string, zone: string): string {
  return new Date(zonedToEpochMs(plainLocal(local), zone)).toISOString();
}

/** The instant as `YYYY-MM-DDTHH:mm` on the wall clock of `zone`, for a datetime-local input. */
export function localOf(iso: string, zone: string): string {
  return utcToZoned(iso, zone).slice(0, 16);
}

/** The calendar date of the instant in `zone`, `YYYY-MM-DD`. */
export function dateIn(iso: string, zone: string): string {
  return localOf(iso, zone).slice(0, 10);
}

/** `YYYY-MM-DD` moved by a number of days: the sync's own date arithmetic. */
export { addDays };

/** A calendar date (`YYYY-MM-DD`) in the user's language, e.g. "7 Dec 2026". */
export function dateText(
  date: string,
  options: Intl.DateTimeFormatOptions = { dateStyle: 'medium' },
): string {
  return new Intl.DateTimeFormat(locale(), { ...options, timeZone: 'UTC' }).format(
    new Date(`${date}T00:00:00Z`),
  );
}

export interface Timed {
  startsAt: string | null;
  endsAt: string | null;
  timeZone: string;
  allDay: boolean;
}

/**
 * The days of an all-day activity: its first and last date in its own zone (the end is the
 * midnight after the last day, as Exchange stores it).
 */
export function allDayDates(a: Timed): { first: string; last: string } | null {
  const start = a.startsAt ?? a.endsAt;
  if (!start) return null;
  const first = dateIn(start, a.timeZone);
  const end = a.endsAt ? dateIn(a.endsAt, a.timeZone) : first;
  return { first, last: end > first ? addDays(end, -1) : first };
}

/** "7 Dec 2026, 10:00 – 11:00" in `zone`; a single time when there is no end. */
export function timeRange(a: Timed, zone: string): string {
  const format = new Intl.DateTimeFormat(locale(), {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: zone,
  });
  const start = a.startsAt ?? a.endsAt;
  if (!start) return '';
  if (!a.startsAt || !a.endsAt || a.endsAt === a.startsAt) return format.format(new Date(start));
  return format.formatRange(new Date(a.startsAt), new Date(a.endsAt));
}

/** When the activity happens, as the viewer reads it: dates for all-day ones, else times in their zone. */
export function whenText(a: Timed): string {
  if (a.allDay) {
    const days = allDayDates(a);
    if (!days) return '';
    return days.first === days.last
      ? dateText(days.first)
      : new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: 'UTC' }).formatRange(
          new Date(`${days.first}T00:00:00Z`),
          new Date(`${days.last}T00:00:00Z`),
        );
  }
  return timeRange(a, viewerZone());
}

/** The times in the activity's own zone, when they read differently from the viewer's; else null. */
export function ownZoneText(a: Timed): string | null {
  if (a.allDay || (!a.startsAt && !a.endsAt)) return null;
  const own = timeRange(a, a.timeZone);
  return own === timeRange(a, viewerZone()) ? null : own;
}
