import { afterEach, describe, expect, it } from 'vitest';
import { InProcessQueue } from './in-process.ts';

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

describe('in-process job queue', () => {
  let queue: InProcessQueue;
  afterEach(async () => {
    await queue?.stop(100);
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
    await tick();
    // While the first runs: one follow-up is queued, the rest collapse into it.
    expect(await queue.send('sync', {}, { key: 'mailbox-1' })).not.toBeNull();
    expect(await queue.send('sync', {}, { key: 'mailbox-1' })).toBeNull();
    expect(await queue.send('sync', {}, { key: 'mailbox-1' })).toBeNull();
    await tick(10);
    expect(maxActive).toBe(1);
    release();
    await tick(20);
    expect(runs).toBe(2);
    expect(maxActive).toBe(1);
  });

  it('runs different keys side by side up to the concurrency', async () => {
    queue = new InProcessQueue();
    let active = 0;
    let maxActive = 0;
    queue.work(
      'sync',
      async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        await tick(20);
        active--;
      },
      { concurrency: 2 },
    );
    await queue.start();
    for (let i = 0; i < 5; i++) await queue.send('sync', {}, { key: `m${i}` });
    await tick(150);
    expect(maxActive).toBe(2);
  });

  it('retries a failed job with back-off, then gives up and reports it', async () => {
    const failures: boolean[] = [];
    queue = new InProcessQueue({ onFailed: (_job, _error, willRetry) => failures.push(willRetry) });
    let attempts = 0;
    queue.work('flaky', async (job) => {
      attempts = job.attempt;
      throw new Error('boom');
    });
    await queue.start();
    await queue.send('flaky', {}, { retryLimit: 2, retryDelayMs: 5 });
    await tick(100);
    expect(attempts).toBe(3);
    expect(failures).toEqual([true, true, false]);
  });

  it('waits for running jobs on stop and refuses new ones', async () => {
    queue = new InProcessQueue();
    let finished = false;
    queue.work('slow', async () => {
      await tick(30);
      finished = true;
    });
    await queue.start();
    await queue.send('slow', {});
    await tick();
    await queue.stop();
    expect(finished).toBe(true);
    await expect(queue.send('slow', {})).rejects.toThrow(/stopping/);
  });
});
