// What Exchange derives from a message for both front ends: the conversation it belongs to
// (ConversationId / conversationId, ConversationIndex / conversationIndex), the part of its body
// that is new in the conversation (UniqueBody / uniqueBody) and its Internet headers. Pure.
import { createHash } from 'node:crypto';
import type { MessageData } from '../model.ts';

/** Reply and forward prefixes Outlook strips to find a conversation's topic. */
const PREFIX = /^\s*(?:re|fw|fwd|aw|wg|sv|vs|tr|rif|antw|doorst)\s*:\s*/i;

export function conversationTopic(subject: string): string {
  let topic = subject;
  for (let m = PREFIX.exec(topic); m; m = PREFIX.exec(topic)) topic = topic.slice(m[0].length);
  return topic.trim();
}

function conversationGuid(topic: string): Buffer {
  return createHash('sha256').update(`conversation:${topic.toLowerCase()}`).digest().subarray(0, 16);
}

/**
 * The message's conversation id: the stored one, or one derived from the conversation topic,
 * so a message, its replies and the copies in other mailboxes share it, as in Exchange.
 */
export function conversationIdOf(data: Pick<MessageData, 'subject' | 'conversationId'>): string {
  if (data.conversationId) return data.conversationId;
  const guid = conversationGuid(conversationTopic(data.subject));
  return 'AAQkA' + Buffer.concat([Buffer.from('conv'), guid]).toString('base64url');
}

/**
 * A conversation index as Outlook writes it (MS-OXOMSG 2.2.1.3): a reserved byte, five bytes of
 * the FILETIME the conversation began, the conversation's GUID; base64.
 */
export function conversationIndexOf(data: Pick<MessageData, 'subject'>, startedAt: string): string {
  const filetime = (BigInt(Date.parse(startedAt)) + 11_644_473_600_000n) * 10_000n;
  const header = Buffer.alloc(6);
  header[0] = 1;
  // The five most significant bytes of the 8-byte FILETIME.
  for (let i = 0; i < 5; i++) header[1 + i] = Number((filetime >> BigInt(56 - 8 * i)) & 0xffn);
  return Buffer.concat([header, conversationGuid(conversationTopic(data.subject))]).toString('base64');
}

// Where a reply or forward quotes what came before: Outlook's separator, the "Original Message"
// line, a "wrote:" attribution followed by quoted lines, or an HTML blockquote.
const HTML_QUOTE =
  /<div[^>]*\bid=["']?(?:divRplyFwdMsg|appendonsend)["']?[^>]*>|<hr[^>]*\bid=["']?stopSpelling|<blockquote\b|-{3,}\s*Original Message\s*-{3,}/i;
const TEXT_QUOTE =
  /^(?:-{3,}\s*Original Message\s*-{3,}|_{10,}\s*$|From: .+$\n(?:^Sent: |^Date: )|On .+ wrote:\s*$\n^>|^>)/im;

/** The part of the body that is new in the conversation, without what it quotes. */
export function uniqueBodyOf(body: MessageData['body']): MessageData['body'] {
  const quote = (body.contentType === 'html' ? HTML_QUOTE : TEXT_QUOTE).exec(body.content);
  if (!quote) return { ...body };
  const content = body.content.slice(0, quote.index).trimEnd();
  return {
    contentType: body.contentType,
    content: body.contentType === 'html' ? `<html><body>${stripOpenTags(content)}</body></html>` : content,
  };
}

function stripOpenTags(html: string): string {
  return html.replace(/^[\s\S]*?<body[^>]*>/i, '');
}

const formatAddress = (a: { address: string; name?: string }) =>
  a.name ? `"${a.name.replace(/"/g, '')}" <${a.address}>` : `<${a.address}>`;

/** The Internet headers of a message as it was sent (`internetMessageHeaders`, EWS `InternetMessageHeaders`). */
export function internetHeadersOf(data: MessageData, date: string): Array<{ name: string; value: string }> {
  const headers: Array<{ name: string; value: string }> = [];
  const add = (name: string, value: string | undefined) => {
    if (value) headers.push({ name, value });
  };
  add('From', data.from ? formatAddress(data.from) : undefined);
  add('To', data.toRecipients.map(formatAddress).join(', '));
  add('CC', data.ccRecipients.map(formatAddress).join(', '));
  add('Subject', data.subject);
  add('Thread-Topic', conversationTopic(data.subject));
  add('Thread-Index', conversationIndexOf(data, date));
  add('Date', new Date(date).toUTCString().replace('GMT', '+0000'));
  add('Message-ID', data.internetMessageId);
  add('Content-Language', 'en-US');
  add('X-MS-Has-Attach', data.attachments.some((a) => !a.isInline) ? 'yes' : '');
  add('MIME-Version', '1.0');
  add(
    'Content-Type',
    data.attachments.length > 0
      ? 'multipart/mixed'
      : `text/${data.body.contentType === 'html' ? 'html' : 'plain'}; charset="utf-8"`,
  );
  return headers;
}
