// Owner of `sync_runs`: the record of each sync run (when, why, how it ended, what it did). A run
// is started, its counts saved as it goes, and finished; a run still marked running when the
// next one starts was killed, and is marked abandoned then.
import { newId } from '../../crm/ids.ts';
import { chunk } from '../../crm/rows.ts';
import type { SyncRunsTable } from '../../db/schema.ts';
import type { RunCounts, RunError, RunStatus, SkippedEntry } from '../types.ts';
import type { Db, SyncScope } from './scope.ts';

export interface RunRecord {
  id: string;
  mailboxId: string;
  entity: string;
  trigger: string;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  counts: RunCounts;
  conflicts: number;
  skipped: SkippedEntry[];
  errors: RunError[];
  exchangeRequests: number | null;
}

export function emptyCounts(): RunCounts {
  const zero = () => ({ created: 0, updated: 0, deleted: 0, unlinked: 0 });
  return { import: zero(), export: zero() };
}

/** Records a run as running; a run of the scope still marked running was killed, and is over. */
export async function startRun(db: Db, scope: SyncScope, trigger: string, now: Date): Promise<string> {
  const id = newId(now.getTime());
  await db
    .updateTable('sync_runs')
    .set({ status: 'abandoned', finished_at: now.toISOString() })
    .where('mailbox_id', '=', scope.mailboxId)
    .where('entity', '=', scope.entity)
    .where('status', '=', 'running')
    .execute();
  await db
    .insertInto('sync_runs')
    .values({
      id,
      mailbox_id: scope.mailboxId,
      entity: scope.entity,
      trigger,
      status: 'running',
      started_at: now.toISOString(),
      finished_at: null,
      duration_ms: null,
      counts: JSON.stringify(emptyCounts()),
      conflicts: 0,
      skipped: '[]',
      errors: '[]',
      exchange_requests: null,
    })
    .execute();
  return id;
}

/** The counts so far of a run in progress, saved after each page it applied. */
export async function saveRunProgress(
  db: Db,
  runId: string,
  tally: { counts: RunCounts; conflicts: number },
): Promise<void> {
  await db
    .updateTable('sync_runs')
    .set({ counts: JSON.stringify(tally.counts), conflicts: tally.conflicts })
    .where('id', '=', runId)
    .where('status', '=', 'running')
    .execute();
}

/** A record lists so many skipped values and errors and says how many more there were. */
const LISTED_IN_RECORD = 1000;

export interface RunOutcome {
  status: RunStatus;
  counts: RunCounts;
  conflicts: number;
  skipped: SkippedEntry[];
  errors: RunError[];
  /** Entries the run only counted, beyond those it listed (see RunTally). */
  beyondListed?: { skipped: number; errors: number };
  startedAt: Date;
  exchangeRequests?: number;
}

/** Records how a run ended; `now` and the run's `startedAt` come from the same clock. */
export async function finishRun(db: Db, runId: string, outcome: RunOutcome, now: Date): Promise<void> {
  const more = (list: unknown[], counted = 0) => Math.max(0, list.length - LISTED_IN_RECORD) + counted;
  const skipped: SkippedEntry[] = outcome.skipped.slice(0, LISTED_IN_RECORD);
  const moreSkipped = more(outcome.skipped, outcome.beyondListed?.skipped);
  if (moreSkipped > 0)
    skipped.push({
      ref: 'run',
      reason: `${moreSkipped} more skipped values are not listed here; a run lists the first ${LISTED_IN_RECORD}.`,
    });
  const errors: RunError[] = outcome.errors.slice(0, LISTED_IN_RECORD);
  const moreErrors = more(outcome.errors, outcome.beyondListed?.errors);
  if (moreErrors > 0)
    errors.push({
      ref: 'run',
      code: 'not_listed',
      message: `${moreErrors} more errors are not listed here; a run lists the first ${LISTED_IN_RECORD}.`,
    });
  await db
    .updateTable('sync_runs')
    .set({
      status: outcome.status,
      finished_at: now.toISOString(),
      duration_ms: now.getTime() - outcome.startedAt.getTime(),
      counts: JSON.stringify(outcome.counts),
      conflicts: outcome.conflicts,
      skipped: JSON.stringify(skipped),
      errors: JSON.stringify(errors),
      exchange_requests: outcome.exchangeRequests ?? null,
    })
    .where('id', '=', runId)
    .execute();
}

/** The scope's latest runs, newest first. */
export async function latestRuns(db: Db, scope: SyncScope, limit = 50): Promise<RunRecord[]> {
  const rows = await db
    .selectFrom('sync_runs')
    .selectAll()
    .where('mailbox_id', '=', scope.mailboxId)
    .where('entity', '=', scope.entity)
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(fromRow);
}

/** The latest run of each entity in each of these mailboxes (one query for all of them). */
export async function latestRunPerEntity(db: Db, mailboxIds: string[]): Promise<RunRecord[]> {
  if (mailboxIds.length === 0) return [];
  const out = new Map<string, RunRecord>();
  for (const part of chunk(mailboxIds, 500)) {
    const rows = await db
      .selectFrom('sync_runs as r')
      .selectAll('r')
      .where('r.mailbox_id', 'in', part)
      .where('r.started_at', '=', (eb) =>
        eb
          .selectFrom('sync_runs as s')
          .select((s) => s.fn.max('s.started_at').as('latest'))
          .whereRef('s.mailbox_id', '=', 'r.mailbox_id')
          .whereRef('s.entity', '=', 'r.entity'),
      )
      .orderBy('r.id', 'desc')
      .execute();
    // Two runs started at the same instant: the one with the larger id, as latestRuns orders them.
    for (const row of rows) {
      const key = `${row.mailbox_id}\u0000${row.entity}`;
      if (!out.has(key)) out.set(key, fromRow(row));
    }
  }
  return [...out.values()];
}

function fromRow(r: SyncRunsTable): RunRecord {
  return {
    id: r.id,
    mailboxId: r.mailbox_id,
    entity: r.entity,
    trigger: r.trigger,
    status: r.status,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
    counts: JSON.parse(r.counts) as RunCounts,
    conflicts: Number(r.conflicts),
    skipped: JSON.parse(r.skipped) as SkippedEntry[],
    errors: JSON.parse(r.errors) as RunError[],
    exchangeRequests: r.exchange_requests === null ? null : Number(r.exchange_requests),
  };
}

/** What a run that started in [from, to) in one of these mailboxes did, for activity charts. */
export async function runsStartedBetween(
  db: Db,
  mailboxIds: string[],
  entity: string,
  from: Date,
  to: Date,
): Promise<
  Array<{
    startedAt: string;
    status: RunStatus;
    counts: RunCounts;
    conflicts: number;
    skipped: number;
    errors: number;
  }>
> {
  if (mailboxIds.length === 0) return [];
  const rows = await db
    .selectFrom('sync_runs')
    .select(['started_at', 'status', 'counts', 'conflicts', 'skipped', 'errors'])
    .where('mailbox_id', 'in', mailboxIds)
    .where('entity', '=', entity)
    .where('started_at', '>=', from.toISOString())
    .where('started_at', '<', to.toISOString())
    .execute();
  return rows.map((r) => ({
    startedAt: r.started_at,
    status: r.status,
    counts: JSON.parse(r.counts) as RunCounts,
    conflicts: Number(r.conflicts),
    skipped: (JSON.parse(r.skipped) as SkippedEntry[]).length,
    errors: (JSON.parse(r.errors) as RunError[]).length,
  }));
}
