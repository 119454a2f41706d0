// Expands a recurring event into the occurrences and exceptions a calendar view shows, as
// Exchange does: the pattern runs on local dates of the recurrence time zone, each occurrence
// keeps the series' local time of day, deleted occurrences vanish and modified ones are
// replaced by their exception.
import type { DayOfWeek, EventData, Item, OccurrenceOverride, Recurrence } from '../model.ts';
import { ianaZone, localToUtcMs, utcMsToLocal } from './time.ts';

export interface EventInstance {
  /** The item id (single instance), an occurrence id, or the exception's own id. */
  id: string;
  type: 'singleInstance' | 'occurrence' | 'exception';
  masterId?: string;
  /** UTC instants. */
  originalStart?: string;
  start: string;
  end: string;
  override?: OccurrenceOverride;
}

const DAYS: DayOfWeek[] = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const DAY_MS = 86_400_000;
/** Bounds the work for endless series far from the window. */
const MAX_DATES = 20_000;

/** Occurrence ids: the series id and the occurrence's original start, so they stay stable. */
export function occurrenceId(masterId: string, originalStart: string): string {
  return `${masterId}.${originalStart.replace(/\.\d+/, '').replace(/[-:]/g, '')}`;
}

export function parseOccurrenceId(id: string): { masterId: string; originalStart: string } | undefined {
  const m = /^(.+)\.(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(id);
  if (!m) return undefined;
  return { masterId: m[1], originalStart: `${m[2]}-${m[3]}-${m[4]}T${m[5]}:${m[6]}:${m[7]}.000Z` };
}

function dayNumber(date: string): number {
  return Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10)) / DAY_MS;
}

function dateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

function relativeDay(
  year: number,
  month0: number,
  index: string | undefined,
  days: DayOfWeek[],
): number | undefined {
  const wanted = new Set(days.length > 0 ? days : ['sunday']);
  const candidates: number[] = [];
  const n = daysInMonth(year, month0);
  for (let d = 1; d <= n; d++) {
    const day = Date.UTC(year, month0, d) / DAY_MS;
    if (wanted.has(DAYS[new Date(day * DAY_MS).getUTCDay()])) candidates.push(day);
  }
  const order = ['first', 'second', 'third', 'fourth'];
  if (index === 'last') return candidates[candidates.length - 1];
  return candidates[order.indexOf(index ?? 'first')];
}

/**
 * Local dates (`YYYY-MM-DD`) the pattern produces from the range start up to `untilDate`
 * (inclusive), honouring the range's end date and number of occurrences.
 */
export function patternDates(recurrence: Recurrence, untilDate: string): string[] {
  const { pattern, range } = recurrence;
  const interval = Math.max(1, pattern.interval || 1);
  const start = dayNumber(range.startDate);
  let last = dayNumber(untilDate);
  if (range.type === 'endDate' && range.endDate) last = Math.min(last, dayNumber(range.endDate));
  const limit = range.type === 'numbered' ? Math.max(0, range.numberOfOccurrences ?? 0) : MAX_DATES;
  const out: number[] = [];
  const emit = (day: number): boolean => {
    if (day < start) return true;
    if (day > last || out.length >= limit || out.length >= MAX_DATES) return false;
    out.push(day);
    return true;
  };
  const startDate = new Date(start * DAY_MS);
  const startYear = startDate.getUTCFullYear();
  const startMonth = startDate.getUTCMonth();
  switch (pattern.type) {
    case 'daily':
      for (let day = start; emit(day); day += interval);
      break;
    case 'weekly': {
      const firstDow = DAYS.indexOf(pattern.firstDayOfWeek ?? 'sunday');
      const weekStart = start - ((startDate.getUTCDay() - firstDow + 7) % 7);
      const wanted = new Set(pattern.daysOfWeek?.length ? pattern.daysOfWeek : [DAYS[startDate.getUTCDay()]]);
      for (let week = weekStart; week <= last; week += 7 * interval) {
        let more = true;
        for (let i = 0; i < 7 && more; i++) {
          const day = week + i;
          if (wanted.has(DAYS[new Date(day * DAY_MS).getUTCDay()])) more = emit(day);
        }
        if (!more) break;
      }
      break;
    }
    case 'absoluteMonthly':
    case 'relativeMonthly':
      for (let k = 0; ; k += interval) {
        const year = startYear + Math.floor((startMonth + k) / 12);
        const month0 = (startMonth + k) % 12;
        if (Date.UTC(year, month0, 1) / DAY_MS > last) break;
        const day =
          pattern.type === 'absoluteMonthly'
            ? Date.UTC(
                year,
                month0,
                Math.min(pattern.dayOfMonth ?? startDate.getUTCDate(), daysInMonth(year, month0)),
              ) / DAY_MS
            : relativeDay(year, month0, pattern.index, pattern.daysOfWeek ?? []);
        if (day !== undefined && !emit(day)) break;
      }
      break;
    case 'absoluteYearly':
    case 'relativeYearly':
      for (let year = startYear; ; year += interval) {
        const month0 = (pattern.month ?? startMonth + 1) - 1;
        if (Date.UTC(year, 0, 1) / DAY_MS > last) break;
        const day =
          pattern.type === 'absoluteYearly'
            ? Date.UTC(
                year,
                month0,
                Math.min(pattern.dayOfMonth ?? startDate.getUTCDate(), daysInMonth(year, month0)),
              ) / DAY_MS
            : relativeDay(year, month0, pattern.index, pattern.daysOfWeek ?? []);
        if (day !== undefined && !emit(day)) break;
      }
      break;
  }
  return out.map(dateOf);
}

/** Every start (UTC instant) the series' pattern puts before `untilMs`, ignoring exceptions. */
export function seriesStarts(data: EventData, untilMs: number): string[] {
  if (!data.recurrence) return [data.start];
  const zone = ianaZone(data.recurrence.range.recurrenceTimeZone || data.startTimeZone || 'UTC');
  const startMs = Date.parse(data.start);
  const timeOfDay = utcMsToLocal(startMs, zone).slice(10);
  const untilDate = utcMsToLocal(untilMs, zone).slice(0, 10);
  return patternDates(data.recurrence, untilDate).map((date) =>
    new Date(localToUtcMs(date + timeOfDay, zone)).toISOString(),
  );
}

const overlaps = (start: number, end: number, from: number, to: number): boolean =>
  start < to && (end > from || (start === end && start >= from));

/** The instances of an event that overlap [fromMs, toMs). */
export function expandEvent(item: Item<'event'>, fromMs: number, toMs: number): EventInstance[] {
  const d = item.data;
  const duration = Date.parse(d.end) - Date.parse(d.start);
  if (!d.recurrence) {
    const s = Date.parse(d.start);
    return overlaps(s, s + duration, fromMs, toMs)
      ? [{ id: item.id, type: 'singleInstance', start: d.start, end: d.end }]
      : [];
  }
  const deleted = new Set(d.deletedOccurrences.map((t) => Date.parse(t)));
  const modified = new Map(d.modifiedOccurrences.map((o) => [Date.parse(o.originalStart), o]));
  const out: EventInstance[] = [];
  for (const original of seriesStarts(d, toMs)) {
    const s = Date.parse(original);
    if (deleted.has(s) || modified.has(s)) continue;
    if (!overlaps(s, s + duration, fromMs, toMs)) continue;
    out.push({
      id: occurrenceId(item.id, original),
      type: 'occurrence',
      masterId: item.id,
      originalStart: new Date(s).toISOString(),
      start: new Date(s).toISOString(),
      end: new Date(s + duration).toISOString(),
    });
  }
  for (const o of d.modifiedOccurrences) {
    const originalMs = Date.parse(o.originalStart);
    if (deleted.has(originalMs)) continue;
    const start = o.start ?? o.originalStart;
    const end = o.end ?? new Date(Date.parse(start) + duration).toISOString();
    if (!overlaps(Date.parse(start), Date.parse(end), fromMs, toMs)) continue;
    out.push({
      id: o.id,
      type: 'exception',
      masterId: item.id,
      originalStart: new Date(originalMs).toISOString(),
      start: new Date(Date.parse(start)).toISOString(),
      end: new Date(Date.parse(end)).toISOString(),
      override: o,
    });
  }
  return out.sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || (a.id < b.id ? -1 : 1));
}

/** The occurrence (or exception) of a series with this original start, if the pattern has it. */
export function findOccurrence(item: Item<'event'>, originalStart: string): EventInstance | undefined {
  const ms = Date.parse(originalStart);
  const d = item.data;
  if (!d.recurrence || d.deletedOccurrences.some((t) => Date.parse(t) === ms)) return undefined;
  if (!seriesStarts(d, ms + 1).some((s) => Date.parse(s) === ms)) return undefined;
  const o = d.modifiedOccurrences.find((m) => Date.parse(m.originalStart) === ms);
  const duration = Date.parse(d.end) - Date.parse(d.start);
  if (o) {
    const start = o.start ?? o.originalStart;
    return {
      id: o.id,
      type: 'exception',
      masterId: item.id,
      originalStart: new Date(ms).toISOString(),
      start,
      end: o.end ?? new Date(Date.parse(start) + duration).toISOString(),
      override: o,
    };
  }
  return {
    id: occurrenceId(item.id, new Date(ms).toISOString()),
    type: 'occurrence',
    masterId: item.id,
    originalStart: new Date(ms).toISOString(),
    start: new Date(ms).toISOString(),
    end: new Date(ms + duration).toISOString(),
  };
}
