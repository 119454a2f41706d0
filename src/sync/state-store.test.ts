// The sync lease (docs/mapping.md, Sync decisions step 1): one compare-and-set update on the
// state row decides which worker syncs a mailbox and entity. Run on SQLite and, with
// EXSYNC_TEST_DB=postgres, on PostgreSQL, where the concurrent claims really race on a pool.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CrmFixture, setupCrm } from '../../test/support/crm-fixture.ts';
import { createTestStore, type TestStore } from '../../test/support/db.ts';
import { FakeExchange } from '../../test/support/fake-exchange.ts';
import { contactSettings, MemoryMailboxSource } from '../../test/support/sandbox-source.ts';
import { contactsEntity } from './contacts/entity.ts';
import { SyncEngine } from './engine.ts';
import { SyncStore } from './state-store.ts';

const T0 = new Date('2026-12-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const MINUTE = 60_000;

describe('sync lease', () => {
  let store: TestStore;
  let mailbox = 0;
  /** A state row of its own per test. */
  const fresh = () => new SyncStore(store.db, `lease-mailbox-${mailbox++}`, 'contacts');
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
    const meetings = new SyncStore(store.db, a.mailboxId, 'meetings');
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
    const state = new SyncStore(fx.store.db, 'lease-run', 'contacts');
    expect(await state.claim('other-worker', T0, 10 * MINUTE)).toBe(true);

    clock = at(5 * MINUTE);
    expect((await engine.syncMailbox('lease-run', 'contacts')).status).toBe('busy');
    expect(exchange.requests).toBe(0);

    clock = at(10 * MINUTE + 1);
    const run = await engine.syncMailbox('lease-run', 'contacts');
    expect(run.status).toBe('succeeded');
    expect(run.tally?.counts.import.created).toBe(1);
    // Released at the end: the next worker need not wait for the lease to run out.
    expect(await state.claim('next-worker', at(10 * MINUTE + 2), 10 * MINUTE)).toBe(true);
  });
});
