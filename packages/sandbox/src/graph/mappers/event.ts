// event ⇄ EventData. Start and end leave in the zone the client asked for with
// `Prefer: outlook.timezone` (UTC otherwise), as Graph does; the zone the event was created in
// travels as originalStartTimeZone / originalEndTimeZone.
import { randomBytes } from 'node:crypto';
import { localDate } from '@exsync/common/time';
import type {
  Attendee,
  AttendeeType,
  DayOfWeek,
  EmailAddress,
  EventData,
  Importance,
  Item,
  Recurrence,
  ResponseType,
  Sensitivity,
  ShowAs,
  WeekIndex,
} from '../../model.ts';
import { badRequest } from '../errors.ts';
import type { EventInstance } from '../recurrence.ts';
import { fromDateTimeTimeZone, ianaZone, toDateTimeTimeZone } from '../time.ts';
import {
  bodyFromGraph,
  bodyToGraph,
  emailAddressFromGraph,
  etagOf,
  invalidProperty,
  type Json,
  optBoolean,
  optEnum,
  optString,
  optStringArray,
  preview,
  recipient,
  recipientFromGraph,
  rejectUnknown,
} from './common.ts';
import { EXTENDED_KEYS, extendedPatch, withStoredExtended } from './extended.ts';

const ENTITY = 'event';
export const SHOW_AS: readonly ShowAs[] = ['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown'];
export const IMPORTANCE: readonly Importance[] = ['low', 'normal', 'high'];
const SENSITIVITY: readonly Sensitivity[] = ['normal', 'personal', 'private', 'confidential'];
const ATTENDEE_TYPES: readonly AttendeeType[] = ['required', 'optional', 'resource'];
const RESPONSES: readonly ResponseType[] = [
  'none',
  'organizer',
  'tentativelyAccepted',
  'accepted',
  'declined',
  'notResponded',
];
const DAYS: readonly DayOfWeek[] = [
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
];
const INDEXES: readonly WeekIndex[] = ['first', 'second', 'third', 'fourth', 'last'];
const PATTERNS = [
  'daily',
  'weekly',
  'absoluteMonthly',
  'relativeMonthly',
  'absoluteYearly',
  'relativeYearly',
] as const;
const RANGES = ['endDate', 'noEnd', 'numbered'] as const;
const NO_TIME = '0001-01-01T00:00:00Z';

const KNOWN = new Set([
  'id',
  'changeKey',
  'createdDateTime',
  'lastModifiedDateTime',
  'categories',
  'subject',
  'body',
  'bodyPreview',
  'start',
  'end',
  'isAllDay',
  'location',
  'locations',
  'organizer',
  'attendees',
  'isReminderOn',
  'reminderMinutesBeforeStart',
  'showAs',
  'importance',
  'sensitivity',
  'onlineMeeting',
  'onlineMeetingUrl',
  'isOnlineMeeting',
  'onlineMeetingProvider',
  'iCalUId',
  'transactionId',
  'recurrence',
  'type',
  'seriesMasterId',
  'isCancelled',
  'isOrganizer',
  'responseRequested',
  'responseStatus',
  'allowNewTimeProposals',
  'hideAttendees',
  'hasAttachments',
  'isDraft',
  'originalStartTimeZone',
  'originalEndTimeZone',
  'originalStart',
  'webLink',
  'cancelledOccurrences',
  ...EXTENDED_KEYS,
]);

export interface EventView {
  /** Zone for start/end (Windows or IANA name), from `Prefer: outlook.timezone`; UTC otherwise. */
  timeZone?: string;
  bodyContentType?: 'text' | 'html';
  /** The mailbox reading the event, for responseStatus. */
  ownAddress?: string;
}

function dateTimeOut(instant: string, isAllDay: boolean, eventZone: string, outZone: string): Json {
  if (isAllDay) {
    // All-day events stay on their dates whatever zone the client reads them in.
    const date = localDate(Date.parse(instant), ianaZone(eventZone));
    return { dateTime: `${date}T00:00:00.0000000`, timeZone: outZone };
  }
  return { ...toDateTimeTimeZone(instant, outZone) };
}

export function recurrenceToGraph(r: Recurrence | undefined): Json | null {
  if (!r) return null;
  return {
    pattern: {
      type: r.pattern.type,
      interval: r.pattern.interval,
      month: r.pattern.month ?? 0,
      dayOfMonth: r.pattern.dayOfMonth ?? 0,
      daysOfWeek: r.pattern.daysOfWeek ?? [],
      firstDayOfWeek: r.pattern.firstDayOfWeek ?? 'sunday',
      index: r.pattern.index ?? 'first',
    },
    range: {
      type: r.range.type,
      startDate: r.range.startDate,
      endDate: r.range.endDate ?? '0001-01-01',
      recurrenceTimeZone: r.range.recurrenceTimeZone ?? 'UTC',
      numberOfOccurrences: r.range.numberOfOccurrences ?? 0,
    },
  };
}

/** Reads a patternedRecurrence, keeping only the fields its pattern and range types use. */
export function recurrenceFromGraph(value: unknown, entity = ENTITY): Recurrence | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object') throw invalidProperty(entity, 'recurrence', 'a patternedRecurrence');
  const { pattern, range } = value as { pattern?: Json; range?: Json };
  if (!pattern || !range)
    throw invalidProperty(entity, 'recurrence', 'a patternedRecurrence with pattern and range');
  const type = optEnum(pattern, 'type', PATTERNS, entity);
  const rangeType = optEnum(range, 'type', RANGES, entity);
  if (!type || !rangeType) throw invalidProperty(entity, 'recurrence', 'pattern.type and range.type');
  const interval = typeof pattern.interval === 'number' && pattern.interval > 0 ? pattern.interval : 1;
  const out: Recurrence = { pattern: { type, interval }, range: { type: rangeType, startDate: '' } };
  const days = optStringArray(pattern, 'daysOfWeek', entity)?.map((d) => d.toLowerCase());
  if (days?.some((d) => !DAYS.includes(d as DayOfWeek)))
    throw invalidProperty(entity, 'recurrence.pattern.daysOfWeek', 'day names');
  if ((type === 'weekly' || type.startsWith('relative')) && days?.length)
    out.pattern.daysOfWeek = days as DayOfWeek[];
  if (type === 'weekly' && typeof pattern.firstDayOfWeek === 'string') {
    out.pattern.firstDayOfWeek = optEnum(pattern, 'firstDayOfWeek', DAYS, entity);
  }
  if (type.startsWith('absolute') && typeof pattern.dayOfMonth === 'number' && pattern.dayOfMonth > 0) {
    out.pattern.dayOfMonth = pattern.dayOfMonth;
  }
  if (type.endsWith('Yearly') && typeof pattern.month === 'number' && pattern.month > 0)
    out.pattern.month = pattern.month;
  if (type.startsWith('relative')) out.pattern.index = optEnum(pattern, 'index', INDEXES, entity) ?? 'first';
  if (typeof range.startDate !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(range.startDate)) {
    throw invalidProperty(entity, 'recurrence.range.startDate', 'a date such as 2026-11-22');
  }
  out.range.startDate = range.startDate;
  if (rangeType === 'endDate') {
    if (
      typeof range.endDate !== 'string' ||
      !/^\d{4}-\d{2}-\d{2}$/.test(range.endDate) ||
      range.endDate === '0001-01-01'
    ) {
      throw invalidProperty(entity, 'recurrence.range.endDate', 'a date for a range of type endDate');
    }
    out.range.endDate = range.endDate;
  }
  if (rangeType === 'numbered') {
    if (typeof range.numberOfOccurrences !== 'number' || range.numberOfOccurrences < 1) {
      throw invalidProperty(
        entity,
        'recurrence.range.numberOfOccurrences',
        'a positive number for a numbered range',
      );
    }
    out.range.numberOfOccurrences = range.numberOfOccurrences;
  }
  if (typeof range.recurrenceTimeZone === 'string' && range.recurrenceTimeZone) {
    out.range.recurrenceTimeZone = range.recurrenceTimeZone;
  }
  return out;
}

function attendeeToGraph(a: Attendee): Json {
  return {
    type: a.type,
    status: { response: a.response, time: a.responseTime ?? NO_TIME },
    emailAddress: { name: a.email.name ?? a.email.address, address: a.email.address },
  };
}

export function eventToGraph(item: Item<'event'>, view: EventView = {}, instance?: EventInstance): Json {
  const d = item.data;
  const o = instance?.override;
  const outZone = view.timeZone ?? 'UTC';
  const own = view.ownAddress?.toLowerCase();
  const mine = d.attendees.find((a) => a.email.address.toLowerCase() === own);
  const body = o?.body ?? d.body;
  const location = o?.location ?? d.location;
  const changeKey = o?.changeKey ?? item.changeKey;
  const isInstance = instance !== undefined && instance.type !== 'singleInstance';
  const locationJson = location
    ? { displayName: location, locationType: 'default', uniqueId: location, uniqueIdType: 'private' }
    : { displayName: '', locationType: 'default', uniqueIdType: 'unknown' };
  const out: Json = {
    '@odata.etag': etagOf(changeKey),
    id: instance?.id ?? item.id,
    createdDateTime: item.createdDateTime,
    lastModifiedDateTime: item.lastModifiedDateTime,
    changeKey,
    categories: [...d.categories],
    transactionId: isInstance ? null : (d.transactionId ?? null),
    originalStartTimeZone: d.startTimeZone,
    originalEndTimeZone: d.endTimeZone,
    iCalUId: d.iCalUId,
    reminderMinutesBeforeStart: o?.reminderMinutesBeforeStart ?? d.reminderMinutesBeforeStart,
    isReminderOn: o?.isReminderOn ?? d.isReminderOn,
    hasAttachments: false,
    subject: o?.subject ?? d.subject,
    bodyPreview: preview(body),
    importance: d.importance,
    sensitivity: d.sensitivity,
    isAllDay: d.isAllDay,
    isCancelled: o?.isCancelled ?? d.isCancelled,
    isOrganizer: d.isOrganizer,
    responseRequested: d.responseRequested,
    seriesMasterId: isInstance ? (instance.masterId ?? null) : null,
    showAs: o?.showAs ?? d.showAs,
    type: instance?.type ?? (d.recurrence ? 'seriesMaster' : 'singleInstance'),
    webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(instance?.id ?? item.id)}&exvsurl=1&path=/calendar/item`,
    onlineMeetingUrl: null,
    isOnlineMeeting: d.onlineMeetingUrl !== undefined,
    onlineMeetingProvider: d.onlineMeetingUrl !== undefined ? 'teamsForBusiness' : 'unknown',
    allowNewTimeProposals: true,
    isDraft: false,
    hideAttendees: false,
    responseStatus: {
      response: d.isOrganizer ? 'organizer' : (mine?.response ?? 'none'),
      time: mine?.responseTime ?? NO_TIME,
    },
    body: bodyToGraph(body, view.bodyContentType),
    start: dateTimeOut(instance?.start ?? d.start, d.isAllDay, d.startTimeZone, outZone),
    end: dateTimeOut(instance?.end ?? d.end, d.isAllDay, d.endTimeZone, outZone),
    location: locationJson,
    locations: location ? [locationJson] : [],
    recurrence: isInstance ? null : recurrenceToGraph(d.recurrence),
    attendees: d.attendees.map(attendeeToGraph),
    organizer: recipient(d.organizer),
    onlineMeeting: d.onlineMeetingUrl !== undefined ? { joinUrl: d.onlineMeetingUrl } : null,
  };
  if (isInstance && instance.originalStart) out.originalStart = instance.originalStart;
  return withStoredExtended(out, d.extendedProperties);
}

/**
 * A series master's cancelled occurrences as Graph v1.0 names them: `OID.{master id}.{date}`,
 * the date the occurrence had in the series' start zone. Graph returns them only when `$select`
 * names `cancelledOccurrences` in a GET of the master by its id (resources/events.ts).
 */
export function cancelledOccurrences(item: Item<'event'>): string[] {
  const zone = ianaZone(item.data.startTimeZone);
  return item.data.deletedOccurrences.map((t) => `OID.${item.id}.${localDate(Date.parse(t), zone)}`);
}

function attendeesFromGraph(value: unknown): Attendee[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw invalidProperty(ENTITY, 'attendees', 'an array of attendee');
  return value.map((a) => {
    if (!a || typeof a !== 'object') throw invalidProperty(ENTITY, 'attendees', 'an array of attendee');
    const json = a as Json;
    const email: EmailAddress = emailAddressFromGraph(json.emailAddress, ENTITY, 'attendees.emailAddress');
    const type = optEnum(json, 'type', ATTENDEE_TYPES, ENTITY) ?? 'required';
    const status = (json.status ?? {}) as Json;
    const response = optEnum(status, 'response', RESPONSES, ENTITY) ?? 'none';
    const attendee: Attendee = { email, type, response };
    if (typeof status.time === 'string' && status.time !== NO_TIME && !status.time.startsWith('0001-')) {
      attendee.responseTime = new Date(Date.parse(status.time)).toISOString();
    }
    return attendee;
  });
}

function isMidnight(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    /T00:00(:00(\.0+)?)?$/.test(String((value as Json).dateTime))
  );
}

/** The change a Graph event body asks for (only the properties it names). */
export function eventPatchFromGraph(json: Json, current?: EventData): Partial<EventData> {
  rejectUnknown(json, KNOWN, ENTITY);
  const patch: Partial<EventData> = {};
  const subject = optString(json, 'subject', ENTITY);
  if (subject !== undefined) patch.subject = subject ?? '';
  if ('body' in json) patch.body = bodyFromGraph(json.body, ENTITY);
  if ('start' in json && json.start !== null) {
    const { instant, zone } = fromDateTimeTimeZone(json.start, 'start');
    patch.start = instant;
    patch.startTimeZone = zone;
  }
  if ('end' in json && json.end !== null) {
    const { instant, zone } = fromDateTimeTimeZone(json.end, 'end');
    patch.end = instant;
    patch.endTimeZone = zone;
  }
  const isAllDay = optBoolean(json, 'isAllDay', ENTITY);
  if (isAllDay !== undefined) patch.isAllDay = isAllDay;
  if (
    isAllDay &&
    (('start' in json && !isMidnight(json.start)) || ('end' in json && !isMidnight(json.end)))
  ) {
    throw badRequest(
      'Your request cannot be completed: an event marked as all-day must start and end at midnight, in the same time zone.',
      'ErrorInvalidRequest',
    );
  }
  if ('location' in json) {
    const loc = json.location as Json | null;
    const name = loc && typeof loc === 'object' && typeof loc.displayName === 'string' ? loc.displayName : '';
    patch.location = name || undefined;
  }
  if ('attendees' in json) patch.attendees = attendeesFromGraph(json.attendees);
  if ('organizer' in json) {
    const organizer = recipientFromGraph(json.organizer, ENTITY, 'organizer');
    if (organizer) patch.organizer = organizer;
  }
  const isReminderOn = optBoolean(json, 'isReminderOn', ENTITY);
  if (isReminderOn !== undefined) patch.isReminderOn = isReminderOn;
  if ('reminderMinutesBeforeStart' in json && json.reminderMinutesBeforeStart !== null) {
    const v = json.reminderMinutesBeforeStart;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
      throw invalidProperty(ENTITY, 'reminderMinutesBeforeStart', 'a whole number of minutes');
    patch.reminderMinutesBeforeStart = v;
  }
  const showAs = optEnum(json, 'showAs', SHOW_AS, ENTITY);
  if (showAs) patch.showAs = showAs;
  const importance = optEnum(json, 'importance', IMPORTANCE, ENTITY);
  if (importance) patch.importance = importance;
  const sensitivity = optEnum(json, 'sensitivity', SENSITIVITY, ENTITY);
  if (sensitivity) patch.sensitivity = sensitivity;
  const categories = optStringArray(json, 'categories', ENTITY);
  if (categories) patch.categories = categories;
  const responseRequested = optBoolean(json, 'responseRequested', ENTITY);
  if (responseRequested !== undefined) patch.responseRequested = responseRequested;
  if ('recurrence' in json) patch.recurrence = recurrenceFromGraph(json.recurrence);
  const transactionId = optString(json, 'transactionId', ENTITY);
  if (transactionId) patch.transactionId = transactionId;
  const extended = extendedPatch(json, ENTITY, current?.extendedProperties);
  if (extended) patch.extendedProperties = extended;
  return patch;
}

/** Exchange-style iCalendar UID (the Outlook global object id, hex). */
export function newICalUId(): string {
  return '040000008200E00074C5B7101A82E00800000000' + randomBytes(24).toString('hex').toUpperCase();
}

/** A complete EventData for a create by `organizer`. */
export function eventDataFromGraph(json: Json, organizer: EmailAddress): EventData {
  const patch = eventPatchFromGraph(json);
  if (!patch.start || !patch.end) {
    throw badRequest('An event needs both start and end, each as a dateTimeTimeZone.', 'ErrorInvalidRequest');
  }
  if (Date.parse(patch.end) < Date.parse(patch.start)) {
    throw badRequest(
      'The end of the event is before its start; send an end at or after the start.',
      'ErrorInvalidRequest',
    );
  }
  const data: EventData = {
    subject: '',
    start: patch.start,
    end: patch.end,
    startTimeZone: patch.startTimeZone ?? 'UTC',
    endTimeZone: patch.endTimeZone ?? patch.startTimeZone ?? 'UTC',
    isAllDay: false,
    organizer,
    attendees: [],
    isReminderOn: true,
    reminderMinutesBeforeStart: 15,
    showAs: 'busy',
    importance: 'normal',
    sensitivity: 'normal',
    categories: [],
    iCalUId: newICalUId(),
    isCancelled: false,
    isOrganizer: true,
    responseRequested: true,
    modifiedOccurrences: [],
    deletedOccurrences: [],
  };
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) (data as unknown as Json)[k] = v;
  // The creator is the organizer of what it creates in its own calendar.
  data.organizer = organizer;
  data.isOrganizer = true;
  if (data.recurrence && !data.recurrence.range.recurrenceTimeZone)
    data.recurrence.range.recurrenceTimeZone = data.startTimeZone;
  return data;
}
