// The owner of sync_links: create intents become links, update intents are recorded and
// completed, deletes wait marked for the guard, and the listing marks of a run's reads. On
// SQLite and, with EXSYNC_TEST_DB=postgres, PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, type TestStore } from '../../../test/support/db.ts';
import {
  completeUpdate,
  countLinked,
  countMarkedForDelete,
  deleteLinks,
  insertLinks,
  linkExported,
  linkedCountsIn,
  linkImported,
  linksByItem,
  linksByRecord,
  linksInState,
  markAwaitingListing,
  markDeletes,
  markedForDeleteAfter,
  markListedBy,
  type NewLink,
  noteImportAttempt,
  pendingDeletes,
  recordLinksAcross,
  recordLinksIn,
  recordsBySharedKey,
  recordsListedBy,
  recordUpdateIntents,
  stillAwaitingListing,
  toLinkState,
} from './links.ts';
import type { SyncScope } from './scope.ts';

const T0 = new Date('2026-12-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

let store: TestStore;
let mailbox = 0;
const scope = (): SyncScope => ({ mailboxId: `links-mailbox-${mailbox++}`, entity: 'contacts' });
beforeAll(async () => {
  store = await createTestStore();
});
afterAll(async () => {
  await store?.destroy();
});

const linked = (n: number, folderId = 'contacts'): NewLink => ({
  recordId: `r${n}`,
  folderId,
  itemId: `i${n}`,
  itemVersion: 'v1',
  recordVersion: 1,
  state: 'linked',
  origin: 'import',
  snapshot: { givenName: `G${n}` },
  fingerprint: null,
  intentJournalVersion: null,
  intentPosition: null,
});

const updatedAt = async (id: string) =>
  (
    await store.db
      .selectFrom('sync_links')
      .select('updated_at')
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
  ).updated_at;

describe('create intents', () => {
  it('an import intent records where its create shows in the journal, then becomes a link', async () => {
    const s = scope();
    const [id] = await insertLinks(
      store.db,
      s,
      [
        {
          ...linked(1),
          recordId: null,
          recordVersion: null,
          state: 'import_pending',
          intentJournalVersion: 5,
          intentPosition: 2,
        },
      ],
      at(1),
    );
    expect((await linksInState(store.db, s, 'import_pending')).map((l) => l.id)).toEqual([id]);
    await noteImportAttempt(store.db, id, { journalVersion: null }, at(2));
    expect((await linksByItem(store.db, s, ['i1'])).get('i1')).toMatchObject({
      intentJournalVersion: null,
      intentPosition: 2,
    });
    await noteImportAttempt(store.db, id, { journalVersion: 9, position: 0 }, at(3));
    expect((await linksByItem(store.db, s, ['i1'])).get('i1')).toMatchObject({
      intentJournalVersion: 9,
      intentPosition: 0,
    });
    await linkImported(store.db, id, { recordId: 'r1', recordVersion: 4 }, at(4));
    const link = (await linksByRecord(store.db, s, ['r1'])).get('r1')!;
    expect(link).toMatchObject({
      state: 'linked',
      recordId: 'r1',
      recordVersion: 4,
      intentJournalVersion: null,
      intentPosition: null,
    });
    expect(await updatedAt(id)).toBe(at(4).toISOString());
    expect(await countLinked(store.db, s)).toBe(1);
  });

  it('an export intent keeps its fingerprint until its item is linked', async () => {
    const s = scope();
    const [id] = await insertLinks(
      store.db,
      s,
      [
        {
          ...linked(2),
          itemId: null,
          itemVersion: null,
          state: 'export_pending',
          origin: 'export',
          fingerprint: 'fp',
        },
      ],
      at(1),
    );
    expect((await linksInState(store.db, s, 'export_pending'))[0]).toMatchObject({ id, fingerprint: 'fp' });
    await linkExported(store.db, id, { itemId: 'i2', itemVersion: 'v7' }, at(2));
    expect((await linksByItem(store.db, s, ['i2'])).get('i2')).toMatchObject({
      state: 'linked',
      itemVersion: 'v7',
      fingerprint: null,
    });
    expect(await linksInState(store.db, s, 'export_pending')).toEqual([]);
  });
});

describe('update intents', () => {
  it('are recorded with their base before the writes, and cleared when the update is complete', async () => {
    const s = scope();
    const [id] = await insertLinks(store.db, s, [linked(3)], at(1));
    const intent = { toRecord: { givenName: 'New' } } as never;
    await recordUpdateIntents(store.db, [{ id, snapshot: { givenName: 'Base' }, intent }], at(2));
    const pending = (await linksByItem(store.db, s, ['i3'])).get('i3')!;
    expect(pending).toMatchObject({ snapshot: { givenName: 'Base' }, updateIntent: intent });
    expect(toLinkState(pending).intent).toEqual(intent);
    await completeUpdate(
      store.db,
      id,
      { agreed: { givenName: 'New' }, itemVersion: 'v2', recordVersion: 2, notExported: [] },
      at(3),
    );
    const done = (await linksByItem(store.db, s, ['i3'])).get('i3')!;
    expect(done).toMatchObject({
      snapshot: { givenName: 'New' },
      itemVersion: 'v2',
      recordVersion: 2,
      updateIntent: null,
    });
    expect(toLinkState(done).intent).toBeUndefined();
    expect(await updatedAt(id)).toBe(at(3).toISOString());
  });
});

describe('deletes waiting for the guard', () => {
  it('are marked with the side they were seen on, counted per side and paged in id order', async () => {
    const s = scope();
    const ids = await insertLinks(store.db, s, [linked(10), linked(11), linked(12)], at(1));
    await markDeletes(
      store.db,
      [
        { id: ids[0], side: 'exchange' },
        { id: ids[1], side: 'crm' },
      ],
      at(2),
    );
    expect(await countMarkedForDelete(store.db, s)).toBe(2);
    // Seen deleted in Exchange: the CRM record goes, and the other way round.
    expect(await pendingDeletes(store.db, s)).toEqual({ crm: 1, exchange: 1 });
    const sorted = [ids[0], ids[1]].sort();
    const first = await markedForDeleteAfter(store.db, s, null, 1);
    expect(first.map((l) => l.id)).toEqual([sorted[0]]);
    expect((await markedForDeleteAfter(store.db, s, sorted[0], 5)).map((l) => l.id)).toEqual([sorted[1]]);
    await deleteLinks(store.db, ids);
    expect(await countMarkedForDelete(store.db, s)).toBe(0);
  });
});

describe('listing marks', () => {
  it('tell which linked items a read from scratch did not list, and which records a read handled', async () => {
    const s = scope();
    await insertLinks(store.db, s, [linked(20), linked(21), linked(22), linked(23, 'other')], at(1));
    await markAwaitingListing(store.db, s, 'contacts', 'run/0/awaiting');
    expect(await markListedBy(store.db, s, ['i20', 'i22', 'i-unknown'], 'run/0')).toEqual(
      new Set(['r20', 'r22']),
    );
    expect(await stillAwaitingListing(store.db, s, 'contacts', 'run/0/awaiting', null, 10)).toEqual([
      { id: expect.any(String), itemId: 'i21', snapshot: { givenName: 'G21' } },
    ]);
    expect(await recordsListedBy(store.db, s, ['r20', 'r21', 'r23'], ['run/0'])).toEqual(new Set(['r20']));
    expect(await recordsListedBy(store.db, s, ['r20'], [])).toEqual(new Set());
  });
});

describe("a record's links", () => {
  it('are found in the mailboxes asked about only', async () => {
    const a = scope();
    const b = scope();
    await insertLinks(store.db, a, [linked(30)], at(1));
    await insertLinks(store.db, b, [linked(30)], at(2));
    const found = await recordLinksIn(store.db, 'contacts', 'r30', [a.mailboxId]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ mailboxId: a.mailboxId, itemId: 'i30', updatedAt: at(1).toISOString() });
    expect(await recordLinksIn(store.db, 'contacts', 'r30', [])).toEqual([]);
  });

  it('are found across every mailbox for the entities asked about', async () => {
    const meetings = { mailboxId: `links-mailbox-${mailbox++}`, entity: 'across-meetings' };
    const tasks = { mailboxId: `links-mailbox-${mailbox++}`, entity: 'across-tasks' };
    const other = { mailboxId: `links-mailbox-${mailbox++}`, entity: 'across-other' };
    await insertLinks(
      store.db,
      meetings,
      [{ ...linked(31), shared: { key: 'k31', role: 'attendee' } }],
      at(1),
    );
    await insertLinks(store.db, tasks, [linked(31)], at(2));
    await insertLinks(store.db, other, [linked(31)], at(3));
    const found = await recordLinksAcross(store.db, ['across-meetings', 'across-tasks'], 'r31');
    expect(found.map((l) => [l.mailboxId, l.entity, l.shared?.role ?? null, l.recordVersion]).sort()).toEqual(
      [
        [meetings.mailboxId, 'across-meetings', 'attendee', 1],
        [tasks.mailboxId, 'across-tasks', null, 1],
      ].sort(),
    );
    expect(await recordLinksAcross(store.db, [], 'r31')).toEqual([]);
  });
});

describe('shared keys (the copies of a meeting in several mailboxes)', () => {
  const meetings = (): SyncScope => ({ mailboxId: `links-mailbox-${mailbox++}`, entity: 'shared-test' });
  it('find the record any mailbox linked a key to, and keep whose copy each link is', async () => {
    const organizer = meetings();
    const attendee = meetings();
    const key = `series-${mailbox}`;
    await insertLinks(
      store.db,
      organizer,
      [{ ...linked(40), recordVersion: 3, shared: { key, role: 'organizer' } }],
      at(1),
    );
    expect(await recordsBySharedKey(store.db, 'shared-test', [key, 'no-such-key'])).toEqual(
      new Map([[key, { recordId: 'r40', recordVersion: 3 }]]),
    );
    // Contacts, another entity, never see the meetings' keys.
    expect(await recordsBySharedKey(store.db, 'contacts', [key])).toEqual(new Map());
    await insertLinks(
      store.db,
      attendee,
      [{ ...linked(41), recordId: 'r40', shared: { key, role: 'attendee' } }],
      at(2),
    );
    const link = (await linksByItem(store.db, attendee, ['i41'])).get('i41')!;
    expect(link.shared).toEqual({ key, role: 'attendee' });
    expect(toLinkState(link).shared).toEqual({ key, role: 'attendee' });
    expect((await linksByItem(store.db, organizer, ['i40'])).get('i40')!.shared).toEqual({
      key,
      role: 'organizer',
    });
  });

  it('skip intents and links marked for delete', async () => {
    const s = meetings();
    const key = `series-${mailbox}`;
    const [pending] = await insertLinks(
      store.db,
      s,
      [{ ...linked(42), recordId: null, state: 'import_pending', shared: { key, role: 'organizer' } }],
      at(1),
    );
    expect(await recordsBySharedKey(store.db, 'shared-test', [key])).toEqual(new Map());
    await linkImported(store.db, pending, { recordId: 'r42', recordVersion: 1 }, at(2));
    expect((await recordsBySharedKey(store.db, 'shared-test', [key])).get(key)?.recordId).toBe('r42');
    await markDeletes(store.db, [{ id: pending, side: 'exchange' }], at(3));
    expect(await recordsBySharedKey(store.db, 'shared-test', [key])).toEqual(new Map());
  });

  it('a contact link has no shared identity', async () => {
    const s = scope();
    await insertLinks(store.db, s, [linked(43)], at(1));
    const link = (await linksByItem(store.db, s, ['i43'])).get('i43')!;
    expect(link.shared).toBeNull();
    expect(toLinkState(link)).not.toHaveProperty('shared');
  });
});

describe('linked counts', () => {
  it('count the linked items per mailbox and entity, not the intents', async () => {
    const a = scope();
    const meetings = { mailboxId: a.mailboxId, entity: 'counted-meetings' };
    const other = scope();
    await insertLinks(
      store.db,
      a,
      [linked(50), linked(51), { ...linked(52), itemId: null, state: 'export_pending' }],
      at(1),
    );
    await insertLinks(store.db, meetings, [linked(53)], at(1));
    await insertLinks(store.db, other, [linked(54)], at(1));
    const counts = await linkedCountsIn(store.db, [a.mailboxId]);
    expect(counts.map((c) => [c.mailboxId, c.entity, c.linked]).sort()).toEqual(
      [
        [a.mailboxId, 'contacts', 2],
        [a.mailboxId, 'counted-meetings', 1],
      ].sort(),
    );
    expect(await linkedCountsIn(store.db, [])).toEqual([]);
  });
});
