// CRM activity ⇄ snapshot ⇄ Exchange meeting or task (C4, C6, C7). An activity shown in the
// calendar is a meeting (NeutralEvent), any other a task (NeutralTask). The snapshot is the
// activity as Exchange can hold it, compared field by field (../snapshot.ts), so an unchanged
// recurrence or unchanged attendees never count as a change. What a protocol cannot hold is
// listed (projectActivity's notExported) and kept in the CRM when Exchange's side is written
// back (activityPatch). Pure: no I/O; zones only through @exsync/common/time.
// docs/mapping.md ("Activities") has the table.
import { ianaZone, utcToZoned, windowsZone, zonedToEpochMs } from '@exsync/common/time';
import type {
  Attendee,
  ItemBody,
  NeutralEvent,
  NeutralTask,
  Protocol,
  ResponseStatus,
  TaskStatus,
  ZonedDateTime,
} from '../../connectors/types.ts';
import type { Activity } from '../../crm/activities.ts';
import { normaliseRecurrence } from '../../crm/recurrence.ts';
import { sameValue } from '../snapshot.ts';
import type { NotExported, Projection, Snapshot } from '../types.ts';
import {
  type AddressIndex,
  type CrmResponse,
  matchAttendees,
  type ParticipantInput,
  type SnapshotAttendee,
} from './attendees.ts';
import {
  activityOccurrenceFields,
  isOccurrenceField,
  itemOccurrenceFields,
  occurrencesOfSnapshot,
  recurrenceWithOccurrences,
} from './occurrences.ts';
import {
  addDays,
  patternOfRule,
  rangeOfRule,
  ruleOfPattern,
  type SeriesPattern,
  seriesStart,
} from './recurrence.ts';
import { SHOW_AS_CRM, SHOW_AS_ITEM } from './show-as.ts';

export interface ActivityMappingOptions {
  /** What the mailbox speaks: a Microsoft 365 (Graph) To Do task has no percent complete. */
  protocol: Protocol;
  /** C8: who holds which email address, for matching attendees on import. */
  addresses: AddressIndex;
  /**
   * The occurrences the mailbox keeps in sync: Graph reads a calendar over a window (a series
   * only once the window holds one of its occurrences), so occurrences outside it are left out
   * on both sides (neither written nor read as gone), whatever a read brought of them. EWS reads
   * them all.
   */
  occurrenceWindow?: { start: string; end: string };
}

export type ActivityItem = NeutralEvent | NeutralTask;

const isEvent = (item: ActivityItem): item is NeutralEvent => 'isAllDay' in item;

// ---------- values ----------

/** ISO instant in UTC, as the CRM stores it. */
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The IANA name a zone comes back from Exchange with: Exchange stores Windows zone names, and a
 * Windows name reads back as its main IANA zone (America/Toronto is written as Eastern Standard
 * Time and read as America/New_York). Compared in this form, a zone is no change.
 */
export function exchangeZone(zone: string): string {
  return ianaZone(windowsZone(zone) ?? 'UTC') ?? 'UTC';
}

/** `YYYY-MM-DD` of an all-day CRM date: the UTC date of its instant, never read through a zone. */
const allDayDate = (instant: string) => iso(Date.parse(instant)).slice(0, 10);

/** The CRM instant of an all-day date: its UTC midnight. */
const allDayInstant = (date: string) => `${date}T00:00:00.000Z`;

/** The last day of an all-day activity is exclusive on Exchange: an end at a day's start ends there. */
function allDayEnd(startDate: string, endsAt: string | null): string {
  if (!endsAt) return addDays(startDate, 1);
  const date = allDayDate(endsAt);
  const end = Date.parse(endsAt) === Date.parse(allDayInstant(date)) ? date : addDays(date, 1);
  return end > startDate ? end : addDays(startDate, 1);
}

const zonedOf = (instant: string, timeZone: string): ZonedDateTime => ({
  dateTime: utcToZoned(instant, timeZone),
  timeZone,
});

/**
 * zonedOf, but an instant in the second pass of an hour the zone repeats (the autumn change),
 * which its wall time would name as the first pass (RFC 5545), is written in UTC: for a task's
 * dates and a meeting's end, where the zone is not what the user reads, the instant matters more.
 */
function exactZonedOf(instant: string, timeZone: string): ZonedDateTime {
  const zoned = zonedOf(instant, timeZone);
  return zonedToEpochMs(zoned.dateTime, timeZone) === Date.parse(instant) ? zoned : zonedOf(instant, 'UTC');
}

/** The instant of an Exchange date-time, in UTC. */
const instantOf = (z: ZonedDateTime) => iso(zonedToEpochMs(z.dateTime, z.timeZone));

const orNull = <T>(v: T | undefined | null | ''): T | null => (v === undefined || v === '' ? null : v);

const bodyOf = (body: string | null, type: 'text' | 'html') => (body ? { type, content: body } : null);
const itemBody = (b: unknown): ItemBody | undefined => {
  const body = b as { type: 'text' | 'html'; content: string } | null | undefined;
  return body ? { contentType: body.type, content: body.content } : undefined;
};
const snapshotBody = (b: ItemBody | undefined) =>
  b?.content ? { type: b.contentType, content: b.content } : null;

/** Exchange's answers in the CRM's words: not answered is none; the organizer has accepted. */
export const RESPONSE_CRM: Record<ResponseStatus, CrmResponse> = {
  none: 'none',
  notResponded: 'none',
  organizer: 'accepted',
  accepted: 'accepted',
  tentative: 'tentative',
  declined: 'declined',
};

const STATUS_ITEM: Record<Activity['status'], TaskStatus> = {
  planned: 'notStarted',
  in_progress: 'inProgress',
  completed: 'completed',
  waiting: 'waitingOnOthers',
  deferred: 'deferred',
  // Exchange has no cancelled task; the nearest is deferred, and the CRM keeps `cancelled`.
  cancelled: 'deferred',
};
const STATUS_CRM: Record<TaskStatus, Activity['status']> = {
  notStarted: 'planned',
  inProgress: 'in_progress',
  completed: 'completed',
  waitingOnOthers: 'waiting',
  deferred: 'deferred',
};

// ---------- CRM → snapshot ----------

const byTypeAndAddress = (a: SnapshotAttendee, b: SnapshotAttendee) =>
  a.type.localeCompare(b.type) || a.address.localeCompare(b.address);

/** Attendees in one order (Exchange groups them by type), so a reorder is no change. */
const sortedAttendees = (list: SnapshotAttendee[]) => [...list].sort(byTypeAndAddress);

function participantsOut(activity: Activity, notExported: NotExported[]) {
  let organizer: { address: string; name: string | null } | null = null;
  const attendees: SnapshotAttendee[] = [];
  for (const p of activity.participants) {
    if (!p.email) {
      notExported.push({
        field: 'participants',
        value: { type: p.type, id: p.id, name: p.name },
        reason: `Exchange invites by email address, and this ${p.type} has none`,
      });
      continue;
    }
    if (p.role === 'organizer') organizer ??= { address: p.email.toLowerCase(), name: p.name };
    else attendees.push({ address: p.email.toLowerCase(), name: p.name, type: p.role, response: p.response });
  }
  return { organizer, attendees: sortedAttendees(attendees) };
}

/** Exchange's recurrence of the activity, or null and the reason when Exchange cannot hold the rule. */
function recurrenceOut(
  activity: Activity,
  startsAt: string,
  options: ActivityMappingOptions,
  notExported: NotExported[],
): SeriesPattern | null {
  if (!activity.recurrence) return null;
  const rule = activity.recurrence.rule;
  const notHeld = (reason: string) => {
    notExported.push({ field: 'recurrence', value: rule, reason });
    return null;
  };
  const series = seriesStart(startsAt, activity.timeZone, activity.allDay);
  const found = patternOfRule(rule, series);
  if ('reason' in found) return notHeld(found.reason);
  // EWS's yearly patterns have no Interval element.
  if (options.protocol === 'ews' && found.pattern.type.endsWith('Yearly') && (rule.interval ?? 1) > 1)
    return notHeld('Exchange Server (EWS) repeats a yearly series every year only');
  return { pattern: found.pattern, range: rangeOfRule(rule, series) };
}

function meetingSnapshot(
  activity: Activity,
  options: ActivityMappingOptions,
  notExported: NotExported[],
): Snapshot {
  const { organizer, attendees } = participantsOut(activity, notExported);
  const startsAt = activity.startsAt!;
  const times = activity.allDay
    ? { start: allDayDate(startsAt), end: allDayEnd(allDayDate(startsAt), activity.endsAt) }
    : { start: iso(Date.parse(startsAt)), end: iso(Date.parse(activity.endsAt ?? startsAt)) };
  const recurrence = recurrenceOut(activity, startsAt, options, notExported);
  return {
    kind: 'meeting',
    subject: activity.subject,
    body: bodyOf(activity.body, activity.bodyType),
    allDay: activity.allDay,
    ...times,
    timeZone: exchangeZone(activity.timeZone),
    location: orNull(activity.location),
    organizer,
    attendees,
    reminderMinutes: activity.reminderMinutes,
    showAs: activity.showAs,
    importance: activity.priority,
    categories: activity.categories,
    onlineMeetingUrl: orNull(activity.onlineMeetingUrl),
    recurrence,
    // Each modified or deleted occurrence is a field of its own (occurrences.ts).
    ...(recurrence ? activityOccurrenceFields(activity, times, options.occurrenceWindow) : {}),
  };
}

/**
 * A task's start or due date as Exchange keeps it: a date, without time or zone (EWS `StartDate`
 * and Graph To Do `startDateTime` keep the date only). It is the activity's own date of the
 * instant, in its zone (in UTC for an all-day task, as for an all-day meeting).
 */
function taskDate(instant: string | null, activity: Pick<Activity, 'allDay' | 'timeZone'>): string | null {
  if (!instant) return null;
  return activity.allDay ? allDayDate(instant) : utcToZoned(instant, activity.timeZone).slice(0, 10);
}

/**
 * The CRM instant for a task date from Exchange: the time of day `keep` had in the activity's
 * zone, on that date (midnight when there is none); UTC midnight for an all-day task.
 */
function instantOnDate(
  date: string,
  activity: Pick<Activity, 'allDay' | 'timeZone'>,
  keep: string | null,
): string {
  if (activity.allDay) return allDayInstant(date);
  const time = keep ? utcToZoned(keep, activity.timeZone).slice(11, 19) : '00:00:00';
  return iso(zonedToEpochMs(`${date}T${time}`, activity.timeZone));
}

/** A task's reminder is an instant on Exchange; the CRM counts minutes before its start (or due). */
function taskReminder(activity: Activity, notExported: NotExported[]): string | null {
  if (activity.reminderMinutes === null) return null;
  const anchor = activity.startsAt ?? activity.endsAt;
  if (!anchor) {
    notExported.push({
      field: 'reminderMinutes',
      value: activity.reminderMinutes,
      reason: 'an Exchange task reminder is a point in time: give the task a start or due date',
    });
    return null;
  }
  return iso(Date.parse(anchor) - activity.reminderMinutes * 60_000);
}

function taskSnapshot(
  activity: Activity,
  options: ActivityMappingOptions,
  notExported: NotExported[],
): Snapshot {
  const instant = (v: string | null) => (v ? iso(Date.parse(v)) : null);
  const snapshot: Snapshot = {
    kind: 'task',
    subject: activity.subject,
    body: bodyOf(activity.body, activity.bodyType),
    start: taskDate(activity.startsAt, activity),
    due: taskDate(activity.endsAt, activity),
    status: STATUS_ITEM[activity.status],
    importance: activity.priority,
    reminderAt: taskReminder(activity, notExported),
    categories: activity.categories,
    completedAt: instant(activity.completedAt),
  };
  if (activity.status === 'cancelled')
    notExported.push({
      field: 'status',
      value: 'cancelled',
      reason: 'Exchange tasks have no cancelled status: written as deferred',
    });
  if (options.protocol === 'graph') {
    if (activity.percentComplete !== null)
      notExported.push({
        field: 'percentComplete',
        value: activity.percentComplete,
        reason: 'Microsoft 365 (To Do) tasks have no percent complete',
      });
  } else snapshot.percentComplete = activity.percentComplete;
  return snapshot;
}

/**
 * The activity as Exchange can hold it, and what stays in the CRM only. An Exchange meeting
 * needs a start: a calendar activity without one goes as a task, and that is listed.
 */
export function projectActivity(activity: Activity, options: ActivityMappingOptions): Projection {
  const notExported: NotExported[] = [];
  if (activity.showInCalendar && !activity.startsAt) {
    notExported.push({
      field: 'startsAt',
      value: null,
      reason: 'exported as a task: an Exchange meeting needs a start, give the activity one',
    });
    return { snapshot: taskSnapshot(activity, options, notExported), notExported };
  }
  const snapshot = activity.showInCalendar
    ? meetingSnapshot(activity, options, notExported)
    : taskSnapshot(activity, options, notExported);
  return { snapshot, notExported };
}

// ---------- item → snapshot ----------

function eventTimes(event: NeutralEvent) {
  if (event.isAllDay) {
    // The date as Exchange shows it, whatever zone the reader is in.
    const start = event.start.dateTime.slice(0, 10);
    const end = event.end.dateTime.slice(0, 10);
    return { start, end: end > start ? end : addDays(start, 1) };
  }
  return { start: instantOf(event.start), end: instantOf(event.end) };
}

function attendeesIn(list: Attendee[]): SnapshotAttendee[] {
  return sortedAttendees(
    list.map((a) => ({
      address: a.address.toLowerCase(),
      name: orNull(a.name),
      type: a.type,
      response: RESPONSE_CRM[a.response],
    })),
  );
}

function eventSnapshot(event: NeutralEvent, window?: ActivityMappingOptions['occurrenceWindow']): Snapshot {
  const times = eventTimes(event);
  return {
    kind: 'meeting',
    subject: event.subject,
    body: snapshotBody(event.body),
    allDay: event.isAllDay,
    ...times,
    timeZone: exchangeZone(event.start.timeZone),
    location: orNull(event.location),
    organizer: event.organizer
      ? { address: event.organizer.address.toLowerCase(), name: orNull(event.organizer.name) }
      : null,
    attendees: attendeesIn(event.attendees),
    reminderMinutes: event.reminderMinutes ?? null,
    showAs: SHOW_AS_CRM[event.showAs],
    importance: event.importance,
    categories: event.categories,
    onlineMeetingUrl: orNull(event.onlineMeetingUrl),
    recurrence: event.recurrence ? seriesPatternOf(event.recurrence) : null,
    ...itemOccurrenceFields(event, times, window),
  };
}

/** A pattern with only the parts its type uses, so protocols' defaults are no change. */
function seriesPatternOf(r: SeriesPattern): SeriesPattern {
  const p = r.pattern;
  const relative = p.type.startsWith('relative');
  const pattern = {
    type: p.type,
    interval: p.interval || 1,
    ...(p.type === 'weekly' || relative ? { daysOfWeek: p.daysOfWeek ?? [] } : {}),
    ...(p.type.startsWith('absolute') ? { dayOfMonth: p.dayOfMonth } : {}),
    ...(p.type.endsWith('Yearly') ? { month: p.month } : {}),
    ...(relative ? { index: p.index ?? 'first' } : {}),
    // The week start changes a weekly series only when it skips weeks (recurrence.ts).
    ...(p.type === 'weekly' && (p.interval || 1) > 1 ? { firstDayOfWeek: p.firstDayOfWeek ?? 'sunday' } : {}),
  };
  const range = {
    type: r.range.type,
    startDate: r.range.startDate,
    ...(r.range.type === 'endDate' ? { endDate: r.range.endDate } : {}),
    ...(r.range.type === 'numbered' ? { numberOfOccurrences: r.range.numberOfOccurrences } : {}),
  };
  return { pattern, range } as SeriesPattern;
}

function taskItemSnapshot(task: NeutralTask, options: ActivityMappingOptions): Snapshot {
  const snapshot: Snapshot = {
    kind: 'task',
    subject: task.subject,
    body: snapshotBody(task.body),
    start: task.start ? task.start.dateTime.slice(0, 10) : null,
    due: task.due ? task.due.dateTime.slice(0, 10) : null,
    status: task.status,
    importance: task.importance,
    reminderAt: task.reminderAt ? iso(Date.parse(task.reminderAt)) : null,
    categories: task.categories,
    completedAt: task.completed ? instantOf(task.completed) : null,
  };
  if (options.protocol !== 'graph') snapshot.percentComplete = task.percentComplete ?? null;
  return snapshot;
}

/** An Exchange meeting or task in the snapshot form. */
export function snapshotOfItem(item: ActivityItem, options: ActivityMappingOptions): Snapshot {
  return isEvent(item) ? eventSnapshot(item, options.occurrenceWindow) : taskItemSnapshot(item, options);
}

// ---------- snapshot → item ----------

function eventOfSnapshot(s: Snapshot, zone: string, current?: NeutralEvent): NeutralEvent {
  const allDay = s.allDay === true;
  const at = (v: unknown, exact: boolean): ZonedDateTime =>
    allDay
      ? { dateTime: `${v as string}T00:00:00`, timeZone: zone }
      : exact
        ? exactZonedOf(v as string, zone)
        : zonedOf(v as string, zone);
  const organizer = s.organizer as { address: string; name: string | null } | null;
  const attendees = ((s.attendees ?? []) as SnapshotAttendee[]).map(
    (a): Attendee => ({
      address: a.address,
      ...(a.name ? { name: a.name } : {}),
      type: a.type,
      response: a.response,
    }),
  );
  const recurrence = s.recurrence as SeriesPattern | null;
  const event: NeutralEvent = {
    subject: s.subject as string,
    // The start keeps the series' zone, in which its recurrence and the calendar count.
    start: at(s.start, false),
    end: at(s.end, true),
    isAllDay: allDay,
    attendees,
    showAs: SHOW_AS_ITEM[s.showAs as Activity['showAs']],
    importance: s.importance as NeutralEvent['importance'],
    categories: (s.categories ?? []) as string[],
    type: recurrence ? 'seriesMaster' : 'single',
  };
  const body = itemBody(s.body);
  if (body) event.body = body;
  if (s.location) event.location = s.location as string;
  if (organizer)
    event.organizer = { address: organizer.address, ...(organizer.name ? { name: organizer.name } : {}) };
  if (typeof s.reminderMinutes === 'number') event.reminderMinutes = s.reminderMinutes;
  if (recurrence) Object.assign(event, { recurrence }, occurrencesOfSnapshot(s, zone, current));
  // Read only: Exchange makes the join link and keeps its own; no write carries it.
  const url = current?.onlineMeetingUrl ?? (s.onlineMeetingUrl as string | null);
  if (url) event.onlineMeetingUrl = url;
  if (current?.iCalUId) event.iCalUId = current.iCalUId;
  return event;
}

function taskOfSnapshot(
  s: Snapshot,
  zone: string,
  options: ActivityMappingOptions,
  current?: NeutralTask,
): NeutralTask {
  const task: NeutralTask = {
    subject: s.subject as string,
    status: s.status as TaskStatus,
    importance: s.importance as NeutralTask['importance'],
    categories: (s.categories ?? []) as string[],
  };
  const body = itemBody(s.body);
  if (body) task.body = body;
  // Dates: midnight with no zone of their own (UTC), so neither protocol moves them to another day.
  if (s.start) task.start = { dateTime: `${s.start as string}T00:00:00`, timeZone: 'UTC' };
  if (s.due) task.due = { dateTime: `${s.due as string}T00:00:00`, timeZone: 'UTC' };
  if (s.completedAt) task.completed = exactZonedOf(s.completedAt as string, zone);
  if (s.reminderAt) task.reminderAt = (s.reminderAt as string).replace('.000Z', 'Z');
  if (options.protocol !== 'graph') {
    if (typeof s.percentComplete === 'number') task.percentComplete = s.percentComplete;
  } else if (current?.percentComplete !== undefined) task.percentComplete = current.percentComplete;
  return task;
}

/**
 * The Exchange meeting or task for a snapshot, its date-times in `timeZone` (the activity's
 * zone, in which a recurrence's days are counted); what the snapshot does not carry (the join
 * link, the UID) is taken from `current`.
 */
export function itemOfSnapshot(
  snapshot: Snapshot,
  timeZone: string,
  options: ActivityMappingOptions,
  current?: ActivityItem,
): ActivityItem {
  if (snapshot.kind === 'meeting')
    return eventOfSnapshot(snapshot, timeZone, current as NeutralEvent | undefined);
  return taskOfSnapshot(snapshot, timeZone, options, current as NeutralTask | undefined);
}

/** The item for a CRM activity: its projection, written in the activity's own zone. */
export function itemOfActivity(
  activity: Activity,
  options: ActivityMappingOptions,
  current?: ActivityItem,
): ActivityItem {
  return itemOfSnapshot(projectActivity(activity, options).snapshot, activity.timeZone, options, current);
}

// ---------- snapshot → CRM ----------

/** Only the fields whose values differ: what a field-level write (either way) writes. */
export function changedSnapshot(base: Snapshot, next: Snapshot): Snapshot {
  const keys = new Set([...Object.keys(base), ...Object.keys(next)]);
  return Object.fromEntries(
    [...keys].filter((k) => !sameValue(base[k], next[k])).map((k) => [k, next[k] ?? null]),
  );
}

type Patch = Record<string, unknown>;

function meetingTimes(s: Snapshot): Patch {
  const out: Patch = {};
  const allDay = s.allDay === true;
  const instant = (v: unknown) => (allDay ? allDayInstant(v as string) : iso(Date.parse(v as string)));
  if ('start' in s) out.startsAt = instant(s.start);
  if ('end' in s) out.endsAt = instant(s.end);
  return out;
}

function recurrenceIn(
  series: SeriesPattern | null,
  startsAt: string,
  timeZone: string,
  allDay: boolean,
  current?: Activity['recurrence'],
): Activity['recurrence'] {
  if (!series) return null;
  const rule = ruleOfPattern(series, seriesStart(startsAt, timeZone, allDay));
  // Exceptions and deleted occurrences are fields of their own (occurrences.ts): a new rule
  // keeps the CRM's, and the occurrence fields that changed are written over them.
  return normaliseRecurrence({
    rule,
    exceptions: current?.exceptions ?? [],
    deletedOccurrences: current?.deletedOccurrences ?? [],
  });
}

/** CRM fields of a meeting snapshot's fields (all of them for a create). */
function meetingFields(
  s: Snapshot,
  base: Partial<Activity>,
  options: ActivityMappingOptions,
  current?: Activity,
): Patch {
  const out: Patch = {};
  const timeZone = (s.timeZone as string | undefined) ?? base.timeZone ?? 'UTC';
  if ('subject' in s) out.subject = s.subject;
  if ('body' in s) Object.assign(out, bodyFields(s.body));
  if ('allDay' in s) out.allDay = s.allDay;
  if ('timeZone' in s) out.timeZone = timeZone;
  Object.assign(out, meetingTimes({ allDay: base.allDay, ...s }));
  if ('location' in s) out.location = s.location ?? null;
  if ('reminderMinutes' in s) out.reminderMinutes = s.reminderMinutes ?? null;
  if ('showAs' in s) out.showAs = s.showAs ?? 'busy';
  if ('importance' in s) out.priority = s.importance ?? 'normal';
  if ('categories' in s) out.categories = s.categories ?? [];
  if ('onlineMeetingUrl' in s) out.onlineMeetingUrl = s.onlineMeetingUrl ?? null;
  if ('organizer' in s || 'attendees' in s) {
    const whole = { ...(current ? projectActivity(current, options).snapshot : {}), ...s };
    out.participants = participantsIn(whole, options, current);
  }
  // A moved start restates the rule from Exchange's pattern, whose weekdays stay where they were;
  // a rule Exchange never held (no pattern) stays as it is.
  const series = (
    'recurrence' in s ? s.recurrence : current && projectActivity(current, options).snapshot.recurrence
  ) as SeriesPattern | null | undefined;
  if ('recurrence' in s || (series && ('start' in s || 'timeZone' in s))) {
    const startsAt = (out.startsAt as string | undefined) ?? base.startsAt!;
    const allDay = (out.allDay as boolean | undefined) ?? base.allDay ?? false;
    out.recurrence = recurrenceIn(
      series ?? null,
      startsAt,
      (out.timeZone as string) ?? base.timeZone ?? 'UTC',
      allDay,
      current?.recurrence,
    );
  }
  // Occurrences written one by one over the series' exceptions and deleted occurrences.
  if (Object.keys(s).some(isOccurrenceField)) {
    const recurrence = 'recurrence' in out ? (out.recurrence as Activity['recurrence']) : current?.recurrence;
    const allDay = (out.allDay as boolean | undefined) ?? base.allDay ?? false;
    if (recurrence) out.recurrence = recurrenceWithOccurrences(recurrence, s, allDay);
  }
  return out;
}

function participantsIn(
  s: Snapshot,
  options: ActivityMappingOptions,
  current?: Activity,
): ParticipantInput[] {
  const organizer = s.organizer as { address: string; name: string | null } | null;
  const matched = matchAttendees(
    organizer ?? null,
    (s.attendees ?? []) as SnapshotAttendee[],
    options.addresses,
    current?.participants,
  );
  // Participants Exchange never had (no email address) stay.
  const kept: ParticipantInput[] = (current?.participants ?? [])
    .filter((p) => !p.email)
    .map((p) => ({
      type: p.type,
      ...(p.id ? { id: p.id } : {}),
      ...(p.name ? { name: p.name } : {}),
      role: p.role,
      response: p.response,
    }));
  return [...matched, ...kept];
}

function bodyFields(b: unknown): Patch {
  const body = b as { type: 'text' | 'html'; content: string } | null | undefined;
  return body ? { body: body.content, bodyType: body.type } : { body: null, bodyType: 'text' };
}

/**
 * CRM fields of a task snapshot's fields; `current` is the task being updated (none for a
 * create, which takes `zone`). The reminder, an instant on Exchange and minutes before the start
 * (else the due date) in the CRM, is worked out again when it or those dates change.
 */
function taskFields(
  s: Snapshot,
  whole: Snapshot,
  at: Pick<Activity, 'allDay' | 'timeZone'>,
  current?: Activity,
): Patch {
  const out: Patch = {};
  const instant = (v: unknown) => (v ? iso(Date.parse(v as string)) : null);
  const onDate = (v: unknown, keep: string | null | undefined) =>
    v ? instantOnDate(v as string, at, keep ?? null) : null;
  if ('subject' in s) out.subject = s.subject;
  if ('body' in s) Object.assign(out, bodyFields(s.body));
  if ('start' in s) out.startsAt = onDate(s.start, current?.startsAt);
  if ('due' in s) out.endsAt = onDate(s.due, current?.endsAt);
  if ('status' in s) out.status = STATUS_CRM[(s.status as TaskStatus | null) ?? 'notStarted'];
  if ('importance' in s) out.priority = s.importance ?? 'normal';
  if ('categories' in s) out.categories = s.categories ?? [];
  if ('completedAt' in s) out.completedAt = instant(s.completedAt);
  if ('percentComplete' in s) out.percentComplete = s.percentComplete ?? null;
  if ('reminderAt' in s || 'start' in s || 'due' in s) {
    const startsAt = 'startsAt' in out ? (out.startsAt as string | null) : (current?.startsAt ?? null);
    const endsAt = 'endsAt' in out ? (out.endsAt as string | null) : (current?.endsAt ?? null);
    const minutes = reminderMinutesOf(whole.reminderAt as string | null, startsAt ?? endsAt);
    if (minutes !== undefined && minutes !== current?.reminderMinutes) out.reminderMinutes = minutes;
  }
  return out;
}

/**
 * Minutes before the task's start (or due) for Exchange's reminder instant; undefined when the
 * task has neither (the CRM keeps what it has). A reminder after the start (Outlook's "on the
 * due day at 08:00") has no CRM form: it becomes a reminder at the start.
 */
function reminderMinutesOf(reminderAt: string | null, anchor: string | null): number | null | undefined {
  if (!reminderAt) return null;
  if (!anchor) return undefined;
  return Math.max(0, Math.round((Date.parse(anchor) - Date.parse(reminderAt)) / 60_000));
}

/** A CRM create input for a new Exchange meeting or task (the zone its start was written in). */
export function activityCreate(snapshot: Snapshot, options: ActivityMappingOptions, timeZone = 'UTC'): Patch {
  if (snapshot.kind === 'meeting') {
    const fields = meetingFields(snapshot, {}, options);
    return { kind: 'meeting', showInCalendar: true, ...fields, timeZone: fields.timeZone ?? timeZone };
  }
  return {
    kind: 'task',
    showInCalendar: false,
    timeZone: exchangeZone(timeZone),
    ...taskFields(snapshot, snapshot, { allDay: false, timeZone: exchangeZone(timeZone) }),
  };
}

/**
 * A CRM patch writing the `changed` fields. A value the CRM holds that projects to the same
 * snapshot value (a cancelled task read back as deferred, America/Toronto read back as
 * America/New_York, a recurrence Exchange cannot hold) is kept: an import never narrows it.
 */
export function activityPatch(
  changed: Snapshot,
  current: Activity,
  options: ActivityMappingOptions,
  linked?: Snapshot,
): Patch {
  const projected = projectActivity(current, options).snapshot;
  // `linked`, for a meeting whose item never held the CRM's attendees (`withoutAttendees`): the
  // item's change since the link, not its whole list, comes to the CRM's participants.
  const incoming =
    linked && 'attendees' in linked && 'attendees' in changed && projected.kind === 'meeting'
      ? {
          ...changed,
          attendees: attendeesChangedSince(
            (projected.attendees ?? []) as SnapshotAttendee[],
            (linked.attendees ?? []) as SnapshotAttendee[],
            (changed.attendees ?? []) as SnapshotAttendee[],
          ),
        }
      : changed;
  const wanted = Object.fromEntries(
    Object.entries(incoming).filter(([k, v]) => k !== 'kind' && !sameValue(projected[k], v)),
  );
  if (Object.keys(wanted).length === 0) return {};
  return projected.kind === 'meeting'
    ? meetingFields(wanted, current, options, current)
    : taskFields(wanted, { ...projected, ...changed }, current, current);
}

/**
 * The CRM's attendees with the item's change since the link brought onto them, for a meeting whose
 * item never held the CRM's attendees (a Graph meeting that may not send: `withoutAttendees`).
 * Attendees are told apart by address. One the item gained is added, or, when the CRM has it
 * already, takes the item's entry (its response); one the item lost is removed; one whose entry
 * changed in the item (its response, say) takes it where the CRM still has it. The CRM's own
 * attendees that the item never held stay, and an attendee removed in the CRM is not brought back
 * by a change of it in the item.
 */
export function attendeesChangedSince(
  crm: readonly SnapshotAttendee[],
  linked: readonly SnapshotAttendee[],
  item: readonly SnapshotAttendee[],
): SnapshotAttendee[] {
  const key = (a: SnapshotAttendee) => a.address.toLowerCase();
  const before = new Map(linked.map((a) => [key(a), a]));
  const now = new Map(item.map((a) => [key(a), a]));
  const out = new Map(crm.map((a) => [key(a), a]));
  for (const address of before.keys()) if (!now.has(address)) out.delete(address);
  for (const [address, entry] of now) {
    const was = before.get(address);
    if (!was) out.set(address, entry);
    else if (!sameValue(was, entry) && out.has(address)) out.set(address, entry);
  }
  return sortedAttendees([...out.values()]);
}

// ---------- write rights ----------

/**
 * Whether writing this meeting to a Graph mailbox may write its attendees, which makes Graph
 * mail them an invitation (or an update): only when the mailbox's setting "send invitations for
 * meetings created in the CRM" is on (`since`: when it was switched on; null while off), for a
 * meeting created in the CRM at or after that and starting after `now`. The engine
 * adds: never on a first sync, never for a meeting that came from Exchange.
 */
export function sendsInvitations(
  activity: Activity,
  protocol: Protocol,
  since: string | null,
  now: Date,
): boolean {
  if (protocol !== 'graph' || !since) return false;
  if (!activity.showInCalendar || !activity.startsAt) return false;
  if (!activity.participants.some((p) => p.role !== 'organizer' && p.email)) return false;
  return Date.parse(activity.createdAt) >= Date.parse(since) && Date.parse(activity.startsAt) > now.getTime();
}

/** Why a Graph meeting's attendees are not written (the run's skipped entry, the record's list). */
export const ATTENDEES_NOT_WRITTEN =
  'on Microsoft 365, writing attendees sends them an invitation, and this mailbox sends none for this meeting (invitations are sent only for future meetings created in the CRM after the mailbox switched them on)';

/**
 * A Graph meeting that may not send, as it is written: without attendees (Graph would invite
 * them). The link then records an item without attendees, its reads bring no attendees to compare
 * with the CRM's, and a CRM participant is never an edit to write (`keeps`). The CRM keeps its
 * participants; those with an address are listed as not written.
 */
export function withoutAttendees(projection: Projection): Projection {
  const { snapshot } = projection;
  if (snapshot.kind !== 'meeting') return projection;
  const attendees = (snapshot.attendees as SnapshotAttendee[] | undefined) ?? [];
  return {
    snapshot: { ...snapshot, attendees: [] },
    notExported: [
      ...projection.notExported,
      ...(attendees.length > 0
        ? [{ field: 'attendees', value: attendees, reason: ATTENDEES_NOT_WRITTEN }]
        : []),
    ],
    keeps: ['attendees'],
  };
}

/**
 * The patch that writes an attendee's answer into their participant's response; undefined when
 * the activity already holds it or has no such attendee (an import of the organizer's copy adds
 * attendees, not this).
 */
export function answerPatch(
  activity: Activity,
  answer: { address: string; response: string },
): Record<string, unknown> | undefined {
  const address = answer.address.toLowerCase();
  const response = answer.response as CrmResponse;
  const mine = (p: Activity['participants'][number]) =>
    p.role !== 'organizer' && p.email?.toLowerCase() === address;
  const participant = activity.participants.find(mine);
  if (!participant || participant.response === response) return undefined;
  return {
    participants: activity.participants.map((p) => ({
      type: p.type,
      ...(p.id ? { id: p.id } : {}),
      ...(p.email ? { email: p.email } : {}),
      ...(p.name ? { name: p.name } : {}),
      role: p.role,
      response: mine(p) ? response : p.response,
    })),
  };
}
