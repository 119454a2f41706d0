import { describe, expect, it } from 'vitest';
import { parseDateTime } from './datetime.ts';
import { fromWallTime, ianaZone, windowsZone } from './zones.ts';

const wall = (y: number, mo: number, d: number, h: number, mi = 0) => ({
  year: y,
  month: mo,
  day: d,
  hour: h,
  minute: mi,
  second: 0,
  millisecond: 0,
});

describe('Windows time zones', () => {
  it('maps Windows names to IANA zones and back', () => {
    expect(ianaZone('W. Europe Standard Time')).toBe('Europe/Berlin');
    expect(ianaZone('Eastern Standard Time')).toBe('America/New_York');
    expect(ianaZone('UTC')).toBe('UTC');
    expect(ianaZone('Europe/Paris')).toBe('Europe/Paris');
    expect(ianaZone('Mars Standard Time')).toBeUndefined();
    expect(windowsZone('Europe/Berlin')).toBe('W. Europe Standard Time');
  });

  it('converts wall times across DST: skipped times move forward, repeated ones take the first', () => {
    expect(new Date(fromWallTime(wall(2026, 3, 29, 1, 30), 'Europe/Berlin')).toISOString()).toBe(
      '2026-03-29T00:30:00.000Z',
    );
    expect(new Date(fromWallTime(wall(2026, 3, 29, 2, 30), 'Europe/Berlin')).toISOString()).toBe(
      '2026-03-29T01:30:00.000Z',
    );
    expect(new Date(fromWallTime(wall(2026, 3, 29, 3, 30), 'Europe/Berlin')).toISOString()).toBe(
      '2026-03-29T01:30:00.000Z',
    );
    expect(new Date(fromWallTime(wall(2026, 10, 25, 2, 30), 'Europe/Berlin')).toISOString()).toBe(
      '2026-10-25T00:30:00.000Z',
    );
    expect(new Date(fromWallTime(wall(2026, 7, 1, 9), 'America/New_York')).toISOString()).toBe(
      '2026-07-01T13:00:00.000Z',
    );
  });

  it('reads xs:dateTime with Z, with an offset, and zoneless in a given zone', () => {
    expect(parseDateTime('2026-07-01T09:00:00Z')).toBe(Date.parse('2026-07-01T09:00:00Z'));
    expect(parseDateTime('2026-07-01T09:00:00+02:00')).toBe(Date.parse('2026-07-01T07:00:00Z'));
    expect(parseDateTime('2026-07-01T09:00:00.250')).toBe(Date.parse('2026-07-01T09:00:00.250Z'));
    expect(parseDateTime('2026-07-01T09:00:00', 'Tokyo Standard Time')).toBe(
      Date.parse('2026-07-01T00:00:00Z'),
    );
    expect(() => parseDateTime('2026-13-45T99:00:00')).toThrow();
  });
});
