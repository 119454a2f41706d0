// Messages ⇄ EWS MessageType, with attachment metadata.

import { conversationIdOf, internetHeadersOf, uniqueBodyOf } from '../../mail/conversation.ts';
import type { Attachment, Item, MeetingMessageInfo, MessageData } from '../../model.ts';
import { formatDateTime, parseDateTime, toIso } from '../time/datetime.ts';
import { childElement, childElements, childText, type XElement } from '../xml/parse.ts';
import { leaf } from '../xml/write.ts';
import { showAsXml } from './calendar.ts';
import {
  readBody,
  readBool,
  readCategories,
  readImportance,
  readMailbox,
  readRecipients,
  recipientsXml,
  singleRecipientXml,
  type WriteOptions,
} from './common.ts';
import { displayList, itemBaseProps } from './item-base.ts';
import { messageMime } from './mime.ts';
import type { Prop } from './shape.ts';

export function messageProps(item: Item<'message'>, o: WriteOptions, mailboxAddress?: string): Prop[] {
  const m = item.data;
  const base = itemBaseProps(
    {
      id: item.id,
      changeKey: item.changeKey,
      folderId: item.folderId,
      itemClass: m.meeting ? MEETING_CLASS[m.meeting.type] : 'IPM.Note',
      subject: m.subject,
      sensitivity: 'normal',
      body: m.body,
      attachments: m.attachments,
      dateTimeReceived: m.receivedDateTime,
      categories: m.categories,
      extendedProperties: m.extendedProperties,
      mime: () => messageMime(item),
      headers: internetHeadersOf(m, m.sentDateTime ?? item.createdDateTime).map((h) => [h.name, h.value]),
      uniqueBody: uniqueBodyOf(m.body),
      importance: m.importance,
      isDraft: m.isDraft,
      isFromMe:
        mailboxAddress !== undefined && m.from?.address.toLowerCase() === mailboxAddress.toLowerCase(),
      dateTimeSent: m.sentDateTime,
      dateTimeCreated: item.createdDateTime,
      displayTo: displayList(m.toRecipients),
      displayCc: displayList(m.ccRecipients),
      lastModifiedTime: item.lastModifiedDateTime,
      conversationId: conversationIdOf(m),
    },
    o,
  );
  const own: Prop[] = [
    { uri: 'message:Sender', xml: singleRecipientXml('t:Sender', m.sender ?? m.from), dflt: true },
    {
      uri: 'message:ToRecipients',
      xml: m.toRecipients.length ? recipientsXml('t:ToRecipients', m.toRecipients) : '',
      dflt: true,
    },
    {
      uri: 'message:CcRecipients',
      xml: m.ccRecipients.length ? recipientsXml('t:CcRecipients', m.ccRecipients) : '',
      dflt: true,
    },
    {
      uri: 'message:BccRecipients',
      xml: m.bccRecipients.length ? recipientsXml('t:BccRecipients', m.bccRecipients) : '',
      dflt: true,
    },
    { uri: 'message:IsReadReceiptRequested', xml: leaf('t:IsReadReceiptRequested', false), dflt: true },
    {
      uri: 'message:IsDeliveryReceiptRequested',
      xml: leaf('t:IsDeliveryReceiptRequested', false),
      dflt: true,
    },
    { uri: 'message:ConversationTopic', xml: leaf('t:ConversationTopic', m.subject), dflt: true },
    { uri: 'message:From', xml: singleRecipientXml('t:From', m.from), dflt: true },
    { uri: 'message:InternetMessageId', xml: leaf('t:InternetMessageId', m.internetMessageId), dflt: true },
    { uri: 'message:IsRead', xml: leaf('t:IsRead', m.isRead), dflt: true },
    { uri: 'message:ReplyTo', xml: m.replyTo.length ? recipientsXml('t:ReplyTo', m.replyTo) : '' },
  ];
  return [...base.head, ...base.tail, ...own, ...(m.meeting ? meetingProps(m.meeting, o) : [])];
}

/** Exchange's message class for each kind of meeting message. */
const MEETING_CLASS: Record<MeetingMessageInfo['type'], string> = {
  request: 'IPM.Schedule.Meeting.Request',
  cancellation: 'IPM.Schedule.Meeting.Canceled',
  accepted: 'IPM.Schedule.Meeting.Resp.Pos',
  tentativelyAccepted: 'IPM.Schedule.Meeting.Resp.Tent',
  declined: 'IPM.Schedule.Meeting.Resp.Neg',
};
const RESPONSE_TYPE: Partial<Record<MeetingMessageInfo['type'], string>> = {
  accepted: 'Accept',
  tentativelyAccepted: 'Tentative',
  declined: 'Decline',
};
const REQUEST_TYPE: Record<NonNullable<MeetingMessageInfo['requestType']>, string> = {
  newMeetingRequest: 'NewMeetingRequest',
  fullUpdate: 'FullUpdate',
  informationalUpdate: 'InformationalUpdate',
};

/** MeetingMessageType's properties and those of its request, cancellation and response types, in schema order. */
function meetingProps(m: MeetingMessageInfo, o: WriteOptions): Prop[] {
  const dt = (v: string) => formatDateTime(v, o.precision);
  const props: Prop[] = [
    { uri: 'meeting:ResponseType', xml: leaf('t:ResponseType', RESPONSE_TYPE[m.type]), dflt: true },
    { uri: 'calendar:UID', xml: leaf('t:UID', m.iCalUId), dflt: true },
  ];
  if (m.type === 'request') {
    props.push(
      {
        uri: 'meetingRequest:MeetingRequestType',
        xml: leaf('t:MeetingRequestType', REQUEST_TYPE[m.requestType ?? 'newMeetingRequest']),
        dflt: true,
      },
      {
        uri: 'meetingRequest:IntendedFreeBusyStatus',
        xml: m.intendedShowAs ? leaf('t:IntendedFreeBusyStatus', showAsXml(m.intendedShowAs)) : '',
        dflt: true,
      },
    );
  }
  props.push(
    { uri: 'calendar:Start', xml: leaf('t:Start', dt(m.start)), dflt: true },
    { uri: 'calendar:End', xml: leaf('t:End', dt(m.end)), dflt: true },
  );
  if (m.type === 'request') {
    props.push({ uri: 'calendar:IsAllDayEvent', xml: leaf('t:IsAllDayEvent', m.isAllDay), dflt: true });
  }
  props.push({ uri: 'calendar:Location', xml: leaf('t:Location', m.location), dflt: true });
  return props;
}

export function readAttachments(list: XElement | undefined): Attachment[] | undefined {
  if (!list) return undefined;
  return childElements(list, 'FileAttachment').map((a, i) => {
    const content = (childText(a, 'Content') ?? '').replace(/\s+/g, '');
    return {
      id: `a${i + 1}`,
      name: childText(a, 'Name') ?? `attachment${i + 1}`,
      contentType: childText(a, 'ContentType') ?? 'application/octet-stream',
      size: Buffer.from(content, 'base64').length,
      isInline: readBool(childText(a, 'IsInline')) ?? false,
      contentId: childText(a, 'ContentId'),
      contentBytes: content,
    };
  });
}

export function readMessage(message: XElement, contextZone: string | undefined): Partial<MessageData> {
  const out: Partial<MessageData> = {};
  const text = (name: string) => childText(message, name);
  const subject = text('Subject');
  if (subject !== undefined) out.subject = subject;
  const body = readBody(childElement(message, 'Body'));
  if (body) out.body = body;
  const from = readMailbox(childElement(childElement(message, 'From'), 'Mailbox'));
  if (from) out.from = from;
  const sender = readMailbox(childElement(childElement(message, 'Sender'), 'Mailbox'));
  if (sender) out.sender = sender;
  for (const [name, key] of [
    ['ToRecipients', 'toRecipients'],
    ['CcRecipients', 'ccRecipients'],
    ['BccRecipients', 'bccRecipients'],
    ['ReplyTo', 'replyTo'],
  ] as const) {
    const list = childElement(message, name);
    if (list) out[key] = readRecipients(list);
  }
  const isRead = readBool(text('IsRead'));
  if (isRead !== undefined) out.isRead = isRead;
  const importance = readImportance(text('Importance'));
  if (importance) out.importance = importance;
  const categories = readCategories(childElement(message, 'Categories'));
  if (categories) out.categories = categories;
  const id = text('InternetMessageId');
  if (id) out.internetMessageId = id;
  const sent = text('DateTimeSent');
  if (sent) out.sentDateTime = toIso(parseDateTime(sent, contextZone));
  const attachments = readAttachments(childElement(message, 'Attachments'));
  if (attachments) out.attachments = attachments;
  return out;
}

export const MESSAGE_FIELDS: Record<string, Array<keyof MessageData>> = {
  'item:Subject': ['subject'],
  'item:Body': ['body'],
  'item:Categories': ['categories'],
  'item:Importance': ['importance'],
  'message:IsRead': ['isRead'],
  'message:ToRecipients': ['toRecipients'],
  'message:CcRecipients': ['ccRecipients'],
  'message:BccRecipients': ['bccRecipients'],
  'message:ReplyTo': ['replyTo'],
  'message:From': ['from'],
  'message:Sender': ['sender'],
};
