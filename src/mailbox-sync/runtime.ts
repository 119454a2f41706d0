// Sync running for real mailboxes (SPEC E3): the engine over the mailbox source, the job queue
// with its sync worker, and automatic sync — every syncable mailbox whose settings have it on is
// scheduled at its interval; settings changes reschedule; a mailbox that may no longer sync
// (disconnected, user deselected or deactivated) is unscheduled when its job is refused or when
// the schedules are next checked.
import { randomUUID } from 'node:crypto';
import type { Crm } from '../crm/index.ts';
import { InProcessQueue } from '../jobs/in-process.ts';
import type { JobQueue } from '../jobs/queue.ts';
import type { MailboxDomain } from '../mailboxes/index.ts';
import { contactsEntity } from '../sync/contacts/entity.ts';
import { type RunResult, SyncEngine } from '../sync/engine.ts';
import { SYNC_JOB, type SyncJobData, scheduleMailboxSync, syncNow } from '../sync/schedule.ts';
import type { RunRecord } from '../sync/state-store.ts';
import { assertSyncable } from './eligibility.ts';
import { isSyncError, SyncError } from './errors.ts';
import { SyncPolicyStore } from './policy.ts';
import { contactEngineSettings, SYNC_ENTITIES, type SyncEntity } from './settings.ts';
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
  const engine = new SyncEngine({
    crm,
    source,
    entities: [contactsEntity],
    owner: `exsync-${randomUUID()}`,
    now,
  });
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
      await assertSyncable(crm.store.db, mailboxId, new Date('9999-12-31T00:00:00Z'));
    } catch (error) {
      if (!isSyncError(error)) throw error;
      await unschedule(mailboxId);
      return;
    }
    const view = await settings.read(mailboxId);
    const before = scheduled.get(mailboxId);
    const entities = new Map<SyncEntity, number>();
    for (const entity of SYNC_ENTITIES) {
      const s = contactEngineSettings(view[entity]);
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

  queue.work<SyncJobData>(
    SYNC_JOB,
    async (job) => {
      const { mailboxId, entity, trigger } = job.data;
      let result: RunResult;
      try {
        result = await engine.syncMailbox(mailboxId, entity, trigger);
      } catch (error) {
        if (!isSyncError(error)) throw error;
        // Refused (disconnected, deselected, …): no retry, and no more automatic runs.
        log?.info({ mailboxId, entity, code: error.code }, 'sync refused');
        await unschedule(mailboxId);
        for (const notify of finished) notify(job.data, error);
        return;
      }
      for (const notify of finished) notify(job.data, result);
      if (result.status === 'failed')
        log?.warn({ mailboxId, entity, runId: result.runId, error: result.error }, 'sync run failed');
    },
    { concurrency: options.concurrency ?? 4 },
  );

  async function runRecord(mailboxId: string, entity: string, runId: string): Promise<RunRecord> {
    const runs = await engine.store(mailboxId, entity).runs(20);
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
      await reconcile().catch((error: unknown) =>
        log?.warn({ err: error }, 'checking sync schedules failed'),
      );
      reconcileTimer = setInterval(() => {
        reconcile().catch((error: unknown) => log?.warn({ err: error }, 'checking sync schedules failed'));
      }, options.reconcileEveryMs ?? 60_000);
      reconcileTimer.unref();
    },

    /** Stops scheduling and waits for runs in progress. */
    async stop(graceMs?: number): Promise<void> {
      started = false;
      if (reconcileTimer) clearInterval(reconcileTimer);
      for (const id of [...scheduled.keys()]) await unschedule(id);
      await queue.stop(graceMs);
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
      return syncNow(queue, mailboxId, name);
    },

    /** One run in the foreground (CLI, `?wait=true`): the run record, or a SyncError. */
    async runNow(mailboxId: string, entity: string, trigger = 'manual'): Promise<RunRecord> {
      const name = assertEntity(entity);
      const result = await engine.syncMailbox(mailboxId, name, trigger);
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
