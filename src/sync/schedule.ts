// When sync runs (E3): automatically at the mailbox's interval and on "sync now", through the
// job queue. Jobs are keyed by mailbox and entity, so a mailbox is never synced twice at once
// in this process; the state row's lease covers other processes.
import type { JobQueue } from '../jobs/queue.ts';
import type { SyncEngine } from './engine.ts';
import type { EntitySyncSettings } from './types.ts';

export const SYNC_JOB = 'sync.mailbox';

export interface SyncJobData {
  mailboxId: string;
  entity: string;
  trigger: 'schedule' | 'manual' | 'push' | 'retry';
}

export const keyOf = (mailboxId: string, entity: string) => `sync:${mailboxId}:${entity}`;

/** Runs sync jobs on this queue. */
export function registerSyncWorker(queue: JobQueue, engine: SyncEngine, concurrency = 4): void {
  queue.work<SyncJobData>(
    SYNC_JOB,
    async (job) => {
      const result = await engine.syncMailbox(job.data.mailboxId, job.data.entity, job.data.trigger);
      // `busy` (another worker holds the mailbox) needs no retry: the holder picks the changes up.
      if (result.status === 'failed') throw new Error(result.error?.message ?? 'sync failed');
    },
    { concurrency },
  );
}

/** Automatic sync at the mailbox's interval, or none when it is switched off. */
export async function scheduleMailboxSync(
  queue: JobQueue,
  mailboxId: string,
  entity: string,
  settings: Pick<EntitySyncSettings, 'autoSync' | 'intervalMinutes' | 'direction'> | undefined,
): Promise<void> {
  const key = keyOf(mailboxId, entity);
  if (!settings?.autoSync || settings.direction === 'off') {
    await queue.unschedule(key);
    return;
  }
  const data: SyncJobData = { mailboxId, entity, trigger: 'schedule' };
  await queue.schedule(key, SYNC_JOB, Math.max(1, settings.intervalMinutes) * 60_000, data);
}

/**
 * "Sync now" (or a retry, or a run asked for before a restart): queued, after `delayMs`; a second
 * request while one waits is folded into it.
 */
export function syncNow(
  queue: JobQueue,
  mailboxId: string,
  entity: string,
  options: { trigger?: SyncJobData['trigger']; delayMs?: number } = {},
): Promise<string | null> {
  const data: SyncJobData = { mailboxId, entity, trigger: options.trigger ?? 'manual' };
  return queue.send(SYNC_JOB, data, {
    key: keyOf(mailboxId, entity),
    retryLimit: 2,
    ...(options.delayMs ? { delayMs: options.delayMs } : {}),
  });
}
