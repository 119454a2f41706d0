// Recurrence ⇄ EWS RecurrenceType (pattern group + range group).

import type { DayOfWeek, Recurrence, WeekIndex } from '../../model.ts';
import { EwsError } from '../errors.ts';
import { childElement, childText, type XElement } from '../xml/parse.ts';
import { el, leaf } from '../xml/write.ts';

const DAYS: DayOfWeek[] = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const WEEKDAYS: DayOfWeek[] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'];
const WEEKEND: DayOfWeek[] = ['sunday', 'saturday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const INDEXES: Record<WeekIndex, string> = {
  first: 'First',
  second: 'Second',
  third: 'Third',
  fourth: 'Fourth',
  last: 'Last',
};

const cap = (s: string) => s[0].toUpperCase() + s.slice(1);

function daysOut(days: DayOfWeek[] | undefined, relative: boolean): string {
  const list = days ?? [];
  const set = new Set(list);
  if (relative && set.size === 7) return 'Day';
  if (relative && set.size === 5 && WEEKDAYS.every((d) => set.has(d))) return 'Weekday';
  if (relative && set.size === 2 && WEEKEND.every((d) => set.has(d))) return 'WeekendDay';
  return DAYS.filter((d) => set.has(d))
    .map(cap)
    .join(' ');
}

function daysIn(text: string | undefined): DayOfWeek[] {
  const out: DayOfWeek[] = [];
  for (const token of (text ?? '').split(/\s+/).filter(Boolean)) {
    if (token === 'Day') out.push(...DAYS);
    else if (token === 'Weekday') out.push(...WEEKDAYS);
    else if (token === 'WeekendDay') out.push(...WEEKEND);
    else {
      const d = token.toLowerCase() as DayOfWeek;
      if (DAYS.includes(d)) out.push(d);
    }
  }
  return [...new Set(out)];
}

export function recurrenceXml(r: Recurrence, name = 't:Recurrence'): string {
  const p = r.pattern;
  let pattern: string;
  switch (p.type) {
    case 'daily':
      pattern = el('t:DailyRecurrence', null, leaf('t:Interval', p.interval));
      break;
    case 'weekly':
      pattern = el(
        't:WeeklyRecurrence',
        null,
        leaf('t:Interval', p.interval),
        leaf('t:DaysOfWeek', daysOut(p.daysOfWeek, false)),
        leaf('t:FirstDayOfWeek', cap(p.firstDayOfWeek ?? 'sunday')),
      );
      break;
    case 'absoluteMonthly':
      pattern = el(
        't:AbsoluteMonthlyRecurrence',
        null,
        leaf('t:Interval', p.interval),
        leaf('t:DayOfMonth', p.dayOfMonth ?? 1),
      );
      break;
    case 'relativeMonthly':
      pattern = el(
        't:RelativeMonthlyRecurrence',
        null,
        leaf('t:Interval', p.interval),
        leaf('t:DaysOfWeek', daysOut(p.daysOfWeek, true)),
        leaf('t:DayOfWeekIndex', INDEXES[p.index ?? 'first']),
      );
      break;
    case 'absoluteYearly':
      pattern = el(
        't:AbsoluteYearlyRecurrence',
        null,
        leaf('t:DayOfMonth', p.dayOfMonth ?? 1),
        leaf('t:Month', MONTHS[(p.month ?? 1) - 1]),
      );
      break;
    case 'relativeYearly':
      pattern = el(
        't:RelativeYearlyRecurrence',
        null,
        leaf('t:DaysOfWeek', daysOut(p.daysOfWeek, true)),
        leaf('t:DayOfWeekIndex', INDEXES[p.index ?? 'first']),
        leaf('t:Month', MONTHS[(p.month ?? 1) - 1]),
      );
      break;
  }
  const g = r.range;
  const range =
    g.type === 'numbered'
      ? el(
          't:NumberedRecurrence',
          null,
          leaf('t:StartDate', g.startDate),
          leaf('t:NumberOfOccurrences', g.numberOfOccurrences ?? 1),
        )
      : g.type === 'endDate'
        ? el(
            't:EndDateRecurrence',
            null,
            leaf('t:StartDate', g.startDate),
            leaf('t:EndDate', g.endDate ?? g.startDate),
          )
        : el('t:NoEndRecurrence', null, leaf('t:StartDate', g.startDate));
  return el(name, null, pattern, range);
}

/** `2026-11-22`, `2026-11-22Z` and `2026-11-22+01:00` all name the same calendar date. */
function xsDate(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const date = text.trim().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
    throw new EwsError('ErrorCalendarInvalidRecurrence', `"${text}" is not a date (YYYY-MM-DD).`);
  }
  return date;
}

/** Exchange's own bounds: intervals up to 999, at most 999 numbered occurrences, days 1–31. */
const MAXIMA: Record<string, number> = { Interval: 999, NumberOfOccurrences: 999, DayOfMonth: 31 };

function positive(text: string | undefined, what: string): number {
  const n = Number(text);
  const max = MAXIMA[what] ?? 999;
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new EwsError(
      'ErrorCalendarInvalidRecurrence',
      `${what} must be a whole number from 1 to ${max}, not "${text ?? ''}".`,
    );
  }
  return n;
}

function readPattern(rec: XElement): Recurrence['pattern'] {
  const interval = (e: XElement) => positive(childText(e, 'Interval'), 'Interval');
  const month = (e: XElement) => MONTHS.indexOf(childText(e, 'Month') ?? '') + 1 || 1;
  const daily = childElement(rec, 'DailyRecurrence');
  if (daily) return { type: 'daily', interval: interval(daily) };
  const weekly = childElement(rec, 'WeeklyRecurrence');
  if (weekly) {
    const first = childText(weekly, 'FirstDayOfWeek')?.toLowerCase() as DayOfWeek | undefined;
    return {
      type: 'weekly',
      interval: interval(weekly),
      daysOfWeek: daysIn(childText(weekly, 'DaysOfWeek')),
      firstDayOfWeek: first && DAYS.includes(first) ? first : 'sunday',
    };
  }
  const absMonthly = childElement(rec, 'AbsoluteMonthlyRecurrence');
  if (absMonthly) {
    return {
      type: 'absoluteMonthly',
      interval: interval(absMonthly),
      dayOfMonth: positive(childText(absMonthly, 'DayOfMonth'), 'DayOfMonth'),
    };
  }
  const relMonthly = childElement(rec, 'RelativeMonthlyRecurrence');
  if (relMonthly) {
    return {
      type: 'relativeMonthly',
      interval: interval(relMonthly),
      daysOfWeek: daysIn(childText(relMonthly, 'DaysOfWeek')),
      index: readIndex(childText(relMonthly, 'DayOfWeekIndex')),
    };
  }
  const absYearly = childElement(rec, 'AbsoluteYearlyRecurrence');
  if (absYearly) {
    return {
      type: 'absoluteYearly',
      interval: 1,
      dayOfMonth: positive(childText(absYearly, 'DayOfMonth'), 'DayOfMonth'),
      month: month(absYearly),
    };
  }
  const relYearly = childElement(rec, 'RelativeYearlyRecurrence');
  if (relYearly) {
    return {
      type: 'relativeYearly',
      interval: 1,
      daysOfWeek: daysIn(childText(relYearly, 'DaysOfWeek')),
      index: readIndex(childText(relYearly, 'DayOfWeekIndex')),
      month: month(relYearly),
    };
  }
  throw new EwsError(
    'ErrorUnsupportedRecurrence',
    'The recurrence pattern is not supported: use a daily, weekly, monthly or yearly pattern.',
  );
}

function readRange(rec: XElement): Recurrence['range'] {
  const numbered = childElement(rec, 'NumberedRecurrence');
  const endDate = childElement(rec, 'EndDateRecurrence');
  const noEnd = childElement(rec, 'NoEndRecurrence');
  const range: Recurrence['range'] | undefined = numbered
    ? {
        type: 'numbered',
        startDate: xsDate(childText(numbered, 'StartDate')) ?? '',
        numberOfOccurrences: positive(childText(numbered, 'NumberOfOccurrences'), 'NumberOfOccurrences'),
      }
    : endDate
      ? {
          type: 'endDate',
          startDate: xsDate(childText(endDate, 'StartDate')) ?? '',
          endDate: xsDate(childText(endDate, 'EndDate')),
        }
      : noEnd
        ? { type: 'noEnd', startDate: xsDate(childText(noEnd, 'StartDate')) ?? '' }
        : undefined;
  if (!range) {
    throw new EwsError(
      'ErrorInvalidRequest',
      'The recurrence has no range: add NoEndRecurrence, EndDateRecurrence or NumberedRecurrence.',
    );
  }
  if (!range.startDate) throw new EwsError('ErrorInvalidRequest', 'The recurrence range needs a StartDate.');
  return range;
}

export function readRecurrence(rec: XElement, recurrenceTimeZone?: string): Recurrence {
  const pattern = readPattern(rec);
  const range = readRange(rec);
  if (recurrenceTimeZone) range.recurrenceTimeZone = recurrenceTimeZone;
  return { pattern, range };
}

function readIndex(text: string | undefined): WeekIndex {
  const found = (Object.entries(INDEXES) as Array<[WeekIndex, string]>).find(([, v]) => v === text);
  return found ? found[0] : 'first';
}
