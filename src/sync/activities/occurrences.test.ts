// Modified and deleted occurrences as their own snapshot fields (C6, occurrences.ts): round trips
// through both protocols' item forms, all-day exceptions, and that each occurrence is a unit of
// its own for the diff and for an import.
import { utcToZoned, zonedToUtc } from '@exsync/common/time';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventFromEws, eventToEws, occurrenceDetailsFromEws } from '../../connectors/ews/mapping/event.ts';
import { envelope } from '../../connectors/ews/soap.ts';
import { parseAnswerTree, type XNode } from '../../connectors/ews/xml.ts';
import {
  eventFromGraph,
  eventToGraph,
  occurrenceChangeFromGraph,
} from '../../connectors/graph/mapping/event.ts';
import type { NeutralEvent, Protocol } from '../../connectors/types.ts';
import { type Activity, SHOW_AS } from '../../crm/activities.ts';
import { normaliseRecurrence, type Recurrence } from '../../crm/recurrence.ts';
import { DEFAULT_MEETING_OPTIONS, meetingsEntity } from './entity.ts';
import {
  type ActivityMappingOptions,
  activityCreate,
  activityPatch,
  changedSnapshot,
  itemOfActivity,
  projectActivity,
  snapshotOfItem,
} from './mapping.ts';
import { cancelledOccurrences } from './occurrences.ts';

const ews: ActivityMappingOptions = { protocol: 'ews', addresses: new Map() };
const graph: ActivityMappingOptions = { protocol: 'graph', addresses: new Map() };

function activity(over: Partial<Activity> = {}): Activity {
  return {
    id: 'a1',
    ownerId: 'u1',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    version: 1,
    kind: 'meeting',
    showInCalendar: true,
    subject: 'Stand-up',
    startsAt: '2024-03-11T08:00:00.000Z',
    endsAt: '2024-03-11T08:30:00.000Z',
    timeZone: 'Europe/Berlin',
    allDay: false,
    location: 'Room 1',
    body: null,
    bodyType: 'text',
    status: 'planned',
    priority: 'normal',
    reminderMinutes: null,
    percentComplete: null,
    completedAt: null,
    showAs: 'busy',
    onlineMeetingUrl: null,
    categories: [],
    recurrence: null,
    groupIds: [],
    participants: [],
    groups: [],
    ...over,
  } as Activity;
}

const xmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const utc = (z: { dateTime: string; timeZone: string }) => zonedToUtc(z.dateTime, z.timeZone);

function parseEws(xml: string): XNode {
  const doc = parseAnswerTree(envelope(xml, { version: 'Exchange2013' }));
  return ((doc.Envelope as XNode).Body as XNode).CalendarItem as XNode;
}

const EWS_SHOW_AS: Record<NonNullable<NeutralEvent['showAs']>, string> = {
  free: 'Free',
  tentative: 'Tentative',
  busy: 'Busy',
  oof: 'OOF',
  workingElsewhere: 'WorkingElsewhere',
  unknown: 'NoData',
};

/**
 * The series as an EWS GetItem answers it: ModifiedOccurrences (times only) and DeletedOccurrences
 * on the master, and each exception's subject, location and body read from the exception itself.
 */
function throughEws(e: NeutralEvent): NeutralEvent {
  const occurrences =
    '<t:ModifiedOccurrences>' +
    (e.modifiedOccurrences ?? [])
      .map(
        (o, i) =>
          `<t:Occurrence><t:ItemId Id="x${i}"/><t:Start>${utc(o.start!)}</t:Start><t:End>${utc(o.end!)}</t:End>` +
          `<t:OriginalStart>${o.originalStart}</t:OriginalStart></t:Occurrence>`,
      )
      .join('') +
    '</t:ModifiedOccurrences><t:DeletedOccurrences>' +
    (e.deletedOccurrences ?? [])
      .map((d) => `<t:DeletedOccurrence><t:Start>${d}</t:Start></t:DeletedOccurrence>`)
      .join('') +
    '</t:DeletedOccurrences>';
  const master = eventToEws(e)
    .replace('<t:CalendarItem>', '<t:CalendarItem><t:CalendarItemType>RecurringMaster</t:CalendarItemType>')
    .replace('</t:CalendarItem>', `${occurrences}</t:CalendarItem>`);
  const read = eventFromEws(parseEws(master));
  read.modifiedOccurrences?.forEach((change, i) => {
    const o = e.modifiedOccurrences![i];
    const details =
      `<t:CalendarItem><t:Subject>${xmlText(o.subject ?? '')}</t:Subject>` +
      (o.body
        ? `<t:Body BodyType="${o.body.contentType === 'html' ? 'HTML' : 'Text'}">${xmlText(o.body.content)}</t:Body>`
        : '') +
      (o.location ? `<t:Location>${xmlText(o.location)}</t:Location>` : '') +
      // Exchange answers every exception's own free/busy status and reminder.
      `<t:ReminderIsSet>${o.reminderMinutes != null}</t:ReminderIsSet>` +
      `<t:ReminderMinutesBeforeStart>${o.reminderMinutes ?? 15}</t:ReminderMinutesBeforeStart>` +
      `<t:LegacyFreeBusyStatus>${EWS_SHOW_AS[o.showAs ?? 'busy']}</t:LegacyFreeBusyStatus>` +
      '</t:CalendarItem>';
    Object.assign(change, occurrenceDetailsFromEws(parseEws(details)));
  });
  return read;
}

/** The series as Graph gives it: the master with cancelledOccurrences, its exceptions as instances. */
function throughGraph(e: NeutralEvent): NeutralEvent {
  const json = JSON.parse(JSON.stringify(eventToGraph(e)));
  json.type = 'seriesMaster';
  json.originalStartTimeZone = json.start.timeZone;
  json.originalEndTimeZone = json.end.timeZone;
  json.cancelledOccurrences = (e.deletedOccurrences ?? []).map(
    (d) => `OID.master.${utcToZoned(d, e.start.timeZone).slice(0, 10)}`,
  );
  const read = eventFromGraph(json);
  read.modifiedOccurrences = (e.modifiedOccurrences ?? []).map((o) => {
    const instance = JSON.parse(
      JSON.stringify(
        eventToGraph({
          ...e,
          recurrence: undefined,
          subject: o.subject ?? '',
          body: o.body,
          location: o.location,
          start: o.start!,
          end: o.end!,
          // The instance answers its own free/busy status and reminder.
          showAs: o.showAs ?? e.showAs,
          reminderMinutes:
            o.reminderMinutes === undefined ? e.reminderMinutes : (o.reminderMinutes ?? undefined),
        }),
      ),
    );
    Object.assign(instance, {
      id: `exception-${o.originalStart}`,
      type: 'exception',
      originalStart: o.originalStart,
      originalStartTimeZone: instance.start.timeZone,
      originalEndTimeZone: instance.end.timeZone,
    });
    return occurrenceChangeFromGraph(instance)!;
  });
  return read;
}

const through: Record<Protocol, (e: NeutralEvent) => NeutralEvent> = { ews: throughEws, graph: throughGraph };

/** CRM → item → protocol → item → CRM create input, as a record. */
function roundTrip(record: Activity, options: ActivityMappingOptions): Activity {
  const item = through[options.protocol](itemOfActivity(record, options) as NeutralEvent);
  const input = activityCreate(snapshotOfItem(item, options), options, item.start.timeZone);
  return { ...activity(), ...(input as Partial<Activity>) };
}

const weekly = (over: Partial<Recurrence> = {}) =>
  normaliseRecurrence({ rule: { freq: 'WEEKLY', byDay: ['MO'], count: 10 }, ...over });

describe('C6: occurrences as their own fields', () => {
  const series = activity({
    recurrence: weekly({
      exceptions: [
        {
          originalStart: '2024-03-18T08:00:00.000Z',
          startsAt: '2024-03-19T13:00:00.000Z',
          endsAt: '2024-03-19T13:30:00.000Z',
          subject: 'Stand-up (moved)',
        },
      ],
      deletedOccurrences: ['2024-03-25T08:00:00.000Z'],
    }),
  });

  it('keys each modified or deleted occurrence by its original start in UTC, apart from the series fields', () => {
    const { snapshot } = projectActivity(series, ews);
    expect(Object.keys(snapshot).filter((k) => k.startsWith('occurrence:'))).toEqual([
      'occurrence:2024-03-18T08:00:00Z',
      'occurrence:2024-03-25T08:00:00Z',
    ]);
    expect(snapshot['occurrence:2024-03-18T08:00:00Z']).toEqual({
      start: '2024-03-19T13:00:00.000Z',
      end: '2024-03-19T13:30:00.000Z',
      subject: 'Stand-up (moved)',
    });
    expect(snapshot['occurrence:2024-03-25T08:00:00Z']).toEqual({ deleted: true });
    // The series' own fields do not carry them.
    expect(Object.keys(snapshot.recurrence as object).sort()).toEqual(['pattern', 'range']);
  });

  it.each([ews, graph])('round trips a moved and a deleted occurrence through $protocol', (options) => {
    const item = itemOfActivity(series, options) as NeutralEvent;
    expect(item.deletedOccurrences).toEqual(['2024-03-25T08:00:00Z']);
    expect(item.modifiedOccurrences).toEqual([
      {
        originalStart: '2024-03-18T08:00:00Z',
        subject: 'Stand-up (moved)',
        location: 'Room 1',
        start: { dateTime: '2024-03-19T14:00:00', timeZone: 'Europe/Berlin' },
        end: { dateTime: '2024-03-19T14:30:00', timeZone: 'Europe/Berlin' },
        // Its free/busy status and reminder are written too (the series' here).
        showAs: 'busy',
        reminderMinutes: null,
      },
    ]);
    expect(roundTrip(series, options).recurrence).toEqual(series.recurrence);
    const read = snapshotOfItem(through[options.protocol](item), options);
    expect(changedSnapshot(projectActivity(series, options).snapshot, read)).toEqual({});
  });

  it.each([ews, graph])(
    'round trips an all-day exception and an all-day deletion through $protocol',
    (options) => {
      const allDay = activity({
        allDay: true,
        timeZone: 'America/Los_Angeles',
        startsAt: '2024-03-11T00:00:00.000Z',
        endsAt: '2024-03-12T00:00:00.000Z',
        recurrence: weekly({
          exceptions: [
            {
              originalStart: '2024-03-18',
              startsAt: '2024-03-20T00:00:00.000Z',
              endsAt: '2024-03-22T00:00:00.000Z',
              location: 'Offsite',
            },
          ],
          deletedOccurrences: ['2024-04-01'],
        }),
      });
      const { snapshot } = projectActivity(allDay, options);
      expect(snapshot['occurrence:2024-03-18']).toEqual({
        start: '2024-03-20',
        end: '2024-03-22',
        location: 'Offsite',
      });
      expect(snapshot['occurrence:2024-04-01']).toEqual({ deleted: true });
      const item = itemOfActivity(allDay, options) as NeutralEvent;
      // Exchange names an all-day occurrence by its local midnight.
      expect(item.deletedOccurrences).toEqual(['2024-04-01T07:00:00Z']);
      expect(item.modifiedOccurrences?.[0]).toMatchObject({
        originalStart: '2024-03-18T07:00:00Z',
        start: { dateTime: '2024-03-20T00:00:00', timeZone: 'America/Los_Angeles' },
        end: { dateTime: '2024-03-22T00:00:00', timeZone: 'America/Los_Angeles' },
      });
      expect(roundTrip(allDay, options).recurrence).toEqual(allDay.recurrence);
    },
  );

  it('an exception that changes nothing is no field, on either side', () => {
    const plain = activity({
      recurrence: weekly({
        exceptions: [{ originalStart: '2024-03-18T08:00:00.000Z', subject: 'Stand-up', location: 'Room 1' }],
      }),
    });
    expect(Object.keys(projectActivity(plain, ews).snapshot).some((k) => k.startsWith('occurrence:'))).toBe(
      false,
    );
    const item = itemOfActivity(activity({ recurrence: weekly() }), ews) as NeutralEvent;
    item.modifiedOccurrences = [
      {
        originalStart: '2024-03-18T08:00:00Z',
        subject: 'Stand-up',
        location: 'Room 1',
        start: { dateTime: '2024-03-18T09:00:00', timeZone: 'Europe/Berlin' },
        end: { dateTime: '2024-03-18T09:30:00', timeZone: 'Europe/Berlin' },
      },
    ];
    expect(Object.keys(snapshotOfItem(item, ews)).some((k) => k.startsWith('occurrence:'))).toBe(false);
  });

  it('an edit of one occurrence is a change of that field only, and its import keeps the others', () => {
    const before = projectActivity(series, ews).snapshot;
    const item = itemOfActivity(series, ews) as NeutralEvent;
    item.modifiedOccurrences!.push({
      originalStart: '2024-04-08T07:00:00Z',
      subject: 'Stand-up',
      start: { dateTime: '2024-04-08T10:00:00', timeZone: 'Europe/Berlin' },
      end: { dateTime: '2024-04-08T10:30:00', timeZone: 'Europe/Berlin' },
    });
    const changed = changedSnapshot(before, snapshotOfItem(item, ews));
    expect(changed).toEqual({
      'occurrence:2024-04-08T07:00:00Z': {
        start: '2024-04-08T08:00:00.000Z',
        end: '2024-04-08T08:30:00.000Z',
      },
    });
    const patch = activityPatch(changed, series, ews);
    expect(Object.keys(patch)).toEqual(['recurrence']);
    expect(patch.recurrence).toEqual({
      ...series.recurrence,
      exceptions: [
        ...series.recurrence!.exceptions!,
        {
          originalStart: '2024-04-08T07:00:00.000Z',
          startsAt: '2024-04-08T08:00:00.000Z',
          endsAt: '2024-04-08T08:30:00.000Z',
        },
      ],
    });
    // An occurrence gone back to the series (no value) leaves the CRM's list, the others stay.
    const back = activityPatch({ 'occurrence:2024-03-25T08:00:00Z': null }, series, ews);
    expect(back.recurrence).toEqual({ ...series.recurrence, deletedOccurrences: [] });
  });

  it('names each cancelled occurrence, and only those, by its date in the series zone', () => {
    const { snapshot } = projectActivity(series, ews);
    expect(cancelledOccurrences(snapshot)).toEqual({
      'occurrence:2024-03-25T08:00:00Z': 'the occurrence on 25 March 2024',
    });
    expect(meetingsEntity.cancelledParts?.(snapshot, DEFAULT_MEETING_OPTIONS)).toEqual(
      cancelledOccurrences(snapshot),
    );
    // 23:30 in UTC is the next day in Berlin; an all-day occurrence is its date.
    expect(
      cancelledOccurrences({
        timeZone: 'Europe/Berlin',
        'occurrence:2024-03-24T23:30:00Z': { deleted: true },
        'occurrence:2024-03-31T23:30:00Z': {
          start: '2024-04-01T08:00:00.000Z',
          end: '2024-04-01T09:00:00.000Z',
        },
      }),
    ).toEqual({ 'occurrence:2024-03-24T23:30:00Z': 'the occurrence on 25 March 2024' });
    expect(
      cancelledOccurrences({
        allDay: true,
        timeZone: 'Pacific/Honolulu',
        'occurrence:2024-04-01': { deleted: true },
      }),
    ).toEqual({ 'occurrence:2024-04-01': 'the occurrence on 1 April 2024' });
    expect(cancelledOccurrences({ subject: 'Single' })).toEqual({});
  });
});

describe("C6: an occurrence's own free/busy status and reminder", () => {
  const at = (originalStart: string) => ({
    originalStart,
    startsAt: originalStart,
    endsAt: new Date(Date.parse(originalStart) + 30 * 60_000).toISOString(),
  });
  const series = activity({
    showAs: 'busy',
    reminderMinutes: 15,
    recurrence: weekly({
      // In the form an import stores: every exception with its times.
      exceptions: [
        { ...at('2024-03-18T08:00:00.000Z'), showAs: 'free', reminderMinutes: null },
        { ...at('2024-03-25T08:00:00.000Z'), subject: 'Review', reminderMinutes: 5 },
        { ...at('2024-04-01T07:00:00.000Z'), showAs: 'working_elsewhere' },
      ],
    }),
  });

  it('are part of the unit, only where they differ from the series', () => {
    const { snapshot } = projectActivity(series, ews);
    expect(snapshot['occurrence:2024-03-18T08:00:00Z']).toEqual({
      start: '2024-03-18T08:00:00.000Z',
      end: '2024-03-18T08:30:00.000Z',
      showAs: 'free',
      reminderMinutes: null,
    });
    expect(snapshot['occurrence:2024-03-25T08:00:00Z']).toMatchObject({
      subject: 'Review',
      reminderMinutes: 5,
    });
    // The series' own values make no exception.
    const same = activity({
      ...series,
      recurrence: weekly({
        exceptions: [{ originalStart: '2024-03-18T08:00:00.000Z', showAs: 'busy', reminderMinutes: 15 }],
      }),
    });
    expect(
      Object.keys(projectActivity(same, ews).snapshot).filter((k) => k.startsWith('occurrence:')),
    ).toEqual([]);
  });

  it.each([ews, graph])(
    'are written through $protocol as the occurrence holds them, the series giving what it has not of its own',
    (options) => {
      const item = itemOfActivity(series, options) as NeutralEvent;
      expect(item.modifiedOccurrences!.map((o) => [o.showAs, o.reminderMinutes])).toEqual([
        ['free', null],
        ['busy', 5],
        ['workingElsewhere', 15],
      ]);
      expect(roundTrip(series, options).recurrence).toEqual(series.recurrence);
      const read = snapshotOfItem(through[options.protocol](item), options);
      expect(changedSnapshot(projectActivity(series, options).snapshot, read)).toEqual({});
    },
  );

  it.each([ews, graph])(
    'read through $protocol are a change of that occurrence, and its import writes them into the exception',
    (options) => {
      const item = through[options.protocol](itemOfActivity(series, options) as NeutralEvent);
      item.modifiedOccurrences![0].showAs = 'tentative';
      item.modifiedOccurrences![0].reminderMinutes = 30;
      const changed = changedSnapshot(
        projectActivity(series, options).snapshot,
        snapshotOfItem(item, options),
      );
      expect(changed).toEqual({
        'occurrence:2024-03-18T08:00:00Z': {
          start: '2024-03-18T08:00:00.000Z',
          end: '2024-03-18T08:30:00.000Z',
          showAs: 'tentative',
          reminderMinutes: 30,
        },
      });
      const patch = activityPatch(changed, series, options);
      expect((patch.recurrence as Recurrence).exceptions).toEqual([
        { ...at('2024-03-18T08:00:00.000Z'), showAs: 'tentative', reminderMinutes: 30 },
        ...series.recurrence!.exceptions!.slice(1),
      ]);
    },
  );
});

const text = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 .,'-]{0,20}[A-Za-z0-9]$/);
const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Australia/Sydney',
  'Asia/Kolkata',
  'Pacific/Auckland',
];

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** A daily series with exceptions and deletions on distinct days, in the form an import stores. */
function seriesArb() {
  return fc
    .record({
      zone: fc.constantFrom(...ZONES),
      day: fc.integer({ min: 0, max: 3000 }).map((n) => addDays('2021-01-04', n)),
      hour: fc.integer({ min: 6, max: 20 }),
      allDay: fc.boolean(),
      length: fc.integer({ min: 1, max: 8 }),
      subject: text,
      location: fc.option(text, { nil: null }),
      body: fc.option(text, { nil: null }),
      bodyType: fc.constantFrom('text' as const, 'html' as const),
      days: fc.uniqueArray(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 6 }),
      deletedShare: fc.integer({ min: 0, max: 6 }),
      showAs: fc.constantFrom(...SHOW_AS),
      reminder: fc.option(fc.integer({ min: 0, max: 2880 }), { nil: null }),
    })
    .chain((s) => {
      const originalOf = (n: number) =>
        s.allDay
          ? addDays(s.day, n)
          : new Date(
              Date.parse(zonedToUtc(`${addDays(s.day, n)}T${String(s.hour).padStart(2, '0')}:00:00`, s.zone)),
            ).toISOString();
      const sorted = [...s.days].sort((a, b) => a - b);
      const deleted = sorted.slice(0, Math.min(s.deletedShare, sorted.length - 1));
      const modified = sorted.slice(deleted.length);
      const exception = (n: number) =>
        fc
          .record({
            shift: fc.integer({ min: 1, max: 20 }),
            length: fc.integer({ min: 1, max: 8 }),
            subject: fc.option(
              text.map((t) => `${t} (once)`),
              { nil: undefined },
            ),
            location: fc.option(
              text.map((t) => `${t} room`),
              { nil: undefined },
            ),
            body: fc.option(
              text.map((t) => `${t} note`),
              { nil: undefined },
            ),
            showAs: fc.option(fc.constantFrom(...SHOW_AS), { nil: undefined }),
            reminder: fc.option(fc.option(fc.integer({ min: 0, max: 2880 }), { nil: null }), {
              nil: undefined,
            }),
          })
          .map((x) => {
            const originalStart = originalOf(n);
            const start = s.allDay
              ? `${addDays(originalStart, x.shift % 3)}T00:00:00.000Z`
              : new Date(Date.parse(originalStart) + x.shift * 15 * 60_000).toISOString();
            const end = s.allDay
              ? `${addDays(start.slice(0, 10), 1 + (x.length % 3))}T00:00:00.000Z`
              : new Date(Date.parse(start) + x.length * 15 * 60_000).toISOString();
            return {
              originalStart,
              startsAt: start,
              endsAt: end,
              ...(x.subject ? { subject: x.subject } : {}),
              ...(x.location ? { location: x.location } : {}),
              ...(x.body ? { body: x.body } : {}),
              // Of its own only where it differs from the series (else the import stores none).
              ...(x.showAs !== undefined && x.showAs !== s.showAs ? { showAs: x.showAs } : {}),
              ...(x.reminder !== undefined && x.reminder !== s.reminder
                ? { reminderMinutes: x.reminder }
                : {}),
            };
          })
          // A moved all-day occurrence that lands where it was, as long as it was, changes nothing.
          .filter(
            (e) =>
              !s.allDay ||
              e.startsAt.slice(0, 10) !== e.originalStart ||
              e.endsAt.slice(0, 10) !== addDays(e.originalStart, 1) ||
              'subject' in e ||
              'location' in e ||
              'body' in e ||
              'showAs' in e ||
              'reminderMinutes' in e,
          );
      return fc.tuple(
        fc.constant(s),
        fc.tuple(...modified.map(exception)),
        fc.constant(deleted.map(originalOf)),
      );
    })
    .map(([s, exceptions, deletedOccurrences]) => {
      const startsAt = s.allDay
        ? `${s.day}T00:00:00.000Z`
        : zonedToUtc(`${s.day}T${String(s.hour).padStart(2, '0')}:00:00`, s.zone);
      const start = new Date(Date.parse(startsAt)).toISOString();
      return activity({
        timeZone: s.zone,
        allDay: s.allDay,
        startsAt: start,
        endsAt: s.allDay
          ? `${addDays(s.day, 1)}T00:00:00.000Z`
          : new Date(Date.parse(start) + s.length * 15 * 60_000).toISOString(),
        subject: s.subject,
        location: s.location,
        body: s.body,
        bodyType: s.body ? s.bodyType : 'text',
        showAs: s.showAs,
        reminderMinutes: s.reminder,
        recurrence: normaliseRecurrence({
          rule: { freq: 'DAILY', count: 60 },
          exceptions,
          deletedOccurrences,
        }),
      });
    });
}

describe.each([ews, graph])('occurrences round trip CRM → $protocol → CRM (fast-check)', (options) => {
  it('keeps every modified and deleted occurrence, timed or all-day, in any zone', () => {
    fc.assert(
      fc.property(seriesArb(), (record) => {
        expect(roundTrip(record, options).recurrence).toEqual(record.recurrence);
        const item = through[options.protocol](itemOfActivity(record, options) as NeutralEvent);
        expect(
          changedSnapshot(projectActivity(record, options).snapshot, snapshotOfItem(item, options)),
        ).toEqual({});
      }),
      { numRuns: 150 },
    );
  });
});
