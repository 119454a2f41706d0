// Expands a recurring series into occurrences, in the recurrence's own time zone so that a
// 09:00 meeting stays at 09:00 across daylight-saving changes, as Exchange keeps it.

import type { DayOfWeek, EventData, OccurrenceOverride, Recurrence } from '../../model.ts';
import { dateOf, fromWallTime, ianaZone, parseDate, toWallTime } from '../time/zones.ts';

export interface Occurrence {
  /** 1-based position in the series, deleted occurrences included (EWS InstanceIndex). */
  index: number;
  /** Where the pattern puts it (ms since epoch); identifies the occurrence. */
  originalStart: number;
  start: number;
  end: number;
  override?: OccurrenceOverride;
  deleted: boolean;
}

const DAY_INDEX: Record<DayOfWeek, number> = {
  sunday: 0,
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
};
const WEEK_INDEX = { first: 1, second: 2, third: 3, fourth: 4, last: -1 } as const;

/** Hard stop for unbounded series, so a noEnd pattern cannot run away. */
const MAX_OCCURRENCES = 5000;

interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

function dayNumber(d: CalendarDate): number {
  return Math.floor(Date.UTC(d.year, d.month - 1, d.day) / 86400000);
}

function fromDayNumber(n: number): CalendarDate {
  const dt = new Date(n * 86400000);
  return { year: dt.getUTCFullYear(), month: dt.getUTCMonth() + 1, day: dt.getUTCDate() };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function weekdayOf(d: CalendarDate): number {
  return new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
}

/** The n-th (or last) day of the month whose weekday is in `days`. */
function relativeDay(year: number, month: number, days: number[], index: number): CalendarDate | undefined {
  const matches: number[] = [];
  for (let day = 1; day <= daysInMonth(year, month); day++) {
    if (days.includes(weekdayOf({ year, month, day }))) matches.push(day);
  }
  const pick = index === -1 ? matches[matches.length - 1] : matches[index - 1];
  return pick === undefined ? undefined : { year, month, day: pick };
}

/** Pattern dates in order, from the range start on (unbounded; callers stop). */
export function* patternDates(recurrence: Recurrence): Generator<CalendarDate> {
  const { pattern, range } = recurrence;
  const start = parseDate(range.startDate);
  const startDay = dayNumber(start);
  const interval = Math.max(1, pattern.interval || 1);
  const days = (pattern.daysOfWeek ?? []).map((d) => DAY_INDEX[d]);
  switch (pattern.type) {
    case 'daily':
      for (let n = startDay; ; n += interval) yield fromDayNumber(n);
    case 'weekly': {
      const firstDay = DAY_INDEX[pattern.firstDayOfWeek ?? 'sunday'];
      const weekStart = startDay - ((weekdayOf(start) - firstDay + 7) % 7);
      const offsets = (days.length > 0 ? days : [weekdayOf(start)])
        .map((d) => (d - firstDay + 7) % 7)
        .sort((a, b) => a - b);
      for (let w = weekStart; ; w += 7 * interval) {
        for (const o of offsets) if (w + o >= startDay) yield fromDayNumber(w + o);
      }
    }
    case 'absoluteMonthly':
    case 'relativeMonthly':
    case 'absoluteYearly':
    case 'relativeYearly': {
      const yearly = pattern.type === 'absoluteYearly' || pattern.type === 'relativeYearly';
      const stepMonths = yearly ? 12 * interval : interval;
      let year = start.year;
      let month = yearly ? (pattern.month ?? start.month) : start.month;
      if (yearly && month < start.month) year += 1;
      for (let guard = 0; guard < 100000; guard++) {
        let date: CalendarDate | undefined;
        if (pattern.type === 'absoluteMonthly' || pattern.type === 'absoluteYearly') {
          const dom = pattern.dayOfMonth ?? start.day;
          date = { year, month, day: Math.min(dom, daysInMonth(year, month)) };
        } else {
          date = relativeDay(
            year,
            month,
            days.length > 0 ? days : [weekdayOf(start)],
            WEEK_INDEX[pattern.index ?? 'first'],
          );
        }
        if (date && dayNumber(date) >= startDay) yield date;
        month += stepMonths;
        while (month > 12) {
          month -= 12;
          year += 1;
        }
      }
      return;
    }
  }
}

function recurrenceZone(event: Pick<EventData, 'recurrence' | 'startTimeZone'>): string {
  return ianaZone(event.recurrence?.range.recurrenceTimeZone ?? event.startTimeZone) ?? 'UTC';
}

/**
 * Every occurrence of the series that starts before `until` (all of them for bounded series),
 * deleted ones flagged, modified ones carrying their override.
 */
export function occurrences(
  event: Pick<
    EventData,
    'start' | 'end' | 'startTimeZone' | 'recurrence' | 'modifiedOccurrences' | 'deletedOccurrences'
  >,
  until?: number,
  maxCount = MAX_OCCURRENCES,
): Occurrence[] {
  const recurrence = event.recurrence;
  if (!recurrence) return [];
  const zone = recurrenceZone(event);
  const masterStart = Date.parse(event.start);
  const duration = Date.parse(event.end) - masterStart;
  const wall = toWallTime(masterStart, zone);
  const endDay =
    recurrence.range.type === 'endDate' && recurrence.range.endDate
      ? dayNumber(parseDate(recurrence.range.endDate))
      : undefined;
  const count =
    recurrence.range.type === 'numbered' ? (recurrence.range.numberOfOccurrences ?? 1) : undefined;
  const deleted = new Set(event.deletedOccurrences.map((d) => Date.parse(d)));
  const overrides = new Map(event.modifiedOccurrences.map((o) => [Date.parse(o.originalStart), o]));
  const out: Occurrence[] = [];
  for (const date of patternDates(recurrence)) {
    if (endDay !== undefined && dayNumber(date) > endDay) break;
    if (count !== undefined && out.length >= count) break;
    if (out.length >= Math.min(maxCount, MAX_OCCURRENCES)) break;
    const originalStart = fromWallTime(
      { ...date, hour: wall.hour, minute: wall.minute, second: wall.second, millisecond: 0 },
      zone,
    );
    if (until !== undefined && originalStart >= until) break;
    const override = overrides.get(originalStart);
    out.push({
      index: out.length + 1,
      originalStart,
      start: override?.start ? Date.parse(override.start) : originalStart,
      end: override?.end ? Date.parse(override.end) : originalStart + duration,
      override,
      deleted: deleted.has(originalStart),
    });
  }
  return out;
}

/** Occurrences overlapping [from, to), deletions dropped: what a CalendarView shows. */
export function occurrencesBetween(
  event: Parameters<typeof occurrences>[0],
  from: number,
  to: number,
): Occurrence[] {
  const duration = Date.parse(event.end) - Date.parse(event.start);
  // Overrides can move an occurrence later than its pattern slot; look a little further.
  const all = occurrences(event, to + Math.max(duration, 0) + 366 * 86400000);
  return all.filter((o) => !o.deleted && o.start < to && o.end > from);
}

export function isBoundedSeries(recurrence: Recurrence): boolean {
  return recurrence.range.type !== 'noEnd';
}

export { dateOf };
