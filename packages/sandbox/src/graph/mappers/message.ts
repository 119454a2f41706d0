// message ⇄ MessageData, and the fileAttachment view of an Attachment.
import { randomBytes } from 'node:crypto';
import {
  conversationIdOf,
  conversationIndexOf,
  internetHeadersOf,
  uniqueBodyOf,
} from '../../mail/conversation.ts';
import type {
  Attachment,
  EmailAddress,
  Importance,
  Item,
  MeetingMessageInfo,
  MessageData,
} from '../../model.ts';
import { toDateTimeTimeZone } from '../time.ts';
import {
  bodyFromGraph,
  bodyToGraph,
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
  recipients,
  recipientsFromGraph,
  rejectUnknown,
} from './common.ts';
import { EXTENDED_KEYS, extendedPatch, withStoredExtended } from './extended.ts';

const ENTITY = 'message';
const IMPORTANCE: readonly Importance[] = ['low', 'normal', 'high'];
const KNOWN = new Set([
  'id',
  'changeKey',
  'createdDateTime',
  'lastModifiedDateTime',
  'categories',
  'subject',
  'body',
  'bodyPreview',
  'from',
  'sender',
  'toRecipients',
  'ccRecipients',
  'bccRecipients',
  'replyTo',
  'internetMessageId',
  'conversationId',
  'conversationIndex',
  'sentDateTime',
  'receivedDateTime',
  'isRead',
  'isDraft',
  'importance',
  'hasAttachments',
  'attachments',
  'parentFolderId',
  'webLink',
  'flag',
  'inferenceClassification',
  'isDeliveryReceiptRequested',
  'isReadReceiptRequested',
  'internetMessageHeaders',
  'uniqueBody',
  ...EXTENDED_KEYS,
]);

/**
 * `select` names (lower case) what `$select` asked for: `uniqueBody` and
 * `internetMessageHeaders` are returned only when selected, as in Graph.
 */
export function messageToGraph(
  item: Item<'message'>,
  view: { bodyContentType?: 'text' | 'html'; select?: ReadonlySet<string> } = {},
): Json {
  const d = item.data;
  const selected: Json = {};
  if (view.select?.has('uniquebody'))
    selected.uniqueBody = bodyToGraph(uniqueBodyOf(d.body), view.bodyContentType);
  if (view.select?.has('internetmessageheaders'))
    selected.internetMessageHeaders = internetHeadersOf(d, d.sentDateTime ?? item.createdDateTime);
  return withStoredExtended(
    {
      '@odata.etag': etagOf(item.changeKey),
      id: item.id,
      createdDateTime: item.createdDateTime,
      lastModifiedDateTime: item.lastModifiedDateTime,
      changeKey: item.changeKey,
      categories: [...d.categories],
      receivedDateTime: d.receivedDateTime ?? item.createdDateTime,
      sentDateTime: d.sentDateTime ?? null,
      hasAttachments: d.attachments.some((a) => !a.isInline),
      internetMessageId: d.internetMessageId,
      subject: d.subject,
      bodyPreview: preview(d.body),
      importance: d.importance,
      parentFolderId: item.folderId,
      conversationId: conversationIdOf(d),
      conversationIndex: conversationIndexOf(d, d.sentDateTime ?? item.createdDateTime),
      isDeliveryReceiptRequested: false,
      isReadReceiptRequested: false,
      isRead: d.isRead,
      isDraft: d.isDraft,
      webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(item.id)}&exvsurl=1&viewmodel=ReadMessageItem`,
      inferenceClassification: 'focused',
      body: bodyToGraph(d.body, view.bodyContentType),
      sender: recipient(d.sender ?? d.from),
      from: recipient(d.from),
      toRecipients: recipients(d.toRecipients),
      ccRecipients: recipients(d.ccRecipients),
      bccRecipients: recipients(d.bccRecipients),
      replyTo: recipients(d.replyTo),
      flag: { flagStatus: 'notFlagged' },
      ...(d.meeting ? eventMessageProps(d.meeting) : {}),
      ...selected,
    },
    d.extendedProperties,
  );
}

const MEETING_MESSAGE_TYPE: Record<MeetingMessageInfo['type'], string> = {
  request: 'meetingRequest',
  cancellation: 'meetingCancelled',
  accepted: 'meetingAccepted',
  // Graph's enum member is spelled this way.
  tentativelyAccepted: 'meetingTenativelyAccepted',
  declined: 'meetingDeclined',
};

/** A meeting message is an eventMessage (Request / Response) with the meeting's time and place. */
function eventMessageProps(m: MeetingMessageInfo): Json {
  const odataType =
    m.type === 'request'
      ? '#microsoft.graph.eventMessageRequest'
      : m.type === 'cancellation'
        ? '#microsoft.graph.eventMessage'
        : '#microsoft.graph.eventMessageResponse';
  const out: Json = {
    '@odata.type': odataType,
    meetingMessageType: MEETING_MESSAGE_TYPE[m.type],
    type: 'singleInstance',
    isOutOfDate: false,
    isAllDay: m.isAllDay,
    isDelegated: false,
    startDateTime: toDateTimeTimeZone(m.start, 'UTC'),
    endDateTime: toDateTimeTimeZone(m.end, 'UTC'),
    location: m.location
      ? { displayName: m.location, locationType: 'default', uniqueIdType: 'unknown' }
      : { displayName: '', locationType: 'default', uniqueIdType: 'unknown' },
  };
  if (m.type === 'request') {
    out.meetingRequestType = m.requestType ?? 'newMeetingRequest';
    out.responseRequested = m.responseRequested ?? true;
    out.allowNewTimeProposals = true;
  } else if (m.type !== 'cancellation') {
    out.responseType = m.type;
  }
  return out;
}

export function attachmentToGraph(a: Attachment, lastModifiedDateTime: string, withContent = true): Json {
  const out: Json = {
    '@odata.type': '#microsoft.graph.fileAttachment',
    '@odata.mediaContentType': a.contentType,
    id: a.id,
    lastModifiedDateTime,
    name: a.name,
    contentType: a.contentType,
    size: a.size,
    isInline: a.isInline,
    contentId: a.contentId ?? null,
    contentLocation: null,
  };
  if (withContent) out.contentBytes = a.contentBytes;
  return out;
}

export function attachmentFromGraph(json: Json): Attachment {
  const type = json['@odata.type'];
  if (type !== undefined && String(type).toLowerCase() !== '#microsoft.graph.fileattachment') {
    throw invalidProperty(
      'attachment',
      '@odata.type',
      '#microsoft.graph.fileAttachment (other kinds are not supported)',
    );
  }
  const name = optString(json, 'name', 'fileAttachment');
  const contentBytes = optString(json, 'contentBytes', 'fileAttachment');
  if (!name || typeof contentBytes !== 'string')
    throw invalidProperty('fileAttachment', 'contentBytes', 'a name and base64 contentBytes');
  const bytes = Buffer.from(contentBytes, 'base64');
  const a: Attachment = {
    id: 'AAMkA' + randomBytes(30).toString('base64url'),
    name,
    contentType: optString(json, 'contentType', 'fileAttachment') ?? 'application/octet-stream',
    size: bytes.length,
    isInline: optBoolean(json, 'isInline', 'fileAttachment') ?? false,
    contentBytes: bytes.toString('base64'),
  };
  const contentId = optString(json, 'contentId', 'fileAttachment');
  if (contentId) a.contentId = contentId;
  return a;
}

/** `current` is the message a PATCH changes (its extended properties are added to, not replaced). */
export function messagePatchFromGraph(json: Json, current?: MessageData): Partial<MessageData> {
  rejectUnknown(json, KNOWN, ENTITY);
  const patch: Partial<MessageData> = {};
  const subject = optString(json, 'subject', ENTITY);
  if (subject !== undefined) patch.subject = subject ?? '';
  if ('body' in json) patch.body = bodyFromGraph(json.body, ENTITY) ?? { contentType: 'text', content: '' };
  if ('from' in json) patch.from = recipientFromGraph(json.from, ENTITY, 'from');
  if ('sender' in json) patch.sender = recipientFromGraph(json.sender, ENTITY, 'sender');
  for (const key of ['toRecipients', 'ccRecipients', 'bccRecipients', 'replyTo'] as const) {
    if (key in json) patch[key] = recipientsFromGraph(json[key], ENTITY, key);
  }
  const isRead = optBoolean(json, 'isRead', ENTITY);
  if (isRead !== undefined) patch.isRead = isRead;
  const importance = optEnum(json, 'importance', IMPORTANCE, ENTITY);
  if (importance) patch.importance = importance;
  const categories = optStringArray(json, 'categories', ENTITY);
  if (categories) patch.categories = categories;
  const internetMessageId = optString(json, 'internetMessageId', ENTITY);
  if (internetMessageId) patch.internetMessageId = internetMessageId;
  if ('attachments' in json) {
    if (!Array.isArray(json.attachments))
      throw invalidProperty(ENTITY, 'attachments', 'an array of fileAttachment');
    patch.attachments = json.attachments.map((a) => attachmentFromGraph(a as Json));
  }
  const extended = extendedPatch(json, ENTITY, current?.extendedProperties);
  if (extended) patch.extendedProperties = extended;
  return patch;
}

export function newInternetMessageId(domain: string): string {
  return `<${randomBytes(12).toString('hex').toUpperCase()}@${domain}>`;
}

/** A complete MessageData for a new draft written by `author`. */
export function messageDataFromGraph(json: Json, author: EmailAddress): MessageData {
  const patch = messagePatchFromGraph(json);
  const domain = author.address.split('@')[1] ?? 'sandbox.test';
  const data: MessageData = {
    subject: '',
    body: { contentType: 'text', content: '' },
    from: author,
    sender: author,
    toRecipients: [],
    ccRecipients: [],
    bccRecipients: [],
    replyTo: [],
    internetMessageId: newInternetMessageId(domain),
    isRead: true,
    isDraft: true,
    importance: 'normal',
    categories: [],
    attachments: [],
  };
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) (data as unknown as Json)[k] = v;
  data.conversationId = conversationIdOf(data);
  return data;
}
