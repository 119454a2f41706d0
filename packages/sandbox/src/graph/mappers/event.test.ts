import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventData, Item, Recurrence } from '../../model.ts';
import {
  eventDataFromGraph,
  eventPatchFromGraph,
  eventToGraph,
  recurrenceFromGraph,
  recurrenceToGraph,
} from './event.ts';

const organizer = { address: 'ada@example.test', name: 'Ada Lovelace' };

function event(data: Partial<EventData>): Item<'event'> {
  return {
    id: 'AAMkAev',
    changeKey: 'CQAAAB',
    folderId: 'AAMkAcal',
    kind: 'event',
    createdDateTime: '2026-01-01T00:00:00.000Z',
    lastModifiedDateTime: '2026-01-01T00:00:00.000Z',
    data: {
      subject: 'Review',
      start: '2026-11-23T09:00:00.000Z',
      end: '2026-11-23T10:00:00.000Z',
      startTimeZone: 'W. Europe Standard Time',
      endTimeZone: 'W. Europe Standard Time',
      isAllDay: false,
      organizer,
      attendees: [
        {
          email: { address: 'grace@example.test', name: 'Grace' },
          type: 'required',
          response: 'accepted',
          responseTime: '2026-11-20T10:00:00.000Z',
        },
      ],
      isReminderOn: true,
      reminderMinutesBeforeStart: 15,
      showAs: 'busy',
      importance: 'high',
      sensitivity: 'normal',
      categories: ['CRM'],
      iCalUId: 'uid',
      isCancelled: false,
      isOrganizer: true,
      responseRequested: true,
      modifiedOccurrences: [],
      deletedOccurrences: [],
      ...data,
    },
  };
}

const day = fc.constantFrom(
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday' as const,
);
const recurrence: fc.Arbitrary<Recurrence> = fc
  .record({
    type: fc.constantFrom(
      'daily',
      'weekly',
      'absoluteMonthly',
      'relativeMonthly',
      'absoluteYearly',
      'relativeYearly' as const,
    ),
    interval: fc.integer({ min: 1, max: 4 }),
    days: fc.uniqueArray(day, { minLength: 1, maxLength: 3 }),
    dayOfMonth: fc.integer({ min: 1, max: 28 }),
    month: fc.integer({ min: 1, max: 12 }),
    index: fc.constantFrom('first', 'second', 'third', 'fourth', 'last' as const),
    range: fc.constantFrom('endDate', 'noEnd', 'numbered' as const),
    count: fc.integer({ min: 1, max: 30 }),
  })
  .map((r) => {
    const out: Recurrence = {
      pattern: { type: r.type, interval: r.interval },
      range: { type: r.range, startDate: '2026-11-23', recurrenceTimeZone: 'W. Europe Standard Time' },
    };
    if (r.type === 'weekly' || r.type.startsWith('relative')) out.pattern.daysOfWeek = r.days;
    if (r.type === 'weekly') out.pattern.firstDayOfWeek = 'monday';
    if (r.type.startsWith('absolute')) out.pattern.dayOfMonth = r.dayOfMonth;
    if (r.type.endsWith('Yearly')) out.pattern.month = r.month;
    if (r.type.startsWith('relative')) out.pattern.index = r.index;
    if (r.range === 'endDate') out.range.endDate = '2027-06-30';
    if (r.range === 'numbered') out.range.numberOfOccurrences = r.count;
    return out;
  });

describe('event mapper', () => {
  it('writes start/end in the zone asked for with Prefer: outlook.timezone', () => {
    const json = eventToGraph(event({}), { timeZone: 'Pacific Standard Time' });
    expect(json.start).toEqual({
      dateTime: '2026-11-23T01:00:00.0000000',
      timeZone: 'Pacific Standard Time',
    });
    expect(eventToGraph(event({})).start).toEqual({
      dateTime: '2026-11-23T09:00:00.0000000',
      timeZone: 'UTC',
    });
    expect(json.originalStartTimeZone).toBe('W. Europe Standard Time');
  });

  it('reads dateTimeTimeZone in Windows and IANA zones into UTC instants', () => {
    const patch = eventPatchFromGraph({
      start: { dateTime: '2026-07-01T09:00:00', timeZone: 'W. Europe Standard Time' },
      end: { dateTime: '2026-07-01T10:30:00', timeZone: 'Europe/Berlin' },
    });
    expect(patch.start).toBe('2026-07-01T07:00:00.000Z');
    expect(patch.end).toBe('2026-07-01T08:30:00.000Z');
    expect(patch.endTimeZone).toBe('W. Europe Standard Time');
  });

  it('keeps the dates of an all-day event made at UTC−10 when read from UTC+14, and the other way', () => {
    for (const [made, seenFrom] of [
      ['Hawaiian Standard Time', 'Line Islands Standard Time'],
      ['Pacific/Kiritimati', 'Pacific/Honolulu'],
    ]) {
      const data = eventDataFromGraph(
        {
          subject: 'Holiday',
          isAllDay: true,
          start: { dateTime: '2026-06-01T00:00:00', timeZone: made },
          end: { dateTime: '2026-06-02T00:00:00', timeZone: made },
        },
        organizer,
      );
      const json = eventToGraph(event(data), { timeZone: seenFrom });
      expect(json.start).toEqual({ dateTime: '2026-06-01T00:00:00.0000000', timeZone: seenFrom });
      expect(json.end).toEqual({ dateTime: '2026-06-02T00:00:00.0000000', timeZone: seenFrom });
    }
  });

  it('round-trips the fields a client sends back', () => {
    const original = event({
      recurrence: undefined,
      location: 'Room 1',
      body: { contentType: 'html', content: '<p>x</p>' },
    });
    const json = eventToGraph(original, { timeZone: 'W. Europe Standard Time' });
    const back = eventDataFromGraph(json, organizer);
    for (const key of [
      'subject',
      'start',
      'end',
      'startTimeZone',
      'isAllDay',
      'location',
      'attendees',
      'isReminderOn',
      'reminderMinutesBeforeStart',
      'showAs',
      'importance',
      'sensitivity',
      'categories',
      'body',
    ] as const) {
      expect(back[key], key).toEqual(original.data[key]);
    }
  });

  it('round-trips every normalised patternedRecurrence', () => {
    fc.assert(
      fc.property(recurrence, (r) => {
        expect(recurrenceFromGraph(recurrenceToGraph(r))).toEqual(r);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses an all-day event that does not start at midnight', () => {
    expect(() =>
      eventPatchFromGraph({
        isAllDay: true,
        start: { dateTime: '2026-07-01T09:00:00', timeZone: 'UTC' },
        end: { dateTime: '2026-07-02T00:00:00', timeZone: 'UTC' },
      }),
    ).toThrowError(/midnight/);
  });
});
