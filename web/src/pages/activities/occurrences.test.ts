// The screens' occurrences come from the one recurrence expansion (@exsync/common/recurrence);
// these are the dates the web's own expansion gave before, for the rules the screens offer.
import { describe, expect, it } from 'vitest';
import type { Activity } from '../../types.ts';
import { occurrencesIn } from './occurrences.ts';

function activity(fields: Partial<Activity>): Activity {
  return {
    subject: 'Review',
    allDay: false,
    startsAt: null,
    endsAt: null,
    timeZone: 'UTC',
    recurrence: null,
    ...fields,
  } as Activity;
}

const rows = (a: Activity, from: string, to: string) =>
  occurrencesIn(a, from, to).map((o) => {
    const times = [o.startsAt, o.endsAt].map((t) => new Date(t).toISOString().replace('.000Z', 'Z'));
    return o.subject === a.subject ? times : [...times, o.subject];
  });

/** Each expected row: start, end and, when an exception changed it, the subject. */
const CASES: { name: string; a: Activity; from: string; to: string; expected: string[][] }[] = [
  {
    name: 'weekly, every other Monday and Wednesday in New York, over the November change, ten times',
    a: activity({
      startsAt: '2026-10-26T13:00:00Z',
      endsAt: '2026-10-26T14:00:00Z',
      timeZone: 'America/New_York',
      recurrence: {
        rule: { freq: 'WEEKLY', interval: 2, byDay: ['MO', 'WE'], count: 10 },
        exceptions: [
          {
            originalStart: '2026-11-09T14:00:00Z',
            startsAt: '2026-11-10T15:00:00Z',
            endsAt: '2026-11-10T16:30:00Z',
            subject: 'Review, moved',
          },
        ],
        deletedOccurrences: ['2026-11-11T14:00:00.000Z'],
      },
    }),
    from: '2026-10-01T00:00:00Z',
    to: '2027-03-01T00:00:00Z',
    expected: [
      ['2026-10-26T13:00:00Z', '2026-10-26T14:00:00Z'],
      ['2026-10-28T13:00:00Z', '2026-10-28T14:00:00Z'],
      ['2026-11-10T15:00:00Z', '2026-11-10T16:30:00Z', 'Review, moved'],
      ['2026-11-23T14:00:00Z', '2026-11-23T15:00:00Z'],
      ['2026-11-25T14:00:00Z', '2026-11-25T15:00:00Z'],
      ['2026-12-07T14:00:00Z', '2026-12-07T15:00:00Z'],
      ['2026-12-09T14:00:00Z', '2026-12-09T15:00:00Z'],
      ['2026-12-21T14:00:00Z', '2026-12-21T15:00:00Z'],
      ['2026-12-23T14:00:00Z', '2026-12-23T15:00:00Z'],
    ],
  },
  {
    name: 'weekly on weekdays ("every weekday") in Berlin, over the March change',
    a: activity({
      startsAt: '2027-03-24T08:00:00Z',
      endsAt: '2027-03-24T08:15:00Z',
      timeZone: 'Europe/Berlin',
      recurrence: { rule: { freq: 'DAILY', byDay: ['MO', 'TU', 'WE', 'TH', 'FR'] } },
    }),
    from: '2027-03-22T00:00:00Z',
    to: '2027-04-03T00:00:00Z',
    expected: [
      ['2027-03-24T08:00:00Z', '2027-03-24T08:15:00Z'],
      ['2027-03-25T08:00:00Z', '2027-03-25T08:15:00Z'],
      ['2027-03-26T08:00:00Z', '2027-03-26T08:15:00Z'],
      ['2027-03-29T07:00:00Z', '2027-03-29T07:15:00Z'],
      ['2027-03-30T07:00:00Z', '2027-03-30T07:15:00Z'],
      ['2027-03-31T07:00:00Z', '2027-03-31T07:15:00Z'],
      ['2027-04-01T07:00:00Z', '2027-04-01T07:15:00Z'],
      ['2027-04-02T07:00:00Z', '2027-04-02T07:15:00Z'],
    ],
  },
  {
    name: 'monthly on the second Tuesday in Berlin until a date, one moved, one deleted',
    a: activity({
      startsAt: '2027-01-12T09:00:00Z',
      endsAt: '2027-01-12T10:00:00Z',
      timeZone: 'Europe/Berlin',
      recurrence: {
        rule: { freq: 'MONTHLY', interval: 1, byDay: ['2TU'], until: '2027-07-13T08:00:00Z' },
        exceptions: [{ originalStart: '2027-04-13T08:00:00Z', startsAt: '2027-04-14T12:00:00Z' }],
        deletedOccurrences: ['2027-03-09T09:00:00Z'],
      },
    }),
    from: '2027-01-01T00:00:00Z',
    to: '2028-01-01T00:00:00Z',
    expected: [
      ['2027-01-12T09:00:00Z', '2027-01-12T10:00:00Z'],
      ['2027-02-09T09:00:00Z', '2027-02-09T10:00:00Z'],
      ['2027-04-14T12:00:00Z', '2027-04-14T13:00:00Z'],
      ['2027-05-11T08:00:00Z', '2027-05-11T09:00:00Z'],
      ['2027-06-08T08:00:00Z', '2027-06-08T09:00:00Z'],
      ['2027-07-13T08:00:00Z', '2027-07-13T09:00:00Z'],
    ],
  },
  {
    name: 'monthly on the 15th every other month, in a window after the start',
    a: activity({
      startsAt: '2026-12-15T17:30:00Z',
      endsAt: '2026-12-15T18:00:00Z',
      timeZone: 'America/Los_Angeles',
      recurrence: { rule: { freq: 'MONTHLY', interval: 2, byMonthDay: [15] } },
    }),
    from: '2027-02-01T00:00:00Z',
    to: '2027-12-31T00:00:00Z',
    expected: [
      ['2027-02-15T17:30:00Z', '2027-02-15T18:00:00Z'],
      ['2027-04-15T16:30:00Z', '2027-04-15T17:00:00Z'],
      ['2027-06-15T16:30:00Z', '2027-06-15T17:00:00Z'],
      ['2027-08-15T16:30:00Z', '2027-08-15T17:00:00Z'],
      ['2027-10-15T16:30:00Z', '2027-10-15T17:00:00Z'],
      ['2027-12-15T17:30:00Z', '2027-12-15T18:00:00Z'],
    ],
  },
  {
    name: 'yearly all-day in Tokyo, an occurrence deleted by its date',
    a: activity({
      allDay: true,
      startsAt: '2026-07-09T15:00:00Z',
      endsAt: '2026-07-10T15:00:00Z',
      timeZone: 'Asia/Tokyo',
      recurrence: {
        rule: { freq: 'YEARLY', interval: 1, count: 5 },
        deletedOccurrences: ['2028-07-10'],
      },
    }),
    from: '2026-01-01T00:00:00Z',
    to: '2035-01-01T00:00:00Z',
    expected: [
      ['2026-07-09T15:00:00Z', '2026-07-10T15:00:00Z'],
      ['2027-07-09T15:00:00Z', '2027-07-10T15:00:00Z'],
      ['2029-07-09T15:00:00Z', '2029-07-10T15:00:00Z'],
      ['2030-07-09T15:00:00Z', '2030-07-10T15:00:00Z'],
    ],
  },
  {
    name: 'yearly on the last Sunday of October in London, every other year',
    a: activity({
      startsAt: '2026-10-25T10:00:00Z',
      endsAt: '2026-10-25T11:00:00Z',
      timeZone: 'Europe/London',
      recurrence: { rule: { freq: 'YEARLY', interval: 2, byMonth: [10], byDay: ['-1SU'] } },
    }),
    from: '2026-01-01T00:00:00Z',
    to: '2033-01-01T00:00:00Z',
    expected: [
      ['2026-10-25T10:00:00Z', '2026-10-25T11:00:00Z'],
      ['2028-10-29T10:00:00Z', '2028-10-29T11:00:00Z'],
      ['2030-10-27T10:00:00Z', '2030-10-27T11:00:00Z'],
      ['2032-10-31T10:00:00Z', '2032-10-31T11:00:00Z'],
    ],
  },
];

describe('the occurrences the activity screens show', () => {
  for (const c of CASES) {
    it(c.name, () => {
      expect(rows(c.a, c.from, c.to)).toEqual(c.expected);
    });
  }
});
