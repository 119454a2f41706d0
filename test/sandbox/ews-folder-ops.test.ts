// Folder operations as MS-OXWSFOLD describes them, and MarkAsJunk as MS-OXWSCORE does.

import type { Folder, Mailbox } from '@exsync/sandbox/model';
import type { RunningSandbox } from '@exsync/sandbox/server';
import { describe, expect, it } from 'vitest';
import { ewsSandboxForFile } from '../support/ews-sandbox.ts';
import { descendant, type EwsTestClient, firstMessage, responseCode } from '../support/ews-soap.ts';

let sb: RunningSandbox;
let ews: EwsTestClient;
let ada: Mailbox;

ewsSandboxForFile((started) => {
  ({ sb, ews, ada } = started);
});

const distinguished = (id: string) => sb.store.distinguishedFolder(ada.id, id)!;
let n = 0;
const unique = (name: string) => `${name} ${++n}`;

function folder(name: string, parent: Folder = distinguished('inbox')): Folder {
  return sb.store.createFolder(
    ada.id,
    { parentId: parent.id, displayName: unique(name), folderClass: 'IPF.Note' },
    'user',
  );
}

function message(folderId: string, subject = 'Folder test') {
  return sb.store.createItem(
    ada.id,
    folderId,
    'message',
    {
      subject,
      body: { contentType: 'text', content: subject },
      from: { address: 'grace@example.test' },
      toRecipients: [{ address: 'ada@example.test' }],
      ccRecipients: [],
      bccRecipients: [],
      replyTo: [],
      internetMessageId: '',
      isRead: false,
      isDraft: false,
      importance: 'normal',
      categories: [],
      attachments: [],
    },
    'user',
  );
}

const messagesOf = (answer: { body?: unknown }) =>
  descendant(answer.body as never, 'ResponseMessages')!.children;

describe('CreateFolder', () => {
  it('MS-OXWSFOLD_R2202, MS-OXWSFOLD_R22202, MS-OXWSFOLD_R252, MS-OXWSFOLD_R2531, MS-OXWSFOLD_R256, MS-OXWSFOLD_R258, MS-OXWSFOLD_R260, MS-OXWSFOLD_R264: creates each kind of folder under ParentFolderId', async () => {
    const parent = folder('Parent');
    const names = ['Folder', 'CalendarFolder', 'ContactsFolder', 'TasksFolder'].map((k) => [k, unique(k)]);
    const answer = await ews.call(
      `<m:CreateFolder><m:ParentFolderId><t:FolderId Id="${parent.id}"/></m:ParentFolderId><m:Folders>${names.map(([k, name]) => `<t:${k}><t:DisplayName>${name}</t:DisplayName></t:${k}>`).join('')}</m:Folders></m:CreateFolder>`,
    );
    const messages = messagesOf(answer);
    expect(messages.map((m) => m.attrs.ResponseClass)).toEqual(['Success', 'Success', 'Success', 'Success']);
    expect(messages.map(responseCode)).toEqual(['NoError', 'NoError', 'NoError', 'NoError']);
    const created = messages.map(
      (m) => sb.store.folder(ada.id, descendant(m, 'Folders', 'Folder', 'FolderId')!.attrs.Id)!,
    );
    expect(created.map((f) => f.parentId)).toEqual([parent.id, parent.id, parent.id, parent.id]);
    expect(created.map((f) => f.displayName)).toEqual(names.map(([, name]) => name));
    expect(created.map((f) => f.folderClass)).toEqual([
      'IPF.Note',
      'IPF.Appointment',
      'IPF.Contact',
      'IPF.Task',
    ]);
  });

  it('MS-OXWSFOLD_R216, MS-OXWSFOLD_R217, MS-OXWSFOLD_R22203: refuses a missing parent and a name that exists, with ResponseClass Error', async () => {
    const missingParent = await ews.call(
      '<m:CreateFolder><m:ParentFolderId><t:FolderId Id="AAMkNoSuchParent"/></m:ParentFolderId><m:Folders><t:Folder><t:DisplayName>Orphan</t:DisplayName></t:Folder></m:Folders></m:CreateFolder>',
    );
    expect(firstMessage(missingParent).attrs.ResponseClass).toBe('Error');
    expect(responseCode(firstMessage(missingParent))).toBe('ErrorFolderNotFound');
    const existing = folder('Existing');
    const again = await ews.call(
      `<m:CreateFolder><m:ParentFolderId><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderId><m:Folders><t:Folder><t:DisplayName>${existing.displayName}</t:DisplayName></t:Folder></m:Folders></m:CreateFolder>`,
    );
    expect(firstMessage(again).attrs.ResponseClass).toBe('Error');
    expect(responseCode(firstMessage(again))).toBe('ErrorFolderExists');
  });
});

describe('DeleteFolder', () => {
  it('MS-OXWSFOLD_R306, MS-OXWSFOLD_R341, MS-OXWSFOLD_R34301, MS-OXWSFOLD_R3104, MS-OXWSFOLD_R31044: HardDelete removes every folder named, with its items', async () => {
    const a = folder('Hard A');
    const b = folder('Hard B');
    const item = message(a.id);
    const answer = await ews.call(
      `<m:DeleteFolder DeleteType="HardDelete"><m:FolderIds><t:FolderId Id="${a.id}"/><t:FolderId Id="${b.id}"/></m:FolderIds></m:DeleteFolder>`,
    );
    expect(messagesOf(answer).map((m) => [m.attrs.ResponseClass, responseCode(m)])).toEqual([
      ['Success', 'NoError'],
      ['Success', 'NoError'],
    ]);
    expect(sb.store.folder(ada.id, a.id)).toBeUndefined();
    expect(sb.store.folder(ada.id, b.id)).toBeUndefined();
    expect(sb.store.item(ada.id, item.id)).toBeUndefined();
  });

  it('MS-OXWSFOLD_R34302: MoveToDeletedItems moves the folder into Deleted Items', async () => {
    const a = folder('Soft');
    await ews.call(
      `<m:DeleteFolder DeleteType="MoveToDeletedItems"><m:FolderIds><t:FolderId Id="${a.id}"/></m:FolderIds></m:DeleteFolder>`,
    );
    expect(sb.store.folder(ada.id, a.id)!.parentId).toBe(distinguished('deleteditems').id);
  });

  it('MS-OXWSFOLD_R308, MS-OXWSFOLD_R309, MS-OXWSFOLD_R31045: refuses default folders and folders that do not exist', async () => {
    const answer = await ews.call(
      '<m:DeleteFolder DeleteType="HardDelete"><m:FolderIds><t:DistinguishedFolderId Id="inbox"/><t:DistinguishedFolderId Id="deleteditems"/><t:FolderId Id="AAMkGone"/></m:FolderIds></m:DeleteFolder>',
    );
    expect(messagesOf(answer).map((m) => [m.attrs.ResponseClass, responseCode(m)])).toEqual([
      ['Error', 'ErrorDeleteDistinguishedFolder'],
      ['Error', 'ErrorDeleteDistinguishedFolder'],
      ['Error', 'ErrorFolderNotFound'],
    ]);
    expect(distinguished('inbox')).toBeDefined();
  });
});

describe('EmptyFolder', () => {
  it('MS-OXWSFOLD_R344, MS-OXWSFOLD_R345, MS-OXWSFOLD_R3791, MS-OXWSFOLD_R380, MS-OXWSFOLD_R37801, MS-OXWSFOLD_R3474, MS-OXWSFOLD_R34744: empties a folder and, with DeleteSubFolders true, its subfolders with their messages', async () => {
    const top = folder('Empty me');
    const sub = folder('Sub', top);
    const items = [message(top.id), message(top.id)];
    const inSub = message(sub.id);
    const answer = await ews.call(
      `<m:EmptyFolder DeleteType="HardDelete" DeleteSubFolders="true"><m:FolderIds><t:FolderId Id="${top.id}"/></m:FolderIds></m:EmptyFolder>`,
    );
    expect(firstMessage(answer).attrs.ResponseClass).toBe('Success');
    expect(responseCode(firstMessage(answer))).toBe('NoError');
    expect(sb.store.items(ada.id, top.id)).toEqual([]);
    for (const i of [...items, inSub]) expect(sb.store.item(ada.id, i.id)).toBeUndefined();
    expect(sb.store.folder(ada.id, sub.id)).toBeUndefined();
    expect(sb.store.folder(ada.id, top.id)).toBeDefined();
  });

  it('MS-OXWSFOLD_R381, MS-OXWSFOLD_R37802: with DeleteSubFolders false keeps subfolders; MoveToDeletedItems moves the items to Deleted Items', async () => {
    const top = folder('Keep subs');
    const sub = folder('Kept', top);
    const item = message(top.id);
    await ews.call(
      `<m:EmptyFolder DeleteType="MoveToDeletedItems" DeleteSubFolders="false"><m:FolderIds><t:FolderId Id="${top.id}"/></m:FolderIds></m:EmptyFolder>`,
    );
    expect(sb.store.folder(ada.id, sub.id)).toBeDefined();
    expect(sb.store.item(ada.id, item.id)!.folderId).toBe(distinguished('deleteditems').id);
  });

  it('MS-OXWSFOLD_R34745: an EmptyFolder that fails answers ResponseClass Error', async () => {
    const answer = await ews.call(
      '<m:EmptyFolder DeleteType="HardDelete" DeleteSubFolders="false"><m:FolderIds><t:FolderId Id="AAMkGone"/></m:FolderIds></m:EmptyFolder>',
    );
    expect(firstMessage(answer).attrs.ResponseClass).toBe('Error');
  });
});

describe('MoveFolder and CopyFolder', () => {
  it('MS-OXWSFOLD_R429, MS-OXWSFOLD_R430, MS-OXWSFOLD_R594, MS-OXWSFOLD_R595, MS-OXWSFOLD_R596, MS-OXWSFOLD_R43144, MS-OXWSFOLD_R4314: moves a folder with its properties, contents and subfolders', async () => {
    const moving = sb.store.createFolder(
      ada.id,
      { parentId: distinguished('inbox').id, displayName: unique('Moving'), folderClass: 'IPF.Contact' },
      'user',
    );
    const sub = folder('Moving sub', moving);
    const item = sb.store.createItem(
      ada.id,
      moving.id,
      'contact',
      { givenName: 'Moved', emailAddresses: [], phones: {}, addresses: {}, categories: [] },
      'user',
    );
    const answer = await ews.call(
      `<m:MoveFolder><m:ToFolderId><t:DistinguishedFolderId Id="contacts"/></m:ToFolderId><m:FolderIds><t:FolderId Id="${moving.id}"/></m:FolderIds></m:MoveFolder>`,
    );
    expect(firstMessage(answer).attrs.ResponseClass).toBe('Success');
    expect(responseCode(firstMessage(answer))).toBe('NoError');
    const after = sb.store.folder(ada.id, moving.id)!;
    expect(after.parentId).toBe(distinguished('contacts').id);
    expect([after.displayName, after.folderClass]).toEqual([moving.displayName, 'IPF.Contact']);
    expect(sb.store.item(ada.id, item.id)!.folderId).toBe(moving.id);
    expect(sb.store.folder(ada.id, sub.id)!.parentId).toBe(moving.id);
  });

  it('MS-OXWSFOLD_R4315: a MoveFolder that fails answers ResponseClass Error', async () => {
    const answer = await ews.call(
      '<m:MoveFolder><m:ToFolderId><t:DistinguishedFolderId Id="drafts"/></m:ToFolderId><m:FolderIds><t:DistinguishedFolderId Id="calendar"/></m:FolderIds></m:MoveFolder>',
    );
    expect(firstMessage(answer).attrs.ResponseClass).toBe('Error');
    expect(responseCode(firstMessage(answer))).toBe('ErrorMoveDistinguishedFolder');
  });

  it('MS-OXWSFOLD_R555, MS-OXWSFOLD_R1852, MS-OXWSFOLD_R185222, MS-OXWSFOLD_R185223: CopyFolder copies and returns the copy’s id and change key; a failed copy answers Error', async () => {
    const source = folder('Copy source');
    message(source.id);
    const answer = await ews.call(
      `<m:CopyFolder><m:ToFolderId><t:DistinguishedFolderId Id="drafts"/></m:ToFolderId><m:FolderIds><t:FolderId Id="${source.id}"/></m:FolderIds></m:CopyFolder>`,
    );
    const m = firstMessage(answer);
    expect(m.attrs.ResponseClass).toBe('Success');
    expect(responseCode(m)).toBe('NoError');
    const id = descendant(m, 'Folders', 'Folder', 'FolderId')!;
    const copy = sb.store.folder(ada.id, id.attrs.Id)!;
    expect(id.attrs.ChangeKey).toBe(copy.changeKey);
    expect(copy.parentId).toBe(distinguished('drafts').id);
    expect(sb.store.items(ada.id, copy.id)).toHaveLength(1);
    expect(sb.store.items(ada.id, source.id)).toHaveLength(1);
    const failed = await ews.call(
      '<m:CopyFolder><m:ToFolderId><t:DistinguishedFolderId Id="drafts"/></m:ToFolderId><m:FolderIds><t:FolderId Id="AAMkGone"/></m:FolderIds></m:CopyFolder>',
    );
    expect(firstMessage(failed).attrs.ResponseClass).toBe('Error');
  });
});

describe('UpdateFolder and GetFolder', () => {
  it('MS-OXWSFOLD_R5251, MS-OXWSFOLD_R531, MS-OXWSFOLD_R46444, MS-OXWSFOLD_R4644, MS-OXWSFOLD_R4645, MS-OXWSFOLD_R507, MS-OXWSFOLD_R5241: SetFolderField renames; AppendToFolderField and unknown folders answer errors', async () => {
    const target = folder('Rename me');
    const renamed = unique('Renamed');
    const set = await ews.call(
      `<m:UpdateFolder><m:FolderChanges><t:FolderChange><t:FolderId Id="${target.id}"/><t:Updates><t:SetFolderField><t:FieldURI FieldURI="folder:DisplayName"/><t:Folder><t:DisplayName>${renamed}</t:DisplayName></t:Folder></t:SetFolderField></t:Updates></t:FolderChange></m:FolderChanges></m:UpdateFolder>`,
    );
    expect([firstMessage(set).attrs.ResponseClass, responseCode(firstMessage(set))]).toEqual([
      'Success',
      'NoError',
    ]);
    expect(sb.store.folder(ada.id, target.id)!.displayName).toBe(renamed);
    const append = await ews.call(
      `<m:UpdateFolder><m:FolderChanges><t:FolderChange><t:FolderId Id="${target.id}"/><t:Updates><t:AppendToFolderField><t:FieldURI FieldURI="folder:DisplayName"/><t:Folder><t:DisplayName> more</t:DisplayName></t:Folder></t:AppendToFolderField></t:Updates></t:FolderChange></m:FolderChanges></m:UpdateFolder>`,
    );
    expect(firstMessage(append).attrs.ResponseClass).toBe('Error');
    expect(sb.store.folder(ada.id, target.id)!.displayName).toBe(renamed);
    const unknown = await ews.call(
      '<m:UpdateFolder><m:FolderChanges><t:FolderChange><t:FolderId Id="AAMkGone"/><t:Updates><t:SetFolderField><t:FieldURI FieldURI="folder:DisplayName"/><t:Folder><t:DisplayName>x</t:DisplayName></t:Folder></t:SetFolderField></t:Updates></t:FolderChange></m:FolderChanges></m:UpdateFolder>',
    );
    expect(firstMessage(unknown).attrs.ResponseClass).toBe('Error');
  });

  it('MS-OXWSFOLD_R38644, MS-OXWSFOLD_R38645, MS-OXWSFOLD_R423, MS-OXWSFOLD_R4231, MS-OXWSFOLD_R421, MS-OXWSFOLD_R42101, MS-OXWSFOLD_R42102, MS-OXWSFOLD_R42103, MS-OXWSFOLD_R42104, MS-OXWSFOLD_R426, MS-OXWSFOLD_R428: GetFolder answers each id with the shape asked for', async () => {
    const f = folder('Shapes');
    const get = (shape: string) =>
      ews.call(
        `<m:GetFolder><m:FolderShape>${shape}</m:FolderShape><m:FolderIds><t:FolderId Id="${f.id}" ChangeKey="${f.changeKey}"/><t:DistinguishedFolderId Id="inbox"/><t:FolderId Id="AAMkGone"/></m:FolderIds></m:GetFolder>`,
      );
    const idOnly = messagesOf(await get('<t:BaseShape>IdOnly</t:BaseShape>'));
    expect(idOnly.map(responseCode)).toEqual(['NoError', 'NoError', 'ErrorFolderNotFound']);
    expect(idOnly[2].attrs.ResponseClass).toBe('Error');
    const first = descendant(idOnly[0], 'Folders', 'Folder')!;
    expect(first.children.map((c) => c.name)).toEqual(['FolderId']);
    expect(descendant(first, 'FolderId')!.attrs).toMatchObject({ Id: f.id, ChangeKey: f.changeKey });
    expect(descendant(idOnly[1], 'Folders', 'Folder', 'FolderId')!.attrs.Id).toBe(distinguished('inbox').id);
    const dflt = descendant(
      messagesOf(await get('<t:BaseShape>Default</t:BaseShape>'))[0],
      'Folders',
      'Folder',
    )!;
    expect(dflt.children.map((c) => c.name)).toEqual([
      'FolderId',
      'FolderClass',
      'DisplayName',
      'TotalCount',
      'ChildFolderCount',
      'UnreadCount',
    ]);
    const allProps = descendant(
      messagesOf(await get('<t:BaseShape>AllProperties</t:BaseShape>'))[0],
      'Folders',
      'Folder',
    )!;
    expect(allProps.children.map((c) => c.name)).toContain('ParentFolderId');
    const additional = descendant(
      messagesOf(
        await get(
          '<t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="folder:DisplayName"/></t:AdditionalProperties>',
        ),
      )[0],
      'Folders',
      'Folder',
    )!;
    expect(additional.children.map((c) => c.name)).toEqual(['FolderId', 'DisplayName']);
  });
});

describe('MarkAsJunk', () => {
  it('MS-OXWSCORE_R1789, MS-OXWSCORE_R1832, MS-OXWSCORE_R1837, MS-OXWSCORE_R1920, MS-OXWSCORE_R1921, MS-OXWSCORE_R1922, MS-OXWSCORE_R1923, MS-OXWSCORE_R1851: moves to Junk Email and back to the Inbox only when MoveItem is true', async () => {
    const inbox = distinguished('inbox');
    const junk = distinguished('junkemail');
    const a = message(inbox.id, 'Junk A');
    const b = message(inbox.id, 'Junk B');
    const mark = (isJunk: boolean, move: boolean) =>
      ews.call(
        `<m:MarkAsJunk IsJunk="${isJunk}" MoveItem="${move}"><m:ItemIds><t:ItemId Id="${a.id}"/><t:ItemId Id="${b.id}"/></m:ItemIds></m:MarkAsJunk>`,
      );
    const stay = await mark(true, false);
    expect(messagesOf(stay).map(responseCode)).toEqual(['NoError', 'NoError']);
    expect([sb.store.item(ada.id, a.id)!.folderId, sb.store.item(ada.id, b.id)!.folderId]).toEqual([
      inbox.id,
      inbox.id,
    ]);
    const moved = await mark(true, true);
    expect(messagesOf(moved).map((m) => descendant(m, 'MovedItemId')!.attrs.Id)).toEqual([a.id, b.id]);
    expect([sb.store.item(ada.id, a.id)!.folderId, sb.store.item(ada.id, b.id)!.folderId]).toEqual([
      junk.id,
      junk.id,
    ]);
    await mark(false, false);
    expect(sb.store.item(ada.id, a.id)!.folderId).toBe(junk.id);
    await mark(false, true);
    expect([sb.store.item(ada.id, a.id)!.folderId, sb.store.item(ada.id, b.id)!.folderId]).toEqual([
      inbox.id,
      inbox.id,
    ]);
  });
});
