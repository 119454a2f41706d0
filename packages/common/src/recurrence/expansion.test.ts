import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dateOf, toWallTime } from '../time/index.ts';
import {
  occurrences,
  occurrencesBetween,
  overlapsWithInstants,
  type Recurrence,
  type SeriesEvent,
  seriesSummary,
} from './expansion.ts';

function series(
  recurrence: Recurrence,
  start: string,
  end: string,
  zone = 'W. Europe Standard Time',
): Parameters<typeof occurrences>[0] {
  return {
    start,
    end,
    startTimeZone: zone,
    recurrence,
    modifiedOccurrences: [],
    deletedOccurrences: [],
  } satisfies SeriesEvent;
}

const iso = (ms: number) => new Date(ms).toISOString();
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
/** The weekday of an instant in a zone. */
function weekdayIn(instantMs: number, zone: string): string {
  const w = toWallTime(instantMs, zone);
  return WEEKDAYS[new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay()];
}
/** `HH:mm` of an instant in Los Angeles. */
function laClock(instantMs: number): string {
  const w = toWallTime(instantMs, 'America/Los_Angeles');
  return `${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`;
}

describe('recurrence expansion', () => {
  it('relative monthly: the last Friday of each month at 15:00 Berlin time', () => {
    const e = series(
      {
        pattern: { type: 'relativeMonthly', interval: 1, daysOfWeek: ['friday'], index: 'last' },
        range: { type: 'numbered', startDate: '2026-01-01', numberOfOccurrences: 4 },
      },
      '2026-01-30T14:00:00.000Z',
      '2026-01-30T15:00:00.000Z',
    );
    expect(occurrences(e).map((o) => iso(o.start))).toEqual([
      '2026-01-30T14:00:00.000Z',
      '2026-02-27T14:00:00.000Z',
      '2026-03-27T14:00:00.000Z',
      '2026-04-24T13:00:00.000Z',
    ]);
  });

  it('absolute monthly on the 31st falls on the last day of shorter months; yearly repeats the date', () => {
    const monthly = series(
      {
        pattern: { type: 'absoluteMonthly', interval: 1, dayOfMonth: 31 },
        range: { type: 'endDate', startDate: '2026-01-31', endDate: '2026-04-30' },
      },
      '2026-01-31T09:00:00.000Z',
      '2026-01-31T10:00:00.000Z',
      'UTC',
    );
    expect(occurrences(monthly).map((o) => iso(o.start).slice(0, 10))).toEqual([
      '2026-01-31',
      '2026-02-28',
      '2026-03-31',
      '2026-04-30',
    ]);
    const yearly = series(
      {
        pattern: { type: 'absoluteYearly', interval: 1, dayOfMonth: 29, month: 2 },
        range: { type: 'numbered', startDate: '2028-02-29', numberOfOccurrences: 3 },
      },
      '2028-02-29T09:00:00.000Z',
      '2028-02-29T10:00:00.000Z',
      'UTC',
    );
    expect(occurrences(yearly).map((o) => iso(o.start).slice(0, 10))).toEqual([
      '2028-02-29',
      '2029-02-28',
      '2030-02-28',
    ]);
  });

  it('applies deletions and moved exceptions in a window', () => {
    const e = {
      ...series(
        { pattern: { type: 'daily', interval: 1 }, range: { type: 'noEnd', startDate: '2026-06-01' } },
        '2026-06-01T08:00:00.000Z',
        '2026-06-01T09:00:00.000Z',
        'UTC',
      ),
      deletedOccurrences: ['2026-06-02T08:00:00.000Z'],
      modifiedOccurrences: [
        {
          id: 'x',
          changeKey: 'c',
          originalStart: '2026-06-03T08:00:00.000Z',
          start: '2026-06-03T12:00:00.000Z',
          end: '2026-06-03T13:00:00.000Z',
        },
      ],
    };
    const shown = occurrencesBetween(
      e,
      Date.parse('2026-06-01T00:00:00Z'),
      Date.parse('2026-06-05T00:00:00Z'),
    );
    expect(shown.map((o) => iso(o.start))).toEqual([
      '2026-06-01T08:00:00.000Z',
      '2026-06-03T12:00:00.000Z',
      '2026-06-04T08:00:00.000Z',
    ]);
    expect(shown[1].override?.id).toBe('x');
  });

  it('weekly series: every occurrence falls on a chosen weekday at the same local time, numbered ranges have that many', () => {
    const days = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom(...days), { minLength: 1, maxLength: 7 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 364 }),
        (chosen, interval, count, dayOffset) => {
          const startMs = Date.UTC(2026, 0, 1) + dayOffset * 86400000;
          const startDate = iso(startMs).slice(0, 10);
          const e = series(
            {
              pattern: { type: 'weekly', interval, daysOfWeek: chosen, firstDayOfWeek: 'sunday' },
              range: {
                type: 'numbered',
                startDate,
                numberOfOccurrences: count,
                recurrenceTimeZone: 'Pacific Standard Time',
              },
            },
            `${startDate}T17:30:00.000Z`,
            `${startDate}T18:00:00.000Z`,
            'Pacific Standard Time',
          );
          const all = occurrences(e);
          expect(all).toHaveLength(count);
          const first = laClock(all[0].start);
          for (const o of all) {
            expect(chosen).toContain(weekdayIn(o.start, 'America/Los_Angeles'));
            expect(laClock(o.start)).toBe(first);
            expect(o.start).toBeGreaterThanOrEqual(Date.parse(`${startDate}T00:00:00Z`) - 86400000);
          }
          for (let i = 1; i < all.length; i++) expect(all[i].start).toBeGreaterThan(all[i - 1].start);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a weekly series made in Tokyo keeps its Tokyo weekdays; seen from Los Angeles they are a day earlier', () => {
    // Mondays and Thursdays at 09:00 Tokyo (00:00Z) are Sundays and Wednesdays at 17:00 or 16:00
    // in Los Angeles, across both of its 2026 daylight-saving changes.
    const e = series(
      {
        pattern: {
          type: 'weekly',
          interval: 1,
          daysOfWeek: ['monday', 'thursday'],
          firstDayOfWeek: 'sunday',
        },
        range: {
          type: 'endDate',
          startDate: '2026-01-05',
          endDate: '2026-12-31',
          recurrenceTimeZone: 'Tokyo Standard Time',
        },
      },
      '2026-01-05T00:00:00.000Z',
      '2026-01-05T01:00:00.000Z',
      'Tokyo Standard Time',
    );
    const all = occurrences(e);
    expect(all).toHaveLength(104);
    for (const o of all) {
      const tokyo = toWallTime(o.start, 'Asia/Tokyo');
      expect([tokyo.hour, tokyo.minute]).toEqual([9, 0]);
      expect(['monday', 'thursday']).toContain(weekdayIn(o.start, 'Asia/Tokyo'));
      expect(['sunday', 'wednesday']).toContain(weekdayIn(o.start, 'America/Los_Angeles'));
      expect(['16:00', '17:00']).toContain(laClock(o.start));
    }
    expect(new Set(all.map((o) => laClock(o.start)))).toEqual(new Set(['16:00', '17:00']));
  });

  it('a window view equals filtering the full expansion, with exceptions and deletions', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('daily', 'weekly', 'absoluteMonthly') as fc.Arbitrary<
          'daily' | 'weekly' | 'absoluteMonthly'
        >,
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 700 }),
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 4 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: -5, max: 5 })), {
          maxLength: 3,
        }),
        (type, interval, windowOffset, windowDays, deletions, moves) => {
          const base = series(
            {
              pattern: { type, interval, daysOfWeek: ['tuesday', 'friday'], dayOfMonth: 15 },
              range: { type: 'numbered', startDate: '2025-01-14', numberOfOccurrences: 120 },
            },
            '2025-01-14T09:00:00.000Z',
            '2025-01-14T10:30:00.000Z',
            'Eastern Standard Time',
          );
          const full = occurrences(base);
          const pick = (i: number) => full[i % full.length];
          const deletedOccurrences = [...new Set(deletions.map((i) => iso(pick(i).originalStart)))];
          const modifiedOccurrences = moves
            .map(([i]) => pick(i))
            .filter(
              (o, k, all) =>
                all.findIndex((x) => x.originalStart === o.originalStart) === k &&
                !deletedOccurrences.includes(iso(o.originalStart)),
            )
            .map((o, k) => ({
              id: `x${k}`,
              changeKey: 'c',
              originalStart: iso(o.originalStart),
              start: iso(o.start + moves[k][1] * 86400000),
              end: iso(o.end + moves[k][1] * 86400000),
            }));
          const e = { ...base, deletedOccurrences, modifiedOccurrences };
          const from = Date.parse('2025-01-01T00:00:00Z') + windowOffset * 86400000;
          const to = from + windowDays * 86400000;
          const expected = occurrences(e).filter((o) => !o.deleted && o.start < to && o.end > from);
          const got = occurrencesBetween(e, from, to);
          expect(got.map((o) => [o.index, o.start, o.originalStart]).sort()).toEqual(
            expected.map((o) => [o.index, o.start, o.originalStart]).sort(),
          );
          const summary = seriesSummary(e);
          const visible = occurrences(e).filter((o) => !o.deleted);
          expect(summary.first?.originalStart).toBe(visible[0]?.originalStart);
          expect(summary.last?.originalStart).toBe(visible[visible.length - 1]?.originalStart);
          expect(summary.deleted.map((d) => iso(d.originalStart))).toEqual([...deletedOccurrences].sort());
        },
      ),
      { numRuns: 80 },
    );
  });
});

/** Local dates (UTC series at midnight) the series has up to `untilDate`, inclusive. */
function datesUntil(recurrence: Recurrence, untilDate: string): string[] {
  const start = `${recurrence.range.startDate}T00:00:00.000Z`;
  const until = Date.parse(`${untilDate}T00:00:00Z`) + 86400000;
  return occurrences(series(recurrence, start, start, 'UTC'), until).map((o) =>
    dateOf(toWallTime(o.start, 'UTC')),
  );
}

describe('pattern dates', () => {
  it('runs patterns on local dates', () => {
    expect(
      datesUntil(
        {
          pattern: { type: 'relativeMonthly', interval: 1, daysOfWeek: ['friday'], index: 'last' },
          range: { type: 'numbered', startDate: '2026-01-01', numberOfOccurrences: 3 },
        },
        '2027-01-01',
      ),
    ).toEqual(['2026-01-30', '2026-02-27', '2026-03-27']);
    expect(
      datesUntil(
        {
          pattern: { type: 'absoluteMonthly', interval: 1, dayOfMonth: 31 },
          range: { type: 'endDate', startDate: '2026-01-01', endDate: '2026-04-30' },
        },
        '2027-01-01',
      ),
    ).toEqual(['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30']);
    expect(
      datesUntil(
        { pattern: { type: 'daily', interval: 2 }, range: { type: 'noEnd', startDate: '2026-01-01' } },
        '2026-01-07',
      ),
    ).toEqual(['2026-01-01', '2026-01-03', '2026-01-05', '2026-01-07']);
  });

  it('yearly patterns: a month before the start begins next year; relative yearly takes the last weekday', () => {
    expect(
      datesUntil(
        {
          pattern: { type: 'absoluteYearly', interval: 1, month: 2, dayOfMonth: 29 },
          range: { type: 'numbered', startDate: '2026-06-01', numberOfOccurrences: 3 },
        },
        '2035-01-01',
      ),
    ).toEqual(['2027-02-28', '2028-02-29', '2029-02-28']);
    expect(
      datesUntil(
        {
          pattern: { type: 'relativeYearly', interval: 2, month: 10, daysOfWeek: ['sunday'], index: 'last' },
          range: { type: 'endDate', startDate: '2026-01-01', endDate: '2030-12-31' },
        },
        '2035-01-01',
      ),
    ).toEqual(['2026-10-25', '2028-10-29', '2030-10-27']);
  });

  it('reaches today from a daily series begun decades ago', () => {
    const start = '2001-01-01T09:00:00.000Z';
    const event = series(
      { pattern: { type: 'daily', interval: 1 }, range: { type: 'noEnd', startDate: '2001-01-01' } },
      start,
      '2001-01-01T09:30:00.000Z',
      'UTC',
    );
    const from = Date.parse('2026-07-01T00:00:00Z');
    const found = occurrencesBetween(event, from, from + 2 * 86400000);
    expect(found.map((o) => iso(o.start))).toEqual(['2026-07-01T09:00:00.000Z', '2026-07-02T09:00:00.000Z']);
  });

  it('all-day series keep local midnights across daylight saving', () => {
    const event = series(
      {
        pattern: { type: 'daily', interval: 1 },
        range: { type: 'numbered', startDate: '2026-03-28', numberOfOccurrences: 3 },
      },
      '2026-03-27T23:00:00.000Z',
      '2026-03-28T23:00:00.000Z',
    );
    expect(occurrences(event).map((o) => iso(o.start))).toEqual([
      '2026-03-27T23:00:00.000Z',
      '2026-03-28T23:00:00.000Z',
      '2026-03-29T22:00:00.000Z',
    ]);
  });

  it('an exception moved with a start only keeps its length; instants at the window start count when asked', () => {
    const event = {
      ...series(
        {
          pattern: { type: 'daily', interval: 1 },
          range: { type: 'numbered', startDate: '2026-07-01', numberOfOccurrences: 3 },
        },
        '2026-07-01T10:00:00.000Z',
        '2026-07-01T10:00:00.000Z',
        'UTC',
      ),
      modifiedOccurrences: [
        {
          id: 'x',
          changeKey: 'x',
          originalStart: '2026-07-03T10:00:00.000Z',
          start: '2026-06-20T10:00:00.000Z',
        },
      ],
    };
    const from = Date.parse('2026-06-20T10:00:00Z');
    const to = Date.parse('2026-06-21T00:00:00Z');
    expect(occurrencesBetween(event, from, to)).toEqual([]);
    const moved = occurrencesBetween(event, from, to, overlapsWithInstants);
    expect(moved.map((o) => [iso(o.originalStart), iso(o.start), iso(o.end)])).toEqual([
      ['2026-07-03T10:00:00.000Z', '2026-06-20T10:00:00.000Z', '2026-06-20T10:00:00.000Z'],
    ]);
  });
});
