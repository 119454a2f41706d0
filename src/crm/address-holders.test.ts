// crm.holdersOf: who holds each address of a batch, for attendee matching (C8).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CrmFixture, setupCrm } from '../../test/support/crm-fixture.ts';

describe('address holders', () => {
  let f: CrmFixture;
  beforeAll(async () => {
    f = await setupCrm();
  });
  afterAll(async () => {
    await f?.close();
  });

  it('finds users, contacts and leads by any of their addresses, case-insensitively, in one batch', async () => {
    const { crm, alice } = f;
    const grace = await crm.users.createUser({ email: 'Grace@Corp.test', displayName: 'Grace' });
    const older = await crm.contacts.create(alice, {
      givenName: 'Ann',
      emails: [
        { type: 'work', address: 'ann@client.test' },
        { type: 'home', address: 'Ann.Home@Mail.test' },
      ],
    });
    const newer = await crm.contacts.create(alice, {
      givenName: 'Ann (duplicate)',
      emails: [{ type: 'work', address: 'ANN@client.test' }],
    });
    const lead = await crm.leads.create(alice, {
      givenName: 'Lee',
      emails: [
        { type: 'work', address: 'lee@prospect.test' },
        { type: 'work', address: 'ann@client.test' },
      ],
    });

    const found = await crm.holdersOf(alice, [
      'GRACE@corp.test',
      'ann@CLIENT.test',
      'ann.home@mail.test',
      'lee@prospect.test',
      'nobody@else.test',
    ]);
    expect(found.get('grace@corp.test')).toEqual([{ type: 'user', id: grace.id }]);
    // Contacts before leads, the oldest contact first.
    expect(found.get('ann@client.test')).toEqual([
      { type: 'contact', id: older.id },
      { type: 'contact', id: newer.id },
      { type: 'lead', id: lead.id },
    ]);
    expect(found.get('ann.home@mail.test')).toEqual([{ type: 'contact', id: older.id }]);
    expect(found.get('lee@prospect.test')).toEqual([{ type: 'lead', id: lead.id }]);
    expect(found.has('nobody@else.test')).toBe(false);
  });

  it("counts a user's mailbox addresses as theirs", async () => {
    const { crm, bob } = f;
    const now = new Date().toISOString();
    await crm.store.db
      .insertInto('mailboxes')
      .values({
        id: 'mbx-bob',
        user_id: bob.userId,
        service_id: null,
        address: 'bob@exchange.test',
        login: null,
        access_mode: 'individual',
        secret_enc: null,
        token_cache_enc: null,
        status: 'active',
        throttled_until: null,
        failing_since: null,
        last_error_code: null,
        last_error_message: null,
        last_tested_at: null,
        connected_at: now,
        disconnected_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const found = await crm.holdersOf(f.alice, ['Bob@Exchange.test']);
    expect(found.get('bob@exchange.test')).toEqual([{ type: 'user', id: bob.userId }]);
  });

  it('leaves out contacts and leads the principal cannot see', async () => {
    const { crm, alice, bob } = f;
    const hidden = await crm.contacts.create(alice, {
      givenName: 'Private',
      emails: [{ type: 'work', address: 'private@client.test' }],
    });
    expect((await crm.holdersOf(bob, ['private@client.test'])).has('private@client.test')).toBe(false);
    expect((await crm.holdersOf(alice, ['private@client.test'])).get('private@client.test')).toEqual([
      { type: 'contact', id: hidden.id },
    ]);
  });
});
