// What a run remembers and where: the records and items its reads handled are marked on the
// link rows (not kept in memory), and the export pass skips what a read already handled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmFixture } from '../../test/support/crm-fixture.ts';
import { setupCrm } from '../../test/support/crm-fixture.ts';
import { FakeExchange } from '../../test/support/fake-exchange.ts';
import { contactSettings, MemoryMailboxSource } from '../../test/support/sandbox-source.ts';
import { contactsEntity } from './contacts/entity.ts';
import { SyncEngine } from './engine.ts';
import { linksByItem } from './store/links.ts';
import { decideHold } from './store/states.ts';
import type { EntityDefinition, EntitySyncSettings } from './types.ts';

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

let serial = 0;

/** A user with a fresh in-memory mailbox, and an engine that counts the CRM records it reads. */
async function world(settings: EntitySyncSettings) {
  const mailboxId = `engine-test-${serial++}`;
  const user = await fx.crm.users.createUser({ email: `${mailboxId}@crm.test`, displayName: mailboxId });
  const exchange = new FakeExchange();
  const source = new MemoryMailboxSource((address) => exchange.connector(address));
  source.add(mailboxId, {
    address: `${mailboxId}@example.test`,
    principal: await fx.crm.users.principalFor(user.id, { mailboxId }),
    settings: { contacts: settings },
  });
  const reads = { records: 0 };
  const counting: EntityDefinition = {
    ...contactsEntity,
    service(crm) {
      const service = contactsEntity.service(crm);
      return new Proxy(service, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver);
          if (prop !== 'getMany' || typeof value !== 'function') return value;
          return (principal: unknown, ids: string[]) => {
            reads.records += ids.length;
            return value.call(target, principal, ids);
          };
        },
      });
    },
  };
  const engine = new SyncEngine({
    crm: fx.crm,
    source,
    entities: [counting],
    pageSize: 25,
    batchSize: 20,
  });
  return {
    mailboxId,
    exchange,
    reads,
    owner: await fx.crm.users.principalFor(user.id),
    sync: () => engine.syncMailbox(mailboxId, 'contacts'),
  };
}

describe('a run keeps its bookkeeping on the link rows', () => {
  it('does not read the records its read just imported again in the export pass', async () => {
    const w = await world(contactSettings());
    for (let i = 0; i < 120; i++) w.exchange.userCreate(contact(i));
    const run = await w.sync();
    expect(run.status).toBe('succeeded');
    expect(run.tally?.counts.import.created).toBe(120);
    expect(run.tally?.counts.export.created).toBe(0);
    // Every record is new to the read, and the export pass skips them as handled.
    expect(w.reads.records).toBe(0);
  });

  it('does not export again a record its read unlinked (one-way export, item deleted in Exchange)', async () => {
    const w = await world(contactSettings({ direction: 'export' }));
    const record = await fx.crm.contacts.create(w.owner, { givenName: 'Ada', familyName: 'Lovelace' });
    expect((await w.sync()).tally?.counts.export.created).toBe(1);
    const [item] = w.exchange.contents();
    w.exchange.userDelete(item.id);
    await fx.crm.contacts.update(w.owner, record.id, { jobTitle: 'Analyst', ifVersion: record.version });
    const run = await w.sync();
    expect(run.tally?.counts.import.unlinked).toBe(1);
    expect(run.tally?.counts.export.created).toBe(0);
    expect(w.exchange.contents()).toHaveLength(0);
  });

  it('finds the items deleted while the cursor was lost, a page of links at a time', async () => {
    const w = await world(contactSettings());
    const ids = Array.from({ length: 60 }, (_, i) => w.exchange.userCreate(contact(i)));
    expect((await w.sync()).tally?.counts.import.created).toBe(60);
    for (const id of ids.slice(0, 55)) w.exchange.userDelete(id);
    w.exchange.expireCursors();
    // 55 of 60 gone is beyond the mass-delete guard: it holds, then an approval lets it through.
    expect((await w.sync()).status).toBe('held');
    await decideHold(fx.crm.store.db, { mailboxId: w.mailboxId, entity: 'contacts' }, 'approve');
    const run = await w.sync();
    expect(run.status).toBe('succeeded');
    expect(run.tally?.counts.import.deleted).toBe(55);
    const left = await fx.crm.contacts.list(w.owner, { cursor: null, limit: 100 });
    expect(left.items).toHaveLength(5);
  });

  it('leaves alone the links a read from scratch made itself', async () => {
    const w = await world(contactSettings({ conflictPolicy: 'crm_wins' }));
    const ids = Array.from({ length: 40 }, (_, i) => w.exchange.userCreate(contact(i)));
    expect((await w.sync()).tally?.counts.import.created).toBe(40);
    // 30 items deleted in Exchange while the cursor was lost, their records edited in the CRM:
    // the sweep finds each delete meeting an edit, and the CRM wins with a new item.
    const links = await linksByItem(
      fx.crm.store.db,
      { mailboxId: w.mailboxId, entity: 'contacts' },
      ids.slice(0, 30),
    );
    const records = await fx.crm.contacts.getMany(
      w.owner,
      [...links.values()].map((l) => l.recordId!),
    );
    for (const r of records)
      await fx.crm.contacts.update(w.owner, r.id, { jobTitle: 'Edited', ifVersion: r.version });
    for (const id of ids.slice(0, 30)) w.exchange.userDelete(id);
    w.exchange.expireCursors();
    const run = await w.sync();
    expect(run.status).toBe('succeeded');
    expect(run.tally?.conflicts).toBe(30);
    expect(run.tally?.counts.export.created).toBe(30);
    expect(run.tally?.counts.import.deleted).toBe(0);
    expect(w.exchange.contents()).toHaveLength(40);
    expect((await fx.crm.contacts.list(w.owner, { cursor: null, limit: 100 })).items).toHaveLength(40);
  });
});
