import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CrmFixture, setupCrm } from '../../test/support/crm-fixture.ts';
import { contactSchema } from './contacts.ts';
import { CrmError } from './errors.ts';

async function failure(promise: Promise<unknown>): Promise<CrmError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CrmError) return error;
    throw error;
  }
  throw new Error('expected a CrmError');
}

describe('contacts', () => {
  let f: CrmFixture;
  beforeAll(async () => {
    f = await setupCrm();
  });
  afterAll(async () => {
    await f?.close();
  });

  it('round-trips every field and keeps multi-valued fields in order', async () => {
    const { crm, alice } = f;
    const account = await crm.accounts.create(alice, { name: 'Contoso' });
    const group = await crm.contactGroups.create(alice, { name: 'Newsletter' });
    const input = {
      type: 'employee' as const,
      accountId: account.id,
      companyName: 'Contoso',
      namePrefix: 'Dr.',
      givenName: ' Maria ',
      middleName: 'J.',
      familyName: 'Schmidt',
      nameSuffix: 'PhD',
      nickname: 'Mia',
      jobTitle: 'CTO',
      department: 'R&D',
      birthday: '1980-02-29',
      notes: 'Met at the fair.\nLikes tea.',
      emails: [
        { type: 'home' as const, address: 'maria@home.test' },
        { type: 'work' as const, address: 'maria@contoso.test' },
        { type: 'other' as const, address: 'ms@other.test' },
        { type: 'work' as const, address: 'fourth@contoso.test' },
      ],
      phones: [
        { type: 'mobile' as const, number: ' +49 170 1234567 ' },
        { type: 'work' as const, number: '030 123' },
        { type: 'fax_work' as const, number: '030 124' },
      ],
      addresses: [
        {
          type: 'work' as const,
          street: 'Hauptstr. 1',
          city: 'Berlin',
          region: null,
          postalCode: '10115',
          country: 'DE',
        },
        { type: 'home' as const, street: 'Nebenweg 2', city: 'Potsdam', postalCode: '14467', country: 'DE' },
      ],
      websites: [
        { type: 'work' as const, url: 'https://contoso.test' },
        { type: 'personal' as const, url: 'https://maria.test' },
      ],
      categories: ['VIP', 'Berlin'],
      groupIds: [group.id],
    };
    const created = await crm.contacts.create(alice, input);
    expect(contactSchema.safeParse(created).success).toBe(true);
    expect(created).toMatchObject({
      ...input,
      givenName: 'Maria',
      phones: [
        { type: 'mobile', number: '+49 170 1234567' },
        { type: 'work', number: '030 123' },
        { type: 'fax_work', number: '030 124' },
      ],
      displayName: 'Maria J. Schmidt',
      ownerId: alice.userId,
      groups: [{ id: group.id, name: 'Newsletter' }],
    });
    expect(created.emails.map((e) => e.address)).toEqual(input.emails.map((e) => e.address));
    const read = await crm.contacts.get(alice, created.id);
    expect(read).toEqual(created);

    const reordered = await crm.contacts.update(alice, created.id, {
      emails: [...input.emails].reverse(),
      phones: [],
      groupIds: [],
    });
    expect(reordered.emails.map((e) => e.address)).toEqual([...input.emails].reverse().map((e) => e.address));
    expect(reordered.phones).toEqual([]);
    expect(reordered.groupIds).toEqual([]);
    expect(reordered.jobTitle).toBe('CTO');
    expect(reordered.version).toBeGreaterThan(created.version);

    await crm.contacts.delete(alice, created.id);
    expect((await failure(crm.contacts.get(alice, created.id))).code).toBe('not_found');
  });

  it('derives the display name from name parts, company or email, and refuses a contact with none', async () => {
    const { crm, alice } = f;
    expect((await crm.contacts.create(alice, { companyName: 'Fabrikam' })).displayName).toBe('Fabrikam');
    expect(
      (await crm.contacts.create(alice, { emails: [{ type: 'work', address: 'x@y.test' }] })).displayName,
    ).toBe('x@y.test');
    const error = await failure(crm.contacts.create(alice, {}));
    expect(error.code).toBe('validation_failed');
    expect(error.details).toEqual([expect.objectContaining({ path: 'displayName' })]);
  });

  it('names every bad field: unknown, wrong type, oversized, invalid email and date', async () => {
    const { crm, alice } = f;
    const error = await failure(
      crm.contacts.create(alice, {
        givenName: 'x'.repeat(257),
        familyName: 42,
        birthday: '2021-02-30',
        emails: [
          { type: 'work', address: 'ok@example.test' },
          { type: 'work', address: 'not-an-email' },
        ],
        phones: [{ type: 'satellite', number: '1' }],
        colour: 'blue',
      } as never),
    );
    expect(error.code).toBe('validation_failed');
    const paths = error.details!.map((d) => d.path).sort();
    expect(paths).toEqual([
      'birthday',
      'colour',
      'emails.1.address',
      'familyName',
      'givenName',
      'phones.0.type',
    ]);
    expect(await crm.contacts.list(alice, { filter: { q: 'x'.repeat(20) } })).toEqual({
      items: [],
      nextCursor: null,
    });

    const tooMany = await failure(
      crm.contacts.create(alice, {
        displayName: 'Many',
        emails: Array.from({ length: 51 }, (_, i) => ({ type: 'work' as const, address: `a${i}@x.test` })),
      }),
    );
    expect(tooMany.details?.[0].path).toBe('emails');
    const hugeNotes = await failure(
      crm.contacts.create(alice, { displayName: 'N', notes: 'n'.repeat(1_000_001) }),
    );
    expect(hugeNotes.details?.[0].path).toBe('notes');
    const badUpdate = await failure(
      crm.contacts.update(alice, (await crm.contacts.create(alice, { displayName: 'U' })).id, {
        id: 'other',
      } as never),
    );
    expect(badUpdate.details).toEqual([{ path: 'id', message: 'unknown field "id"' }]);
  });

  it('rejects references to accounts and groups that do not exist or are not visible', async () => {
    const { crm, alice, bob } = f;
    const bobsAccount = await crm.accounts.create(bob, { name: 'Bob Corp' });
    const bobsGroup = await crm.contactGroups.create(bob, { name: 'Bob group' });
    const activityGroup = await crm.activityGroups.create(alice, { name: 'Not for contacts' });
    for (const [input, path] of [
      [{ displayName: 'A', accountId: 'missing' }, 'accountId'],
      [{ displayName: 'A', accountId: bobsAccount.id }, 'accountId'],
      [{ displayName: 'A', groupIds: [bobsGroup.id] }, 'groupIds.0'],
      [{ displayName: 'A', groupIds: [activityGroup.id] }, 'groupIds.0'],
      [{ displayName: 'A', ownerId: bob.userId }, null],
    ] as const) {
      const error = await failure(crm.contacts.create(alice, input as never));
      if (path === null) expect(error.code).toBe('forbidden');
      else {
        expect(error.code).toBe('invalid_reference');
        expect(error.details?.[0].path).toBe(path);
      }
    }
  });

  it('filters by q, type, account, group, owner, email and updatedSince', async () => {
    const { crm, bob, admin } = f;
    const account = await crm.accounts.create(bob, { name: 'Filter Inc' });
    const group = await crm.contactGroups.create(bob, { name: 'Filter group' });
    const since = new Date().toISOString();
    const a = await crm.contacts.create(bob, {
      displayName: 'Zelda 100%_Match',
      type: 'employee',
      emails: [{ type: 'work', address: 'Zelda@Filter.test' }],
    });
    const b = await crm.contacts.create(bob, {
      displayName: 'Yann',
      accountId: account.id,
      groupIds: [group.id],
    });
    const c = await crm.contacts.create(bob, { displayName: 'Xavier', companyName: 'Wide World Importers' });
    const ids = async (filter: Record<string, string>) =>
      (await crm.contacts.list(bob, { filter })).items.map((x) => x.id);
    expect(await ids({ q: 'zeLDA' })).toEqual([a.id]);
    expect(await ids({ q: '100%_' })).toEqual([a.id]);
    expect(await ids({ q: '%' })).toEqual([a.id]);
    expect(await ids({ q: 'filter.test' })).toEqual([a.id]);
    expect(await ids({ q: 'world' })).toEqual([c.id]);
    expect(await ids({ type: 'employee' })).toEqual([a.id]);
    expect(await ids({ accountId: account.id })).toEqual([b.id]);
    expect(await ids({ groupId: group.id })).toEqual([b.id]);
    expect(await ids({ email: 'zelda@filter.TEST' })).toEqual([a.id]);
    expect((await ids({ updatedSince: since })).sort()).toEqual([a.id, b.id, c.id].sort());
    expect(
      (await crm.contacts.list(admin, { filter: { ownerId: bob.userId, q: 'Yann' } })).items.map((x) => x.id),
    ).toEqual([b.id]);
    const bad = await failure(crm.contacts.list(bob, { filter: { type: 'friend', sort: 'x' } as never }));
    expect(bad.details?.map((d) => d.path).sort()).toEqual(['sort', 'type']);
  });

  it('pages through 1,000 contacts with a small limit, each exactly once', async () => {
    const { crm, admin } = f;
    const owner = await crm.users.createUser({ email: 'pager@example.test', displayName: 'Pager' });
    const pager = await crm.users.principalFor(owner.id);
    const created = await crm.contacts.createMany(
      pager,
      Array.from({ length: 1000 }, (_, i) => ({ displayName: `Paged ${i}` })),
    );
    expect(created).toHaveLength(1000);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof crm.contacts.list>> = await crm.contacts.list(pager, {
        cursor,
        limit: 37,
      });
      expect(page.items.length).toBeLessThanOrEqual(37);
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(Math.ceil(1000 / 37));
    expect(new Set(seen).size).toBe(1000);
    expect(seen.sort()).toEqual(created.map((c) => c.id).sort());
    const adminPage = await crm.contacts.list(admin, { filter: { ownerId: pager.userId }, limit: 500 });
    expect(adminPage.items).toHaveLength(500);
    expect((await failure(crm.contacts.list(pager, { limit: 501 }))).details?.[0].path).toBe('limit');
    expect((await failure(crm.contacts.list(pager, { cursor: 'garbage' }))).details?.[0].path).toBe('cursor');
  });

  it('returns from a batch what reading it back returns, across several inserts per table', async () => {
    const { crm, alice } = f;
    const before = await crm.journal.headVersion();
    const news = await crm.contactGroups.create(alice, { name: 'News' });
    const events = await crm.contactGroups.create(alice, { name: 'Events' });
    // 1,200 contacts and 2,400 addresses take more than one multi-row insert each.
    const inputs = Array.from({ length: 1200 }, (_, i) => ({
      givenName: `Many${i}`,
      companyName: i % 2 ? null : `Company ${i}`,
      emails: [
        { type: 'work' as const, address: `Many${i}@Work.test` },
        { type: 'home' as const, address: `many${i}@home.test` },
      ],
      categories: i % 3 ? [] : ['Batch'],
      ...(i % 100 === 7 ? { groupIds: [news.id, events.id] } : {}),
    }));
    const created = await crm.contacts.createMany(alice, inputs);
    const read = await crm.contacts.getMany(
      alice,
      created.map((c) => c.id),
    );
    expect(read).toEqual(created);
    expect(created[7].groups).toEqual([
      { id: events.id, name: 'Events' },
      { id: news.id, name: 'News' },
    ]);
    expect(created[8]).toMatchObject({ groupIds: [], groups: [], displayName: 'Many8' });
    expect(created.map((c) => c.version)).toEqual(created.map((_, i) => before + 3 + i));
    expect((await crm.findByEmail(alice, 'many1199@work.test')).contacts.map((c) => c.id)).toEqual([
      created[1199].id,
    ]);
    const changes = await crm.journal.changesSince(before + 2, 2000);
    expect(changes).toHaveLength(1200);
    expect(changes[7].fields).toEqual(['companyName', 'givenName', 'emails', 'categories', 'groupIds']);
  });

  it('writes a batch all or nothing', async () => {
    const { crm, alice } = f;
    const before = await crm.journal.headVersion();
    const inputs = Array.from({ length: 300 }, (_, i) => ({
      displayName: `Batch ${i}`,
      emails: [{ type: 'work' as const, address: `batch${i}@x.test` }],
    }));
    inputs[250] = { displayName: 'Bad', emails: [{ type: 'work', address: 'nope' }] };
    const invalid = await failure(crm.contacts.createMany(alice, inputs));
    expect(invalid.details?.[0].path).toBe('250.emails.0.address');
    inputs[250] = { displayName: 'Bad', accountId: 'no-such-account' } as never;
    const badRef = await failure(crm.contacts.createMany(alice, inputs));
    expect(badRef.code).toBe('invalid_reference');
    expect(badRef.details?.[0].path).toBe('250.accountId');
    expect(await crm.journal.headVersion()).toBe(before);
    expect((await crm.contacts.list(alice, { filter: { q: 'Batch ' } })).items).toEqual([]);
    expect((await crm.findByEmail(alice, 'batch1@x.test')).contacts).toEqual([]);
  });

  it('rolls back a failed write of several rows: nothing half-written', async () => {
    const { crm, alice, store } = f;
    const group = await crm.contactGroups.create(alice, { name: 'Atomic' });
    const contact = await crm.contacts.create(alice, { displayName: 'Atomic', groupIds: [group.id] });
    await crm.contacts.create(alice, {
      displayName: 'Holder',
      emails: [{ type: 'work', address: 'atomic@x.test' }],
    });
    // Make the last statement of the update (the email index) fail, after the contact row, its
    // group membership and the journal have been written in the same transaction.
    await sql`create unique index email_index_fail on email_index (address)`.execute(store.db);
    try {
      const head = await crm.journal.headVersion();
      const error = await failure(
        crm.contacts.update(alice, contact.id, {
          jobTitle: 'changed',
          groupIds: [],
          emails: [{ type: 'work', address: 'atomic@x.test' }],
        }),
      );
      expect(error.code).toBe('conflict');
      expect(await crm.journal.headVersion()).toBe(head);
      const unchanged = await crm.contacts.get(alice, contact.id);
      expect(unchanged).toMatchObject({
        jobTitle: null,
        groupIds: [group.id],
        emails: [],
        version: contact.version,
      });
    } finally {
      await sql`drop index email_index_fail`.execute(store.db);
    }
  });

  it('refuses a stale ifVersion and does not journal an update that changes nothing', async () => {
    const { crm, alice } = f;
    const contact = await crm.contacts.create(alice, { displayName: 'Versioned' });
    const updated = await crm.contacts.update(alice, contact.id, {
      jobTitle: 'A',
      ifVersion: contact.version,
    });
    const stale = await failure(
      crm.contacts.update(alice, contact.id, { jobTitle: 'B', ifVersion: contact.version }),
    );
    expect(stale.code).toBe('conflict');
    expect(stale.details?.[0].path).toBe('ifVersion');
    const head = await crm.journal.headVersion();
    const same = await crm.contacts.update(alice, contact.id, { jobTitle: 'A', displayName: 'Versioned' });
    expect(same.version).toBe(updated.version);
    expect(await crm.journal.headVersion()).toBe(head);
  });
});
