import { describe, expect, it } from 'vitest';
import { fromWallTime, ianaZone, localDate, windowsZone } from './zones.ts';

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

  it('treats the usual UTC spellings as UTC and normalises IANA names to Windows ones', () => {
    for (const name of [
      'UTC',
      'utc',
      'Etc/UTC',
      'GMT',
      'Z',
      'tzone://Microsoft/Utc',
      'Coordinated Universal Time',
    ]) {
      expect(ianaZone(name)).toBe('UTC');
    }
    expect(windowsZone('Etc/UTC')).toBe('UTC');
    expect(windowsZone('Asia/Tokyo')).toBe('Tokyo Standard Time');
    expect(windowsZone('Mars/Olympus')).toBeUndefined();
  });

  it('gives the local calendar date of an instant', () => {
    expect(localDate(Date.parse('2026-07-01T23:30:00Z'), 'Europe/Berlin')).toBe('2026-07-02');
    expect(localDate(Date.parse('2026-07-01T03:30:00Z'), 'America/New_York')).toBe('2026-06-30');
    expect(localDate(Date.parse('2026-07-01T03:30:00Z'), 'UTC')).toBe('2026-07-01');
  });
});
