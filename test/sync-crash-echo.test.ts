// E6: a run killed between writing an update and recording it on the link. The next run finds
// our own write on the side it went to; it must take it for what it is (the update intent on
// the link says what was sent) and not for the user's edit, or a real edit made in between
// loses to our echo. And a write that never landed must still meet a concurrent edit as a
// conflict. Over EWS and Graph against the sandbox, so that the content comparison goes
// through the real mappings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Protocol } from '../src/connectors/types.ts';
import type { Contact } from '../src/crm/contacts.ts';
import { type CrmFixture, setupCrm } from '../src/crm/test-support.ts';
import type { ContactData } from '../src/sandbox/model.ts';
import { type RunningSandbox, startSandbox } from '../src/sandbox/server.ts';
import { contactsEntity } from '../src/sync/contacts/entity.ts';
import { SyncEngine } from '../src/sync/engine.ts';
import { SimulatedCrash } from '../src/sync/executor.ts';
import {
  contactSettings,
  freshMailbox,
  MemoryMailboxSource,
  sandboxConnectors,
} from '../src/sync/testing/sandbox-source.ts';
import type { ConflictPolicy, EntitySyncSettings } from '../src/sync/types.ts';

let sandbox: RunningSandbox;
let fx: CrmFixture;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 'demo' });
  fx = await setupCrm();
});
afterAll(async () => {
  await fx?.close();
  await sandbox?.close();
});

describe.each<Protocol>(['ews', 'graph'])(
  'a run killed between an update and its link, over %s',
  (protocol) => {
    let connectors: ReturnType<typeof sandboxConnectors>;
    let source: MemoryMailboxSource;

    beforeAll(() => {
      connectors = sandboxConnectors(sandbox, protocol);
      source = new MemoryMailboxSource(connectors.connect);
    });
    afterAll(() => connectors.close());

    const engine = (checkpoint?: (step: string) => void) =>
      new SyncEngine({
        crm: fx.crm,
        source,
        entities: [contactsEntity],
        leaseMs: 1,
        ...(checkpoint ? { checkpoint } : {}),
      });

    /** One contact linked between both sides, and what the user does to either side. */
    async function linkedContact(conflictPolicy: ConflictPolicy, fieldMerge: boolean) {
      const settings = contactSettings({ conflictPolicy, fieldMerge }) as EntitySyncSettings;
      const m = await freshMailbox(sandbox, fx.crm, source, { contacts: settings }, 'echo');
      const mbx = sandbox.store.mailbox(m.address)!;
      const folder = sandbox.store.distinguishedFolder(mbx.id, 'contacts')!;
      const itemId = sandbox.store.createItem(
        mbx.id,
        folder.id,
        'contact',
        { givenName: 'Anna', surname: 'Echo', emailAddresses: [], phones: {}, addresses: {}, categories: [] },
        'user',
      ).id;
      await sync();
      const crm = fx.crm.contacts;
      const records = async () => (await crm.list(m.userPrincipal, { limit: 10 })).items as Contact[];
      const [record] = await records();
      expect(record?.givenName).toBe('Anna');

      async function sync(killAt?: string) {
        const hook = killAt
          ? (step: string) => {
              if (step === killAt) throw new SimulatedCrash(step);
            }
          : undefined;
        const outcome = await engine(hook)
          .syncMailbox(m.mailboxId, 'contacts')
          .then(
            (r) => r.status,
            (error: unknown) => {
              if (!(error instanceof SimulatedCrash)) throw error;
              return 'killed';
            },
          );
        // Let the killed run's lease expire.
        await new Promise((r) => setTimeout(r, 3));
        return outcome;
      }
      return {
        sync,
        item: () =>
          (sandbox.store.items(mbx.id, folder.id) as Array<{ id: string; data: ContactData }>).find(
            (i) => i.id === itemId,
          )?.data,
        record: async () => (await records()).find((r) => r.id === record.id),
        editItem: (patch: Partial<ContactData>) => sandbox.store.updateItem(mbx.id, itemId, patch, 'user'),
        editRecord: (patch: Partial<Contact>) => crm.update(m.userPrincipal, record.id, patch),
        deleteRecord: () => crm.delete(m.userPrincipal, record.id),
        conflicts: () => engine().store(m.mailboxId, 'contacts').conflicts(),
        /** A further run writes nothing. */
        settled: async () => {
          const quiet = await engine().syncMailbox(m.mailboxId, 'contacts');
          return Object.values(quiet.tally!.counts).flatMap((c) => [c.created, c.updated, c.deleted]);
        },
      };
    }

    it.each([false, true])(
      'a CRM edit it wrote to Exchange is no Exchange edit: a later CRM edit wins (exchange_wins, merge %s)',
      async (fieldMerge) => {
        const c = await linkedContact('exchange_wins', fieldMerge);
        await c.editRecord({ jobTitle: 'Written' });
        expect(await c.sync('update:item')).toBe('killed');
        expect(c.item()?.jobTitle).toBe('Written');
        await c.editRecord({ jobTitle: 'Later' });
        expect(await c.sync()).toBe('succeeded');
        expect((await c.record())?.jobTitle).toBe('Later');
        expect(c.item()?.jobTitle).toBe('Later');
        expect(await c.conflicts()).toEqual([]);
        expect(await c.settled()).toEqual([0, 0, 0, 0, 0, 0]);
      },
    );

    it('an Exchange edit it wrote to the CRM is no CRM edit: a later CRM edit is kept (exchange_wins, no merge)', async () => {
      const c = await linkedContact('exchange_wins', false);
      c.editItem({ jobTitle: 'Written' });
      expect(await c.sync('update:record')).toBe('killed');
      expect((await c.record())?.jobTitle).toBe('Written');
      await c.editRecord({ department: 'Later' });
      expect(await c.sync()).toBe('succeeded');
      expect(await c.record()).toMatchObject({ jobTitle: 'Written', department: 'Later' });
      expect(c.item()).toMatchObject({ jobTitle: 'Written', department: 'Later' });
      expect(await c.conflicts()).toEqual([]);
      expect(await c.settled()).toEqual([0, 0, 0, 0, 0, 0]);
    });

    it('a record deleted after its edit went to Exchange stays deleted (exchange_wins)', async () => {
      const c = await linkedContact('exchange_wins', false);
      await c.editRecord({ jobTitle: 'Written' });
      expect(await c.sync('update:item')).toBe('killed');
      await c.deleteRecord();
      expect(await c.sync()).toBe('succeeded');
      expect(await c.record()).toBeUndefined();
      expect(c.item()).toBeUndefined();
      expect(await c.conflicts()).toEqual([]);
    });

    it('a write that never landed still meets a concurrent edit as a conflict (crm_wins)', async () => {
      const c = await linkedContact('crm_wins', false);
      await c.editRecord({ jobTitle: 'From the CRM' });
      expect(await c.sync('update:intents')).toBe('killed');
      expect(c.item()?.jobTitle ?? null).toBeNull();
      c.editItem({ jobTitle: 'From Exchange' });
      expect(await c.sync()).toBe('succeeded');
      expect((await c.record())?.jobTitle).toBe('From the CRM');
      expect(c.item()?.jobTitle).toBe('From the CRM');
      const conflicts = await c.conflicts();
      expect(conflicts).toHaveLength(1);
      expect(conflicts[0]).toMatchObject({ fields: ['jobTitle'], resolution: 'crm_wins' });
      expect(await c.settled()).toEqual([0, 0, 0, 0, 0, 0]);
    });
  },
);
