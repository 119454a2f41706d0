// Properties every EWS item carries (ItemType), in schema order.

import type { Attachment, Body, ExtendedProperty, Importance, Sensitivity } from '../../model.ts';
import { attachmentId } from '../ids.ts';
import { formatDateTime } from '../time/datetime.ts';
import { el, leaf } from '../xml/write.ts';
import { bodyXml, categoriesXml, importanceXml, sensitivityXml, type WriteOptions } from './common.ts';
import { extendedXml } from './extended.ts';
import type { Prop } from './shape.ts';

export interface ItemBase {
  id: string;
  changeKey: string;
  folderId: string;
  itemClass: string;
  subject?: string;
  sensitivity?: Sensitivity;
  body?: Body;
  attachments?: Attachment[];
  extendedProperties?: ExtendedProperty[];
  /** The item as MIME, for IncludeMimeContent (messages). */
  mime?: () => string;
  /** Internet headers (messages). */
  headers?: Array<[string, string]>;
  /** The part of the body new in this message (messages; the whole body when it quotes nothing). */
  uniqueBody?: Body;
  dateTimeReceived?: string;
  size?: number;
  categories: string[];
  importance?: Importance;
  isDraft?: boolean;
  isFromMe?: boolean;
  dateTimeSent?: string;
  dateTimeCreated: string;
  reminderDueBy?: string;
  reminderIsSet?: boolean;
  reminderMinutesBeforeStart?: number;
  displayCc?: string;
  displayTo?: string;
  lastModifiedTime: string;
  conversationId?: string;
}

export function attachmentsXml(itemId: string, attachments: Attachment[], withContent = false): string {
  return el(
    't:Attachments',
    null,
    ...attachments.map((a) =>
      el(
        't:FileAttachment',
        null,
        el('t:AttachmentId', { Id: attachmentId(itemId, a.id) }),
        leaf('t:Name', a.name),
        leaf('t:ContentType', a.contentType),
        leaf('t:ContentId', a.contentId),
        leaf('t:Size', a.size),
        leaf('t:IsInline', a.isInline),
        leaf('t:IsContactPhoto', false),
        withContent ? leaf('t:Content', a.contentBytes) : '',
      ),
    ),
  );
}

export function itemBaseProps(b: ItemBase, o: WriteOptions): { head: Prop[]; tail: Prop[] } {
  const dt = (v: string | undefined) => (v === undefined ? undefined : formatDateTime(v, o.precision));
  const head: Prop[] = [
    {
      uri: 'item:MimeContent',
      xml:
        o.includeMimeContent && b.mime
          ? leaf('t:MimeContent', Buffer.from(b.mime(), 'utf8').toString('base64'), { CharacterSet: 'UTF-8' })
          : '',
      extended: true,
    },
    { uri: 'item:ItemId', xml: el('t:ItemId', { Id: b.id, ChangeKey: b.changeKey }), dflt: true },
    { uri: 'item:ParentFolderId', xml: el('t:ParentFolderId', { Id: b.folderId }), dflt: true },
    { uri: 'item:ItemClass', xml: leaf('t:ItemClass', b.itemClass), dflt: true },
    { uri: 'item:Subject', xml: leaf('t:Subject', b.subject ?? ''), dflt: true },
    { uri: 'item:Sensitivity', xml: b.sensitivity ? sensitivityXml(b.sensitivity) : '', dflt: true },
    { uri: 'item:Body', xml: bodyXml(b.body, o.bodyType, 't:Body', o.filterHtml), dflt: true },
    {
      uri: 'item:Attachments',
      xml: b.attachments && b.attachments.length > 0 ? attachmentsXml(b.id, b.attachments) : '',
      dflt: true,
    },
    {
      uri: 'item:DateTimeReceived',
      xml: leaf('t:DateTimeReceived', dt(b.dateTimeReceived ?? b.dateTimeCreated)),
      dflt: true,
    },
    { uri: 'item:Size', xml: leaf('t:Size', b.size ?? estimateSize(b)), dflt: true },
    { uri: 'item:Categories', xml: categoriesXml(b.categories), dflt: true },
    { uri: 'item:Importance', xml: importanceXml(b.importance ?? 'normal'), dflt: true },
    { uri: 'item:IsSubmitted', xml: leaf('t:IsSubmitted', false) },
    { uri: 'item:IsDraft', xml: leaf('t:IsDraft', b.isDraft ?? false), dflt: true },
    { uri: 'item:IsFromMe', xml: leaf('t:IsFromMe', b.isFromMe ?? false) },
    { uri: 'item:IsResend', xml: leaf('t:IsResend', false) },
    { uri: 'item:IsUnmodified', xml: leaf('t:IsUnmodified', false) },
    {
      uri: 'item:InternetMessageHeaders',
      xml: b.headers
        ? el(
            't:InternetMessageHeaders',
            null,
            ...b.headers.map(([name, value]) => leaf('t:InternetMessageHeader', value, { HeaderName: name })),
          )
        : '',
    },
    {
      uri: 'item:DateTimeSent',
      xml: leaf('t:DateTimeSent', dt(b.dateTimeSent ?? b.dateTimeCreated)),
      dflt: true,
    },
    { uri: 'item:DateTimeCreated', xml: leaf('t:DateTimeCreated', dt(b.dateTimeCreated)), dflt: true },
    { uri: 'item:ReminderDueBy', xml: leaf('t:ReminderDueBy', dt(b.reminderDueBy)) },
    { uri: 'item:ReminderIsSet', xml: leaf('t:ReminderIsSet', b.reminderIsSet ?? false), dflt: true },
    {
      uri: 'item:ReminderMinutesBeforeStart',
      xml: leaf('t:ReminderMinutesBeforeStart', b.reminderMinutesBeforeStart ?? 0),
      dflt: true,
    },
    { uri: 'item:DisplayCc', xml: leaf('t:DisplayCc', b.displayCc ?? ''), dflt: true },
    { uri: 'item:DisplayTo', xml: leaf('t:DisplayTo', b.displayTo ?? ''), dflt: true },
    {
      uri: 'item:HasAttachments',
      xml: leaf('t:HasAttachments', (b.attachments?.length ?? 0) > 0),
      dflt: true,
    },
    // Extended properties only come back when the shape names them (never with AllProperties).
    { uri: 'item:ExtendedProperty', xml: extendedXml(b.extendedProperties, o.extended), extended: true },
    { uri: 'item:Culture', xml: leaf('t:Culture', 'en-US'), dflt: true },
  ];
  const tail: Prop[] = [
    { uri: 'item:LastModifiedTime', xml: leaf('t:LastModifiedTime', dt(b.lastModifiedTime)), dflt: true },
    { uri: 'item:IsAssociated', xml: leaf('t:IsAssociated', false) },
    {
      uri: 'item:ConversationId',
      xml: b.conversationId ? el('t:ConversationId', { Id: b.conversationId }) : '',
    },
    {
      uri: 'item:UniqueBody',
      xml: b.uniqueBody ? bodyXml(b.uniqueBody, o.bodyType, 't:UniqueBody', o.filterHtml) : '',
      explicit: true,
    },
    {
      uri: 'item:Preview',
      xml: b.body ? leaf('t:Preview', previewOf(b.body)) : '',
    },
    {
      uri: 'item:TextBody',
      xml: b.body ? leaf('t:TextBody', textOf(b.body), { BodyType: 'Text' }) : '',
      explicit: true,
    },
  ];
  return { head, tail };
}

function estimateSize(b: ItemBase): number {
  return 256 + (b.subject?.length ?? 0) + (b.body?.content.length ?? 0);
}

/** `Name; Name` as Exchange writes DisplayTo. */
export function displayList(names: Array<{ name?: string; address: string }>): string {
  return names.map((n) => n.name ?? n.address).join('; ');
}

/** The body as plain text (EWS TextBody): HTML with its tags taken out. */
export function textOf(body: Body): string {
  if (body.contentType === 'text') return body.content;
  return body.content
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<br\s*\/?>|<\/(p|div|li|tr|h\d)>/gi, '\r\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .trim();
}

/** The first 255 characters of the text, as Exchange's Preview. */
function previewOf(body: Body): string {
  return textOf(body).replace(/\s+/g, ' ').slice(0, 255);
}
