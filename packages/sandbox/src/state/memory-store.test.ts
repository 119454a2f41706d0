import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ContactData, MessageData } from '../model.ts';
import { StoreError } from '../model.ts';
import type { SyncPosition } from '../store-api.ts';
import { DEFAULT_FOLDERS } from './default-folders.ts';
import { createStore, loadStore } from './index.ts';

function contact(name: string): ContactData {
  return {
    givenName: name,
    displayName: name,
    emailAddresses: [],
    phones: {},
    addresses: {},
    categories: [],
  };
}

function setup(options: Parameters<typeof createStore>[0] = {}) {
  const store = createStore(options);
  const tenant = store.addTenant({ domain: 'contoso.test' });
  const mailbox = store.addMailbox({
    tenantId: tenant.id,
    address: 'Ann@Contoso.test',
    displayName: 'Ann',
    password: 'pw',
  });
  const contacts = store.distinguishedFolder(mailbox.id, 'contacts')!;
  return { store, tenant, mailbox, contacts };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof StoreError) return error.code;
    throw error;
  }
  return undefined;
}

describe('mailboxes and folders', () => {
  it('creates the default folders with distinguished ids and classes', () => {
    const { store, mailbox } = setup();
    const byDistinguished = new Map(store.folders(mailbox.id).map((f) => [f.distinguishedId, f]));
    for (const id of [
      'root',
      'msgfolderroot',
      'inbox',
      'sentitems',
      'deleteditems',
      'drafts',
      'outbox',
      'contacts',
      'calendar',
      'tasks',
    ]) {
      expect(byDistinguished.has(id as never)).toBe(true);
    }
    expect(byDistinguished.get('root')!.parentId).toBeNull();
    expect(byDistinguished.get('inbox')!.parentId).toBe(byDistinguished.get('msgfolderroot')!.id);
    expect(byDistinguished.get('contacts')!.folderClass).toBe('IPF.Contact');
    expect(byDistinguished.get('calendar')!.folderClass).toBe('IPF.Appointment');
    expect(byDistinguished.get('tasks')!.folderClass).toBe('IPF.Task');
    expect(store.mailbox('ANN@contoso.TEST')!.id).toBe(mailbox.id);
  });

  it('logs folder creation, rename and deletion as net changes', () => {
    const { store, mailbox, contacts } = setup();
    const before = store.headPosition(mailbox.id, null);
    const sub = store.createFolder(
      mailbox.id,
      { parentId: contacts.id, displayName: 'Clients', folderClass: 'IPF.Contact' },
      'user',
    );
    const gone = store.createFolder(
      mailbox.id,
      { parentId: contacts.id, displayName: 'Temp', folderClass: 'IPF.Contact' },
      'user',
    );
    store.updateFolder(mailbox.id, sub.id, { displayName: 'Customers' }, 'user');
    store.deleteFolder(mailbox.id, gone.id, 'user');
    const page = store.folderChangesSince(before, 100);
    expect(page.done).toBe(true);
    expect(page.changes).toEqual([
      { type: 'create', folder: expect.objectContaining({ id: sub.id, displayName: 'Customers' }) },
    ]);
    expect(codeOf(() => store.deleteFolder(mailbox.id, contacts.id, 'user'))).toBe('invalidArgument');
    const full = store.folderChangesSince(store.startPosition(mailbox.id, null), 1000);
    // The default folders, and the one created above that is still there.
    expect(full.changes.filter((c) => c.type === 'create')).toHaveLength(DEFAULT_FOLDERS.length + 1);
  });
});

describe('items and change logs', () => {
  it('returns the net effect per item since a position', () => {
    const { store, mailbox, contacts } = setup();
    const kept = store.createItem(mailbox.id, contacts.id, 'contact', contact('kept'), 'user');
    const doomed = store.createItem(mailbox.id, contacts.id, 'contact', contact('doomed'), 'user');
    const edited = store.createItem(mailbox.id, contacts.id, 'contact', contact('edited'), 'user');
    const start = store.startPosition(mailbox.id, contacts.id);
    const mid = store.headPosition(mailbox.id, contacts.id);
    const created = store.createItem(mailbox.id, contacts.id, 'contact', contact('new'), 'user');
    store.updateItem(mailbox.id, created.id, { surname: 'X' }, 'user');
    const flash = store.createItem(mailbox.id, contacts.id, 'contact', contact('flash'), 'user');
    store.deleteItem(mailbox.id, flash.id, 'hard', 'user');
    store.updateItem(mailbox.id, edited.id, { surname: 'Y' }, 'user');
    store.updateItem(mailbox.id, doomed.id, { surname: 'Z' }, 'user');
    store.deleteItem(mailbox.id, doomed.id, 'hard', 'user');

    const page = store.itemChangesSince(mid, 100);
    expect(page.done).toBe(true);
    expect(page.changes.map((c) => [c.type, 'item' in c ? c.item.id : c.itemId])).toEqual([
      ['create', created.id],
      ['update', edited.id],
      ['delete', doomed.id],
    ]);
    const full = store.itemChangesSince(start, 100);
    expect(full.changes.map((c) => c.type)).toEqual(['create', 'create', 'create']);
    expect(new Set(full.changes.map((c) => ('item' in c ? c.item.id : '')))).toEqual(
      new Set([kept.id, created.id, edited.id]),
    );
    expect(store.itemChangesSince(page.next, 100)).toMatchObject({ changes: [], done: true });
  });

  it('pages oldest first and resumes where the previous page stopped', () => {
    const { store, mailbox, contacts } = setup();
    const ids = Array.from(
      { length: 25 },
      (_, i) => store.createItem(mailbox.id, contacts.id, 'contact', contact(`c${i}`), 'user').id,
    );
    let position: SyncPosition = store.startPosition(mailbox.id, contacts.id);
    const seen: string[] = [];
    let pages = 0;
    for (;;) {
      const page = store.itemChangesSince(position, 10);
      pages++;
      for (const c of page.changes) if (c.type === 'create') seen.push(c.item.id);
      position = store.decodePosition(store.encodePosition(page.next));
      if (page.done) break;
      expect(page.changes).toHaveLength(10);
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
  });

  it('reports a read-flag-only change as readFlag', () => {
    const { store, mailbox } = setup();
    const inbox = store.distinguishedFolder(mailbox.id, 'inbox')!;
    const data = { subject: 's', body: { contentType: 'text', content: '' }, isRead: false } as MessageData;
    const msg = store.createItem(mailbox.id, inbox.id, 'message', data, 'user');
    const pos = store.headPosition(mailbox.id, inbox.id);
    store.updateItem(mailbox.id, msg.id, { isRead: true }, 'user');
    expect(store.itemChangesSince(pos, 10).changes).toEqual([
      { type: 'readFlag', itemId: msg.id, isRead: true },
    ]);
    store.updateItem(mailbox.id, msg.id, { subject: 't' }, 'user');
    expect(store.itemChangesSince(pos, 10).changes[0].type).toBe('update');
  });

  it('keeps the id on a move, logging a delete in the old folder and a create in the new one', () => {
    const { store, mailbox, contacts } = setup();
    const other = store.createFolder(
      mailbox.id,
      { parentId: contacts.id, displayName: 'Other', folderClass: 'IPF.Contact' },
      'user',
    );
    const item = store.createItem(mailbox.id, contacts.id, 'contact', contact('m'), 'user');
    const fromPos = store.headPosition(mailbox.id, contacts.id);
    const toPos = store.headPosition(mailbox.id, other.id);
    const events: unknown[] = [];
    store.onChange((e) => events.push(e));
    const moved = store.moveItem(mailbox.id, item.id, other.id, 'user');
    expect(moved.id).toBe(item.id);
    expect(moved.changeKey).not.toBe(item.changeKey);
    expect(store.itemChangesSince(fromPos, 10).changes).toEqual([{ type: 'delete', itemId: item.id }]);
    expect(store.itemChangesSince(toPos, 10).changes).toEqual([
      { type: 'create', item: expect.objectContaining({ id: item.id }) },
    ]);
    expect(events).toEqual([
      {
        type: 'itemChanged',
        mailboxId: mailbox.id,
        folderId: other.id,
        itemId: item.id,
        change: 'move',
        oldFolderId: contacts.id,
      },
    ]);
    store.deleteItem(mailbox.id, item.id, 'moveToDeletedItems', 'user');
    expect(store.item(mailbox.id, item.id)!.folderId).toBe(
      store.distinguishedFolder(mailbox.id, 'deleteditems')!.id,
    );
  });

  it('refuses a stale change key and changes the key on every update', () => {
    const { store, mailbox, contacts } = setup();
    const item = store.createItem(mailbox.id, contacts.id, 'contact', contact('a'), 'user');
    const updated = store.updateItem(mailbox.id, item.id, { surname: 'B' }, 'user', item.changeKey);
    expect(updated.changeKey).not.toBe(item.changeKey);
    expect(
      codeOf(() => store.updateItem(mailbox.id, item.id, { surname: 'C' }, 'user', item.changeKey)),
    ).toBe('staleChangeKey');
    expect(codeOf(() => store.deleteItem(mailbox.id, item.id, 'hard', 'user', item.changeKey))).toBe(
      'staleChangeKey',
    );
    expect(store.updateItem(mailbox.id, item.id, { surname: undefined }, 'user').data).not.toHaveProperty(
      'surname',
    );
  });

  it('copies data in and out', () => {
    const { store, mailbox, contacts } = setup();
    const data = contact('a');
    const item = store.createItem(mailbox.id, contacts.id, 'contact', data, 'user');
    data.givenName = 'changed';
    (item.data as ContactData).givenName = 'changed too';
    expect((store.item(mailbox.id, item.id)!.data as ContactData).givenName).toBe('a');
  });

  it('finds the first item a test accepts in any folder, and hands out a copy', () => {
    const { store, mailbox, contacts } = setup();
    const other = store.createFolder(
      mailbox.id,
      { parentId: contacts.id, displayName: 'More', folderClass: 'IPF.Contact' },
      'user',
    );
    store.createItem(mailbox.id, contacts.id, 'contact', contact('a'), 'user');
    const b = store.createItem(mailbox.id, other.id, 'contact', contact('b'), 'user');
    store.createItem(mailbox.id, other.id, 'contact', contact('b'), 'user');
    const givenName = (i: { data: unknown }) => (i.data as ContactData).givenName;
    const found = store.findItem(mailbox.id, (i) => givenName(i) === 'b');
    expect(found?.id).toBe(b.id);
    (found!.data as ContactData).givenName = 'changed';
    expect(givenName(store.item(mailbox.id, b.id)!)).toBe('b');
    expect(store.findItem(mailbox.id, (i) => givenName(i) === 'c')).toBeUndefined();
  });
});

describe('a sync read in pages', () => {
  type Change = ReturnType<ReturnType<typeof createStore>['itemChangesSince']>['changes'][number];
  const idOf = (c: Change) => ('item' in c ? c.item.id : c.itemId);

  it('a first sync in pages is creates of what exists, nothing else', () => {
    const { store, mailbox, contacts } = setup();
    const ids = Array.from(
      { length: 120 },
      (_, i) => store.createItem(mailbox.id, contacts.id, 'contact', contact(`c${i}`), 'user').id,
    );
    store.deleteItem(mailbox.id, ids[3], 'hard', 'user');
    store.deleteItem(mailbox.id, ids[60], 'hard', 'user');
    store.updateItem(mailbox.id, ids[5], { jobTitle: 'Chemist' }, 'user');
    let position: SyncPosition = store.startPosition(mailbox.id, contacts.id);
    const seen: Change[] = [];
    for (;;) {
      const page = store.itemChangesSince(position, 50);
      seen.push(...page.changes);
      position = store.decodePosition(store.encodePosition(page.next));
      if (page.done) break;
    }
    expect(seen.filter((c) => c.type !== 'create')).toEqual([]);
    expect(seen.map(idOf).sort()).toEqual(
      store
        .items(mailbox.id, contacts.id)
        .map((i) => i.id)
        .sort(),
    );
  });

  it('leaves a client that applies every page with exactly the folder, whatever happens while it pages', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('create' as const) }),
      fc.record({ kind: fc.constantFrom('update' as const, 'delete' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('page' as const), size: fc.integer({ min: 1, max: 4 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.integer({ min: 0, max: 8 }), (ops, initial) => {
        const { store, mailbox, contacts } = setup();
        const live = () => store.items(mailbox.id, contacts.id).map((i) => i.id);
        for (let i = 0; i < initial; i++)
          store.createItem(mailbox.id, contacts.id, 'contact', contact(`i${i}`), 'user');
        const client = new Set<string>();
        let position: SyncPosition = store.startPosition(mailbox.id, contacts.id);
        const apply = (page: ReturnType<typeof store.itemChangesSince>) => {
          for (const c of page.changes) {
            const id = idOf(c);
            if (c.type === 'create') client.add(id);
            else if (c.type === 'delete') client.delete(id);
            // An update or read-flag change is only ever sent for an item the client holds.
            else expect(client.has(id)).toBe(true);
          }
          position = store.decodePosition(store.encodePosition(page.next));
        };
        for (const o of ops) {
          const ids = live();
          if (o.kind === 'create') store.createItem(mailbox.id, contacts.id, 'contact', contact('n'), 'user');
          else if (o.kind === 'page') apply(store.itemChangesSince(position, o.size));
          else if (ids.length > 0) {
            const id = ids[o.pick % ids.length];
            if (o.kind === 'update') store.updateItem(mailbox.id, id, { jobTitle: 'x' }, 'user');
            else store.deleteItem(mailbox.id, id, 'hard', 'user');
          }
        }
        for (;;) {
          const page = store.itemChangesSince(position, 3);
          apply(page);
          if (page.done) break;
        }
        expect([...client].sort()).toEqual(live().sort());
      }),
      { numRuns: 300 },
    );
  });
});

describe('sync positions', () => {
  it('refuses tokens it did not issue and tokens from another epoch', () => {
    const { store, mailbox, contacts } = setup();
    const other = setup().store;
    const token = store.encodePosition(store.headPosition(mailbox.id, contacts.id));
    expect(store.decodePosition(token).folderId).toBe(contacts.id);
    expect(codeOf(() => other.decodePosition(token))).toBe('invalidSyncState');
    expect(codeOf(() => store.decodePosition('bm90IGEgdG9rZW4gYXQgYWxsIQ'))).toBe('invalidSyncState');
    const tampered = token.slice(0, -2) + (token.endsWith('A') ? 'BB' : 'AA');
    expect(codeOf(() => store.decodePosition(tampered))).toBe('invalidSyncState');
  });

  it('expires positions on demand, by age and by distance', () => {
    let now = 1_000_000;
    const { store, mailbox, contacts } = setup({ now: () => now });
    const old = store.headPosition(mailbox.id, contacts.id);
    store.expireSyncStates(mailbox.id);
    expect(codeOf(() => store.itemChangesSince(old, 10))).toBe('invalidSyncState');
    const fresh = store.headPosition(mailbox.id, contacts.id);
    expect(store.itemChangesSince(fresh, 10).done).toBe(true);
    expect(store.itemChangesSince(store.startPosition(mailbox.id, contacts.id), 10).done).toBe(true);

    store.setSyncStateRule({ maxAgeMs: 60_000 });
    const token = store.encodePosition(fresh);
    now += 61_000;
    expect(codeOf(() => store.decodePosition(token))).toBe('invalidSyncState');

    store.setSyncStateRule({ maxAgeMs: 0, maxChangesBehind: 5 });
    const behind = store.headPosition(mailbox.id, contacts.id);
    for (let i = 0; i < 6; i++)
      store.createItem(mailbox.id, contacts.id, 'contact', contact(`x${i}`), 'user');
    expect(codeOf(() => store.itemChangesSince(behind, 10))).toBe('invalidSyncState');
  });

  it('lets a read from scratch after an expiry page through a folder larger than one page', () => {
    const { store, mailbox, contacts } = setup();
    for (let i = 0; i < 7; i++)
      store.createItem(mailbox.id, contacts.id, 'contact', contact(`c${i}`), 'user');
    store.expireSyncStates(mailbox.id);
    store.setSyncStateRule({ maxChangesBehind: 3 });
    // The positions of the new round point into the old log; they were issued after the expiry,
    // and the changes ahead of them are the round's own pages, not changes it fell behind on.
    let position = store.startPosition(mailbox.id, contacts.id);
    const seen: string[] = [];
    for (let pages = 0; pages < 10; pages++) {
      const page = store.itemChangesSince(store.decodePosition(store.encodePosition(position)), 2);
      for (const c of page.changes) if (c.type === 'create') seen.push(c.item.id);
      position = page.next;
      if (page.done) break;
    }
    expect(seen).toHaveLength(7);
    // A position issued before the expiry stays refused.
    store.expireSyncStates(mailbox.id);
    expect(codeOf(() => store.itemChangesSince(position, 2))).toBe('invalidSyncState');
  });
});

describe('snapshots', () => {
  it('round-trips state, change logs and positions', () => {
    const { store, mailbox, contacts } = setup();
    store.addApp({
      tenantId: mailbox.tenantId,
      displayName: 'App',
      redirectUris: ['http://x/cb'],
      applicationPermissions: ['Mail.Read'],
    });
    const a = store.createItem(mailbox.id, contacts.id, 'contact', contact('a'), 'user');
    const token = store.encodePosition(store.headPosition(mailbox.id, contacts.id));
    const b = store.createItem(mailbox.id, contacts.id, 'contact', contact('b'), 'user');
    store.deleteItem(mailbox.id, a.id, 'hard', 'user');

    const loaded = loadStore(JSON.parse(JSON.stringify(store.snapshot())));
    expect(loaded.epoch).toBe(store.epoch);
    expect(loaded.mailboxes()).toEqual(store.mailboxes());
    expect(loaded.apps()).toEqual(store.apps());
    expect(loaded.items(mailbox.id, contacts.id)).toEqual(store.items(mailbox.id, contacts.id));
    const page = loaded.itemChangesSince(loaded.decodePosition(token), 10);
    expect(page.changes.map((c) => c.type)).toEqual(['create', 'delete']);
    expect(page.changes[0]).toMatchObject({ item: { id: b.id } });
    const next = loaded.createItem(mailbox.id, contacts.id, 'contact', contact('c'), 'user');
    expect(next.changeKey).not.toBe(b.changeKey);
    expect(() => loadStore({ hello: 1 })).toThrow(StoreError);
  });
});
