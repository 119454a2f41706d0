// E6 as a property: random interleavings of creates, edits and deletes on both sides, syncs
// that are killed at a random step or hit transient Exchange faults, and expired cursors. Edits
// set the hard mappings too: several emails, phone slots with numbers of several countries,
// addresses of every kind (test/support/sync-model.ts has the values). Once the faults stop and
// the sync settles, both sides hold the same contacts, nothing is doubled, every contact deleted
// on neither side is still there, and each contact holds exactly what an oracle worked out from
// the user's actions alone (test/support/sync-model.ts: conflict policy, field merge, deletes
// against edits), without asking the planner.
//
// Where the cases run: EXSYNC_PROPERTY_RUNS cases (default 500) per protocol against the
// in-memory Exchange (test/support/fake-exchange.ts: the same cursor and version rules as
// the sandbox, items kept in EWS XML or Graph JSON through the connectors' mapping code, no HTTP;
// EWS-style delivery, and Graph-style delivery that repeats unchanged items), so each case costs
// milliseconds; plus EXSYNC_PROPERTY_SANDBOX_RUNS cases (default 10) per protocol against the
// sandbox over EWS and over Graph, with kills and expired sync states but no injected faults.
// EXSYNC_PROPERTY_SEED replays a seed (CI uses a fixed one); `npm run test:property-random` runs
// many more cases on fresh seeds and prints the seed of a failure (docs/sync.md).

import type { AddressKey, ContactData, PhoneKey } from '@exsync/sandbox/model';
import { type RunningSandbox, startSandbox } from '@exsync/sandbox/server';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../src/connectors/errors.ts';
import type { ExchangeConnector, Protocol } from '../src/connectors/types.ts';
import type { Contact } from '../src/crm/contacts.ts';
import type { Principal } from '../src/crm/principal.ts';
import { contactsEntity } from '../src/sync/contacts/entity.ts';
import { SyncEngine } from '../src/sync/engine.ts';
import { SimulatedCrash } from '../src/sync/executor.ts';
import type { ConflictPolicy, EntitySyncSettings } from '../src/sync/types.ts';
import { type CrmFixture, setupCrm } from './support/crm-fixture.ts';
import { FakeExchange } from './support/fake-exchange.ts';
import {
  contactSettings,
  freshMailbox,
  MemoryMailboxSource,
  sandboxConnectors,
} from './support/sandbox-source.ts';
import {
  type AddressKind,
  canonical,
  crmPatch,
  crmValues,
  FIELDS,
  type FieldName,
  neutralPatch,
  neutralValues,
  type PhoneSlot,
  SyncModel,
  VALUE_POOL,
  type Values,
} from './support/sync-model.ts';

const RUNS = Number(process.env.EXSYNC_PROPERTY_RUNS ?? 500);
const SANDBOX_RUNS = Number(process.env.EXSYNC_PROPERTY_SANDBOX_RUNS ?? 10);
const PROPERTY_SEED = process.env.EXSYNC_PROPERTY_SEED ?? '20261122';
// Each property below may run 15 minutes (900_000 ms): 500 histories take about a minute on
// SQLite but three to five on PostgreSQL, whose commits cost a round trip each, and more when
// other test files share the cores. The limit is there to stop a hung run, not to judge speed.

type Step =
  | { op: 'exCreate' }
  | { op: 'exEdit'; pick: number; field: FieldName; value: number }
  | { op: 'exDelete'; pick: number }
  | { op: 'crmCreate' }
  | { op: 'crmEdit'; pick: number; field: FieldName; value: number }
  | { op: 'crmDelete'; pick: number }
  | { op: 'sync'; crashAt: number | null; faultRate: number }
  | { op: 'expire' };

/** The value an edit step sets: an index into the field's pool (test/support/sync-model.ts). */
const pooledValue = <F extends FieldName>(field: F, index: number): Values[F] =>
  VALUE_POOL[field][index % VALUE_POOL[field].length] as Values[F];

const field = fc.constantFrom<FieldName>(...FIELDS);
const value = fc.nat({ max: 3 });
const step = (options: { faults: boolean }): fc.Arbitrary<Step> =>
  fc.oneof(
    { arbitrary: fc.constant({ op: 'exCreate' as const }), weight: 2 },
    { arbitrary: fc.record({ op: fc.constant('exEdit' as const), pick: fc.nat(), field, value }), weight: 3 },
    { arbitrary: fc.record({ op: fc.constant('exDelete' as const), pick: fc.nat() }), weight: 1 },
    { arbitrary: fc.constant({ op: 'crmCreate' as const }), weight: 2 },
    {
      arbitrary: fc.record({ op: fc.constant('crmEdit' as const), pick: fc.nat(), field, value }),
      weight: 3,
    },
    { arbitrary: fc.record({ op: fc.constant('crmDelete' as const), pick: fc.nat() }), weight: 1 },
    {
      arbitrary: fc.record({
        op: fc.constant('sync' as const),
        crashAt: fc.option(fc.nat({ max: 30 }), { nil: null }),
        faultRate: options.faults ? fc.constantFrom(0, 0, 0.15) : fc.constant(0),
      }),
      weight: 3,
    },
    { arbitrary: fc.constant({ op: 'expire' as const }), weight: 1 },
  );

interface Row {
  uid: string;
  values: Values;
}

/** One Exchange mailbox as the test drives it. */
interface ExchangeSide {
  create(uid: string): void;
  edit<F extends FieldName>(pick: number, field: F, value: Values[F]): string | undefined;
  delete(pick: number): string | undefined;
  rows(): Row[];
  /** Injects transient faults at this rate; answers how many were injected so far. */
  setFaultRate(rate: number, random: () => number): void;
  faults(): number;
  expire(): void;
}

function fakeSide(exchange: FakeExchange): ExchangeSide {
  const ids = () => [...exchange.items.keys()].sort();
  let injected = 0;
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
      exchange.userUpdate(id, neutralPatch(f, v));
      return exchange.read(id)!.givenName;
    },
    delete(pick) {
      const all = ids();
      if (all.length === 0) return undefined;
      const id = all[pick % all.length];
      const uid = exchange.read(id)!.givenName;
      exchange.userDelete(id);
      return uid;
    },
    rows: () =>
      exchange.contents().map(({ item }) => ({ uid: item.givenName!, values: neutralValues(item) })),
    setFaultRate(rate, random) {
      exchange.fault = (operation) => {
        if (rate > 0 && random() < rate) {
          injected++;
          throw new ConnectorError('transient', `injected fault in ${operation}`);
        }
      };
    },
    faults: () => injected,
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
      .map((c) => ({ id: c.id, uid: c.givenName!, values: crmValues(c) }))
      .sort((a, b) => a.id.localeCompare(b.id));
  // The oracle: what the rules say both sides must hold, from the user's actions alone.
  const model = new SyncModel(policy, fieldMerge);
  // Beside the oracle, invariants that hold for every contact, also those a killed run left
  // the oracle unsure of: per side, the last value each edit set and the deletes.
  const edits = {
    crm: new Map<string, Map<FieldName, string>>(),
    exchange: new Map<string, Map<FieldName, string>>(),
  };
  const deleted = { crm: new Set<string>(), exchange: new Set<string>() };
  const noteEdit = (side: 'crm' | 'exchange', u: string, f: FieldName, v: unknown) => {
    const m = edits[side].get(u) ?? new Map<FieldName, string>();
    m.set(f, canonical(v));
    edits[side].set(u, m);
  };
  // An item created by a run killed before it saved the link, and deleted by the user before
  // the resume, cannot be told from any other deleted item (a delete carries no content): the
  // resumed run exports the record again (docs/mapping.md, Idempotency).
  let interrupted = false;
  const deletedWhileInterrupted = new Set<string>();
  const observe = async () => ({
    crm: new Map((await crmRows()).map((r) => [r.uid, r.values])),
    exchange: new Map(world.exchange.rows().map((r) => [r.uid, r.values])),
  });
  const sync = async (crashAt: number | null) => {
    let seen = 0;
    const faultsBefore = world.exchange.faults();
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
    const complete =
      result !== undefined &&
      result.status === 'succeeded' &&
      !result.tally?.blocked &&
      result.tally?.errors.length === 0 &&
      world.exchange.faults() === faultsBefore;
    if (complete) model.completed(await observe());
    else model.cut();
    if (result === undefined) interrupted = true;
    else if (result.status === 'succeeded' && !result.tally?.blocked) interrupted = false;
  };

  for (const s of steps) {
    switch (s.op) {
      case 'exCreate': {
        const u = `E${uid++}`;
        world.exchange.create(u);
        model.create('exchange', u);
        break;
      }
      case 'exEdit': {
        const v = pooledValue(s.field, s.value);
        const u = world.exchange.edit(s.pick, s.field, v);
        if (u) model.edit('exchange', u, s.field, v);
        if (u) noteEdit('exchange', u, s.field, v);
        break;
      }
      case 'exDelete': {
        const u = world.exchange.delete(s.pick);
        if (u) model.delete('exchange', u);
        if (u) deleted.exchange.add(u);
        if (u && interrupted) deletedWhileInterrupted.add(u);
        break;
      }
      case 'crmCreate': {
        const u = `C${uid++}`;
        await crm.create(world.principal, { givenName: u, familyName: 'P' });
        model.create('crm', u);
        break;
      }
      case 'crmEdit': {
        const rows = await crmRows();
        if (rows.length === 0) break;
        const row = rows[s.pick % rows.length];
        const v = pooledValue(s.field, s.value);
        await crm.update(world.principal, row.id, crmPatch(s.field, v));
        model.edit('crm', row.uid, s.field, v);
        noteEdit('crm', row.uid, s.field, v);
        break;
      }
      case 'crmDelete': {
        const rows = await crmRows();
        if (rows.length === 0) break;
        const row = rows[s.pick % rows.length];
        await crm.delete(world.principal, row.id);
        model.delete('crm', row.uid);
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
  expect(quiet.status, `the settled run: ${JSON.stringify(quiet.error ?? quiet.tally?.errors)}`).toBe(
    'succeeded',
  );
  const writes = Object.values(quiet.tally!.counts).flatMap((c) => [c.created, c.updated, c.deleted]);
  expect(writes, 'a settled mailbox syncs nothing').toEqual([0, 0, 0, 0, 0, 0]);

  const onCrm = (await crmRows()).map(({ id: _id, ...r }) => r);
  const onExchange = world.exchange.rows();
  const byUid = (rows: Row[]) =>
    [...rows]
      .sort((a, b) => a.uid.localeCompare(b.uid))
      .map((r) => ({ uid: r.uid, values: canonical(r.values) }));
  // Both sides agree and nothing is doubled.
  expect(byUid(onExchange)).toEqual(byUid(onCrm));
  expect(new Set(onCrm.map((r) => r.uid)).size).toBe(onCrm.length);
  // A contact deleted on neither side is on both.
  const present = new Set(onCrm.map((r) => r.uid));
  for (const u of model.neverDeleted()) expect(present.has(u), `${u} was never deleted`).toBe(true);
  // The oracle's verdict: conflict policy, field merge, deletes against edits.
  const expected = model.expected();
  for (const row of onCrm) {
    if (!model.certain(row.uid)) continue;
    expect(expected.has(row.uid), `${row.uid} should be gone: ${model.describe(row.uid)}`).toBe(true);
    expect(canonical(row.values), `${row.uid}: ${model.describe(row.uid)}`).toBe(
      canonical(expected.get(row.uid)),
    );
  }
  for (const u of expected.keys()) expect(present.has(u), `${u} is missing: ${model.describe(u)}`).toBe(true);
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
    // edited the contact too and won it whole).
    const editedOnBoth = edits.crm.has(row.uid) && edits.exchange.has(row.uid);
    if (!fieldMerge && editedOnBoth) continue;
    for (const f of FIELDS) {
      const c = edits.crm.get(row.uid)?.get(f);
      const e = edits.exchange.get(row.uid)?.get(f);
      // (Edits to a copy that was then deleted went with it.)
      if (c !== undefined && e === undefined && !deleted.crm.has(row.uid))
        expect(canonical(row.values[f]), `${row.uid}.${f}`).toBe(c);
      if (e !== undefined && c === undefined && !deleted.exchange.has(row.uid))
        expect(canonical(row.values[f]), `${row.uid}.${f}`).toBe(e);
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
          fc.array(step({ faults: true }), { minLength: 1, maxLength: 14 }),
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
                { op: 'crmEdit', pick: 0, field: 'jobTitle', value: 2 },
                { op: 'exCreate' },
                { op: 'sync', crashAt: 5, faultRate: 0 },
                { op: 'crmEdit', pick: 0, field: 'jobTitle', value: 0 },
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
                { op: 'crmEdit', pick: 0, field: 'jobTitle', value: 2 },
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
    }, 900_000);
  },
);

const SANDBOX_PHONE_KEY: Record<PhoneSlot, PhoneKey> = {
  business: 'BusinessPhone',
  business2: 'BusinessPhone2',
  home: 'HomePhone',
  home2: 'HomePhone2',
  mobile: 'MobilePhone',
};
const SANDBOX_ADDRESS_KEY: Record<AddressKind, AddressKey> = {
  business: 'Business',
  home: 'Home',
  other: 'Other',
};

/** A sandbox contact patch setting one field, as a user's edit in Outlook would. */
function sandboxPatch(f: FieldName, v: Values[FieldName]): Partial<ContactData> {
  switch (f) {
    case 'emails':
      return { emailAddresses: (v as string[]).map((address) => ({ address })) };
    case 'phones':
      return {
        phones: Object.fromEntries(
          Object.entries(v as Values['phones']).map(([slot, n]) => [SANDBOX_PHONE_KEY[slot as PhoneSlot], n]),
        ),
      };
    case 'addresses':
      return {
        addresses: Object.fromEntries(
          Object.entries(v as Values['addresses']).map(([kind, a]) => [
            SANDBOX_ADDRESS_KEY[kind as AddressKind],
            { street: a!.street!, city: a!.city!, postalCode: a!.postalCode!, countryOrRegion: a!.country! },
          ]),
        ),
      };
    default:
      return { [f]: v };
  }
}

function sandboxValues(data: ContactData): Values {
  const phones: Values['phones'] = {};
  for (const [slot, key] of Object.entries(SANDBOX_PHONE_KEY))
    if (data.phones[key]) phones[slot as PhoneSlot] = data.phones[key];
  const addresses: Values['addresses'] = {};
  for (const [kind, key] of Object.entries(SANDBOX_ADDRESS_KEY)) {
    const a = data.addresses[key];
    if (a)
      addresses[kind as AddressKind] = {
        street: a.street ?? null,
        city: a.city ?? null,
        postalCode: a.postalCode ?? null,
        country: a.countryOrRegion ?? null,
      };
  }
  return {
    jobTitle: data.jobTitle ?? null,
    department: data.department ?? null,
    emails: data.emailAddresses.map((e) => e.address),
    phones,
    addresses,
  };
}

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
        sandbox.store.updateItem(mbx.id, item.id, sandboxPatch(f, v), 'user');
        return item.data.givenName;
      },
      delete(pick) {
        const all = items();
        if (all.length === 0) return undefined;
        const item = all[pick % all.length];
        sandbox.store.deleteItem(mbx.id, item.id, 'hard', 'user');
        return item.data.givenName;
      },
      rows: () => items().map((i) => ({ uid: i.data.givenName!, values: sandboxValues(i.data) })),
      setFaultRate: () => {},
      faults: () => 0,
      expire: () => sandbox.store.expireSyncStates(mbx.id),
    };
  }

  it(`holds for ${SANDBOX_RUNS} random histories with kills and expired sync states`, async () => {
    let expiries = 0;
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
        fc.array(step({ faults: false }), { minLength: 1, maxLength: 10 }),
        fc.constantFrom<ConflictPolicy>('crm_wins', 'exchange_wins'),
        fc.boolean(),
        async (steps, policy, fieldMerge) => {
          const makeWorld = async (settings: EntitySyncSettings) => {
            const m = await freshMailbox(sandbox, fx.crm, source, { contacts: settings }, 'prop');
            const side = sandboxSide(m.address);
            const expire = side.expire;
            side.expire = () => {
              expiries++;
              expire();
            };
            return { mailboxId: m.mailboxId, principal: m.userPrincipal, exchange: side };
          };
          await runCase(fx, makeWorld, engineFor, steps, policy, fieldMerge, 1);
        },
      ),
      {
        numRuns: SANDBOX_RUNS,
        ...(PROPERTY_SEED === 'random' ? {} : { seed: Number(PROPERTY_SEED) }),
        // Always at least one history with expired sync states: a folder of more than one page
        // (pageSize 2) is read from scratch after the expiry, then edited on both sides.
        examples: [
          [
            [
              { op: 'exCreate' },
              { op: 'exCreate' },
              { op: 'crmCreate' },
              { op: 'sync', crashAt: null, faultRate: 0 },
              { op: 'expire' },
              { op: 'exEdit', pick: 0, field: 'phones', value: 2 },
              { op: 'crmEdit', pick: 0, field: 'phones', value: 3 },
              { op: 'exDelete', pick: 1 },
              { op: 'sync', crashAt: 2, faultRate: 0 },
              { op: 'expire' },
            ],
            'crm_wins',
            true,
          ],
        ],
      },
    );
    expect(expiries, 'sync states were expired').toBeGreaterThan(0);
  }, 900_000);
});
