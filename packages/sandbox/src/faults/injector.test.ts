import { describe, expect, it } from 'vitest';
import { RuleBasedFaults } from './injector.ts';

const probe = { protocol: 'graph' as const, operation: 'contacts.delta', mailboxId: 'm1', tenantId: 't1' };

describe('fault rules', () => {
  it('applies a scripted rule to the next N matching requests only', () => {
    const faults = new RuleBasedFaults();
    faults.add({
      id: 'x',
      operation: 'contacts.*',
      fault: { kind: 'throttle', retryAfterMs: 2000 },
      times: 2,
    });
    expect(faults.pick({ ...probe, operation: 'events.delta' })).toEqual([]);
    expect(faults.pick(probe)).toEqual([{ kind: 'throttle', retryAfterMs: 2000 }]);
    expect(faults.pick(probe)).toHaveLength(1);
    expect(faults.pick(probe)).toEqual([]);
    expect(faults.list()[0]).toMatchObject({ id: 'x', times: 0, applied: 2 });
  });

  it('applies by rate with a seeded sequence that repeats', () => {
    const run = () => {
      const faults = new RuleBasedFaults();
      faults.add({
        id: 'r',
        protocol: 'graph',
        fault: { kind: 'serverError', status: 503 },
        rate: 0.25,
        seed: 42,
      });
      return Array.from({ length: 400 }, () => faults.pick(probe).length);
    };
    const first = run();
    expect(run()).toEqual(first);
    const hits = first.reduce((a, b) => a + b, 0);
    expect(hits).toBeGreaterThan(60);
    expect(hits).toBeLessThan(140);
  });

  it('orders latency before at most one failure, and matches by mailbox and protocol', () => {
    const faults = new RuleBasedFaults();
    faults.add({ id: 'slow', fault: { kind: 'latency', ms: 5 } });
    faults.add({ id: 'a', mailboxId: 'm1', fault: { kind: 'drop' } });
    faults.add({ id: 'b', fault: { kind: 'concurrency' } });
    faults.add({ id: 'ews', protocol: 'ews', fault: { kind: 'expireSyncState' } });
    expect(faults.pick(probe)).toEqual([{ kind: 'latency', ms: 5 }, { kind: 'drop' }]);
    expect(faults.pick({ ...probe, mailboxId: 'm2' })).toEqual([
      { kind: 'latency', ms: 5 },
      { kind: 'concurrency' },
    ]);
    expect(faults.remove('slow')).toBe(true);
    expect(faults.remove('slow')).toBe(false);
    faults.clear();
    expect(faults.pick(probe)).toEqual([]);
    expect(() => faults.add({ fault: { kind: 'latency', ms: 1 }, rate: 2 })).toThrow(/rate/);
  });
});
