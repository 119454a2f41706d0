import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../errors.ts';
import { isPrivateAddress } from './address-guard.ts';
import { KeyedLimiter } from './limiter.ts';
import { withRetries } from './retry.ts';

describe('internal address guard', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.20.0.1', true],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['::1', true],
    ['fe80::1', true],
    ['fd00::1', true],
    ['::ffff:127.0.0.1', true],
    ['8.8.8.8', false],
    ['2606:4700::1111', false],
  ])('%s → %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });
});

describe('KeyedLimiter', () => {
  it('caps units in flight per key, weights counted, other keys unaffected', async () => {
    const limiter = new KeyedLimiter(4);
    let maxA = 0;
    limiter.onEvent((e) => {
      if (e.key === 'a') maxA = Math.max(maxA, e.inFlight);
    });
    const tick = () => new Promise((r) => setTimeout(r, 5));
    await Promise.all([
      ...Array.from({ length: 10 }, () => limiter.run('a', 1, tick)),
      limiter.run('a', 3, tick),
      limiter.run('b', 4, tick),
    ]);
    expect(maxA).toBe(4);
  });

  it('holds a paused key while others go on', async () => {
    const limiter = new KeyedLimiter(2);
    limiter.pause('slow', Date.now() + 150);
    const t0 = Date.now();
    const fast = limiter.run('fast', 1, async () => Date.now() - t0);
    const slow = limiter.run('slow', 1, async () => Date.now() - t0);
    expect(await fast).toBeLessThan(50);
    expect(await slow).toBeGreaterThanOrEqual(140);
  });
});

describe('withRetries', () => {
  it('waits retryAfterMs when throttled, then succeeds', async () => {
    const waits: number[] = [];
    let n = 0;
    const result = await withRetries(
      async () => {
        n++;
        if (n === 1) throw new ConnectorError('throttled', 'slow down', { retryAfterMs: 1234 });
        if (n === 2) throw new ConnectorError('transient', '503');
        return 'ok';
      },
      { sleep: async (ms) => void waits.push(ms), baseDelayMs: 100 },
    );
    expect(result).toBe('ok');
    expect(waits[0]).toBe(1234);
    expect(waits[1]).toBeGreaterThanOrEqual(50);
  });
  it('does not retry conflicts and gives up on waits beyond the cap', async () => {
    await expect(
      withRetries(async () => Promise.reject(new ConnectorError('conflict', 'x'))),
    ).rejects.toMatchObject({ code: 'conflict' });
    await expect(
      withRetries(
        async () => Promise.reject(new ConnectorError('throttled', 'x', { retryAfterMs: 120_000 })),
        { maxWaitMs: 1000 },
      ),
    ).rejects.toMatchObject({ code: 'throttled', retryAfterMs: 120_000 });
  });
});
