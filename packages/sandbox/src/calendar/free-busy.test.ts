import { describe, expect, it } from 'vitest';
import { statusPerInterval } from './free-busy.ts';

const T0 = Date.parse('2026-07-01T09:00:00Z');
const min = (n: number) => T0 + n * 60_000;

describe('free/busy per interval', () => {
  it('marks each interval with the strongest overlapping status, touching ends excluded', () => {
    const busy = [
      { start: min(0), end: min(30), showAs: 'tentative' as const },
      { start: min(15), end: min(45), showAs: 'busy' as const },
      { start: min(60), end: min(90), showAs: 'workingElsewhere' as const },
      { start: min(60), end: min(75), showAs: 'oof' as const },
      { start: min(120), end: min(150), showAs: 'unknown' as const },
    ];
    expect(statusPerInterval(busy, min(0), min(150), 30)).toEqual(['busy', 'busy', 'oof', 'free', 'free']);
  });

  it('cuts a window that is not a whole number of intervals with a last short one', () => {
    expect(
      statusPerInterval([{ start: min(40), end: min(41), showAs: 'busy' }], min(0), min(45), 30),
    ).toEqual(['free', 'busy']);
    expect(statusPerInterval([], min(0), min(0), 30)).toEqual([]);
  });
});
