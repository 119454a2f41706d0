// The job queue the sync engine schedules its work on. Embedded mode runs jobs in this process
// (in-process.ts); scaled mode will put the same interface on a PostgreSQL queue so that any
// number of workers share the work. The one guarantee sync relies on: two jobs with the same
// `key` (a mailbox and entity) never run at the same time.

export interface Job<T = unknown> {
  id: string;
  name: string;
  data: T;
  /** 1 on the first try. */
  attempt: number;
  /** Aborted when the queue stops; long jobs should pass it down to their I/O. */
  signal: AbortSignal;
}

export interface SendOptions {
  /** At most one job with this key is queued or running; a second send while one waits is dropped. */
  key?: string;
  /** Do not start before this many milliseconds from now. */
  delayMs?: number;
  /** Tries after the first failure (default 3). */
  retryLimit?: number;
  /** Wait before the n-th retry: retryDelayMs * 2^(n-1) (default 1000). */
  retryDelayMs?: number;
}

export type JobHandler<T = unknown> = (job: Job<T>) => Promise<void>;

export interface JobQueue {
  /** Registers the handler for a job name; jobs of that name run at most `concurrency` at a time. */
  work<T>(name: string, handler: JobHandler<T>, options?: { concurrency?: number }): void;
  /** Queues a job; returns its id, or null when a job with the same key is already waiting. */
  send<T>(name: string, data: T, options?: SendOptions): Promise<string | null>;
  /** Runs `name` every `everyMs` with `data`, under `key`, until unscheduled. */
  schedule<T>(key: string, name: string, everyMs: number, data: T): Promise<void>;
  unschedule(key: string): Promise<void>;
  start(): Promise<void>;
  /** Stops taking jobs and waits for the running ones (aborting them after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

export interface JobEvents {
  onFailed?: (job: Job, error: unknown, willRetry: boolean) => void;
  onCompleted?: (job: Job, durationMs: number) => void;
}
