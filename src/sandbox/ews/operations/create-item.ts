// CreateItem: contacts, calendar items (with invitations), tasks, messages (saved and/or sent).

import type { AnyItem, ContactData, EventData, Mailbox, MessageData, TaskData } from '../../model.ts';
import { EwsError, EwsFault } from '../errors.ts';
import { readCalendarItem } from '../mapping/calendar.ts';
import { emptyContact, readContact } from '../mapping/contact.ts';
import { itemElementName } from '../mapping/item.ts';
import { readMessage } from '../mapping/message.ts';
import { normaliseTask, readTask } from '../mapping/task.ts';
import { errorMessage, operationResponse, successMessage } from '../responses.ts';
import { kid, type XElement } from '../xml/parse.ts';
import { el } from '../xml/write.ts';
import { nowIso, type OperationContext, requiredList, resolveFolder, storeErrorToEws } from './context.ts';
import { type InvitationMode, sendInvitations } from './meetings.ts';

const MESSAGE_DISPOSITIONS = ['SaveOnly', 'SendOnly', 'SendAndSaveCopy'];
const INVITATION_MODES = ['SendToNone', 'SendOnlyToAll', 'SendToAllAndSaveCopy'];

export function idXml(item: AnyItem): string {
  return el(itemElementName(item), null, el('t:ItemId', { Id: item.id, ChangeKey: item.changeKey }));
}

function targetFolder(
  op: OperationContext,
  saved: XElement | undefined,
  fallback: string,
): { mailbox: Mailbox; folderId: string } {
  const ref = saved?.children[0];
  if (ref) {
    const { mailbox, folder } = resolveFolder(op, ref);
    return { mailbox, folderId: folder.id };
  }
  const folder = op.sandbox.store.distinguishedFolder(op.mailbox.id, fallback);
  if (!folder) throw new EwsError('ErrorFolderNotFound', `The mailbox has no ${fallback} folder.`);
  return { mailbox: op.mailbox, folderId: folder.id };
}

export function newEvent(op: OperationContext, parsed: Partial<EventData>): EventData {
  if (!parsed.start || !parsed.end) {
    throw new EwsError('ErrorInvalidRequest', 'A calendar item needs Start and End.');
  }
  if (Date.parse(parsed.end) < Date.parse(parsed.start)) {
    throw new EwsError(
      'ErrorCalendarEndDateIsEarlierThanStartDate',
      'The End of the calendar item is earlier than its Start.',
    );
  }
  const zone = parsed.startTimeZone ?? op.timeZone ?? 'UTC';
  return {
    subject: '',
    isAllDay: false,
    isReminderOn: true,
    reminderMinutesBeforeStart: 15,
    showAs: 'busy',
    importance: 'normal',
    sensitivity: 'normal',
    categories: [],
    iCalUId: '',
    isCancelled: false,
    responseRequested: true,
    modifiedOccurrences: [],
    deletedOccurrences: [],
    attendees: [],
    ...parsed,
    start: parsed.start,
    end: parsed.end,
    startTimeZone: zone,
    endTimeZone: parsed.endTimeZone ?? zone,
    organizer: { address: op.mailbox.address, name: op.mailbox.displayName },
    isOrganizer: true,
  };
}

export function newTask(op: OperationContext, parsed: Partial<TaskData>): TaskData {
  return normaliseTask(
    {
      subject: '',
      status: 'notStarted',
      importance: 'normal',
      percentComplete: 0,
      isReminderOn: false,
      categories: [],
      owner: op.mailbox.displayName,
      ...parsed,
    },
    nowIso(op),
  );
}

export function newMessage(op: OperationContext, parsed: Partial<MessageData>): MessageData {
  return {
    subject: '',
    body: { contentType: 'text', content: '' },
    toRecipients: [],
    ccRecipients: [],
    bccRecipients: [],
    replyTo: [],
    internetMessageId: '',
    isRead: true,
    isDraft: true,
    importance: 'normal',
    categories: [],
    attachments: [],
    ...parsed,
    from: parsed.from ?? { address: op.mailbox.address, name: op.mailbox.displayName },
  };
}

/** Delivers a sent message to every recipient that is a mailbox of the sandbox. */
export function deliver(op: OperationContext, message: MessageData): void {
  const store = op.sandbox.store;
  const now = nowIso(op);
  const seen = new Set<string>();
  for (const r of [...message.toRecipients, ...message.ccRecipients, ...message.bccRecipients]) {
    const mailbox = store.mailbox(r.address);
    if (!mailbox || seen.has(mailbox.id)) continue;
    seen.add(mailbox.id);
    const inbox = store.distinguishedFolder(mailbox.id, 'inbox');
    if (!inbox) continue;
    store.createItem(
      mailbox.id,
      inbox.id,
      'message',
      {
        ...message,
        bccRecipients: [],
        isRead: false,
        isDraft: false,
        receivedDateTime: now,
        sentDateTime: message.sentDateTime ?? now,
      },
      'system',
    );
  }
}

export function sendMessage(
  op: OperationContext,
  message: MessageData,
  saveCopyIn: { mailbox: Mailbox; folderId: string } | undefined,
): MessageData {
  if (message.toRecipients.length + message.ccRecipients.length + message.bccRecipients.length === 0) {
    throw new EwsError(
      'ErrorInvalidRecipients',
      'The message has no recipients: add at least one To, Cc or Bcc recipient.',
    );
  }
  const sent: MessageData = {
    ...message,
    isDraft: false,
    isRead: true,
    sentDateTime: nowIso(op),
    internetMessageId:
      message.internetMessageId || `<${crypto.randomUUID()}@${op.mailbox.address.split('@')[1]}>`,
  };
  deliver(op, sent);
  if (saveCopyIn)
    op.sandbox.store.createItem(saveCopyIn.mailbox.id, saveCopyIn.folderId, 'message', sent, 'ews');
  return sent;
}

export function createItem(op: OperationContext, request: XElement): string {
  const disposition = request.attrs.MessageDisposition;
  const invitations = request.attrs.SendMeetingInvitations;
  if (disposition !== undefined && !MESSAGE_DISPOSITIONS.includes(disposition)) {
    throw new EwsFault(
      'ErrorSchemaValidation',
      `The request failed schema validation: MessageDisposition "${disposition}" is not valid.`,
    );
  }
  if (invitations !== undefined && !INVITATION_MODES.includes(invitations)) {
    throw new EwsFault(
      'ErrorSchemaValidation',
      `The request failed schema validation: SendMeetingInvitations "${invitations}" is not valid.`,
    );
  }
  const saved = kid(request, 'SavedItemFolderId');
  const store = op.sandbox.store;
  const messages = requiredList(request, 'Items').map((itemEl) => {
    try {
      switch (itemEl.name) {
        case 'Contact': {
          const data: ContactData = { ...emptyContact(), ...readContact(itemEl) };
          const { mailbox, folderId } = targetFolder(op, saved, 'contacts');
          return success(store.createItem(mailbox.id, folderId, 'contact', data, 'ews'));
        }
        case 'CalendarItem': {
          if (invitations === undefined) {
            throw new EwsError(
              'ErrorInvalidRequest',
              'Creating a calendar item needs the SendMeetingInvitations attribute.',
            );
          }
          const data = newEvent(op, readCalendarItem(itemEl, op.timeZone));
          const { mailbox, folderId } = targetFolder(op, saved, 'calendar');
          const created = store.createItem(mailbox.id, folderId, 'event', data, 'ews');
          if (created.kind === 'event') sendInvitations(op, created.data, invitations as InvitationMode);
          return success(created);
        }
        case 'Task': {
          const { mailbox, folderId } = targetFolder(op, saved, 'tasks');
          return success(
            store.createItem(mailbox.id, folderId, 'task', newTask(op, readTask(itemEl, op.timeZone)), 'ews'),
          );
        }
        case 'Message': {
          if (disposition === undefined) {
            throw new EwsError(
              'ErrorMessageDispositionRequired',
              'Creating a message needs the MessageDisposition attribute (SaveOnly, SendOnly or SendAndSaveCopy).',
            );
          }
          const data = newMessage(op, readMessage(itemEl, op.timeZone));
          if (disposition === 'SaveOnly') {
            const { mailbox, folderId } = targetFolder(op, saved, 'drafts');
            return success(store.createItem(mailbox.id, folderId, 'message', data, 'ews'));
          }
          sendMessage(
            op,
            data,
            disposition === 'SendAndSaveCopy' ? targetFolder(op, saved, 'sentitems') : undefined,
          );
          return successMessage('CreateItemResponseMessage', '<m:Items/>');
        }
        default:
          throw new EwsError(
            'ErrorInvalidRequest',
            `The sandbox does not create ${itemEl.name} items; use Contact, CalendarItem, Task or Message.`,
          );
      }
    } catch (error) {
      return errorMessage('CreateItemResponseMessage', storeErrorToEws(error), '<m:Items/>');
    }
  });
  return operationResponse('CreateItem', messages);
}

function success(item: AnyItem): string {
  return successMessage('CreateItemResponseMessage', el('m:Items', null, idXml(item)));
}
