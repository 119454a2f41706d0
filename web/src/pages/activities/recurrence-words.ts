// A recurrence rule in words, in the user's language: "Every 2 weeks on Monday and Wednesday,
// 10 times". Weekday and month names come from Intl, the sentence from the message catalogues.
import { locale, t } from '../../i18n.ts';
import type { Activity } from '../../types.ts';
import { dateIn, dateText } from './when.ts';

type Rule = NonNullable<Activity['recurrence']>['rule'];

const WEEKDAY_CODES = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
const ORDINALS: Record<string, string> = {
  '1': 'first',
  '2': 'second',
  '3': 'third',
  '4': 'fourth',
  '5': 'fifth',
  '-1': 'last',
};

/** The weekday's name: MO → Monday (2024-01-01 was a Monday). */
function weekdayName(code: string): string {
  const index = WEEKDAY_CODES.indexOf(code as (typeof WEEKDAY_CODES)[number]);
  return new Intl.DateTimeFormat(locale(), { weekday: 'long', timeZone: 'UTC' }).format(
    new Date(Date.UTC(2024, 0, 1 + index)),
  );
}

function monthName(month: number): string {
  return new Intl.DateTimeFormat(locale(), { month: 'long', timeZone: 'UTC' }).format(
    new Date(Date.UTC(2024, month - 1, 1)),
  );
}

const list = (items: string[]) =>
  new Intl.ListFormat(locale(), { style: 'long', type: 'conjunction' }).format(items);

/** One BYDAY entry: MO → Monday, 1MO → the first Monday, -1FR → the last Friday. */
function dayWords(entry: string): string {
  const match = /^([+-]?\d+)?([A-Z]{2})$/.exec(entry);
  if (!match) return entry;
  const name = weekdayName(match[2]);
  if (!match[1]) return name;
  const nth = ORDINALS[String(Number(match[1]))] ?? 'other';
  return t('activities.recurrence.nthDay', { nth, n: Number(match[1]), day: name });
}

/** The period part: "Every 2 weeks". */
function every(rule: Rule): string {
  const interval = rule.interval ?? 1;
  switch (rule.freq) {
    case 'DAILY':
      return t('activities.recurrence.daily', { interval });
    case 'WEEKLY':
      return t('activities.recurrence.weekly', { interval });
    case 'MONTHLY':
      return t('activities.recurrence.monthly', { interval });
    default:
      return t('activities.recurrence.yearly', { interval });
  }
}

/** The "on …" part, from the rule or else from the first start (as Exchange fills it in). */
function onWords(rule: Rule, start: string | null, zone: string): string | null {
  const startDate = start ? dateIn(start, zone) : null;
  const byDay = rule.byDay ?? [];
  const setPos = rule.bySetPos?.[0];
  const days =
    byDay.length > 0
      ? setPos !== undefined && byDay.every((d) => /^[A-Z]{2}$/.test(d))
        ? [dayWords(`${setPos}${byDay[0]}`)]
        : byDay.map(dayWords)
      : [];
  const monthDays = rule.byMonthDay ?? [];
  switch (rule.freq) {
    case 'DAILY':
      return days.length > 0 ? list(days) : null;
    case 'WEEKLY': {
      if (days.length > 0) return list(days);
      if (!startDate) return null;
      const weekday = (new Date(`${startDate}T00:00:00Z`).getUTCDay() + 6) % 7;
      return weekdayName(WEEKDAY_CODES[weekday]);
    }
    case 'MONTHLY': {
      if (days.length > 0) return list(days);
      const numbers = monthDays.length > 0 ? monthDays : startDate ? [Number(startDate.slice(8, 10))] : [];
      if (numbers.length === 0) return null;
      return t('activities.recurrence.monthDays', { days: list(numbers.map(String)) });
    }
    default: {
      const months = rule.byMonth ?? (startDate ? [Number(startDate.slice(5, 7))] : []);
      const monthText = list(months.map(monthName));
      if (days.length > 0)
        return t('activities.recurrence.daysInMonths', { days: list(days), months: monthText });
      const day = monthDays[0] ?? (startDate ? Number(startDate.slice(8, 10)) : undefined);
      if (day === undefined || months.length === 0) return null;
      return t('activities.recurrence.dayOfMonth', { day, months: monthText });
    }
  }
}

/** The whole rule in words, e.g. "Every 2 weeks on Monday and Wednesday, 10 times". */
export function recurrenceWords(rule: Rule, start: string | null, zone: string): string {
  const on = onWords(rule, start, zone);
  let words = on ? t('activities.recurrence.on', { every: every(rule), on }) : every(rule);
  if (rule.count !== undefined) words = t('activities.recurrence.count', { rule: words, count: rule.count });
  else if (rule.until !== undefined) {
    const until = rule.until.length === 10 ? rule.until : dateIn(rule.until, zone);
    words = t('activities.recurrence.until', { rule: words, date: dateText(until, { dateStyle: 'long' }) });
  }
  return words;
}
