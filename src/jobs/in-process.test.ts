// The queue's timing (delays, back-off, schedules, runs that take a while) on fake timers: each
// test advances the clock itself, so it neither waits nor depends on how busy the machine is.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InProcessQueue } from './in-process.ts';

/** Lets the clock move on by `ms`, running due timers and the promises they settle. */
const advance = (ms = 0) => vi.advanceTimersByTimeAsync(ms);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('in-process job queue', () => {
  let queue: InProcessQueue | undefined;
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(async () => {
    const stopping = queue?.stop(100);
    await advance(100);
    await stopping;
    queue = undefined;
    vi.useRealTimers();
  });

  it('never runs two jobs of one key at once, and keeps one follow-up run', async () => {
    queue = new InProcessQueue();
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    queue.work(
      'sync',
      async () => {
        active++;
        runs++;
        maxActive = Math.max(maxActive, active);
        await gate;
        active--;
      },
      { concurrency: 4 },
    );
    await queue.start();
    expect(await queue.send('sync', {}, { key: 'mailbox-1' })).not.toBeNull();
    await advance();
    // While the first runs: one follow-up is queued, the rest collapse into it.
    expect(await queue.send('sync', {}, { key: 'mailbox-1' })).not.toBeNull();
    expect(await queue.send('sync', {}, { key: 'mailbox-1' })).toBeNull();
    expect(await queue.send('sync', {}, { key: 'mailbox-1' })).toBeNull();
    await advance(10);
    expect(runs).toBe(1);
    expect(queue.size).toBe(1);
    release();
    await advance();
    expect(runs).toBe(2);
    expect(maxActive).toBe(1);
  });

  it('runs different keys side by side up to the concurrency', async () => {
    queue = new InProcessQueue();
    let active = 0;
    let maxActive = 0;
    let done = 0;
    queue.work(
      'sync',
      async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        await sleep(20);
        active--;
        done++;
      },
      { concurrency: 2 },
    );
    await queue.start();
    for (let i = 0; i < 5; i++) await queue.send('sync', {}, { key: `m${i}` });
    await advance(19);
    expect(done).toBe(0);
    await advance(1);
    expect(done).toBe(2);
    await advance(40);
    expect(done).toBe(5);
    expect(maxActive).toBe(2);
  });

  it('retries a failed job with back-off, then gives up and reports it', async () => {
    const failures: boolean[] = [];
    const attemptsAt: number[] = [];
    const start = Date.now();
    queue = new InProcessQueue({ onFailed: (_job, _error, willRetry) => failures.push(willRetry) });
    queue.work('flaky', async (job) => {
      attemptsAt[job.attempt - 1] = Date.now() - start;
      throw new Error('boom');
    });
    await queue.start();
    await queue.send('flaky', {}, { retryLimit: 2, retryDelayMs: 5 });
    await advance(100);
    // The delay doubles: 5 ms after the first failure, 10 ms after the second.
    expect(attemptsAt).toEqual([0, 5, 15]);
    expect(failures).toEqual([true, true, false]);
  });

  it('runs a delayed job when it is due, not before', async () => {
    queue = new InProcessQueue();
    let ran = 0;
    queue.work('later', async () => {
      ran++;
    });
    await queue.start();
    await queue.send('later', {}, { delayMs: 60_000 });
    await advance(59_999);
    expect(ran).toBe(0);
    await advance(1);
    expect(ran).toBe(1);
  });

  it('sends a scheduled job at every interval and stops when unscheduled', async () => {
    queue = new InProcessQueue();
    let ran = 0;
    queue.work('tick', async () => {
      ran++;
    });
    await queue.start();
    await queue.schedule('every-minute', 'tick', 60_000, {});
    await advance(3 * 60_000);
    expect(ran).toBe(3);
    await queue.unschedule('every-minute');
    await advance(5 * 60_000);
    expect(ran).toBe(3);
  });

  it('waits for running jobs on stop and refuses new ones', async () => {
    queue = new InProcessQueue();
    let finished = false;
    queue.work('slow', async () => {
      await sleep(30);
      finished = true;
    });
    await queue.start();
    await queue.send('slow', {});
    await advance();
    let stopped = false;
    const stopping = queue.stop().then(() => {
      stopped = true;
    });
    await advance(29);
    expect(stopped).toBe(false);
    await advance(1);
    await stopping;
    expect(finished).toBe(true);
    await expect(queue.send('slow', {})).rejects.toThrow(/stopping/);
  });
});
