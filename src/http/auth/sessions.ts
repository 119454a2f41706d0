// Browser sessions. The cookie carries a random value; the database keeps only its SHA-256 and
// the CSRF token bound to the session, so a state-changing request must prove it can read the
// token (which another site cannot) besides carrying the cookie (which the browser adds).

import {
  deleteExpiredSessions,
  deleteSession,
  findSession,
  insertSession,
} from '../../crm/credential-rows.ts';
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
    await insertSession(this.#store.db, session, now);
    // Expired sessions are swept here rather than by a timer: sign-ins are rare enough.
    await deleteExpiredSessions(this.#store.db, now);
    return { cookieValue, session };
  }

  async find(cookieValue: string, now = new Date()): Promise<Session | null> {
    const session = await findSession(this.#store.db, sha256(cookieValue));
    if (!session || session.expiresAt <= now.toISOString()) return null;
    return session;
  }

  async delete(sessionId: string): Promise<void> {
    await deleteSession(this.#store.db, sessionId);
  }
}
