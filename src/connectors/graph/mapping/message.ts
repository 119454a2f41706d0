import type { AttachmentInfo, NeutralMessage } from '../../types.ts';
import { bodyFromGraph, bodyToGraph, emailFromGraph, recipientToGraph } from './common.ts';
import { arr, bool, compact, type Json, num, obj, str } from './json.ts';

export const MESSAGE_SELECT = [
  'subject',
  'body',
  'from',
  'toRecipients',
  'ccRecipients',
  'bccRecipients',
  'sentDateTime',
  'receivedDateTime',
  'internetMessageId',
  'isRead',
  'isDraft',
  'hasAttachments',
  'changeKey',
];

const recipients = (v: unknown) =>
  arr(v)
    .map(emailFromGraph)
    .filter((e) => e !== undefined);

export function messageFromGraph(json: Json): NeutralMessage {
  const attachments: AttachmentInfo[] = arr(json.attachments).map((a) => {
    const x = obj(a);
    return compact({
      id: str(x.id) ?? '',
      name: str(x.name) ?? '',
      contentType: str(x.contentType),
      size: num(x.size),
      isInline: bool(x.isInline),
    });
  });
  return compact({
    subject: str(json.subject) ?? '',
    body: bodyFromGraph(json.body),
    from: emailFromGraph(json.from),
    to: recipients(json.toRecipients),
    cc: recipients(json.ccRecipients),
    bcc: recipients(json.bccRecipients),
    sentAt: str(json.sentDateTime),
    receivedAt: str(json.receivedDateTime),
    internetMessageId: str(json.internetMessageId),
    isRead: bool(json.isRead),
    isDraft: bool(json.isDraft),
    attachments,
  });
}

export function messageToGraph(m: NeutralMessage): Json {
  return compact({
    subject: m.subject,
    body: bodyToGraph(m.body),
    toRecipients: m.to.map(recipientToGraph),
    ccRecipients: m.cc.map(recipientToGraph),
    bccRecipients: m.bcc.map(recipientToGraph),
    isRead: m.isRead,
  });
}
