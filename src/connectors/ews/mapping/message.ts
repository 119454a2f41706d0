import { compact } from '../../graph/mapping/json.ts';
import type { AttachmentInfo, EmailAddress, NeutralMessage } from '../../types.ts';
import { attr, child, children, el, leaf, text, type XNode } from '../xml.ts';
import {
  bodyFromEws,
  bodyToEws,
  boolText,
  type FieldChange,
  isoInstant,
  mailboxFromEws,
  mailboxToEws,
} from './common.ts';

const recipients = (n: XNode, tag: string): EmailAddress[] =>
  children(child(n, tag), 'Mailbox')
    .map((m) => mailboxFromEws(m))
    .filter((m): m is EmailAddress => m !== undefined);

export function messageFromEws(n: XNode): NeutralMessage {
  const box = child(n, 'Attachments');
  const attachments: AttachmentInfo[] = ['FileAttachment', 'ItemAttachment'].flatMap((tag) =>
    children(box, tag).map((a) =>
      compact({
        id: attr(child(a, 'AttachmentId'), 'Id') ?? '',
        name: text(a, 'Name') ?? '',
        contentType: text(a, 'ContentType'),
        size: text(a, 'Size') ? Number(text(a, 'Size')) : undefined,
        isInline: boolText(text(a, 'IsInline')),
      }),
    ),
  );
  return compact({
    subject: text(n, 'Subject') ?? '',
    body: bodyFromEws(n),
    from: mailboxFromEws(child(n, 'From')),
    to: recipients(n, 'ToRecipients'),
    cc: recipients(n, 'CcRecipients'),
    bcc: recipients(n, 'BccRecipients'),
    sentAt: isoInstant(text(n, 'DateTimeSent')),
    receivedAt: isoInstant(text(n, 'DateTimeReceived')),
    internetMessageId: text(n, 'InternetMessageId'),
    isRead: boolText(text(n, 'IsRead')),
    isDraft: boolText(text(n, 'IsDraft')),
    attachments,
  });
}

const list = (tag: string, l: EmailAddress[]) => (l.length ? el(tag, null, l.map(mailboxToEws)) : '');

export function messageToEws(m: NeutralMessage): string {
  return el(
    't:Message',
    null,
    leaf('t:Subject', m.subject),
    bodyToEws(m.body),
    list('t:ToRecipients', m.to),
    list('t:CcRecipients', m.cc),
    list('t:BccRecipients', m.bcc),
    leaf('t:IsRead', m.isRead),
  );
}

export function messageChanges(m: NeutralMessage): FieldChange[] {
  return [
    { uri: 'item:Subject', xml: leaf('t:Subject', m.subject) },
    ...(m.isRead === undefined ? [] : [{ uri: 'message:IsRead', xml: leaf('t:IsRead', m.isRead) }]),
  ];
}
