// The owner of sync_conflicts: logged as a run finds them, listed per mailbox and across
// mailboxes, settled once by a user. On SQLite and, with EXSYNC_TEST_DB=postgres, PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, type TestStore } from '../../../test/support/db.ts';
import type { ConflictRecord } from '../planner.ts';
import {
  conflictsIn,
  findConflict,
  latestConflicts,
  markConflictResolved,
  openConflictCounts,
  recordConflict,
} from './conflicts.ts';
import type { SyncScope } from './scope.ts';

const T0 = new Date('2026-12-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

let store: TestStore;
let mailbox = 0;
const scope = (): SyncScope => ({ mailboxId: `conflicts-mailbox-${mailbox++}`, entity: 'contacts' });
beforeAll(async () => {
  store = await createTestStore();
});
afterAll(async () => {
  await store?.destroy();
});

const conflict = (name: string): ConflictRecord => ({
  fields: ['givenName'],
  base: { givenName: 'Base' },
  crm: { givenName: `${name} (CRM)` },
  exchange: null,
  resolution: 'crm_wins',
});

describe('logged conflicts', () => {
  it('are listed newest first, with the time the clock gave', async () => {
    const s = scope();
    await recordConflict(store.db, s, 'run-1', { recordId: 'r1', itemId: 'i1' }, conflict('first'), at(1));
    await recordConflict(store.db, s, 'run-2', { recordId: 'r2', itemId: 'i2' }, conflict('second'), at(2));
    const listed = await latestConflicts(store.db, s);
    expect(listed).toHaveLength(2);
    expect(listed[0]).toEqual({
      id: expect.any(String),
      runId: 'run-2',
      recordId: 'r2',
      itemId: 'i2',
      fields: ['givenName'],
      base: { givenName: 'Base' },
      crm: { givenName: 'second (CRM)' },
      exchange: null,
      resolution: 'crm_wins',
      at: at(2).toISOString(),
    });
  });

  it('are open until a user settles them, across the mailboxes asked about', async () => {
    const a = scope();
    const b = scope();
    await recordConflict(store.db, a, 'run-a', { recordId: 'ra', itemId: 'ia' }, conflict('a'), at(1));
    await recordConflict(store.db, b, 'run-b', { recordId: 'rb', itemId: 'ib' }, conflict('b'), at(2));
    const both = await conflictsIn(store.db, [a.mailboxId, b.mailboxId], 'contacts', {
      limit: 10,
      open: true,
    });
    expect(both.map((c) => c.mailboxId)).toEqual([b.mailboxId, a.mailboxId]);
    await markConflictResolved(store.db, both[0].id, 'acknowledged', null, at(5));
    expect(await findConflict(store.db, both[0].id)).toMatchObject({
      userResolution: 'acknowledged',
      resolvedAt: at(5).toISOString(),
    });
    const open = await conflictsIn(store.db, [a.mailboxId, b.mailboxId], 'contacts', {
      limit: 10,
      open: true,
    });
    expect(open.map((c) => c.mailboxId)).toEqual([a.mailboxId]);
    expect(
      await conflictsIn(store.db, [a.mailboxId, b.mailboxId], 'contacts', { limit: 10, open: false }),
    ).toHaveLength(2);
    expect(await conflictsIn(store.db, [], 'contacts', { limit: 10, open: false })).toEqual([]);
    expect(await findConflict(store.db, 'no-such-conflict')).toBeUndefined();
  });
});

describe('open conflicts per entity', () => {
  it('are counted per mailbox and entity, leaving out the settled ones', async () => {
    const a = scope();
    const meetings = { mailboxId: a.mailboxId, entity: 'meetings' };
    const other = scope();
    await recordConflict(store.db, a, 'run-1', { recordId: 'r1', itemId: 'i1' }, conflict('1'), at(1));
    await recordConflict(store.db, a, 'run-1', { recordId: 'r2', itemId: 'i2' }, conflict('2'), at(2));
    await recordConflict(store.db, meetings, 'run-2', { recordId: 'r3', itemId: 'i3' }, conflict('3'), at(3));
    await recordConflict(store.db, other, 'run-3', { recordId: 'r4', itemId: 'i4' }, conflict('4'), at(4));
    const [settled] = await latestConflicts(store.db, a, 1);
    await markConflictResolved(store.db, settled.id, 'acknowledged', null, at(5));
    const counts = await openConflictCounts(store.db, [a.mailboxId]);
    expect(counts.map((c) => [c.entity, c.open]).sort()).toEqual([
      ['contacts', 1],
      ['meetings', 1],
    ]);
    expect(await openConflictCounts(store.db, [])).toEqual([]);
  });
});
