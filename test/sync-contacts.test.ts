// Contact sync end to end against the sandbox, over EWS and over Graph: import (B1, B2), export
// (B3, B4), two-way edits without echoes (E1, E6), conflicts (E2), incremental cost (E4),
// deletes, filters and the mass-delete guard (E5), run records (E7). One sandbox and one store
// per file; every test gets fresh mailboxes and a fresh CRM user.

import type { ContactData } from '@exsync/sandbox/model';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../src/connectors/errors.ts';
import type { ExchangeConnector, NeutralContact, Protocol } from '../src/connectors/types.ts';
import type { Contact } from '../src/crm/contacts.ts';
import type { Principal } from '../src/crm/principal.ts';
import { InProcessQueue } from '../src/jobs/in-process.ts';
import type { ContactSyncOptions } from '../src/sync/contacts/mapping.ts';
import type { SyncEngine } from '../src/sync/engine.ts';
import { registerSyncWorker, scheduleMailboxSync, syncNow } from '../src/sync/schedule.ts';
import { latestConflicts } from '../src/sync/store/conflicts.ts';
import { notExportedOf } from '../src/sync/store/links.ts';
import { latestRuns } from '../src/sync/store/runs.ts';
import { decideHold } from '../src/sync/store/states.ts';
import { tagRecords } from '../src/sync/store/tags.ts';
import type { EntitySyncSettings } from '../src/sync/types.ts';
import { contactSettings, freshMailbox } from './support/sandbox-source.ts';
import { contactsEngine, useProtocolSource, useSandboxAndCrm } from './support/sync-sandbox.ts';

const world = useSandboxAndCrm();

const person = (over: Partial<ContactData> = {}): ContactData => ({
  givenName: 'Grace',
  surname: 'Hopper',
  displayName: 'Grace Hopper',
  companyName: 'Remington Rand',
  jobTitle: 'Rear Admiral',
  emailAddresses: [{ address: 'grace@navy.test' }],
  phones: { BusinessPhone: '030 1234567', MobilePhone: '+1 202 555 0142' },
  addresses: { Business: { street: '1 Navy Way', city: 'Arlington', countryOrRegion: 'USA' } },
  notes: 'COBOL',
  categories: ['Pioneers'],
  ...over,
});

describe.each<Protocol>(['ews', 'graph'])('contact sync over %s', (protocol) => {
  const exchange = useProtocolSource(world, protocol);
  let engine: SyncEngine;

  beforeAll(() => {
    engine = contactsEngine(world, exchange, { pageSize: 5 });
  });

  async function mailbox(settings: EntitySyncSettings<ContactSyncOptions> = contactSettings()) {
    const m = await freshMailbox(world.sandbox, world.fx.crm, exchange.source, {
      contacts: settings as EntitySyncSettings,
    });
    const mbx = world.sandbox.store.mailbox(m.address)!;
    const folder = world.sandbox.store.distinguishedFolder(mbx.id, 'contacts')!;
    return {
      ...m,
      setSettings: (s: EntitySyncSettings<ContactSyncOptions>) => {
        exchange.source.mailboxes.get(m.mailboxId)!.settings = { contacts: s as EntitySyncSettings };
      },
      sync: async () => {
        const result = await engine.syncMailbox(m.mailboxId, 'contacts');
        expect(result.error).toBeUndefined();
        return result;
      },
      exchangeItems: () =>
        world.sandbox.store.items(mbx.id, folder.id).map((i) => i as { id: string; data: ContactData }),
      userCreates: (data: ContactData) =>
        world.sandbox.store.createItem(mbx.id, folder.id, 'contact', data, 'user'),
      userUpdates: (id: string, patch: Partial<ContactData>) =>
        world.sandbox.store.updateItem(mbx.id, id, patch, 'user'),
      userDeletes: (id: string) => world.sandbox.store.deleteItem(mbx.id, id, 'hard', 'user'),
      crmContacts: async (p: Principal = m.userPrincipal) =>
        (await world.fx.crm.contacts.list(p, { limit: 500 })).items as Contact[],
    };
  }

  it('imports Exchange contacts, canonical phones, and links them to accounts (B1, B2)', async () => {
    const m = await mailbox();
    await world.fx.crm.accounts.create(m.userPrincipal, { name: 'Remington Rand' });
    m.userCreates(person());
    m.userCreates(
      person({ givenName: 'Alan', surname: 'Turing', displayName: 'Alan Turing', companyName: 'NPL' }),
    );
    const run = await m.sync();
    expect(run.tally?.counts.import.created).toBe(2);
    const contacts = await m.crmContacts();
    const grace = contacts.find((c) => c.givenName === 'Grace')!;
    expect(grace).toMatchObject({
      familyName: 'Hopper',
      companyName: 'Remington Rand',
      jobTitle: 'Rear Admiral',
      emails: [{ type: 'work', address: 'grace@navy.test' }],
      notes: 'COBOL',
      categories: ['Pioneers'],
    });
    expect(grace.phones).toEqual(
      expect.arrayContaining([
        // Her address is in the USA, where 030 1234567 cannot be a number: kept as typed.
        { type: 'work', number: '030 1234567' },
        { type: 'mobile', number: '+1 202 555 0142' },
      ]),
    );
    expect(grace.accountId).toBeTruthy();
    expect(contacts.find((c) => c.givenName === 'Alan')!.accountId).toBeNull();

    // Nothing changed: the next run writes nothing and costs one request for the one folder (E4).
    const again = await m.sync();
    expect(again.tally?.counts).toEqual({
      import: { created: 0, updated: 0, deleted: 0, unlinked: 0 },
      export: { created: 0, updated: 0, deleted: 0, unlinked: 0 },
    });
    const [record] = await latestRuns(engine.db, { mailboxId: m.mailboxId, entity: 'contacts' }, 1);
    expect(record).toMatchObject({ status: 'succeeded', exchangeRequests: 1 });
  });

  it('exports CRM contacts within Exchange limits and records what stayed behind (B3, B4)', async () => {
    const m = await mailbox();
    const created = await world.fx.crm.contacts.create(m.userPrincipal, {
      givenName: 'Ada',
      familyName: 'Lovelace',
      emails: ['a@x.test', 'b@x.test', 'c@x.test', 'd@x.test'].map((address) => ({
        type: 'work' as const,
        address,
      })),
      phones: [
        { type: 'work', number: '0171 1234567' },
        { type: 'work', number: '030 7654321' },
        { type: 'work', number: '040 111111' },
      ],
      websites: [
        { type: 'work', url: 'https://ada.test' },
        { type: 'personal', url: 'https://blog.ada.test' },
      ],
      notes: 'Analytical Engine',
    });
    const run = await m.sync();
    expect(run.tally?.counts.export.created).toBe(1);
    const [item] = m.exchangeItems();
    expect(item.data.emailAddresses.map((e) => e.address)).toEqual(['a@x.test', 'b@x.test', 'c@x.test']);
    expect(item.data.phones).toMatchObject({
      BusinessPhone: '+49 171 1234567',
      BusinessPhone2: '+49 30 7654321',
    });
    expect(item.data.businessHomePage).toBe('https://ada.test');
    expect(item.data.notes).toBe('Analytical Engine');
    const left = await notExportedOf(engine.db, { mailboxId: m.mailboxId, entity: 'contacts' }, created.id);
    expect(left.map((l) => l.field).sort()).toEqual(['emails', 'phones', 'websites']);
    expect(left.find((l) => l.field === 'emails')).toMatchObject({
      value: 'd@x.test',
      reason: expect.stringMatching(/three/),
    });
    expect(run.tally?.skipped.some((s) => s.ref.includes(created.id))).toBe(true);
    // Each skipped value names its record and field, for screens to link the contact.
    expect(
      run.tally?.skipped
        .filter((s) => s.recordId === created.id)
        .map((s) => s.field)
        .sort(),
    ).toEqual(['emails', 'phones', 'websites']);

    // An edit in Exchange comes back without wiping what never went there.
    m.userUpdates(item.id, {
      jobTitle: 'Countess',
      emailAddresses: [{ address: 'a@x.test' }, { address: 'new@x.test' }],
    });
    const back = await m.sync();
    expect(back.tally?.counts.import.updated).toBe(1);
    const after = await world.fx.crm.contacts.get(m.userPrincipal, created.id);
    expect(after.jobTitle).toBe('Countess');
    expect(after.emails.map((e) => e.address)).toEqual(['a@x.test', 'new@x.test', 'd@x.test']);
    expect(after.websites).toHaveLength(2);
    expect(after.phones).toHaveLength(3);
    // …and is not sent back again.
    const quiet = await m.sync();
    expect(quiet.tally?.counts.export.updated).toBe(0);
    expect(quiet.tally?.counts.import.updated).toBe(0);
  });

  it('reads a number without country code as one of the contact’s country, and never guesses one', async () => {
    // The mailbox (or organisation) country is Germany: it only applies when the address names none.
    const m = await mailbox(contactSettings({ options: { defaultCountry: 'DE' } }));
    const uk = await world.fx.crm.contacts.create(m.userPrincipal, {
      givenName: 'Brit',
      familyName: 'Mobile',
      phones: [{ type: 'mobile', number: '07700 900123' }],
      addresses: [{ type: 'home', city: 'London', country: 'United Kingdom' }],
    });
    await world.fx.crm.contacts.create(m.userPrincipal, {
      givenName: 'Berlin',
      familyName: 'Office',
      phones: [{ type: 'work', number: '030 1234567' }],
    });
    m.userCreates(
      person({
        givenName: 'Ex',
        surname: 'Pat',
        displayName: 'Ex Pat',
        phones: { MobilePhone: '07700 900456' },
        addresses: { Home: { city: 'Bath', countryOrRegion: 'Vereinigtes Königreich' } },
      }),
    );
    await m.sync();
    const phoneOf = (surname: string) =>
      m.exchangeItems().find((i) => i.data.surname === surname)!.data.phones;
    expect(phoneOf('Mobile')).toEqual({ MobilePhone: '+44 7700 900123' });
    expect(phoneOf('Office')).toEqual({ BusinessPhone: '+49 30 1234567' });
    const expat = (await m.crmContacts()).find((c) => c.familyName === 'Pat')!;
    expect(expat.phones).toEqual([{ type: 'mobile', number: '+44 7700 900456' }]);
    expect(await notExportedOf(engine.db, { mailboxId: m.mailboxId, entity: 'contacts' }, uk.id)).toEqual([]);

    // No country anywhere: the number goes as typed, and the contact says so.
    const unknown = await mailbox(contactSettings({ options: { defaultCountry: null } }));
    const nowhere = await world.fx.crm.contacts.create(unknown.userPrincipal, {
      givenName: 'No',
      familyName: 'Country',
      phones: [{ type: 'mobile', number: '07700 900123' }],
    });
    const run = await unknown.sync();
    expect(unknown.exchangeItems()[0].data.phones).toEqual({ MobilePhone: '07700 900123' });
    expect(
      await notExportedOf(engine.db, { mailboxId: unknown.mailboxId, entity: 'contacts' }, nowhere.id),
    ).toEqual([
      {
        field: 'phones',
        value: '07700 900123',
        reason: expect.stringMatching(
          /as entered.*no country code.*neither the contact’s address nor the organisation/,
        ),
      },
    ]);
    expect(run.tally?.skipped.some((s) => s.ref.includes(nowhere.id))).toBe(true);
    // Nothing flips back and forth.
    for (const x of [m, unknown]) {
      const quiet = await x.sync();
      expect(quiet.tally?.counts.export.updated).toBe(0);
      expect(quiet.tally?.counts.import.updated).toBe(0);
    }
  });

  it('two-way: edits flow both ways, a conflict is resolved by policy and logged with both versions (E1, E2)', async () => {
    const m = await mailbox(contactSettings({ conflictPolicy: 'crm_wins', fieldMerge: true }));
    const item = m.userCreates(person());
    await m.sync();
    const [contact] = await m.crmContacts();

    await world.fx.crm.contacts.update(m.userPrincipal, contact.id, { department: 'Research' });
    await m.sync();
    expect(m.exchangeItems()[0].data.department).toBe('Research');

    // Both sides edit: different fields merge, the same field goes to the CRM (crm_wins).
    m.userUpdates(item.id, { jobTitle: 'Commodore', companyName: 'US Navy' });
    await world.fx.crm.contacts.update(m.userPrincipal, contact.id, {
      jobTitle: 'Professor',
      middleName: 'Brewster',
    });
    const run = await m.sync();
    expect(run.tally?.conflicts).toBe(1);
    const crmAfter = await world.fx.crm.contacts.get(m.userPrincipal, contact.id);
    const exAfter = m.exchangeItems()[0].data;
    expect(crmAfter).toMatchObject({ jobTitle: 'Professor', companyName: 'US Navy', middleName: 'Brewster' });
    expect(exAfter).toMatchObject({ jobTitle: 'Professor', companyName: 'US Navy', middleName: 'Brewster' });
    const [conflict] = await latestConflicts(engine.db, { mailboxId: m.mailboxId, entity: 'contacts' });
    expect(conflict).toMatchObject({
      recordId: contact.id,
      fields: ['jobTitle'],
      resolution: 'merged',
      crm: expect.objectContaining({ jobTitle: 'Professor' }),
      exchange: expect.objectContaining({ jobTitle: 'Commodore' }),
    });
  });

  it('exchange_wins without merge takes the whole Exchange version', async () => {
    const m = await mailbox(contactSettings({ conflictPolicy: 'exchange_wins', fieldMerge: false }));
    const item = m.userCreates(person());
    await m.sync();
    const [contact] = await m.crmContacts();
    m.userUpdates(item.id, { jobTitle: 'Commodore' });
    await world.fx.crm.contacts.update(m.userPrincipal, contact.id, {
      jobTitle: 'Professor',
      department: 'Math',
    });
    await m.sync();
    expect(await world.fx.crm.contacts.get(m.userPrincipal, contact.id)).toMatchObject({
      jobTitle: 'Commodore',
      department: null,
    });
  });

  it('deletes propagate in two-way; leaving the filter unlinks (E5)', async () => {
    const m = await mailbox(
      contactSettings({ options: { export: { all: false, types: ['employee'], groupIds: [] } } }),
    );
    const a = await world.fx.crm.contacts.create(m.userPrincipal, {
      givenName: 'Emp',
      familyName: 'One',
      type: 'employee',
    });
    const b = await world.fx.crm.contacts.create(m.userPrincipal, {
      givenName: 'Emp',
      familyName: 'Two',
      type: 'employee',
    });
    await world.fx.crm.contacts.create(m.userPrincipal, {
      givenName: 'Cus',
      familyName: 'Tomer',
      type: 'customer',
    });
    await m.sync();
    expect(
      m
        .exchangeItems()
        .map((i) => i.data.surname)
        .sort(),
    ).toEqual(['One', 'Two']);

    await world.fx.crm.contacts.update(m.userPrincipal, a.id, { type: 'customer' });
    await world.fx.crm.contacts.delete(m.userPrincipal, b.id);
    const run = await m.sync();
    expect(run.tally?.counts.export).toMatchObject({ deleted: 1, unlinked: 1 });
    expect(m.exchangeItems().map((i) => i.data.surname)).toEqual(['One']);

    // Deleted in Exchange → deleted in the CRM.
    const c = m.userCreates(person({ surname: 'Three', givenName: 'X', displayName: 'X Three' }));
    await m.sync();
    expect((await m.crmContacts()).some((x) => x.familyName === 'Three')).toBe(true);
    m.userDeletes(c.id);
    const del = await m.sync();
    expect(del.tally?.counts.import.deleted).toBe(1);
    expect((await m.crmContacts()).some((x) => x.familyName === 'Three')).toBe(false);
  });

  it('the mass-delete guard holds a run until an administrator decides (E5)', async () => {
    const m = await mailbox(contactSettings({ massDelete: { share: 0.2, minimum: 3 } }));
    const items = Array.from({ length: 10 }, (_, i) =>
      m.userCreates(person({ givenName: `P${i}`, displayName: `P${i} Hopper` })),
    );
    await m.sync();
    expect(await m.crmContacts()).toHaveLength(10);
    for (const item of items.slice(0, 4)) m.userDeletes(item.id);
    const held = await m.sync();
    expect(held.status).toBe('held');
    expect(held.held).toMatch(/administrator/);
    expect(await m.crmContacts()).toHaveLength(10);
    // Still held on the next run: the marks were kept.
    expect((await m.sync()).status).toBe('held');
    await decideHold(engine.db, { mailboxId: m.mailboxId, entity: 'contacts' }, 'approve');
    const approved = await m.sync();
    expect(approved.status).toBe('succeeded');
    expect(approved.tally?.counts.import.deleted).toBe(4);
    expect(await m.crmContacts()).toHaveLength(6);
    const runs = await latestRuns(engine.db, { mailboxId: m.mailboxId, entity: 'contacts' });
    expect(runs.map((r) => r.status).slice(0, 3)).toEqual(['succeeded', 'held', 'held']);
  });

  it.each([
    ['every folder', 'all'],
    ['chosen folders', 'chosen'],
  ] as const)(
    'contacts deleted with their folder in Exchange are deletes behind the guard, never exported again (%s)',
    async (_what, choice) => {
      const m = await mailbox(contactSettings({ massDelete: { share: 0.2, minimum: 3 } }));
      const mbx = world.sandbox.store.mailbox(m.address)!;
      const main = world.sandbox.store.distinguishedFolder(mbx.id, 'contacts')!;
      const sub = (name: string) =>
        world.sandbox.store.createFolder(
          mbx.id,
          { parentId: main.id, displayName: name, folderClass: 'IPF.Contact' },
          'user',
        );
      const suppliers = sub('Suppliers');
      const press = sub('Press');
      const add = (folderId: string, name: string) =>
        world.sandbox.store.createItem(
          mbx.id,
          folderId,
          'contact',
          person({ givenName: name, displayName: `${name} Hopper` }),
          'user',
        );
      for (let i = 0; i < 5; i++) add(main.id, `Main${i}`);
      for (let i = 0; i < 3; i++) add(suppliers.id, `Supplier${i}`);
      for (let i = 0; i < 2; i++) add(press.id, `Press${i}`);
      m.setSettings(
        contactSettings({
          importFolders: choice === 'all' ? 'all' : ['contacts', suppliers.id, press.id],
          massDelete: { share: 0.2, minimum: 3 },
        }),
      );
      expect((await m.sync()).tally?.counts.import.created).toBe(10);

      world.sandbox.store.deleteFolder(mbx.id, suppliers.id, 'user');
      world.sandbox.store.deleteFolder(mbx.id, press.id, 'user');
      // Five of ten linked contacts gone at once: the guard holds the run, nothing is deleted,
      // unlinked or created.
      const held = await m.sync();
      expect(held.status).toBe('held');
      expect(held.tally?.counts).toEqual({
        import: { created: 0, updated: 0, deleted: 0, unlinked: 0 },
        export: { created: 0, updated: 0, deleted: 0, unlinked: 0 },
      });
      expect(await m.crmContacts()).toHaveLength(10);
      expect(m.exchangeItems()).toHaveLength(5);

      await decideHold(engine.db, { mailboxId: m.mailboxId, entity: 'contacts' }, 'approve');
      const approved = await m.sync();
      expect(approved.status).toBe('succeeded');
      expect(approved.tally?.counts.import).toMatchObject({ deleted: 5, unlinked: 0 });
      expect(approved.tally?.counts.export.created).toBe(0);
      expect((await m.crmContacts()).map((c) => c.givenName).sort()).toEqual([
        'Main0',
        'Main1',
        'Main2',
        'Main3',
        'Main4',
      ]);
      expect(m.exchangeItems()).toHaveLength(5);
      const quiet = await m.sync();
      expect(quiet.tally?.counts.export.created).toBe(0);
      expect(quiet.tally?.counts.import.deleted).toBe(0);
    },
  );

  it('does not sync a contacts folder that sits in Deleted Items (deleted in Outlook, items and all)', async () => {
    const m = await mailbox(contactSettings({ importFolders: 'all' }));
    const mbx = world.sandbox.store.mailbox(m.address)!;
    const trash = world.sandbox.store.distinguishedFolder(mbx.id, 'deleteditems')!;
    const deleted = world.sandbox.store.createFolder(
      mbx.id,
      { parentId: trash.id, displayName: 'Suppliers', folderClass: 'IPF.Contact' },
      'user',
    );
    world.sandbox.store.createItem(mbx.id, deleted.id, 'contact', person(), 'user');
    m.userCreates(person({ givenName: 'Kept', displayName: 'Kept Hopper' }));
    const run = await m.sync();
    expect(run.tally?.counts.import.created).toBe(1);
    expect((await m.crmContacts()).map((c) => c.givenName)).toEqual(['Kept']);
  });

  it('gives imported contacts the type their categories or folder map to, "other" by default, never "customer" unasked', async () => {
    const m = await mailbox();
    const mbx = world.sandbox.store.mailbox(m.address)!;
    const main = world.sandbox.store.distinguishedFolder(mbx.id, 'contacts')!;
    const folder = (name: string) =>
      world.sandbox.store.createFolder(
        mbx.id,
        { parentId: main.id, displayName: name, folderClass: 'IPF.Contact' },
        'user',
      );
    const staff = folder('Staff');
    const family = folder('Family');
    m.setSettings(
      contactSettings({
        importFolders: 'all',
        options: {
          importType: {
            categories: { customers: 'customer' },
            folders: { [staff.id]: 'employee' },
            default: 'other',
          },
        },
      }),
    );
    const add = (folderId: string, name: string, categories: string[]) =>
      world.sandbox.store.createItem(
        mbx.id,
        folderId,
        'contact',
        person({ givenName: name, displayName: `${name} Hopper`, categories }),
        'user',
      );
    add(main.id, 'Buyer', ['Customers']);
    add(main.id, 'Supplier', ['Suppliers']);
    add(staff.id, 'Colleague', []);
    add(staff.id, 'ColleagueAndCustomer', ['CUSTOMERS']);
    add(family.id, 'Cousin', []);
    await m.sync();
    const types = Object.fromEntries((await m.crmContacts()).map((c) => [c.givenName, c.type]));
    expect(types).toEqual({
      Buyer: 'customer',
      Supplier: 'other',
      Colleague: 'employee',
      ColleagueAndCustomer: 'customer',
      Cousin: 'other',
    });
  });

  it('keeps Exchange notes when notes sync is off; import-only never writes Exchange (B4, E1)', async () => {
    const m = await mailbox(contactSettings({ options: { syncNotes: false } }));
    const item = m.userCreates(person({ notes: 'private note' }));
    await m.sync();
    const [contact] = await m.crmContacts();
    expect(contact.notes).toBeNull();
    await world.fx.crm.contacts.update(m.userPrincipal, contact.id, {
      jobTitle: 'Admiral',
      notes: 'crm only',
    });
    await m.sync();
    const data = m.exchangeItems().find((i) => i.id === item.id)!.data;
    expect(data).toMatchObject({ jobTitle: 'Admiral', notes: 'private note' });

    m.setSettings(contactSettings({ direction: 'import' }));
    await world.fx.crm.contacts.update(m.userPrincipal, contact.id, { jobTitle: 'Nope' });
    await world.fx.crm.contacts.create(m.userPrincipal, { givenName: 'Not', familyName: 'Exported' });
    await m.sync();
    expect(m.exchangeItems()).toHaveLength(1);
    expect(m.exchangeItems()[0].data.jobTitle).toBe('Admiral');
  });

  it('export-only with a tag: a tagged contact goes out whatever the filter (B3)', async () => {
    const m = await mailbox(
      contactSettings({ direction: 'export', options: { export: { all: false, types: [], groupIds: [] } } }),
    );
    await m.sync();
    const tagged = await world.fx.crm.contacts.create(m.userPrincipal, {
      givenName: 'Tag',
      familyName: 'Ged',
    });
    await world.fx.crm.contacts.create(m.userPrincipal, { givenName: 'Un', familyName: 'Tagged' });
    await tagRecords(engine.db, { mailboxId: m.mailboxId, entity: 'contacts' }, [tagged.id], new Date());
    await m.sync();
    expect(m.exchangeItems().map((i) => i.data.surname)).toEqual(['Ged']);
  });

  it('a CRM edit leaves the phone slots the CRM has no type for as the user filled them', async () => {
    const m = await mailbox();
    const item = m.userCreates(
      person({ phones: { MobilePhone: '+44 7700 900123', RadioPhone: '+1 202 555 0199' } }),
    );
    await m.sync();
    const [contact] = await m.crmContacts();
    expect(contact.phones).toEqual([{ type: 'mobile', number: '+44 7700 900123' }]);
    await world.fx.crm.contacts.update(m.userPrincipal, contact.id, { jobTitle: 'Professor' });
    await m.sync();
    const data = () => m.exchangeItems().find((i) => i.id === item.id)!.data;
    expect(data().jobTitle).toBe('Professor');
    expect(data().phones).toEqual({ MobilePhone: '+44 7700 900123', RadioPhone: '+1 202 555 0199' });
    // Changing and adding mapped numbers touches those slots only.
    await world.fx.crm.contacts.update(m.userPrincipal, contact.id, {
      phones: [
        { type: 'mobile', number: '+44 7700 900999' },
        { type: 'fax_work', number: '+44 20 7946 0000' },
      ],
    });
    await m.sync();
    // A Graph contact has no fax property: the number stays in the CRM, listed as not exported.
    expect(data().phones).toEqual({
      MobilePhone: '+44 7700 900999',
      ...(protocol === 'ews' ? { BusinessFax: '+44 20 7946 0000' } : {}),
      RadioPhone: '+1 202 555 0199',
    });
    const left = await notExportedOf(engine.db, { mailboxId: m.mailboxId, entity: 'contacts' }, contact.id);
    expect(left).toEqual(
      protocol === 'ews'
        ? []
        : [
            {
              field: 'phones',
              value: '+44 20 7946 0000',
              reason: 'Microsoft 365 contacts have no field for fax_work phone numbers',
            },
          ],
    );
    await world.fx.crm.contacts.update(m.userPrincipal, contact.id, { phones: [] });
    await m.sync();
    expect(data().phones).toEqual({ RadioPhone: '+1 202 555 0199' });
  });

  it('a contact Exchange cannot store stops no other: its control character is left out on export', async () => {
    const m = await mailbox();
    const innocents = await world.fx.crm.contacts.createMany(
      m.userPrincipal,
      Array.from({ length: 11 }, (_, i) => ({ givenName: `Innocent${i}`, familyName: 'Contact' })),
    );
    // Stored before the API refused such characters.
    const poison = await world.fx.crm.contacts.create(m.userPrincipal, {
      givenName: 'Poison',
      familyName: 'Pill',
    });
    await world.fx.crm.store.db
      .updateTable('contacts')
      .set({ given_name: 'Poison\u0001Pill' }) // PostgreSQL text cannot hold NUL itself
      .where('id', '=', poison.id)
      .execute();
    const run = await m.sync();
    expect(run.tally?.errors).toEqual([]);
    expect(run.tally?.counts.export.created).toBe(innocents.length + 1);
    const names = m.exchangeItems().map((i) => i.data.givenName);
    expect(names).toHaveLength(12);
    if (protocol === 'ews') expect(names).toContain('PoisonPill');
  });

  describe('a request Exchange refuses as a whole', () => {
    // As Exchange answers a request carrying one item it cannot read: the whole request fails.
    const refusing = useProtocolSource(
      world,
      protocol,
      (connector) =>
        new Proxy(connector, {
          get(target, prop, receiver) {
            const value = Reflect.get(target, prop, receiver);
            if (prop !== 'createItems' || typeof value !== 'function') return value;
            return (folder: unknown, items: NeutralContact[]) => {
              if (items.some((i) => i.givenName === 'Refused'))
                throw new ConnectorError(
                  'permanent',
                  'Exchange refused CreateItem (ErrorSchemaValidation).',
                  {
                    serverCode: 'ErrorSchemaValidation',
                    status: 500,
                  },
                );
              return value.call(target, folder, items);
            };
          },
        }) as ExchangeConnector,
    );

    it('is split until the item it refuses stands alone; the others are created, the run lists that one', async () => {
      const m = await freshMailbox(world.sandbox, world.fx.crm, refusing.source, {
        contacts: contactSettings() as EntitySyncSettings,
      });
      const refusingEngine = contactsEngine(world, refusing);
      const inputs = Array.from({ length: 30 }, (_, i) => ({
        givenName: i === 17 ? 'Refused' : `Innocent${i}`,
        familyName: 'Contact',
      }));
      const created = await world.fx.crm.contacts.createMany(m.userPrincipal, inputs);
      const run = await refusingEngine.syncMailbox(m.mailboxId, 'contacts');
      expect(run.tally?.counts.export.created).toBe(29);
      expect(run.tally?.errors).toEqual([
        expect.objectContaining({ ref: `record ${created[17].id}`, code: 'exchange_permanent' }),
      ]);
      const mbx = world.sandbox.store.mailbox(m.address)!;
      const folder = world.sandbox.store.distinguishedFolder(mbx.id, 'contacts')!;
      expect(world.sandbox.store.items(mbx.id, folder.id)).toHaveLength(29);
      // Nothing of it is done again: the 29 are linked, the refused one is listed as skipped.
      const again = await refusingEngine.syncMailbox(m.mailboxId, 'contacts');
      expect(again.tally?.counts.export.created).toBe(0);
      expect(world.sandbox.store.items(mbx.id, folder.id)).toHaveLength(29);
    });
  });

  it('"sync now" and the automatic schedule run through the job queue (E3)', async () => {
    const m = await mailbox(contactSettings({ autoSync: true, intervalMinutes: 1 }));
    m.userCreates(person());
    const done: string[] = [];
    const queue = new InProcessQueue({ onCompleted: (job) => void done.push(job.id) });
    registerSyncWorker(queue, engine);
    await queue.start();
    try {
      const id = await syncNow(queue, m.mailboxId, 'contacts');
      await expect.poll(() => done.includes(id!), { timeout: 10_000 }).toBe(true);
      expect(await m.crmContacts()).toHaveLength(1);
      await scheduleMailboxSync(queue, m.mailboxId, 'contacts', contactSettings({ autoSync: true }));
      await scheduleMailboxSync(queue, m.mailboxId, 'contacts', contactSettings({ autoSync: false }));
    } finally {
      await queue.stop();
    }
    const [run] = await latestRuns(engine.db, { mailboxId: m.mailboxId, entity: 'contacts' }, 1);
    expect(run).toMatchObject({ trigger: 'manual', status: 'succeeded', counts: { import: { created: 1 } } });
  });
});
