import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrmError } from './errors.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { type CrmFixture, setupCrm } from './test-support.ts';

async function failure(promise: Promise<unknown>): Promise<CrmError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CrmError) return error;
    throw error;
  }
  throw new Error('expected a CrmError');
}

describe('passwords', () => {
  it('hashes with scrypt N=16384 r=8 p=1 and a 16-byte salt, and verifies', async () => {
    const hash = await hashPassword('correct horse');
    const [scheme, n, r, p, salt, key] = hash.split('$');
    expect([scheme, n, r, p]).toEqual(['scrypt', '16384', '8', '1']);
    expect(Buffer.from(salt, 'base64')).toHaveLength(16);
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    expect(await verifyPassword('correct horse', hash)).toBe(true);
    expect(await verifyPassword('correct horse!', hash)).toBe(false);
    expect(await hashPassword('correct horse')).not.toBe(hash);
    expect(await verifyPassword('x', 'plain-text')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$0$8$1$AA==$AA==')).toBe(false);
  });
});

describe('users and roles', () => {
  let f: CrmFixture;
  beforeAll(async () => {
    f = await setupCrm();
  });
  afterAll(async () => {
    await f?.close();
  });

  it('logs in active users with the right password only', async () => {
    const { crm, admin } = f;
    const user = await crm.users.create(admin, {
      email: 'Login@Example.test',
      displayName: 'Login',
      password: 'sesame-open',
      timeZone: 'Europe/Paris',
    });
    expect(user).toMatchObject({
      email: 'login@example.test',
      active: true,
      timeZone: 'Europe/Paris',
      roles: [],
    });
    expect((await crm.users.verifyLogin('LOGIN@example.test', 'sesame-open'))?.id).toBe(user.id);
    expect(await crm.users.verifyLogin('login@example.test', 'wrong-pass')).toBeUndefined();
    expect(await crm.users.verifyLogin('nobody@example.test', 'sesame-open')).toBeUndefined();
    await crm.users.deactivate(admin, user.id);
    expect(await crm.users.verifyLogin('login@example.test', 'sesame-open')).toBeUndefined();
    expect((await failure(crm.users.principalFor(user.id))).code).toBe('forbidden');
    await crm.users.update(admin, user.id, { active: true });
    await crm.users.setPassword(await crm.users.principalFor(user.id), user.id, 'new-secret-1');
    expect(await crm.users.verifyLogin('login@example.test', 'sesame-open')).toBeUndefined();
    expect((await crm.users.verifyLogin('login@example.test', 'new-secret-1'))?.id).toBe(user.id);
    expect((await failure(crm.users.setPassword(admin, user.id, 'short'))).details?.[0].path).toBe(
      'password',
    );
  });

  it('derives the principal from roles: administrators hold CanManageAdministration', async () => {
    const { crm, admin, alice, bob, salesRoleId } = f;
    expect(admin.isAdmin).toBe(true);
    expect([...admin.operations].sort()).toEqual([
      'CanImportExport',
      'CanManageAdministration',
      'CanManageUsers',
    ]);
    expect(alice).toMatchObject({ isAdmin: false, roleIds: [salesRoleId] });
    expect(alice.operations.size).toBe(0);
    expect(bob.roleIds).toEqual([]);
    const sync = await crm.users.principalFor(alice.userId, { mailboxId: 'mbx-1' });
    expect(sync.mailboxId).toBe('mbx-1');
    // Idempotent.
    const again = await crm.users.ensureAdministratorsRole();
    expect(again.sales.id).toBe(salesRoleId);
    expect((await crm.roles.list(alice)).map((r) => r.name)).toEqual(['Administrators', 'Sales']);
  });

  it('keeps user management to managers, and administration to administrators', async () => {
    const { crm, admin, alice } = f;
    expect((await failure(crm.users.create(alice, { email: 'x@example.test', displayName: 'X' }))).code).toBe(
      'forbidden',
    );
    const managersRole = await crm.roles.create(admin, {
      name: 'User managers',
      operations: ['CanManageUsers'],
    });
    expect((await failure(crm.roles.create(alice, { name: 'Nope' }))).code).toBe('forbidden');
    const managerUser = await crm.users.createUser({
      email: 'mgr@example.test',
      displayName: 'Mgr',
      roles: [managersRole.id],
    });
    const manager = await crm.users.principalFor(managerUser.id);
    expect(manager.isAdmin).toBe(false);
    const made = await crm.users.create(manager, {
      email: 'made@example.test',
      displayName: 'Made',
      roles: ['Sales'],
    });
    expect(made.roles.map((r) => r.name)).toEqual(['Sales']);
    expect((await failure(crm.users.update(manager, made.id, { roles: ['Administrators'] }))).code).toBe(
      'forbidden',
    );
    expect((await failure(crm.users.update(manager, admin.userId, { roles: [] }))).code).toBe('forbidden');
    expect((await failure(crm.users.update(alice, made.id, { displayName: 'Hacked' }))).code).toBe(
      'forbidden',
    );
    expect((await failure(crm.users.update(alice, alice.userId, { roles: ['Administrators'] }))).code).toBe(
      'forbidden',
    );
    expect((await crm.users.update(alice, alice.userId, { displayName: 'Alice A.' })).displayName).toBe(
      'Alice A.',
    );
    expect((await failure(crm.users.deactivate(alice, made.id))).code).toBe('forbidden');
    expect((await crm.users.deactivate(manager, made.id)).active).toBe(false);
    expect((await crm.users.list(alice, { filter: { active: 'false' } })).items.map((u) => u.id)).toEqual([
      made.id,
    ]);
    expect((await crm.users.list(alice, { filter: { q: 'MGR@' } })).items.map((u) => u.id)).toEqual([
      managerUser.id,
    ]);
  });

  it('refuses duplicate emails, unknown roles, bad input and built-in role changes', async () => {
    const { crm, admin } = f;
    expect(
      (await failure(crm.users.createUser({ email: 'ALICE@example.test', displayName: 'Dup' }))).code,
    ).toBe('conflict');
    const unknownRole = await failure(
      crm.users.createUser({ email: 'r@example.test', displayName: 'R', roles: ['Sales', 'Pilots'] }),
    );
    expect(unknownRole).toMatchObject({
      code: 'invalid_reference',
      details: [{ path: 'roles.1', message: expect.any(String) }],
    });
    const bad = await failure(
      crm.users.createUser({
        email: 'nope',
        displayName: '',
        timeZone: 'Nowhere/City',
        admin: true,
      } as never),
    );
    expect(bad.details?.map((d) => d.path).sort()).toEqual(['admin', 'displayName', 'email', 'timeZone']);
    const { administrators } = await crm.users.ensureAdministratorsRole();
    expect((await failure(crm.roles.delete(admin, administrators.id))).code).toBe('forbidden');
    expect((await failure(crm.roles.create(admin, { name: 'Sales' }))).code).toBe('conflict');
  });

  it('indexes user addresses for attendee matching', async () => {
    const { crm, alice, bob } = f;
    expect((await crm.findByEmail(bob, 'Alice@Example.test')).users.map((u) => u.id)).toEqual([alice.userId]);
    await crm.users.update(alice, alice.userId, { displayName: 'Alice' });
  });
});
