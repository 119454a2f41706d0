import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CrmFixture, setupCrm } from '../../test/support/crm-fixture.ts';
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

describe('shares', () => {
  let f: CrmFixture;
  beforeAll(async () => {
    f = await setupCrm();
  });
  afterAll(async () => {
    await f?.close();
  });

  it('grants, changes and withdraws access', async () => {
    const { crm, alice, bob } = f;
    const contact = await crm.contacts.create(alice, { displayName: 'Shared' });
    const target = {
      recordType: 'contact' as const,
      recordId: contact.id,
      principalType: 'user' as const,
      principalId: bob.userId,
    };
    await crm.shares.share(alice, { ...target, level: 'read' });
    expect((await failure(crm.contacts.update(bob, contact.id, { jobTitle: 'x' }))).code).toBe('forbidden');
    await crm.shares.share(alice, { ...target, level: 'edit' });
    expect((await crm.contacts.update(bob, contact.id, { jobTitle: 'x' })).jobTitle).toBe('x');
    expect(await crm.shares.list(bob, 'contact', contact.id)).toEqual([{ ...target, level: 'edit' }]);
    const head = await crm.journal.headVersion();
    await crm.shares.share(alice, { ...target, level: 'edit' });
    expect(await crm.journal.headVersion()).toBe(head);
    await crm.shares.unshare(alice, target);
    expect((await failure(crm.contacts.get(bob, contact.id))).code).toBe('not_found');
    await crm.shares.unshare(alice, target);
    expect(await crm.journal.headVersion()).toBe(head + 1);
  });

  it('refuses bad share input with the field named', async () => {
    const { crm, alice } = f;
    const contact = await crm.contacts.create(alice, { displayName: 'Shared 2' });
    const base = {
      recordType: 'contact',
      recordId: contact.id,
      principalType: 'user',
      principalId: alice.userId,
      level: 'read',
    };
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ principalId: 'ghost' }, 'invalid_reference', 'principalId'],
      [{ principalType: 'team' }, 'validation_failed', 'principalType'],
      [{ level: 'admin' }, 'validation_failed', 'level'],
      [{ recordType: 'user' }, 'validation_failed', 'recordType'],
      [{ extra: 1 }, 'validation_failed', 'extra'],
    ];
    for (const [patch, code, path] of cases) {
      const error = await failure(crm.shares.share(alice, { ...base, ...patch } as never));
      expect({ code: error.code, path: error.details?.[0].path }).toEqual({ code, path });
    }
    expect((await failure(crm.shares.share(alice, { ...base, recordId: 'missing' } as never))).code).toBe(
      'not_found',
    );
  });
});
