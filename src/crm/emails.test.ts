import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CrmFixture, setupCrm } from '../../test/support/crm-fixture.ts';
import { emailSchema } from './emails.ts';
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

describe('emails', () => {
  let f: CrmFixture;
  beforeAll(async () => {
    f = await setupCrm();
  });
  afterAll(async () => {
    await f?.close();
  });

  it('stores a message with its links and finds it from each linked record', async () => {
    const { crm, alice } = f;
    const account = await crm.accounts.create(alice, { name: 'Linked Ltd' });
    const contact = await crm.contacts.create(alice, { displayName: 'Linda', accountId: account.id });
    const lead = await crm.leads.create(alice, { displayName: 'Leo' });
    const deal = await crm.deals.create(alice, {
      name: 'Big deal',
      accountId: account.id,
      amount: 1000.5,
      currency: 'EUR',
    });
    const email = await crm.emails.create(alice, {
      messageId: '<abc@mail.test>',
      from: { address: 'linda@linked.test', name: 'Linda' },
      to: [{ address: 'alice@example.test', name: 'Alice' }, { address: 'b@x.test' }],
      cc: [{ address: 'c@x.test', name: null }],
      subject: 'Offer',
      htmlBody: '<p>Hello</p>',
      textBody: 'Hello',
      sentAt: '2025-03-01T10:00:00+02:00',
      receivedAt: '2025-03-01T08:00:05Z',
      links: [
        { type: 'deal', id: deal.id },
        { type: 'contact', id: contact.id },
        { type: 'account', id: account.id },
        { type: 'lead', id: lead.id },
        { type: 'contact', id: contact.id },
      ],
    });
    expect(emailSchema.safeParse(email).success).toBe(true);
    expect(email.sentAt).toBe('2025-03-01T08:00:00.000Z');
    expect(email.links).toHaveLength(4);
    expect(email.to).toEqual([{ address: 'alice@example.test', name: 'Alice' }, { address: 'b@x.test' }]);
    for (const linkedTo of [
      `contact:${contact.id}`,
      `account:${account.id}`,
      `lead:${lead.id}`,
      `deal:${deal.id}`,
    ]) {
      const page = await crm.emails.list(alice, { filter: { linkedTo } });
      expect(page.items.map((e) => e.id)).toEqual([email.id]);
    }
    expect((await crm.emails.list(alice, { filter: { messageId: '<abc@mail.test>' } })).items).toHaveLength(
      1,
    );

    await crm.deals.delete(alice, deal.id);
    const afterDelete = await crm.emails.get(alice, email.id);
    expect(afterDelete.links.map((l) => l.type).sort()).toEqual(['account', 'contact', 'lead']);
    expect(afterDelete.version).toBeGreaterThan(email.version);
    const changes = await crm.journal.changesSince(email.version);
    expect(changes).toContainEqual(
      expect.objectContaining({
        recordType: 'email',
        recordId: email.id,
        operation: 'update',
        fields: ['links'],
      }),
    );

    const relinked = await crm.emails.update(alice, email.id, { links: [] });
    expect(relinked.links).toEqual([]);
  });

  it('keeps one email per Message-ID and owner', async () => {
    const { crm, alice, bob } = f;
    await crm.emails.create(alice, { messageId: '<dup@mail.test>', subject: 'one' });
    const duplicate = await failure(
      crm.emails.create(alice, { messageId: '<dup@mail.test>', subject: 'two' }),
    );
    expect(duplicate.code).toBe('conflict');
    expect(duplicate.details?.[0].path).toBe('messageId');
    const inBatch = await failure(
      crm.emails.createMany(alice, [{ messageId: '<b1@mail.test>' }, { messageId: '<b1@mail.test>' }]),
    );
    expect(inBatch.details?.[0].path).toBe('1.messageId');
    expect((await crm.emails.list(alice, { filter: { messageId: '<b1@mail.test>' } })).items).toEqual([]);
    // Another owner has a mailbox of their own.
    expect((await crm.emails.create(bob, { messageId: '<dup@mail.test>' })).ownerId).toBe(bob.userId);
  });

  it('refuses links to records that do not exist or are not visible, and bad addresses', async () => {
    const { crm, alice, bob } = f;
    const bobsContact = await crm.contacts.create(bob, { displayName: 'Hidden' });
    for (const links of [[{ type: 'contact', id: bobsContact.id }], [{ type: 'deal', id: 'nope' }]]) {
      const error = await failure(
        crm.emails.create(alice, { messageId: `<${Math.random()}@x>`, links } as never),
      );
      expect(error.code).toBe('invalid_reference');
      expect(error.details?.[0].path).toBe('links.0.id');
    }
    const bad = await failure(
      crm.emails.create(alice, {
        messageId: '<x@x>',
        from: { address: 'nope' },
        links: [{ type: 'user', id: 'x' }],
      } as never),
    );
    expect(bad.details?.map((d) => d.path).sort()).toEqual(['from.address', 'links.0.type']);
    const badFilter = await failure(crm.emails.list(alice, { filter: { linkedTo: 'user:1' } }));
    expect(badFilter.details?.[0].path).toBe('linkedTo');
  });
});
