import type { AttachmentInfo, NeutralMessage } from '../../types.ts';
import { bodyFromGraph, bodyToGraph, emailFromGraph, recipientToGraph } from './common.ts';
import { arrayOrEmpty, bool, compact, type Json, nonEmptyString, num, objectOrEmpty } from './json.ts';

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
  arrayOrEmpty(v)
    .map(emailFromGraph)
    .filter((e) => e !== undefined);

export function messageFromGraph(json: Json): NeutralMessage {
  const attachments: AttachmentInfo[] = arrayOrEmpty(json.attachments).map((a) => {
    const x = objectOrEmpty(a);
    return compact({
      id: nonEmptyString(x.id) ?? '',
      name: nonEmptyString(x.name) ?? '',
      contentType: nonEmptyString(x.contentType),
      size: num(x.size),
      isInline: bool(x.isInline),
    });
  });
  return compact({
    subject: nonEmptyString(json.subject) ?? '',
    body: bodyFromGraph(json.body),
    from: emailFromGraph(json.from),
    to: recipients(json.toRecipients),
    cc: recipients(json.ccRecipients),
    bcc: recipients(json.bccRecipients),
    sentAt: nonEmptyString(json.sentDateTime),
    receivedAt: nonEmptyString(json.receivedDateTime),
    internetMessageId: nonEmptyString(json.internetMessageId),
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
