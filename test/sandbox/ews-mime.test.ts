// Message properties beyond the basics: MimeContent both ways, TextBody, UniqueBody,
// ConversationId, InternetMessageHeaders, Preview.

import type { Item, Mailbox } from '@exsync/sandbox/model';
import type { RunningSandbox } from '@exsync/sandbox/server';
import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { ewsSandboxForFile } from '../support/ews-sandbox.ts';
import { all, descendant, type EwsTestClient, firstMessage, responseCode } from '../support/ews-soap.ts';

let sb: RunningSandbox;
let ews: EwsTestClient;
let ada: Mailbox;

ewsSandboxForFile((started) => {
  ({ sb, ews, ada } = started);
});

function stored(subject: string, body: { contentType: 'text' | 'html'; content: string }) {
  const inbox = sb.store.distinguishedFolder(ada.id, 'inbox')!;
  return sb.store.createItem(
    ada.id,
    inbox.id,
    'message',
    {
      subject,
      body,
      from: { address: 'grace@example.test', name: 'Grace Hopper' },
      toRecipients: [{ address: 'ada@example.test', name: 'Ada Lovelace' }],
      ccRecipients: [],
      bccRecipients: [],
      replyTo: [],
      internetMessageId: `<${Date.now()}.${subject.length}@example.test>`,
      sentDateTime: '2026-11-20T09:30:00.000Z',
      isRead: false,
      isDraft: false,
      importance: 'normal',
      categories: [],
      attachments: [
        {
          id: 'x1',
          name: 'note.txt',
          contentType: 'text/plain',
          size: 5,
          isInline: false,
          contentBytes: Buffer.from('hello').toString('base64'),
        },
      ],
    },
    'user',
  ) as Item<'message'>;
}

async function getItem(id: string, shape: string) {
  const answer = await ews.call(
    `<m:GetItem>${shape}<m:ItemIds><t:ItemId Id="${id}"/></m:ItemIds></m:GetItem>`,
  );
  const m = firstMessage(answer);
  expect(responseCode(m), answer.text.slice(0, 600)).toBe('NoError');
  return descendant(m, 'Items')!.children[0];
}

describe('message properties', () => {
  it('MS-OXWSCORE_R69, MS-OXWSCORE_R2309, MS-OXWSCORE_R114, MS-OXWSCDATA_R1188: GetItem with IncludeMimeContent returns the message as base64 MIME', async () => {
    const item = stored('Quarterly numbers – draft', {
      contentType: 'html',
      content: '<p>See the <b>numbers</b>.</p>',
    });
    const got = await getItem(
      item.id,
      '<m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:IncludeMimeContent>true</t:IncludeMimeContent></m:ItemShape>',
    );
    const mime = descendant(got, 'MimeContent')!;
    expect(mime.attrs.CharacterSet).toBe('UTF-8');
    const email = await PostalMime.parse(Buffer.from(mime.text, 'base64'));
    expect(email.subject).toBe('Quarterly numbers – draft');
    expect(email.from).toEqual({ name: 'Grace Hopper', address: 'grace@example.test' });
    expect(email.to).toEqual([{ name: 'Ada Lovelace', address: 'ada@example.test' }]);
    expect(email.messageId).toBe(item.data.internetMessageId);
    expect(email.html).toBe('<p>See the <b>numbers</b>.</p>');
    expect(email.attachments.map((a) => a.filename)).toEqual(['note.txt']);
    const plain = await getItem(
      item.id,
      '<m:ItemShape><t:BaseShape>AllProperties</t:BaseShape></m:ItemShape>',
    );
    expect(descendant(plain, 'MimeContent')).toBeUndefined();
  });

  it('MS-OXWSCORE_R88, MS-OXWSCORE_R124, MS-OXWSCORE_R20301, MS-OXWSCORE_R109, MS-OXWSCORE_R2288, MS-OXWSCORE_R1730, MS-OXWSCORE_R1731, MS-OXWSCORE_R2061, MS-OXWSCORE_R110, MS-OXWSCORE_R2290, MS-OXWSCORE_R1681: GetItem returns InternetMessageHeaders, ConversationId, TextBody and UniqueBody', async () => {
    const first = stored('Plans', { contentType: 'html', content: '<p>Original plan</p>' });
    const reply = stored('RE: Plans', {
      contentType: 'html',
      content:
        '<p>Sounds good</p><hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" dir="ltr">From: Grace</div><p>Original plan</p>',
    });
    const shape =
      '<m:ItemShape><t:BaseShape>AllProperties</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="item:TextBody"/><t:FieldURI FieldURI="item:UniqueBody"/></t:AdditionalProperties></m:ItemShape>';
    const a = await getItem(first.id, shape);
    const b = await getItem(reply.id, shape);
    const headers = Object.fromEntries(
      all(b, 'InternetMessageHeader').map((h) => [h.attrs.HeaderName, h.text]),
    );
    expect(headers.Subject).toBe('RE: Plans');
    expect(headers['Message-ID']).toBe(reply.data.internetMessageId);
    expect(headers.From).toContain('grace@example.test');
    expect(descendant(a, 'ConversationId')!.attrs.Id).toBe(descendant(b, 'ConversationId')!.attrs.Id);
    expect(descendant(b, 'TextBody')!.attrs.BodyType).toBe('Text');
    expect(descendant(b, 'TextBody')!.text).toContain('Sounds good');
    expect(descendant(b, 'TextBody')!.text).not.toContain('<p>');
    expect(descendant(b, 'UniqueBody')!.attrs.BodyType).toBe('HTML');
    expect(descendant(b, 'UniqueBody')!.text).toContain('<p>Sounds good</p>');
    expect(descendant(b, 'UniqueBody')!.text).not.toContain('Original plan');
    const all0 = await getItem(
      first.id,
      '<m:ItemShape><t:BaseShape>AllProperties</t:BaseShape></m:ItemShape>',
    );
    expect(descendant(all0, 'TextBody')).toBeUndefined();
    expect(descendant(all0, 'UniqueBody')).toBeUndefined();
  });

  it('MS-OXWSCORE_R2287, MS-OXWSCORE_R2289, MS-OXWSCORE_R1867: answers in the shape of the version asked for: no ConversationId or UniqueBody for Exchange 2007, no TextBody for 2007 and 2010', async () => {
    const item = stored('Versioned', { contentType: 'text', content: 'Shaped by version' });
    const shape =
      '<m:ItemShape><t:BaseShape>AllProperties</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="item:TextBody"/><t:FieldURI FieldURI="item:UniqueBody"/></t:AdditionalProperties></m:ItemShape>';
    const names = async (version: string) => {
      const answer = await ews.call(
        `<m:GetItem>${shape}<m:ItemIds><t:ItemId Id="${item.id}"/></m:ItemIds></m:GetItem>`,
        { version },
      );
      return descendant(firstMessage(answer), 'Items')!.children[0].children.map((c) => c.name);
    };
    const newer = ['ConversationId', 'UniqueBody', 'Preview', 'TextBody'];
    expect((await names('Exchange2007_SP1')).filter((n) => newer.includes(n))).toEqual([]);
    expect((await names('Exchange2010_SP2')).filter((n) => newer.includes(n))).toEqual([
      'ConversationId',
      'UniqueBody',
    ]);
    expect((await names('Exchange2013')).filter((n) => newer.includes(n))).toEqual(newer);
  });

  it('MS-OXWSCORE_R2012, MS-OXWSCORE_R1307: CreateItem builds the message from MimeContent, and the properties beside it win', async () => {
    const raw = [
      'From: "Linus Torvalds" <linus@example.test>',
      'To: "Ada Lovelace" <ada@example.test>, bob@elsewhere.test',
      'Subject: =?utf-8?B?R3LDvMOfZQ==?=',
      'Date: Tue, 17 Nov 2026 08:00:00 +0000',
      'Message-ID: <mime-create-1@example.test>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Hello from MIME',
      '--b1',
      'Content-Type: application/pdf; name="offer.pdf"',
      'Content-Disposition: attachment; filename="offer.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('%PDF-1.4').toString('base64'),
      '--b1--',
      '',
    ].join('\r\n');
    const answer = await ews.call(
      `<m:CreateItem MessageDisposition="SaveOnly"><m:SavedItemFolderId><t:DistinguishedFolderId Id="drafts"/></m:SavedItemFolderId><m:Items><t:Message><t:MimeContent CharacterSet="UTF-8">${Buffer.from(raw).toString('base64')}</t:MimeContent><t:Importance>High</t:Importance></t:Message></m:Items></m:CreateItem>`,
    );
    const m = firstMessage(answer);
    expect(responseCode(m), answer.text).toBe('NoError');
    const created = sb.store.item(
      ada.id,
      descendant(m, 'Items', 'Message', 'ItemId')!.attrs.Id,
    ) as Item<'message'>;
    expect(created.data.subject).toBe('Grüße');
    expect(created.data.from).toEqual({ address: 'linus@example.test', name: 'Linus Torvalds' });
    expect(created.data.toRecipients.map((r) => r.address)).toEqual([
      'ada@example.test',
      'bob@elsewhere.test',
    ]);
    expect(created.data.body.contentType).toBe('text');
    expect(created.data.body.content.trim()).toBe('Hello from MIME');
    expect(created.data.internetMessageId).toBe('<mime-create-1@example.test>');
    expect(
      created.data.attachments.map((a) => [
        a.name,
        a.contentType,
        Buffer.from(a.contentBytes, 'base64').toString(),
      ]),
    ).toEqual([['offer.pdf', 'application/pdf', '%PDF-1.4']]);
    expect(created.data.importance).toBe('high');
    const broken = await ews.call(
      '<m:CreateItem MessageDisposition="SaveOnly"><m:Items><t:Message><t:MimeContent CharacterSet="UTF-8"></t:MimeContent></t:Message></m:Items></m:CreateItem>',
    );
    expect(responseCode(firstMessage(broken))).toBe('ErrorMimeContentConversionFailed');
  });

  it('MS-OXWSCORE_R2060, MS-OXWSCORE_R2356: TextBody is read-only; CreateItem with it answers ErrorInvalidPropertySet', async () => {
    const answer = await ews.call(
      '<m:CreateItem MessageDisposition="SaveOnly"><m:Items><t:Message><t:Subject>x</t:Subject><t:TextBody BodyType="Text">nope</t:TextBody></t:Message></m:Items></m:CreateItem>',
      { record: false },
    );
    expect(responseCode(firstMessage(answer))).toBe('ErrorInvalidPropertySet');
  });
});
