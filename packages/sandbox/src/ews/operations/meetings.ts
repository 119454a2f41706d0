// EWS's switches over meeting messages, on top of the transport in calendar/meetings.ts:
// CreateItem's SendMeetingInvitations, UpdateItem's SendMeetingInvitationsOrCancellations,
// DeleteItem's SendMeetingCancellations, and the response objects AcceptItem,
// TentativelyAcceptItem and DeclineItem.

import {
  attendeeChanges,
  calendarItemByUid,
  type Disposition,
  type MeetingResponse,
  MeetingResponseError,
  respondToMeeting,
  sendMeetingCancellations,
  sendMeetingRequests,
  sendOccurrenceCancellations,
  updateKind,
} from '../../calendar/meetings.ts';
import type { AnyItem, EventData, Item, Occurrence } from '../../model.ts';
import { EwsError, EwsFault, type EwsResponseCode } from '../errors.ts';
import { readBody } from '../mapping/common.ts';
import { childElement, type XElement } from '../xml/parse.ts';
import type { OperationContext } from './context.ts';

/** CreateItem's SendMeetingInvitations and DeleteItem's SendMeetingCancellations. */
export const CREATE_OR_DELETE_MODES = ['SendToNone', 'SendOnlyToAll', 'SendToAllAndSaveCopy'] as const;
/** UpdateItem's SendMeetingInvitationsOrCancellations. */
export const UPDATE_MODES = [
  'SendToNone',
  'SendOnlyToAll',
  'SendOnlyToChanged',
  'SendToAllAndSaveCopy',
  'SendToChangedAndSaveCopy',
] as const;

export type InvitationMode = (typeof UPDATE_MODES)[number];

/** Refuses a value the schema does not allow, as Exchange's schema validation does. */
export function checkMode(
  attribute: string,
  value: string | undefined,
  allowed: readonly string[],
): InvitationMode | undefined {
  if (value !== undefined && !allowed.includes(value)) {
    throw new EwsFault(
      'ErrorSchemaValidation',
      `The request failed schema validation: ${attribute} "${value}" is not valid; use ${allowed.join(', ')}.`,
    );
  }
  return value as InvitationMode | undefined;
}

const saves = (mode: InvitationMode) => mode.endsWith('SaveCopy');

/** A new calendar item: invitations go to every attendee unless the mode is SendToNone. */
export function inviteOnCreate(op: OperationContext, created: Item<'event'>, mode: InvitationMode): void {
  if (mode === 'SendToNone' || !created.data.isOrganizer) return;
  sendMeetingRequests(op.sandbox, op.mailbox, created.data, created.data.attendees, 'newMeetingRequest', {
    saveCopy: saves(mode),
    actor: 'ews',
  });
}

/**
 * An organizer's update: added attendees get the request, removed ones a cancellation, and
 * (for the …ToAll modes) everyone else the update. SendToNone changes the organizer's copy only.
 */
export function notifyOnUpdate(
  op: OperationContext,
  before: EventData,
  after: Item<'event'>,
  mode: InvitationMode,
): void {
  if (mode === 'SendToNone' || !after.data.isOrganizer) return;
  const options = { saveCopy: saves(mode), actor: 'ews' as const };
  const { added, removed, kept } = attendeeChanges(before.attendees, after.data.attendees);
  sendMeetingRequests(op.sandbox, op.mailbox, after.data, added, 'newMeetingRequest', options);
  sendMeetingCancellations(op.sandbox, op.mailbox, after.data, removed, options);
  if (mode === 'SendOnlyToAll' || mode === 'SendToAllAndSaveCopy') {
    sendMeetingRequests(op.sandbox, op.mailbox, after.data, kept, updateKind(before, after.data), options);
  }
}

/** Whether an organizer's update in this mode sends anything to anyone. */
export function sendsOnUpdate(
  before: EventData,
  attendees: EventData['attendees'],
  mode: InvitationMode,
): boolean {
  if (mode === 'SendToNone' || !before.isOrganizer) return false;
  const { added, removed } = attendeeChanges(before.attendees, attendees);
  if (mode === 'SendOnlyToChanged' || mode === 'SendToChangedAndSaveCopy')
    return added.length + removed.length > 0;
  return attendees.length > 0;
}

/** The organizer deletes a meeting: cancellations unless the mode is SendToNone. */
export function cancelOnDelete(op: OperationContext, item: AnyItem, mode: InvitationMode): void {
  if (item.kind !== 'event' || mode === 'SendToNone' || !item.data.isOrganizer) return;
  sendMeetingCancellations(op.sandbox, op.mailbox, item.data, item.data.attendees, {
    saveCopy: saves(mode),
    actor: 'ews',
  });
}

/** The organizer deletes one occurrence of a meeting series. */
export function cancelOccurrenceOnDelete(
  op: OperationContext,
  master: Item<'event'>,
  occurrence: Occurrence,
  mode: InvitationMode,
): void {
  if (mode === 'SendToNone' || !master.data.isOrganizer) return;
  const iso = (ms: number) => new Date(ms).toISOString();
  sendOccurrenceCancellations(
    op.sandbox,
    op.mailbox,
    master.data,
    { originalStart: iso(occurrence.originalStart), start: iso(occurrence.start), end: iso(occurrence.end) },
    { saveCopy: saves(mode), actor: 'ews' },
  );
}

const RESPONSE_OF: Record<string, MeetingResponse> = {
  AcceptItem: 'accepted',
  TentativelyAcceptItem: 'tentativelyAccepted',
  DeclineItem: 'declined',
};

const ORGANIZER_CODE: Record<MeetingResponse, EwsResponseCode> = {
  accepted: 'ErrorCalendarIsOrganizerForAccept',
  tentativelyAccepted: 'ErrorCalendarIsOrganizerForTentative',
  declined: 'ErrorCalendarIsOrganizerForDecline',
};
const CANCELLED_CODE: Record<MeetingResponse, EwsResponseCode> = {
  accepted: 'ErrorCalendarIsCancelledForAccept',
  tentativelyAccepted: 'ErrorCalendarIsCancelledForTentative',
  declined: 'ErrorCalendarIsCancelledForDecline',
};

const DISPOSITION: Record<string, Disposition> = {
  SendOnly: 'send',
  SendAndSaveCopy: 'sendAndSaveCopy',
  SaveOnly: 'saveOnly',
};

/** The calendar item a response object answers: named directly, or through its meeting request. */
function referencedMeeting(op: OperationContext, request: XElement): Item<'event'> {
  const ref = childElement(request, 'ReferenceItemId');
  const item = ref ? op.sandbox.store.item(op.mailbox.id, ref.attrs.Id ?? '') : undefined;
  if (!item) throw new EwsError('ErrorItemNotFound', 'The item named by ReferenceItemId was not found.');
  if (item.kind === 'event') return item as Item<'event'>;
  const uid =
    item.kind === 'message' && item.data.meeting?.type === 'request' ? item.data.meeting.iCalUId : '';
  const copy = uid ? calendarItemByUid(op.sandbox, op.mailbox.id, uid) : undefined;
  if (!copy) {
    throw new EwsError(
      'ErrorInvalidReferenceItem',
      'ReferenceItemId must name a meeting request or a calendar item that is a meeting.',
    );
  }
  return copy;
}

/**
 * AcceptItem, TentativelyAcceptItem or DeclineItem. Returns the calendar item that stays in
 * the calendar (none after a decline).
 */
export function respondWithResponseObject(
  op: OperationContext,
  request: XElement,
  disposition: string | undefined,
): Item<'event'> | undefined {
  const response = RESPONSE_OF[request.name];
  if (disposition === undefined) {
    throw new EwsError(
      'ErrorMessageDispositionRequired',
      `${request.name} needs the MessageDisposition attribute (SaveOnly, SendOnly or SendAndSaveCopy).`,
    );
  }
  const copy = referencedMeeting(op, request);
  if (copy.data.attendees.length === 0 && copy.data.isOrganizer) {
    throw new EwsError(
      ORGANIZER_CODE[response],
      'The calendar item is not a meeting; there is nothing to respond to.',
    );
  }
  try {
    const answered = respondToMeeting(op.sandbox, op.mailbox, copy, response, {
      disposition: DISPOSITION[disposition] ?? 'send',
      comment: readBody(childElement(request, 'Body')),
      actor: 'ews',
    });
    return response === 'declined' ? undefined : answered;
  } catch (error) {
    if (error instanceof MeetingResponseError) {
      const code = error.reason === 'isOrganizer' ? ORGANIZER_CODE[response] : CANCELLED_CODE[response];
      throw new EwsError(code, error.message);
    }
    throw error;
  }
}

/**
 * CancelCalendarItem: the organizer cancels the meeting. The cancellation goes to every attendee
 * and the meeting leaves the organizer's calendar for Deleted Items.
 */
export function cancelWithResponseObject(
  op: OperationContext,
  request: XElement,
  disposition: string | undefined,
): void {
  if (disposition === undefined) {
    throw new EwsError(
      'ErrorMessageDispositionRequired',
      'CancelCalendarItem needs the MessageDisposition attribute (SendOnly or SendAndSaveCopy).',
    );
  }
  if (disposition === 'SaveOnly') {
    throw new EwsError(
      'ErrorInvalidOperation',
      'The sandbox does not keep a cancellation as a draft; cancel with SendOnly or SendAndSaveCopy.',
    );
  }
  const ref = childElement(request, 'ReferenceItemId');
  const item = ref ? op.sandbox.store.item(op.mailbox.id, ref.attrs.Id ?? '') : undefined;
  if (!item) throw new EwsError('ErrorItemNotFound', 'The item named by ReferenceItemId was not found.');
  if (item.kind !== 'event')
    throw new EwsError(
      'ErrorInvalidReferenceItem',
      'CancelCalendarItem needs a calendar item as ReferenceItemId.',
    );
  if (!item.data.isOrganizer) {
    throw new EwsError(
      'ErrorCalendarIsNotOrganizer',
      'Only the organizer can cancel a meeting; an attendee declines it with DeclineItem.',
    );
  }
  const body = readBody(childElement(request, 'NewBodyContent')) ?? item.data.body;
  sendMeetingCancellations(op.sandbox, op.mailbox, { ...item.data, body }, item.data.attendees, {
    saveCopy: disposition === 'SendAndSaveCopy',
    actor: 'ews',
  });
  op.sandbox.store.deleteItem(op.mailbox.id, item.id, 'moveToDeletedItems', 'ews');
}
