// Items that several mailboxes hold copies of (a meeting in the organizer's calendar and in each
// attendee's) get one CRM record, linked from every mailbox. Contacts stand in for meetings
// here, with a shared identity read from the notes (`key:…`) and department (whose copy), so
// that the engine's handling is proved apart from any meeting mapping.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmFixture } from '../../test/support/crm-fixture.ts';
import { setupCrm } from '../../test/support/crm-fixture.ts';
import { FakeExchange } from '../../test/support/fake-exchange.ts';
import { contactSettings, MemoryMailboxSource } from '../../test/support/sandbox-source.ts';
import type { NeutralContact } from '../connectors/types.ts';
import { contactsEntity } from './contacts/entity.ts';
import { SyncEngine } from './engine.ts';
import { linksByItem } from './store/links.ts';
import type { EntityDefinition } from './types.ts';

let fx: CrmFixture;
beforeAll(async () => {
  fx = await setupCrm();
});
afterAll(async () => {
  await fx?.close();
});

const ENTITY = 'shared-contacts';
const sharedContacts: EntityDefinition = {
  ...contactsEntity,
  name: ENTITY,
  sharedIdentity: (item: NeutralContact) =>
    item.notes?.startsWith('key:')
      ? { key: item.notes, role: item.department === 'organizer' ? 'organizer' : 'attendee' }
      : undefined,
};

let serial = 0;

/** Two users' mailboxes syncing one entity through one engine. */
async function world() {
  const source = new MemoryMailboxSource((address) => exchanges.get(address)!.connector(address));
  const exchanges = new Map<string, FakeExchange>();
  const mailbox = async (name: string) => {
    const mailboxId = `shared-${name}-${serial++}`;
    const user = await fx.crm.users.createUser({ email: `${mailboxId}@crm.test`, displayName: mailboxId });
    const exchange = new FakeExchange();
    const address = `${mailboxId}@example.test`;
    exchanges.set(address, exchange);
    source.add(mailboxId, {
      address,
      principal: await fx.crm.users.principalFor(user.id, { mailboxId }),
      settings: { [ENTITY]: contactSettings() },
    });
    const scope = { mailboxId, entity: ENTITY };
    return {
      mailboxId,
      exchange,
      owner: await fx.crm.users.principalFor(user.id),
      sync: () => engine.syncMailbox(mailboxId, ENTITY),
      recordOf: async (itemId: string) =>
        (await linksByItem(fx.crm.store.db, scope, [itemId])).get(itemId)?.recordId,
    };
  };
  const engine = new SyncEngine({ crm: fx.crm, source, entities: [sharedContacts] });
  return { organizer: await mailbox('ada'), attendee: await mailbox('grace') };
}

const meeting = (role: string): NeutralContact => ({
  givenName: 'Kick-off',
  notes: `key:meeting-${serial}`,
  department: role,
  emails: [],
  phones: [],
  addresses: [],
  categories: [],
});

describe('one record for the copies of a shared item', () => {
  it('links both mailboxes to one record, writes nothing across them, and unlinks only the attendee', async () => {
    const { organizer, attendee } = await world();
    const organizerItem = organizer.exchange.userCreate(meeting('organizer'));
    const attendeeItem = attendee.exchange.userCreate(meeting('attendee'));
    const solo = attendee.exchange.userCreate({ ...meeting('attendee'), givenName: 'Solo', notes: 'no key' });

    const first = await organizer.sync();
    expect(first.tally?.counts.import.created).toBe(1);
    const record = await organizer.recordOf(organizerItem);
    expect(record).toBeDefined();
    // The attendee may see and edit the record, as the people sharing a meeting do.
    await fx.crm.shares.share(organizer.owner, {
      recordType: 'contact',
      recordId: record!,
      principalType: 'user',
      principalId: attendee.owner.userId,
      level: 'edit',
    });
    const second = await attendee.sync();
    // Only the item without a shared key makes a record; the meeting joins the organizer's.
    expect(second.tally?.counts.import.created).toBe(1);
    expect(second.tally?.counts.export.created).toBe(0);
    expect(await attendee.recordOf(attendeeItem)).toBe(record);
    expect(await attendee.recordOf(solo)).not.toBe(record);

    // Nothing changed: neither run writes anything.
    for (const m of [organizer, attendee]) {
      const run = await m.sync();
      expect(run.status).toBe('succeeded');
      expect(run.tally?.counts).toEqual({
        import: { created: 0, updated: 0, deleted: 0, unlinked: 0 },
        export: { created: 0, updated: 0, deleted: 0, unlinked: 0 },
      });
    }

    // The organizer's edit reaches the record; the attendee's sync does not take the organizer's
    // sync's write for a user's edit and leaves the attendee's copy to Exchange.
    organizer.exchange.userUpdate(organizerItem, { jobTitle: 'Agenda v2' });
    expect((await organizer.sync()).tally?.counts.import.updated).toBe(1);
    const attendeeRun = await attendee.sync();
    expect(attendeeRun.tally?.counts.export.updated).toBe(0);
    expect(attendee.exchange.read(attendeeItem)?.jobTitle).toBeUndefined();

    // The attendee declines: that mailbox's link goes, the shared record stays.
    attendee.exchange.userDelete(attendeeItem);
    const declined = await attendee.sync();
    expect(declined.tally?.counts.import.unlinked).toBe(1);
    expect(declined.tally?.counts.import.deleted).toBe(0);
    expect(await attendee.recordOf(attendeeItem)).toBeUndefined();
    expect(await organizer.recordOf(organizerItem)).toBe(record);
    expect(await fx.crm.contacts.getMany(organizer.owner, [record!])).toHaveLength(1);
    expect((await organizer.sync()).tally?.counts.import.deleted).toBe(0);
  });
});
