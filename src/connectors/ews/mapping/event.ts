import { ianaZoneOrUtc, utcToZoned, windowsZoneOrUtc, zonedToUtc } from '@exsync/common/time';
import { compact } from '../../graph/mapping/json.ts';
import type { OccurrenceField } from '../../occurrence-writes.ts';
import type {
  Attendee,
  AttendeeType,
  NeutralEvent,
  OccurrenceChange,
  ResponseStatus,
  ShowAs,
  ZonedDateTime,
} from '../../types.ts';
import { attr, child, children, el, leaf, text, type XNode } from '../xml.ts';
import {
  bodyFromEws,
  bodyToEws,
  boolText,
  categoriesFromEws,
  categoriesToEws,
  type FieldChange,
  isoInstant,
  mailboxFromEws,
  mailboxToEws,
} from './common.ts';
import { recurrenceFromEws, recurrenceToEws } from './recurrence.ts';

const RESPONSES: Record<string, ResponseStatus> = {
  Unknown: 'none',
  Organizer: 'organizer',
  Tentative: 'tentative',
  Accept: 'accepted',
  Decline: 'declined',
  NoResponseReceived: 'notResponded',
};
const SHOW_AS: Record<string, ShowAs> = {
  Free: 'free',
  Tentative: 'tentative',
  Busy: 'busy',
  OOF: 'oof',
  WorkingElsewhere: 'workingElsewhere',
  NoData: 'unknown',
};
const SHOW_AS_EWS = Object.fromEntries(Object.entries(SHOW_AS).map(([k, v]) => [v, k]));
const TYPES = {
  Single: 'single',
  RecurringMaster: 'seriesMaster',
  Occurrence: 'occurrence',
  Exception: 'exception',
} as const;

function zoned(instant: string | undefined, zone: string, allDay: boolean): ZonedDateTime {
  const iso = isoInstant(instant) ?? new Date(0).toISOString();
  const local = utcToZoned(iso, zone);
  return { dateTime: allDay ? `${local.slice(0, 10)}T00:00:00` : local, timeZone: zone };
}

export function eventFromEws(n: XNode): NeutralEvent {
  const startZone = ianaZoneOrUtc(text(n, 'StartTimeZoneId') ?? attr(child(n, 'StartTimeZone'), 'Id'));
  const endZone = ianaZoneOrUtc(text(n, 'EndTimeZoneId') ?? attr(child(n, 'EndTimeZone'), 'Id') ?? startZone);
  const isAllDay = boolText(text(n, 'IsAllDayEvent')) ?? false;
  const attendees: Attendee[] = (
    [
      ['RequiredAttendees', 'required'],
      ['OptionalAttendees', 'optional'],
      ['Resources', 'resource'],
    ] as Array<[string, AttendeeType]>
  ).flatMap(([tag, type]) =>
    children(child(n, tag), 'Attendee').flatMap((a) => {
      const m = mailboxFromEws(a);
      return m ? [{ ...m, type, response: RESPONSES[text(a, 'ResponseType') ?? ''] ?? 'none' }] : [];
    }),
  );
  const type = TYPES[(text(n, 'CalendarItemType') ?? 'Single') as keyof typeof TYPES] ?? 'single';
  const master = type === 'seriesMaster';
  const modified: OccurrenceChange[] = children(child(n, 'ModifiedOccurrences'), 'Occurrence').flatMap(
    (o) => {
      const originalStart = isoInstant(text(o, 'OriginalStart'));
      if (!originalStart) return [];
      return [
        compact({
          originalStart,
          id: attr(child(o, 'ItemId'), 'Id'),
          start: text(o, 'Start') ? zoned(text(o, 'Start'), startZone, isAllDay) : undefined,
          end: text(o, 'End') ? zoned(text(o, 'End'), endZone, isAllDay) : undefined,
        }),
      ];
    },
  );
  const deleted = children(child(n, 'DeletedOccurrences'), 'DeletedOccurrence')
    .map((d) => isoInstant(text(d, 'Start')))
    .filter((s): s is string => s !== undefined);
  return compact({
    subject: text(n, 'Subject') ?? '',
    body: bodyFromEws(n),
    start: zoned(text(n, 'Start'), startZone, isAllDay),
    end: zoned(text(n, 'End'), endZone, isAllDay),
    isAllDay,
    location: text(n, 'Location'),
    organizer: mailboxFromEws(child(n, 'Organizer')),
    attendees,
    reminderMinutes: boolText(text(n, 'ReminderIsSet'))
      ? Number(text(n, 'ReminderMinutesBeforeStart') ?? 15)
      : undefined,
    showAs: SHOW_AS[text(n, 'LegacyFreeBusyStatus') ?? 'Busy'] ?? 'busy',
    importance: (text(n, 'Importance')?.toLowerCase() as NeutralEvent['importance'] | undefined) ?? 'normal',
    categories: categoriesFromEws(n),
    onlineMeetingUrl: text(n, 'JoinOnlineMeetingUrl') ?? text(n, 'NetShowUrl'),
    iCalUId: text(n, 'UID'),
    isOrganizer: boolText(text(n, 'IsOrganizer')),
    myResponse: RESPONSES[text(n, 'MyResponseType') ?? ''],
    ...(boolText(text(n, 'IsCancelled')) ? { isCancelled: true } : {}),
    type,
    recurrence: master ? recurrenceFromEws(child(n, 'Recurrence')) : undefined,
    modifiedOccurrences: master ? modified : undefined,
    deletedOccurrences: master ? deleted : undefined,
  });
}

/**
 * What an exception of a series changes besides its times, read from the exception itself
 * (GetItem of the occurrence's ItemId): ModifiedOccurrences carries only start and end.
 */
export function occurrenceDetailsFromEws(
  n: XNode,
): Pick<OccurrenceChange, 'subject' | 'location' | 'body' | 'showAs' | 'reminderMinutes'> {
  return compact({
    subject: text(n, 'Subject') ?? '',
    location: text(n, 'Location'),
    body: bodyFromEws(n),
    showAs: SHOW_AS[text(n, 'LegacyFreeBusyStatus') ?? 'Busy'] ?? 'busy',
    reminderMinutes: boolText(text(n, 'ReminderIsSet'))
      ? Number(text(n, 'ReminderMinutesBeforeStart') ?? 15)
      : null,
  });
}

const instant = (z: ZonedDateTime) => zonedToUtc(z.dateTime, z.timeZone);
const attendeesXml = (e: NeutralEvent, type: AttendeeType, tag: string) => {
  const list = e.attendees.filter((a) => a.type === type);
  return list.length
    ? el(
        tag,
        null,
        list.map((a) => el('t:Attendee', null, mailboxToEws(a))),
      )
    : '';
};

/** `<t:CalendarItem>` for CreateItem, elements in the schema's order. */
export function eventToEws(e: NeutralEvent): string {
  return el(
    't:CalendarItem',
    null,
    leaf('t:Subject', e.subject),
    bodyToEws(e.body),
    categoriesToEws(e.categories),
    leaf('t:Importance', e.importance[0].toUpperCase() + e.importance.slice(1)),
    leaf('t:ReminderIsSet', e.reminderMinutes !== undefined),
    leaf('t:ReminderMinutesBeforeStart', e.reminderMinutes),
    leaf('t:Start', instant(e.start)),
    leaf('t:End', instant(e.end)),
    leaf('t:IsAllDayEvent', e.isAllDay),
    leaf('t:LegacyFreeBusyStatus', SHOW_AS_EWS[e.showAs] ?? 'Busy'),
    leaf('t:Location', e.location),
    attendeesXml(e, 'required', 't:RequiredAttendees'),
    attendeesXml(e, 'optional', 't:OptionalAttendees'),
    attendeesXml(e, 'resource', 't:Resources'),
    e.recurrence ? recurrenceToEws(e.recurrence) : '',
    el('t:StartTimeZone', { Id: windowsZoneOrUtc(e.start.timeZone) }),
    el('t:EndTimeZone', { Id: windowsZoneOrUtc(e.end.timeZone) }),
  );
}

export function eventChanges(e: NeutralEvent): FieldChange[] {
  const set = (uri: string, xml: string): FieldChange => ({ uri, xml: xml || undefined });
  const changes: FieldChange[] = [
    set('item:Subject', leaf('t:Subject', e.subject)),
    set('item:Body', bodyToEws(e.body)),
    set('item:Categories', categoriesToEws(e.categories)),
    set('item:Importance', leaf('t:Importance', e.importance[0].toUpperCase() + e.importance.slice(1))),
    set('item:ReminderIsSet', leaf('t:ReminderIsSet', e.reminderMinutes !== undefined)),
  ];
  if (e.reminderMinutes !== undefined)
    changes.push(
      set('item:ReminderMinutesBeforeStart', leaf('t:ReminderMinutesBeforeStart', e.reminderMinutes)),
    );
  changes.push(
    set('calendar:Start', leaf('t:Start', instant(e.start))),
    set('calendar:End', leaf('t:End', instant(e.end))),
    set('calendar:IsAllDayEvent', leaf('t:IsAllDayEvent', e.isAllDay)),
    set('calendar:LegacyFreeBusyStatus', leaf('t:LegacyFreeBusyStatus', SHOW_AS_EWS[e.showAs] ?? 'Busy')),
    set('calendar:Location', leaf('t:Location', e.location)),
    set('calendar:RequiredAttendees', attendeesXml(e, 'required', 't:RequiredAttendees')),
    set('calendar:OptionalAttendees', attendeesXml(e, 'optional', 't:OptionalAttendees')),
    set('calendar:Resources', attendeesXml(e, 'resource', 't:Resources')),
  );
  if (e.recurrence) changes.push(set('calendar:Recurrence', recurrenceToEws(e.recurrence)));
  changes.push(
    set('calendar:StartTimeZone', el('t:StartTimeZone', { Id: windowsZoneOrUtc(e.start.timeZone) })),
    set('calendar:EndTimeZone', el('t:EndTimeZone', { Id: windowsZoneOrUtc(e.end.timeZone) })),
  );
  return changes;
}

/**
 * The fields of an occurrence an update writes (item:Subject, item:Body, Location, Start, End,
 * LegacyFreeBusyStatus, the reminder). No reminder is ReminderIsSet false: the minutes stay, as
 * Exchange keeps them for a series.
 */
export function occurrenceChanges(o: OccurrenceChange, fields: OccurrenceField[]): FieldChange[] {
  const out: FieldChange[] = [];
  const set = (uri: string, xml: string): FieldChange => ({ uri, xml: xml || undefined });
  if (fields.includes('subject')) out.push(set('item:Subject', leaf('t:Subject', o.subject ?? '')));
  if (fields.includes('body')) out.push(set('item:Body', bodyToEws(o.body)));
  if (fields.includes('times') && o.start && o.end)
    out.push(
      set('calendar:Start', leaf('t:Start', instant(o.start))),
      set('calendar:End', leaf('t:End', instant(o.end))),
    );
  if (fields.includes('location')) out.push(set('calendar:Location', leaf('t:Location', o.location)));
  if (fields.includes('showAs') && o.showAs)
    out.push(
      set('calendar:LegacyFreeBusyStatus', leaf('t:LegacyFreeBusyStatus', SHOW_AS_EWS[o.showAs] ?? 'Busy')),
    );
  if (fields.includes('reminder') && o.reminderMinutes !== undefined) {
    out.push(set('item:ReminderIsSet', leaf('t:ReminderIsSet', o.reminderMinutes !== null)));
    if (o.reminderMinutes !== null)
      out.push(
        set('item:ReminderMinutesBeforeStart', leaf('t:ReminderMinutesBeforeStart', o.reminderMinutes)),
      );
  }
  return out;
}
