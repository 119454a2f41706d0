// Creating and changing users (F1). A user may change their own name, time zone and language;
// everything else needs CanManageUsers, and administration rights only move by an administrator.
// Deactivating or reactivating ends the user's sessions and API tokens in the same transaction,
// so that a reactivated account never brings an old credential back to life.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { forbidden, parseInput } from './errors.ts';
import { newId } from './ids.ts';
import { hashPassword } from './passwords.ts';
import type { Principal } from './principal.ts';
import type { RoleService } from './roles.ts';
import {
  assertEmailFree,
  endCredentials,
  insertUserRow,
  isAdministrator,
  loadUser,
  rolesOf,
  setIndexedEmail,
  setRoles,
  type UserRow,
  updateUserRow,
} from './user-rows.ts';
import { assertMayGrant, canManageUsers, carriesAdministration } from './user-rules.ts';
import {
  type User,
  type UserCreate,
  type UserUpdate,
  userCreateSchema,
  userUpdateSchema,
} from './user-schemas.ts';

/** Creates a user; `principal` (absent for setup, the CLI and tests) must be allowed to grant the roles. */
export async function createUser(
  db: Kysely<Database>,
  roles: RoleService,
  input: UserCreate,
  principal?: Principal,
): Promise<User> {
  const data = parseInput(userCreateSchema, input);
  const email = data.email.toLowerCase();
  const passwordHash = data.password === undefined ? null : await hashPassword(data.password);
  const id = newId();
  await db.transaction().execute(async (trx) => {
    await assertEmailFree(trx, email);
    const resolved = await roles.resolve(trx, data.roles ?? [], 'roles');
    assertMayGrant(principal, resolved);
    const now = new Date().toISOString();
    await insertUserRow(trx, {
      id,
      email,
      display_name: data.displayName,
      password_hash: passwordHash,
      active: data.active ?? true,
      time_zone: data.timeZone ?? 'UTC',
      locale: data.locale ?? null,
      created_at: now,
      updated_at: now,
    });
    await setRoles(trx, id, resolved);
    await setIndexedEmail(trx, id, email);
  });
  return loadUser(db, id);
}

/** Refuses a change the principal may not make before anything is read. */
function assertMayChange(principal: Principal, id: string, data: UserUpdate): void {
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
}

export async function updateUser(
  db: Kysely<Database>,
  roles: RoleService,
  principal: Principal,
  id: string,
  patch: UserUpdate,
): Promise<User> {
  const data = parseInput(userUpdateSchema, patch);
  assertMayChange(principal, id, data);
  await db.transaction().execute(async (trx) => {
    const before = await loadUser(trx, id);
    const activeChanges = data.active !== undefined && data.active !== before.active;
    if (activeChanges && !principal.isAdmin && (await isAdministrator(trx, id))) {
      throw forbidden('deactivate or reactivate an administrator (only administrators may)');
    }
    // A deactivated account keeps no credential, so reactivating it brings none back.
    if (activeChanges) await endCredentials(trx, id);
    const set: Partial<UserRow> = { updated_at: new Date().toISOString() };
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
      const current = (await rolesOf(trx, [id])).get(id) ?? [];
      const losesAdmin = current.some(
        (r) => carriesAdministration(r) && !resolved.some((n) => n.id === r.id),
      );
      if (losesAdmin && !principal.isAdmin)
        throw forbidden('remove administration rights (only administrators may)');
      await setRoles(trx, id, resolved);
    }
    await updateUserRow(trx, id, set);
  });
  return loadUser(db, id);
}
