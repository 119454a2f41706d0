// Many writers at once while a reader follows the journal the way the sync engine does: the
// reader must see every change exactly once and the versions must have no gaps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Change, createCrm } from '../src/crm/index.ts';
import { openStore, type Store } from '../src/db/database.ts';
import { type CrmFixture, setupCrm } from './support/crm-fixture.ts';

const WRITERS = 8;
const WRITES_PER_WRITER = 50;
// Every write takes the journal's one head row in turn, so on PostgreSQL the 400 commits run one
// after another, each a few round trips: about 15 s on a busy 2-core machine, and twice that
// while other test files run beside it. The test is about order, not speed.
const SERIALISED_WRITES_TIMEOUT = 120_000;

describe('change journal under concurrent writers', { timeout: SERIALISED_WRITES_TIMEOUT }, () => {
  let f: CrmFixture;
  let readerStore: Store;
  beforeAll(async () => {
    f = await setupCrm();
    // The reader has its own connection pool, as a sync worker in another process would.
    readerStore = openStore(f.store.url, f.store.schema ? { schema: f.store.schema, poolSize: 2 } : {});
  });
  afterAll(async () => {
    await readerStore?.close();
    await f?.close();
  });

  it('hands out contiguous versions and a following reader sees each change exactly once', async () => {
    const { crm, alice, bob } = f;
    const reader = createCrm(readerStore);
    const start = await crm.journal.headVersion();
    let writing = true;
    const seen: Change[] = [];

    const follow = async () => {
      let last = start;
      for (;;) {
        const done = !writing;
        const batch = await reader.journal.changesSince(last, 64);
        for (const change of batch) {
          // Every read continues exactly where the previous one stopped.
          expect(change.version).toBe(last + 1);
          last = change.version;
          seen.push(change);
        }
        if (batch.length === 0) {
          if (done) return;
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      }
    };

    const writer = async (n: number) => {
      const principal = n % 2 === 0 ? alice : bob;
      const written: string[] = [];
      for (let i = 0; i < WRITES_PER_WRITER; i++) {
        if (i % 10 === 9) {
          const batch = await crm.contacts.createMany(principal, [
            { displayName: `w${n}-${i}a` },
            { displayName: `w${n}-${i}b` },
          ]);
          written.push(...batch.map((c) => `create:${c.id}`));
        } else if (i % 3 === 2 && written.length > 0) {
          const id = written[written.length - 1].split(':')[1];
          await crm.contacts.update(principal, id, { jobTitle: `title ${n}-${i}` });
          written.push(`update:${id}`);
        } else {
          const contact = await crm.contacts.create(principal, { displayName: `w${n}-${i}` });
          written.push(`create:${contact.id}`);
        }
      }
      return written;
    };

    const readerDone = follow();
    const results = await Promise.all(Array.from({ length: WRITERS }, (_, n) => writer(n)));
    writing = false;
    await readerDone;

    const expected = results.flat();
    const head = await crm.journal.headVersion();
    expect(head - start).toBe(expected.length);
    expect(seen.map((c) => c.version)).toEqual(
      Array.from({ length: expected.length }, (_, i) => start + i + 1),
    );
    expect(seen.map((c) => `${c.operation}:${c.recordId}`).sort()).toEqual(expected.sort());
  });
});
