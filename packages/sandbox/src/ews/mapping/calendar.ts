// Calendar items ⇄ EWS CalendarItemType: single items, recurring masters, and the occurrences
// and exceptions EWS derives from a master.

import { seriesSummary } from '@exsync/common/recurrence';
import type {
  Attendee,
  AttendeeType,
  EventData,
  Item,
  Occurrence,
  ResponseType,
  ShowAs,
} from '../../model.ts';
import { occurrenceItemId } from '../ids.ts';
import { formatDateTime, parseDateTime, toIso } from '../time/datetime.ts';
import { childElement, childElements, childText, type XElement } from '../xml/parse.ts';
import { el, leaf } from '../xml/write.ts';
import {
  mailboxXml,
  readBody,
  readBool,
  readCategories,
  readImportance,
  readInt,
  readMailbox,
  readSensitivity,
  type WriteOptions,
} from './common.ts';
import { displayList, itemBaseProps } from './item-base.ts';
import { readRecurrence, recurrenceXml } from './recurrence.ts';
import type { Prop } from './shape.ts';

const SHOW_AS_OUT: Record<ShowAs, string> = {
  free: 'Free',
  tentative: 'Tentative',
  busy: 'Busy',
  oof: 'OOF',
  workingElsewhere: 'WorkingElsewhere',
  unknown: 'NoData',
};
export function readShowAs(text: string | undefined): ShowAs | undefined {
  if (text === undefined) return undefined;
  const found = (Object.entries(SHOW_AS_OUT) as Array<[ShowAs, string]>).find(([, v]) => v === text);
  return found ? found[0] : 'busy';
}
export function showAsXml(showAs: ShowAs): string {
  return SHOW_AS_OUT[showAs];
}

const RESPONSE_OUT: Record<ResponseType, string> = {
  none: 'Unknown',
  organizer: 'Organizer',
  tentativelyAccepted: 'Tentative',
  accepted: 'Accept',
  declined: 'Decline',
  notResponded: 'NoResponseReceived',
};
function readResponse(text: string | undefined): ResponseType {
  const found = (Object.entries(RESPONSE_OUT) as Array<[ResponseType, string]>).find(([, v]) => v === text);
  return found ? found[0] : 'none';
}

export interface CalendarView {
  item: Item<'event'>;
  /** Set when the view is one occurrence (or exception) of the item, a recurring master. */
  occurrence?: Occurrence;
  /** The mailbox reading the item, for MyResponseType. */
  mailboxAddress: string;
}

function attendeeXml(a: Attendee, o: WriteOptions): string {
  return el(
    't:Attendee',
    null,
    mailboxXml(a.email),
    leaf('t:ResponseType', RESPONSE_OUT[a.response]),
    a.responseTime ? leaf('t:LastResponseTime', formatDateTime(a.responseTime, o.precision)) : '',
  );
}

function attendeesXml(name: string, list: Attendee[], type: AttendeeType, o: WriteOptions): string {
  const of = list.filter((a) => a.type === type);
  return of.length > 0 ? el(name, null, ...of.map((a) => attendeeXml(a, o))) : '';
}

function occurrenceInfo(name: string, masterId: string, occ: Occurrence, o: WriteOptions): string {
  return el(
    name,
    null,
    el('t:ItemId', { Id: occurrenceItemId(masterId, occ.originalStart), ChangeKey: occ.override?.changeKey }),
    leaf('t:Start', formatDateTime(occ.start, o.precision)),
    leaf('t:End', formatDateTime(occ.end, o.precision)),
    leaf('t:OriginalStart', formatDateTime(occ.originalStart, o.precision)),
  );
}

export function myResponse(e: EventData, mailboxAddress: string): ResponseType {
  if (e.isOrganizer) return 'organizer';
  const me = e.attendees.find((a) => a.email.address.toLowerCase() === mailboxAddress.toLowerCase());
  return me?.response ?? 'notResponded';
}

export function calendarProps(view: CalendarView, o: WriteOptions): Prop[] {
  const { item, occurrence } = view;
  const e = item.data;
  const ov = occurrence?.override;
  const dt = (v: string | number) => formatDateTime(v, o.precision);
  const isMeeting = e.attendees.length > 0;
  const start = occurrence ? occurrence.start : Date.parse(e.start);
  const end = occurrence ? occurrence.end : Date.parse(e.end);
  const cancelled = ov?.isCancelled ?? e.isCancelled;
  const id = occurrence ? occurrenceItemId(item.id, occurrence.originalStart) : item.id;
  const base = itemBaseProps(
    {
      id,
      changeKey: ov?.changeKey ?? item.changeKey,
      folderId: item.folderId,
      itemClass: 'IPM.Appointment',
      subject: ov?.subject ?? e.subject,
      sensitivity: e.sensitivity,
      body: ov?.body ?? e.body,
      categories: e.categories,
      extendedProperties: e.extendedProperties,
      importance: e.importance,
      dateTimeCreated: item.createdDateTime,
      dateTimeSent: item.createdDateTime,
      reminderDueBy: (ov?.isReminderOn ?? e.isReminderOn) ? toIso(start) : undefined,
      reminderIsSet: ov?.isReminderOn ?? e.isReminderOn,
      reminderMinutesBeforeStart: ov?.reminderMinutesBeforeStart ?? e.reminderMinutesBeforeStart,
      displayTo: displayList(e.attendees.filter((a) => a.type === 'required').map((a) => a.email)),
      displayCc: displayList(e.attendees.filter((a) => a.type === 'optional').map((a) => a.email)),
      lastModifiedTime: item.lastModifiedDateTime,
    },
    o,
  );
  const itemType = occurrence
    ? ov
      ? 'Exception'
      : 'Occurrence'
    : e.recurrence
      ? 'RecurringMaster'
      : 'Single';
  const summary = !occurrence && e.recurrence ? seriesSummary(e) : { modified: [], deleted: [] };
  const firstOcc = summary.first;
  const lastOcc = summary.last;
  const modified = summary.modified;
  const deleted = summary.deleted;
  const state = (isMeeting ? 1 : 0) | (isMeeting && !e.isOrganizer ? 2 : 0) | (cancelled ? 4 : 0);
  const own: Prop[] = [
    { uri: 'calendar:UID', xml: leaf('t:UID', e.iCalUId), dflt: true },
    {
      uri: 'calendar:RecurrenceId',
      xml: occurrence ? leaf('t:RecurrenceId', dt(occurrence.originalStart)) : '',
    },
    { uri: 'calendar:DateTimeStamp', xml: leaf('t:DateTimeStamp', dt(item.lastModifiedDateTime)) },
    { uri: 'calendar:Start', xml: leaf('t:Start', dt(start)), dflt: true },
    { uri: 'calendar:End', xml: leaf('t:End', dt(end)), dflt: true },
    {
      uri: 'calendar:OriginalStart',
      xml: occurrence ? leaf('t:OriginalStart', dt(occurrence.originalStart)) : '',
    },
    { uri: 'calendar:IsAllDayEvent', xml: leaf('t:IsAllDayEvent', e.isAllDay), dflt: true },
    {
      uri: 'calendar:LegacyFreeBusyStatus',
      xml: leaf('t:LegacyFreeBusyStatus', SHOW_AS_OUT[ov?.showAs ?? e.showAs]),
      dflt: true,
    },
    { uri: 'calendar:Location', xml: leaf('t:Location', ov?.location ?? e.location ?? ''), dflt: true },
    { uri: 'calendar:IsMeeting', xml: leaf('t:IsMeeting', isMeeting), dflt: true },
    { uri: 'calendar:IsCancelled', xml: leaf('t:IsCancelled', cancelled), dflt: true },
    { uri: 'calendar:IsRecurring', xml: leaf('t:IsRecurring', occurrence !== undefined), dflt: true },
    {
      uri: 'calendar:MeetingRequestWasSent',
      xml: leaf('t:MeetingRequestWasSent', isMeeting && e.isOrganizer && e.meetingRequestWasSent !== false),
      dflt: true,
    },
    {
      uri: 'calendar:IsResponseRequested',
      xml: leaf('t:IsResponseRequested', e.responseRequested),
      dflt: true,
    },
    { uri: 'calendar:CalendarItemType', xml: leaf('t:CalendarItemType', itemType), dflt: true },
    {
      uri: 'calendar:MyResponseType',
      xml: leaf('t:MyResponseType', RESPONSE_OUT[myResponse(e, view.mailboxAddress)]),
      dflt: true,
    },
    { uri: 'calendar:Organizer', xml: el('t:Organizer', null, mailboxXml(e.organizer)), dflt: true },
    {
      uri: 'calendar:RequiredAttendees',
      xml: attendeesXml('t:RequiredAttendees', e.attendees, 'required', o),
      dflt: true,
    },
    {
      uri: 'calendar:OptionalAttendees',
      xml: attendeesXml('t:OptionalAttendees', e.attendees, 'optional', o),
      dflt: true,
    },
    { uri: 'calendar:Resources', xml: attendeesXml('t:Resources', e.attendees, 'resource', o), dflt: true },
    { uri: 'calendar:Duration', xml: leaf('t:Duration', isoDuration(end - start)), dflt: true },
    { uri: 'calendar:AppointmentState', xml: leaf('t:AppointmentState', state), dflt: true },
    {
      uri: 'calendar:Recurrence',
      xml: !occurrence && e.recurrence ? recurrenceXml(e.recurrence) : '',
    },
    {
      uri: 'calendar:FirstOccurrence',
      xml: firstOcc ? occurrenceInfo('t:FirstOccurrence', item.id, firstOcc, o) : '',
    },
    {
      uri: 'calendar:LastOccurrence',
      xml: lastOcc ? occurrenceInfo('t:LastOccurrence', item.id, lastOcc, o) : '',
    },
    {
      uri: 'calendar:ModifiedOccurrences',
      xml:
        modified.length > 0
          ? el(
              't:ModifiedOccurrences',
              null,
              ...modified.map((m) => occurrenceInfo('t:Occurrence', item.id, m, o)),
            )
          : '',
    },
    {
      uri: 'calendar:DeletedOccurrences',
      xml:
        deleted.length > 0
          ? el(
              't:DeletedOccurrences',
              null,
              ...deleted.map((d) => el('t:DeletedOccurrence', null, leaf('t:Start', dt(d.originalStart)))),
            )
          : '',
    },
    {
      uri: 'calendar:StartTimeZone',
      xml: el('t:StartTimeZone', { Id: e.startTimeZone, Name: e.startTimeZone }),
      dflt: true,
    },
    {
      uri: 'calendar:EndTimeZone',
      xml: el('t:EndTimeZone', { Id: e.endTimeZone, Name: e.endTimeZone }),
      dflt: true,
    },
    { uri: 'calendar:IsOnlineMeeting', xml: leaf('t:IsOnlineMeeting', e.onlineMeetingUrl !== undefined) },
    { uri: 'calendar:JoinOnlineMeetingUrl', xml: leaf('t:JoinOnlineMeetingUrl', e.onlineMeetingUrl) },
    { uri: 'calendar:IsOrganizer', xml: leaf('t:IsOrganizer', e.isOrganizer), dflt: true },
  ];
  return [...base.head, ...base.tail, ...own];
}

function isoDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `P${d > 0 ? `${d}D` : ''}T${h}H${m}M${s}S`;
}

/** Zone a calendar item's zoneless times are read in. */
export function calendarZones(
  item: XElement,
  contextZone: string | undefined,
): { start?: string; end?: string } {
  const startZone =
    childElement(item, 'StartTimeZone')?.attrs.Id ??
    childElement(item, 'MeetingTimeZone')?.attrs.TimeZoneName;
  const endZone = childElement(item, 'EndTimeZone')?.attrs.Id ?? startZone;
  return { start: startZone ?? contextZone, end: endZone ?? contextZone };
}

/** Reads the fields present in a `<t:CalendarItem>`. */
export function readCalendarItem(item: XElement, contextZone: string | undefined): Partial<EventData> {
  const out: Partial<EventData> = {};
  const text = (name: string) => childText(item, name);
  const zones = calendarZones(item, contextZone);
  const explicitStartZone =
    childElement(item, 'StartTimeZone')?.attrs.Id ??
    childElement(item, 'MeetingTimeZone')?.attrs.TimeZoneName;
  const explicitEndZone = childElement(item, 'EndTimeZone')?.attrs.Id;
  if (explicitStartZone) out.startTimeZone = explicitStartZone;
  if (explicitEndZone) out.endTimeZone = explicitEndZone;
  const subject = text('Subject');
  if (subject !== undefined) out.subject = subject;
  const body = readBody(childElement(item, 'Body'));
  if (body) out.body = body;
  const start = text('Start');
  if (start !== undefined) out.start = toIso(parseDateTime(start, zones.start));
  const end = text('End');
  if (end !== undefined) out.end = toIso(parseDateTime(end, zones.end));
  const allDay = readBool(text('IsAllDayEvent'));
  if (allDay !== undefined) out.isAllDay = allDay;
  const showAs = readShowAs(text('LegacyFreeBusyStatus'));
  if (showAs) out.showAs = showAs;
  const location = text('Location');
  if (location !== undefined) out.location = location;
  const categories = readCategories(childElement(item, 'Categories'));
  if (categories) out.categories = categories;
  const importance = readImportance(text('Importance'));
  if (importance) out.importance = importance;
  const sensitivity = readSensitivity(text('Sensitivity'));
  if (sensitivity) out.sensitivity = sensitivity;
  const reminder = readBool(text('ReminderIsSet'));
  if (reminder !== undefined) out.isReminderOn = reminder;
  const minutes = readInt(text('ReminderMinutesBeforeStart'));
  if (minutes !== undefined) out.reminderMinutesBeforeStart = minutes;
  const uid = text('UID');
  if (uid) out.iCalUId = uid;
  const responseRequested = readBool(text('IsResponseRequested'));
  if (responseRequested !== undefined) out.responseRequested = responseRequested;
  const attendeeLists: Array<[string, AttendeeType]> = [
    ['RequiredAttendees', 'required'],
    ['OptionalAttendees', 'optional'],
    ['Resources', 'resource'],
  ];
  for (const [name, type] of attendeeLists) {
    const list = childElement(item, name);
    if (!list) continue;
    const read = childElements(list, 'Attendee')
      .map((a): Attendee | undefined => {
        const email = readMailbox(childElement(a, 'Mailbox'));
        return email ? { email, type, response: readResponse(childText(a, 'ResponseType')) } : undefined;
      })
      .filter((a): a is Attendee => a !== undefined);
    out.attendees = [...(out.attendees ?? []), ...read];
  }
  const recurrence = childElement(item, 'Recurrence');
  if (recurrence) out.recurrence = readRecurrence(recurrence, explicitStartZone ?? zones.start);
  const organizer = readMailbox(childElement(childElement(item, 'Organizer'), 'Mailbox'));
  if (organizer) out.organizer = organizer;
  return out;
}

/** Field URI → model field, for SetItemField/DeleteItemField on calendar items. */
export const CALENDAR_FIELDS: Record<string, Array<keyof EventData>> = {
  'item:Subject': ['subject'],
  'item:Body': ['body'],
  'item:Categories': ['categories'],
  'item:Importance': ['importance'],
  'item:Sensitivity': ['sensitivity'],
  'item:ReminderIsSet': ['isReminderOn'],
  'item:ReminderMinutesBeforeStart': ['reminderMinutesBeforeStart'],
  'calendar:Start': ['start'],
  'calendar:End': ['end'],
  'calendar:IsAllDayEvent': ['isAllDay'],
  'calendar:LegacyFreeBusyStatus': ['showAs'],
  'calendar:Location': ['location'],
  'calendar:RequiredAttendees': ['attendees'],
  'calendar:OptionalAttendees': ['attendees'],
  'calendar:Resources': ['attendees'],
  'calendar:Recurrence': ['recurrence'],
  'calendar:StartTimeZone': ['startTimeZone'],
  'calendar:EndTimeZone': ['endTimeZone'],
  'calendar:MeetingTimeZone': ['startTimeZone'],
  'calendar:IsResponseRequested': ['responseRequested'],
  'calendar:UID': ['iCalUId'],
};
