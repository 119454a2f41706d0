// Operations clients call on their own (ConvertId, GetServerTimeZones, ResolveNames), folder
// writes, CopyItem, MarkAsJunk, attachments, replies and forwards, pull and push subscriptions,
// and the answer to every other operation of the schema.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { UNIMPLEMENTED } from '@exsync/sandbox/ews/operations/unimplemented';
import type { Item, Mailbox } from '@exsync/sandbox/model';
import type { RunningSandbox } from '@exsync/sandbox/server';
import { describe, expect, it } from 'vitest';
import { ewsSandboxForFile } from '../support/ews-sandbox.ts';
import {
  all,
  descendant,
  type EwsTestClient,
  faultCode,
  firstMessage,
  responseCode,
} from '../support/ews-soap.ts';

let sb: RunningSandbox;
let ews: EwsTestClient;
let ada: Mailbox;
let grace: Mailbox;

ewsSandboxForFile((started) => {
  ({ sb, ews, ada, grace } = started);
});

const folderShape = '<m:FolderShape><t:BaseShape>AllProperties</t:BaseShape></m:FolderShape>';
const emptyContact = { emailAddresses: [], phones: {}, addresses: {}, categories: [] };

function message(subject: string, extra: Record<string, unknown> = {}) {
  const inbox = sb.store.distinguishedFolder(ada.id, 'inbox')!;
  return sb.store.createItem(
    ada.id,
    inbox.id,
    'message',
    {
      subject,
      body: { contentType: 'text', content: `Body of ${subject}` },
      from: { address: 'grace@example.test', name: 'Grace Hopper' },
      toRecipients: [
        { address: 'ada@example.test', name: 'Ada Lovelace' },
        { address: 'linus@example.test' },
      ],
      ccRecipients: [{ address: 'someone@elsewhere.test' }],
      bccRecipients: [],
      replyTo: [],
      internetMessageId: `<${subject.replace(/\W/g, '')}@example.test>`,
      isRead: false,
      isDraft: false,
      importance: 'normal',
      categories: [],
      attachments: [],
      ...extra,
    },
    'user',
  ) as Item<'message'>;
}

describe('operations clients call unasked', () => {
  it('ConvertId converts an id between EwsId, HexEntryId, EntryId and back', async () => {
    const item = message('Convert me');
    const convert = async (id: string, from: string, to: string) => {
      const answer = await ews.call(
        `<m:ConvertId DestinationFormat="${to}"><m:SourceIds><t:AlternateId Format="${from}" Id="${id}" Mailbox="ada@example.test"/></m:SourceIds></m:ConvertId>`,
      );
      const m = firstMessage(answer);
      expect(responseCode(m), answer.text).toBe('NoError');
      return descendant(m, 'AlternateId')!.attrs.Id;
    };
    const hex = await convert(item.id, 'EwsId', 'HexEntryId');
    expect(hex).toMatch(/^[0-9A-F]+$/);
    const entry = await convert(hex, 'HexEntryId', 'EntryId');
    expect(await convert(entry, 'EntryId', 'EwsId')).toBe(item.id);
    const bad = await ews.call(
      '<m:ConvertId DestinationFormat="EwsId"><m:SourceIds><t:AlternateId Format="HexEntryId" Id="ZZ" Mailbox="ada@example.test"/></m:SourceIds></m:ConvertId>',
    );
    expect(responseCode(firstMessage(bad))).toBe('ErrorInvalidIdMalformed');
  });

  it('GetServerTimeZones lists Windows zones with periods and transitions, or only the ones asked for', async () => {
    const answer = await ews.call(
      '<m:GetServerTimeZones ReturnFullTimeZoneData="true"><m:Ids><t:Id>W. Europe Standard Time</t:Id><t:Id>Tokyo Standard Time</t:Id></m:Ids></m:GetServerTimeZones>',
    );
    const m = firstMessage(answer);
    expect(responseCode(m)).toBe('NoError');
    const zones = descendant(m, 'TimeZoneDefinitions')!.children;
    expect(zones.map((z) => z.attrs.Id)).toEqual(['W. Europe Standard Time', 'Tokyo Standard Time']);
    const periods = all(zones[0], 'Period');
    expect(periods.map((p) => p.attrs.Bias)).toEqual(['-PT1H', '-PT2H']);
    const toDaylight = all(zones[0], 'RecurringDayTransition')[0];
    expect(descendant(toDaylight, 'Month')!.text).toBe('3');
    expect(descendant(toDaylight, 'Occurrence')!.text).toBe('-1');
    expect(all(zones[1], 'Period').map((p) => p.attrs.Bias)).toEqual(['-PT9H']);
    const everything = await ews.call('<m:GetServerTimeZones ReturnFullTimeZoneData="false"/>');
    expect(descendant(firstMessage(everything), 'TimeZoneDefinitions')!.children.length).toBeGreaterThan(100);
  });

  it('ResolveNames finds directory mailboxes and contacts, warns on several and errs on none', async () => {
    const one = await ews.call(
      '<m:ResolveNames ReturnFullContactData="true" SearchScope="ActiveDirectory"><m:UnresolvedEntry>grace@example.test</m:UnresolvedEntry></m:ResolveNames>',
    );
    const m = firstMessage(one);
    expect(responseCode(m)).toBe('NoError');
    expect(descendant(m, 'ResolutionSet', 'Resolution', 'Mailbox', 'EmailAddress')!.text).toBe(
      'grace@example.test',
    );
    expect(descendant(m, 'ResolutionSet', 'Resolution', 'Mailbox', 'MailboxType')!.text).toBe('Mailbox');
    const contacts = sb.store.distinguishedFolder(ada.id, 'contacts')!;
    sb.store.createItem(
      ada.id,
      contacts.id,
      'contact',
      {
        ...emptyContact,
        givenName: 'Zebulon',
        surname: 'Quill',
        displayName: 'Zebulon Quill',
        emailAddresses: [{ address: 'zq@elsewhere.test' }, { address: 'zebulon@quill.test' }],
      },
      'user',
    );
    const several = firstMessage(
      await ews.call(
        '<m:ResolveNames ReturnFullContactData="false"><m:UnresolvedEntry>Zebulon</m:UnresolvedEntry></m:ResolveNames>',
      ),
    );
    expect(several.attrs.ResponseClass).toBe('Warning');
    expect(responseCode(several)).toBe('ErrorNameResolutionMultipleResults');
    expect(all(several, 'Resolution')).toHaveLength(2);
    const none = firstMessage(
      await ews.call(
        '<m:ResolveNames ReturnFullContactData="false"><m:UnresolvedEntry>nobody-at-all</m:UnresolvedEntry></m:ResolveNames>',
      ),
    );
    expect(responseCode(none)).toBe('ErrorNameResolutionNoResults');
  });
});

describe('folder writes', () => {
  it('CreateFolder, UpdateFolder, MoveFolder, CopyFolder, EmptyFolder and DeleteFolder', async () => {
    const created = await ews.call(
      `<m:CreateFolder><m:ParentFolderId><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderId><m:Folders><t:Folder><t:DisplayName>Projects</t:DisplayName></t:Folder><t:ContactsFolder><t:DisplayName>Partners</t:DisplayName></t:ContactsFolder></m:Folders></m:CreateFolder>`,
    );
    const [projects, partners] = descendant(created.body, 'ResponseMessages')!.children.map((m) => {
      expect(responseCode(m)).toBe('NoError');
      return descendant(m, 'Folders', 'Folder', 'FolderId')!.attrs;
    });
    expect(sb.store.folder(ada.id, partners.Id)!.folderClass).toBe('IPF.Contact');
    const duplicate = await ews.call(
      `<m:CreateFolder><m:ParentFolderId><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderId><m:Folders><t:Folder><t:DisplayName>projects</t:DisplayName></t:Folder></m:Folders></m:CreateFolder>`,
    );
    expect(responseCode(firstMessage(duplicate))).toBe('ErrorFolderExists');
    const renamed = await ews.call(
      `<m:UpdateFolder><m:FolderChanges><t:FolderChange><t:FolderId Id="${projects.Id}" ChangeKey="${projects.ChangeKey}"/><t:Updates><t:SetFolderField><t:FieldURI FieldURI="folder:DisplayName"/><t:Folder><t:DisplayName>Projects 2027</t:DisplayName></t:Folder></t:SetFolderField></t:Updates></t:FolderChange></m:FolderChanges></m:UpdateFolder>`,
    );
    expect(responseCode(firstMessage(renamed))).toBe('NoError');
    expect(sb.store.folder(ada.id, projects.Id)!.displayName).toBe('Projects 2027');
    const moved = await ews.call(
      `<m:MoveFolder><m:ToFolderId><t:DistinguishedFolderId Id="msgfolderroot"/></m:ToFolderId><m:FolderIds><t:FolderId Id="${projects.Id}"/></m:FolderIds></m:MoveFolder>`,
    );
    expect(responseCode(firstMessage(moved))).toBe('NoError');
    expect(sb.store.folder(ada.id, projects.Id)!.parentId).toBe(
      sb.store.distinguishedFolder(ada.id, 'msgfolderroot')!.id,
    );
    const noMove = await ews.call(
      `<m:MoveFolder><m:ToFolderId><t:FolderId Id="${projects.Id}"/></m:ToFolderId><m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:MoveFolder>`,
    );
    expect(responseCode(firstMessage(noMove))).toBe('ErrorMoveDistinguishedFolder');
    sb.store.createItem(ada.id, projects.Id, 'message', { ...message('In projects').data }, 'user');
    const copied = await ews.call(
      `<m:CopyFolder><m:ToFolderId><t:DistinguishedFolderId Id="inbox"/></m:ToFolderId><m:FolderIds><t:FolderId Id="${projects.Id}"/></m:FolderIds></m:CopyFolder>`,
    );
    const copyId = descendant(firstMessage(copied), 'Folders', 'Folder', 'FolderId')!.attrs.Id;
    expect(copyId).not.toBe(projects.Id);
    expect(sb.store.items(ada.id, copyId)).toHaveLength(1);
    const emptied = await ews.call(
      `<m:EmptyFolder DeleteType="HardDelete" DeleteSubFolders="false"><m:FolderIds><t:FolderId Id="${copyId}"/></m:FolderIds></m:EmptyFolder>`,
    );
    expect(responseCode(firstMessage(emptied))).toBe('NoError');
    expect(sb.store.items(ada.id, copyId)).toHaveLength(0);
    const deleted = await ews.call(
      `<m:DeleteFolder DeleteType="HardDelete"><m:FolderIds><t:FolderId Id="${copyId}"/><t:FolderId Id="${projects.Id}"/><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:DeleteFolder>`,
    );
    expect(descendant(deleted.body, 'ResponseMessages')!.children.map(responseCode)).toEqual([
      'NoError',
      'NoError',
      'ErrorDeleteDistinguishedFolder',
    ]);
    expect(sb.store.folder(ada.id, projects.Id)).toBeUndefined();
    const check = await ews.call(
      `<m:GetFolder>${folderShape}<m:FolderIds><t:FolderId Id="${copyId}"/></m:FolderIds></m:GetFolder>`,
    );
    expect(responseCode(firstMessage(check))).toBe('ErrorFolderNotFound');
  });
});

describe('items', () => {
  it('MS-OXWSCORE_R221: CopyItem copies with a new id; MarkAsJunk moves to Junk Email and back', async () => {
    const item = message('Copy and junk');
    const copied = await ews.call(
      `<m:CopyItem><m:ToFolderId><t:DistinguishedFolderId Id="drafts"/></m:ToFolderId><m:ItemIds><t:ItemId Id="${item.id}"/></m:ItemIds></m:CopyItem>`,
    );
    const copyId = descendant(firstMessage(copied), 'Items', 'Message', 'ItemId')!.attrs.Id;
    expect(copyId).not.toBe(item.id);
    expect(sb.store.item(ada.id, copyId)!.folderId).toBe(sb.store.distinguishedFolder(ada.id, 'drafts')!.id);
    expect(sb.store.item(ada.id, item.id)!.folderId).toBe(item.folderId);
    const junk = await ews.call(
      `<m:MarkAsJunk IsJunk="true" MoveItem="true"><m:ItemIds><t:ItemId Id="${item.id}"/></m:ItemIds></m:MarkAsJunk>`,
    );
    expect(responseCode(firstMessage(junk))).toBe('NoError');
    expect(descendant(firstMessage(junk), 'MovedItemId')!.attrs.Id).toBe(item.id);
    expect(sb.store.item(ada.id, item.id)!.folderId).toBe(
      sb.store.distinguishedFolder(ada.id, 'junkemail')!.id,
    );
    await ews.call(
      `<m:MarkAsJunk IsJunk="false" MoveItem="true"><m:ItemIds><t:ItemId Id="${item.id}"/></m:ItemIds></m:MarkAsJunk>`,
    );
    expect(sb.store.item(ada.id, item.id)!.folderId).toBe(sb.store.distinguishedFolder(ada.id, 'inbox')!.id);
  });

  it('CreateAttachment, GetAttachment and DeleteAttachment on a message', async () => {
    const item = message('With attachment');
    const content = Buffer.from('Quarterly figures').toString('base64');
    const created = await ews.call(
      `<m:CreateAttachment><m:ParentItemId Id="${item.id}"/><m:Attachments><t:FileAttachment><t:Name>figures.txt</t:Name><t:ContentType>text/plain</t:ContentType><t:Content>${content}</t:Content></t:FileAttachment></m:Attachments></m:CreateAttachment>`,
    );
    const m = firstMessage(created);
    expect(responseCode(m)).toBe('NoError');
    const id = descendant(m, 'Attachments', 'FileAttachment', 'AttachmentId')!;
    expect(id.attrs.RootItemId).toBe(item.id);
    const got = firstMessage(
      await ews.call(
        `<m:GetAttachment><m:AttachmentIds><t:AttachmentId Id="${id.attrs.Id}"/></m:AttachmentIds></m:GetAttachment>`,
      ),
    );
    expect(descendant(got, 'Attachments', 'FileAttachment', 'Name')!.text).toBe('figures.txt');
    expect(descendant(got, 'Attachments', 'FileAttachment', 'Content')!.text).toBe(content);
    const deleted = firstMessage(
      await ews.call(
        `<m:DeleteAttachment><m:AttachmentIds><t:AttachmentId Id="${id.attrs.Id}"/></m:AttachmentIds></m:DeleteAttachment>`,
      ),
    );
    expect(responseCode(deleted)).toBe('NoError');
    expect(descendant(deleted, 'RootItemId')!.attrs.RootItemId).toBe(item.id);
    expect((sb.store.item(ada.id, item.id) as Item<'message'>).data.attachments).toEqual([]);
    const again = firstMessage(
      await ews.call(
        `<m:GetAttachment><m:AttachmentIds><t:AttachmentId Id="${id.attrs.Id}"/></m:AttachmentIds></m:GetAttachment>`,
      ),
    );
    expect(responseCode(again)).toBe('ErrorInvalidAttachmentId');
  });

  it('MS-OXWSCORE_R131, MS-OXWSCORE_R132, MS-OXWSCORE_R133, MS-OXWSCORE_R179, MS-OXWSCORE_R186: ReplyToItem, ReplyAllToItem and ForwardItem through CreateItem', async () => {
    const original = message('Budget 2027', {
      attachments: [
        {
          id: 'a1',
          name: 'budget.xlsx',
          contentType: 'application/octet-stream',
          size: 3,
          isInline: false,
          contentBytes: 'AAAA',
        },
      ],
    });
    const graceInbox = sb.store.distinguishedFolder(grace.id, 'inbox')!;
    const before = sb.store.items(grace.id, graceInbox.id).length;
    const reply = await ews.call(
      `<m:CreateItem MessageDisposition="SendAndSaveCopy"><m:Items><t:ReplyToItem><t:ReferenceItemId Id="${original.id}"/><t:NewBodyContent BodyType="Text">Agreed.</t:NewBodyContent></t:ReplyToItem></m:Items></m:CreateItem>`,
    );
    expect(responseCode(firstMessage(reply))).toBe('NoError');
    const received = sb.store.items(grace.id, graceInbox.id) as Item<'message'>[];
    expect(received.length).toBe(before + 1);
    const got = received.find((i) => i.data.subject === 'RE: Budget 2027')!;
    expect(got.data.body.content).toContain('Agreed.');
    expect(got.data.body.content).toContain('Body of Budget 2027');
    const draft = await ews.call(
      `<m:CreateItem MessageDisposition="SaveOnly"><m:Items><t:ReplyAllToItem><t:ReferenceItemId Id="${original.id}"/><t:NewBodyContent BodyType="HTML">&lt;p&gt;All of you&lt;/p&gt;</t:NewBodyContent></t:ReplyAllToItem></m:Items></m:CreateItem>`,
    );
    const draftItem = sb.store.item(
      ada.id,
      descendant(firstMessage(draft), 'Items', 'Message', 'ItemId')!.attrs.Id,
    ) as Item<'message'>;
    expect(draftItem.data.toRecipients.map((r) => r.address).sort()).toEqual([
      'grace@example.test',
      'linus@example.test',
    ]);
    expect(draftItem.data.ccRecipients.map((r) => r.address)).toEqual(['someone@elsewhere.test']);
    const forward = await ews.call(
      `<m:CreateItem MessageDisposition="SaveOnly"><m:Items><t:ForwardItem><t:ToRecipients><t:Mailbox><t:EmailAddress>cfo@elsewhere.test</t:EmailAddress></t:Mailbox></t:ToRecipients><t:ReferenceItemId Id="${original.id}"/><t:NewBodyContent BodyType="Text">FYI</t:NewBodyContent></t:ForwardItem></m:Items></m:CreateItem>`,
    );
    const fw = sb.store.item(
      ada.id,
      descendant(firstMessage(forward), 'Items', 'Message', 'ItemId')!.attrs.Id,
    ) as Item<'message'>;
    expect(fw.data.subject).toBe('FW: Budget 2027');
    expect(fw.data.toRecipients.map((r) => r.address)).toEqual(['cfo@elsewhere.test']);
    expect(fw.data.attachments.map((a) => a.name)).toEqual(['budget.xlsx']);
  });
});

describe('pull and push subscriptions', () => {
  it('Subscribe with a pull request, then GetEvents returns what changed since the watermark', async () => {
    const sub = firstMessage(
      await ews.call(
        '<m:Subscribe><m:PullSubscriptionRequest><t:FolderIds><t:DistinguishedFolderId Id="inbox"/></t:FolderIds><t:EventTypes><t:EventType>CreatedEvent</t:EventType><t:EventType>ModifiedEvent</t:EventType></t:EventTypes><t:Timeout>10</t:Timeout></m:PullSubscriptionRequest></m:Subscribe>',
      ),
    );
    expect(responseCode(sub)).toBe('NoError');
    const id = descendant(sub, 'SubscriptionId')!.text;
    let watermark = descendant(sub, 'Watermark')!.text;
    const created = message('Pulled');
    const events = firstMessage(
      await ews.call(
        `<m:GetEvents><m:SubscriptionId>${id}</m:SubscriptionId><m:Watermark>${watermark}</m:Watermark></m:GetEvents>`,
      ),
    );
    expect(responseCode(events)).toBe('NoError');
    const createdEvent = descendant(events, 'Notification', 'CreatedEvent')!;
    expect(descendant(createdEvent, 'ItemId')!.attrs.Id).toBe(created.id);
    watermark = descendant(createdEvent, 'Watermark')!.text;
    const quiet = firstMessage(
      await ews.call(
        `<m:GetEvents><m:SubscriptionId>${id}</m:SubscriptionId><m:Watermark>${watermark}</m:Watermark></m:GetEvents>`,
      ),
    );
    expect(descendant(quiet, 'Notification', 'StatusEvent')).toBeDefined();
    const stale = firstMessage(
      await ews.call(
        `<m:GetEvents><m:SubscriptionId>${id}</m:SubscriptionId><m:Watermark>AAAA</m:Watermark></m:GetEvents>`,
      ),
    );
    expect(responseCode(stale)).toBe('ErrorInvalidWatermark');
    expect(
      responseCode(
        firstMessage(
          await ews.call(`<m:Unsubscribe><m:SubscriptionId>${id}</m:SubscriptionId></m:Unsubscribe>`),
        ),
      ),
    ).toBe('NoError');
    const gone = firstMessage(
      await ews.call(
        `<m:GetEvents><m:SubscriptionId>${id}</m:SubscriptionId><m:Watermark>${watermark}</m:Watermark></m:GetEvents>`,
      ),
    );
    expect(responseCode(gone)).toBe('ErrorSubscriptionNotFound');
  });

  it('a push subscription POSTs SendNotification to a loopback callback until it answers Unsubscribe', async () => {
    const received: string[] = [];
    let answer = 'OK';
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(body);
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(
          `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><SendNotificationResult xmlns="http://schemas.microsoft.com/exchange/services/2006/messages"><SubscriptionStatus>${answer}</SubscriptionStatus></SendNotificationResult></soap:Body></soap:Envelope>`,
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ews-callback`;
    try {
      const sub = firstMessage(
        await ews.call(
          `<m:Subscribe><m:PushSubscriptionRequest><t:FolderIds><t:DistinguishedFolderId Id="inbox"/></t:FolderIds><t:EventTypes><t:EventType>CreatedEvent</t:EventType></t:EventTypes><t:StatusFrequency>1</t:StatusFrequency><t:URL>${url}</t:URL></m:PushSubscriptionRequest></m:Subscribe>`,
        ),
      );
      expect(responseCode(sub)).toBe('NoError');
      const created = message('Pushed');
      await expect.poll(() => received.join('')).toContain(created.id);
      expect(received[0]).toContain('<m:SendNotification>');
      ews.recorder.recordExchange('<m:SendNotification/>', received[0], 'SendNotification');
      answer = 'Unsubscribe';
      message('Pushed again');
      await expect.poll(() => received.length).toBe(2);
      message('Not pushed any more');
      await new Promise((r) => setTimeout(r, 200));
      expect(received.length).toBe(2);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('refuses a push callback that is not a loopback address (ErrorInvalidPushSubscriptionUrl)', async () => {
    for (const url of [
      'http://10.0.0.5/cb',
      'http://169.254.169.254/latest',
      'https://example.com/cb',
      'file:///etc/passwd',
    ]) {
      const sub = firstMessage(
        await ews.call(
          `<m:Subscribe><m:PushSubscriptionRequest><t:FolderIds><t:DistinguishedFolderId Id="inbox"/></t:FolderIds><t:EventTypes><t:EventType>CreatedEvent</t:EventType></t:EventTypes><t:StatusFrequency>1</t:StatusFrequency><t:URL>${url}</t:URL></m:PushSubscriptionRequest></m:Subscribe>`,
        ),
      );
      expect(responseCode(sub), url).toBe('ErrorInvalidPushSubscriptionUrl');
    }
  });
});

describe('the rest of the schema', () => {
  it.each(Object.keys(UNIMPLEMENTED))(
    'answers %s with ErrorInvalidOperation, never a version fault',
    async (element) => {
      const answer = await ews.call(`<m:${element}/>`, { record: false });
      const text = answer.text;
      expect(text).not.toContain('ErrorInvalidServerVersion');
      expect(text).not.toContain('ErrorInvalidRequest');
      expect(text).toContain('ErrorInvalidOperation');
      if (answer.status === 200) {
        // The answer is in the operation's own response shape, valid against the schema.
        ews.recorder.recordExchange(`<m:${element}/>`, text, element);
      } else {
        expect(faultCode(answer)).toBe('ErrorInvalidOperation');
      }
    },
  );
});
