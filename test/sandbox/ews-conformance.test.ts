// Conformance checks across operations: every operation answers in its own response element with
// the server's ServerVersionInfo header (the SoapOut messages of MS-OXWSCORE, MS-OXWSFOLD and
// MS-OXWSSYNC), and properties the server sets are refused on create and update.

import type { Item, Mailbox } from '@exsync/sandbox/model';
import type { RunningSandbox } from '@exsync/sandbox/server';
import { describe, expect, it } from 'vitest';
import { ewsSandboxForFile } from '../support/ews-sandbox.ts';
import { type EwsTestClient, firstMessage, M, responseCode } from '../support/ews-soap.ts';

let sb: RunningSandbox;
let ews: EwsTestClient;
let ada: Mailbox;

ewsSandboxForFile((started) => {
  ({ sb, ews, ada } = started);
});

const emptyContact = { emailAddresses: [], phones: {}, addresses: {}, categories: [] };

function contact(name: string) {
  return sb.store.createItem(
    ada.id,
    sb.store.distinguishedFolder(ada.id, 'contacts')!.id,
    'contact',
    { ...emptyContact, givenName: name },
    'user',
  );
}

function message(subject: string, folder = 'inbox') {
  return sb.store.createItem(
    ada.id,
    sb.store.distinguishedFolder(ada.id, folder)!.id,
    'message',
    {
      subject,
      body: { contentType: 'text', content: subject },
      toRecipients: [{ address: 'grace@example.test' }],
      ccRecipients: [],
      bccRecipients: [],
      replyTo: [],
      internetMessageId: '',
      isRead: true,
      isDraft: folder === 'drafts',
      importance: 'normal',
      categories: [],
      attachments: [],
    },
    'user',
  ) as Item<'message'>;
}

function folder(name: string) {
  return sb.store.createFolder(
    ada.id,
    {
      parentId: sb.store.distinguishedFolder(ada.id, 'inbox')!.id,
      displayName: name,
      folderClass: 'IPF.Note',
    },
    'user',
  );
}

const itemShape = '<m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>';
const folderShape = '<m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape>';

// Requirement ids of each operation's SoapOut message and response element: the result part is
// the operation's response element, the ServerVersion part is a ServerVersionInfo SOAP header.
const OPERATIONS: Array<[ids: string, operation: string, request: () => string]> = [
  [
    'MS-OXWSFOLD_R404, MS-OXWSFOLD_R4041, MS-OXWSFOLD_R405, MS-OXWSFOLD_R406',
    'GetFolder',
    () =>
      `<m:GetFolder>${folderShape}<m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder>`,
  ],
  [
    'MS-OXWSFOLD_R235, MS-OXWSFOLD_R2351, MS-OXWSFOLD_R236, MS-OXWSFOLD_R237',
    'CreateFolder',
    () =>
      `<m:CreateFolder><m:ParentFolderId><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderId><m:Folders><t:Folder><t:DisplayName>Envelope ${Date.now()}</t:DisplayName></t:Folder></m:Folders></m:CreateFolder>`,
  ],
  [
    'MS-OXWSFOLD_R482, MS-OXWSFOLD_R4821, MS-OXWSFOLD_R483, MS-OXWSFOLD_R484',
    'UpdateFolder',
    () =>
      `<m:UpdateFolder><m:FolderChanges><t:FolderChange><t:FolderId Id="${folder(`Rename ${Date.now()}`).id}"/><t:Updates><t:SetFolderField><t:FieldURI FieldURI="folder:DisplayName"/><t:Folder><t:DisplayName>Renamed ${Date.now()}</t:DisplayName></t:Folder></t:SetFolderField></t:Updates></t:FolderChange></m:FolderChanges></m:UpdateFolder>`,
  ],
  [
    'MS-OXWSFOLD_R325, MS-OXWSFOLD_R3251, MS-OXWSFOLD_R326, MS-OXWSFOLD_R327',
    'DeleteFolder',
    () =>
      `<m:DeleteFolder DeleteType="HardDelete"><m:FolderIds><t:FolderId Id="${folder(`Delete ${Date.now()}`).id}"/></m:FolderIds></m:DeleteFolder>`,
  ],
  [
    'MS-OXWSFOLD_R447, MS-OXWSFOLD_R4471, MS-OXWSFOLD_R448, MS-OXWSFOLD_R449',
    'MoveFolder',
    () =>
      `<m:MoveFolder><m:ToFolderId><t:DistinguishedFolderId Id="msgfolderroot"/></m:ToFolderId><m:FolderIds><t:FolderId Id="${folder(`Move ${Date.now()}`).id}"/></m:FolderIds></m:MoveFolder>`,
  ],
  [
    'MS-OXWSFOLD_R197, MS-OXWSFOLD_R1971, MS-OXWSFOLD_R198, MS-OXWSFOLD_R199',
    'CopyFolder',
    () =>
      `<m:CopyFolder><m:ToFolderId><t:DistinguishedFolderId Id="drafts"/></m:ToFolderId><m:FolderIds><t:FolderId Id="${folder(`Copy ${Date.now()}`).id}"/></m:FolderIds></m:CopyFolder>`,
  ],
  [
    'MS-OXWSFOLD_R363, MS-OXWSFOLD_R3631, MS-OXWSFOLD_R364, MS-OXWSFOLD_R365',
    'EmptyFolder',
    () =>
      `<m:EmptyFolder DeleteType="HardDelete" DeleteSubFolders="true"><m:FolderIds><t:FolderId Id="${folder(`Empty ${Date.now()}`).id}"/></m:FolderIds></m:EmptyFolder>`,
  ],
  [
    'MS-OXWSCORE_R1434, MS-OXWSCORE_R1435, MS-OXWSCORE_R367, MS-OXWSCORE_R368, MS-OXWSCORE_R371, MS-OXWSCORE_R374',
    'GetItem',
    () => `<m:GetItem>${itemShape}<m:ItemIds><t:ItemId Id="${contact('Get').id}"/></m:ItemIds></m:GetItem>`,
  ],
  [
    'MS-OXWSCORE_R1411, MS-OXWSCORE_R1412, MS-OXWSCORE_R279, MS-OXWSCORE_R280, MS-OXWSCORE_R283, MS-OXWSCORE_R286',
    'CreateItem',
    () =>
      '<m:CreateItem><m:Items><t:Contact><t:GivenName>Create</t:GivenName></t:Contact></m:Items></m:CreateItem>',
  ],
  [
    'MS-OXWSCORE_R1464, MS-OXWSCORE_R1465, MS-OXWSCORE_R487, MS-OXWSCORE_R491, MS-OXWSCORE_R494',
    'UpdateItem',
    () =>
      `<m:UpdateItem ConflictResolution="AlwaysOverwrite"><m:ItemChanges><t:ItemChange><t:ItemId Id="${contact('Update').id}"/><t:Updates><t:SetItemField><t:FieldURI FieldURI="contacts:JobTitle"/><t:Contact><t:JobTitle>Engineer</t:JobTitle></t:Contact></t:SetItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`,
  ],
  [
    'MS-OXWSCORE_R1421, MS-OXWSCORE_R1422, MS-OXWSCORE_R322, MS-OXWSCORE_R323, MS-OXWSCORE_R326, MS-OXWSCORE_R329',
    'DeleteItem',
    () =>
      `<m:DeleteItem DeleteType="HardDelete"><m:ItemIds><t:ItemId Id="${contact('Delete').id}"/></m:ItemIds></m:DeleteItem>`,
  ],
  [
    'MS-OXWSCORE_R1454, MS-OXWSCORE_R1455, MS-OXWSCORE_R443, MS-OXWSCORE_R444, MS-OXWSCORE_R450',
    'SendItem',
    () =>
      `<m:SendItem SaveItemToFolder="false"><m:ItemIds><t:ItemId Id="${message('Send', 'drafts').id}"/></m:ItemIds></m:SendItem>`,
  ],
  [
    'MS-OXWSCORE_R1448, MS-OXWSCORE_R1449, MS-OXWSCORE_R406, MS-OXWSCORE_R407, MS-OXWSCORE_R410, MS-OXWSCORE_R413',
    'MoveItem',
    () =>
      `<m:MoveItem><m:ToFolderId><t:DistinguishedFolderId Id="drafts"/></m:ToFolderId><m:ItemIds><t:ItemId Id="${message('Move').id}"/></m:ItemIds></m:MoveItem>`,
  ],
  [
    'MS-OXWSCORE_R1404, MS-OXWSCORE_R1405, MS-OXWSCORE_R240, MS-OXWSCORE_R241, MS-OXWSCORE_R244, MS-OXWSCORE_R247',
    'CopyItem',
    () =>
      `<m:CopyItem><m:ToFolderId><t:DistinguishedFolderId Id="drafts"/></m:ToFolderId><m:ItemIds><t:ItemId Id="${message('Copy').id}"/></m:ItemIds></m:CopyItem>`,
  ],
  [
    'MS-OXWSCORE_R1812, MS-OXWSCORE_R1813, MS-OXWSCORE_R1814, MS-OXWSCORE_R1815, MS-OXWSCORE_R1821',
    'MarkAsJunk',
    () =>
      `<m:MarkAsJunk IsJunk="true" MoveItem="true"><m:ItemIds><t:ItemId Id="${message('Junk').id}"/></m:ItemIds></m:MarkAsJunk>`,
  ],
  [
    'MS-OXWSSYNC_R2632, MS-OXWSSYNC_R299, MS-OXWSSYNC_R306, MS-OXWSSYNC_R307, MS-OXWSSYNC_R308, MS-OXWSSYNC_R309',
    'SyncFolderHierarchy',
    () => `<m:SyncFolderHierarchy>${folderShape}</m:SyncFolderHierarchy>`,
  ],
  [
    'MS-OXWSSYNC_R437, MS-OXWSSYNC_R438, MS-OXWSSYNC_R439, MS-OXWSSYNC_R440',
    'SyncFolderItems',
    () =>
      `<m:SyncFolderItems>${itemShape}<m:SyncFolderId><t:DistinguishedFolderId Id="tasks"/></m:SyncFolderId><m:MaxChangesReturned>10</m:MaxChangesReturned></m:SyncFolderItems>`,
  ],
];

describe('operation envelopes', () => {
  it.each(OPERATIONS)(
    '%s: %s answers its response element with a ServerVersionInfo header',
    async (_ids, operation, request) => {
      const answer = await ews.call(request());
      expect(answer.status).toBe(200);
      expect(answer.body?.name).toBe(`${operation}Response`);
      expect(answer.body?.ns).toBe(M);
      const info = /<h:ServerVersionInfo ([^>]*)\/>/.exec(answer.text)?.[1] ?? '';
      for (const attr of ['MajorVersion', 'MinorVersion', 'MajorBuildNumber', 'MinorBuildNumber']) {
        expect(info).toMatch(new RegExp(`${attr}="\\d+"`));
      }
      const m = firstMessage(answer);
      expect(m.name).toBe(`${operation}ResponseMessage`);
      expect(m.attrs.ResponseClass, answer.text.slice(0, 600)).toBe('Success');
      expect(responseCode(m)).toBe('NoError');
    },
  );
});

const READ_ONLY: Array<[ids: string, element: string]> = [
  ['MS-OXWSCORE_R2014, MS-OXWSCORE_R2347', '<t:ItemId Id="AAMkAnything"/>'],
  ['MS-OXWSCORE_R2016, MS-OXWSCORE_R2348', '<t:ParentFolderId Id="AAMkAnything"/>'],
  ['MS-OXWSCORE_R2025, MS-OXWSCORE_R2349', '<t:DateTimeReceived>2026-01-01T00:00:00Z</t:DateTimeReceived>'],
  ['MS-OXWSCORE_R2027, MS-OXWSCORE_R2272', '<t:Size>5</t:Size>'],
  ['MS-OXWSCORE_R2033, MS-OXWSCORE_R2274', '<t:DateTimeCreated>2026-01-01T00:00:00Z</t:DateTimeCreated>'],
  ['MS-OXWSCORE_R2035, MS-OXWSCORE_R2275', '<t:DisplayTo>Someone</t:DisplayTo>'],
  [
    'MS-OXWSCORE_R2037, MS-OXWSCORE_R2276',
    '<t:EffectiveRights><t:CreateAssociated>false</t:CreateAssociated><t:CreateContents>false</t:CreateContents><t:CreateHierarchy>false</t:CreateHierarchy><t:Delete>true</t:Delete><t:Modify>true</t:Modify><t:Read>true</t:Read></t:EffectiveRights>',
  ],
  ['MS-OXWSCORE_R2039, MS-OXWSCORE_R2277', '<t:LastModifiedName>Someone</t:LastModifiedName>'],
  [
    'MS-OXWSCORE_R2041, MS-OXWSCORE_R2043',
    '<t:WebClientReadFormQueryString>?ItemID=x</t:WebClientReadFormQueryString>',
  ],
  ['MS-OXWSCORE_R2046, MS-OXWSCORE_R2350', '<t:InstanceKey>AAAA</t:InstanceKey>'],
  ['MS-OXWSCORE_R2048, MS-OXWSCORE_R2351', '<t:NormalizedBody BodyType="Text">x</t:NormalizedBody>'],
  ['MS-OXWSCORE_R2050, MS-OXWSCORE_R2352', '<t:Preview>x</t:Preview>'],
  ['MS-OXWSCORE_R2058, MS-OXWSCORE_R2355', '<t:BlockStatus>false</t:BlockStatus>'],
  ['MS-OXWSCORE_R2062, MS-OXWSCORE_R2358', '<t:IconIndex>Default</t:IconIndex>'],
];

describe('read-only item properties', () => {
  it.each(READ_ONLY)(
    '%s: CreateItem with %s answers ErrorInvalidPropertySet and creates nothing',
    async (_ids, element) => {
      const drafts = sb.store.distinguishedFolder(ada.id, 'drafts')!;
      const before = sb.store.items(ada.id, drafts.id).length;
      const answer = await ews.call(
        `<m:CreateItem MessageDisposition="SaveOnly"><m:Items><t:Message>${element}</t:Message></m:Items></m:CreateItem>`,
        { record: false },
      );
      const m = firstMessage(answer);
      expect(m.attrs.ResponseClass).toBe('Error');
      expect(responseCode(m)).toBe('ErrorInvalidPropertySet');
      expect(sb.store.items(ada.id, drafts.id).length).toBe(before);
    },
  );

  it('MS-OXWSCORE_R2272, MS-OXWSCORE_R2274, MS-OXWSCORE_R2352: UpdateItem setting Size, DateTimeCreated or Preview answers ErrorInvalidPropertySet', async () => {
    const item = message('Read-only update');
    for (const [uri, xml] of [
      ['item:Size', '<t:Size>5</t:Size>'],
      ['item:DateTimeCreated', '<t:DateTimeCreated>2026-01-01T00:00:00Z</t:DateTimeCreated>'],
      ['item:Preview', '<t:Preview>x</t:Preview>'],
    ]) {
      const answer = await ews.call(
        `<m:UpdateItem MessageDisposition="SaveOnly" ConflictResolution="AlwaysOverwrite"><m:ItemChanges><t:ItemChange><t:ItemId Id="${item.id}"/><t:Updates><t:SetItemField><t:FieldURI FieldURI="${uri}"/><t:Message>${xml}</t:Message></t:SetItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`,
        { record: false },
      );
      expect(responseCode(firstMessage(answer)), uri).toBe('ErrorInvalidPropertySet');
    }
  });
});
