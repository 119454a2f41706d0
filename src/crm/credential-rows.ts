// Owner of the credential tables: browser sessions (`sessions`, keyed by the SHA-256 of the
// cookie value, with the CSRF token bound to the session) and personal API tokens (`api_tokens`,
// keyed by the SHA-256 of the token). One small function per read or state change; each takes
// the executor it runs on, so a caller can compose them inside one transaction (as ending a
// user's credentials with a change of the user does). The HTTP layer's SessionStore and
// ApiTokenStore make and check the secrets; only this file speaks SQL for them.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

type Db = Kysely<Database>;

export interface SessionRow {
  id: string;
  userId: string;
  csrfToken: string;
  expiresAt: string;
}

export async function insertSession(db: Db, session: SessionRow, now: Date): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id: session.id,
      user_id: session.userId,
      csrf_token: session.csrfToken,
      created_at: now.toISOString(),
      expires_at: session.expiresAt,
    })
    .execute();
}

/** Deletes the sessions expired by `now`. */
export async function deleteExpiredSessions(db: Db, now: Date): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<', now.toISOString()).execute();
}

/** The session with this id (the hash of its cookie value), expired or not. */
export async function findSession(db: Db, id: string): Promise<SessionRow | undefined> {
  const row = await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  return row && { id: row.id, userId: row.user_id, csrfToken: row.csrf_token, expiresAt: row.expires_at };
}

/** Signs one session out. */
export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

/** Ends the user's sessions, all but `keepSessionId`; returns how many. */
export async function endSessionsOf(db: Db, userId: string, keepSessionId?: string): Promise<number> {
  let sessions = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (keepSessionId !== undefined) sessions = sessions.where('id', '!=', keepSessionId);
  const ended = await sessions.executeTakeFirst();
  return Number(ended.numDeletedRows);
}

export interface ApiTokenRow {
  id: string;
  userId: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

export async function insertApiToken(db: Db, token: ApiTokenRow, tokenHash: string): Promise<void> {
  await db
    .insertInto('api_tokens')
    .values({
      id: token.id,
      user_id: token.userId,
      name: token.name,
      token_hash: tokenHash,
      created_at: token.createdAt,
      last_used_at: token.lastUsedAt,
      expires_at: token.expiresAt,
    })
    .execute();
}

/** The user's tokens, oldest first. */
export async function apiTokensOf(db: Db, userId: string): Promise<ApiTokenRow[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .select(['id', 'user_id', 'name', 'created_at', 'last_used_at', 'expires_at'])
    .where('user_id', '=', userId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    name: r.name,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    expiresAt: r.expires_at,
  }));
}

/** The token with this hash, whoever it belongs to. */
export async function findApiToken(db: Db, tokenHash: string): Promise<ApiTokenRow | undefined> {
  const r = await db
    .selectFrom('api_tokens')
    .select(['id', 'user_id', 'name', 'created_at', 'last_used_at', 'expires_at'])
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  return (
    r && {
      id: r.id,
      userId: r.user_id,
      name: r.name,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
      expiresAt: r.expires_at,
    }
  );
}

/** The token was used at `now`. */
export async function noteApiTokenUse(db: Db, id: string, now: Date): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: now.toISOString() }).where('id', '=', id).execute();
}

/** Revokes one of the user's tokens; false when the user had no such token. */
export async function revokeApiToken(db: Db, userId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('api_tokens')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Revokes all the user's tokens; returns how many. */
export async function revokeApiTokensOf(db: Db, userId: string): Promise<number> {
  const revoked = await db.deleteFrom('api_tokens').where('user_id', '=', userId).executeTakeFirst();
  return Number(revoked.numDeletedRows);
}
