// The owner of sync_tags (B3), on SQLite and, with EXSYNC_TEST_DB=postgres, PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, type TestStore } from '../../../test/support/db.ts';
import { insertLinks } from './links.ts';
import type { SyncScope } from './scope.ts';
import { mailboxesTagging, taggedAmong, taggedNotLinked, tagRecords, untagRecords } from './tags.ts';

let store: TestStore;
let mailbox = 0;
const scope = (): SyncScope => ({ mailboxId: `tags-mailbox-${mailbox++}`, entity: 'contacts' });
beforeAll(async () => {
  store = await createTestStore();
});
afterAll(async () => {
  await store?.destroy();
});

describe('tags', () => {
  it('are set once, taken off, and kept per mailbox', async () => {
    const a = scope();
    const b = scope();
    await tagRecords(store.db, a, ['r1', 'r2'], new Date());
    await tagRecords(store.db, a, ['r1'], new Date());
    await tagRecords(store.db, b, ['r1'], new Date());
    expect(await taggedAmong(store.db, a, ['r1', 'r2', 'r3'])).toEqual(new Set(['r1', 'r2']));
    await untagRecords(store.db, a, ['r2']);
    expect(await taggedAmong(store.db, a, ['r1', 'r2'])).toEqual(new Set(['r1']));
    expect(await mailboxesTagging(store.db, 'contacts', 'r1', [a.mailboxId, b.mailboxId, 'other'])).toEqual(
      new Set([a.mailboxId, b.mailboxId]),
    );
    expect(await mailboxesTagging(store.db, 'contacts', 'r1', [])).toEqual(new Set());
  });

  it('name the tagged records not linked yet', async () => {
    const s = scope();
    await tagRecords(store.db, s, ['linked', 'waiting'], new Date());
    await insertLinks(
      store.db,
      s,
      [
        {
          recordId: 'linked',
          folderId: 'contacts',
          itemId: 'item-1',
          itemVersion: 'v1',
          recordVersion: 1,
          state: 'linked',
          origin: 'export',
          snapshot: {},
          fingerprint: null,
          intentJournalVersion: null,
          intentPosition: null,
        },
      ],
      new Date(),
    );
    expect(await taggedNotLinked(store.db, s)).toEqual(['waiting']);
  });
});
