// The tombstone of a shared key keeps what an attendee's copy last agreed with the record the
// CRM deleted, for an organizer's copy a mailbox links later: the first copy to let go keeps it,
// only for the key's own record; linking the organizer's copy, or an import taking the claim
// over, uses it up. On SQLite and, with EXSYNC_TEST_DB=postgres, PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, type TestStore } from '../../../test/support/db.ts';
import { claimRecords, claimsOf, forgetAgreed, keepAgreed, takeOverClaim } from './shared.ts';

const T0 = new Date('2026-12-01T10:00:00.000Z');
let store: TestStore;
let n = 0;

beforeAll(async () => {
  store = await createTestStore();
});
afterAll(async () => {
  await store?.destroy();
});

describe('what a tombstone keeps for the organizer’s copy', () => {
  it('keeps the first copy’s agreement with the key’s own record, until used up', async () => {
    const key = `key-${n++}`;
    const first = { snapshot: { subject: 'Planning' }, recordVersion: 3 };
    await claimRecords(store.db, 'meetings', [{ key, recordId: 'R1' }], T0);
    expect((await claimsOf(store.db, 'meetings', [key])).get(key)).not.toHaveProperty('agreed');
    // Another record's link says nothing about this key's record.
    await keepAgreed(store.db, 'meetings', { key, recordId: 'R2', agreed: first });
    expect((await claimsOf(store.db, 'meetings', [key])).get(key)).not.toHaveProperty('agreed');
    await keepAgreed(store.db, 'meetings', { key, recordId: 'R1', agreed: first });
    await keepAgreed(store.db, 'meetings', {
      key,
      recordId: 'R1',
      agreed: { snapshot: { subject: 'Later' }, recordVersion: 4 },
    });
    expect((await claimsOf(store.db, 'meetings', [key])).get(key)?.agreed).toEqual(first);
    await forgetAgreed(store.db, 'meetings', [key]);
    expect((await claimsOf(store.db, 'meetings', [key])).get(key)).toEqual({
      key,
      recordId: 'R1',
      linkId: null,
    });
  });
  it('an import that takes the claim over uses it up', async () => {
    const key = `key-${n++}`;
    await claimRecords(store.db, 'meetings', [{ key, recordId: 'R1' }], T0);
    await keepAgreed(store.db, 'meetings', {
      key,
      recordId: 'R1',
      agreed: { snapshot: { subject: 'Planning' }, recordVersion: 3 },
    });
    const seen = (await claimsOf(store.db, 'meetings', [key])).get(key)!;
    expect(await takeOverClaim(store.db, 'meetings', seen, 'L1', T0)).toBe(true);
    expect((await claimsOf(store.db, 'meetings', [key])).get(key)).toEqual({
      key,
      recordId: null,
      linkId: 'L1',
    });
  });
});
