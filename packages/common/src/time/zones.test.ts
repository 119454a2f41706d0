import { describe, expect, it } from 'vitest';
import {
  ianaZone,
  isIanaZone,
  isUtcName,
  isWindowsZoneName,
  windowsZone,
  windowsZoneNames,
} from './zones.ts';

describe('Windows and IANA zone names', () => {
  it('map both ways', () => {
    const pairs = [
      ['W. Europe Standard Time', 'Europe/Berlin'],
      ['Eastern Standard Time', 'America/New_York'],
      ['Tokyo Standard Time', 'Asia/Tokyo'],
      ['India Standard Time', 'Asia/Calcutta'],
    ];
    for (const [windows, iana] of pairs) {
      expect(ianaZone(windows)).toBe(iana);
      expect(windowsZone(iana)).toBe(windows);
      expect(windowsZone(windows)).toBe(windows);
    }
    // Every zone of a Windows name maps back to it, not only the main one.
    expect(windowsZone('Europe/Paris')).toBe('Romance Standard Time');
    expect(windowsZone('Asia/Kolkata')).toBe('India Standard Time');
  });

  it('pass IANA names through and refuse unknown ones and offsets', () => {
    expect(ianaZone('Europe/Paris')).toBe('Europe/Paris');
    expect(ianaZone('Mars Standard Time')).toBeUndefined();
    expect(ianaZone('+01:00')).toBeUndefined();
    expect(isIanaZone('Etc/GMT+5')).toBe(true);
    expect(isIanaZone('Mars/Olympus')).toBe(false);
    expect(isIanaZone('+01:00')).toBe(false);
    expect(windowsZone('Mars/Olympus')).toBeUndefined();
    expect(isWindowsZoneName('Tokyo Standard Time')).toBe(true);
    expect(isWindowsZoneName('Asia/Tokyo')).toBe(false);
  });

  it('treat the usual UTC spellings as UTC', () => {
    for (const name of [
      'UTC',
      'utc',
      'Etc/UTC',
      'GMT',
      'Z',
      'tzone://Microsoft/Utc',
      'Coordinated Universal Time',
    ]) {
      expect(isUtcName(name)).toBe(true);
      expect(ianaZone(name)).toBe('UTC');
      expect(windowsZone(name)).toBe('UTC');
    }
  });

  it('list every Windows zone with an IANA zone the tz database knows', () => {
    const names = windowsZoneNames();
    expect(names.length).toBeGreaterThan(100);
    for (const z of names) expect(isIanaZone(z.iana)).toBe(true);
  });
});
