import { describe, expect, it } from 'vitest';
import { plainLocal, toIana, toWindows, utcToZoned, zonedToUtc } from './time.ts';

describe('time zones', () => {
  it('converts Windows zone names to IANA and back', () => {
    expect(toIana('W. Europe Standard Time')).toBe('Europe/Berlin');
    expect(toIana('Pacific Standard Time')).toBe('America/Los_Angeles');
    expect(toIana('Europe/Paris')).toBe('Europe/Paris');
    expect(toIana('UTC')).toBe('UTC');
    expect(toWindows('Europe/Berlin')).toBe('W. Europe Standard Time');
    expect(toWindows('UTC')).toBe('UTC');
  });
  it('converts wall-clock times, also across daylight saving', () => {
    expect(zonedToUtc('2024-07-01T10:00:00', 'Europe/Berlin')).toBe('2024-07-01T08:00:00Z');
    expect(zonedToUtc('2024-01-01T10:00:00', 'Europe/Berlin')).toBe('2024-01-01T09:00:00Z');
    expect(utcToZoned('2024-03-31T01:30:00Z', 'Europe/Berlin')).toBe('2024-03-31T03:30:00');
    expect(plainLocal('2024-01-02T10:00:00.0000000')).toBe('2024-01-02T10:00:00');
  });
});
