import { describe, expect, it } from 'vitest';
import type { EventData, Item } from '../model.ts';
import { expandEvent, findOccurrence, occurrenceId, parseOccurrenceId } from './recurrence.ts';

function series(data: Partial<EventData>): Item<'event'> {
  return {
    id: 'AAMkAseries',
    changeKey: 'ck',
    folderId: 'cal',
    kind: 'event',
    createdDateTime: '2026-01-01T00:00:00.000Z',
    lastModifiedDateTime: '2026-01-01T00:00:00.000Z',
    data: {
      subject: 'Stand-up',
      start: '2026-03-02T08:00:00.000Z', // 09:00 in Berlin (winter time)
      end: '2026-03-02T08:15:00.000Z',
      startTimeZone: 'W. Europe Standard Time',
      endTimeZone: 'W. Europe Standard Time',
      isAllDay: false,
      organizer: { address: 'ada@example.test' },
      attendees: [],
      isReminderOn: false,
      reminderMinutesBeforeStart: 0,
      showAs: 'busy',
      importance: 'normal',
      sensitivity: 'normal',
      categories: [],
      iCalUId: 'uid',
      isCancelled: false,
      isOrganizer: true,
      responseRequested: false,
      recurrence: {
        pattern: {
          type: 'weekly',
          interval: 1,
          daysOfWeek: ['monday', 'wednesday'],
          firstDayOfWeek: 'monday',
        },
        range: {
          type: 'numbered',
          startDate: '2026-03-02',
          numberOfOccurrences: 6,
          recurrenceTimeZone: 'W. Europe Standard Time',
        },
      },
      modifiedOccurrences: [],
      deletedOccurrences: [],
      ...data,
    },
  };
}

/** The series with its 4 March occurrence deleted and its 9 March one moved to 13:00 (UTC). */
function withMovedException(end?: string): Item<'event'> {
  return series({
    deletedOccurrences: ['2026-03-04T08:00:00.000Z'],
    modifiedOccurrences: [
      {
        id: 'AAMkAexception',
        changeKey: 'x',
        originalStart: '2026-03-09T08:00:00.000Z',
        start: '2026-03-09T13:00:00.000Z',
        ...(end ? { end } : {}),
        subject: 'Moved',
      },
    ],
  });
}

describe('recurrence expansion', () => {
  it('keeps the local time of day across a daylight-saving change', () => {
    const all = expandEvent(
      series({}),
      Date.parse('2026-03-01T00:00:00Z'),
      Date.parse('2026-04-01T00:00:00Z'),
    );
    expect(all.map((i) => i.start)).toEqual([
      '2026-03-02T08:00:00.000Z',
      '2026-03-04T08:00:00.000Z',
      '2026-03-09T08:00:00.000Z',
      '2026-03-11T08:00:00.000Z',
      '2026-03-16T08:00:00.000Z',
      '2026-03-18T08:00:00.000Z',
    ]);
    const summer = expandEvent(
      series({
        recurrence: {
          pattern: { type: 'daily', interval: 1 },
          range: { type: 'numbered', startDate: '2026-03-28', numberOfOccurrences: 3 },
        },
        start: '2026-03-28T08:00:00.000Z',
        end: '2026-03-28T08:15:00.000Z',
      }),
      0,
      Date.parse('2027-01-01T00:00:00Z'),
    );
    expect(summer.map((i) => i.start)).toEqual([
      '2026-03-28T08:00:00.000Z',
      '2026-03-29T07:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
    ]);
  });

  it('drops deleted occurrences and replaces modified ones by their exception', () => {
    const item = withMovedException('2026-03-09T13:30:00.000Z');
    const all = expandEvent(item, Date.parse('2026-03-01T00:00:00Z'), Date.parse('2026-03-10T00:00:00Z'));
    expect(all.map((i) => [i.type, i.start])).toEqual([
      ['occurrence', '2026-03-02T08:00:00.000Z'],
      ['exception', '2026-03-09T13:00:00.000Z'],
    ]);
    expect(all[0].id).toBe(occurrenceId(item.id, '2026-03-02T08:00:00.000Z'));
    expect(parseOccurrenceId(all[0].id)).toEqual({
      masterId: item.id,
      originalStart: '2026-03-02T08:00:00.000Z',
    });
  });

  it('finds an occurrence or exception by original start, not deleted or off-pattern ones', () => {
    const item = withMovedException();
    expect(findOccurrence(item, '2026-03-02T08:00:00.000Z')).toMatchObject({
      type: 'occurrence',
      end: '2026-03-02T08:15:00.000Z',
    });
    expect(findOccurrence(item, '2026-03-09T08:00:00.000Z')).toMatchObject({
      id: 'AAMkAexception',
      type: 'exception',
      start: '2026-03-09T13:00:00.000Z',
      end: '2026-03-09T13:15:00.000Z',
    });
    expect(findOccurrence(item, '2026-03-04T08:00:00.000Z')).toBeUndefined();
    expect(findOccurrence(item, '2026-03-03T08:00:00.000Z')).toBeUndefined();
    expect(findOccurrence(item, '2026-03-23T08:00:00.000Z')).toBeUndefined();
  });
});
