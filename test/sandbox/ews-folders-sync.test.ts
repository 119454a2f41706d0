// Folders and synchronization: GetFolder, FindFolder, SyncFolderHierarchy, SyncFolderItems.

import type { Mailbox } from '@exsync/sandbox/model';
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

ewsSandboxForFile((started) => {
  ({ sb, ews, ada } = started);
});

const folderShape = (base = 'Default') => `<m:FolderShape><t:BaseShape>${base}</t:BaseShape></m:FolderShape>`;
const itemShape = (base = 'IdOnly') => `<m:ItemShape><t:BaseShape>${base}</t:BaseShape></m:ItemShape>`;

function syncItems(folder: string, max: number, state?: string, extra = '') {
  return ews.call(
    `<m:SyncFolderItems>${itemShape()}<m:SyncFolderId>${folder}</m:SyncFolderId>` +
      (state ? `<m:SyncState>${state}</m:SyncState>` : '') +
      `${extra}<m:MaxChangesReturned>${max}</m:MaxChangesReturned></m:SyncFolderItems>`,
    { record: max >= 1 && max <= 512 },
  );
}

async function syncToEnd(folder: string, max: number, state?: string) {
  const seen: Array<{ type: string; id: string }> = [];
  let calls = 0;
  for (;;) {
    const message = firstMessage(await syncItems(folder, max, state));
    expect(responseCode(message)).toBe('NoError');
    calls += 1;
    const changes = descendant(message, 'Changes')!.children;
    expect(changes.length).toBeLessThanOrEqual(max);
    for (const c of changes) seen.push({ type: c.name, id: all(c, 'ItemId')[0].attrs.Id });
    state = descendant(message, 'SyncState')!.text;
    if (descendant(message, 'IncludesLastItemInRange')!.text === 'true') break;
  }
  return { seen, state: state!, calls };
}

describe('GetFolder', () => {
  it('MS-OXWSFOLD_R3864, MS-OXWSFOLD_R572: returns distinguished folders with their class and counts', async () => {
    const answer = await ews.call(
      `<m:GetFolder>${folderShape('AllProperties')}<m:FolderIds><t:DistinguishedFolderId Id="inbox"/><t:DistinguishedFolderId Id="contacts"/><t:DistinguishedFolderId Id="calendar"/><t:DistinguishedFolderId Id="tasks"/></m:FolderIds></m:GetFolder>`,
    );
    const messages = descendant(answer.body, 'ResponseMessages')!.children;
    expect(messages.map(responseCode)).toEqual(['NoError', 'NoError', 'NoError', 'NoError']);
    expect(messages.map((m) => descendant(m, 'Folders')!.children[0].name)).toEqual([
      'Folder',
      'ContactsFolder',
      'CalendarFolder',
      'TasksFolder',
    ]);
    const contacts = descendant(messages[1], 'Folders', 'ContactsFolder')!;
    const stored = sb.store.distinguishedFolder(ada.id, 'contacts')!;
    expect(descendant(contacts, 'FolderId')!.attrs.Id).toBe(stored.id);
    expect(descendant(contacts, 'FolderClass')!.text).toBe('IPF.Contact');
    expect(Number(descendant(contacts, 'TotalCount')!.text)).toBe(sb.store.items(ada.id, stored.id).length);
  });

  it('answers an unknown FolderId with ErrorFolderNotFound in its response message', async () => {
    const answer = await ews.call(
      `<m:GetFolder>${folderShape()}<m:FolderIds><t:FolderId Id="AAMkNoSuchFolder"/></m:FolderIds></m:GetFolder>`,
    );
    const message = firstMessage(answer);
    expect(message.attrs.ResponseClass).toBe('Error');
    expect(responseCode(message)).toBe('ErrorFolderNotFound');
  });
});

describe('FindFolder', () => {
  it('Shallow lists children, Deep the whole subtree', async () => {
    const find = (traversal: string) =>
      ews.call(
        `<m:FindFolder Traversal="${traversal}">${folderShape()}<m:ParentFolderIds><t:DistinguishedFolderId Id="msgfolderroot"/></m:ParentFolderIds></m:FindFolder>`,
      );
    const root = sb.store.distinguishedFolder(ada.id, 'msgfolderroot')!;
    const folders = sb.store.folders(ada.id);
    const shallow = all(firstMessage(await find('Shallow')), 'FolderId').map((f) => f.attrs.Id);
    expect(new Set(shallow)).toEqual(new Set(folders.filter((f) => f.parentId === root.id).map((f) => f.id)));
    const deep = all(firstMessage(await find('Deep')), 'FolderId').map((f) => f.attrs.Id);
    const below = (id: string): string[] =>
      folders.filter((f) => f.parentId === id).flatMap((f) => [f.id, ...below(f.id)]);
    expect(new Set(deep)).toEqual(new Set(below(root.id)));
    expect(deep.length).toBeGreaterThan(shallow.length);
  });

  it('pages with IndexedPageFolderView', async () => {
    const page = (offset: number) =>
      ews.call(
        `<m:FindFolder Traversal="Deep">${folderShape('IdOnly')}<m:IndexedPageFolderView MaxEntriesReturned="3" Offset="${offset}" BasePoint="Beginning"/><m:ParentFolderIds><t:DistinguishedFolderId Id="msgfolderroot"/></m:ParentFolderIds></m:FindFolder>`,
      );
    const first = descendant(firstMessage(await page(0)), 'RootFolder')!;
    expect(first.attrs.IncludesLastItemInRange).toBe('false');
    expect(first.attrs.IndexedPagingOffset).toBe('3');
    const total = Number(first.attrs.TotalItemsInView);
    const ids: string[] = [];
    for (let offset = 0; offset < total; offset += 3) {
      ids.push(...all(firstMessage(await page(offset)), 'FolderId').map((f) => f.attrs.Id));
    }
    expect(new Set(ids).size).toBe(total);
  });
});

describe('SyncFolderHierarchy', () => {
  it('MS-OXWSSYNC_R262, MS-OXWSSYNC_R503, MS-OXWSSYNC_R84, MS-OXWSSYNC_R85, MS-OXWSSYNC_R87, MS-OXWSSYNC_R4601: reports every folder without a SyncState, then only changes', async () => {
    const first = firstMessage(
      await ews.call(`<m:SyncFolderHierarchy>${folderShape('AllProperties')}</m:SyncFolderHierarchy>`),
    );
    expect(responseCode(first)).toBe('NoError');
    const created = descendant(first, 'Changes')!.children.filter((c) => c.name === 'Create');
    expect(created.length).toBe(sb.store.folders(ada.id).length - 1);
    const state = descendant(first, 'SyncState')!.text;
    expect(descendant(first, 'IncludesLastFolderInRange')!.text).toBe('true');

    const contacts = sb.store.distinguishedFolder(ada.id, 'contacts')!;
    const added = sb.store.createFolder(
      ada.id,
      { parentId: contacts.id, displayName: 'Partners', folderClass: 'IPF.Contact' },
      'user',
    );
    const next = firstMessage(
      await ews.call(
        `<m:SyncFolderHierarchy>${folderShape('AllProperties')}<m:SyncState>${state}</m:SyncState></m:SyncFolderHierarchy>`,
      ),
    );
    const changes = descendant(next, 'Changes')!.children;
    expect(changes).toHaveLength(1);
    expect(changes[0].name).toBe('Create');
    expect(descendant(changes[0], 'ContactsFolder', 'DisplayName')!.text).toBe('Partners');

    sb.store.updateFolder(ada.id, added.id, { displayName: 'Key partners' }, 'user');
    const renamed = firstMessage(
      await ews.call(
        `<m:SyncFolderHierarchy>${folderShape()}<m:SyncState>${descendant(next, 'SyncState')!.text}</m:SyncState></m:SyncFolderHierarchy>`,
      ),
    );
    expect(descendant(renamed, 'Changes')!.children.map((c) => c.name)).toEqual(['Update']);
    expect(descendant(renamed, 'Changes', 'Update', 'ContactsFolder', 'DisplayName')!.text).toBe(
      'Key partners',
    );

    sb.store.deleteFolder(ada.id, added.id, 'user');
    const after = firstMessage(
      await ews.call(
        `<m:SyncFolderHierarchy>${folderShape()}<m:SyncState>${descendant(renamed, 'SyncState')!.text}</m:SyncState></m:SyncFolderHierarchy>`,
      ),
    );
    const deleted = descendant(after, 'Changes')!.children;
    expect(deleted.map((c) => c.name)).toEqual(['Delete']);
    expect(descendant(deleted[0], 'FolderId')!.attrs.Id).toBe(added.id);
  });
});

describe('SyncFolderItems', () => {
  const contacts = '<t:DistinguishedFolderId Id="contacts"/>';

  it('MS-OXWSSYNC_R382, MS-OXWSSYNC_R3891, MS-OXWSSYNC_R6701, MS-OXWSSYNC_R6702, MS-OXWSSYNC_R131: a full sync in batches returns every item once and ends with IncludesLastItemInRange', async () => {
    const folder = sb.store.distinguishedFolder(ada.id, 'contacts')!;
    const expected = sb.store.items(ada.id, folder.id).map((i) => i.id);
    expect(expected.length).toBeGreaterThan(5);
    const { seen, calls } = await syncToEnd(contacts, 5);
    expect(seen.every((s) => s.type === 'Create')).toBe(true);
    expect(seen.map((s) => s.id).sort()).toEqual([...expected].sort());
    expect(calls).toBe(Math.ceil(expected.length / 5));
  });

  it('MS-OXWSSYNC_R262, MS-OXWSSYNC_R160, MS-OXWSSYNC_R1611: a first sync in pages after deletions and an update is creates of what exists, each once', async () => {
    const folder = sb.store.createFolder(
      ada.id,
      {
        parentId: sb.store.distinguishedFolder(ada.id, 'contacts')!.id,
        displayName: 'Paged first sync',
        folderClass: 'IPF.Contact',
      },
      'user',
    );
    const ids = Array.from(
      { length: 130 },
      (_, i) =>
        sb.store.createItem(
          ada.id,
          folder.id,
          'contact',
          { givenName: `P${i}`, emailAddresses: [], phones: {}, addresses: {}, categories: [] },
          'user',
        ).id,
    );
    sb.store.deleteItem(ada.id, ids[2], 'hard', 'user');
    sb.store.deleteItem(ada.id, ids[70], 'hard', 'user');
    sb.store.updateItem(ada.id, ids[10], { jobTitle: 'Updated before the sync' }, 'user');
    const { seen } = await syncToEnd(`<t:FolderId Id="${folder.id}"/>`, 50);
    expect(seen.filter((s) => s.type !== 'Create')).toEqual([]);
    const firstPage = firstMessage(await syncItems(`<t:FolderId Id="${folder.id}"/>`, 5));
    const creates = descendant(firstPage, 'Changes')!.children;
    expect(creates.map((c) => [c.name, c.children[0]?.name])).toEqual(Array(5).fill(['Create', 'Contact']));
    expect(seen.map((s) => s.id).sort()).toEqual(
      sb.store
        .items(ada.id, folder.id)
        .map((i) => i.id)
        .sort(),
    );
  });

  it('MS-OXWSSYNC_R504, MS-OXWSSYNC_R132, MS-OXWSSYNC_R134, MS-OXWSSYNC_R136, MS-OXWSSYNC_R70: an incremental sync returns updates, deletes and read-flag changes', async () => {
    const { state } = await syncToEnd('<t:DistinguishedFolderId Id="inbox"/>', 512);
    const inbox = sb.store.distinguishedFolder(ada.id, 'inbox')!;
    const [a, b, c] = sb.store.items(ada.id, inbox.id);
    sb.store.updateItem(ada.id, a.id, { subject: 'Changed by the user' }, 'user');
    sb.store.deleteItem(ada.id, b.id, 'hard', 'user');
    sb.store.updateItem(ada.id, c.id, { isRead: !(c.data as { isRead: boolean }).isRead }, 'user');
    const { seen } = await syncToEnd('<t:DistinguishedFolderId Id="inbox"/>', 512, state);
    expect(seen).toEqual(
      expect.arrayContaining([
        { type: 'Update', id: a.id },
        { type: 'Delete', id: b.id },
      ]),
    );
    expect(seen.find((s) => s.id === c.id)?.type).toMatch(/ReadFlagChange|Update/);
  });

  it('MS-OXWSSYNC_R385: leaves out the items named in Ignore', async () => {
    const { state } = await syncToEnd(contacts, 512);
    const folder = sb.store.distinguishedFolder(ada.id, 'contacts')!;
    const [x, y] = sb.store.items(ada.id, folder.id);
    sb.store.updateItem(ada.id, x.id, { jobTitle: 'CTO' }, 'user');
    sb.store.updateItem(ada.id, y.id, { jobTitle: 'CFO' }, 'user');
    const message = firstMessage(
      await syncItems(contacts, 100, state, `<m:Ignore><t:ItemId Id="${x.id}"/></m:Ignore>`),
    );
    const ids = all(descendant(message, 'Changes'), 'ItemId').map((i) => i.attrs.Id);
    expect(ids).toEqual([y.id]);
  });

  it.each([0, 513, 600])(
    'MS-OXWSSYNC_R389: MaxChangesReturned %i is refused with ErrorSchemaValidation',
    async (max) => {
      const answer = await syncItems(contacts, max);
      expect(answer.status).toBe(500);
      expect(faultCode(answer)).toBe('ErrorSchemaValidation');
    },
  );

  it('MS-OXWSCDATA_R518, MS-OXWSCDATA_R5188: answers a SyncState it did not issue, or one for another folder, with ErrorInvalidSyncStateData', async () => {
    const bad = firstMessage(await syncItems(contacts, 10, 'bm90IGEgc3luYyBzdGF0ZQ=='));
    expect(responseCode(bad)).toBe('ErrorInvalidSyncStateData');
    const { state } = await syncToEnd('<t:DistinguishedFolderId Id="calendar"/>', 512);
    const other = firstMessage(await syncItems(contacts, 10, state));
    expect(responseCode(other)).toBe('ErrorInvalidSyncStateData');
    const hierarchy = firstMessage(
      await ews.call(
        `<m:SyncFolderHierarchy>${folderShape('IdOnly')}<m:SyncState>${state}</m:SyncState></m:SyncFolderHierarchy>`,
      ),
    );
    expect(responseCode(hierarchy)).toBe('ErrorInvalidSyncStateData');
  });

  it('answers expired sync states with ErrorInvalidSyncStateData, by store rule and by injected fault', async () => {
    const { state } = await syncToEnd(contacts, 512);
    sb.faults.add({
      protocol: 'ews',
      operation: 'SyncFolderItems',
      fault: { kind: 'expireSyncState' },
      times: 1,
    });
    expect(responseCode(firstMessage(await syncItems(contacts, 10, state)))).toBe(
      'ErrorInvalidSyncStateData',
    );
    expect(responseCode(firstMessage(await syncItems(contacts, 10, state)))).toBe('NoError');
    sb.store.expireSyncStates(ada.id);
    expect(responseCode(firstMessage(await syncItems(contacts, 10, state)))).toBe(
      'ErrorInvalidSyncStateData',
    );
    // Starting over works.
    expect((await syncToEnd(contacts, 512)).seen.length).toBeGreaterThan(0);
  });

  it('MS-OXWSSYNC_R44, MS-OXWSSYNC_R65: SyncState is base64 in both sync responses', async () => {
    const base64 = /^[A-Za-z0-9+/]+={0,2}$/;
    const hierarchy = firstMessage(
      await ews.call(`<m:SyncFolderHierarchy>${folderShape('IdOnly')}</m:SyncFolderHierarchy>`),
    );
    expect(descendant(hierarchy, 'SyncState')!.text).toMatch(base64);
    const items = firstMessage(await syncItems(contacts, 1));
    expect(descendant(items, 'SyncState')!.text).toMatch(base64);
  });

  it('MS-OXWSSYNC_R259, MS-OXWSSYNC_R2601: SyncFolderHierarchy with a SyncFolderId reports only that subtree', async () => {
    const calendar = sb.store.distinguishedFolder(ada.id, 'calendar')!;
    const message = firstMessage(
      await ews.call(
        `<m:SyncFolderHierarchy>${folderShape('IdOnly')}<m:SyncFolderId><t:DistinguishedFolderId Id="calendar"/></m:SyncFolderId></m:SyncFolderHierarchy>`,
      ),
    );
    const ids = all(descendant(message, 'Changes'), 'FolderId').map((f) => f.attrs.Id);
    const below = sb.store
      .folders(ada.id)
      .filter((f) => f.parentId === calendar.id)
      .map((f) => f.id);
    expect(new Set(ids)).toEqual(new Set(below));
  });

  it('MS-OXWSSYNC_R3787: refuses IncludeMimeContent with ErrorInvalidPropertyForOperation', async () => {
    const answer = await ews.call(
      `<m:SyncFolderItems><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:IncludeMimeContent>true</t:IncludeMimeContent></m:ItemShape><m:SyncFolderId>${contacts}</m:SyncFolderId><m:MaxChangesReturned>5</m:MaxChangesReturned></m:SyncFolderItems>`,
    );
    expect(responseCode(firstMessage(answer))).toBe('ErrorInvalidPropertyForOperation');
  });

  it('MS-OXWSSYNC_R37801, MS-OXWSSYNC_R37802: FilterHtmlContent removes script blocks only when true', async () => {
    const folder = sb.store.createFolder(
      ada.id,
      {
        parentId: sb.store.distinguishedFolder(ada.id, 'inbox')!.id,
        displayName: 'Filtered',
        folderClass: 'IPF.Note',
      },
      'user',
    );
    sb.store.createItem(
      ada.id,
      folder.id,
      'message',
      {
        subject: 'Scripted',
        body: { contentType: 'html', content: '<p>Hi</p><script>alert(1)</script>' },
      } as never,
      'user',
    );
    const body = async (filter: boolean) => {
      const answer = await ews.call(
        `<m:SyncFolderItems><m:ItemShape><t:BaseShape>AllProperties</t:BaseShape><t:FilterHtmlContent>${filter}</t:FilterHtmlContent></m:ItemShape><m:SyncFolderId><t:FolderId Id="${folder.id}"/></m:SyncFolderId><m:MaxChangesReturned>5</m:MaxChangesReturned></m:SyncFolderItems>`,
      );
      return descendant(firstMessage(answer), 'Changes', 'Create', 'Message', 'Body')!.text;
    };
    expect(await body(true)).toBe('<p>Hi</p>');
    expect(await body(false)).toContain('<script>');
  });

  it('returns full items with ItemShape AllProperties', async () => {
    const answer = await ews.call(
      `<m:SyncFolderItems>${itemShape('AllProperties')}<m:SyncFolderId>${contacts}</m:SyncFolderId><m:MaxChangesReturned>2</m:MaxChangesReturned></m:SyncFolderItems>`,
    );
    const created = all(firstMessage(answer), 'Contact');
    expect(created).toHaveLength(2);
    expect(descendant(created[0], 'DisplayName')).toBeDefined();
  });
});
