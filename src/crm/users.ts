// Users (F1): who can sign in, with which roles, and the Principal every CRM call acts as.
// Every user can read the user directory (it is needed to invite colleagues); creating users,
// changing roles and deactivating are for administrators and holders of CanManageUsers, and
// only administrators may hand out roles that carry CanManageAdministration.
//
// Credentials follow the account: deactivating a user, a user changing their password and an
// administrator resetting one end the user's sessions and revoke their API tokens in the same
// transaction (a self-change keeps only the session that made it), so that a reactivated
// account or a changed password never brings an old credential back to life.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.ts';
import { decodeCursor, encodeCursor, type Page, pageLimit } from './cursor.ts';
import { CrmError, forbidden, notFound, parseInput } from './errors.ts';
import { emailAddress, idSchema, instant, nameText, timeZone } from './fields.ts';
import { newId } from './ids.ts';
import { hashPassword, spendVerifyTime, verifyPassword } from './passwords.ts';
import type { Principal, SystemOperation } from './principal.ts';
import type { Role, RoleService } from './roles.ts';
import { columnContains, containsPattern } from './search.ts';

const password = z.string().min(8, 'must be at least 8 characters').max(1024);
/** The languages the web UI speaks. */
export const LOCALES = ['en', 'de', 'fr', 'ru'] as const;
export type Locale = (typeof LOCALES)[number];
const locale = z
  .enum(LOCALES)
  .nullable()
  .meta({ description: "The web UI's language; null follows the browser's languages." });

const roleKeys = z
  .array(z.string().min(1).max(256))
  .max(50)
  .meta({ description: 'Role names or ids; replaces the user’s roles.' });

export const userSchema = z.strictObject({
  id: idSchema,
  email: z.string(),
  displayName: z.string(),
  active: z.boolean(),
  timeZone: z.string(),
  locale,
  roles: z.array(z.strictObject({ id: idSchema, name: z.string() })),
  createdAt: instant,
  updatedAt: instant,
});
export const userCreateSchema = z.strictObject({
  email: emailAddress,
  displayName: nameText.min(1),
  password: password.optional(),
  active: z.boolean().optional(),
  timeZone: timeZone.optional(),
  locale: locale.optional(),
  roles: roleKeys.optional(),
});
export const userUpdateSchema = z.strictObject({
  email: emailAddress.optional(),
  displayName: nameText.min(1).optional(),
  active: z.boolean().optional(),
  timeZone: timeZone.optional(),
  locale: locale.optional(),
  roles: roleKeys.optional(),
});
export const userFilterSchema = z.strictObject({
  q: z.string().max(256).optional().meta({ description: 'Part of the name or email.' }),
  active: z.enum(['true', 'false']).optional(),
});

export type User = z.infer<typeof userSchema>;

/** What a password change or deactivation ended, so the caller can say so. */
export interface CredentialsEnded {
  sessionsEnded: number;
  tokensRevoked: number;
}

export type OwnPasswordChange = ({ ok: true } & CredentialsEnded) | { ok: false; reason: 'wrong_password' };
export type UserCreate = z.input<typeof userCreateSchema>;
export type UserUpdate = z.input<typeof userUpdateSchema>;
export type UserFilter = z.input<typeof userFilterSchema>;

const canManageUsers = (p: Principal) => p.isAdmin || p.operations.has('CanManageUsers');
const isActive = (row: { active: boolean | number }) => row.active === true || row.active === 1;

/** Ends the user's sessions (all but `keepSessionId`) and revokes all their API tokens. */
async function endCredentials(
  trx: Kysely<Database>,
  userId: string,
  keepSessionId?: string,
): Promise<CredentialsEnded> {
  let sessions = trx.deleteFrom('sessions').where('user_id', '=', userId);
  if (keepSessionId !== undefined) sessions = sessions.where('id', '!=', keepSessionId);
  const ended = await sessions.executeTakeFirst();
  const revoked = await trx.deleteFrom('api_tokens').where('user_id', '=', userId).executeTakeFirst();
  return { sessionsEnded: Number(ended.numDeletedRows), tokensRevoked: Number(revoked.numDeletedRows) };
}

async function writePasswordHash(trx: Kysely<Database>, userId: string, hash: string): Promise<void> {
  await trx
    .updateTable('users')
    .set({ password_hash: hash, updated_at: new Date().toISOString() })
    .where('id', '=', userId)
    .execute();
}

export function createUsers(db: Kysely<Database>, roles: RoleService) {
  async function rolesOf(executor: Kysely<Database>, userIds: string[]): Promise<Map<string, Role[]>> {
    const out = new Map<string, Role[]>(userIds.map((id) => [id, []]));
    if (userIds.length === 0) return out;
    const rows = await executor
      .selectFrom('user_roles')
      .innerJoin('roles', 'roles.id', 'user_roles.role_id')
      .select(['user_roles.user_id', 'roles.id', 'roles.name', 'roles.operations', 'roles.created_at'])
      .where('user_roles.user_id', 'in', userIds)
      .orderBy('roles.name')
      .execute();
    for (const r of rows) {
      out.get(r.user_id)?.push({
        id: r.id,
        name: r.name,
        operations: JSON.parse(r.operations) as SystemOperation[],
        builtIn: false,
        createdAt: r.created_at,
      });
    }
    return out;
  }

  async function toUsers(rows: Database['users'][], executor: Kysely<Database> = db): Promise<User[]> {
    const byUser = await rolesOf(
      executor,
      rows.map((r) => r.id),
    );
    return rows.map((row) => ({
      id: row.id,
      email: row.email,
      displayName: row.display_name,
      active: isActive(row),
      timeZone: row.time_zone,
      locale: (LOCALES as readonly string[]).includes(row.locale ?? '') ? (row.locale as Locale) : null,
      roles: (byUser.get(row.id) ?? []).map((r) => ({ id: r.id, name: r.name })),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    }));
  }

  async function load(trx: Kysely<Database>, id: string): Promise<User> {
    const row = await trx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('user', id);
    return (await toUsers([row], trx))[0];
  }

  async function assertEmailFree(trx: Kysely<Database>, email: string, exceptId?: string) {
    const clash = await trx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
    if (clash && clash.id !== exceptId) {
      throw new CrmError('conflict', `A user with email ${email} already exists.`, [
        { path: 'email', message: 'already exists' },
      ]);
    }
  }

  async function setRoles(trx: Kysely<Database>, userId: string, resolved: Role[]) {
    await trx.deleteFrom('user_roles').where('user_id', '=', userId).execute();
    if (resolved.length > 0) {
      await trx
        .insertInto('user_roles')
        .values(
          [...new Set(resolved.map((r) => r.id))].map((roleId) => ({ user_id: userId, role_id: roleId })),
        )
        .execute();
    }
  }

  async function setIndexedEmail(trx: Kysely<Database>, userId: string, email: string) {
    await trx
      .deleteFrom('email_index')
      .where('record_type', '=', 'user')
      .where('record_id', '=', userId)
      .execute();
    await trx
      .insertInto('email_index')
      .values({ record_type: 'user', record_id: userId, address: email })
      .execute();
  }

  function assertMayGrant(principal: Principal | undefined, resolved: Role[]) {
    if (
      principal &&
      !principal.isAdmin &&
      resolved.some((r) => r.operations.includes('CanManageAdministration'))
    ) {
      throw forbidden('grant a role carrying CanManageAdministration (only administrators may)');
    }
  }

  async function insertUser(input: UserCreate, principal?: Principal): Promise<User> {
    const data = parseInput(userCreateSchema, input);
    const email = data.email.toLowerCase();
    const passwordHash = data.password === undefined ? null : await hashPassword(data.password);
    const id = newId();
    await db.transaction().execute(async (trx) => {
      await assertEmailFree(trx, email);
      const resolved = await roles.resolve(trx, data.roles ?? [], 'roles');
      assertMayGrant(principal, resolved);
      const now = new Date().toISOString();
      await trx
        .insertInto('users')
        .values({
          id,
          email,
          display_name: data.displayName,
          password_hash: passwordHash,
          active: data.active ?? true,
          time_zone: data.timeZone ?? 'UTC',
          locale: data.locale ?? null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await setRoles(trx, id, resolved);
      await setIndexedEmail(trx, id, email);
    });
    return load(db, id);
  }

  return {
    /** Creates a user without an acting principal: for setup, the CLI and tests. */
    createUser(input: UserCreate): Promise<User> {
      return insertUser(input);
    },

    async create(principal: Principal, input: UserCreate): Promise<User> {
      if (!canManageUsers(principal)) throw forbidden('create users (needs CanManageUsers)');
      return insertUser(input, principal);
    },

    get(_principal: Principal, id: string): Promise<User> {
      return load(db, id);
    },

    async findByEmail(email: string): Promise<User | undefined> {
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where('email', '=', email.toLowerCase())
        .executeTakeFirst();
      return row ? (await toUsers([row]))[0] : undefined;
    },

    async list(
      _principal: Principal,
      options: { filter?: UserFilter; cursor?: string | null; limit?: number | string } = {},
    ): Promise<Page<User>> {
      const filter = parseInput(userFilterSchema, options.filter ?? {});
      const limit = pageLimit(options.limit);
      let query = db.selectFrom('users').selectAll();
      if (filter.active) query = query.where('active', '=', filter.active === 'true');
      if (filter.q) {
        const pattern = containsPattern(filter.q);
        query = query.where((eb) =>
          eb.or([columnContains('users.display_name', pattern), columnContains('users.email', pattern)]),
        );
      }
      if (options.cursor) query = query.where('id', '>', decodeCursor(options.cursor));
      const rows = await query
        .orderBy('id')
        .limit(limit + 1)
        .execute();
      const more = rows.length > limit;
      const page = more ? rows.slice(0, limit) : rows;
      return { items: await toUsers(page), nextCursor: more ? encodeCursor(page[page.length - 1].id) : null };
    },

    async update(principal: Principal, id: string, patch: UserUpdate): Promise<User> {
      const data = parseInput(userUpdateSchema, patch);
      const self = principal.userId === id;
      const managerOnly = (['email', 'active', 'roles'] as const).filter((k) => data[k] !== undefined);
      if (!canManageUsers(principal) && (!self || managerOnly.length > 0)) {
        throw forbidden(
          self ? `change your own ${managerOnly.join(', ')}` : 'change other users (needs CanManageUsers)',
        );
      }
      if (data.active === false && self) {
        throw forbidden('deactivate your own account; another administrator has to do it');
      }
      await db.transaction().execute(async (trx) => {
        const before = await load(trx, id);
        if (data.active !== undefined && data.active !== before.active && !principal.isAdmin) {
          if (
            (await rolesOf(trx, [id])).get(id)?.some((r) => r.operations.includes('CanManageAdministration'))
          )
            throw forbidden('deactivate or reactivate an administrator (only administrators may)');
        }
        // A deactivated account keeps no credential, so reactivating it brings none back.
        if (data.active !== undefined && data.active !== before.active) await endCredentials(trx, id);
        const set: Partial<Database['users']> = { updated_at: new Date().toISOString() };
        if (data.email !== undefined) {
          const email = data.email.toLowerCase();
          await assertEmailFree(trx, email, id);
          set.email = email;
          await setIndexedEmail(trx, id, email);
        }
        if (data.displayName !== undefined) set.display_name = data.displayName;
        if (data.active !== undefined) set.active = data.active;
        if (data.timeZone !== undefined) set.time_zone = data.timeZone;
        if (data.locale !== undefined) set.locale = data.locale;
        if (data.roles !== undefined) {
          const resolved = await roles.resolve(trx, data.roles, 'roles');
          assertMayGrant(principal, resolved);
          // Taking administration away is as sensitive as granting it.
          const current = await rolesOf(trx, [id]);
          const losesAdmin = (current.get(id) ?? []).some(
            (r) => r.operations.includes('CanManageAdministration') && !resolved.some((n) => n.id === r.id),
          );
          if (losesAdmin && !principal.isAdmin)
            throw forbidden('remove administration rights (only administrators may)');
          await setRoles(trx, id, resolved);
        }
        await trx.updateTable('users').set(set).where('id', '=', id).execute();
      });
      return load(db, id);
    },

    deactivate(principal: Principal, id: string): Promise<User> {
      return this.update(principal, id, { active: false });
    },

    reactivate(principal: Principal, id: string): Promise<User> {
      return this.update(principal, id, { active: true });
    },

    /**
     * A user changes their own password, proving the current one. Every other session of the
     * user ends and every API token is revoked; `keepSessionId` (the session making the change)
     * stays signed in.
     */
    async changeOwnPassword(
      principal: Principal,
      input: { currentPassword: string; newPassword: string },
      keepSessionId?: string,
    ): Promise<OwnPasswordChange> {
      const value = parseInput(z.strictObject({ newPassword: password }), {
        newPassword: input.newPassword,
      }).newPassword;
      const row = await db
        .selectFrom('users')
        .select(['id', 'password_hash', 'active'])
        .where('id', '=', principal.userId)
        .executeTakeFirst();
      if (!row) throw notFound('user', principal.userId);
      let ok = false;
      if (row.password_hash) ok = await verifyPassword(input.currentPassword, row.password_hash);
      else await spendVerifyTime(input.currentPassword);
      if (!ok || !isActive(row)) return { ok: false, reason: 'wrong_password' };
      const hash = await hashPassword(value);
      const ended = await db.transaction().execute(async (trx) => {
        await writePasswordHash(trx, row.id, hash);
        return endCredentials(trx, row.id, keepSessionId);
      });
      return { ok: true, ...ended };
    },

    /**
     * An administrator (or holder of CanManageUsers) sets another user's password, e.g. when it
     * was forgotten or may be known to someone else: all the user's sessions end and all their
     * API tokens are revoked. One's own password is changed with changeOwnPassword instead, which
     * asks for the current one.
     */
    async resetPassword(
      principal: Principal,
      id: string,
      newPassword: string,
    ): Promise<{ user: User } & CredentialsEnded> {
      if (!canManageUsers(principal)) throw forbidden("reset another user's password (needs CanManageUsers)");
      if (principal.userId === id) {
        throw forbidden(
          'reset your own password this way; change it with POST /api/v1/me/password, which asks for the current one',
        );
      }
      const value = parseInput(z.strictObject({ password }), { password: newPassword }).password;
      const hash = await hashPassword(value);
      const ended = await db.transaction().execute(async (trx) => {
        await load(trx, id);
        const targetIsAdmin = (await rolesOf(trx, [id]))
          .get(id)
          ?.some((r) => r.operations.includes('CanManageAdministration'));
        if (targetIsAdmin && !principal.isAdmin) {
          throw forbidden("reset an administrator's password (only administrators may)");
        }
        await writePasswordHash(trx, id, hash);
        return endCredentials(trx, id);
      });
      return { user: await load(db, id), ...ended };
    },

    /** The user for a correct email and password of an active account, else undefined. */
    async verifyLogin(email: string, candidate: string): Promise<User | undefined> {
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where('email', '=', email.trim().toLowerCase())
        .executeTakeFirst();
      if (!row?.password_hash) {
        await spendVerifyTime(candidate);
        return undefined;
      }
      const ok = await verifyPassword(candidate, row.password_hash);
      if (!ok || !isActive(row)) return undefined;
      return (await toUsers([row]))[0];
    },

    /** Who the user acts as: roles, their operations, administrator or not. */
    async principalFor(userId: string, options: { mailboxId?: string } = {}): Promise<Principal> {
      const row = await db
        .selectFrom('users')
        .select(['id', 'active'])
        .where('id', '=', userId)
        .executeTakeFirst();
      if (!row) throw notFound('user', userId);
      if (!isActive(row)) {
        throw new CrmError(
          'forbidden',
          `User ${userId} is deactivated; an administrator can reactivate the account.`,
        );
      }
      const userRoles = (await rolesOf(db, [userId])).get(userId) ?? [];
      const operations = new Set<SystemOperation>(userRoles.flatMap((r) => r.operations));
      return {
        userId,
        roleIds: userRoles.map((r) => r.id),
        operations,
        isAdmin: operations.has('CanManageAdministration'),
        ...(options.mailboxId ? { mailboxId: options.mailboxId } : {}),
      };
    },

    /** Creates the built-in roles (Administrators, Sales) if missing. */
    ensureAdministratorsRole() {
      return roles.ensureBuiltIn();
    },
  };
}

export type UserService = ReturnType<typeof createUsers>;
