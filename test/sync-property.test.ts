// E6 as a property: random interleavings of creates, edits and deletes on both sides, syncs
// that are killed at a random step or hit transient Exchange faults, and expired cursors. Once
// the faults stop and the sync settles, both sides hold the same contacts, nothing is doubled,
// nothing deleted comes back (unless the conflict policy let an edit on the other side win),
// and an edit made on one side only is never lost.
//
// Where the cases run: EXSYNC_PROPERTY_RUNS cases (default 500; EXSYNC_PROPERTY_SEED replays a run) per protocol against the
// in-memory Exchange (src/sync/testing/fake-exchange.ts: the same cursor and version rules as
// the sandbox, no HTTP; EWS-style delivery, and Graph-style delivery that repeats unchanged
// items), so each case costs milliseconds; plus EXSYNC_PROPERTY_SANDBOX_RUNS cases (default 10)
// per protocol against the sandbox over EWS and over Graph, with kills but no injected faults.
// A nightly run raises both numbers through those variables.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../src/connectors/errors.ts';
import type { ExchangeConnector, Protocol } from '../src/connectors/types.ts';
import type { Contact } from '../src/crm/contacts.ts';
import type { Principal } from '../src/crm/principal.ts';
import { type CrmFixture, setupCrm } from '../src/crm/test-support.ts';
import type { ContactData } from '../src/sandbox/model.ts';
import { type RunningSandbox, startSandbox } from '../src/sandbox/server.ts';
import { contactsEntity } from '../src/sync/contacts/entity.ts';
import { SyncEngine } from '../src/sync/engine.ts';
import { SimulatedCrash } from '../src/sync/executor.ts';
import { FakeExchange } from '../src/sync/testing/fake-exchange.ts';
import {
  contactSettings,
  freshMailbox,
  MemoryMailboxSource,
  sandboxConnectors,
} from '../src/sync/testing/sandbox-source.ts';
import type { ConflictPolicy, EntitySyncSettings } from '../src/sync/types.ts';

const RUNS = Number(process.env.EXSYNC_PROPERTY_RUNS ?? 500);
const SANDBOX_RUNS = Number(process.env.EXSYNC_PROPERTY_SANDBOX_RUNS ?? 10);
const PROPERTY_SEED = process.env.EXSYNC_PROPERTY_SEED ?? '20261122';

type Field = 'jobTitle' | 'department';
type Step =
  | { op: 'exCreate' }
  | { op: 'exEdit'; pick: number; field: Field; value: string }
  | { op: 'exDelete'; pick: number }
  | { op: 'crmCreate' }
  | { op: 'crmEdit'; pick: number; field: Field; value: string }
  | { op: 'crmDelete'; pick: number }
  | { op: 'sync'; crashAt: number | null; faultRate: number }
  | { op: 'expire' };

const field = fc.constantFrom<Field>('jobTitle', 'department');
const value = fc.constantFrom('a', 'b', 'c');
const step = (faults: boolean): fc.Arbitrary<Step> =>
  fc.oneof(
    { arbitrary: fc.constant({ op: 'exCreate' as const }), weight: 2 },
    { arbitrary: fc.record({ op: fc.constant('exEdit' as const), pick: fc.nat(), field, value }), weight: 2 },
    { arbitrary: fc.record({ op: fc.constant('exDelete' as const), pick: fc.nat() }), weight: 1 },
    { arbitrary: fc.constant({ op: 'crmCreate' as const }), weight: 2 },
    {
      arbitrary: fc.record({ op: fc.constant('crmEdit' as const), pick: fc.nat(), field, value }),
      weight: 2,
    },
    { arbitrary: fc.record({ op: fc.constant('crmDelete' as const), pick: fc.nat() }), weight: 1 },
    {
      arbitrary: fc.record({
        op: fc.constant('sync' as const),
        crashAt: fc.option(fc.nat({ max: 30 }), { nil: null }),
        faultRate: faults ? fc.constantFrom(0, 0, 0.15) : fc.constant(0),
      }),
      weight: 3,
    },
    { arbitrary: fc.constant({ op: 'expire' as const }), weight: faults ? 1 : 0 },
  );

interface Row {
  uid: string;
  jobTitle: string | null;
  department: string | null;
}

/** One Exchange mailbox as the test drives it. */
interface ExchangeSide {
  create(uid: string): void;
  edit(pick: number, field: Field, value: string): string | undefined;
  delete(pick: number): string | undefined;
  rows(): Row[];
  setFaultRate(rate: number, random: () => number): void;
  expire(): void;
}

function fakeSide(exchange: FakeExchange): ExchangeSide {
  const ids = () => [...exchange.items.keys()].sort();
  return {
    create: (uid) =>
      void exchange.userCreate({
        givenName: uid,
        surname: 'P',
        emails: [],
        phones: [],
        addresses: [],
        categories: [],
      }),
    edit(pick, f, v) {
      const all = ids();
      if (all.length === 0) return undefined;
      const id = all[pick % all.length];
      exchange.userUpdate(id, { [f]: v });
      return exchange.items.get(id)!.item.givenName;
    },
    delete(pick) {
      const all = ids();
      if (all.length === 0) return undefined;
      const id = all[pick % all.length];
      const uid = exchange.items.get(id)!.item.givenName;
      exchange.userDelete(id);
      return uid;
    },
    rows: () =>
      exchange.contents().map(({ item }) => ({
        uid: item.givenName!,
        jobTitle: item.jobTitle ?? null,
        department: item.department ?? null,
      })),
    setFaultRate(rate, random) {
      exchange.fault = (operation) => {
        if (rate > 0 && random() < rate)
          throw new ConnectorError('transient', `injected fault in ${operation}`);
      };
    },
    expire: () => exchange.expireCursors(),
  };
}

interface World {
  mailboxId: string;
  principal: Principal;
  exchange: ExchangeSide;
}

async function runCase(
  fx: CrmFixture,
  makeWorld: (settings: EntitySyncSettings) => Promise<World>,
  engineFor: (checkpoint?: (s: string) => void) => SyncEngine,
  steps: Step[],
  policy: ConflictPolicy,
  fieldMerge: boolean,
  seed: number,
): Promise<void> {
  const settings = contactSettings({
    conflictPolicy: policy,
    fieldMerge,
    massDelete: { share: 1, minimum: 1_000_000 },
  }) as EntitySyncSettings;
  const world = await makeWorld(settings);
  const crm = fx.crm.contacts;
  let random = seed;
  const rand = () => {
    random = (random * 1103515245 + 12345) % 2147483648;
    return random / 2147483648;
  };
  let uid = 0;
  const crmRows = async (): Promise<Array<Row & { id: string }>> =>
    ((await crm.list(world.principal, { limit: 500 })).items as Contact[])
      .map((c) => ({ id: c.id, uid: c.givenName!, jobTitle: c.jobTitle, department: c.department }))
      .sort((a, b) => a.id.localeCompare(b.id));
  // Per uid and side: edits made (field → last value) and deletes.
  const edits = {
    crm: new Map<string, Map<Field, string>>(),
    exchange: new Map<string, Map<Field, string>>(),
  };
  const deleted = { crm: new Set<string>(), exchange: new Set<string>() };
  const noteEdit = (side: 'crm' | 'exchange', u: string, f: Field, v: string) => {
    const m = edits[side].get(u) ?? new Map<Field, string>();
    m.set(f, v);
    edits[side].set(u, m);
  };
  // An item created by a run killed before it saved the link, and deleted by the user before
  // the resume, cannot be told from any other deleted item (a delete carries no content): the
  // resumed run exports the record again. Deletes made while a killed run waits are allowed to
  // come back for that reason (docs/mapping.md, Idempotency).
  let interrupted = false;
  const deletedWhileInterrupted = new Set<string>();
  const sync = async (crashAt: number | null) => {
    let seen = 0;
    const engine = engineFor(
      crashAt === null
        ? undefined
        : (s) => {
            if (seen++ === crashAt) throw new SimulatedCrash(s);
          },
    );
    const result = await engine.syncMailbox(world.mailboxId, 'contacts').catch((error: unknown) => {
      if (!(error instanceof SimulatedCrash)) throw error;
      return undefined;
    });
    if (result === undefined) interrupted = true;
    else if (result.status === 'succeeded' && !result.tally?.blocked) interrupted = false;
  };

  for (const s of steps) {
    switch (s.op) {
      case 'exCreate':
        world.exchange.create(`E${uid++}`);
        break;
      case 'exEdit': {
        const u = world.exchange.edit(s.pick, s.field, s.value);
        if (u) noteEdit('exchange', u, s.field, s.value);
        break;
      }
      case 'exDelete': {
        const u = world.exchange.delete(s.pick);
        if (u) deleted.exchange.add(u);
        if (u && interrupted) deletedWhileInterrupted.add(u);
        break;
      }
      case 'crmCreate':
        await crm.create(world.principal, { givenName: `C${uid++}`, familyName: 'P' });
        break;
      case 'crmEdit': {
        const rows = await crmRows();
        if (rows.length === 0) break;
        const row = rows[s.pick % rows.length];
        await crm.update(world.principal, row.id, { [s.field]: s.value });
        noteEdit('crm', row.uid, s.field, s.value);
        break;
      }
      case 'crmDelete': {
        const rows = await crmRows();
        if (rows.length === 0) break;
        const row = rows[s.pick % rows.length];
        await crm.delete(world.principal, row.id);
        deleted.crm.add(row.uid);
        break;
      }
      case 'sync':
        world.exchange.setFaultRate(s.faultRate, rand);
        await sync(s.crashAt);
        world.exchange.setFaultRate(0, rand);
        break;
      case 'expire':
        world.exchange.expire();
        break;
    }
  }
  // Settle: faults off, sync until a run changes nothing.
  for (let i = 0; i < 3; i++) await sync(null);
  const quiet = await engineFor().syncMailbox(world.mailboxId, 'contacts');
  const writes = Object.values(quiet.tally!.counts).flatMap((c) => [c.created, c.updated, c.deleted]);
  expect(writes, 'a settled mailbox syncs nothing').toEqual([0, 0, 0, 0, 0, 0]);

  const onCrm = (await crmRows()).map(({ id: _id, ...r }) => r);
  const onExchange = world.exchange.rows();
  const byUid = (rows: Row[]) => [...rows].sort((a, b) => a.uid.localeCompare(b.uid));
  // Both sides agree and nothing is doubled.
  expect(byUid(onExchange)).toEqual(byUid(onCrm));
  expect(new Set(onCrm.map((r) => r.uid)).size).toBe(onCrm.length);
  for (const row of onCrm) {
    // Nothing deleted comes back, unless an edit on the other side won the conflict.
    if (deleted.exchange.has(row.uid) && !deletedWhileInterrupted.has(row.uid))
      expect(policy === 'crm_wins' && edits.crm.has(row.uid), `${row.uid} was deleted in Exchange`).toBe(
        true,
      );
    if (deleted.crm.has(row.uid))
      expect(
        policy === 'exchange_wins' && edits.exchange.has(row.uid),
        `${row.uid} was deleted in the CRM`,
      ).toBe(true);
    // An edit made on one side only is not lost (without field merge: unless the other side
    // edited the record too and won it whole).
    const editedOnBoth = edits.crm.has(row.uid) && edits.exchange.has(row.uid);
    if (!fieldMerge && editedOnBoth) continue;
    for (const f of ['jobTitle', 'department'] as const) {
      const c = edits.crm.get(row.uid)?.get(f);
      const e = edits.exchange.get(row.uid)?.get(f);
      // (Edits to a copy that was then deleted went with it.)
      if (c !== undefined && e === undefined && !deleted.crm.has(row.uid))
        expect(row[f], `${row.uid}.${f}`).toBe(c);
      if (e !== undefined && c === undefined && !deleted.exchange.has(row.uid))
        expect(row[f], `${row.uid}.${f}`).toBe(e);
    }
  }
}

let fx: CrmFixture;
beforeAll(async () => {
  fx = await setupCrm();
});
afterAll(async () => {
  await fx?.close();
});

let caseNo = 0;
async function crmUser(mailboxId: string) {
  const user = await fx.crm.users.createUser({
    email: `p${caseNo}-${Date.now()}@crm.test`,
    displayName: 'P',
  });
  return {
    sync: await fx.crm.users.principalFor(user.id, { mailboxId }),
    user: await fx.crm.users.principalFor(user.id),
  };
}

describe.each<Protocol>(['ews', 'graph'])(
  'sync settles correctly (in-memory Exchange, %s delivery)',
  (style) => {
    it(`holds for ${RUNS} random histories with kills, faults and expired cursors`, async () => {
      const connectors = new Map<string, ExchangeConnector>();
      const source = new MemoryMailboxSource((address) => connectors.get(address)!);
      const engineFor = (checkpoint?: (s: string) => void) =>
        new SyncEngine({
          crm: fx.crm,
          source,
          entities: [contactsEntity],
          pageSize: 2,
          batchSize: 3,
          leaseMs: -1000,
          ...(checkpoint ? { checkpoint } : {}),
        });
      await fc.assert(
        fc.asyncProperty(
          fc.array(step(true), { minLength: 1, maxLength: 14 }),
          fc.constantFrom<ConflictPolicy>('crm_wins', 'exchange_wins'),
          fc.boolean(),
          fc.integer({ min: 1, max: 1_000_000 }),
          async (steps, policy, fieldMerge, seed) => {
            const mailboxId = `fake-${caseNo++}`;
            const address = `${mailboxId}@example.test`;
            const exchange = new FakeExchange({ style, seed });
            connectors.set(address, exchange.connector(address));
            const makeWorld = async (settings: EntitySyncSettings) => {
              const p = await crmUser(mailboxId);
              source.add(mailboxId, { address, principal: p.sync, settings: { contacts: settings } });
              return { mailboxId, principal: p.user, exchange: fakeSide(exchange) };
            };
            await runCase(fx, makeWorld, engineFor, steps, policy, fieldMerge, seed);
          },
        ),
        {
          numRuns: RUNS,
          // A fixed seed by default, so CI judges the code and not the draw; EXSYNC_PROPERTY_SEED
          // replays another, and `random` draws a fresh one (the nightly run).
          ...(PROPERTY_SEED === 'random' ? {} : { seed: Number(PROPERTY_SEED) }),
          // Histories that once failed, run first every time (the step a sync is killed at
          // counts checkpoints, so these follow the engine's steps): an Exchange delete, an
          // expired cursor, then a run killed in the middle of the read from scratch (the sweep
          // for vanished items used to be lost with it).
          examples: [
            [
              [
                { op: 'crmCreate' },
                { op: 'sync', crashAt: null, faultRate: 0 },
                { op: 'exDelete', pick: 0 },
                { op: 'expire' },
                { op: 'sync', crashAt: 1, faultRate: 0 },
              ],
              'crm_wins',
              false,
              1,
            ],
            [
              [
                { op: 'exCreate' },
                { op: 'sync', crashAt: null, faultRate: 0 },
                { op: 'exDelete', pick: 0 },
                { op: 'expire' },
                { op: 'sync', crashAt: 1, faultRate: 0 },
                { op: 'crmCreate' },
              ],
              'crm_wins',
              false,
              1,
            ],
            // A run killed after it wrote a CRM edit to Exchange (step 5, `update:item`) but
            // before the link took the new version: the next run took its own write for an
            // Exchange edit, and with exchange_wins it beat the CRM edit made in between.
            [
              [
                { op: 'exCreate' },
                { op: 'sync', crashAt: null, faultRate: 0 },
                { op: 'expire' },
                { op: 'crmEdit', pick: 0, field: 'jobTitle', value: 'c' },
                { op: 'exCreate' },
                { op: 'sync', crashAt: 5, faultRate: 0 },
                { op: 'crmEdit', pick: 0, field: 'jobTitle', value: 'a' },
              ],
              'exchange_wins',
              false,
              1,
            ],
            // The same window (step 3, `update:item`), then the record is deleted in the CRM:
            // our own write, taken for an Exchange edit, brought it back.
            [
              [
                { op: 'exCreate' },
                { op: 'sync', crashAt: null, faultRate: 0 },
                { op: 'crmEdit', pick: 0, field: 'jobTitle', value: 'c' },
                { op: 'sync', crashAt: 3, faultRate: 0 },
                { op: 'crmDelete', pick: 0 },
              ],
              'exchange_wins',
              false,
              1,
            ],
          ],
        },
      );
    }, 300_000);
  },
);

describe.each<Protocol>(['ews', 'graph'])('sync settles correctly over %s (sandbox)', (protocol) => {
  let sandbox: RunningSandbox;
  let connectors: ReturnType<typeof sandboxConnectors>;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, seed: 'demo' });
    connectors = sandboxConnectors(sandbox, protocol);
  });
  afterAll(async () => {
    connectors?.close();
    await sandbox?.close();
  });

  function sandboxSide(address: string): ExchangeSide {
    const mbx = sandbox.store.mailbox(address)!;
    const folder = sandbox.store.distinguishedFolder(mbx.id, 'contacts')!;
    const items = () =>
      (sandbox.store.items(mbx.id, folder.id) as Array<{ id: string; data: ContactData }>).sort((a, b) =>
        a.id.localeCompare(b.id),
      );
    return {
      create: (uid) =>
        void sandbox.store.createItem(
          mbx.id,
          folder.id,
          'contact',
          { givenName: uid, surname: 'P', emailAddresses: [], phones: {}, addresses: {}, categories: [] },
          'user',
        ),
      edit(pick, f, v) {
        const all = items();
        if (all.length === 0) return undefined;
        const item = all[pick % all.length];
        sandbox.store.updateItem(mbx.id, item.id, { [f]: v }, 'user');
        return item.data.givenName;
      },
      delete(pick) {
        const all = items();
        if (all.length === 0) return undefined;
        const item = all[pick % all.length];
        sandbox.store.deleteItem(mbx.id, item.id, 'hard', 'user');
        return item.data.givenName;
      },
      rows: () =>
        items().map((i) => ({
          uid: i.data.givenName!,
          jobTitle: i.data.jobTitle ?? null,
          department: i.data.department ?? null,
        })),
      setFaultRate: () => {},
      expire: () => sandbox.store.expireSyncStates(mbx.id),
    };
  }

  it(`holds for ${SANDBOX_RUNS} random histories with kills and expired sync states`, async () => {
    const source = new MemoryMailboxSource(connectors.connect);
    const engineFor = (checkpoint?: (s: string) => void) =>
      new SyncEngine({
        crm: fx.crm,
        source,
        entities: [contactsEntity],
        pageSize: 2,
        batchSize: 3,
        leaseMs: -1000,
        ...(checkpoint ? { checkpoint } : {}),
      });
    await fc.assert(
      fc.asyncProperty(
        fc.array(step(false), { minLength: 1, maxLength: 10 }),
        fc.constantFrom<ConflictPolicy>('crm_wins', 'exchange_wins'),
        fc.boolean(),
        async (steps, policy, fieldMerge) => {
          const makeWorld = async (settings: EntitySyncSettings) => {
            const m = await freshMailbox(sandbox, fx.crm, source, { contacts: settings }, 'prop');
            return { mailboxId: m.mailboxId, principal: m.userPrincipal, exchange: sandboxSide(m.address) };
          };
          await runCase(fx, makeWorld, engineFor, steps, policy, fieldMerge, 1);
        },
      ),
      { numRuns: SANDBOX_RUNS, ...(PROPERTY_SEED === 'random' ? {} : { seed: Number(PROPERTY_SEED) }) },
    );
  }, 300_000);
});
