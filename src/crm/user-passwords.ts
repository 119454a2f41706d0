// Passwords (F1): signing in, a user changing their own, an administrator resetting another's.
// A changed or reset password ends the user's sessions and revokes their API tokens in the same
// transaction (a self-change keeps only the session that made it), so an old credential never
// outlives the password it was issued under. A failed check spends as long as a real one, so
// timing does not tell which addresses have accounts.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.ts';
import { forbidden, notFound, parseInput } from './errors.ts';
import { hashPassword, spendVerifyTime, verifyPassword } from './passwords.ts';
import type { Principal } from './principal.ts';
import {
  endCredentials,
  findUserRowByEmail,
  isActive,
  isAdministrator,
  loadUser,
  toUsers,
  writePasswordHash,
} from './user-rows.ts';
import { canManageUsers } from './user-rules.ts';
import { type CredentialsEnded, newPassword, type OwnPasswordChange, type User } from './user-schemas.ts';

/** The user for a correct email and password of an active account, else undefined. */
export async function verifyLogin(
  db: Kysely<Database>,
  email: string,
  candidate: string,
): Promise<User | undefined> {
  const row = await findUserRowByEmail(db, email.trim());
  if (!row?.password_hash) {
    await spendVerifyTime(candidate);
    return undefined;
  }
  const ok = await verifyPassword(candidate, row.password_hash);
  if (!ok || !isActive(row)) return undefined;
  return (await toUsers(db, [row]))[0];
}

/** A user changes their own password, proving the current one; `keepSessionId` stays signed in. */
export async function changeOwnPassword(
  db: Kysely<Database>,
  principal: Principal,
  input: { currentPassword: string; newPassword: string },
  keepSessionId?: string,
): Promise<OwnPasswordChange> {
  const value = parseInput(z.strictObject({ newPassword }), { newPassword: input.newPassword }).newPassword;
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
}

/**
 * An administrator (or holder of CanManageUsers) sets another user's password, e.g. when it was
 * forgotten or may be known to someone else. One's own password is changed with
 * changeOwnPassword instead, which asks for the current one.
 */
export async function resetPassword(
  db: Kysely<Database>,
  principal: Principal,
  id: string,
  given: string,
): Promise<{ user: User } & CredentialsEnded> {
  if (!canManageUsers(principal)) throw forbidden("reset another user's password (needs CanManageUsers)");
  if (principal.userId === id) {
    throw forbidden(
      'reset your own password this way; change it with POST /api/v1/me/password, which asks for the current one',
    );
  }
  const value = parseInput(z.strictObject({ password: newPassword }), { password: given }).password;
  const hash = await hashPassword(value);
  const ended = await db.transaction().execute(async (trx) => {
    await loadUser(trx, id);
    if ((await isAdministrator(trx, id)) && !principal.isAdmin) {
      throw forbidden("reset an administrator's password (only administrators may)");
    }
    await writePasswordHash(trx, id, hash);
    return endCredentials(trx, id);
  });
  return { user: await loadUser(db, id), ...ended };
}
