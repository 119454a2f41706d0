// MIME for messages (EWS MimeContent): written from the stored message when a client asks for
// it, and read with postal-mime when a client creates a message from MIME. The writer is small
// and synchronous because it runs inside the item mappers; parsing real-world MIME is left to a
// maintained parser.

import { createHash } from 'node:crypto';
import PostalMime, { type Address, type Email, type Mailbox } from 'postal-mime';
import type { Attachment, EmailAddress, Item, MessageData } from '../../model.ts';
import { EwsError } from '../errors.ts';

function encodeWord(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: printable ASCII goes through as it is
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?utf-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

function addressList(list: EmailAddress[]): string {
  return list
    .map((a) => (a.name ? `${JSON.stringify(encodeWord(a.name))} <${a.address}>` : `<${a.address}>`))
    .join(', ');
}

function base64Lines(data: Buffer | string): string {
  const b64 = Buffer.isBuffer(data) ? data.toString('base64') : data.replace(/\s+/g, '');
  return (b64.match(/.{1,76}/g) ?? ['']).join('\r\n');
}

/** RFC 5322 date, as Exchange writes the Date header (UTC). */
function mailDate(iso: string): string {
  return new Date(iso).toUTCString().replace('GMT', '+0000');
}

/** The top-level headers of the message's MIME, in order. */
function messageHeaders(item: Item<'message'>): Array<[string, string]> {
  const m = item.data;
  const headers: Array<[string, string]> = [];
  if (m.from) headers.push(['From', addressList([m.from])]);
  if (m.sender && m.sender.address !== m.from?.address) headers.push(['Sender', addressList([m.sender])]);
  if (m.toRecipients.length) headers.push(['To', addressList(m.toRecipients)]);
  if (m.ccRecipients.length) headers.push(['CC', addressList(m.ccRecipients)]);
  if (m.replyTo.length) headers.push(['Reply-To', addressList(m.replyTo)]);
  headers.push(['Subject', encodeWord(m.subject)]);
  headers.push(['Thread-Topic', encodeWord(m.subject.replace(/^((re|fw|fwd)\s*:\s*)+/i, ''))]);
  headers.push(['Date', mailDate(m.sentDateTime ?? item.createdDateTime)]);
  headers.push(['Message-ID', m.internetMessageId]);
  if (m.importance !== 'normal') headers.push(['Importance', m.importance]);
  headers.push(['Content-Language', 'en-US']);
  headers.push(['MIME-Version', '1.0']);
  return headers;
}

function bodyPart(m: MessageData): string {
  const type = m.body.contentType === 'html' ? 'text/html' : 'text/plain';
  return (
    `Content-Type: ${type}; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n` +
    `${base64Lines(Buffer.from(m.body.content, 'utf8'))}\r\n`
  );
}

function attachmentPart(a: Attachment): string {
  const name = encodeWord(a.name);
  return (
    `Content-Type: ${a.contentType}; name="${name}"\r\n` +
    `Content-Disposition: ${a.isInline ? 'inline' : 'attachment'}; filename="${name}"\r\n` +
    (a.contentId ? `Content-ID: <${a.contentId}>\r\n` : '') +
    `Content-Transfer-Encoding: base64\r\n\r\n${base64Lines(a.contentBytes)}\r\n`
  );
}

/** The message as RFC 5322 MIME (bytes as UTF-8 text). */
export function messageMime(item: Item<'message'>): string {
  const m = item.data;
  const head = messageHeaders(item)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  if (m.attachments.length === 0) return head + bodyPart(m);
  const boundary = `_exsync_${createHash('sha1')
    .update(item.id + item.changeKey)
    .digest('hex')
    .slice(0, 24)}_`;
  return (
    head +
    `Content-Type: multipart/mixed; boundary="${boundary}"\r\n\r\n` +
    [bodyPart(m), ...m.attachments.map(attachmentPart)].map((p) => `--${boundary}\r\n${p}`).join('') +
    `--${boundary}--\r\n`
  );
}

function addresses(list: Address[] | undefined): EmailAddress[] {
  const out: EmailAddress[] = [];
  for (const a of list ?? []) {
    const members = a.group ?? [a as Mailbox];
    for (const m of members)
      if (m.address) out.push(m.name ? { address: m.address, name: m.name } : { address: m.address });
  }
  return out;
}

/** A message's fields from base64 MIME (CreateItem with MimeContent). */
export async function readMime(base64: string): Promise<Partial<MessageData>> {
  let email: Email;
  try {
    const raw = Buffer.from(base64.replace(/\s+/g, ''), 'base64');
    if (raw.length === 0) throw new Error('empty');
    email = await PostalMime.parse(raw, { attachmentEncoding: 'base64' });
  } catch {
    throw new EwsError(
      'ErrorMimeContentConversionFailed',
      'The MimeContent could not be read as an RFC 5322 message.',
    );
  }
  const out: Partial<MessageData> = {
    subject: email.subject ?? '',
    body:
      email.html !== undefined
        ? { contentType: 'html', content: email.html }
        : { contentType: 'text', content: email.text ?? '' },
    toRecipients: addresses(email.to),
    ccRecipients: addresses(email.cc),
    bccRecipients: addresses(email.bcc),
    replyTo: addresses(email.replyTo),
    attachments: email.attachments.map((a, i) => {
      const content =
        typeof a.content === 'string' ? a.content : Buffer.from(a.content as ArrayBuffer).toString('base64');
      return {
        id: `m${i + 1}`,
        name: a.filename ?? `attachment${i + 1}`,
        contentType: a.mimeType,
        size: Buffer.from(content, 'base64').length,
        isInline: a.disposition === 'inline',
        ...(a.contentId ? { contentId: a.contentId.replace(/^<|>$/g, '') } : {}),
        contentBytes: content,
      };
    }),
  };
  const from = addresses(email.from ? [email.from] : undefined)[0];
  if (from) out.from = from;
  if (email.messageId) out.internetMessageId = email.messageId;
  if (email.date && !Number.isNaN(Date.parse(email.date)))
    out.sentDateTime = new Date(email.date).toISOString();
  return out;
}
