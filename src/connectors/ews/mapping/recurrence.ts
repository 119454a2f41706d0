import { compact } from '../../graph/mapping/json.ts';
import type { DayOfWeek, Recurrence, RecurrencePattern, WeekIndex } from '../../types.ts';
import { child, el, isNode, leaf, text, type XNode } from '../xml.ts';

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
const cap = (s: string) => s[0].toUpperCase() + s.slice(1);
const PATTERN_TAGS: Record<RecurrencePattern['type'], string> = {
  daily: 'DailyRecurrence',
  weekly: 'WeeklyRecurrence',
  absoluteMonthly: 'AbsoluteMonthlyRecurrence',
  relativeMonthly: 'RelativeMonthlyRecurrence',
  absoluteYearly: 'AbsoluteYearlyRecurrence',
  relativeYearly: 'RelativeYearlyRecurrence',
};

export function recurrenceToEws(r: Recurrence): string {
  const p = r.pattern;
  const days = p.daysOfWeek?.map(cap).join(' ');
  const index = p.index ? cap(p.index) : undefined;
  const month = p.month ? MONTHS[p.month - 1] : undefined;
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
        leaf('t:DaysOfWeek', days),
        leaf('t:FirstDayOfWeek', p.firstDayOfWeek ? cap(p.firstDayOfWeek) : undefined),
      );
      break;
    case 'absoluteMonthly':
      pattern = el(
        't:AbsoluteMonthlyRecurrence',
        null,
        leaf('t:Interval', p.interval),
        leaf('t:DayOfMonth', p.dayOfMonth),
      );
      break;
    case 'relativeMonthly':
      pattern = el(
        't:RelativeMonthlyRecurrence',
        null,
        leaf('t:Interval', p.interval),
        leaf('t:DaysOfWeek', days),
        leaf('t:DayOfWeekIndex', index),
      );
      break;
    case 'absoluteYearly':
      pattern = el(
        't:AbsoluteYearlyRecurrence',
        null,
        leaf('t:DayOfMonth', p.dayOfMonth),
        leaf('t:Month', month),
      );
      break;
    case 'relativeYearly':
      pattern = el(
        't:RelativeYearlyRecurrence',
        null,
        leaf('t:DaysOfWeek', days),
        leaf('t:DayOfWeekIndex', index),
        leaf('t:Month', month),
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
  return el('t:Recurrence', null, pattern, range);
}

export function recurrenceFromEws(n: XNode | undefined): Recurrence | undefined {
  if (!isNode(n)) return undefined;
  const entry = (Object.entries(PATTERN_TAGS) as Array<[RecurrencePattern['type'], string]>).find(([, tag]) =>
    child(n, tag),
  );
  if (!entry) return undefined;
  const [type, tag] = entry;
  const p = child(n, tag)!;
  const days = text(p, 'DaysOfWeek')
    ?.split(/\s+/)
    .map((d) => d.toLowerCase() as DayOfWeek);
  const month = text(p, 'Month');
  const pattern: RecurrencePattern = compact({
    type,
    interval: Number(text(p, 'Interval') ?? 1) || 1,
    daysOfWeek: days,
    dayOfMonth: text(p, 'DayOfMonth') ? Number(text(p, 'DayOfMonth')) : undefined,
    month: month ? MONTHS.indexOf(month) + 1 || undefined : undefined,
    index: text(p, 'DayOfWeekIndex')?.toLowerCase() as WeekIndex | undefined,
    firstDayOfWeek: text(p, 'FirstDayOfWeek')?.toLowerCase() as DayOfWeek | undefined,
  });
  const numbered = child(n, 'NumberedRecurrence');
  const endDate = child(n, 'EndDateRecurrence');
  const noEnd = child(n, 'NoEndRecurrence');
  const range = numbered ?? endDate ?? noEnd;
  const startDate = text(range, 'StartDate')?.slice(0, 10);
  if (!startDate) return undefined;
  return {
    pattern,
    range: numbered
      ? { type: 'numbered', startDate, numberOfOccurrences: Number(text(numbered, 'NumberOfOccurrences')) }
      : endDate
        ? { type: 'endDate', startDate, endDate: text(endDate, 'EndDate')?.slice(0, 10) }
        : { type: 'noEnd', startDate },
  };
}
