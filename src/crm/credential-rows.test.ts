// The owner of sessions and api_tokens, on SQLite and, with EXSYNC_TEST_DB=postgres, PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CrmFixture, setupCrm } from '../../test/support/crm-fixture.ts';
import {
  apiTokensOf,
  deleteExpiredSessions,
  deleteSession,
  endSessionsOf,
  findApiToken,
  findSession,
  insertApiToken,
  insertSession,
  noteApiTokenUse,
  revokeApiToken,
  revokeApiTokensOf,
} from './credential-rows.ts';

const T0 = new Date('2026-12-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

let fx: CrmFixture;
beforeAll(async () => {
  fx = await setupCrm();
});
afterAll(async () => {
  await fx?.close();
});

const session = (id: string, userId: string, expiresAt: Date) => ({
  id,
  userId,
  csrfToken: `csrf-${id}`,
  expiresAt: expiresAt.toISOString(),
});

describe('sessions', () => {
  it('are found by id until deleted, and swept once expired', async () => {
    const db = fx.store.db;
    await insertSession(db, session('s-old', fx.alice.userId, at(1_000)), T0);
    await insertSession(db, session('s-new', fx.alice.userId, at(10_000)), T0);
    expect(await findSession(db, 's-new')).toEqual(session('s-new', fx.alice.userId, at(10_000)));
    await deleteExpiredSessions(db, at(5_000));
    expect(await findSession(db, 's-old')).toBeUndefined();
    expect(await findSession(db, 's-new')).toBeDefined();
    await deleteSession(db, 's-new');
    expect(await findSession(db, 's-new')).toBeUndefined();
  });

  it("of one user end, all but the one kept, and no one else's", async () => {
    const db = fx.store.db;
    for (const id of ['a1', 'a2', 'a3'])
      await insertSession(db, session(id, fx.alice.userId, at(60_000)), T0);
    await insertSession(db, session('b1', fx.bob.userId, at(60_000)), T0);
    expect(await endSessionsOf(db, fx.alice.userId, 'a2')).toBe(2);
    expect(await findSession(db, 'a2')).toBeDefined();
    expect(await findSession(db, 'b1')).toBeDefined();
    expect(await endSessionsOf(db, fx.alice.userId)).toBe(1);
  });
});

describe('API tokens', () => {
  const token = (id: string, userId: string) => ({
    id,
    userId,
    name: `name-${id}`,
    createdAt: T0.toISOString(),
    lastUsedAt: null,
    expiresAt: null,
  });

  it('are found by hash, listed per user, noted when used, and revoked by their owner only', async () => {
    const db = fx.store.db;
    await insertApiToken(db, token('t1', fx.alice.userId), 'hash-t1');
    await insertApiToken(db, token('t2', fx.alice.userId), 'hash-t2');
    await insertApiToken(db, token('t3', fx.bob.userId), 'hash-t3');
    expect(await findApiToken(db, 'hash-t3')).toEqual(token('t3', fx.bob.userId));
    expect(await findApiToken(db, 'hash-none')).toBeUndefined();
    expect((await apiTokensOf(db, fx.alice.userId)).map((t) => t.id)).toEqual(['t1', 't2']);
    await noteApiTokenUse(db, 't1', at(5));
    expect((await findApiToken(db, 'hash-t1'))?.lastUsedAt).toBe(at(5).toISOString());
    expect(await revokeApiToken(db, fx.bob.userId, 't1')).toBe(false);
    expect(await revokeApiToken(db, fx.alice.userId, 't1')).toBe(true);
    expect(await revokeApiTokensOf(db, fx.alice.userId)).toBe(1);
    expect(await apiTokensOf(db, fx.alice.userId)).toEqual([]);
    expect(await apiTokensOf(db, fx.bob.userId)).toHaveLength(1);
  });
});
