// Nothing a server does may hold a run for ever (SPEC E8): a repeated sync position, a server that
// never says "last page", one that never answers, a lost lease and a shutdown each end the run,
// with the reason on its record. Counts are saved as a run goes, so a killed run still shows them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmFixture } from '../../test/support/crm-fixture.ts';
import { setupCrm } from '../../test/support/crm-fixture.ts';
import { FakeExchange } from '../../test/support/fake-exchange.ts';
import { contactSettings, MemoryMailboxSource } from '../../test/support/sandbox-source.ts';
import type { ChangePage, ExchangeConnector, FolderRef, ReadChangesOptions } from '../connectors/types.ts';
import { contactsEntity } from './contacts/entity.ts';
import { SyncEngine, type SyncEngineOptions } from './engine.ts';
import { SimulatedCrash } from './executor.ts';
import { latestRuns } from './store/runs.ts';
import { claimLease } from './store/states.ts';

let fx: CrmFixture;
beforeAll(async () => {
  fx = await setupCrm();
});
afterAll(async () => {
  await fx?.close();
});

const contact = (i: number) => ({
  givenName: `Given${i}`,
  surname: `Family${i}`,
  emails: [],
  phones: [],
  addresses: [],
  categories: [],
});

type Pages = (cursor: string | undefined) => AsyncIterable<ChangePage<unknown>>;

let serial = 0;

/** A mailbox whose connector reads pages from `pages` (the fake Exchange's own when absent). */
async function world(pages?: Pages, options: Partial<SyncEngineOptions> = {}) {
  const mailboxId = `bounds-${serial++}`;
  const user = await fx.crm.users.createUser({ email: `${mailboxId}@crm.test`, displayName: mailboxId });
  const exchange = new FakeExchange();
  const requests = { pages: 0, pageSizes: [] as Array<number | undefined> };
  const source = new MemoryMailboxSource((address) => {
    const connector = exchange.connector(address);
    return new Proxy(connector, {
      get(target, prop, receiver) {
        if (prop === 'readChanges')
          return (folder: FolderRef, cursor: string | undefined, options?: ReadChangesOptions) => {
            requests.pageSizes.push(options?.pageSize);
            if (!pages)
              return target.readChanges(folder as FolderRef & { kind: 'contacts' }, cursor, options);
            const inner = pages(cursor);
            return {
              async *[Symbol.asyncIterator]() {
                for await (const page of inner) {
                  requests.pages++;
                  yield page;
                }
              },
            };
          };
        return Reflect.get(target, prop, receiver);
      },
    }) as ExchangeConnector;
  });
  source.add(mailboxId, {
    address: `${mailboxId}@example.test`,
    principal: await fx.crm.users.principalFor(user.id, { mailboxId }),
    settings: { contacts: contactSettings() },
  });
  const engine = new SyncEngine({
    crm: fx.crm,
    source,
    entities: [contactsEntity],
    pageSize: 10,
    ...options,
  });
  const scope = { mailboxId, entity: 'contacts' };
  return { mailboxId, exchange, requests, engine, scope, source };
}

let fresh = 0;
const newItems = (n: number) =>
  Array.from({ length: n }, () => {
    const i = fresh++;
    return { id: `hostile-${i}`, version: 'v1', item: contact(i) };
  });

/** Never resolves: a server that never answers (until the run gives up on it). */
const never = () => new Promise<never>(() => {});

describe('a run that a server would hold for ever', () => {
  it('stops when the server hands back a position it already gave', async () => {
    const w = await world(async function* () {
      for (;;) yield { upserts: newItems(2), deletes: [], cursor: 'same-position', done: false };
    });
    const result = await w.engine.syncMailbox(w.mailboxId, 'contacts');
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({
      code: 'exchange_invalid_response',
      message: expect.stringMatching(/same sync position twice/),
    });
    expect(w.requests.pages).toBeLessThanOrEqual(2);
  });

  it('stops at its page budget when the server never says it sent the last page', async () => {
    let n = 0;
    const w = await world(
      async function* () {
        for (;;) yield { upserts: newItems(1), deletes: [], cursor: `position-${n++}`, done: false };
      },
      { maxPages: 25 },
    );
    const result = await w.engine.syncMailbox(w.mailboxId, 'contacts');
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('run_page_budget');
    expect(w.requests.pages).toBeLessThanOrEqual(26);
    // The lease is free again: the next run is not refused as busy.
    expect((await w.engine.syncMailbox(w.mailboxId, 'contacts')).status).toBe('failed');
  });

  it('stops at its time budget when the server never answers', async () => {
    const w = await world(
      async function* () {
        yield await never();
      },
      { maxRunMs: 300 },
    );
    const started = Date.now();
    const result = await w.engine.syncMailbox(w.mailboxId, 'contacts');
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('run_time_budget');
    expect(Date.now() - started).toBeLessThan(5_000);
    const [run] = await latestRuns(fx.crm.store.db, w.scope, 1);
    expect(run).toMatchObject({ status: 'failed', errors: [{ ref: 'run', code: 'run_time_budget' }] });
  });

  it('renews its lease while it runs, and stops when the lease is taken from it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const w = await world(
      async function* () {
        await gate;
        yield await never();
      },
      { leaseMs: 150, owner: 'first' },
    );
    const running = w.engine.syncMailbox(w.mailboxId, 'contacts');
    // Well past the lease's length, the run still holds it: it was renewed.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await claimLease(fx.crm.store.db, w.scope, 'second', new Date(), 150)).toBe(false);
    // Another worker takes it over (as after a long pause of this one): the run must stop.
    await fx.crm.store.db
      .updateTable('sync_states')
      .set({ lease_owner: 'second' })
      .where('mailbox_id', '=', w.mailboxId)
      .execute();
    release();
    const started = Date.now();
    const result = await running;
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('lease_lost');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('ends as abandoned when the caller aborts it (shutdown)', async () => {
    const w = await world(async function* () {
      yield await never();
    });
    const controller = new AbortController();
    const running = w.engine.syncMailbox(w.mailboxId, 'contacts', 'manual', { signal: controller.signal });
    setTimeout(() => controller.abort(), 100).unref();
    const result = await running;
    expect(result.status).toBe('abandoned');
    expect(result.error?.code).toBe('shutdown');
    // The lease is released, so the next process start is not kept waiting.
    expect(await claimLease(fx.crm.store.db, w.scope, 'next', new Date(), 60_000)).toBe(true);
  });
});

describe("a run's counts", () => {
  it('are saved page by page, so a run killed half-way shows what it did', async () => {
    let pages = 0;
    const w = await world(undefined, {
      checkpoint: (step) => {
        if (step.startsWith('page:') && ++pages === 3) throw new SimulatedCrash(step);
      },
    });
    for (let i = 0; i < 50; i++) w.exchange.userCreate(contact(i));
    await expect(w.engine.syncMailbox(w.mailboxId, 'contacts')).rejects.toBeInstanceOf(SimulatedCrash);
    const [killed] = await latestRuns(fx.crm.store.db, w.scope, 1);
    expect(killed.status).toBe('running');
    expect(killed.counts.import.created).toBeGreaterThanOrEqual(20);
    // The next run closes it as abandoned, with its counts kept.
    await fx.crm.store.db
      .updateTable('sync_states')
      .set({ lease_owner: null, lease_until: null })
      .where('mailbox_id', '=', w.mailboxId)
      .execute();
    await w.engine.syncMailbox(w.mailboxId, 'contacts');
    const abandoned = (await latestRuns(fx.crm.store.db, w.scope, 2)).find((r) => r.id === killed.id)!;
    expect(abandoned.status).toBe('abandoned');
    expect(abandoned.counts.import.created).toBe(killed.counts.import.created);
  });
});

describe('the page size asked of Exchange', () => {
  it("is the engine's when it is given one, else the entity's own (for the protocol), else 256", async () => {
    const own = { ...contactsEntity, readPageSize: 500 };
    const perProtocol = (readPageSize: Partial<Record<'ews' | 'graph', number>>) => ({
      ...contactsEntity,
      readPageSize,
    });
    const sizes = async (options: Partial<SyncEngineOptions>) => {
      const w = await world(undefined, options);
      expect((await w.engine.syncMailbox(w.mailboxId, 'contacts')).status).toBe('succeeded');
      return [...new Set(w.requests.pageSizes)];
    };
    expect(await sizes({ entities: [own], pageSize: undefined })).toEqual([500]);
    expect(await sizes({ entities: [own], pageSize: 10 })).toEqual([10]);
    expect(await sizes({ pageSize: undefined })).toEqual([256]);
    // The fake mailbox speaks EWS.
    expect(await sizes({ entities: [perProtocol({ ews: 400, graph: 300 })], pageSize: undefined })).toEqual([
      400,
    ]);
    expect(await sizes({ entities: [perProtocol({ graph: 300 })], pageSize: undefined })).toEqual([256]);
  });
});

describe('a page that hands out only part of what its position covers', () => {
  it('is applied, but its cursor is not saved: a run killed after it reads from the position before', async () => {
    const asked: Array<string | undefined> = [];
    let kill: string | undefined;
    const w = await world(
      async function* (cursor) {
        asked.push(cursor);
        if (cursor === undefined) {
          yield { upserts: newItems(1), deletes: [], cursor: 'p1', done: true };
          return;
        }
        const after = ['p1', 'p2', 'p3'].indexOf(cursor);
        if (after < 1) yield { upserts: newItems(1), deletes: [], cursor: 'p2', done: false, partial: true };
        if (after < 2) yield { upserts: newItems(1), deletes: [], cursor: 'p3', done: false };
        yield { upserts: newItems(1), deletes: [], cursor: 'p4', done: true };
      },
      {
        checkpoint: (step) => {
          if (step === kill) throw new SimulatedCrash(step);
        },
      },
    );
    const run = async () => {
      const outcome = await w.engine.syncMailbox(w.mailboxId, 'contacts').catch((e: unknown) => e);
      // A killed run leaves its lease behind: free it, as its expiry would.
      await fx.crm.store.db
        .updateTable('sync_states')
        .set({ lease_owner: null, lease_until: null })
        .where('mailbox_id', '=', w.mailboxId)
        .execute();
      return outcome;
    };
    await run();
    kill = 'page:contacts:0';
    expect(await run()).toBeInstanceOf(SimulatedCrash);
    kill = 'page:contacts:1';
    expect(await run()).toBeInstanceOf(SimulatedCrash);
    kill = undefined;
    await run();
    await run();
    // Killed after the partial page: again from p1; killed after the next one: from p3.
    expect(asked).toEqual([undefined, 'p1', 'p1', 'p3', 'p4']);
  });
});

describe('a page of thousands of items', () => {
  it('is applied in slices that let other work run, and fully', async () => {
    const items = newItems(3_000);
    const w = await world(
      async function* () {
        yield { upserts: items, deletes: [], cursor: 'after-all', done: true };
      },
      { pageSize: 100 },
    );
    // The main thread's CPU time between two turns of a 5 ms timer: long work without a yield shows.
    const cpu = () => {
      const { user, system } = process.threadCpuUsage();
      return (user + system) / 1000;
    };
    let last = cpu();
    let longest = 0;
    const watch = setInterval(() => {
      const now = cpu();
      longest = Math.max(longest, now - last);
      last = now;
    }, 5);
    await new Promise((resolve) => setTimeout(resolve, 20));
    let result: Awaited<ReturnType<typeof w.engine.syncMailbox>>;
    try {
      result = await w.engine.syncMailbox(w.mailboxId, 'contacts');
    } finally {
      longest = Math.max(longest, cpu() - last);
      clearInterval(watch);
    }
    expect(result.status).toBe('succeeded');
    expect(result.tally?.counts.import.created).toBe(3_000);
    expect(longest).toBeLessThan(150);
  });
});
