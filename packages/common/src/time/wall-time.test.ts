import { Temporal } from '@js-temporal/polyfill';
import { describe, expect, it } from 'vitest';
import {
  fromWallTime,
  localDate,
  nextTransition,
  offsetMinutes,
  parseLocal,
  plainLocal,
  toWallTime,
  UnknownTimeZoneError,
  utcToZoned,
  zonedToUtc,
} from './wall-time.ts';

describe('daylight-saving changes (skipped times move forward by the gap, repeated ones take the earlier)', () => {
  it('Europe/Berlin, spring: 02:00–03:00 on 2024-03-31 does not exist and moves an hour on', () => {
    expect(zonedToUtc('2024-03-31T01:30:00', 'Europe/Berlin')).toBe('2024-03-31T00:30:00Z');
    expect(zonedToUtc('2024-03-31T02:30:00', 'Europe/Berlin')).toBe('2024-03-31T01:30:00Z');
    expect(zonedToUtc('2024-03-31T03:30:00', 'Europe/Berlin')).toBe('2024-03-31T01:30:00Z');
    expect(utcToZoned('2024-03-31T01:30:00Z', 'Europe/Berlin')).toBe('2024-03-31T03:30:00');
  });

  it('Europe/Berlin, autumn: 02:30 on 2024-10-27 happens twice and means the first (CEST)', () => {
    expect(zonedToUtc('2024-10-27T02:30:00', 'Europe/Berlin')).toBe('2024-10-27T00:30:00Z');
    expect(utcToZoned('2024-10-27T00:30:00Z', 'Europe/Berlin')).toBe('2024-10-27T02:30:00');
    expect(utcToZoned('2024-10-27T01:30:00Z', 'Europe/Berlin')).toBe('2024-10-27T02:30:00');
    expect(zonedToUtc('2024-10-27T03:30:00', 'Europe/Berlin')).toBe('2024-10-27T02:30:00Z');
  });

  it('America/New_York, spring: 02:30 on 2024-03-10 does not exist and is 03:30 EDT', () => {
    expect(zonedToUtc('2024-03-10T01:30:00', 'America/New_York')).toBe('2024-03-10T06:30:00Z');
    expect(zonedToUtc('2024-03-10T02:30:00', 'America/New_York')).toBe('2024-03-10T07:30:00Z');
    expect(utcToZoned('2024-03-10T07:30:00Z', 'America/New_York')).toBe('2024-03-10T03:30:00');
  });

  it('America/New_York, autumn: 01:30 on 2024-11-03 happens twice and means the first (EDT)', () => {
    expect(zonedToUtc('2024-11-03T01:30:00', 'America/New_York')).toBe('2024-11-03T05:30:00Z');
    expect(utcToZoned('2024-11-03T06:30:00Z', 'America/New_York')).toBe('2024-11-03T01:30:00');
    expect(zonedToUtc('2024-11-03T02:30:00', 'America/New_York')).toBe('2024-11-03T07:30:00Z');
  });

  it('Windows names convert as their IANA zones do', () => {
    expect(zonedToUtc('2024-10-27T02:30:00', 'W. Europe Standard Time')).toBe('2024-10-27T00:30:00Z');
    expect(zonedToUtc('2024-03-10T02:30:00', 'Eastern Standard Time')).toBe('2024-03-10T07:30:00Z');
  });

  it('half-hour and 45-minute zones and half-hour changes', () => {
    expect(zonedToUtc('2024-07-01T09:00:00', 'Asia/Kolkata')).toBe('2024-07-01T03:30:00Z');
    // Lord Howe moves its clocks by 30 minutes: 02:00–02:30 on 2024-10-06 is skipped.
    expect(zonedToUtc('2024-10-06T02:15:00', 'Australia/Lord_Howe')).toBe('2024-10-05T15:45:00Z');
    expect(utcToZoned('2024-10-05T15:45:00Z', 'Australia/Lord_Howe')).toBe('2024-10-06T02:45:00');
    // Chatham (+12:45/+13:45) skips 02:45–03:45 on 2024-09-29.
    expect(zonedToUtc('2024-09-29T03:00:00', 'Pacific/Chatham')).toBe('2024-09-28T14:15:00Z');
    expect(utcToZoned('2024-09-28T14:15:00Z', 'Pacific/Chatham')).toBe('2024-09-29T04:00:00');
    // St John's (−03:30/−02:30) repeats 01:00–02:00 on 2024-11-03 and takes the first.
    expect(zonedToUtc('2024-11-03T01:30:00', 'America/St_Johns')).toBe('2024-11-03T04:00:00Z');
  });

  it('every hour of 2024 round-trips in zones east and west of UTC, except the skipped ones', () => {
    for (const zone of ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham']) {
      for (let ms = Date.UTC(2024, 0, 1); ms < Date.UTC(2025, 0, 1); ms += 3600000) {
        const local = utcToZoned(ms, zone);
        const back = Date.parse(zonedToUtc(local, zone));
        // In the repeated hour the local time names the earlier instant.
        expect(back === ms || back === ms - 3600000).toBe(true);
      }
    }
  });
});

describe('wall times', () => {
  it('read xs:dateTime wall times with 24:00 as the next midnight', () => {
    const w = { year: 2024, month: 7, day: 1, hour: 24, minute: 0, second: 0, millisecond: 0 };
    expect(new Date(fromWallTime(w, 'Europe/Berlin')).toISOString()).toBe('2024-07-01T22:00:00.000Z');
  });

  it('keep years before 100 (Exchange writes 0001-01-01 for no date)', () => {
    expect(zonedToUtc('0001-01-01T00:00:00', 'UTC')).toBe('0001-01-01T00:00:00Z');
    expect(Date.parse(zonedToUtc('0001-01-01T00:00:00', 'UTC'))).toBe(-62135596800000);
    expect(zonedToUtc('0099-12-31T24:00:00', 'UTC')).toBe('0100-01-01T00:00:00Z');
  });

  it('keep milliseconds and the offset of the zone', () => {
    expect(parseLocal('2024-01-02T10:00:00.1234567')).toMatchObject({ hour: 10, millisecond: 123 });
    expect(toWallTime(Date.parse('2024-07-01T08:00:00.250Z'), 'Europe/Berlin')).toMatchObject({
      hour: 10,
      millisecond: 250,
    });
    expect(offsetMinutes(Date.parse('2024-07-01T00:00:00Z'), 'America/St_Johns')).toBe(-150);
    expect(offsetMinutes(Date.parse('2024-07-01T00:00:00Z'), 'UTC')).toBe(0);
    expect(plainLocal('2024-01-02T10:00:00.0000000')).toBe('2024-01-02T10:00:00');
  });

  it('find the next daylight-saving change', () => {
    expect(new Date(nextTransition(Date.UTC(2024, 0, 1), 'Europe/Berlin')!).toISOString()).toBe(
      '2024-03-31T01:00:00.000Z',
    );
    expect(nextTransition(Date.UTC(2024, 0, 1), 'UTC')).toBeUndefined();
  });

  it('keep an all-day date whether the zone is UTC−10 or UTC+14', () => {
    for (const zone of ['Pacific/Honolulu', 'Pacific/Kiritimati', 'Hawaiian Standard Time']) {
      const midnight = Date.parse(zonedToUtc('2024-06-01T00:00:00', zone));
      expect(localDate(midnight, zone)).toBe('2024-06-01');
      expect(utcToZoned(midnight, zone)).toBe('2024-06-01T00:00:00');
    }
    // The same date's midnights lie a day apart: the date belongs to its zone, not to UTC.
    expect(zonedToUtc('2024-06-01T00:00:00', 'Pacific/Kiritimati')).toBe('2024-05-31T10:00:00Z');
    expect(zonedToUtc('2024-06-01T00:00:00', 'Pacific/Honolulu')).toBe('2024-06-01T10:00:00Z');
  });

  it('refuse unknown zones with an error that says what to give', () => {
    expect(() => zonedToUtc('2024-01-01T00:00:00', 'Mars/Olympus')).toThrow(UnknownTimeZoneError);
    expect(() => zonedToUtc('2024-01-01T00:00:00', 'Mars/Olympus')).toThrow(
      /IANA name such as Europe\/Berlin/,
    );
    expect(() => parseLocal('yesterday')).toThrow(RangeError);
  });
});

describe('the kept offsets', () => {
  // The spans kept per zone must give what Temporal gives, local times to instants and back.
  const zones = [
    'Europe/Berlin',
    'America/New_York',
    'Australia/Lord_Howe',
    'Pacific/Chatham',
    'Asia/Kolkata',
  ];
  const temporalInstant = (local: string, zone: string) =>
    Temporal.PlainDateTime.from(local).toZonedDateTime(zone, { disambiguation: 'compatible' })
      .epochMilliseconds;
  const temporalLocal = (ms: number, zone: string) =>
    Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(zone).toPlainDateTime().toString();

  it.each(zones)('agree with Temporal in %s', (zone) => {
    const probes: number[] = [];
    const hour = 3600000;
    for (let ms = Date.UTC(2024, 0, 1); ms < Date.UTC(2025, 0, 1); ms += 6 * hour) probes.push(ms);
    const changes: number[] = [];
    for (
      let t = nextTransition(Date.UTC(2024, 0, 1), zone);
      t && t < Date.UTC(2025, 0, 1);
      t = nextTransition(t, zone)
    )
      changes.push(t);
    for (const t of changes) {
      // Hourly over the three days either side (past where Temporal is asked), by quarter hours near the change.
      for (let ms = t - 72 * hour; ms < t + 72 * hour; ms += hour) probes.push(ms);
      for (let ms = t - 3 * hour; ms < t + 3 * hour; ms += hour / 4) probes.push(ms);
    }
    for (const ms of probes) {
      expect(utcToZoned(ms, zone)).toBe(temporalLocal(ms, zone));
      // Local times near a change, read with the offsets before and after it, so that the skipped
      // and the repeated ones are among them.
      const offsets = new Set([offsetMinutes(ms - 6 * hour, zone), offsetMinutes(ms + 6 * hour, zone)]);
      for (const offset of offsets) {
        const local = new Date(ms + offset * 60000).toISOString().slice(0, 19);
        expect(Date.parse(zonedToUtc(local, zone))).toBe(temporalInstant(local, zone));
      }
    }
  });
});
