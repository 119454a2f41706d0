// The user tables' reads and state changes (users, user_roles, the user's email_index row; the
// sessions and API tokens a credential change ends are credential-rows.ts's), one small function each. Every
// function takes the executor it runs on, so callers compose them inside one transaction.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { endSessionsOf, revokeApiTokensOf } from './credential-rows.ts';
import { CrmError, notFound } from './errors.ts';
import type { SystemOperation } from './principal.ts';
import type { Role } from './roles.ts';
import { type CredentialsEnded, LOCALES, type Locale, type User } from './user-schemas.ts';

export type UserRow = Database['users'];

export const isActive = (row: { active: boolean | number }) => row.active === true || row.active === 1;

/** The roles of each user, by name; every asked id has an entry. */
export async function rolesOf(db: Kysely<Database>, userIds: string[]): Promise<Map<string, Role[]>> {
  const out = new Map<string, Role[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return out;
  const rows = await db
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

/** Whether the user holds a role carrying CanManageAdministration. */
export async function isAdministrator(db: Kysely<Database>, userId: string): Promise<boolean> {
  return ((await rolesOf(db, [userId])).get(userId) ?? []).some((r) =>
    r.operations.includes('CanManageAdministration'),
  );
}

/** The API view of user rows, with their roles. */
export async function toUsers(db: Kysely<Database>, rows: UserRow[]): Promise<User[]> {
  const byUser = await rolesOf(
    db,
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

export async function loadUser(db: Kysely<Database>, id: string): Promise<User> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('user', id);
  return (await toUsers(db, [row]))[0];
}

/** The user row of an email address (compared in lower case), if any. */
/** The user row with this id, if any. */
export function findUserRow(db: Kysely<Database>, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findUserRowByEmail(db: Kysely<Database>, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
}

export async function assertEmailFree(db: Kysely<Database>, email: string, exceptId?: string): Promise<void> {
  const clash = await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
  if (clash && clash.id !== exceptId) {
    throw new CrmError('conflict', `A user with email ${email} already exists.`, [
      { path: 'email', message: 'already exists' },
    ]);
  }
}

export async function insertUserRow(db: Kysely<Database>, row: UserRow): Promise<void> {
  await db.insertInto('users').values(row).execute();
}

export async function updateUserRow(db: Kysely<Database>, id: string, set: Partial<UserRow>): Promise<void> {
  await db.updateTable('users').set(set).where('id', '=', id).execute();
}

/** Replaces the user's roles. */
export async function setRoles(db: Kysely<Database>, userId: string, resolved: Role[]): Promise<void> {
  await db.deleteFrom('user_roles').where('user_id', '=', userId).execute();
  if (resolved.length > 0) {
    await db
      .insertInto('user_roles')
      .values([...new Set(resolved.map((r) => r.id))].map((roleId) => ({ user_id: userId, role_id: roleId })))
      .execute();
  }
}

/** Keeps the user's address in the email index, so mail from or to them is recognised. */
export async function setIndexedEmail(db: Kysely<Database>, userId: string, email: string): Promise<void> {
  await db
    .deleteFrom('email_index')
    .where('record_type', '=', 'user')
    .where('record_id', '=', userId)
    .execute();
  await db
    .insertInto('email_index')
    .values({ record_type: 'user', record_id: userId, address: email })
    .execute();
}

export async function writePasswordHash(db: Kysely<Database>, userId: string, hash: string): Promise<void> {
  await updateUserRow(db, userId, { password_hash: hash, updated_at: new Date().toISOString() });
}

/** Ends the user's sessions (all but `keepSessionId`) and revokes all their API tokens. */
export async function endCredentials(
  db: Kysely<Database>,
  userId: string,
  keepSessionId?: string,
): Promise<CredentialsEnded> {
  const sessionsEnded = await endSessionsOf(db, userId, keepSessionId);
  const tokensRevoked = await revokeApiTokensOf(db, userId);
  return { sessionsEnded, tokensRevoked };
}
