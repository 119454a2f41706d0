import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CrmFixture, setupCrm } from '../../test/support/crm-fixture.ts';

describe('change journal', () => {
  let f: CrmFixture;
  beforeAll(async () => {
    f = await setupCrm();
  });
  afterAll(async () => {
    await f?.close();
  });

  it('records each write with its fields and actor, telling users from mailbox sync', async () => {
    const { crm, alice, aliceSync } = f;
    const start = await crm.journal.headVersion();
    const contact = await crm.contacts.create(alice, {
      givenName: 'Jo',
      emails: [{ type: 'work', address: 'jo@x.test' }],
    });
    const synced = await crm.contacts.update(aliceSync, contact.id, {
      phones: [{ type: 'mobile', number: '+1 555' }],
      jobTitle: 'Dev',
    });
    const group = await crm.contactGroups.create(aliceSync, { name: 'Imported' });
    await crm.contacts.update(alice, contact.id, { groupIds: [group.id] });
    await crm.contacts.delete(alice, contact.id);

    const changes = await crm.journal.changesSince(start);
    expect(changes.map((c) => c.version)).toEqual([start + 1, start + 2, start + 3, start + 4, start + 5]);
    expect(
      changes.map(({ recordType, recordId, operation, fields, actorUserId, actorMailboxId }) => ({
        recordType,
        recordId,
        operation,
        fields,
        actorUserId,
        actorMailboxId,
      })),
    ).toEqual([
      {
        recordType: 'contact',
        recordId: contact.id,
        operation: 'create',
        fields: ['givenName', 'emails'],
        actorUserId: alice.userId,
        actorMailboxId: null,
      },
      {
        recordType: 'contact',
        recordId: contact.id,
        operation: 'update',
        fields: ['jobTitle', 'phones'],
        actorUserId: alice.userId,
        actorMailboxId: 'mailbox-alice',
      },
      {
        recordType: 'group',
        recordId: group.id,
        operation: 'create',
        fields: ['name'],
        actorUserId: alice.userId,
        actorMailboxId: 'mailbox-alice',
      },
      {
        recordType: 'contact',
        recordId: contact.id,
        operation: 'update',
        fields: ['groupIds'],
        actorUserId: alice.userId,
        actorMailboxId: null,
      },
      {
        recordType: 'contact',
        recordId: contact.id,
        operation: 'delete',
        fields: [],
        actorUserId: alice.userId,
        actorMailboxId: null,
      },
    ]);
    expect(synced.version).toBe(start + 2);
    expect(await crm.journal.headVersion()).toBe(start + 5);
    expect(await crm.journal.changesSince(start, 2)).toHaveLength(2);
  });

  it('journals records changed as a side effect: unlinked contacts, shares, group members', async () => {
    const { crm, alice, bob } = f;
    const account = await crm.accounts.create(alice, { name: 'Side Effects' });
    const contact = await crm.contacts.create(alice, { displayName: 'Sid', accountId: account.id });
    const group = await crm.contactGroups.create(alice, { name: 'Doomed' });
    const member = await crm.contacts.create(alice, { displayName: 'Member', groupIds: [group.id] });
    const start = await crm.journal.headVersion();
    await crm.accounts.delete(alice, account.id);
    await crm.shares.share(alice, {
      recordType: 'contact',
      recordId: contact.id,
      principalType: 'user',
      principalId: bob.userId,
      level: 'read',
    });
    await crm.contactGroups.delete(alice, group.id);
    const changes = (await crm.journal.changesSince(start)).map((c) => [
      c.recordType,
      c.recordId,
      c.operation,
      c.fields,
    ]);
    expect(changes).toEqual([
      ['contact', contact.id, 'update', ['accountId']],
      ['account', account.id, 'delete', []],
      ['contact', contact.id, 'update', ['shares']],
      ['contact', member.id, 'update', ['groupIds']],
      ['group', group.id, 'delete', []],
    ]);
    const after = await crm.contacts.get(alice, member.id);
    expect(after.groupIds).toEqual([]);
    expect(after.version).toBe(start + 4);
    expect((await crm.contacts.get(alice, contact.id)).accountId).toBeNull();
  });

  it('records a batch as contiguous versions in input order', async () => {
    const { crm, alice } = f;
    const start = await crm.journal.headVersion();
    const created = await crm.contacts.createMany(alice, [
      { displayName: 'B1' },
      { displayName: 'B2' },
      { displayName: 'B3' },
    ]);
    expect(created.map((c) => c.version)).toEqual([start + 1, start + 2, start + 3]);
    expect((await crm.journal.changesSince(start)).map((c) => c.recordId)).toEqual(created.map((c) => c.id));
    // What a batch returns is what reading it back gives.
    expect(
      await crm.contacts.getMany(
        alice,
        created.map((c) => c.id),
      ),
    ).toEqual(created);
  });
});
