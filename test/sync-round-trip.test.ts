// Contacts with every mapped field travel from an Exchange Server mailbox (EWS) through the CRM
// to a Microsoft 365 mailbox (Graph) of the same user and back: every field arrives as it was,
// what a Graph contact cannot hold (fax, pager, … numbers) is listed as not exported, and an
// edit made over Graph wipes none of it, neither in the CRM nor in the EWS mailbox.

import type { ContactData, PhoneKey } from '@exsync/sandbox/model';
import { DEMO_PASSWORD, DEMO_TENANT_ID } from '@exsync/sandbox/seed';
import { describe, expect, it } from 'vitest';
import { notExportedOf } from '../src/sync/store/links.ts';
import { contactSettings, freshMailbox } from './support/sandbox-source.ts';
import { contactsEngine, useProtocolSource, useSandboxAndCrm } from './support/sync-sandbox.ts';

const world = useSandboxAndCrm();
const ews = useProtocolSource(world, 'ews');
const graph = useProtocolSource(world, 'graph');

/** Phone slots a Graph contact has properties for. */
const GRAPH_SLOTS: PhoneKey[] = ['BusinessPhone', 'BusinessPhone2', 'HomePhone', 'HomePhone2', 'MobilePhone'];

const long = (text: string, length: number) => text.repeat(Math.ceil(length / text.length)).slice(0, length);

/** Every field the sync maps, every mapped phone slot, numbers of several countries. */
const CONTACTS: ContactData[] = [
  {
    givenName: '太郎',
    middleName: 'ヨシ',
    surname: '山田',
    displayName: '山田 太郎',
    companyName: '株式会社サンプル',
    jobTitle: '営業部長',
    department: '東京営業所',
    emailAddresses: [
      { address: 'taro@sample.test' },
      { address: 'yamada@home.test' },
      { address: 'taro.yamada@other.test' },
    ],
    phones: {
      BusinessPhone: '+81 3 1234 5678',
      BusinessPhone2: '+44 20 7946 0018',
      HomePhone: '+1 212 555 0100',
      HomePhone2: '+33 1 42 68 53 00',
      MobilePhone: '+44 7700 900123',
      BusinessFax: '+49 30 901820',
      HomeFax: '+61 2 9374 4000',
      AssistantPhone: '+91 22 2202 8888',
      CompanyMainPhone: '+55 11 3049 1000',
      Pager: '+7 495 123 45 67',
      CarPhone: '+86 10 6552 9988',
      OtherTelephone: '+27 21 480 7700',
    },
    addresses: {
      Business: {
        street: '1-2-3 丸の内',
        city: '千代田区',
        state: '東京都',
        postalCode: '100-0005',
        countryOrRegion: 'Japan',
      },
      Home: { street: '221B Baker Street', city: 'London', postalCode: 'NW1 6XE', countryOrRegion: 'GB' },
      Other: { street: 'Calle Mayor 1', city: 'Madrid', postalCode: '28013', countryOrRegion: 'España' },
    },
    businessHomePage: 'https://sample.test/yamada',
    birthday: '1975-03-14',
    notes: long('Erste Zeile, première ligne, первая строка.\n', 4000),
    categories: ['Kunden', 'VIP', 'Ελληνικά'],
  },
  {
    givenName: 'Ὀδυσσεύς',
    surname: 'Λαερτιάδης',
    displayName: 'Ὀδυσσεύς Λαερτιάδης',
    companyName: long('Ithaca Shipping and Long Voyages Company ', 250),
    jobTitle: long('King, sailor, storyteller; ', 250),
    department: 'Navigation',
    emailAddresses: [{ address: 'odysseus@ithaca.test' }],
    phones: {
      MobilePhone: '+34 911 23 45 67',
      BusinessFax: '+44 20 7946 0018',
      Pager: '+1 212 555 0100',
      OtherTelephone: '+81 3 1234 5678',
    },
    addresses: { Home: { city: 'Ιθάκη', countryOrRegion: 'GR' } },
    birthday: '1950-01-01',
    categories: [],
  },
  {
    givenName: 'ليلى',
    surname: 'المصري',
    displayName: 'ليلى المصري',
    emailAddresses: [],
    phones: { HomePhone: '+27 21 480 7700', CarPhone: '+49 30 901820', AssistantPhone: '+33 1 42 68 53 00' },
    addresses: {},
    notes: 'ملاحظة',
    categories: ['عملاء'],
  },
];

/** The mapped fields of an Exchange contact, as the sandbox holds them. */
function mapped(d: ContactData, slots?: PhoneKey[]) {
  return {
    givenName: d.givenName,
    middleName: d.middleName,
    surname: d.surname,
    displayName: d.displayName,
    companyName: d.companyName,
    jobTitle: d.jobTitle,
    department: d.department,
    emails: d.emailAddresses.map((e) => e.address),
    phones: Object.fromEntries(
      Object.entries(d.phones).filter(([slot]) => !slots || slots.includes(slot as PhoneKey)),
    ),
    addresses: d.addresses,
    website: d.businessHomePage,
    birthday: d.birthday,
    notes: d.notes,
    categories: d.categories,
  };
}

describe('EWS → CRM → Graph → CRM → EWS', () => {
  it('keeps every field, lists what Graph cannot hold, and a Graph edit wipes nothing', async () => {
    const settings = { contacts: contactSettings() };
    const a = await freshMailbox(world.sandbox, world.fx.crm, ews.source, settings, 'ews');
    // The same CRM user's Microsoft 365 mailbox.
    const bAddress = `m365-${a.address}`;
    world.sandbox.store.addMailbox({
      tenantId: DEMO_TENANT_ID,
      address: bAddress,
      displayName: 'M365',
      password: DEMO_PASSWORD,
    });
    const bId = `${a.mailboxId}-graph`;
    graph.source.add(bId, {
      address: bAddress,
      principal: await world.fx.crm.users.principalFor(a.userPrincipal.userId, { mailboxId: bId }),
      settings,
    });
    const store = world.sandbox.store;
    const folderOf = (address: string) => {
      const mbx = store.mailbox(address)!;
      return { mbx, folder: store.distinguishedFolder(mbx.id, 'contacts')! };
    };
    const A = folderOf(a.address);
    const B = folderOf(bAddress);
    const items = (x: typeof A) =>
      store.items(x.mbx.id, x.folder.id).map((i) => i as { id: string; data: ContactData });
    const byName = (x: typeof A, name: string) => items(x).find((i) => i.data.displayName === name)!;
    for (const c of CONTACTS) store.createItem(A.mbx.id, A.folder.id, 'contact', c, 'user');

    const overEws = contactsEngine(world, ews);
    const overGraph = contactsEngine(world, graph);
    const first = await overEws.syncMailbox(a.mailboxId, 'contacts');
    expect(first.tally?.errors).toEqual([]);
    expect(first.tally?.counts.import.created).toBe(CONTACTS.length);
    const toGraph = await overGraph.syncMailbox(bId, 'contacts');
    expect(toGraph.tally?.errors).toEqual([]);
    expect(toGraph.tally?.counts.export.created).toBe(CONTACTS.length);

    // In the Graph mailbox: every field, the phone slots Graph has; the rest listed, not lost.
    const crm = (await world.fx.crm.contacts.list(a.userPrincipal, { limit: 50 })).items;
    for (const c of CONTACTS) {
      expect(mapped(byName(B, c.displayName!).data)).toEqual(mapped(c, GRAPH_SLOTS));
      const record = crm.find((r) => r.displayName === c.displayName)!;
      const left = await notExportedOf(overGraph.db, { mailboxId: bId, entity: 'contacts' }, record.id);
      const missing = Object.entries(c.phones)
        .filter(([slot]) => !GRAPH_SLOTS.includes(slot as PhoneKey))
        .map(([, number]) => number);
      expect(left.map((l) => l.value).sort()).toEqual(missing.sort());
      expect(left.every((l) => /Microsoft 365 contacts have no field for/.test(l.reason))).toBe(true);
      expect(toGraph.tally?.skipped.filter((s) => s.ref.startsWith(`record ${record.id}`))).toHaveLength(
        missing.length,
      );
    }

    // An edit in Outlook on the Microsoft 365 side that touches no phone…
    const edited = CONTACTS[0];
    const inB = byName(B, edited.displayName!);
    store.updateItem(
      B.mbx.id,
      inB.id,
      { notes: 'Edited in Outlook', businessHomePage: 'https://sample.test/new' },
      'user',
    );
    const fromGraph = await overGraph.syncMailbox(bId, 'contacts');
    expect(fromGraph.tally?.counts.import.updated).toBe(1);
    const record = (await world.fx.crm.contacts.list(a.userPrincipal, { limit: 50 })).items.find(
      (r) => r.displayName === edited.displayName,
    )!;
    expect(record.phones).toHaveLength(Object.keys(edited.phones).length);
    expect(record.notes).toBe('Edited in Outlook');

    // …reaches the EWS mailbox with nothing else changed.
    const back = await overEws.syncMailbox(a.mailboxId, 'contacts');
    expect(back.tally?.errors).toEqual([]);
    expect(back.tally?.counts.export.updated).toBe(1);
    for (const c of CONTACTS) {
      const expected =
        c === edited ? { ...c, notes: 'Edited in Outlook', businessHomePage: 'https://sample.test/new' } : c;
      expect(mapped(byName(A, c.displayName!).data)).toEqual(mapped(expected));
    }
    // And everything is quiet afterwards, on both sides.
    for (const [engine, id] of [
      [overEws, a.mailboxId],
      [overGraph, bId],
    ] as const) {
      const quiet = await engine.syncMailbox(id, 'contacts');
      expect(quiet.tally?.counts).toEqual({
        import: { created: 0, updated: 0, deleted: 0, unlinked: 0 },
        export: { created: 0, updated: 0, deleted: 0, unlinked: 0 },
      });
    }
  });
});
