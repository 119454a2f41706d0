// Expands a recurring series into occurrences, as Exchange does: the pattern runs on local
// dates of the recurrence's own time zone and each occurrence keeps the series' local time of
// day, so a 09:00 meeting stays at 09:00 across daylight-saving changes; deleted occurrences
// are flagged and modified ones carry their exception. The Exchange emulator's EWS and Graph
// and the web UI's activity screens all expand here.

import { fromWallTime, ianaZoneOrUtc, parseDate, toWallTime } from '../time/index.ts';

export type DayOfWeek = 'sunday' | 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday';
export type WeekIndex = 'first' | 'second' | 'third' | 'fourth' | 'last';

/** Exchange's neutral recurrence (Graph's patternedRecurrence; EWS's types map onto it one to one). */
export interface Recurrence {
  pattern: {
    type: 'daily' | 'weekly' | 'absoluteMonthly' | 'relativeMonthly' | 'absoluteYearly' | 'relativeYearly';
    interval: number;
    daysOfWeek?: DayOfWeek[];
    dayOfMonth?: number;
    /** 1..12 */
    month?: number;
    index?: WeekIndex;
    firstDayOfWeek?: DayOfWeek;
  };
  range: {
    type: 'endDate' | 'noEnd' | 'numbered';
    /** `YYYY-MM-DD` in the recurrence time zone. */
    startDate: string;
    endDate?: string;
    numberOfOccurrences?: number;
    /** Windows zone name. */
    recurrenceTimeZone?: string;
  };
}

/** What the expansion reads of a modified occurrence; callers keep their own fuller exception. */
export interface OccurrenceOverride {
  /** Start of the occurrence as the pattern put it (UTC instant); identifies the occurrence. */
  originalStart: string;
  /** Where the occurrence was moved to (UTC instants); a moved start keeps the series' length. */
  start?: string;
  end?: string;
}

export interface Occurrence<O extends OccurrenceOverride = OccurrenceOverride> {
  /** 1-based position in the series, deleted occurrences included (EWS InstanceIndex). */
  index: number;
  /** Where the pattern puts it (ms since epoch); identifies the occurrence. */
  originalStart: number;
  start: number;
  end: number;
  override?: O;
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

/**
 * Hard stop for unbounded series, so a noEnd pattern cannot run away; large enough that a
 * daily series begun decades ago still reaches today (dates outside a window cost little).
 */
const MAX_OCCURRENCES = 20_000;

export interface CalendarDate {
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

function recurrenceZone(event: Pick<SeriesEvent, 'recurrence' | 'startTimeZone'>): string {
  return ianaZoneOrUtc(event.recurrence?.range.recurrenceTimeZone || event.startTimeZone);
}

/** A recurring series: its first occurrence and its exceptions. */
export interface SeriesEvent<O extends OccurrenceOverride = OccurrenceOverride> {
  /** UTC instants of the first occurrence. */
  start: string;
  end: string;
  /** Windows or IANA name; the recurrence's own zone, when it names one, wins. */
  startTimeZone: string;
  recurrence?: Recurrence;
  modifiedOccurrences: O[];
  /** Original starts (UTC instants) of deleted occurrences. */
  deletedOccurrences: string[];
}

const HOUR = 3600000;
const DAY = 86400000;

/** Where an occurrence lies once its exception (if any) is applied: a moved start keeps the length. */
function exceptionTimes(
  originalStart: number,
  duration: number,
  override: OccurrenceOverride | undefined,
): { originalStart: number; start: number; end: number } {
  const start = override?.start ? Date.parse(override.start) : originalStart;
  return { originalStart, start, end: override?.end ? Date.parse(override.end) : start + duration };
}

/**
 * Occurrences of the series that start before `until` (all of them for bounded series),
 * deleted ones flagged, modified ones carrying their override. Occurrences that surely end
 * before `from` are counted (so indexes stay right) but not built: converting wall times is
 * the expensive part, and a view of one week should not pay for years of a daily series.
 */
export function occurrences<O extends OccurrenceOverride>(
  event: SeriesEvent<O>,
  until?: number,
  maxCount = MAX_OCCURRENCES,
  from?: number,
): Occurrence<O>[] {
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
  const limit = Math.min(maxCount, count ?? MAX_OCCURRENCES, MAX_OCCURRENCES);
  const deleted = new Set(event.deletedOccurrences.map((d) => Date.parse(d)));
  const overrides = new Map(event.modifiedOccurrences.map((o) => [Date.parse(o.originalStart), o]));
  // Days (in the recurrence zone) that carry an exception or a deletion are always built.
  const marked = new Set([...deleted, ...overrides.keys()].map((ms) => dayNumber(toWallTime(ms, zone))));
  const out: Occurrence<O>[] = [];
  let index = 0;
  for (const date of patternDates(recurrence)) {
    if (endDay !== undefined && dayNumber(date) > endDay) break;
    if (index >= limit) break;
    const localMs = Date.UTC(date.year, date.month - 1, date.day, wall.hour, wall.minute, wall.second);
    // UTC offsets lie between -12 h and +14 h.
    if (until !== undefined && localMs - 14 * HOUR >= until) break;
    index += 1;
    if (
      from !== undefined &&
      localMs + 12 * HOUR + Math.max(duration, 0) < from &&
      !marked.has(dayNumber(date))
    ) {
      continue;
    }
    const originalStart = fromWallTime(
      { ...date, hour: wall.hour, minute: wall.minute, second: wall.second, millisecond: 0 },
      zone,
    );
    if (until !== undefined && originalStart >= until) break;
    const override = overrides.get(originalStart);
    out.push({
      index,
      ...exceptionTimes(originalStart, duration, override),
      override,
      deleted: deleted.has(originalStart),
    });
  }
  return out;
}

/** Whether [start, end) overlaps the window [from, to). */
export type Overlap = (start: number, end: number, from: number, to: number) => boolean;

/** Strict overlap: an instant (zero-length) item at the window's start is outside it. */
export const overlapsStrictly: Overlap = (start, end, from, to) => start < to && end > from;

/** Overlap that also counts a zero-length item at the window's start as inside it. */
export const overlapsWithInstants: Overlap = (start, end, from, to) =>
  start < to && (end > from || (start === end && start >= from));

/**
 * Occurrences overlapping [from, to), deletions dropped: what a calendar view shows. An
 * exception counts where it was moved to, even from far outside the window.
 */
export function occurrencesBetween<O extends OccurrenceOverride>(
  event: SeriesEvent<O>,
  from: number,
  to: number,
  overlaps: Overlap = overlapsStrictly,
): Occurrence<O>[] {
  const duration = Math.max(0, Date.parse(event.end) - Date.parse(event.start));
  // An exception may have been moved into the window from a later slot.
  const movedIn = event.modifiedOccurrences
    .filter((o) => o.start !== undefined && Date.parse(o.start) < to)
    .map((o) => Date.parse(o.originalStart) + 1);
  const until = Math.max(to + duration, ...movedIn);
  return occurrences(event, until, MAX_OCCURRENCES, from - DAY).filter(
    (o) => !o.deleted && overlaps(o.start, o.end, from, to),
  );
}

/** The calendar date of the n-th pattern date (1-based), without converting any times. */
function nthPatternDate(recurrence: Recurrence, n: number): CalendarDate | undefined {
  let i = 0;
  for (const date of patternDates(recurrence)) {
    i += 1;
    if (i === n) return date;
    if (i > MAX_OCCURRENCES) return undefined;
  }
  return undefined;
}

export interface SeriesSummary<O extends OccurrenceOverride = OccurrenceOverride> {
  first?: Occurrence<O>;
  /** Only for bounded series. */
  last?: Occurrence<O>;
  modified: Occurrence<O>[];
  deleted: Occurrence<O>[];
}

/** What a recurring master reports about its series, computed without expanding all of it. */
export function seriesSummary<O extends OccurrenceOverride>(event: SeriesEvent<O>): SeriesSummary<O> {
  const recurrence = event.recurrence;
  if (!recurrence) return { modified: [], deleted: [] };
  const duration = Date.parse(event.end) - Date.parse(event.start);
  const deletedStarts = new Set(event.deletedOccurrences.map((d) => Date.parse(d)));
  const modified = event.modifiedOccurrences
    .filter((o) => !deletedStarts.has(Date.parse(o.originalStart)))
    .map((o): Occurrence<O> => {
      return {
        index: 0,
        ...exceptionTimes(Date.parse(o.originalStart), duration, o),
        override: o,
        deleted: false,
      };
    })
    .sort((a, b) => a.originalStart - b.originalStart);
  const deleted = [...deletedStarts]
    .sort((a, b) => a - b)
    .map(
      (originalStart): Occurrence<O> => ({
        index: 0,
        originalStart,
        start: originalStart,
        end: originalStart + duration,
        deleted: true,
      }),
    );
  const first = occurrences(event, undefined, deletedStarts.size + 1).find((o) => !o.deleted);
  let last: Occurrence<O> | undefined;
  const range = recurrence.range;
  if (range.type !== 'noEnd') {
    let from: number | undefined;
    if (range.type === 'endDate' && range.endDate) {
      from = Date.parse(`${range.endDate}T00:00:00Z`) - (deletedStarts.size + 2) * 366 * DAY;
    } else if (range.type === 'numbered') {
      const date = nthPatternDate(
        recurrence,
        Math.max(1, (range.numberOfOccurrences ?? 1) - deletedStarts.size),
      );
      from = date
        ? Date.UTC(date.year, date.month - 1, date.day) - 2 * DAY - Math.max(duration, 0)
        : undefined;
    }
    let tail = occurrences(event, undefined, MAX_OCCURRENCES, from).filter((o) => !o.deleted);
    if (tail.length === 0 && from !== undefined) tail = occurrences(event).filter((o) => !o.deleted);
    last = tail[tail.length - 1];
  }
  return { first, last, modified, deleted };
}

export function isBoundedSeries(recurrence: Recurrence): boolean {
  return recurrence.range.type !== 'noEnd';
}
