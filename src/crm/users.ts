// Users (F1): who can sign in, with which roles, and the Principal every CRM call acts as.
// Every user can read the user directory (it is needed to invite colleagues); creating users,
// changing roles and deactivating are for administrators and holders of CanManageUsers, and
// only administrators may hand out roles that carry CanManageAdministration.
//
// Credentials follow the account: deactivating a user, a user changing their password and an
// administrator resetting one end the user's sessions and revoke their API tokens in the same
// transaction (a self-change keeps only the session that made it), so that a reactivated
// account or a changed password never brings an old credential back to life.
//
// The façade the API calls. The shapes are in user-schemas.ts, who may do what in user-rules.ts,
// creating and changing in user-changes.ts, passwords in user-passwords.ts, and every read and
// write of the user tables in user-rows.ts.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { decodeCursor, encodeCursor, type Page, pageLimit } from './cursor.ts';
import { CrmError, forbidden, notFound, parseInput } from './errors.ts';
import type { Principal, SystemOperation } from './principal.ts';
import type { RoleService } from './roles.ts';
import { columnContains, containsPattern } from './search.ts';
import { createUser, updateUser } from './user-changes.ts';
import { changeOwnPassword, resetPassword, verifyLogin } from './user-passwords.ts';
import { findUserRowByEmail, isActive, loadUser, rolesOf, toUsers } from './user-rows.ts';
import { canManageUsers } from './user-rules.ts';
import {
  type CredentialsEnded,
  type OwnPasswordChange,
  type User,
  type UserCreate,
  type UserFilter,
  type UserUpdate,
  userFilterSchema,
} from './user-schemas.ts';

export {
  type CredentialsEnded,
  LOCALES,
  type Locale,
  type OwnPasswordChange,
  type User,
  type UserCreate,
  type UserFilter,
  type UserUpdate,
  userCreateSchema,
  userFilterSchema,
  userSchema,
  userUpdateSchema,
} from './user-schemas.ts';

export function createUsers(db: Kysely<Database>, roles: RoleService) {
  return {
    /** Creates a user without an acting principal: for setup, the CLI and tests. */
    createUser(input: UserCreate): Promise<User> {
      return createUser(db, roles, input);
    },

    async create(principal: Principal, input: UserCreate): Promise<User> {
      if (!canManageUsers(principal)) throw forbidden('create users (needs CanManageUsers)');
      return createUser(db, roles, input, principal);
    },

    get(_principal: Principal, id: string): Promise<User> {
      return loadUser(db, id);
    },

    async findByEmail(email: string): Promise<User | undefined> {
      const row = await findUserRowByEmail(db, email);
      return row ? (await toUsers(db, [row]))[0] : undefined;
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
      return {
        items: await toUsers(db, page),
        nextCursor: more ? encodeCursor(page[page.length - 1].id) : null,
      };
    },

    update(principal: Principal, id: string, patch: UserUpdate): Promise<User> {
      return updateUser(db, roles, principal, id, patch);
    },

    deactivate(principal: Principal, id: string): Promise<User> {
      return updateUser(db, roles, principal, id, { active: false });
    },

    reactivate(principal: Principal, id: string): Promise<User> {
      return updateUser(db, roles, principal, id, { active: true });
    },

    /**
     * A user changes their own password, proving the current one. Every other session of the
     * user ends and every API token is revoked; `keepSessionId` (the session making the change)
     * stays signed in.
     */
    changeOwnPassword(
      principal: Principal,
      input: { currentPassword: string; newPassword: string },
      keepSessionId?: string,
    ): Promise<OwnPasswordChange> {
      return changeOwnPassword(db, principal, input, keepSessionId);
    },

    /**
     * An administrator (or holder of CanManageUsers) sets another user's password: all the
     * user's sessions end and all their API tokens are revoked.
     */
    resetPassword(
      principal: Principal,
      id: string,
      newPassword: string,
    ): Promise<{ user: User } & CredentialsEnded> {
      return resetPassword(db, principal, id, newPassword);
    },

    /** The user for a correct email and password of an active account, else undefined. */
    verifyLogin(email: string, candidate: string): Promise<User | undefined> {
      return verifyLogin(db, email, candidate);
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
