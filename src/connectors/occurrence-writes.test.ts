// Which occurrences an update writes: only those that differ from what the server holds, all of
// them once the pattern was written (Exchange then holds none), an exception the item no longer
// has back to the series' values; and EWS's InstanceIndex counting deleted occurrences.
import { describe, expect, it } from 'vitest';
import { instanceIndex, occurrenceWrites } from './occurrence-writes.ts';
import type { NeutralEvent, OccurrenceChange } from './types.ts';

const zone = 'Europe/Berlin';
const at = (dateTime: string) => ({ dateTime, timeZone: zone });

function series(over: Partial<NeutralEvent> = {}): NeutralEvent {
  return {
    subject: 'Stand-up',
    start: at('2027-03-01T09:00:00'),
    end: at('2027-03-01T09:30:00'),
    isAllDay: false,
    location: 'Room 1',
    attendees: [],
    showAs: 'busy',
    importance: 'normal',
    categories: [],
    type: 'seriesMaster',
    recurrence: {
      pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'] },
      range: { type: 'numbered', startDate: '2027-03-01', numberOfOccurrences: 8 },
    },
    modifiedOccurrences: [],
    deletedOccurrences: [],
    ...over,
  };
}

const moved: OccurrenceChange = {
  originalStart: '2027-03-08T08:00:00Z',
  id: 'exception-1',
  subject: 'Moved',
  location: 'Room 1',
  start: at('2027-03-09T14:00:00'),
  end: at('2027-03-09T14:30:00'),
};
const renamed: OccurrenceChange = {
  originalStart: '2027-03-22T08:00:00Z',
  subject: 'Renamed',
  location: 'Room 1',
  start: at('2027-03-22T09:00:00'),
  end: at('2027-03-22T09:30:00'),
};

describe('occurrenceWrites', () => {
  it('writes only the occurrences and fields that differ from what the server holds', () => {
    const held = series({ modifiedOccurrences: [moved], deletedOccurrences: ['2027-03-15T08:00:00Z'] });
    const next = series({
      modifiedOccurrences: [{ ...moved, subject: 'Moved again' }, renamed],
      deletedOccurrences: ['2027-03-15T08:00:00Z', '2027-03-29T07:00:00Z'],
    });
    expect(occurrenceWrites(next, held, false)).toEqual([
      { kind: 'delete', originalStart: '2027-03-29T07:00:00Z' },
      {
        kind: 'update',
        originalStart: moved.originalStart,
        id: 'exception-1',
        change: { ...moved, subject: 'Moved again' },
        fields: ['subject'],
      },
      {
        kind: 'update',
        originalStart: renamed.originalStart,
        change: renamed,
        fields: ['subject', 'body', 'location', 'times'],
      },
    ]);
    expect(occurrenceWrites(held, held, false)).toEqual([]);
  });

  it('writes every occurrence again, by its place, once the pattern was written', () => {
    const held = series({ modifiedOccurrences: [moved], deletedOccurrences: ['2027-03-15T08:00:00Z'] });
    const writes = occurrenceWrites(held, held, true);
    expect(writes.map((w) => [w.kind, w.originalStart, w.id])).toEqual([
      ['delete', '2027-03-15T08:00:00Z', undefined],
      ['update', moved.originalStart, undefined],
    ]);
  });

  it('takes an exception the item no longer has back to the series', () => {
    const held = series({ modifiedOccurrences: [moved] });
    expect(occurrenceWrites(series(), held, false)).toEqual([
      {
        kind: 'update',
        originalStart: moved.originalStart,
        id: 'exception-1',
        change: {
          originalStart: moved.originalStart,
          subject: 'Stand-up',
          location: 'Room 1',
          start: at('2027-03-08T09:00:00'),
          end: at('2027-03-08T09:30:00'),
        },
        fields: ['subject', 'times'],
      },
    ]);
  });

  it("writes an occurrence's own show-as and reminder when they differ, and only where they were read", () => {
    const held = series({
      reminderMinutes: 15,
      modifiedOccurrences: [{ ...moved, showAs: 'busy', reminderMinutes: 15 }],
    });
    const next = series({
      reminderMinutes: 15,
      modifiedOccurrences: [
        { ...moved, showAs: 'free', reminderMinutes: null },
        { ...renamed, showAs: 'oof' },
      ],
    });
    expect(occurrenceWrites(next, held, false).map((w) => w.kind === 'update' && w.fields)).toEqual([
      ['showAs', 'reminder'],
      ['subject', 'body', 'location', 'times', 'showAs'],
    ]);
    expect(occurrenceWrites(held, held, false)).toEqual([]);
    // A protocol that does not carry them (undefined) never writes them.
    const unread = series({ modifiedOccurrences: [moved] });
    expect(occurrenceWrites(unread, unread, false)).toEqual([]);
    // Back to the series: the series' values, read and written as the occurrence's.
    const [back] = occurrenceWrites(series({ reminderMinutes: 15 }), next, false);
    expect(back).toMatchObject({
      change: { showAs: 'busy', reminderMinutes: 15 },
      fields: ['subject', 'times', 'showAs', 'reminder'],
    });
  });

  it('leaves a deleted occurrence deleted: it cannot come back without the pattern', () => {
    const held = series({ deletedOccurrences: ['2027-03-15T08:00:00Z'] });
    expect(occurrenceWrites(series(), held, false)).toEqual([]);
  });
});

describe('instanceIndex', () => {
  it('is the 1-based place in the series, deleted occurrences counted, across a change to summer time', () => {
    const s = series({ deletedOccurrences: ['2027-03-15T08:00:00Z'] });
    expect(instanceIndex(s, '2027-03-01T08:00:00Z')).toBe(1);
    expect(instanceIndex(s, '2027-03-22T08:00:00Z')).toBe(4);
    expect(instanceIndex(s, '2027-04-05T07:00:00Z')).toBe(6);
    expect(instanceIndex(s, '2027-04-05T08:00:00Z')).toBeUndefined();
  });
});
