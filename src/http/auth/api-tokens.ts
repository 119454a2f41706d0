// Personal API tokens for scripts. The token is shown once when created; only its SHA-256 is
// stored. A token acts with the full rights of its user until it expires or is revoked.

import {
  apiTokensOf,
  findApiToken,
  insertApiToken,
  noteApiTokenUse,
  revokeApiToken,
} from '../../crm/credential-rows.ts';
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
    await insertApiToken(this.#store.db, { ...info, userId }, sha256(token));
    return { token, info };
  }

  async list(userId: string): Promise<ApiTokenInfo[]> {
    return (await apiTokensOf(this.#store.db, userId)).map(({ userId: _owner, ...info }) => info);
  }

  /** True when the user had such a token. */
  async revoke(userId: string, tokenId: string): Promise<boolean> {
    return revokeApiToken(this.#store.db, userId, tokenId);
  }

  async verify(token: string, now = new Date()): Promise<ApiTokenMatch | null> {
    if (!token.startsWith(TOKEN_PREFIX)) return null;
    const row = await findApiToken(this.#store.db, sha256(token));
    if (!row) return null;
    if (row.expiresAt !== null && row.expiresAt <= now.toISOString()) return null;
    if (row.lastUsedAt === null || Date.parse(row.lastUsedAt) + LAST_USED_RESOLUTION_MS < now.getTime())
      await noteApiTokenUse(this.#store.db, row.id, now);
    return { id: row.id, userId: row.userId };
  }
}
