import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CrmFixture, setupCrm } from '../../test/support/crm-fixture.ts';
import { CrmError } from './errors.ts';
import { hashPassword, verifyPassword } from './passwords.ts';

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
    const self = await crm.users.principalFor(user.id);
    expect(
      await crm.users.changeOwnPassword(self, { currentPassword: 'wrong-pass', newPassword: 'new-secret-1' }),
    ).toEqual({ ok: false, reason: 'wrong_password' });
    expect(await crm.users.verifyLogin('login@example.test', 'sesame-open')).toBeDefined();
    expect(
      await crm.users.changeOwnPassword(self, {
        currentPassword: 'sesame-open',
        newPassword: 'new-secret-1',
      }),
    ).toMatchObject({ ok: true });
    expect(await crm.users.verifyLogin('login@example.test', 'sesame-open')).toBeUndefined();
    expect((await crm.users.verifyLogin('login@example.test', 'new-secret-1'))?.id).toBe(user.id);
    expect((await failure(crm.users.resetPassword(admin, user.id, 'short'))).details?.[0].path).toBe(
      'password',
    );
    await crm.users.resetPassword(admin, user.id, 'reset-secret-2');
    expect((await crm.users.verifyLogin('login@example.test', 'reset-secret-2'))?.id).toBe(user.id);
  });

  it('ends sessions and tokens on deactivation, password change and reset; reactivation brings none back', async () => {
    const { crm, admin, store } = f;
    const user = await crm.users.create(admin, {
      email: 'creds@example.test',
      displayName: 'Creds',
      password: 'first-secret',
    });
    const now = new Date().toISOString();
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const give = async (sessions: string[], tokens: string[]) => {
      for (const id of sessions) {
        await store.db
          .insertInto('sessions')
          .values({ id, user_id: user.id, csrf_token: 'c', created_at: now, expires_at: later })
          .execute();
      }
      for (const id of tokens) {
        await store.db
          .insertInto('api_tokens')
          .values({
            id,
            user_id: user.id,
            name: id,
            token_hash: `hash-${id}`,
            created_at: now,
            last_used_at: null,
            expires_at: null,
          })
          .execute();
      }
    };
    const held = async () => ({
      sessions: (await store.db.selectFrom('sessions').select('id').where('user_id', '=', user.id).execute())
        .map((r) => r.id)
        .sort(),
      tokens: (await store.db.selectFrom('api_tokens').select('id').where('user_id', '=', user.id).execute())
        .map((r) => r.id)
        .sort(),
    });
    // Someone else's credentials are never touched.
    await store.db
      .insertInto('sessions')
      .values({ id: 's-admin', user_id: admin.userId, csrf_token: 'c', created_at: now, expires_at: later })
      .execute();

    await give(['s1', 's2'], ['t1']);
    await crm.users.deactivate(admin, user.id);
    expect(await held()).toEqual({ sessions: [], tokens: [] });
    await crm.users.reactivate(admin, user.id);
    expect(await held()).toEqual({ sessions: [], tokens: [] });

    await give(['s3', 's4'], ['t2', 't3']);
    const self = await crm.users.principalFor(user.id);
    expect(
      await crm.users.changeOwnPassword(
        self,
        { currentPassword: 'first-secret', newPassword: 'second-secret' },
        's3',
      ),
    ).toEqual({ ok: true, sessionsEnded: 1, tokensRevoked: 2 });
    expect(await held()).toEqual({ sessions: ['s3'], tokens: [] });

    await give([], ['t4']);
    expect(await crm.users.resetPassword(admin, user.id, 'third-secret')).toMatchObject({
      sessionsEnded: 1,
      tokensRevoked: 1,
    });
    expect(await held()).toEqual({ sessions: [], tokens: [] });
    expect(
      await store.db.selectFrom('sessions').select('id').where('id', '=', 's-admin').executeTakeFirst(),
    ).toEqual({ id: 's-admin' });
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

  it("keeps each user's own language for the web UI, null following the browser", async () => {
    const { crm, admin, alice } = f;
    expect((await crm.users.get(alice, alice.userId)).locale).toBeNull();
    expect((await crm.users.update(alice, alice.userId, { locale: 'ru' })).locale).toBe('ru');
    expect((await crm.users.get(admin, alice.userId)).locale).toBe('ru');
    expect((await failure(crm.users.update(alice, alice.userId, { locale: 'xx' as never }))).code).toBe(
      'validation_failed',
    );
    expect((await failure(crm.users.update(alice, admin.userId, { locale: 'de' }))).code).toBe('forbidden');
    expect((await crm.users.update(alice, alice.userId, { locale: null })).locale).toBeNull();
    const made = await crm.users.create(admin, { email: 'fr@example.test', displayName: 'Fr', locale: 'fr' });
    expect(made.locale).toBe('fr');
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

describe('password resets and deactivation', () => {
  let f: CrmFixture;
  beforeAll(async () => {
    f = await setupCrm();
  });
  afterAll(async () => {
    await f?.close();
  });

  it('keeps password resets and deactivation within their rights', async () => {
    const { crm, admin, alice, bob } = f;
    // One's own password needs the current one: not through the reset.
    expect((await failure(crm.users.resetPassword(admin, admin.userId, 'x-long-enough'))).code).toBe(
      'forbidden',
    );
    expect((await failure(crm.users.resetPassword(alice, bob.userId, 'x-long-enough'))).code).toBe(
      'forbidden',
    );
    expect((await failure(crm.users.deactivate(admin, admin.userId))).code).toBe('forbidden');
    const role = await crm.roles.create(admin, { name: 'Account keepers', operations: ['CanManageUsers'] });
    const managerUser = await crm.users.create(admin, {
      email: 'um@example.test',
      displayName: 'UM',
      roles: [role.id],
    });
    const manager = await crm.users.principalFor(managerUser.id);
    // A user manager cannot take over or lock out an administrator.
    expect((await failure(crm.users.resetPassword(manager, admin.userId, 'x-long-enough'))).code).toBe(
      'forbidden',
    );
    expect((await failure(crm.users.deactivate(manager, admin.userId))).code).toBe('forbidden');
    expect((await crm.users.resetPassword(manager, bob.userId, 'bob-new-secret')).user.id).toBe(bob.userId);
  });
});
