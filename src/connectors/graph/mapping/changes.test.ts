import { describe, expect, it } from 'vitest';
import { calendarWindow } from '../../calendar-window.ts';
import type { NeutralEvent } from '../../types.ts';
import { changedProperties, eventFromGraph, eventToGraph } from './event.ts';

const series: NeutralEvent = {
  subject: 'Weekly',
  start: { dateTime: '2031-06-02T09:00:00', timeZone: 'Europe/Berlin' },
  end: { dateTime: '2031-06-02T09:30:00', timeZone: 'Europe/Berlin' },
  isAllDay: false,
  attendees: [{ address: 'grace@example.test', type: 'required', response: 'none' }],
  showAs: 'busy',
  importance: 'normal',
  categories: [],
  type: 'seriesMaster',
  recurrence: {
    pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'], firstDayOfWeek: 'monday' },
    range: { type: 'numbered', startDate: '2031-06-02', numberOfOccurrences: 6 },
  },
};

const patch = (before: NeutralEvent, after: NeutralEvent, attendees = false) =>
  changedProperties(eventToGraph(before, { attendees }), eventToGraph(after, { attendees }));

describe('Graph event PATCH bodies', () => {
  it('sends only the changed properties: never an unchanged recurrence or unchanged attendees', () => {
    expect(patch(series, { ...series, subject: 'Renamed' })).toEqual({ subject: 'Renamed' });
    expect(patch(series, { ...series, subject: 'Renamed' }, true)).toEqual({ subject: 'Renamed' });
    expect(patch(series, series)).toEqual({});
  });

  it('sends attendees only when allowed, and a new start with its end and all-day flag', () => {
    const more = {
      ...series,
      attendees: [
        ...series.attendees,
        { address: 'l@x.test', type: 'optional' as const, response: 'none' as const },
      ],
    };
    expect(patch(series, more)).toEqual({});
    expect(Object.keys(patch(series, more, true))).toEqual(['attendees']);
    const later = { ...series, start: { ...series.start, dateTime: '2031-06-02T10:00:00' } };
    expect(Object.keys(patch(series, later)).sort()).toEqual(['end', 'isAllDay', 'start']);
  });

  it('a changed pattern is sent whole', () => {
    const biweekly = {
      ...series,
      recurrence: { ...series.recurrence!, pattern: { ...series.recurrence!.pattern, interval: 2 } },
    };
    expect(Object.keys(patch(series, biweekly))).toEqual(['recurrence']);
  });
});

describe('Graph event identity', () => {
  it('reads isOrganizer and the mailbox own response', () => {
    const copy = eventFromGraph({
      subject: 'x',
      start: { dateTime: '2031-01-01T10:00:00', timeZone: 'UTC' },
      end: { dateTime: '2031-01-01T11:00:00', timeZone: 'UTC' },
      iCalUId: '040000008200E00074C5B7101A82E008',
      isOrganizer: false,
      responseStatus: { response: 'tentativelyAccepted', time: '2030-12-01T00:00:00Z' },
    });
    expect(copy).toMatchObject({
      iCalUId: '040000008200E00074C5B7101A82E008',
      isOrganizer: false,
      myResponse: 'tentative',
    });
  });
});

describe('calendarWindow', () => {
  it('runs from the import date, or this month, to 18 months ahead, moving once a month', () => {
    const now = new Date('2026-12-07T10:00:00Z');
    expect(calendarWindow({ now })).toEqual({
      start: '2026-12-01T00:00:00.000Z',
      end: '2028-06-01T00:00:00.000Z',
    });
    expect(calendarWindow({ now: new Date('2026-12-31T23:00:00Z') })).toEqual(calendarWindow({ now }));
    expect(calendarWindow({ now, from: '2026-11-15T00:00:00Z', horizonMonths: 1 })).toEqual({
      start: '2026-11-15T00:00:00.000Z',
      end: '2027-01-01T00:00:00.000Z',
    });
  });
});
