// The occurrences of an activity in a time range: a single one, or those its recurrence rule
// generates (the parts of RFC 5545 the API holds), counted from the first, with changed ones
// moved and deleted ones left out. Days are counted on the activity's own wall clock, so a
// series keeps its local time across clock changes as Exchange does.
import type { Activity } from '../../types.ts';
import { addDays, dateIn, instantOf, localOf } from './when.ts';

export interface Occurrence {
  activity: Activity;
  startsAt: string;
  endsAt: string;
  subject: string;
}

type Rule = NonNullable<Activity['recurrence']>['rule'];
const CODES = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
/** A series is followed for at most this many days, so that a mistaken rule cannot hang the page. */
const MAX_DAYS = 366 * 30;

const utcDate = (date: string) => new Date(`${date}T00:00:00Z`);
const weekday = (date: string) => (utcDate(date).getUTCDay() + 6) % 7;
const daysBetween = (a: string, b: string) =>
  Math.round((utcDate(b).getTime() - utcDate(a).getTime()) / 86_400_000);
const monthsBetween = (a: string, b: string) =>
  (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + Number(b.slice(5, 7)) - Number(a.slice(5, 7));
const daysInMonth = (date: string) =>
  new Date(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)), 0)).getUTCDate();

/** Whether `date` is the n-th (from the end when negative) of its weekday in its month. */
function isNthWeekday(date: string, n: number): boolean {
  const day = Number(date.slice(8, 10));
  return n > 0 ? Math.ceil(day / 7) === n : Math.ceil((daysInMonth(date) - day + 1) / 7) === -n;
}

function dayMatches(rule: Rule, date: string, first: string, inMonth: boolean): boolean {
  const byDay = rule.byDay ?? [];
  const setPos = rule.bySetPos?.[0];
  const monthDays = rule.byMonthDay ?? [];
  if (byDay.length > 0) {
    return byDay.some((entry) => {
      const m = /^([+-]?\d+)?([A-Z]{2})$/.exec(entry);
      if (!m || CODES.indexOf(m[2]) !== weekday(date)) return false;
      const n = m[1] ? Number(m[1]) : setPos;
      return n === undefined || !inMonth || isNthWeekday(date, n);
    });
  }
  if (monthDays.length > 0) {
    const day = Number(date.slice(8, 10));
    return monthDays.some((n) => (n > 0 ? n === day : daysInMonth(date) + n + 1 === day));
  }
  return inMonth ? date.slice(8, 10) === first.slice(8, 10) : weekday(date) === weekday(first);
}

/** Whether the rule generates an occurrence on `date`, for a series whose first day is `first`. */
function generates(rule: Rule, date: string, first: string): boolean {
  const interval = rule.interval ?? 1;
  switch (rule.freq) {
    case 'DAILY':
      return (
        daysBetween(first, date) % interval === 0 &&
        (!rule.byDay?.length || dayMatches(rule, date, first, false))
      );
    case 'WEEKLY': {
      const weeks = Math.floor(daysBetween(addDays(first, -weekday(first)), date) / 7);
      return weeks % interval === 0 && dayMatches(rule, date, first, false);
    }
    case 'MONTHLY':
      return monthsBetween(first, date) % interval === 0 && dayMatches(rule, date, first, true);
    default: {
      const months = rule.byMonth ?? [Number(first.slice(5, 7))];
      const years = Number(date.slice(0, 4)) - Number(first.slice(0, 4));
      return (
        years % interval === 0 &&
        months.includes(Number(date.slice(5, 7))) &&
        dayMatches(rule, date, first, true)
      );
    }
  }
}

/** The occurrences of `a` that overlap [from, to) (instants, ISO). */
export function occurrencesIn(a: Activity, from: string, to: string): Occurrence[] {
  const start = a.startsAt ?? a.endsAt;
  if (!start) return [];
  const end = a.endsAt ?? start;
  const overlaps = (s: string, e: string) => s < to && (e > from || (e === s && s >= from));
  const r = a.recurrence;
  if (!r)
    return overlaps(start, end) ? [{ activity: a, startsAt: start, endsAt: end, subject: a.subject }] : [];
  const zone = a.timeZone;
  const length = Date.parse(end) - Date.parse(start);
  const first = dateIn(start, zone);
  const clock = localOf(start, zone).slice(10);
  const lastDay = dateIn(to, zone);
  const until = r.rule.until
    ? r.rule.until.length === 10
      ? r.rule.until
      : dateIn(r.rule.until, zone)
    : null;
  const deleted = new Set(r.deletedOccurrences ?? []);
  const changed = new Map((r.exceptions ?? []).map((e) => [e.originalStart, e]));
  const found: Occurrence[] = [];
  let count = 0;
  for (let i = 0, date = first; i < MAX_DAYS && date <= lastDay; i++, date = addDays(date, 1)) {
    if (until && date > until) break;
    if (!generates(r.rule, date, first)) continue;
    count++;
    if (r.rule.count !== undefined && count > r.rule.count) break;
    const original = a.allDay ? instantOf(date, zone) : instantOf(`${date}${clock}`, zone);
    const names = [original, date, original.replace('.000Z', 'Z')];
    if (names.some((n) => deleted.has(n))) continue;
    const exception = names.map((n) => changed.get(n)).find(Boolean);
    const s = exception?.startsAt ?? original;
    const e = exception?.endsAt ?? new Date(Date.parse(s) + length).toISOString();
    if (overlaps(s, e))
      found.push({ activity: a, startsAt: s, endsAt: e, subject: exception?.subject ?? a.subject });
  }
  return found;
}
