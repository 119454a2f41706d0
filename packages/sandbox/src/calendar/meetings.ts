// What Exchange's transport and its Calendar Attendant do with a meeting between mailboxes of
// the sandbox, whichever protocol the organizer or attendee used:
// - a request (new or update) lands in each attendee's Inbox and creates or updates the
//   attendee's calendar copy, which carries the organizer's UID; nothing reaches an attendee's
//   copy unless the organizer sends;
// - a cancellation marks the copies cancelled ("Canceled: " subject, as Outlook shows it);
// - a response from an attendee lands in the organizer's Inbox and records the attendee's
//   answer on the organizer's copy; declining moves the attendee's copy to Deleted Items.
// Delivery reaches any mailbox of the sandbox, as SMTP reaches any recipient.

import type { SandboxContext } from '../context.ts';
import type {
  Attendee,
  Body,
  EmailAddress,
  EventData,
  Item,
  Mailbox,
  MeetingMessageInfo,
  MessageData,
  ResponseType,
} from '../model.ts';
import type { Actor } from '../store-api.ts';

export type MeetingResponse = 'accepted' | 'tentativelyAccepted' | 'declined';

/** The subject prefix Exchange gives each kind of meeting message. */
const RESPONSE_PREFIX: Record<MeetingResponse, string> = {
  accepted: 'Accepted: ',
  tentativelyAccepted: 'Tentative: ',
  declined: 'Declined: ',
};
const CANCELED_PREFIX = 'Canceled: ';

/** How a meeting message leaves the sender's mailbox (EWS MessageDisposition and its kin). */
export type Disposition = 'send' | 'sendAndSaveCopy' | 'saveOnly' | 'none';

const sameAddress = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The attendees a message goes to: each address once, never the organizer. */
export function recipientsOf(organizer: Mailbox, attendees: readonly Attendee[]): Attendee[] {
  const seen = new Set<string>();
  const out: Attendee[] = [];
  for (const a of attendees) {
    const key = a.email.address.toLowerCase();
    if (seen.has(key) || sameAddress(key, organizer.address)) continue;
    seen.add(key);
    out.push(a);
  }
  return out;
}

/** Attendees present in `after` but not in `before`, and the other way round. */
export function attendeeChanges(
  before: readonly Attendee[],
  after: readonly Attendee[],
): { added: Attendee[]; removed: Attendee[]; kept: Attendee[] } {
  const has = (list: readonly Attendee[], a: Attendee) =>
    list.some((b) => sameAddress(a.email.address, b.email.address));
  return {
    added: after.filter((a) => !has(before, a)),
    removed: before.filter((a) => !has(after, a)),
    kept: after.filter((a) => has(before, a)),
  };
}

/**
 * Exchange's MeetingRequestType for an update: a change of time, place or recurrence asks the
 * attendees to respond again (FullUpdate); anything else only informs them.
 */
export function updateKind(before: EventData, after: EventData): 'fullUpdate' | 'informationalUpdate' {
  const full =
    before.start !== after.start ||
    before.end !== after.end ||
    before.isAllDay !== after.isAllDay ||
    (before.location ?? '') !== (after.location ?? '') ||
    JSON.stringify(before.recurrence ?? null) !== JSON.stringify(after.recurrence ?? null) ||
    occurrenceTimes(before) !== occurrenceTimes(after);
  return full ? 'fullUpdate' : 'informationalUpdate';
}

/** Where and when the series' exceptions and deleted occurrences are, for comparison. */
function occurrenceTimes(e: EventData): string {
  const exceptions = e.modifiedOccurrences.map((o) => [
    o.originalStart,
    o.start,
    o.end,
    o.location,
    o.isCancelled,
  ]);
  return JSON.stringify([exceptions, e.deletedOccurrences]);
}

/** The calendar item for `uid` in any calendar of the mailbox. */
export function calendarItemByUid(
  ctx: SandboxContext,
  mailboxId: string,
  uid: string,
): Item<'event'> | undefined {
  const { store } = ctx;
  for (const folder of store.folders(mailboxId)) {
    if (folder.folderClass !== 'IPF.Appointment') continue;
    const found = store.items(mailboxId, folder.id).find((i) => i.kind === 'event' && i.data.iCalUId === uid);
    if (found) return found as Item<'event'>;
  }
  return undefined;
}

function meetingInfo(
  event: EventData,
  info: Pick<MeetingMessageInfo, 'type' | 'requestType'>,
): MeetingMessageInfo {
  return {
    ...info,
    iCalUId: event.iCalUId,
    start: event.start,
    end: event.end,
    isAllDay: event.isAllDay,
    ...(event.location ? { location: event.location } : {}),
    ...(info.type === 'request'
      ? { intendedShowAs: event.showAs, responseRequested: event.responseRequested }
      : {}),
  };
}

function address(mailbox: Mailbox): EmailAddress {
  return { address: mailbox.address, name: mailbox.displayName };
}

function meetingMessage(
  ctx: SandboxContext,
  from: Mailbox,
  to: EmailAddress[],
  cc: EmailAddress[],
  subject: string,
  body: Body,
  importance: EventData['importance'],
  meeting: MeetingMessageInfo,
): MessageData {
  const now = new Date(ctx.now()).toISOString();
  return {
    subject,
    body,
    from: address(from),
    sender: address(from),
    toRecipients: to,
    ccRecipients: cc,
    bccRecipients: [],
    replyTo: [],
    internetMessageId: `<${crypto.randomUUID()}@${from.address.split('@')[1] ?? 'sandbox'}>`,
    sentDateTime: now,
    receivedDateTime: now,
    isRead: true,
    isDraft: false,
    importance,
    categories: [],
    attachments: [],
    meeting,
  };
}

/** Puts a sent meeting message in each recipient's Inbox and, when asked, in Sent Items. */
function transmit(
  ctx: SandboxContext,
  from: Mailbox,
  message: MessageData,
  recipients: Mailbox[],
  saveCopy: boolean,
  actor: Actor,
): void {
  const { store } = ctx;
  for (const mailbox of recipients) {
    const inbox = store.distinguishedFolder(mailbox.id, 'inbox');
    if (inbox) store.createItem(mailbox.id, inbox.id, 'message', { ...message, isRead: false }, 'system');
  }
  const sent = saveCopy ? store.distinguishedFolder(from.id, 'sentitems') : undefined;
  if (sent) store.createItem(from.id, sent.id, 'message', structuredClone(message), actor);
}

function mailboxesOf(ctx: SandboxContext, attendees: readonly Attendee[]): Mailbox[] {
  const out: Mailbox[] = [];
  for (const a of attendees) {
    const mailbox = ctx.store.mailbox(a.email.address);
    if (mailbox && !out.some((m) => m.id === mailbox.id)) out.push(mailbox);
  }
  return out;
}

/** What an attendee's calendar holds of the organizer's meeting. */
function attendeeCopyData(
  event: EventData,
  attendee: Mailbox,
  kept: { response: ResponseType; responseTime?: string; showAs: EventData['showAs'] } | undefined,
): EventData {
  const copy: EventData = structuredClone(event);
  copy.isOrganizer = false;
  copy.transactionId = undefined;
  copy.extendedProperties = undefined;
  copy.attendees = copy.attendees.map((a) => {
    const own = sameAddress(a.email.address, attendee.address);
    const { responseTime: _time, ...rest } = a;
    if (own && kept) return { ...rest, response: kept.response, responseTime: kept.responseTime };
    // The attendee has not answered yet; the others' answers reach only the organizer.
    return { ...rest, response: own ? 'notResponded' : 'none' };
  });
  // Until the attendee answers, the meeting shows as tentative in their calendar.
  copy.showAs = kept?.showAs ?? 'tentative';
  return copy;
}

function ownResponse(copy: EventData, attendee: Mailbox): Attendee | undefined {
  return copy.attendees.find((a) => sameAddress(a.email.address, attendee.address));
}

/** The Calendar Attendant's work on a request that reached `mailbox`. */
function receiveRequest(
  ctx: SandboxContext,
  mailbox: Mailbox,
  event: EventData,
  requestType: MeetingMessageInfo['requestType'],
): void {
  const { store } = ctx;
  const existing = calendarItemByUid(ctx, mailbox.id, event.iCalUId);
  if (existing?.data.isOrganizer) return;
  if (existing) {
    const mine = ownResponse(existing.data, mailbox);
    const keep = requestType === 'informationalUpdate' && !existing.data.isCancelled && mine;
    const kept = keep
      ? { response: mine.response, responseTime: mine.responseTime, showAs: existing.data.showAs }
      : undefined;
    store.updateItem(mailbox.id, existing.id, attendeeCopyData(event, mailbox, kept), 'system');
    return;
  }
  const calendar = store.distinguishedFolder(mailbox.id, 'calendar');
  if (calendar)
    store.createItem(mailbox.id, calendar.id, 'event', attendeeCopyData(event, mailbox, undefined), 'system');
}

export interface SendOptions {
  saveCopy: boolean;
  actor: Actor;
}

/**
 * Sends the organizer's meeting to `to` (attendees of `event`): one message to all of them,
 * requests in their Inboxes, their calendar copies created or brought up to date.
 */
export function sendMeetingRequests(
  ctx: SandboxContext,
  organizer: Mailbox,
  event: EventData,
  to: readonly Attendee[],
  requestType: NonNullable<MeetingMessageInfo['requestType']>,
  options: SendOptions,
): void {
  const recipients = recipientsOf(organizer, to);
  if (recipients.length === 0) return;
  const message = meetingMessage(
    ctx,
    organizer,
    recipients.filter((a) => a.type !== 'optional').map((a) => a.email),
    recipients.filter((a) => a.type === 'optional').map((a) => a.email),
    event.subject,
    event.body ?? { contentType: 'text', content: '' },
    event.importance,
    meetingInfo(event, { type: 'request', requestType }),
  );
  const mailboxes = mailboxesOf(ctx, recipients);
  transmit(ctx, organizer, message, mailboxes, options.saveCopy, options.actor);
  for (const mailbox of mailboxes) receiveRequest(ctx, mailbox, event, requestType);
}

/** Sends the organizer's cancellation to `to`; their copies show the meeting as cancelled. */
export function sendMeetingCancellations(
  ctx: SandboxContext,
  organizer: Mailbox,
  event: EventData,
  to: readonly Attendee[],
  options: SendOptions,
): void {
  const recipients = recipientsOf(organizer, to);
  if (recipients.length === 0) return;
  const subject = CANCELED_PREFIX + event.subject;
  const message = meetingMessage(
    ctx,
    organizer,
    recipients.filter((a) => a.type !== 'optional').map((a) => a.email),
    recipients.filter((a) => a.type === 'optional').map((a) => a.email),
    subject,
    event.body ?? { contentType: 'text', content: '' },
    event.importance,
    meetingInfo(event, { type: 'cancellation' }),
  );
  const mailboxes = mailboxesOf(ctx, recipients);
  transmit(ctx, organizer, message, mailboxes, options.saveCopy, options.actor);
  for (const mailbox of mailboxes) {
    const copy = calendarItemByUid(ctx, mailbox.id, event.iCalUId);
    if (!copy || copy.data.isOrganizer) continue;
    const cancelledSubject = copy.data.subject.startsWith(CANCELED_PREFIX)
      ? copy.data.subject
      : CANCELED_PREFIX + copy.data.subject;
    ctx.store.updateItem<'event'>(
      mailbox.id,
      copy.id,
      { isCancelled: true, subject: cancelledSubject, showAs: 'free' },
      'system',
    );
  }
}

/**
 * The organizer deletes one occurrence of a series: a cancellation for that occurrence, and
 * the occurrence leaves the attendees' copies.
 */
export function sendOccurrenceCancellations(
  ctx: SandboxContext,
  organizer: Mailbox,
  series: EventData,
  occurrence: { originalStart: string; start: string; end: string },
  options: SendOptions,
): void {
  const recipients = recipientsOf(organizer, series.attendees);
  if (recipients.length === 0) return;
  const message = meetingMessage(
    ctx,
    organizer,
    recipients.filter((a) => a.type !== 'optional').map((a) => a.email),
    recipients.filter((a) => a.type === 'optional').map((a) => a.email),
    CANCELED_PREFIX + series.subject,
    series.body ?? { contentType: 'text', content: '' },
    series.importance,
    meetingInfo({ ...series, start: occurrence.start, end: occurrence.end }, { type: 'cancellation' }),
  );
  const mailboxes = mailboxesOf(ctx, recipients);
  transmit(ctx, organizer, message, mailboxes, options.saveCopy, options.actor);
  const originalStart = new Date(occurrence.originalStart).toISOString();
  for (const mailbox of mailboxes) {
    const copy = calendarItemByUid(ctx, mailbox.id, series.iCalUId);
    if (!copy || copy.data.isOrganizer) continue;
    if (copy.data.deletedOccurrences.some((d) => Date.parse(d) === Date.parse(originalStart))) continue;
    ctx.store.updateItem<'event'>(
      mailbox.id,
      copy.id,
      {
        deletedOccurrences: [...copy.data.deletedOccurrences, originalStart],
        modifiedOccurrences: copy.data.modifiedOccurrences.filter(
          (o) => Date.parse(o.originalStart) !== Date.parse(originalStart),
        ),
      },
      'system',
    );
  }
}

/** Thrown when an attendee's answer cannot apply; protocols turn `reason` into their codes. */
export class MeetingResponseError extends Error {
  readonly reason: 'isOrganizer' | 'isCancelled';
  constructor(reason: 'isOrganizer' | 'isCancelled', message: string) {
    super(message);
    this.name = 'MeetingResponseError';
    this.reason = reason;
  }
}

export interface RespondOptions {
  disposition: Disposition;
  /** Text the attendee adds to the response (EWS Body, Graph comment). */
  comment?: Body;
  actor: Actor;
}

/**
 * An attendee answers a meeting from their calendar copy. Returns the copy as it is after the
 * answer (in Deleted Items after a decline).
 */
export function respondToMeeting(
  ctx: SandboxContext,
  attendee: Mailbox,
  copy: Item<'event'>,
  response: MeetingResponse,
  options: RespondOptions,
): Item<'event'> {
  const { store } = ctx;
  const data = copy.data;
  if (data.isOrganizer) {
    throw new MeetingResponseError(
      'isOrganizer',
      'The mailbox organizes this meeting; only attendees can accept, tentatively accept or decline it.',
    );
  }
  if (data.isCancelled && response !== 'declined') {
    throw new MeetingResponseError(
      'isCancelled',
      'The organizer cancelled this meeting; it can no longer be accepted.',
    );
  }
  const now = new Date(ctx.now()).toISOString();
  const attendees = data.attendees.some((a) => sameAddress(a.email.address, attendee.address))
    ? data.attendees.map((a) =>
        sameAddress(a.email.address, attendee.address) ? { ...a, response, responseTime: now } : a,
      )
    : [
        ...data.attendees,
        { email: address(attendee), type: 'required' as const, response, responseTime: now },
      ];
  const showAs =
    response === 'tentativelyAccepted' ? 'tentative' : (intendedShowAs(ctx, attendee, data) ?? 'busy');
  let answered = store.updateItem<'event'>(
    attendee.id,
    copy.id,
    { attendees, showAs },
    options.actor,
  ) as Item<'event'>;
  retireRequests(ctx, attendee, data.iCalUId, options.actor);
  if (response === 'declined') {
    store.deleteItem(attendee.id, copy.id, 'moveToDeletedItems', options.actor);
    answered = (store.item(attendee.id, copy.id) as Item<'event'> | undefined) ?? answered;
  }
  sendResponse(ctx, attendee, data, response, now, options);
  return answered;
}

/** The free/busy status the organizer asked for in the latest request the attendee received. */
function intendedShowAs(
  ctx: SandboxContext,
  attendee: Mailbox,
  event: EventData,
): EventData['showAs'] | undefined {
  const { store } = ctx;
  let latest: MessageData | undefined;
  for (const folder of store.folders(attendee.id)) {
    for (const item of store.items(attendee.id, folder.id)) {
      if (item.kind !== 'message') continue;
      const m = item.data.meeting;
      if (m?.type !== 'request' || m.iCalUId !== event.iCalUId) continue;
      if (!latest || (item.data.sentDateTime ?? '') >= (latest.sentDateTime ?? '')) latest = item.data;
    }
  }
  return latest?.meeting?.intendedShowAs;
}

/** Answered requests leave the Inbox for Deleted Items, as after a response in Outlook. */
function retireRequests(ctx: SandboxContext, attendee: Mailbox, uid: string, actor: Actor): void {
  const { store } = ctx;
  const inbox = store.distinguishedFolder(attendee.id, 'inbox');
  if (!inbox) return;
  for (const item of store.items(attendee.id, inbox.id)) {
    if (item.kind === 'message' && item.data.meeting?.type === 'request' && item.data.meeting.iCalUId === uid)
      store.deleteItem(attendee.id, item.id, 'moveToDeletedItems', actor);
  }
}

function sendResponse(
  ctx: SandboxContext,
  attendee: Mailbox,
  event: EventData,
  response: MeetingResponse,
  at: string,
  options: RespondOptions,
): void {
  if (options.disposition === 'none') return;
  const { store } = ctx;
  const message = meetingMessage(
    ctx,
    attendee,
    [event.organizer],
    [],
    RESPONSE_PREFIX[response] + event.subject.replace(/^Canceled: /, ''),
    options.comment ?? { contentType: 'text', content: '' },
    'normal',
    meetingInfo(event, { type: response }),
  );
  if (options.disposition === 'saveOnly') {
    const drafts = store.distinguishedFolder(attendee.id, 'drafts');
    if (drafts)
      store.createItem(attendee.id, drafts.id, 'message', { ...message, isDraft: true }, options.actor);
    return;
  }
  const organizer = store.mailbox(event.organizer.address);
  transmit(
    ctx,
    attendee,
    message,
    organizer ? [organizer] : [],
    options.disposition === 'sendAndSaveCopy',
    options.actor,
  );
  if (organizer) recordResponse(ctx, organizer, attendee, event.iCalUId, response, at);
}

/** The organizer's copy tracks each attendee's answer once the response arrives. */
function recordResponse(
  ctx: SandboxContext,
  organizer: Mailbox,
  attendee: Mailbox,
  uid: string,
  response: MeetingResponse,
  at: string,
): void {
  const copy = calendarItemByUid(ctx, organizer.id, uid);
  if (!copy?.data.isOrganizer) return;
  if (!copy.data.attendees.some((a) => sameAddress(a.email.address, attendee.address))) return;
  const attendees = copy.data.attendees.map((a) =>
    sameAddress(a.email.address, attendee.address) ? { ...a, response, responseTime: at } : a,
  );
  ctx.store.updateItem<'event'>(organizer.id, copy.id, { attendees }, 'system');
}

/** Counts of meeting messages in a mailbox, for tests that assert what was (not) sent. */
export interface MeetingMessageCounts {
  requests: number;
  updates: number;
  cancellations: number;
  responses: number;
  accepted: number;
  tentativelyAccepted: number;
  declined: number;
  total: number;
}

export interface MeetingMessageSummary {
  id: string;
  folderId: string;
  /** Distinguished name of the folder (inbox, sentitems, deleteditems, drafts), when it has one. */
  folder?: string;
  type: MeetingMessageInfo['type'];
  requestType?: MeetingMessageInfo['requestType'];
  iCalUId: string;
  subject: string;
  from?: string;
  to: string[];
  sentDateTime?: string;
}

/** Every meeting message in every folder of the mailbox, with counts by kind. */
export function meetingMessages(
  ctx: SandboxContext,
  mailbox: Mailbox,
): { counts: MeetingMessageCounts; messages: MeetingMessageSummary[] } {
  const { store } = ctx;
  const counts: MeetingMessageCounts = {
    requests: 0,
    updates: 0,
    cancellations: 0,
    responses: 0,
    accepted: 0,
    tentativelyAccepted: 0,
    declined: 0,
    total: 0,
  };
  const messages: MeetingMessageSummary[] = [];
  for (const folder of store.folders(mailbox.id)) {
    for (const item of store.items(mailbox.id, folder.id)) {
      if (item.kind !== 'message' || !item.data.meeting) continue;
      const m = item.data.meeting;
      counts.total++;
      if (m.type === 'request') {
        if (m.requestType === 'newMeetingRequest') counts.requests++;
        else counts.updates++;
      } else if (m.type === 'cancellation') counts.cancellations++;
      else {
        counts.responses++;
        counts[m.type]++;
      }
      messages.push({
        id: item.id,
        folderId: folder.id,
        ...(folder.distinguishedId ? { folder: folder.distinguishedId } : {}),
        type: m.type,
        ...(m.requestType ? { requestType: m.requestType } : {}),
        iCalUId: m.iCalUId,
        subject: item.data.subject,
        from: item.data.from?.address,
        to: [...item.data.toRecipients, ...item.data.ccRecipients].map((r) => r.address),
        sentDateTime: item.data.sentDateTime,
      });
    }
  }
  messages.sort((a, b) => ((a.sentDateTime ?? '') < (b.sentDateTime ?? '') ? -1 : 1));
  return { counts, messages };
}
