// The embedded job runner: a queue in memory, timers for delays and schedules. Jobs do not
// survive a restart, which is fine for sync: every sync job is re-derivable from the mailbox's
// schedule and its stored cursors, and the engine resumes from those.
import { randomUUID } from 'node:crypto';
import type { Job, JobEvents, JobHandler, JobQueue, SendOptions } from './queue.ts';

interface Pending {
  job: Omit<Job, 'signal' | 'attempt'>;
  key?: string;
  attempt: number;
  retryLimit: number;
  retryDelayMs: number;
  notBefore: number;
}

interface Worker {
  handler: JobHandler<unknown>;
  concurrency: number;
  running: number;
}

export class InProcessQueue implements JobQueue {
  private readonly workers = new Map<string, Worker>();
  private readonly waiting: Pending[] = [];
  // A key may have one job waiting and one running: a change that arrives during a sync gets
  // a follow-up run, and any number of further sends collapse into that one.
  private readonly waitingKeys = new Set<string>();
  private readonly runningKeys = new Set<string>();
  private readonly running = new Set<Promise<void>>();
  private readonly schedules = new Map<string, NodeJS.Timeout>();
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private stopping = false;
  private readonly events: JobEvents;
  private readonly now: () => number;

  constructor(options: JobEvents & { now?: () => number } = {}) {
    this.events = options;
    this.now = options.now ?? Date.now;
  }

  work<T>(name: string, handler: JobHandler<T>, options: { concurrency?: number } = {}): void {
    this.workers.set(name, {
      handler: handler as JobHandler<unknown>,
      concurrency: Math.max(1, options.concurrency ?? 1),
      running: 0,
    });
    this.pump();
  }

  async send<T>(name: string, data: T, options: SendOptions = {}): Promise<string | null> {
    if (this.stopping) throw new Error('The job queue is stopping; the job was not queued.');
    if (options.key !== undefined && this.waitingKeys.has(options.key)) return null;
    const id = randomUUID();
    if (options.key !== undefined) this.waitingKeys.add(options.key);
    this.waiting.push({
      job: { id, name, data },
      key: options.key,
      attempt: 1,
      retryLimit: options.retryLimit ?? 3,
      retryDelayMs: options.retryDelayMs ?? 1000,
      notBefore: this.now() + (options.delayMs ?? 0),
    });
    this.pump();
    return id;
  }

  async schedule<T>(key: string, name: string, everyMs: number, data: T): Promise<void> {
    await this.unschedule(key);
    const timer = setInterval(() => {
      // A run still going when the next is due is not doubled: the key is taken.
      void this.send(name, data, { key }).catch(() => {});
    }, everyMs);
    timer.unref();
    this.schedules.set(key, timer);
  }

  async unschedule(key: string): Promise<void> {
    const timer = this.schedules.get(key);
    if (timer) clearInterval(timer);
    this.schedules.delete(key);
  }

  async start(): Promise<void> {
    this.started = true;
    this.pump();
  }

  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    for (const timer of this.schedules.values()) clearInterval(timer);
    this.schedules.clear();
    if (this.timer) clearTimeout(this.timer);
    const grace = setTimeout(() => this.controller.abort(), graceMs);
    await Promise.allSettled([...this.running]);
    clearTimeout(grace);
  }

  /** Jobs waiting (for tests and status). */
  get size(): number {
    return this.waiting.length;
  }

  private pump(): void {
    if (!this.started || this.stopping) return;
    const now = this.now();
    let nextDue = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.waiting.length; ) {
      const pending = this.waiting[i];
      const worker = this.workers.get(pending.job.name);
      const blockedByKey = pending.key !== undefined && this.runningKeys.has(pending.key);
      if (pending.notBefore > now) {
        nextDue = Math.min(nextDue, pending.notBefore);
        i++;
      } else if (!worker || worker.running >= worker.concurrency || blockedByKey) {
        i++;
      } else {
        this.waiting.splice(i, 1);
        this.execute(pending, worker);
      }
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (nextDue !== Number.POSITIVE_INFINITY) {
      this.timer = setTimeout(() => this.pump(), Math.max(0, nextDue - now));
      this.timer.unref();
    }
  }

  private execute(pending: Pending, worker: Worker): void {
    worker.running++;
    if (pending.key !== undefined) {
      this.waitingKeys.delete(pending.key);
      this.runningKeys.add(pending.key);
    }
    const job: Job = { ...pending.job, attempt: pending.attempt, signal: this.controller.signal };
    const started = this.now();
    const run = (async () => {
      try {
        await worker.handler(job);
        this.events.onCompleted?.(job, this.now() - started);
      } catch (error) {
        // A retry is not needed when a newer run of the same key is already waiting.
        const superseded = pending.key !== undefined && this.waitingKeys.has(pending.key);
        const willRetry = pending.attempt <= pending.retryLimit && !this.stopping && !superseded;
        this.events.onFailed?.(job, error, willRetry);
        if (willRetry) {
          if (pending.key !== undefined) this.waitingKeys.add(pending.key);
          this.waiting.push({
            ...pending,
            attempt: pending.attempt + 1,
            notBefore: this.now() + pending.retryDelayMs * 2 ** (pending.attempt - 1),
          });
        }
      } finally {
        if (pending.key !== undefined) this.runningKeys.delete(pending.key);
        worker.running--;
      }
    })();
    this.running.add(run);
    void run.finally(() => {
      this.running.delete(run);
      this.pump();
    });
  }
}
