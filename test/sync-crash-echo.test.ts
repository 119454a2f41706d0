// E6: a run killed between writing an update and recording it on the link. The next run finds
// our own write on the side it went to; it must take it for what it is (the update intent on
// the link says what was sent) and not for the user's edit, or a real edit made in between
// loses to our echo. And a write that never landed must still meet a concurrent edit as a
// conflict. Over EWS and Graph against the sandbox, so that the content comparison goes
// through the real mappings.

import type { ContactData } from '@exsync/sandbox/model';
import { describe, expect, it } from 'vitest';
import type { Protocol } from '../src/connectors/types.ts';
import type { Contact } from '../src/crm/contacts.ts';
import { SimulatedCrash } from '../src/sync/executor.ts';
import { latestConflicts } from '../src/sync/store/conflicts.ts';
import type { ConflictPolicy, EntitySyncSettings } from '../src/sync/types.ts';
import { contactSettings, freshMailbox } from './support/sandbox-source.ts';
import { contactsEngine, useProtocolSource, useSandboxAndCrm } from './support/sync-sandbox.ts';

const world = useSandboxAndCrm();

describe.each<Protocol>(['ews', 'graph'])(
  'a run killed between an update and its link, over %s',
  (protocol) => {
    const exchange = useProtocolSource(world, protocol);

    const engine = (checkpoint?: (step: string) => void) =>
      contactsEngine(world, exchange, { leaseMs: 1, checkpoint });

    /** One contact linked between both sides, and what the user does to either side. */
    async function linkedContact(conflictPolicy: ConflictPolicy, fieldMerge: boolean) {
      const settings = contactSettings({ conflictPolicy, fieldMerge }) as EntitySyncSettings;
      const m = await freshMailbox(
        world.sandbox,
        world.fx.crm,
        exchange.source,
        { contacts: settings },
        'echo',
      );
      const mbx = world.sandbox.store.mailbox(m.address)!;
      const folder = world.sandbox.store.distinguishedFolder(mbx.id, 'contacts')!;
      const itemId = world.sandbox.store.createItem(
        mbx.id,
        folder.id,
        'contact',
        { givenName: 'Anna', surname: 'Echo', emailAddresses: [], phones: {}, addresses: {}, categories: [] },
        'user',
      ).id;
      await sync();
      const crm = world.fx.crm.contacts;
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
          (world.sandbox.store.items(mbx.id, folder.id) as Array<{ id: string; data: ContactData }>).find(
            (i) => i.id === itemId,
          )?.data,
        record: async () => (await records()).find((r) => r.id === record.id),
        editItem: (patch: Partial<ContactData>) =>
          world.sandbox.store.updateItem(mbx.id, itemId, patch, 'user'),
        editRecord: (patch: Partial<Contact>) => crm.update(m.userPrincipal, record.id, patch),
        deleteRecord: () => crm.delete(m.userPrincipal, record.id),
        conflicts: () => latestConflicts(engine().db, { mailboxId: m.mailboxId, entity: 'contacts' }),
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
