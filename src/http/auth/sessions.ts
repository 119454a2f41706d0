// Browser sessions. The cookie carries a random value; the database keeps only its SHA-256 and
// the CSRF token bound to the session, so a state-changing request must prove it can read the
// token (which another site cannot) besides carrying the cookie (which the browser adds).

import { newId } from '../../crm/ids.ts';
import type { Store } from '../../db/database.ts';
import { randomSecret, sha256 } from './secrets.ts';

export const SESSION_COOKIE = 'exsync_session';
export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface Session {
  id: string;
  userId: string;
  csrfToken: string;
  expiresAt: string;
}

export class SessionStore {
  readonly #store: Store;
  constructor(store: Store) {
    this.#store = store;
  }

  /** Returns the cookie value to send; it is never stored. */
  async create(userId: string, now = new Date()): Promise<{ cookieValue: string; session: Session }> {
    const cookieValue = `${newId()}.${randomSecret()}`;
    const session: Session = {
      id: sha256(cookieValue),
      userId,
      csrfToken: randomSecret(),
      expiresAt: new Date(now.getTime() + SESSION_TTL_MS).toISOString(),
    };
    await this.#store.db
      .insertInto('sessions')
      .values({
        id: session.id,
        user_id: userId,
        csrf_token: session.csrfToken,
        created_at: now.toISOString(),
        expires_at: session.expiresAt,
      })
      .execute();
    // Expired sessions are swept here rather than by a timer: sign-ins are rare enough.
    await this.#store.db.deleteFrom('sessions').where('expires_at', '<', now.toISOString()).execute();
    return { cookieValue, session };
  }

  async find(cookieValue: string, now = new Date()): Promise<Session | null> {
    const row = await this.#store.db
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', sha256(cookieValue))
      .executeTakeFirst();
    if (!row || row.expires_at <= now.toISOString()) return null;
    return { id: row.id, userId: row.user_id, csrfToken: row.csrf_token, expiresAt: row.expires_at };
  }

  async delete(sessionId: string): Promise<void> {
    await this.#store.db.deleteFrom('sessions').where('id', '=', sessionId).execute();
  }
}
