// Sync running for real mailboxes (SPEC E3): the engine over the mailbox source, the job queue
// with its sync worker, and automatic sync — every syncable mailbox whose settings have it on is
// scheduled at its interval; settings changes reschedule; a mailbox that may no longer sync
// (disconnected, user deselected or deactivated) is unscheduled when its job is refused or when
// the schedules are next checked. A failed run is retried with back-off; a run asked for is kept
// with the mailbox's sync state until one starts, so a restart queues it again; and a new start
// frees the leases its dead predecessor on this host left behind.
import type { Crm } from '../crm/index.ts';
import { InProcessQueue } from '../jobs/in-process.ts';
import type { JobQueue } from '../jobs/queue.ts';
import type { MailboxDomain } from '../mailboxes/index.ts';
import { findMailboxRow } from '../mailboxes/mailbox-rows.ts';
import { meetingsEntity } from '../sync/activities/entity.ts';
import { tasksEntity } from '../sync/activities/tasks-entity.ts';
import { contactsEntity } from '../sync/contacts/entity.ts';
import { type RunResult, SyncEngine } from '../sync/engine.ts';
import { isDeadPredecessor, processAlive, processLeaseOwner } from '../sync/lease.ts';
import { SYNC_JOB, type SyncJobData, scheduleMailboxSync, syncNow } from '../sync/schedule.ts';
import { latestRuns, type RunRecord } from '../sync/store/runs.ts';
import {
  clearRunRequest,
  leaseOwners,
  releaseLeasesOf,
  requestedRuns,
  requestRun,
} from '../sync/store/states.ts';
import { assertSyncable } from './eligibility.ts';
import { isSyncError, SyncError } from './errors.ts';
import { SyncPolicyStore } from './policy.ts';
import { engineSettings, SYNC_ENTITIES, type SyncEntity } from './settings.ts';
import { SyncSettingsStore } from './settings-store.ts';
import { DomainMailboxSource } from './source.ts';

export interface SyncLog {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface MailboxSyncOptions {
  crm: Crm;
  domain: MailboxDomain;
  /** The embedded in-process queue when absent. */
  queue?: JobQueue;
  log?: SyncLog;
  now?: () => Date;
  /** How long an interval "minute" lasts; tests shorten it to see automatic sync happen. */
  minuteMs?: number;
  /** How often schedules are checked against mailboxes and settings (default one minute). */
  reconcileEveryMs?: number;
  /** Sync jobs run at once in this process (default 4). */
  concurrency?: number;
  /** The first retry of a failed run waits this long (default one minute), doubling to 30 minutes. */
  retryBaseMs?: number;
  /** The lease owner of this process (default: host, pid and a fresh instance id). */
  owner?: string;
  /** Engine limits (tests shorten them). */
  engine?: { leaseMs?: number; maxRunMs?: number; maxPages?: number };
}

/** Longest wait before retrying a failed run. */
const MAX_RETRY_DELAY_MS = 30 * 60_000;

/** The wait before retrying after `failures` failed runs in a row: base, 2×base, 4×base, … 30 min. */
export function retryDelay(failures: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, failures - 1), MAX_RETRY_DELAY_MS);
}

export function isSyncEntity(entity: string): entity is SyncEntity {
  return (SYNC_ENTITIES as readonly string[]).includes(entity);
}

export function assertEntity(entity: string): SyncEntity {
  if (!isSyncEntity(entity))
    throw new SyncError(
      'unknown_entity',
      `Exsync does not sync "${entity}" yet; use one of ${SYNC_ENTITIES.join(', ')}.`,
    );
  return entity;
}

export function createMailboxSync(options: MailboxSyncOptions) {
  const { crm, domain, log } = options;
  const now = options.now ?? (() => new Date());
  const queue = options.queue ?? new InProcessQueue();
  const settings = new SyncSettingsStore(crm.store.db);
  const policy = new SyncPolicyStore(crm.store.db);
  const source = new DomainMailboxSource({ domain, crm, settings, policy, now });
  const owner = options.owner ?? processLeaseOwner();
  const engine = new SyncEngine({
    crm,
    source,
    entities: [contactsEntity, meetingsEntity, tasksEntity],
    owner,
    now,
    ...options.engine,
  });
  const retryBaseMs = options.retryBaseMs ?? 60_000;
  /** Aborts runs in the foreground (CLI, `?wait=true`) when the server stops. */
  const shutdown = new AbortController();
  const foreground = new Set<Promise<unknown>>();
  const minuteMs = options.minuteMs ?? 60_000;
  // The engine's scheduler counts in real minutes; a shorter minute scales its interval.
  const scaled: JobQueue =
    minuteMs === 60_000
      ? queue
      : {
          work: (name, handler, o) => queue.work(name, handler, o),
          send: (name, data, o) => queue.send(name, data, o),
          schedule: (key, name, everyMs, data) =>
            queue.schedule(key, name, (everyMs / 60_000) * minuteMs, data),
          unschedule: (key) => queue.unschedule(key),
          start: () => queue.start(),
          stop: (grace) => queue.stop(grace),
        };
  /** mailbox id → entity → interval in minutes it is scheduled at. */
  const scheduled = new Map<string, Map<SyncEntity, number>>();
  let reconcileTimer: NodeJS.Timeout | undefined;
  let started = false;
  /** Runs each finished job reported, for "sync now" callers that wait. */
  const finished = new Set<(data: SyncJobData, result: RunResult | SyncError) => void>();

  async function unschedule(mailboxId: string): Promise<void> {
    for (const entity of scheduled.get(mailboxId)?.keys() ?? [])
      await scheduleMailboxSync(scaled, mailboxId, entity, undefined);
    scheduled.delete(mailboxId);
  }

  /** Schedules (or unschedules) one mailbox from its current settings and eligibility. */
  async function reschedule(mailboxId: string): Promise<void> {
    if (!started) return;
    try {
      // Throttling only delays runs; it does not drop the schedule.
      await assertSyncable(crm.store.db, mailboxId, now(), { ignoreThrottling: true });
    } catch (error) {
      if (!isSyncError(error)) throw error;
      await unschedule(mailboxId);
      return;
    }
    const view = await settings.read(mailboxId);
    const before = scheduled.get(mailboxId);
    const entities = new Map<SyncEntity, number>();
    const all = engineSettings(view);
    for (const entity of SYNC_ENTITIES) {
      const s = all[entity];
      const wanted = s.autoSync && s.direction !== 'off' ? s.intervalMinutes : undefined;
      // Scheduling again restarts the interval: only do it when something changed.
      if (wanted !== before?.get(entity)) await scheduleMailboxSync(scaled, mailboxId, entity, s);
      if (wanted !== undefined) entities.set(entity, wanted);
    }
    if (entities.size > 0) scheduled.set(mailboxId, entities);
    else scheduled.delete(mailboxId);
  }

  /** Brings every schedule in line with mailboxes and settings. */
  async function reconcile(): Promise<void> {
    const wanted = new Set(await settings.withAutoSync());
    const syncable = new Set((await domain.mailboxes.syncable()).map((m) => m.id));
    for (const id of [...scheduled.keys()]) if (!wanted.has(id)) await unschedule(id);
    // Throttled mailboxes drop out of syncable() for a while; their schedule stays.
    for (const id of wanted) if (syncable.has(id) || scheduled.has(id)) await reschedule(id);
  }

  /**
   * A failed run is tried again, as its message promises: after a back-off that doubles with
   * each failed run in a row, and not before the end of a server's throttling. The retry is
   * kept with the sync state too, so a restart in between does not lose it.
   */
  async function retryLater(mailboxId: string, entity: SyncEntity, result: RunResult): Promise<void> {
    const scope = { mailboxId, entity };
    const recent = await latestRuns(crm.store.db, scope, 12);
    const firstOk = recent.findIndex((r) => r.status !== 'failed');
    const failures = firstOk === -1 ? recent.length : firstOk;
    let delayMs = retryDelay(failures, retryBaseMs);
    const row = await findMailboxRow(crm.store.db, mailboxId);
    if (row?.throttled_until)
      delayMs = Math.max(delayMs, Date.parse(row.throttled_until) - now().getTime() + 1_000);
    await requestRun(crm.store.db, scope, 'retry', new Date(now().getTime() + delayMs));
    log?.warn(
      { mailboxId, entity, runId: result.runId, error: result.error, retryInMs: delayMs },
      'sync run failed; it will be retried',
    );
    await syncNow(queue, mailboxId, entity, { trigger: 'retry', delayMs });
  }

  queue.work<SyncJobData>(
    SYNC_JOB,
    async (job) => {
      const { mailboxId, entity, trigger } = job.data;
      let result: RunResult;
      try {
        result = await engine.syncMailbox(mailboxId, entity, trigger, { signal: job.signal });
      } catch (error) {
        if (!isSyncError(error)) throw error;
        // Refused (disconnected, deselected, …): no retry, and no more automatic runs.
        log?.info({ mailboxId, entity, code: error.code }, 'sync refused');
        await clearRunRequest(crm.store.db, { mailboxId, entity });
        await unschedule(mailboxId);
        for (const notify of finished) notify(job.data, error);
        return;
      }
      for (const notify of finished) notify(job.data, result);
      // A lost lease means another worker syncs the mailbox now: it needs no retry from here.
      if (result.status === 'failed' && result.error?.code !== 'lease_lost' && !job.signal.aborted)
        await retryLater(mailboxId, assertEntity(entity), result);
    },
    { concurrency: options.concurrency ?? 4 },
  );

  /** Frees the leases of this host's dead predecessors: their runs are over. */
  async function releaseDeadLeases(): Promise<void> {
    for (const holder of await leaseOwners(crm.store.db))
      if (isDeadPredecessor(holder, owner, processAlive)) {
        const freed = await releaseLeasesOf(crm.store.db, holder);
        log?.info({ holder, freed }, 'freed the sync leases of a process that is gone');
      }
  }

  /** Queues again the runs asked for before this start (sync now, retries). */
  async function requeue(): Promise<void> {
    for (const request of await requestedRuns(crm.store.db)) {
      if (!isSyncEntity(request.entity)) continue;
      const delayMs = Math.max(0, Date.parse(request.at) - now().getTime());
      await syncNow(queue, request.mailboxId, request.entity, {
        trigger: request.trigger === 'retry' ? 'retry' : 'manual',
        delayMs,
      });
    }
  }

  /** Runs `work` as a foreground run: stopped with the server, and waited for. */
  async function inForeground<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const running = work(shutdown.signal);
    // What stop() waits for: the run's end, whether it succeeded or failed.
    const ended = running.catch(() => undefined);
    foreground.add(ended);
    try {
      return await running;
    } finally {
      foreground.delete(ended);
    }
  }

  async function runRecord(mailboxId: string, entity: string, runId: string): Promise<RunRecord> {
    const runs = await latestRuns(crm.store.db, { mailboxId, entity }, 20);
    const run = runs.find((r) => r.id === runId);
    if (!run) throw new Error(`run ${runId} was not recorded`);
    return run;
  }

  return {
    engine,
    queue,
    settings,
    policy,
    source,

    /** Starts the queue and automatic sync. */
    async start(): Promise<void> {
      if (started) return;
      started = true;
      await queue.start();
      // A database that is down now must not stop the server from starting; the timer retries.
      await releaseDeadLeases().catch((error: unknown) =>
        log?.warn({ err: error }, 'freeing the sync leases of a previous start failed'),
      );
      await requeue().catch((error: unknown) => log?.warn({ err: error }, 'queueing requested runs failed'));
      await reconcile().catch((error: unknown) =>
        log?.warn({ err: error }, 'checking sync schedules failed'),
      );
      reconcileTimer = setInterval(() => {
        reconcile().catch((error: unknown) => log?.warn({ err: error }, 'checking sync schedules failed'));
      }, options.reconcileEveryMs ?? 60_000);
      reconcileTimer.unref();
    },

    /**
     * Stops scheduling and waits for runs in progress; runs still going after `graceMs` (default
     * 10 s) are aborted, end as abandoned and are asked for again, so the database is never
     * closed under a run.
     */
    async stop(graceMs = 10_000): Promise<void> {
      started = false;
      if (reconcileTimer) clearInterval(reconcileTimer);
      for (const id of [...scheduled.keys()]) await unschedule(id);
      const grace = setTimeout(() => shutdown.abort(), graceMs);
      try {
        await Promise.all([queue.stop(graceMs), Promise.all([...foreground])]);
      } finally {
        clearTimeout(grace);
      }
    },

    reschedule,
    reconcile,
    /** Mailbox ids with automatic sync scheduled now. */
    scheduledMailboxes: () => [...scheduled.keys()],

    /** Listens to finished sync jobs; returns a function that stops listening. */
    onJobFinished(listener: (data: SyncJobData, result: RunResult | SyncError) => void): () => void {
      finished.add(listener);
      return () => finished.delete(listener);
    },

    /** "Sync now" through the queue: the job id, or null when one is already waiting. */
    async queueSync(mailboxId: string, entity: string): Promise<string | null> {
      const name = assertEntity(entity);
      await assertSyncable(crm.store.db, mailboxId, now());
      // Kept until a run starts, so that a restart before then does not drop it.
      await requestRun(crm.store.db, { mailboxId, entity: name }, 'manual', now());
      return syncNow(queue, mailboxId, name);
    },

    /** One run in the foreground (CLI, `?wait=true`): the run record, or a SyncError. */
    async runNow(mailboxId: string, entity: string, trigger = 'manual'): Promise<RunRecord> {
      const name = assertEntity(entity);
      const result = await inForeground((signal) => engine.syncMailbox(mailboxId, name, trigger, { signal }));
      if (result.status === 'off')
        throw new SyncError(
          'sync_off',
          `Sync of ${name} is off for this mailbox; set a direction in its sync settings first.`,
        );
      if (result.status === 'busy')
        throw new SyncError(
          'sync_busy',
          `A sync of ${name} for this mailbox is already running; its run appears in the history when done.`,
        );
      return runRecord(mailboxId, name, result.runId!);
    },
  };
}

export type MailboxSync = ReturnType<typeof createMailboxSync>;
