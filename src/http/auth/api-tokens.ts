// Personal API tokens for scripts. The token is shown once when created; only its SHA-256 is
// stored. A token acts with the full rights of its user until it expires or is revoked.

import { newId } from '../../crm/ids.ts';
import type { Store } from '../../db/database.ts';
import { randomSecret, sha256 } from './secrets.ts';

/** Recognisable in logs and secret scanners. */
export const TOKEN_PREFIX = 'exs_';

/** last_used_at is written at most this often per token, so that scripts do not cause a write per call. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface ApiTokenInfo {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

export interface ApiTokenMatch {
  id: string;
  userId: string;
}

export class ApiTokenStore {
  readonly #store: Store;
  constructor(store: Store) {
    this.#store = store;
  }

  async create(
    userId: string,
    name: string,
    expiresAt: string | null,
    now = new Date(),
  ): Promise<{ token: string; info: ApiTokenInfo }> {
    const token = `${TOKEN_PREFIX}${randomSecret()}`;
    const info: ApiTokenInfo = {
      id: newId(),
      name,
      createdAt: now.toISOString(),
      lastUsedAt: null,
      expiresAt,
    };
    await this.#store.db
      .insertInto('api_tokens')
      .values({
        id: info.id,
        user_id: userId,
        name,
        token_hash: sha256(token),
        created_at: info.createdAt,
        last_used_at: null,
        expires_at: expiresAt,
      })
      .execute();
    return { token, info };
  }

  async list(userId: string): Promise<ApiTokenInfo[]> {
    const rows = await this.#store.db
      .selectFrom('api_tokens')
      .select(['id', 'name', 'created_at', 'last_used_at', 'expires_at'])
      .where('user_id', '=', userId)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
      expiresAt: r.expires_at,
    }));
  }

  /** True when the user had such a token. */
  async revoke(userId: string, tokenId: string): Promise<boolean> {
    const result = await this.#store.db
      .deleteFrom('api_tokens')
      .where('id', '=', tokenId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async verify(token: string, now = new Date()): Promise<ApiTokenMatch | null> {
    if (!token.startsWith(TOKEN_PREFIX)) return null;
    const row = await this.#store.db
      .selectFrom('api_tokens')
      .select(['id', 'user_id', 'expires_at', 'last_used_at'])
      .where('token_hash', '=', sha256(token))
      .executeTakeFirst();
    if (!row) return null;
    const nowIso = now.toISOString();
    if (row.expires_at !== null && row.expires_at <= nowIso) return null;
    if (row.last_used_at === null || Date.parse(row.last_used_at) + LAST_USED_RESOLUTION_MS < now.getTime()) {
      await this.#store.db
        .updateTable('api_tokens')
        .set({ last_used_at: nowIso })
        .where('id', '=', row.id)
        .execute();
    }
    return { id: row.id, userId: row.user_id };
  }
}
