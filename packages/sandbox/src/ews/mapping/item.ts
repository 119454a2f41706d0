// One entry point from a stored item (or an occurrence of one) to its EWS element.

import type { AnyItem, Item, Occurrence } from '../../model.ts';
import { el } from '../xml/write.ts';
import { calendarProps } from './calendar.ts';
import { contactProps } from './contact.ts';
import { messageProps } from './message.ts';
import { type Prop, type Shape, selectProps } from './shape.ts';
import { taskProps } from './task.ts';

const ELEMENT = {
  contact: 't:Contact',
  event: 't:CalendarItem',
  task: 't:Task',
  message: 't:Message',
} as const;

/** Meeting messages are messages of their own EWS types (MeetingRequest, MeetingCancellation, …). */
const MEETING_ELEMENT = {
  request: 't:MeetingRequest',
  cancellation: 't:MeetingCancellation',
  accepted: 't:MeetingResponse',
  tentativelyAccepted: 't:MeetingResponse',
  declined: 't:MeetingResponse',
} as const;

export function itemElementName(item: AnyItem): string {
  if (item.kind === 'message' && item.data.meeting) return MEETING_ELEMENT[item.data.meeting.type];
  return ELEMENT[item.kind];
}

export function itemProps(
  item: AnyItem,
  shape: Shape,
  mailboxAddress: string,
  occurrence?: Occurrence,
): Prop[] {
  switch (item.kind) {
    case 'contact':
      return contactProps(item, shape);
    case 'event':
      return calendarProps({ item: item as Item<'event'>, occurrence, mailboxAddress }, shape);
    case 'task':
      return taskProps(item, shape);
    case 'message':
      return messageProps(item, shape, mailboxAddress);
  }
}

/** Properties FindItem never returns, whatever the shape asks (as Exchange). */
export const NOT_IN_FIND_ITEM = new Set([
  'item:MimeContent',
  'item:InternetMessageHeaders',
  'item:TextBody',
  'item:Body',
  'item:Attachments',
  'item:UniqueBody',
  'calendar:RequiredAttendees',
  'calendar:OptionalAttendees',
  'calendar:Resources',
  'calendar:Recurrence',
  'calendar:FirstOccurrence',
  'calendar:LastOccurrence',
  'calendar:ModifiedOccurrences',
  'calendar:DeletedOccurrences',
  'task:Recurrence',
]);

export function itemXml(
  item: AnyItem,
  shape: Shape,
  mailboxAddress: string,
  occurrence?: Occurrence,
  exclude?: Set<string>,
): string {
  let props = itemProps(item, shape, mailboxAddress, occurrence);
  if (exclude) props = props.filter((p) => !exclude.has(p.uri));
  return el(itemElementName(item), null, selectProps(props, shape));
}
