import { describe, expect, it, vi } from 'vitest';
import { ConnectorError } from '../errors.ts';
import { EwsTransport } from '../ews/transport.ts';
import { GraphClient } from '../graph/client.ts';
import { isPrivateAddress } from './address-guard.ts';
import { HttpClient } from './http.ts';
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
    ['::ffff:7f00:1', true],
    // Broadcast, multicast, shared, reserved and documentation ranges.
    ['255.255.255.255', true],
    ['224.0.0.251', true],
    ['239.255.255.250', true],
    ['100.64.0.1', true],
    ['240.0.0.1', true],
    ['192.0.2.10', true],
    ['0.0.0.0', true],
    // IPv6 multicast, site-local, unspecified, documentation.
    ['ff02::1', true],
    ['ff05::2', true],
    ['fec0::1', true],
    ['::', true],
    ['2001:db8::1', true],
    // IPv4 inside IPv6: judged by the IPv4 address.
    ['64:ff9b::7f00:1', true], // NAT64 of 127.0.0.1
    ['64:ff9b::a9fe:a9fe', true], // NAT64 of 169.254.169.254
    ['64:ff9b::808:808', false], // NAT64 of 8.8.8.8
    ['64:ff9b:1::a00:1', true], // local-use NAT64
    ['2002:7f00:1::', true], // 6to4 of 127.0.0.1
    ['2002:c0a8:101::1', true], // 6to4 of 192.168.1.1
    ['2002:808:808::1', false], // 6to4 of 8.8.8.8
    ['::127.0.0.1', true], // IPv4-compatible
    ['::10.0.0.1', true],
    ['::ffff:0:a00:1', true], // IPv4-translated 10.0.0.1
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', true], // Teredo
    ['not an address', true],
    ['8.8.8.8', false],
    ['::ffff:8.8.8.8', false],
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

  it('lets a paused key go on when its timer fires before the wall clock says the pause is over', async () => {
    vi.useFakeTimers();
    try {
      const limiter = new KeyedLimiter(1);
      const start = Date.now();
      limiter.pause('k', start + 100);
      let ran = false;
      const done = limiter.run('k', 1, async () => {
        ran = true;
      });
      // The timer fires at 100 ms while the wall clock still says 99.
      const now = vi.spyOn(Date, 'now').mockReturnValue(start + 99);
      await vi.advanceTimersByTimeAsync(100);
      now.mockRestore();
      expect(ran).toBe(false);
      await vi.advanceTimersByTimeAsync(10);
      await done;
      expect(ran).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
  it('lets a waiting request go when its signal aborts: it never runs, and the key serves the others', async () => {
    const limiter = new KeyedLimiter(2);
    // A key paused for the longest wait a server can impose, a request of a stopped run behind it.
    limiter.pause('k', Date.now() + 15 * 60_000);
    const run = new AbortController();
    let ran = false;
    const waiting = limiter.run(
      'k',
      2,
      async () => {
        ran = true;
      },
      run.signal,
    );
    const stopped = new Error('run stopped');
    run.abort(stopped);
    await expect(waiting).rejects.toBe(stopped);
    // Aborted before it asked: refused at once.
    await expect(limiter.run('k', 1, async () => 1, run.signal)).rejects.toBe(stopped);
    expect(ran).toBe(false);
    // A heavy waiter that leaves the head no longer holds back the lighter ones behind it.
    const other = new KeyedLimiter(2);
    let release!: () => void;
    const holding = other.run('m', 1, () => new Promise<void>((r) => (release = r)));
    const heavy = new AbortController();
    const heavyWait = other.run('m', 2, async () => 'heavy', heavy.signal);
    const light = other.run('m', 1, async () => 'light');
    heavy.abort(stopped);
    await expect(heavyWait).rejects.toBe(stopped);
    expect(await light).toBe('light');
    release();
    await holding;
    expect(other.inFlight('m')).toBe(0);
  });

  it("a connector's request waiting behind a paused mailbox ends when the run's signal aborts (Graph and EWS)", async () => {
    const run = new AbortController();
    const http = new HttpClient({ signal: run.signal });
    const sent: string[] = [];
    http.send = async (request) => {
      sent.push(request.url);
      throw new Error('no request may be sent');
    };
    const limiter = new KeyedLimiter(4);
    limiter.pause('mailbox', Date.now() + 15 * 60_000);
    const graph = new GraphClient({
      http,
      tokens: { accessToken: async () => 'token' },
      baseUrl: 'https://graph.example.test/v1.0',
      mailboxKey: 'mailbox',
      limiter,
    });
    const ews = new EwsTransport({
      http,
      url: 'https://mail.example.test/EWS/Exchange.asmx',
      auth: { kind: 'basic', login: 'ada', password: 'secret' },
      mailboxKey: 'mailbox',
      accountKey: 'account',
      mailboxLimiter: limiter,
      accountLimiter: new KeyedLimiter(10),
    });
    const single = graph.request({ method: 'GET', path: '/me/events' });
    const batch = graph.batch([{ method: 'GET', path: '/me/events/1' }]);
    const call = ews.call('GetItem', '<m:GetItem/>');
    const stopped = new Error('run stopped');
    run.abort(stopped);
    await expect(single).rejects.toBe(stopped);
    await expect(batch).rejects.toBe(stopped);
    await expect(call).rejects.toBe(stopped);
    expect(sent).toEqual([]);
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
  it('sends a request that must not be made twice again only after a failure that shows it did nothing', async () => {
    const attempt = (error: ConnectorError) => {
      let n = 0;
      return withRetries(
        async () => {
          if (n++ === 0) throw error;
          return n;
        },
        { sleep: async () => {}, repeatable: false },
      );
    };
    // Refused before anything was done: sent again.
    expect(await attempt(new ConnectorError('throttled', 'busy', { retryAfterMs: 10 }))).toBe(2);
    expect(await attempt(new ConnectorError('transient', 'unavailable', { status: 503 }))).toBe(2);
    expect(await attempt(new ConnectorError('transient', 'refused', { network: 'refused' }))).toBe(2);
    // May have been carried out: the error goes back to the caller.
    for (const error of [
      new ConnectorError('transient', 'dropped', { network: 'dropped' }),
      new ConnectorError('transient', 'timeout', { network: 'timeout' }),
      new ConnectorError('transient', 'server error', { status: 500 }),
      new ConnectorError('transient', 'aborted'),
    ])
      await expect(attempt(error)).rejects.toBe(error);
  });
});
