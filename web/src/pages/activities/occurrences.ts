// The occurrences of an activity in a time range: a single one, or those its recurrence rule
// generates, with changed ones moved and deleted ones left out. The rule becomes Exchange's
// pattern as the sync writes it (src/sync/activities/recurrence.ts) and is expanded by the one
// expansion Exsync has (@exsync/common/recurrence), in the activity's own zone, so a series keeps
// its local time across clock changes as Exchange does. Only the CRM's shapes are read here.
import { occurrencesBetween, overlapsWithInstants, type SeriesEvent } from '@exsync/common/recurrence';
import { zonedToEpochMs } from '@exsync/common/time';
import { patternOfRule, rangeOfRule, seriesStart } from '../../../../src/sync/activities/recurrence.ts';
import type { Activity } from '../../types.ts';

export interface Occurrence {
  activity: Activity;
  startsAt: string;
  endsAt: string;
  subject: string;
}

type Series = NonNullable<Activity['recurrence']>;
type Rule = Series['rule'];

/**
 * A daily rule on some weekdays ("every weekday") repeats as a weekly one on those days, which
 * is how Exchange's patterns express it; other rules are read as they are.
 */
function patternable(rule: Rule): Rule {
  const dailyOnDays =
    rule.freq === 'DAILY' &&
    (rule.interval ?? 1) === 1 &&
    (rule.byDay?.length ?? 0) > 0 &&
    !rule.byMonth?.length &&
    !rule.byMonthDay?.length &&
    !rule.bySetPos?.length;
  return dailyOnDays ? { ...rule, freq: 'WEEKLY', interval: 1 } : rule;
}

/** A changed occurrence as the expansion reads it, with the subject the screens show. */
interface Moved {
  originalStart: string;
  start?: string;
  end?: string;
  subject?: string;
}

/**
 * An occurrence's original start as an instant: the CRM names an all-day occurrence by its
 * date, which is midnight in the activity's zone.
 */
function originalInstant(name: string, zone: string): string {
  const ms = name.length === 10 ? zonedToEpochMs(`${name}T00:00:00`, zone) : Date.parse(name);
  return new Date(ms).toISOString();
}

/** The series as the expansion reads it, or null when Exchange's patterns cannot express its rule. */
export function seriesOf(a: Activity, series: Series, start: string, end: string): SeriesEvent<Moved> | null {
  // The series starts on the wall clock of its zone; an all-day one at midnight there.
  const first = seriesStart(start, a.timeZone, false);
  const rule = patternable(series.rule);
  const pattern = patternOfRule(rule, first);
  if (!('pattern' in pattern)) return null;
  return {
    start,
    end,
    startTimeZone: a.timeZone,
    recurrence: { pattern: pattern.pattern, range: rangeOfRule(rule, first) },
    modifiedOccurrences: (series.exceptions ?? []).map((e) => ({
      originalStart: originalInstant(e.originalStart, a.timeZone),
      start: e.startsAt,
      end: e.endsAt,
      subject: e.subject,
    })),
    deletedOccurrences: (series.deletedOccurrences ?? []).map((d) => originalInstant(d, a.timeZone)),
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The occurrences of `a` that overlap [from, to) (instants, ISO). */
export function occurrencesIn(a: Activity, from: string, to: string): Occurrence[] {
  const start = a.startsAt ?? a.endsAt;
  if (!start) return [];
  const end = a.endsAt ?? start;
  const single = (): Occurrence[] =>
    overlapsWithInstants(Date.parse(start), Date.parse(end), Date.parse(from), Date.parse(to))
      ? [{ activity: a, startsAt: start, endsAt: end, subject: a.subject }]
      : [];
  if (!a.recurrence) return single();
  // A rule Exchange cannot repeat is refused when the series is synced; until then it shows once.
  const series = seriesOf(a, a.recurrence, start, end);
  if (!series) return single();
  return occurrencesBetween(series, Date.parse(from), Date.parse(to), overlapsWithInstants).map((o) => ({
    activity: a,
    startsAt: iso(o.start),
    endsAt: iso(o.end),
    subject: o.override?.subject ?? a.subject,
  }));
}
