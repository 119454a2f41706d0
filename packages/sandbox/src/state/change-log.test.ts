import { describe, expect, it } from 'vitest';
import { ChangeLog } from './change-log.ts';

describe('change log', () => {
  it('keeps one entry per key and compacts superseded ones', () => {
    const log = new ChangeLog();
    let seq = 0;
    for (let i = 0; i < 3000; i++) log.record(`k${i % 10}`, ++seq, 0, i < 10 ? 'create' : 'update');
    expect(log.size).toBe(10);
    const page = log.since(0, 100);
    expect(page.entries.map((e) => e.net)).toEqual(Array(10).fill('create'));
    expect(log.since(2995, 100).entries.map((e) => e.net)).toEqual(Array(5).fill('update'));
  });

  it('drops old tombstones and raises the horizon so older positions can be refused', () => {
    const log = new ChangeLog(4);
    let seq = 0;
    for (let i = 0; i < 10; i++) log.record(`k${i}`, ++seq, 0, 'create');
    const before = seq;
    for (let i = 0; i < 6; i++) log.record(`k${i}`, ++seq, 0, 'delete');
    expect(log.horizon).toBeGreaterThan(before);
    // From the start a full sync needs no tombstones: only the live keys remain.
    expect(log.since(0, 100).entries.map((e) => e.entry.key)).toEqual(['k6', 'k7', 'k8', 'k9']);
  });
});
