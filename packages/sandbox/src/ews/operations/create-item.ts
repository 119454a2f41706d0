// CreateItem: contacts, calendar items (with invitations), tasks, messages (saved and/or sent).

import type { AnyItem, ContactData, EventData, Item, Mailbox, MessageData, TaskData } from '../../model.ts';
import { EwsError, EwsFault } from '../errors.ts';
import { readCalendarItem } from '../mapping/calendar.ts';
import { emptyContact, readContact } from '../mapping/contact.ts';
import { readExtendedProperties } from '../mapping/extended.ts';
import { itemElementName } from '../mapping/item.ts';
import { readMessage } from '../mapping/message.ts';
import { readMime } from '../mapping/mime.ts';
import { normaliseTask, readTask } from '../mapping/task.ts';
import { errorMessage, operationResponse, successMessage } from '../responses.ts';
import { childElement, childText, type XElement } from '../xml/parse.ts';
import { el } from '../xml/write.ts';
import { nowIso, type OperationContext, requiredList, resolveFolder, storeErrorToEws } from './context.ts';
import {
  CREATE_OR_DELETE_MODES,
  cancelWithResponseObject,
  checkMode,
  inviteOnCreate,
  respondWithResponseObject,
} from './meetings.ts';

/** ItemType elements the server sets; a request that sets one gets ErrorInvalidPropertySet. */
export const READ_ONLY_ITEM_ELEMENTS = new Set([
  'ItemId',
  'ParentFolderId',
  'DateTimeReceived',
  'Size',
  'DateTimeCreated',
  'DisplayTo',
  'DisplayCc',
  'EffectiveRights',
  'LastModifiedName',
  'LastModifiedTime',
  'WebClientReadFormQueryString',
  'WebClientEditFormQueryString',
  'InstanceKey',
  'NormalizedBody',
  'Preview',
  'RightsManagementLicenseData',
  'BlockStatus',
  'TextBody',
  'IconIndex',
]);

const MESSAGE_DISPOSITIONS = ['SaveOnly', 'SendOnly', 'SendAndSaveCopy'];

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

export async function createItem(op: OperationContext, request: XElement): Promise<string> {
  const disposition = request.attrs.MessageDisposition;
  if (disposition !== undefined && !MESSAGE_DISPOSITIONS.includes(disposition)) {
    throw new EwsFault(
      'ErrorSchemaValidation',
      `The request failed schema validation: MessageDisposition "${disposition}" is not valid.`,
    );
  }
  const invitations = checkMode(
    'SendMeetingInvitations',
    request.attrs.SendMeetingInvitations,
    CREATE_OR_DELETE_MODES,
  );
  const saved = childElement(request, 'SavedItemFolderId');
  const store = op.sandbox.store;
  const items = requiredList(request, 'Items');
  // MIME is parsed first (the parser is asynchronous); its fields are the message's, and the
  // properties given beside it win, as when Exchange applies them after the MIME.
  const fromMime = new Map<XElement, Partial<MessageData> | EwsError>();
  for (const itemEl of items) {
    const mime = itemEl.name === 'Message' ? childText(itemEl, 'MimeContent') : undefined;
    if (mime === undefined) continue;
    fromMime.set(itemEl, await readMime(mime).catch((error: unknown) => storeErrorToEws(error)));
  }
  const messages = items.map((itemEl) => {
    try {
      const mimeFields = fromMime.get(itemEl);
      if (mimeFields instanceof EwsError) throw mimeFields;
      const readOnly = itemEl.children.find((c) => READ_ONLY_ITEM_ELEMENTS.has(c.name));
      if (readOnly) {
        throw new EwsError(
          'ErrorInvalidPropertySet',
          `${readOnly.name} is read-only: the server sets it. Leave it out.`,
        );
      }
      const extended = readExtendedProperties(itemEl);
      const ext = extended.length > 0 ? { extendedProperties: extended } : {};
      switch (itemEl.name) {
        case 'Contact': {
          const data: ContactData = { ...emptyContact(), ...readContact(itemEl), ...ext };
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
          const data = newEvent(op, { ...readCalendarItem(itemEl, op.timeZone), ...ext });
          data.meetingRequestWasSent = data.attendees.length > 0 && invitations !== 'SendToNone';
          const { mailbox, folderId } = targetFolder(op, saved, 'calendar');
          const created = store.createItem(mailbox.id, folderId, 'event', data, 'ews');
          if (created.kind === 'event') inviteOnCreate(op, created as Item<'event'>, invitations);
          return success(created);
        }
        case 'Task': {
          const { mailbox, folderId } = targetFolder(op, saved, 'tasks');
          return success(
            store.createItem(
              mailbox.id,
              folderId,
              'task',
              newTask(op, { ...readTask(itemEl, op.timeZone), ...ext }),
              'ews',
            ),
          );
        }
        case 'Message': {
          if (disposition === undefined) {
            throw new EwsError(
              'ErrorMessageDispositionRequired',
              'Creating a message needs the MessageDisposition attribute (SaveOnly, SendOnly or SendAndSaveCopy).',
            );
          }
          const data = newMessage(op, { ...mimeFields, ...readMessage(itemEl, op.timeZone), ...ext });
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
        case 'ReplyToItem':
        case 'ReplyAllToItem':
        case 'ForwardItem': {
          if (disposition === undefined) {
            throw new EwsError(
              'ErrorMessageDispositionRequired',
              'Replying or forwarding needs the MessageDisposition attribute (SaveOnly, SendOnly or SendAndSaveCopy).',
            );
          }
          const data = newMessage(op, { ...smartResponse(op, itemEl), ...ext });
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
        case 'AcceptItem':
        case 'TentativelyAcceptItem':
        case 'DeclineItem': {
          const kept = respondWithResponseObject(op, itemEl, disposition);
          return successMessage('CreateItemResponseMessage', el('m:Items', null, kept ? idXml(kept) : ''));
        }
        case 'CancelCalendarItem':
          cancelWithResponseObject(op, itemEl, disposition);
          return successMessage('CreateItemResponseMessage', '<m:Items/>');
        default:
          throw new EwsError(
            'ErrorInvalidRequest',
            `The sandbox does not create ${itemEl.name} items; use Contact, CalendarItem, Task, Message, ReplyToItem, ReplyAllToItem, ForwardItem, AcceptItem, TentativelyAcceptItem, DeclineItem or CancelCalendarItem.`,
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

const PREFIX = { ReplyToItem: 'RE: ', ReplyAllToItem: 'RE: ', ForwardItem: 'FW: ' } as const;

/**
 * A reply or forward as Exchange builds it from ReplyToItem, ReplyAllToItem or ForwardItem: the
 * referenced message's subject with RE:/FW:, its sender (and for reply-all its other recipients)
 * as recipients, NewBodyContent above the quoted original, and for a forward its attachments.
 */
function smartResponse(op: OperationContext, request: XElement): Partial<MessageData> {
  const kind = request.name as keyof typeof PREFIX;
  const ref = childElement(request, 'ReferenceItemId');
  const original = ref ? op.sandbox.store.item(op.mailbox.id, ref.attrs.Id ?? '') : undefined;
  if (!original) throw new EwsError('ErrorItemNotFound', 'The item named by ReferenceItemId was not found.');
  if (original.kind !== 'message') {
    throw new EwsError(
      'ErrorInvalidReferenceItem',
      'Replies and forwards need a message as ReferenceItemId.',
    );
  }
  const o = original.data;
  const given = readMessage(request, op.timeZone);
  const self = op.mailbox.address.toLowerCase();
  const notSelf = (r: { address: string }) => r.address.toLowerCase() !== self;
  const sender = o.replyTo.length > 0 ? o.replyTo : o.from ? [o.from] : [];
  let to = given.toRecipients ?? [];
  let cc = given.ccRecipients ?? [];
  if (kind !== 'ForwardItem') to = [...sender, ...to];
  if (kind === 'ReplyAllToItem') {
    to = [...to, ...o.toRecipients.filter(notSelf)];
    cc = [...o.ccRecipients.filter(notSelf), ...cc];
  }
  const newBody = childElement(request, 'NewBodyContent');
  const html = (newBody?.attrs.BodyType ?? 'Text') === 'HTML' || o.body.contentType === 'html';
  const header = [
    `From: ${o.from?.name ?? o.from?.address ?? ''}`,
    o.sentDateTime ? `Sent: ${o.sentDateTime}` : '',
    `To: ${o.toRecipients.map((r) => r.name ?? r.address).join('; ')}`,
    `Subject: ${o.subject}`,
  ].filter(Boolean);
  const added = newBody?.text ?? '';
  const content = html
    ? `${added}<hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" dir="ltr">${header.map((h) => `${escHtml(h)}<br>`).join('')}</div>${o.body.contentType === 'html' ? o.body.content : `<pre>${escHtml(o.body.content)}</pre>`}`
    : `${added}\r\n\r\n-----Original Message-----\r\n${header.join('\r\n')}\r\n\r\n${o.body.content}`;
  const subject =
    given.subject ??
    (new RegExp(`^${PREFIX[kind].trim()}`, 'i').test(o.subject) ? o.subject : PREFIX[kind] + o.subject);
  return {
    ...given,
    subject,
    toRecipients: to,
    ccRecipients: cc,
    body: { contentType: html ? 'html' : 'text', content },
    conversationId: o.conversationId,
    attachments: kind === 'ForwardItem' ? o.attachments : (given.attachments ?? []),
  };
}

function escHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}
