// The owner of sync_runs: a run's record from start to finish, on SQLite and, with
// EXSYNC_TEST_DB=postgres, on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, type TestStore } from '../../../test/support/db.ts';
import {
  emptyCounts,
  finishRun,
  latestRunPerEntity,
  latestRuns,
  runsStartedBetween,
  saveRunProgress,
  startRun,
} from './runs.ts';
import type { SyncScope } from './scope.ts';

const T0 = new Date('2026-12-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

let store: TestStore;
let mailbox = 0;
const scope = (): SyncScope => ({ mailboxId: `runs-mailbox-${mailbox++}`, entity: 'contacts' });
beforeAll(async () => {
  store = await createTestStore();
});
afterAll(async () => {
  await store?.destroy();
});

const succeeded = {
  status: 'succeeded' as const,
  counts: emptyCounts(),
  conflicts: 0,
  skipped: [],
  errors: [],
};

describe('run records', () => {
  it('take start, end and duration from the clock they are given', async () => {
    const s = scope();
    const runId = await startRun(store.db, s, 'manual', T0);
    await finishRun(store.db, runId, { ...succeeded, startedAt: T0 }, at(1234));
    const [run] = await latestRuns(store.db, s, 1);
    expect(run).toMatchObject({
      id: runId,
      status: 'succeeded',
      startedAt: T0.toISOString(),
      finishedAt: at(1234).toISOString(),
      durationMs: 1234,
    });
  });

  it('keep the counts saved while running; a run still running when the next starts is abandoned', async () => {
    const s = scope();
    const killed = await startRun(store.db, s, 'manual', T0);
    const counts = emptyCounts();
    counts.import.created = 3;
    await saveRunProgress(store.db, killed, { counts, conflicts: 1 });
    const next = await startRun(store.db, s, 'schedule', at(60_000));
    const [latest, before] = await latestRuns(store.db, s, 2);
    expect(latest).toMatchObject({ id: next, status: 'running', trigger: 'schedule' });
    expect(before).toMatchObject({
      id: killed,
      status: 'abandoned',
      finishedAt: at(60_000).toISOString(),
      conflicts: 1,
    });
    expect(before.counts.import.created).toBe(3);
    // A finished run's counts are no longer overwritten by progress.
    await finishRun(store.db, next, { ...succeeded, startedAt: at(60_000) }, at(61_000));
    await saveRunProgress(store.db, next, { counts, conflicts: 5 });
    expect((await latestRuns(store.db, s, 1))[0]).toMatchObject({ conflicts: 0 });
  });

  it('list the first 1000 skipped values and errors and say how many more there were', async () => {
    const s = scope();
    const startedAt = new Date();
    const runId = await startRun(store.db, s, 'manual', startedAt);
    const skipped = Array.from({ length: 1003 }, (_, i) => ({
      ref: `record r${i} emails`,
      reason: 'no room',
    }));
    const errors = Array.from({ length: 10 }, (_, i) => ({
      ref: `item i${i}`,
      code: 'crm_invalid',
      message: 'bad',
    }));
    await finishRun(
      store.db,
      runId,
      { ...succeeded, skipped, errors, beyondListed: { skipped: 4, errors: 0 }, startedAt },
      new Date(),
    );
    const [run] = await latestRuns(store.db, s, 1);
    expect(run.skipped).toHaveLength(1001);
    expect(run.skipped[999]).toEqual(skipped[999]);
    expect(run.skipped[1000]).toEqual({
      ref: 'run',
      reason: '7 more skipped values are not listed here; a run lists the first 1000.',
    });
    expect(run.errors).toEqual(errors);
  });

  it('are found by when they started, across mailboxes', async () => {
    const a = scope();
    const b = scope();
    await startRun(store.db, a, 'manual', at(10));
    await startRun(store.db, b, 'manual', at(20));
    await startRun(store.db, b, 'manual', at(30));
    const found = await runsStartedBetween(store.db, [a.mailboxId, b.mailboxId], 'contacts', at(10), at(30));
    expect(found.map((r) => r.startedAt).sort()).toEqual([at(10).toISOString(), at(20).toISOString()]);
    expect(await runsStartedBetween(store.db, [], 'contacts', at(0), at(100))).toEqual([]);
  });
});

describe('the latest run per entity', () => {
  it('is found for each mailbox and entity asked about, in one read', async () => {
    const a = scope();
    const b = scope();
    const meetings = { mailboxId: a.mailboxId, entity: 'meetings' };
    const old = await startRun(store.db, a, 'manual', T0);
    await finishRun(store.db, old, { ...succeeded, startedAt: T0 }, at(10));
    const newer = await startRun(store.db, a, 'schedule', at(1_000));
    const meeting = await startRun(store.db, meetings, 'manual', at(500));
    const other = await startRun(store.db, b, 'manual', at(2_000));
    const found = await latestRunPerEntity(store.db, [a.mailboxId]);
    expect(found.map((r) => [r.mailboxId, r.entity, r.id]).sort()).toEqual(
      [
        [a.mailboxId, 'contacts', newer],
        [a.mailboxId, 'meetings', meeting],
      ].sort(),
    );
    expect((await latestRunPerEntity(store.db, [b.mailboxId])).map((r) => r.id)).toEqual([other]);
    expect(await latestRunPerEntity(store.db, [])).toEqual([]);
  });
});
