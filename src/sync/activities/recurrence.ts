// A CRM recurrence rule (RFC 5545, src/crm/recurrence.ts) ⇄ Exchange's pattern and range (C6).
// Both are read in the series' own zone: a weekly series on Monday 09:00 in Pacific/Kiritimati
// repeats on Mondays there, although its occurrences start on Sundays in UTC. Every date and
// weekday here is a calendar date of that zone, found through @exsync/common/time.
import { dateOf, fromWallTime, parseDate, toWallTime, utcToZoned, wallAsUtcMs } from '@exsync/common/time';
import type { DayOfWeek, RecurrencePattern, RecurrenceRange, WeekIndex } from '../../connectors/types.ts';
import type { RecurrenceRule } from '../../crm/recurrence.ts';
import { WEEKDAYS } from '../../crm/weekdays.ts';

type Weekday = (typeof WEEKDAYS)[number];

const DAY_OF: Record<Weekday, DayOfWeek> = {
  MO: 'monday',
  TU: 'tuesday',
  WE: 'wednesday',
  TH: 'thursday',
  FR: 'friday',
  SA: 'saturday',
  SU: 'sunday',
};
const WEEKDAY_OF = Object.fromEntries(Object.entries(DAY_OF).map(([k, v]) => [v, k])) as Record<
  DayOfWeek,
  Weekday
>;
const INDEX_OF: Record<number, WeekIndex> = {
  1: 'first',
  2: 'second',
  3: 'third',
  4: 'fourth',
  [-1]: 'last',
};
const POSITION_OF: Record<WeekIndex, number> = { first: 1, second: 2, third: 3, fourth: 4, last: -1 };

/** Exchange's recurrence of a series, in the neutral form the snapshot compares. */
export interface SeriesPattern {
  pattern: RecurrencePattern;
  range: RecurrenceRange;
}

/** Where a series starts: its first start's calendar date and time of day in the series' zone. */
export interface SeriesStart {
  /** `YYYY-MM-DD`. */
  date: string;
  /** `HH:mm:ss`; `00:00:00` for an all-day series. */
  time: string;
  timeZone: string;
  allDay: boolean;
}

/** The series start of an instant (timed) or of a UTC-midnight date (all-day). */
export function seriesStart(startsAt: string, timeZone: string, allDay: boolean): SeriesStart {
  if (allDay) return { date: startsAt.slice(0, 10), time: '00:00:00', timeZone, allDay };
  const local = utcToZoned(startsAt, timeZone);
  return { date: local.slice(0, 10), time: local.slice(11, 19), timeZone, allDay };
}

/** A calendar date's days since 2001-01-01, a Monday (dates only: no zone is involved). */
function dayNumber(date: string): number {
  const noon = (d: string) =>
    wallAsUtcMs({ ...parseDate(d), hour: 12, minute: 0, second: 0, millisecond: 0 });
  return Math.round((noon(date) - noon('2001-01-01')) / 86_400_000);
}

/** The weekday of a calendar date: a date is the same day wherever it is seen from. */
export function weekdayOf(date: string): Weekday {
  return WEEKDAYS[((dayNumber(date) % 7) + 7) % 7];
}

const WEEKDAY_PART = /^([+-]?\d+)?(MO|TU|WE|TH|FR|SA|SU)$/;

function splitDay(part: string): { n?: number; day: Weekday } {
  const m = WEEKDAY_PART.exec(part)!;
  return { n: m[1] === undefined ? undefined : Number(m[1]), day: m[2] as Weekday };
}

const sortedDays = (days: Weekday[]): DayOfWeek[] =>
  WEEKDAYS.filter((d) => days.includes(d)).map((d) => DAY_OF[d]);

/** Weekdays and week index of a relative pattern (`2TU`, or `MO,TU…` with BYSETPOS), if it is one. */
function relativeDays(rule: RecurrenceRule): { daysOfWeek: DayOfWeek[]; index: WeekIndex } | undefined {
  const parts = (rule.byDay ?? []).map(splitDay);
  if (parts.length === 0 || rule.byMonthDay?.length) return undefined;
  if (parts.length === 1 && parts[0].n !== undefined && !rule.bySetPos?.length) {
    const index = INDEX_OF[parts[0].n];
    return index ? { daysOfWeek: [DAY_OF[parts[0].day]], index } : undefined;
  }
  if (parts.some((p) => p.n !== undefined) || rule.bySetPos?.length !== 1) return undefined;
  const index = INDEX_OF[rule.bySetPos[0]];
  return index ? { daysOfWeek: sortedDays(parts.map((p) => p.day)), index } : undefined;
}

const onlyPlainDays = (rule: RecurrenceRule) =>
  (rule.byDay ?? []).every((p) => splitDay(p).n === undefined) && !rule.bySetPos?.length;

const single = (list: number[] | undefined): number | undefined =>
  list?.length === 1 && list[0] > 0 ? list[0] : undefined;

/**
 * Exchange's pattern for a rule, or why Exchange cannot repeat the series that way. Parts a rule
 * leaves out come from the series start, as RFC 5545 takes them from DTSTART.
 */
export function patternOfRule(
  rule: RecurrenceRule,
  start: SeriesStart,
): { pattern: RecurrencePattern } | { reason: string } {
  const interval = rule.interval ?? 1;
  const startDate = parseDate(start.date);
  const noMonthParts = !rule.byMonth?.length && !rule.byMonthDay?.length && !rule.bySetPos?.length;
  switch (rule.freq) {
    case 'DAILY':
      if (noMonthParts && !rule.byDay?.length) return { pattern: { type: 'daily', interval } };
      break;
    case 'WEEKLY': {
      if (!noMonthParts || !onlyPlainDays(rule)) break;
      const days = rule.byDay?.length ? (rule.byDay as Weekday[]) : [weekdayOf(start.date)];
      return {
        pattern: {
          type: 'weekly',
          interval,
          daysOfWeek: sortedDays(days),
          // The week start matters only when weeks are skipped (RRULE's default is Monday).
          ...(interval > 1 ? { firstDayOfWeek: DAY_OF[rule.wkst ?? 'MO'] } : {}),
        },
      };
    }
    case 'MONTHLY': {
      if (rule.byMonth?.length) break;
      if (!rule.byDay?.length && !rule.bySetPos?.length) {
        const dayOfMonth = rule.byMonthDay?.length ? single(rule.byMonthDay) : startDate.day;
        if (dayOfMonth) return { pattern: { type: 'absoluteMonthly', interval, dayOfMonth } };
        break;
      }
      const relative = relativeDays(rule);
      if (relative) return { pattern: { type: 'relativeMonthly', interval, ...relative } };
      break;
    }
    case 'YEARLY': {
      const month = rule.byMonth?.length ? single(rule.byMonth) : startDate.month;
      if (!month) break;
      if (!rule.byDay?.length && !rule.bySetPos?.length) {
        const dayOfMonth = rule.byMonthDay?.length ? single(rule.byMonthDay) : startDate.day;
        if (dayOfMonth) return { pattern: { type: 'absoluteYearly', interval, month, dayOfMonth } };
        break;
      }
      const relative = relativeDays(rule);
      if (relative) return { pattern: { type: 'relativeYearly', interval, month, ...relative } };
      break;
    }
  }
  return { reason: `Exchange cannot repeat a series as the rule ${describeRule(rule)} does` };
}

function describeRule(rule: RecurrenceRule): string {
  return Object.entries(rule)
    .filter(([key, v]) => v !== undefined && key !== 'count' && key !== 'until')
    .map(([key, v]) => `${key}=${Array.isArray(v) ? v.join(',') : v}`)
    .join(';');
}

/** The range of a rule: its start date, and its end by count, by date (the zone's date) or none. */
export function rangeOfRule(rule: RecurrenceRule, start: SeriesStart): RecurrenceRange {
  if (rule.count !== undefined)
    return { type: 'numbered', startDate: start.date, numberOfOccurrences: rule.count };
  if (rule.until !== undefined) {
    const endDate =
      rule.until.length === 10 || start.allDay
        ? rule.until.slice(0, 10)
        : utcToZoned(rule.until, start.timeZone);
    return { type: 'endDate', startDate: start.date, endDate: endDate.slice(0, 10) };
  }
  return { type: 'noEnd', startDate: start.date };
}

/**
 * The CRM rule for Exchange's pattern and range, in the form an import stores: interval
 * explicit, weekdays in MO…SU order, WKST only when not Monday (RFC 5545's default), UNTIL the
 * end date itself for an all-day series and the series' time of day on it for a timed one.
 */
export function ruleOfPattern(series: SeriesPattern, start: SeriesStart): RecurrenceRule {
  const p = series.pattern;
  const days = (p.daysOfWeek ?? []).map((d) => WEEKDAY_OF[d]);
  const ordered = WEEKDAYS.filter((d) => days.includes(d));
  const relative = (): Pick<RecurrenceRule, 'byDay' | 'bySetPos'> => {
    const position = POSITION_OF[p.index ?? 'first'];
    return ordered.length === 1
      ? { byDay: [`${position}${ordered[0]}`] }
      : { byDay: ordered, bySetPos: [position] };
  };
  let rule: RecurrenceRule;
  switch (p.type) {
    case 'daily':
      rule = { freq: 'DAILY', interval: p.interval };
      break;
    case 'weekly': {
      // The week start changes which weeks a weekly series skips only when it skips some
      // (interval > 1): only then is it kept, Exchange's Sunday where the protocol says none.
      // Otherwise it is dropped, so a series gets the same rule over either protocol.
      rule = { freq: 'WEEKLY', interval: p.interval, byDay: ordered };
      const wkst = WEEKDAY_OF[p.firstDayOfWeek ?? 'sunday'];
      if (p.interval > 1 && wkst !== 'MO') rule.wkst = wkst;
      break;
    }
    case 'absoluteMonthly':
      rule = {
        freq: 'MONTHLY',
        interval: p.interval,
        byMonthDay: [p.dayOfMonth ?? parseDate(start.date).day],
      };
      break;
    case 'relativeMonthly':
      rule = { freq: 'MONTHLY', interval: p.interval, ...relative() };
      break;
    case 'absoluteYearly':
      rule = {
        freq: 'YEARLY',
        interval: p.interval,
        byMonth: [p.month ?? parseDate(start.date).month],
        byMonthDay: [p.dayOfMonth ?? parseDate(start.date).day],
      };
      break;
    case 'relativeYearly':
      rule = {
        freq: 'YEARLY',
        interval: p.interval,
        byMonth: [p.month ?? parseDate(start.date).month],
        ...relative(),
      };
      break;
  }
  const r = series.range;
  if (r.type === 'numbered' && r.numberOfOccurrences !== undefined) rule.count = r.numberOfOccurrences;
  if (r.type === 'endDate' && r.endDate) rule.until = untilOf(r.endDate, start);
  return rule;
}

/** RFC 5545 UNTIL for Exchange's end date: the date, or the series' last possible start on it. */
function untilOf(endDate: string, start: SeriesStart): string {
  if (start.allDay) return endDate;
  const [hour, minute, second] = start.time.split(':').map(Number);
  const ms = fromWallTime({ ...parseDate(endDate), hour, minute, second, millisecond: 0 }, start.timeZone);
  return new Date(ms).toISOString();
}

/** `YYYY-MM-DD` a number of days after a calendar date. */
export function addDays(date: string, days: number): string {
  const d = parseDate(date);
  return dateOf(
    toWallTime(
      wallAsUtcMs({ ...d, day: d.day + days, hour: 0, minute: 0, second: 0, millisecond: 0 }),
      'UTC',
    ),
  );
}
