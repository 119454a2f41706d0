// What Exchange's transport does for meetings between mailboxes of the sandbox: invitations
// put a copy (same UID) in each attendee's calendar plus a request in their Inbox; updates and
// cancellations follow the copies.

import type { AnyItem, EventData, Item, Mailbox, MessageData } from '../../model.ts';
import type { OperationContext } from './context.ts';

export type InvitationMode =
  | 'SendToNone'
  | 'SendOnlyToAll'
  | 'SendOnlyToChanged'
  | 'SendToAllAndSaveCopy'
  | 'SendToChangedAndSaveCopy';

function attendeeMailboxes(op: OperationContext, event: EventData): Mailbox[] {
  const seen = new Set<string>();
  const out: Mailbox[] = [];
  for (const a of event.attendees) {
    const mailbox = op.sandbox.store.mailbox(a.email.address);
    if (!mailbox || mailbox.id === op.mailbox.id || seen.has(mailbox.id)) continue;
    seen.add(mailbox.id);
    out.push(mailbox);
  }
  return out;
}

export function attendeeCopy(op: OperationContext, mailbox: Mailbox, uid: string): Item<'event'> | undefined {
  const store = op.sandbox.store;
  for (const folder of store.folders(mailbox.id)) {
    if (folder.folderClass !== 'IPF.Appointment') continue;
    const found = store
      .items(mailbox.id, folder.id)
      .find((i) => i.kind === 'event' && i.data.iCalUId === uid);
    if (found) return found as Item<'event'>;
  }
  return undefined;
}

function notice(op: OperationContext, to: Mailbox, subject: string, event: EventData): void {
  const store = op.sandbox.store;
  const inbox = store.distinguishedFolder(to.id, 'inbox');
  if (!inbox) return;
  const now = new Date(op.sandbox.now()).toISOString();
  const message: MessageData = {
    subject,
    body: event.body ?? { contentType: 'text', content: '' },
    from: { address: op.mailbox.address, name: op.mailbox.displayName },
    toRecipients: [{ address: to.address, name: to.displayName }],
    ccRecipients: [],
    bccRecipients: [],
    replyTo: [],
    internetMessageId: '',
    sentDateTime: now,
    receivedDateTime: now,
    isRead: false,
    isDraft: false,
    importance: event.importance,
    categories: [],
    attachments: [],
  };
  store.createItem(to.id, inbox.id, 'message', message, 'system');
}

function copyFor(event: EventData): EventData {
  return {
    ...event,
    isOrganizer: false,
    attendees: event.attendees.map((a) => ({
      ...a,
      response: a.response === 'organizer' ? 'organizer' : 'notResponded',
    })),
  };
}

export function sendInvitations(op: OperationContext, event: EventData, mode: InvitationMode): void {
  if (mode === 'SendToNone' || event.attendees.length === 0) return;
  const store = op.sandbox.store;
  for (const mailbox of attendeeMailboxes(op, event)) {
    const existing = attendeeCopy(op, mailbox, event.iCalUId);
    if (existing) {
      store.updateItem(mailbox.id, existing.id, copyFor(event), 'system');
    } else {
      const calendar = store.distinguishedFolder(mailbox.id, 'calendar');
      if (!calendar) continue;
      store.createItem(mailbox.id, calendar.id, 'event', copyFor(event), 'system');
    }
    notice(op, mailbox, event.subject, event);
  }
}

export function sendCancellations(op: OperationContext, event: EventData, mode: string | undefined): void {
  if (!mode || mode === 'SendToNone' || !event.isOrganizer) return;
  const store = op.sandbox.store;
  for (const mailbox of attendeeMailboxes(op, event)) {
    const existing = attendeeCopy(op, mailbox, event.iCalUId);
    if (existing) store.updateItem(mailbox.id, existing.id, { isCancelled: true }, 'system');
    notice(op, mailbox, `Canceled: ${event.subject}`, event);
  }
}

export function isOrganizedMeeting(item: AnyItem): item is Item<'event'> {
  return item.kind === 'event' && item.data.isOrganizer && item.data.attendees.length > 0;
}
