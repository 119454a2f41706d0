import { ianaZoneOrUtc, windowsZoneOrUtc, zonedToUtc } from '@exsync/common/time';
import type {
  Attendee,
  AttendeeType,
  DayOfWeek,
  Importance,
  NeutralEvent,
  OccurrenceChange,
  Recurrence,
  RecurrencePattern,
  ResponseStatus,
  ShowAs,
  WeekIndex,
} from '../../types.ts';
import { bodyFromGraph, bodyToGraph, emailFromGraph, zonedFromGraph, zonedToGraph } from './common.ts';
import {
  arrayOrEmpty,
  bool,
  compact,
  isObject,
  type Json,
  nonEmptyString,
  num,
  objectOrEmpty,
  oneOf,
  strings,
} from './json.ts';

export const EVENT_SELECT = [
  'subject',
  'body',
  'start',
  'end',
  'isAllDay',
  'location',
  'organizer',
  'attendees',
  'isReminderOn',
  'reminderMinutesBeforeStart',
  'showAs',
  'importance',
  'categories',
  'onlineMeeting',
  'onlineMeetingUrl',
  'iCalUId',
  'isOrganizer',
  'responseStatus',
  'isCancelled',
  'type',
  'seriesMasterId',
  'recurrence',
  'originalStartTimeZone',
  'originalEndTimeZone',
  'originalStart',
  'cancelledOccurrences',
  'changeKey',
];

const SHOW_AS: readonly ShowAs[] = ['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown'];
const IMPORTANCE: readonly Importance[] = ['low', 'normal', 'high'];
const ATTENDEE: readonly AttendeeType[] = ['required', 'optional', 'resource'];
const DAYS: readonly DayOfWeek[] = [
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
];
const INDEX: readonly WeekIndex[] = ['first', 'second', 'third', 'fourth', 'last'];
const PATTERNS: readonly RecurrencePattern['type'][] = [
  'daily',
  'weekly',
  'absoluteMonthly',
  'relativeMonthly',
  'absoluteYearly',
  'relativeYearly',
];
const TYPES = ['single', 'seriesMaster', 'occurrence', 'exception'] as const;

function responseFromGraph(v: unknown): ResponseStatus {
  const r = nonEmptyString(objectOrEmpty(v).response);
  if (r === 'tentativelyAccepted') return 'tentative';
  return oneOf(r, ['none', 'organizer', 'accepted', 'declined', 'notResponded'] as const, 'none');
}

const responseToGraph = (r: ResponseStatus) => (r === 'tentative' ? 'tentativelyAccepted' : r);

export function recurrenceFromGraph(v: unknown): Recurrence | undefined {
  const r = objectOrEmpty(v);
  const p = objectOrEmpty(r.pattern);
  const g = objectOrEmpty(r.range);
  if (!nonEmptyString(p.type) || !nonEmptyString(g.type) || !nonEmptyString(g.startDate)) return undefined;
  const type = oneOf(p.type, PATTERNS, 'daily');
  const days = strings(p.daysOfWeek)
    .map((d) => d.toLowerCase())
    .filter((d): d is DayOfWeek => DAYS.includes(d as DayOfWeek));
  const pattern: RecurrencePattern = compact({
    type,
    interval: Math.max(1, num(p.interval) ?? 1),
    daysOfWeek: type === 'weekly' || type.startsWith('relative') ? days : undefined,
    dayOfMonth: type.startsWith('absolute') ? num(p.dayOfMonth) || undefined : undefined,
    month: type.endsWith('Yearly') ? num(p.month) || undefined : undefined,
    index: type.startsWith('relative') ? oneOf(p.index, INDEX, 'first') : undefined,
    firstDayOfWeek: type === 'weekly' ? oneOf(p.firstDayOfWeek, DAYS, 'sunday') : undefined,
  });
  const rangeType = oneOf(g.type, ['endDate', 'noEnd', 'numbered'] as const, 'noEnd');
  return {
    pattern,
    range: compact({
      type: rangeType,
      startDate: nonEmptyString(g.startDate)!,
      endDate: rangeType === 'endDate' ? nonEmptyString(g.endDate) : undefined,
      numberOfOccurrences: rangeType === 'numbered' ? num(g.numberOfOccurrences) : undefined,
    }),
  };
}

export function recurrenceToGraph(r: Recurrence, timeZone: string): Json {
  return {
    pattern: compact({ ...r.pattern }),
    range: compact({ ...r.range, recurrenceTimeZone: windowsZoneOrUtc(timeZone) }),
  };
}

/** Reads an event; start and end come back in the zone the event was created in. */
export function eventFromGraph(json: Json): NeutralEvent {
  const startZone = ianaZoneOrUtc(
    nonEmptyString(json.originalStartTimeZone) ?? nonEmptyString(objectOrEmpty(json.start).timeZone),
  );
  const endZone = ianaZoneOrUtc(
    nonEmptyString(json.originalEndTimeZone) ?? nonEmptyString(objectOrEmpty(json.end).timeZone),
  );
  const isAllDay = bool(json.isAllDay) ?? false;
  const start = zonedFromGraph(json.start, isAllDay ? undefined : startZone) ?? {
    dateTime: '',
    timeZone: startZone,
  };
  const end = zonedFromGraph(json.end, isAllDay ? undefined : endZone) ?? { dateTime: '', timeZone: endZone };
  if (isAllDay) {
    start.timeZone = startZone;
    end.timeZone = endZone;
  }
  const attendees: Attendee[] = arrayOrEmpty(json.attendees).flatMap((a) => {
    const e = emailFromGraph(a);
    if (!e) return [];
    return [
      {
        ...e,
        type: oneOf(objectOrEmpty(a).type, ATTENDEE, 'required'),
        response: responseFromGraph(objectOrEmpty(a).status),
      },
    ];
  });
  const type = oneOf(json.type, TYPES, 'single');
  const recurrence = type === 'seriesMaster' ? recurrenceFromGraph(json.recurrence) : undefined;
  const cancelled = strings(json.cancelledOccurrences)
    .map((s) => /(\d{4}-\d{2}-\d{2})$/.exec(s)?.[1])
    .filter((d): d is string => d !== undefined)
    .map((date) => zonedToUtc(`${date}T${start.dateTime.slice(11) || '00:00:00'}`, start.timeZone));
  return compact({
    subject: nonEmptyString(json.subject) ?? '',
    body: bodyFromGraph(json.body),
    start,
    end,
    isAllDay,
    location: nonEmptyString(objectOrEmpty(json.location).displayName),
    organizer: emailFromGraph(json.organizer),
    attendees,
    reminderMinutes: bool(json.isReminderOn) ? (num(json.reminderMinutesBeforeStart) ?? 15) : undefined,
    showAs: oneOf(json.showAs, SHOW_AS, 'busy'),
    importance: oneOf(json.importance, IMPORTANCE, 'normal'),
    categories: strings(json.categories),
    onlineMeetingUrl:
      nonEmptyString(objectOrEmpty(json.onlineMeeting).joinUrl) ?? nonEmptyString(json.onlineMeetingUrl),
    iCalUId: nonEmptyString(json.iCalUId),
    isOrganizer: bool(json.isOrganizer),
    myResponse: isObject(json.responseStatus) ? responseFromGraph(json.responseStatus) : undefined,
    ...(bool(json.isCancelled) ? { isCancelled: true } : {}),
    type,
    recurrence,
    deletedOccurrences: type === 'seriesMaster' ? cancelled : undefined,
  });
}

/** An exception instance (from /instances) as a change of its series. */
export function occurrenceChangeFromGraph(json: Json): OccurrenceChange | undefined {
  const originalStart = nonEmptyString(json.originalStart);
  if (!originalStart) return undefined;
  const e = eventFromGraph(json);
  // Only when the answer has them ($select): a value not read must not read as the default.
  const showAs = 'showAs' in json ? e.showAs : undefined;
  const reminderMinutes = 'isReminderOn' in json ? (e.reminderMinutes ?? null) : undefined;
  return compact({
    originalStart: new Date(originalStart).toISOString().replace('.000Z', 'Z'),
    id: nonEmptyString(json.id),
    subject: e.subject,
    start: e.start,
    end: e.end,
    location: e.location,
    body: e.body,
    showAs,
    reminderMinutes,
  });
}

/**
 * The event as Graph takes it. Attendees only with `attendees: true`: Graph mails every
 * attendee of an event created with them, and has no switch against it.
 */
export function eventToGraph(
  e: NeutralEvent,
  options: { transactionId?: string; attendees?: boolean } = {},
): Json {
  return compact({
    subject: e.subject,
    body: bodyToGraph(e.body),
    start: zonedToGraph(e.start),
    end: zonedToGraph(e.end),
    isAllDay: e.isAllDay,
    location: { displayName: e.location ?? '' },
    attendees: options.attendees
      ? e.attendees.map((a) => ({
          emailAddress: compact({ address: a.address, name: a.name }),
          type: a.type,
          status: { response: responseToGraph(a.response), time: '0001-01-01T00:00:00Z' },
        }))
      : undefined,
    isReminderOn: e.reminderMinutes !== undefined,
    reminderMinutesBeforeStart: e.reminderMinutes ?? 0,
    showAs: e.showAs,
    importance: e.importance,
    categories: e.categories,
    recurrence: e.recurrence ? recurrenceToGraph(e.recurrence, e.start.timeZone) : null,
    transactionId: options.transactionId,
  });
}

/** Properties Graph takes together: a new start, end or all-day flag is sent with the other two. */
const TOGETHER = [['start', 'end', 'isAllDay']];

/**
 * The PATCH body that turns `before` into `after` (both as `eventToGraph`/`taskToGraph` give
 * them): only the properties whose value differs. An unchanged recurrence or unchanged attendees
 * are never sent: Graph mails attendees on a change of them.
 */
export function changedProperties(before: Json, after: Json): Json {
  const changed = new Set(
    Object.keys(after).filter((k) => JSON.stringify(after[k]) !== JSON.stringify(before[k])),
  );
  for (const group of TOGETHER)
    if (group.some((k) => changed.has(k))) for (const k of group) if (k in after) changed.add(k);
  return Object.fromEntries([...changed].map((k) => [k, after[k]]));
}
