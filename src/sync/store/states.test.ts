// The owner of sync_states. The sync lease (docs/mapping.md, Sync decisions step 1): one
// compare-and-set update on the state row decides which worker syncs a mailbox and entity; and
// the run requests, cursors and holds kept on the same row. Run on SQLite and, with
// EXSYNC_TEST_DB=postgres, on PostgreSQL, where the concurrent claims really race on a pool.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CrmFixture, setupCrm } from '../../../test/support/crm-fixture.ts';
import { createTestStore, type TestStore } from '../../../test/support/db.ts';
import { FakeExchange } from '../../../test/support/fake-exchange.ts';
import { contactSettings, MemoryMailboxSource } from '../../../test/support/sandbox-source.ts';
import { contactsEntity } from '../contacts/entity.ts';
import { SyncEngine } from '../engine.ts';
import { latestRuns } from './runs.ts';
import type { Db, SyncScope } from './scope.ts';
import {
  beginFullPass,
  claimLease,
  clearHold,
  clearRunRequest,
  decideHold,
  heldRunsIn,
  holdRun,
  leaseOwners,
  readState,
  releaseLease,
  releaseLeasesOf,
  renewLease,
  requestedRuns,
  requestRun,
  saveCursor,
  saveFolderListing,
  saveJournalVersion,
} from './states.ts';

/** The lease functions bound to one scope, as a worker uses them. */
function leaseOf(db: Db, scope: SyncScope) {
  return {
    scope,
    claim: (owner: string, now: Date, leaseMs: number) => claimLease(db, scope, owner, now, leaseMs),
    renew: (owner: string, now: Date, leaseMs: number) => renewLease(db, scope, owner, now, leaseMs),
    release: (owner: string) => releaseLease(db, scope, owner),
  };
}

const T0 = new Date('2026-12-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const MINUTE = 60_000;

describe('sync lease', () => {
  let store: TestStore;
  let mailbox = 0;
  /** A state row of its own per test. */
  const fresh = () => leaseOf(store.db, { mailboxId: `lease-mailbox-${mailbox++}`, entity: 'contacts' });
  beforeAll(async () => {
    store = await createTestStore();
  });
  afterAll(async () => {
    await store?.destroy();
  });

  it('is claimed by the first worker; a second is refused while it lasts', async () => {
    const s = fresh();
    expect(await s.claim('worker-a', T0, 10 * MINUTE)).toBe(true);
    expect(await s.claim('worker-b', at(1), 10 * MINUTE)).toBe(false);
    expect(await s.claim('worker-b', at(10 * MINUTE - 1), 10 * MINUTE)).toBe(false);
    // Not even the holder claims it twice: a second run of the same worker is busy too.
    expect(await s.claim('worker-a', at(2), 10 * MINUTE)).toBe(false);
  });

  it('can be claimed by another worker once it has expired', async () => {
    const s = fresh();
    expect(await s.claim('worker-a', T0, 10 * MINUTE)).toBe(true);
    expect(await s.claim('worker-b', at(10 * MINUTE + 1), 10 * MINUTE)).toBe(true);
    // The first holder has lost it: it can neither renew nor release the new holder's lease.
    expect(await s.renew('worker-a', at(10 * MINUTE + 2), 10 * MINUTE)).toBe(false);
    await s.release('worker-a');
    expect(await s.claim('worker-c', at(10 * MINUTE + 3), 10 * MINUTE)).toBe(false);
  });

  it('is kept by renewing: renewed, it outlasts its first expiry', async () => {
    const s = fresh();
    expect(await s.claim('worker-a', T0, 10 * MINUTE)).toBe(true);
    expect(await s.renew('worker-a', at(9 * MINUTE), 10 * MINUTE)).toBe(true);
    expect(await s.claim('worker-b', at(11 * MINUTE), 10 * MINUTE)).toBe(false);
    expect(await s.claim('worker-b', at(19 * MINUTE + 1), 10 * MINUTE)).toBe(true);
  });

  it('cannot be renewed by a worker that never held it', async () => {
    const s = fresh();
    expect(await s.claim('worker-a', T0, 10 * MINUTE)).toBe(true);
    expect(await s.renew('worker-b', at(1), 60 * MINUTE)).toBe(false);
    // The holder's expiry is unchanged: after it, another worker gets the lease.
    expect(await s.claim('worker-c', at(10 * MINUTE + 1), 10 * MINUTE)).toBe(true);
  });

  it('is free at once when its holder releases it, and only then', async () => {
    const s = fresh();
    expect(await s.claim('worker-a', T0, 10 * MINUTE)).toBe(true);
    await s.release('worker-b');
    expect(await s.claim('worker-b', at(1), 10 * MINUTE)).toBe(false);
    await s.release('worker-a');
    expect(await s.claim('worker-b', at(2), 10 * MINUTE)).toBe(true);
  });

  it('is one per mailbox and entity', async () => {
    const a = fresh();
    const b = fresh();
    const meetings = leaseOf(store.db, { mailboxId: a.scope.mailboxId, entity: 'meetings' });
    expect(await a.claim('worker-a', T0, 10 * MINUTE)).toBe(true);
    expect(await b.claim('worker-b', T0, 10 * MINUTE)).toBe(true);
    expect(await meetings.claim('worker-c', T0, 10 * MINUTE)).toBe(true);
  });

  it('goes to exactly one of many workers claiming at once (compare-and-set)', async () => {
    for (let round = 0; round < 5; round++) {
      const s = fresh();
      const claims = await Promise.all(
        Array.from({ length: 12 }, (_, i) => s.claim(`worker-${i}`, at(round), 10 * MINUTE)),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
    }
  });

  it('goes to exactly one of many workers taking over an expired lease at once', async () => {
    const s = fresh();
    expect(await s.claim('crashed', T0, MINUTE)).toBe(true);
    const claims = await Promise.all(
      Array.from({ length: 12 }, (_, i) => s.claim(`worker-${i}`, at(2 * MINUTE), 10 * MINUTE)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
  });
});

describe('a sync run and the lease', () => {
  let fx: CrmFixture;
  beforeAll(async () => {
    fx = await setupCrm();
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('answers busy while another worker holds the lease, runs once it expired, and frees it', async () => {
    const exchange = new FakeExchange();
    exchange.userCreate({ givenName: 'Lease', emails: [], phones: [], addresses: [], categories: [] });
    const source = new MemoryMailboxSource(() => exchange.connector());
    source.add('lease-run', {
      address: 'lease@example.test',
      principal: await fx.crm.users.principalFor(fx.alice.userId, { mailboxId: 'lease-run' }),
      settings: { contacts: contactSettings() },
    });
    let clock = T0;
    const engine = new SyncEngine({
      crm: fx.crm,
      source,
      entities: [contactsEntity],
      owner: 'engine',
      leaseMs: 10 * MINUTE,
      now: () => clock,
    });
    const state = leaseOf(fx.store.db, { mailboxId: 'lease-run', entity: 'contacts' });
    expect(await state.claim('other-worker', T0, 10 * MINUTE)).toBe(true);

    clock = at(5 * MINUTE);
    expect((await engine.syncMailbox('lease-run', 'contacts')).status).toBe('busy');
    expect(exchange.requests).toBe(0);

    clock = at(10 * MINUTE + 1);
    const run = await engine.syncMailbox('lease-run', 'contacts');
    expect(run.status).toBe('succeeded');
    expect(run.tally?.counts.import.created).toBe(1);
    // The run's record is timed by the engine's clock alone: it stood still during the run.
    const [record] = await latestRuns(fx.store.db, state.scope, 1);
    expect(record).toMatchObject({
      startedAt: clock.toISOString(),
      finishedAt: clock.toISOString(),
      durationMs: 0,
    });
    // Released at the end: the next worker need not wait for the lease to run out.
    expect(await state.claim('next-worker', at(10 * MINUTE + 2), 10 * MINUTE)).toBe(true);
  });
});

describe('the state row', () => {
  let store: TestStore;
  let mailbox = 0;
  const scope = (): SyncScope => ({ mailboxId: `state-mailbox-${mailbox++}`, entity: 'contacts' });
  beforeAll(async () => {
    store = await createTestStore();
  });
  afterAll(async () => {
    await store?.destroy();
  });
  const updatedAt = async (s: SyncScope) =>
    (
      await store.db
        .selectFrom('sync_states')
        .select('updated_at')
        .where('mailbox_id', '=', s.mailboxId)
        .where('entity', '=', s.entity)
        .executeTakeFirstOrThrow()
    ).updated_at;

  it('is empty for a scope never synced', async () => {
    expect(await readState(store.db, scope())).toEqual({
      cursors: {},
      journalVersion: null,
      fullPassSince: null,
      scopeHash: null,
      held: null,
      holdDecision: null,
      folderListing: null,
    });
  });

  it('keeps a run asked for until it is cleared, across scopes', async () => {
    const s = scope();
    await requestRun(store.db, s, 'retry', at(5 * MINUTE));
    expect(await requestedRuns(store.db)).toContainEqual({
      ...s,
      trigger: 'retry',
      at: at(5 * MINUTE).toISOString(),
    });
    await clearRunRequest(store.db, s);
    expect((await requestedRuns(store.db)).some((r) => r.mailboxId === s.mailboxId)).toBe(false);
  });

  it('saves and forgets folder cursors, stamped by the clock it is given', async () => {
    const s = scope();
    await claimLease(store.db, s, 'worker', T0, MINUTE);
    await saveCursor(store.db, s, 'inbox', 'c1', at(1));
    await saveCursor(store.db, s, 'other', 'c2', at(2));
    expect((await readState(store.db, s)).cursors).toEqual({ inbox: 'c1', other: 'c2' });
    expect(await updatedAt(s)).toBe(at(2).toISOString());
    await saveCursor(store.db, s, 'inbox', null, at(3));
    expect((await readState(store.db, s)).cursors).toEqual({ other: 'c2' });
  });

  it('keeps a folder listing flat, with when it was taken, and replaces it with the next', async () => {
    const s = scope();
    await claimLease(store.db, s, 'worker', T0, MINUTE);
    const list = { id: 'list-2', name: 'Projects', kind: 'tasks' as const, parentId: 'root', children: [] };
    const tasks = {
      id: 'list-1',
      name: 'Tasks',
      kind: 'tasks' as const,
      wellKnown: 'tasks',
      children: [list],
    };
    await saveFolderListing(store.db, s, { listedAt: at(1).toISOString(), folders: [tasks, list] });
    expect((await readState(store.db, s)).folderListing).toEqual({
      listedAt: at(1).toISOString(),
      folders: [{ ...tasks, children: [] }, list],
    });
    const shared = {
      id: 'list-3',
      name: 'Team',
      kind: 'tasks' as const,
      sharedWithMe: true as const,
      children: [],
    };
    await saveFolderListing(store.db, s, { listedAt: at(2).toISOString(), folders: [shared] });
    expect((await readState(store.db, s)).folderListing).toEqual({
      listedAt: at(2).toISOString(),
      folders: [shared],
    });
  });

  it('remembers where a full pass began until the journal version is saved', async () => {
    const s = scope();
    await claimLease(store.db, s, 'worker', T0, MINUTE);
    await beginFullPass(store.db, s, 7);
    await beginFullPass(store.db, s, 9);
    expect(await readState(store.db, s)).toMatchObject({ fullPassSince: 7, journalVersion: null });
    await saveJournalVersion(store.db, s, 12, 'scope-a', at(4));
    expect(await readState(store.db, s)).toMatchObject({
      fullPassSince: null,
      journalVersion: 12,
      scopeHash: 'scope-a',
    });
    expect(await updatedAt(s)).toBe(at(4).toISOString());
  });

  it('holds a run until an administrator decides, and forgets the decision with the hold', async () => {
    const s = scope();
    await claimLease(store.db, s, 'worker', T0, MINUTE);
    await holdRun(store.db, s, 'too many deletes');
    await decideHold(store.db, s, 'unlink');
    expect(await readState(store.db, s)).toMatchObject({ held: 'too many deletes', holdDecision: 'unlink' });
    expect(await heldRunsIn(store.db, [s.mailboxId, 'elsewhere'])).toEqual([
      { ...s, reason: 'too many deletes', decision: 'unlink' },
    ]);
    await clearHold(store.db, s);
    expect(await readState(store.db, s)).toMatchObject({ held: null, holdDecision: null });
    expect(await heldRunsIn(store.db, [s.mailboxId])).toEqual([]);
  });

  it('frees only the leases of the owner that is gone', async () => {
    const gone = scope();
    const alive = scope();
    await claimLease(store.db, gone, 'gone-worker', T0, MINUTE);
    await claimLease(store.db, alive, 'live-worker', T0, MINUTE);
    expect(await leaseOwners(store.db)).toEqual(expect.arrayContaining(['gone-worker', 'live-worker']));
    expect(await releaseLeasesOf(store.db, 'gone-worker')).toBe(1);
    expect(await claimLease(store.db, gone, 'next', at(1), MINUTE)).toBe(true);
    expect(await claimLease(store.db, alive, 'next', at(1), MINUTE)).toBe(false);
  });
});
