import { offsetMinutes } from '@exsync/common/time';
import { describe, expect, it } from 'vitest';
import { ruleZoneFromIana, ruleZoneFromUtc, ruleZoneToUtc } from './serializable-zone.ts';

describe('SerializableTimeZone rules', () => {
  it.each(['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'UTC'])(
    'derived rules for %s agree with the tz database through 2026',
    (iana) => {
      const zone = ruleZoneFromIana(iana, 2026);
      for (let t = Date.UTC(2026, 0, 1, 0, 30); t < Date.UTC(2027, 0, 1); t += 86400000 * 3 + 3600000 * 7) {
        const local = ruleZoneFromUtc(zone, t);
        expect((local - t) / 60000).toBe(offsetMinutes(t, iana));
        expect(ruleZoneToUtc(zone, local)).toBe(t);
      }
    },
  );
});
