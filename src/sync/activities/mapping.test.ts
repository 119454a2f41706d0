import { utcToZoned, zonedToUtc } from '@exsync/common/time';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventFromEws, eventToEws } from '../../connectors/ews/mapping/event.ts';
import { taskFromEws, taskToEws } from '../../connectors/ews/mapping/task.ts';
import { envelope } from '../../connectors/ews/soap.ts';
import { parseAnswerTree, type XNode } from '../../connectors/ews/xml.ts';
import { eventFromGraph, eventToGraph } from '../../connectors/graph/mapping/event.ts';
import { taskFromGraph, taskToGraph } from '../../connectors/graph/mapping/task.ts';
import type { NeutralEvent, NeutralTask, Protocol } from '../../connectors/types.ts';
import type { Activity } from '../../crm/activities.ts';
import type { Participant } from '../../crm/participants.ts';
import { normaliseRecurrence, type RecurrenceRule } from '../../crm/recurrence.ts';
import type { AddressIndex } from './attendees.ts';
import { matchAttendees } from './attendees.ts';
import { meetingsEntity } from './entity.ts';
import {
  type ActivityItem,
  type ActivityMappingOptions,
  activityCreate,
  activityPatch,
  attendeesChangedSince,
  changedSnapshot,
  exchangeZone,
  itemOfActivity,
  projectActivity,
  snapshotOfItem,
} from './mapping.ts';
import { occurrenceKey, seriesKey } from './meeting-key.ts';
import { type ActivitySyncOptions, DEFAULT_ACTIVITY_SYNC_OPTIONS } from './scope.ts';

const NO_ADDRESSES: AddressIndex = new Map();
const ews: ActivityMappingOptions = { protocol: 'ews', addresses: NO_ADDRESSES };
const graph: ActivityMappingOptions = { protocol: 'graph', addresses: NO_ADDRESSES };

function activity(over: Partial<Activity> = {}): Activity {
  return {
    id: 'a1',
    ownerId: 'u1',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    version: 1,
    kind: 'meeting',
    showInCalendar: true,
    subject: 'Review',
    startsAt: '2024-03-11T08:00:00.000Z',
    endsAt: '2024-03-11T09:00:00.000Z',
    timeZone: 'Europe/Berlin',
    allDay: false,
    location: null,
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

/** The CRM record a create input becomes, as the repository returns it (participants resolved). */
function asRecord(input: Record<string, unknown>, base: Activity): Activity {
  const participants = ((input.participants ?? []) as Array<Partial<Participant>>).map(
    (p): Participant => ({
      type: p.type!,
      id: p.id ?? null,
      email: p.email ?? null,
      name: p.name ?? null,
      role: p.role!,
      response: p.response!,
    }),
  );
  const { participants: _, ...rest } = input;
  return { ...base, ...(rest as Partial<Activity>), participants };
}

/** What an EWS answer carries back for what the builder wrote, read as the parser sees it. */
function throughEws(item: ActivityItem): ActivityItem {
  const isEvent = 'isAllDay' in item;
  const tag = isEvent ? 'CalendarItem' : 'Task';
  // Exchange keeps a task's start and due date as dates: the sandbox keeps the date of what it is sent.
  let xml = isEvent
    ? eventToEws(item)
    : taskToEws(item).replace(/(<t:(?:StartDate|DueDate)>\d{4}-\d{2}-\d{2})T[^<]*/g, '$1T00:00:00Z');
  if (isEvent && item.recurrence)
    xml = xml.replace(
      '<t:CalendarItem>',
      '<t:CalendarItem><t:CalendarItemType>RecurringMaster</t:CalendarItemType>',
    );
  const doc = parseAnswerTree(envelope(xml, { version: 'Exchange2013' }));
  const node = ((doc.Envelope as XNode).Body as XNode)[tag] as XNode;
  return isEvent ? serverSide(item, eventFromEws(node)) : taskFromEws(node);
}

/** What a Graph answer carries back: the event in the zone it was created in. */
function throughGraph(item: ActivityItem): ActivityItem {
  if (!('isAllDay' in item)) {
    // To Do keeps the date of startDateTime and dueDateTime only, and answers it at midnight UTC.
    const json = JSON.parse(JSON.stringify(taskToGraph(item)));
    for (const key of ['startDateTime', 'dueDateTime'])
      if (json[key])
        json[key] = { dateTime: `${json[key].dateTime.slice(0, 10)}T00:00:00.0000000`, timeZone: 'UTC' };
    return taskFromGraph(json);
  }
  const json = JSON.parse(JSON.stringify(eventToGraph(item, { attendees: true })));
  json.originalStartTimeZone = json.start.timeZone;
  json.originalEndTimeZone = json.end.timeZone;
  json.type = item.recurrence ? 'seriesMaster' : 'singleInstance';
  return serverSide(item, eventFromGraph(json));
}

/**
 * What the server sets itself rather than takes from a write: the organizer (the mailbox), the
 * join link, and the attendees' answers (each attendee gives their own).
 */
function serverSide(sent: NeutralEvent, read: NeutralEvent): NeutralEvent {
  const answer = new Map(sent.attendees.map((a) => [a.address, a.response]));
  return {
    ...read,
    ...(sent.organizer ? { organizer: sent.organizer } : {}),
    ...(sent.onlineMeetingUrl ? { onlineMeetingUrl: sent.onlineMeetingUrl } : {}),
    attendees: read.attendees.map((a) => ({ ...a, response: answer.get(a.address) ?? a.response })),
  };
}

const through: Record<Protocol, (item: ActivityItem) => ActivityItem> = {
  ews: throughEws,
  graph: throughGraph,
};

/** CRM → Exchange item → protocol → Exchange item → CRM record. */
function roundTrip(record: Activity, options: ActivityMappingOptions): Activity {
  const item = through[options.protocol](itemOfActivity(record, options));
  const zone = 'isAllDay' in item ? item.start.timeZone : (item.start ?? item.due)?.timeZone;
  const input = activityCreate(snapshotOfItem(item, options), options, zone);
  return asRecord(input, activity({ participants: [] }));
}

describe('C4: meeting or task', () => {
  it('exports an activity shown in the calendar as a meeting, any other as a task', () => {
    expect('isAllDay' in itemOfActivity(activity(), ews)).toBe(true);
    const task = itemOfActivity(activity({ kind: 'task', showInCalendar: false }), ews);
    expect('status' in task && !('isAllDay' in task)).toBe(true);
  });
});

describe('C6: times and zones', () => {
  it('writes an instant as the wall time of the activity’s own zone', () => {
    const e = itemOfActivity(activity(), ews) as NeutralEvent;
    expect(e.start).toEqual({ dateTime: '2024-03-11T09:00:00', timeZone: 'Europe/Berlin' });
    expect(e.end).toEqual({ dateTime: '2024-03-11T10:00:00', timeZone: 'Europe/Berlin' });
  });

  it.each(['Pacific/Honolulu', 'Pacific/Kiritimati', 'UTC'])(
    'an all-day event on 2024-03-10 is 2024-03-10 seen from %s, both ways',
    (timeZone) => {
      const record = activity({
        allDay: true,
        startsAt: '2024-03-10T00:00:00.000Z',
        endsAt: '2024-03-11T00:00:00.000Z',
        timeZone,
      });
      const e = itemOfActivity(record, ews) as NeutralEvent;
      expect(e.start).toEqual({ dateTime: '2024-03-10T00:00:00', timeZone });
      expect(e.end).toEqual({ dateTime: '2024-03-11T00:00:00', timeZone });
      for (const options of [ews, graph]) {
        const back = roundTrip(record, options);
        expect([back.startsAt, back.endsAt, back.allDay]).toEqual([record.startsAt, record.endsAt, true]);
      }
    },
  );

  it('keeps a zone that Exchange reads back under another name of the same Windows zone', () => {
    const record = activity({ timeZone: 'America/Toronto' });
    const item = throughEws(itemOfActivity(record, ews)) as NeutralEvent;
    expect(item.start.timeZone).toBe('America/New_York');
    const changed = changedSnapshot(projectActivity(record, ews).snapshot, snapshotOfItem(item, ews));
    expect(changed).toEqual({});
    expect(activityPatch({ timeZone: 'America/New_York' }, record, ews)).toEqual({});
  });

  it('reads the later pass of a repeated hour as the earlier one (RFC 5545), a limit of wall times', () => {
    // 2024-10-27 02:30 happens twice in Berlin: 00:30Z (CEST) and 01:30Z (CET).
    const record = activity({ startsAt: '2024-10-27T01:30:00.000Z', endsAt: '2024-10-27T03:00:00.000Z' });
    expect(roundTrip(record, graph).startsAt).toBe('2024-10-27T00:30:00.000Z');
  });
});

describe('C6: recurrence', () => {
  const weekly: RecurrenceRule = { freq: 'WEEKLY', interval: 1 };

  it('a weekly rule keeps the series’ own zone and weekdays', () => {
    // Monday 09:00 in Kiritimati (UTC+14) is Sunday 19:00 in UTC.
    const record = activity({
      startsAt: '2024-03-10T19:00:00.000Z',
      endsAt: '2024-03-10T20:00:00.000Z',
      timeZone: 'Pacific/Kiritimati',
      recurrence: normaliseRecurrence({ rule: weekly }),
    });
    const e = itemOfActivity(record, ews) as NeutralEvent;
    expect(e.recurrence).toEqual({
      pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'] },
      range: { type: 'noEnd', startDate: '2024-03-11' },
    });
    expect(e.start.timeZone).toBe('Pacific/Kiritimati');
    expect(roundTrip(record, ews).recurrence?.rule).toEqual({ ...weekly, byDay: ['MO'] });
  });

  it('a weekly series read over EWS or Graph gets one rule: the week start only where it skips weeks', () => {
    // As each protocol reads the same series: Graph always names a first day of the week, EWS
    // may not (Exchange's Sunday then).
    const read = (interval: number, firstDayOfWeek?: 'sunday' | 'monday') =>
      snapshotOfItem(
        {
          ...(itemOfActivity(activity(), ews) as NeutralEvent),
          type: 'seriesMaster',
          recurrence: {
            pattern: {
              type: 'weekly',
              interval,
              daysOfWeek: ['tuesday'],
              ...(firstDayOfWeek ? { firstDayOfWeek } : {}),
            },
            range: { type: 'numbered', startDate: '2024-03-12', numberOfOccurrences: 4 },
          },
        } as NeutralEvent,
        ews,
      );
    const ruleOf = (interval: number, firstDayOfWeek?: 'sunday' | 'monday') =>
      (activityCreate(read(interval, firstDayOfWeek), ews, 'UTC') as Partial<Activity>).recurrence?.rule;
    const plain = { freq: 'WEEKLY', interval: 1, byDay: ['TU'], count: 4 };
    expect(ruleOf(1, 'sunday')).toEqual(plain);
    expect(ruleOf(1)).toEqual(plain);
    expect(ruleOf(1, 'monday')).toEqual(plain);
    expect(read(1, 'sunday').recurrence).toEqual(read(1).recurrence);
    // Every other week: Sunday and Monday starts make different weeks, so the start stays.
    expect(ruleOf(2, 'sunday')).toEqual({ ...plain, interval: 2, wkst: 'SU' });
    expect(ruleOf(2)).toEqual({ ...plain, interval: 2, wkst: 'SU' });
    expect(ruleOf(2, 'monday')).toEqual({ ...plain, interval: 2 });
  });

  it.each<[string, RecurrenceRule, object]>([
    ['daily', { freq: 'DAILY', interval: 2, count: 5 }, { type: 'daily', interval: 2 }],
    [
      'monthly on a day',
      { freq: 'MONTHLY', interval: 1 },
      { type: 'absoluteMonthly', interval: 1, dayOfMonth: 11 },
    ],
    [
      'monthly on the 2nd Tuesday',
      { freq: 'MONTHLY', interval: 1, byDay: ['2TU'] },
      { type: 'relativeMonthly', interval: 1, daysOfWeek: ['tuesday'], index: 'second' },
    ],
    [
      'monthly on the last weekday',
      { freq: 'MONTHLY', interval: 1, byDay: ['MO', 'TU', 'WE', 'TH', 'FR'], bySetPos: [-1] },
      {
        type: 'relativeMonthly',
        interval: 1,
        daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
        index: 'last',
      },
    ],
    [
      'yearly',
      { freq: 'YEARLY', interval: 1 },
      { type: 'absoluteYearly', interval: 1, month: 3, dayOfMonth: 11 },
    ],
    [
      'yearly on the last Sunday of October',
      { freq: 'YEARLY', interval: 1, byMonth: [10], byDay: ['-1SU'] },
      { type: 'relativeYearly', interval: 1, month: 10, daysOfWeek: ['sunday'], index: 'last' },
    ],
  ])('%s', (_name, rule, pattern) => {
    const e = itemOfActivity(activity({ recurrence: normaliseRecurrence({ rule }) }), ews) as NeutralEvent;
    expect(e.recurrence?.pattern).toEqual(pattern);
  });

  it('ends a series by count, by the zone’s date, or never', () => {
    const at = (rule: RecurrenceRule) =>
      (itemOfActivity(activity({ recurrence: normaliseRecurrence({ rule }) }), ews) as NeutralEvent)
        .recurrence?.range;
    expect(at({ freq: 'DAILY', count: 3 })).toEqual({
      type: 'numbered',
      startDate: '2024-03-11',
      numberOfOccurrences: 3,
    });
    // 23:30Z on the 20th is already the 21st in Berlin.
    expect(at({ freq: 'DAILY', until: '2024-03-20T23:30:00.000Z' })).toEqual({
      type: 'endDate',
      startDate: '2024-03-11',
      endDate: '2024-03-21',
    });
    expect(at({ freq: 'DAILY' })).toEqual({ type: 'noEnd', startDate: '2024-03-11' });
  });

  it('lists a rule Exchange cannot hold, and an import keeps it', () => {
    const rule: RecurrenceRule = { freq: 'MONTHLY', interval: 1, byMonthDay: [1, 15] };
    const record = activity({ recurrence: normaliseRecurrence({ rule }) });
    const { snapshot, notExported } = projectActivity(record, ews);
    expect(snapshot.recurrence).toBeNull();
    expect(notExported).toEqual([
      { field: 'recurrence', value: rule, reason: expect.stringMatching(/cannot repeat/) },
    ]);
    expect(activityPatch({ recurrence: null, subject: 'New' }, record, ews)).toEqual({ subject: 'New' });
  });

  it('an unchanged recurrence is no change, whatever defaults the protocol reads back', () => {
    const record = activity({
      recurrence: normaliseRecurrence({ rule: { freq: 'MONTHLY', byDay: ['2TU'] } }),
    });
    for (const options of [ews, graph]) {
      const item = through[options.protocol](itemOfActivity(record, options));
      expect(
        changedSnapshot(projectActivity(record, options).snapshot, snapshotOfItem(item, options)),
      ).toEqual({});
    }
  });
});

describe('C6, C8: organizer, attendees and responses', () => {
  const participants: Participant[] = [
    { type: 'user', id: 'u1', email: 'me@corp.test', name: 'Me', role: 'organizer', response: 'accepted' },
    { type: 'contact', id: 'c1', email: 'ada@x.test', name: 'Ada', role: 'required', response: 'tentative' },
    { type: 'email', id: null, email: 'room@corp.test', name: null, role: 'resource', response: 'accepted' },
    { type: 'lead', id: 'l1', email: 'bob@y.test', name: null, role: 'optional', response: 'none' },
  ];

  it('writes the organizer and the attendees with their types and responses', () => {
    const e = itemOfActivity(activity({ participants }), ews) as NeutralEvent;
    expect(e.organizer).toEqual({ address: 'me@corp.test', name: 'Me' });
    expect(e.attendees).toEqual([
      { address: 'bob@y.test', type: 'optional', response: 'none' },
      { address: 'ada@x.test', name: 'Ada', type: 'required', response: 'tentative' },
      { address: 'room@corp.test', type: 'resource', response: 'accepted' },
    ]);
  });

  it('unchanged attendees in another order are no change', () => {
    const record = activity({ participants });
    const item = itemOfActivity(record, ews) as NeutralEvent;
    const reordered = { ...item, attendees: [...item.attendees].reverse() };
    expect(changedSnapshot(projectActivity(record, ews).snapshot, snapshotOfItem(reordered, ews))).toEqual(
      {},
    );
  });

  it('lists a participant without an email address, and an import keeps it', () => {
    const silent: Participant = {
      type: 'contact',
      id: 'c9',
      email: null,
      name: 'Nomail',
      role: 'required',
      response: 'none',
    };
    const record = activity({ participants: [silent] });
    expect(projectActivity(record, ews).notExported).toEqual([
      expect.objectContaining({ field: 'participants', reason: expect.stringMatching(/has none/) }),
    ]);
    const patch = activityPatch(
      { attendees: [{ address: 'new@x.test', name: null, type: 'required', response: 'none' }] },
      record,
      ews,
    );
    expect(patch.participants).toEqual([
      { type: 'email', email: 'new@x.test', role: 'required', response: 'none' },
      { type: 'contact', id: 'c9', name: 'Nomail', role: 'required', response: 'none' },
    ]);
  });

  it('matches addresses to users before contacts before leads, keeps unknown ones as addresses, and responses', () => {
    const index: AddressIndex = new Map([
      [
        'ada@x.test',
        [
          { type: 'lead', id: 'l7' },
          { type: 'contact', id: 'c7' },
        ],
      ],
      [
        'me@corp.test',
        [
          { type: 'contact', id: 'c8' },
          { type: 'user', id: 'u8' },
        ],
      ],
    ]);
    expect(
      matchAttendees(
        { address: 'ME@corp.test', name: 'Me' },
        [
          { address: 'ada@x.test', name: null, type: 'required', response: 'declined' },
          { address: 'who@z.test', name: 'Who', type: 'optional', response: 'tentative' },
        ],
        index,
      ),
    ).toEqual([
      { type: 'user', id: 'u8', email: 'me@corp.test', name: 'Me', role: 'organizer', response: 'accepted' },
      { type: 'contact', id: 'c7', email: 'ada@x.test', role: 'required', response: 'declined' },
      { type: 'email', email: 'who@z.test', name: 'Who', role: 'optional', response: 'tentative' },
    ]);
  });

  it('an import keeps the organizer’s own answer in the CRM', () => {
    const mine = participants.map((p) =>
      p.role === 'organizer' ? { ...p, response: 'tentative' as const } : p,
    );
    const [organizer] = matchAttendees({ address: 'me@corp.test', name: 'Me' }, [], NO_ADDRESSES, mine);
    expect(organizer).toMatchObject({ type: 'user', id: 'u1', role: 'organizer', response: 'tentative' });
  });

  it('an import keeps the record a participant already names for its address', () => {
    const index: AddressIndex = new Map([['ada@x.test', [{ type: 'user', id: 'u5' }]]]);
    const [ada] = matchAttendees(
      null,
      [{ address: 'ada@x.test', name: null, type: 'required', response: 'accepted' }],
      index,
      participants,
    );
    expect(ada).toMatchObject({ type: 'contact', id: 'c1', response: 'accepted' });
  });

  it('on an item that never held the CRM’s attendees, the item’s change since the link comes in, not its list', () => {
    const record = activity({ participants });
    const olga = {
      address: 'olga@z.test',
      name: 'Olga',
      type: 'required' as const,
      response: 'none' as const,
    };
    // The Outlook user added Olga to the item created without attendees: the CRM keeps its own.
    const added = activityPatch({ attendees: [olga] }, record, graph, { attendees: [] });
    expect(added.participants).toEqual([
      { type: 'user', id: 'u1', email: 'me@corp.test', name: 'Me', role: 'organizer', response: 'accepted' },
      { type: 'lead', id: 'l1', email: 'bob@y.test', role: 'optional', response: 'none' },
      {
        type: 'contact',
        id: 'c1',
        email: 'ada@x.test',
        name: 'Ada',
        role: 'required',
        response: 'tentative',
      },
      { type: 'email', email: 'olga@z.test', name: 'Olga', role: 'required', response: 'none' },
      { type: 'email', email: 'room@corp.test', role: 'resource', response: 'accepted' },
    ]);
    // Without the link's value (any other meeting), the item's list replaces the CRM's.
    expect(activityPatch({ attendees: [olga] }, record, graph).participants).toEqual([
      { type: 'user', id: 'u1', email: 'me@corp.test', name: 'Me', role: 'organizer', response: 'accepted' },
      { type: 'email', email: 'olga@z.test', name: 'Olga', role: 'required', response: 'none' },
    ]);
    // Olga removed in Outlook again: she goes, the CRM's own stay; her answer alone is no removal.
    const withOlga = activity({
      participants: [
        ...participants,
        { type: 'email', id: null, email: 'olga@z.test', name: 'Olga', role: 'required', response: 'none' },
      ],
    });
    expect(activityPatch({ attendees: [] }, withOlga, graph, { attendees: [olga] }).participants).toEqual(
      (added.participants as Array<{ email?: string }>).filter((p) => p.email !== 'olga@z.test'),
    );
    const accepted = { ...olga, response: 'accepted' as const };
    expect(
      activityPatch({ attendees: [accepted] }, withOlga, graph, { attendees: [olga] }).participants,
    ).toContainEqual({
      type: 'email',
      email: 'olga@z.test',
      name: 'Olga',
      role: 'required',
      response: 'accepted',
    });
    // The Outlook user invites one the CRM has already: the item's answer is taken, nobody doubles.
    const ada = {
      address: 'ada@x.test',
      name: 'Ada',
      type: 'required' as const,
      response: 'declined' as const,
    };
    const both = activityPatch({ attendees: [ada] }, record, graph, { attendees: [] });
    expect(
      (both.participants as Array<{ email?: string; response: string }>).filter(
        (p) => p.email === 'ada@x.test',
      ),
    ).toEqual([expect.objectContaining({ type: 'contact', id: 'c1', response: 'declined' })]);
  });

  it('the meetings entity takes the item’s change only where the item never held the CRM’s attendees', () => {
    const olga = {
      address: 'olga@z.test',
      name: 'Olga',
      type: 'required' as const,
      response: 'none' as const,
    };
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    const record = activity({
      participants,
      createdAt: new Date().toISOString(),
      startsAt: inAnHour,
      endsAt: new Date(Date.now() + 7_200_000).toISOString(),
    });
    const options = (over: Partial<ActivitySyncOptions>): ActivitySyncOptions => ({
      ...DEFAULT_ACTIVITY_SYNC_OPTIONS,
      ...over,
    });
    const addresses = (patch: Record<string, unknown>) =>
      (patch.participants as Array<{ email?: string; role: string }>)
        .filter((p) => p.role !== 'organizer')
        .map((p) => p.email)
        .sort();
    const patch = (o: ActivitySyncOptions) =>
      meetingsEntity.toPatch({ attendees: [olga] }, record, o, { attendees: [] });
    // Graph, the invitation setting off: kept, so the CRM's own stay beside Olga.
    expect(addresses(patch(options({ protocol: 'graph' })))).toEqual([
      'ada@x.test',
      'bob@y.test',
      'olga@z.test',
      'room@corp.test',
    ]);
    // Graph sending invitations, and EWS: the item was written the CRM's attendees; its list is taken.
    const since = new Date(Date.now() - 60_000).toISOString();
    expect(addresses(patch(options({ protocol: 'graph', sendInvitationsSince: since })))).toEqual([
      'olga@z.test',
    ]);
    expect(addresses(patch(options({ protocol: 'ews' })))).toEqual(['olga@z.test']);
  });

  it('attendeesChangedSince: adds, removes and updates what the item changed; keeps the rest', () => {
    const a = (address: string, response: 'none' | 'accepted' = 'none') => ({
      address,
      name: null,
      type: 'required' as const,
      response,
    });
    // The CRM's own (c), one the item added (x), one the CRM removed that the item answers for (y).
    expect(attendeesChangedSince([a('c@t')], [], [a('x@t')])).toEqual([a('c@t'), a('x@t')]);
    expect(attendeesChangedSince([a('c@t'), a('x@t')], [a('x@t')], [])).toEqual([a('c@t')]);
    expect(attendeesChangedSince([a('c@t')], [a('y@t')], [a('y@t', 'accepted')])).toEqual([a('c@t')]);
    expect(attendeesChangedSince([a('c@t'), a('x@t')], [a('x@t')], [a('X@t', 'accepted')])).toEqual([
      a('c@t'),
      { ...a('X@t'), response: 'accepted' },
    ]);
    // Unchanged: the CRM's list as it is.
    expect(attendeesChangedSince([a('c@t')], [a('x@t')], [a('x@t')])).toEqual([a('c@t')]);
  });

  it('reads Exchange’s answers in the CRM’s words', () => {
    const e = itemOfActivity(activity(), ews) as NeutralEvent;
    const read = snapshotOfItem(
      {
        ...e,
        attendees: [
          { address: 'a@x.test', type: 'required', response: 'notResponded' },
          { address: 'b@x.test', type: 'required', response: 'organizer' },
        ],
      },
      ews,
    );
    expect((read.attendees as Array<{ response: string }>).map((a) => a.response)).toEqual([
      'none',
      'accepted',
    ]);
  });
});

describe('C7: tasks', () => {
  const task = (over: Partial<Activity> = {}) =>
    activity({
      kind: 'task',
      showInCalendar: false,
      startsAt: '2024-03-11T08:00:00.000Z',
      endsAt: '2024-03-15T16:00:00.000Z',
      ...over,
    });

  it('keeps start and due as the task’s own dates, and an import of a new date keeps the time of day', () => {
    // Monday 09:00 in Kiritimati is Sunday 19:00 in UTC.
    const record = task({
      startsAt: '2024-03-10T19:00:00.000Z',
      endsAt: null,
      timeZone: 'Pacific/Kiritimati',
    });
    for (const options of [ews, graph]) {
      const read = snapshotOfItem(through[options.protocol](itemOfActivity(record, options)), options);
      expect(read.start).toBe('2024-03-11');
      expect(activityPatch(read, record, options)).toEqual({});
      expect(activityPatch({ ...read, start: '2024-03-13' }, record, options)).toEqual({
        startsAt: '2024-03-12T19:00:00.000Z',
      });
    }
  });

  it('writes a reminder as the instant that many minutes before the start', () => {
    const t = itemOfActivity(task({ reminderMinutes: 30 }), ews) as NeutralTask;
    expect(t.reminderAt).toBe('2024-03-11T07:30:00Z');
  });

  it('Graph To Do has no percent complete: listed, never written, kept on import', () => {
    const record = task({ percentComplete: 40 });
    const { snapshot, notExported } = projectActivity(record, graph);
    expect(snapshot).not.toHaveProperty('percentComplete');
    expect(notExported).toEqual([expect.objectContaining({ field: 'percentComplete', value: 40 })]);
    expect((itemOfActivity(record, graph) as NeutralTask).percentComplete).toBeUndefined();
    expect(activityPatch({ subject: 'x' }, record, graph)).toEqual({ subject: 'x' });
    expect(roundTrip(record, ews).percentComplete).toBe(40);
  });

  it('a cancelled task is written as deferred and stays cancelled', () => {
    const record = task({ status: 'cancelled' });
    expect((itemOfActivity(record, ews) as NeutralTask).status).toBe('deferred');
    expect(activityPatch({ status: 'deferred' }, record, ews)).toEqual({});
    expect(activityPatch({ status: 'completed' }, record, ews)).toEqual({ status: 'completed' });
  });
});

describe('snapshot changes', () => {
  it('yields only the fields that changed', () => {
    const record = activity({ subject: 'A', categories: ['X'] });
    const base = projectActivity(record, ews).snapshot;
    const next = projectActivity({ ...record, subject: 'B' }, ews).snapshot;
    expect(changedSnapshot(base, next)).toEqual({ subject: 'B' });
    expect(activityPatch({ subject: 'B' }, record, ews)).toEqual({ subject: 'B' });
  });
});

describe('meeting keys', () => {
  const uid = '040000008200E00074C5B7101A82E00800000000D0A4B5D1F1A3DA01000000000000000010000000';

  it('the series key is the clean global object id itself, whatever its letter case', () => {
    expect(seriesKey(uid)).toBe(uid);
    expect(seriesKey(uid.toLowerCase())).toBe(uid);
    expect(seriesKey('abc-123@calendar.example.test')).toBe('abc-123@calendar.example.test');
    expect(() => seriesKey(' ')).toThrow(/no series key/);
  });

  it('an occurrence key is the series key and the original start in UTC', () => {
    expect(occurrenceKey(uid, '2024-03-11T09:00:00+01:00')).toBe(`${uid}|2024-03-11T08:00:00Z`);
    expect(occurrenceKey(uid, '2024-03-11T08:00:00.000Z')).toBe(
      occurrenceKey(uid, '2024-03-11T09:00:00+01:00'),
    );
    expect(() => occurrenceKey(uid, '2024-03-11')).toThrow(/not an instant/);
  });
});

// ---------- round trips (fast-check) ----------

/** Daylight-saving zones of both hemispheres, half-hour and 45-minute offsets, the date line. */
const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'America/Los_Angeles',
  'Australia/Sydney',
  'Pacific/Auckland',
  'America/Santiago',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Pacific/Honolulu',
  'Pacific/Kiritimati',
  'Asia/Tokyo',
];

const WEEKDAY_CODES = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;

/** Rules in the form an import stores (see ruleOfPattern), with every end. */
function ruleArb(allDay: boolean, wall: { date: string; time: string; zone: string }, protocol: Protocol) {
  const interval = fc.integer({ min: 1, max: 4 });
  const days = fc.subarray([...WEEKDAY_CODES], { minLength: 1 });
  const pos = fc.constantFrom(1, 2, 3, 4, -1);
  const relative = fc.oneof(
    fc.tuple(fc.constantFrom(...WEEKDAY_CODES), pos).map(([d, n]) => ({ byDay: [`${n}${d}`] })),
    fc
      .tuple(
        days.filter((d) => d.length > 1),
        pos,
      )
      .map(([d, n]) => ({ byDay: d, bySetPos: [n] })),
  );
  const pattern: fc.Arbitrary<RecurrenceRule> = fc.oneof(
    interval.map((i) => ({ freq: 'DAILY' as const, interval: i })),
    fc
      .tuple(interval, days, fc.constantFrom(undefined, 'SU', 'SA'))
      // A week start only where it changes the series (interval > 1): without, it is no part
      // of the rule's meaning and does not come back.
      .map(([i, d, wkst]) => ({
        freq: 'WEEKLY' as const,
        interval: i,
        byDay: d,
        ...(wkst && i > 1 ? { wkst } : {}),
      })),
    fc
      .tuple(interval, fc.integer({ min: 1, max: 31 }))
      .map(([i, d]) => ({ freq: 'MONTHLY' as const, interval: i, byMonthDay: [d] })),
    fc.tuple(interval, relative).map(([i, r]) => ({ freq: 'MONTHLY' as const, interval: i, ...r })),
    fc
      .tuple(
        protocol === 'ews' ? fc.constant(1) : interval,
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
      )
      .map(([i, m, d]) => ({ freq: 'YEARLY' as const, interval: i, byMonth: [m], byMonthDay: [d] })),
    fc
      .tuple(protocol === 'ews' ? fc.constant(1) : interval, fc.integer({ min: 1, max: 12 }), relative)
      .map(([i, m, r]) => ({ freq: 'YEARLY' as const, interval: i, byMonth: [m], ...r })),
  );
  const end = fc.oneof(
    fc.constant({}),
    fc.integer({ min: 1, max: 50 }).map((count) => ({ count })),
    fc.integer({ min: 0, max: 400 }).map((days) => {
      const endDate = addDaysTo(wall.date, days);
      return {
        until: allDay
          ? endDate
          : new Date(Date.parse(zonedToUtc(`${endDate}T${wall.time}`, wall.zone))).toISOString(),
      };
    }),
  );
  return fc.tuple(pattern, end).map(([p, e]) => ({ ...p, ...e }) as RecurrenceRule);
}

function addDaysTo(date: string, days: number): string {
  return new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

const text = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 .,'-]{0,30}[A-Za-z0-9]$/);
const address = fc.stringMatching(/^[a-z]{1,8}@[a-z]{1,8}\.test$/);

function meetingArb(protocol: Protocol) {
  return fc
    .record({
      zone: fc.constantFrom(...ZONES),
      date: fc.date({
        min: new Date('2020-01-01T00:00:00Z'),
        max: new Date('2030-12-31T00:00:00Z'),
        noInvalidDate: true,
      }),
      hour: fc.integer({ min: 0, max: 23 }),
      minute: fc.constantFrom(0, 15, 30, 45),
      allDay: fc.boolean(),
      recurring: fc.boolean(),
    })
    .chain(({ zone, date, hour, minute, allDay, recurring }) => {
      const day = date.toISOString().slice(0, 10);
      const time = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00`;
      // A wall time of the zone, as a user plans it (a time a DST change skips is read per RFC 5545).
      const startsAt = allDay
        ? `${day}T00:00:00.000Z`
        : new Date(Date.parse(zonedToUtc(`${day}T${time}`, zone))).toISOString();
      const wallTime = allDay ? '00:00:00' : utcToZoned(startsAt, zone).slice(11, 19);
      return fc.record({
        subject: text,
        startsAt: fc.constant(startsAt),
        endsAt: allDay
          ? fc.integer({ min: 1, max: 5 }).map((n) => `${addDaysTo(day, n)}T00:00:00.000Z`)
          : fc
              .integer({ min: 0, max: 600 })
              .map((m) => new Date(Date.parse(startsAt) + m * 15 * 60_000).toISOString()),
        timeZone: fc.constant(zone),
        allDay: fc.constant(allDay),
        location: fc.option(text, { nil: null }),
        body: fc.option(text, { nil: null }),
        bodyType: fc.constantFrom('text' as const, 'html' as const),
        reminderMinutes: fc.option(fc.integer({ min: 0, max: 10_080 }), { nil: null }),
        showAs: fc.constantFrom(
          'free' as const,
          'tentative' as const,
          'busy' as const,
          'oof' as const,
          'working_elsewhere' as const,
        ),
        priority: fc.constantFrom('low' as const, 'normal' as const, 'high' as const),
        categories: fc.uniqueArray(fc.stringMatching(/^[A-Z][a-z]{1,6}$/), { maxLength: 3 }),
        onlineMeetingUrl: fc.option(fc.constant('https://meet.example.test/j/1'), { nil: null }),
        recurrence: recurring
          ? ruleArb(allDay, { date: day, time: wallTime, zone }, protocol).map((rule) =>
              normaliseRecurrence({ rule }),
            )
          : fc.constant(null),
        participants: fc
          .uniqueArray(
            fc.record({
              email: address,
              name: fc.option(text, { nil: null }),
              role: fc.constantFrom('required' as const, 'optional' as const, 'resource' as const),
              response: fc.constantFrom(
                'none' as const,
                'accepted' as const,
                'tentative' as const,
                'declined' as const,
              ),
            }),
            { maxLength: 4, selector: (p) => p.email },
          )
          .map((list): Participant[] => [
            {
              type: 'email',
              id: null,
              email: 'owner@corp.test',
              name: 'Owner',
              role: 'organizer',
              response: 'accepted',
            },
            ...list.map((p) => ({ type: 'email' as const, id: null, ...p })),
          ]),
      });
    })
    .map((fields) =>
      activity({ ...(fields as Partial<Activity>), bodyType: fields.body ? fields.bodyType : 'text' }),
    );
}

function taskArb() {
  const instant = fc
    .integer({
      min: Date.parse('2020-01-01T00:00:00Z') / 60_000,
      max: Date.parse('2030-12-31T00:00:00Z') / 60_000,
    })
    .map((m) => new Date(m * 60_000).toISOString());
  return fc
    .record({
      subject: text,
      startsAt: instant,
      endsAt: fc.option(instant, { nil: null }),
      timeZone: fc.constantFrom(...ZONES),
      body: fc.option(text, { nil: null }),
      bodyType: fc.constantFrom('text' as const, 'html' as const),
      status: fc.constantFrom(
        'planned' as const,
        'in_progress' as const,
        'completed' as const,
        'waiting' as const,
        'deferred' as const,
      ),
      priority: fc.constantFrom('low' as const, 'normal' as const, 'high' as const),
      reminderMinutes: fc.option(fc.integer({ min: 0, max: 10_080 }), { nil: null }),
      percentComplete: fc.option(fc.integer({ min: 0, max: 99 }), { nil: null }),
      categories: fc.uniqueArray(fc.stringMatching(/^[A-Z][a-z]{1,6}$/), { maxLength: 3 }),
      completedAt: fc.option(instant, { nil: null }),
    })
    .map((f) =>
      activity({
        ...f,
        bodyType: f.body ? f.bodyType : 'text',
        kind: 'task',
        showInCalendar: false,
        endsAt: f.endsAt && f.endsAt < f.startsAt ? f.startsAt : f.endsAt,
        // Exchange makes a completed task 100 % complete.
        percentComplete: f.status === 'completed' ? 100 : f.percentComplete,
      }),
    );
}

const MEETING_FIELDS = [
  'subject',
  'startsAt',
  'endsAt',
  'allDay',
  'location',
  'body',
  'bodyType',
  'reminderMinutes',
  'showAs',
  'priority',
  'categories',
  'onlineMeetingUrl',
  'recurrence',
] as const;
const TASK_FIELDS = [
  'subject',
  'startsAt',
  'endsAt',
  'body',
  'bodyType',
  'status',
  'priority',
  'reminderMinutes',
  'percentComplete',
  'categories',
  'completedAt',
] as const;

const pick = (a: Activity, fields: readonly (keyof Activity)[]) =>
  Object.fromEntries(fields.map((f) => [f, a[f]]));
const people = (a: Activity) =>
  a.participants
    .map((p) => ({ email: p.email, name: p.name, role: p.role, response: p.response }))
    .sort((x, y) => `${x.role}${x.email}`.localeCompare(`${y.role}${y.email}`));

describe.each([ews, graph])('round trip CRM → $protocol item → CRM (fast-check)', (options) => {
  it('keeps every mapped field of a meeting, all-day or not, recurring or not, in any zone', () => {
    fc.assert(
      fc.property(meetingArb(options.protocol), (record) => {
        const back = roundTrip(record, options);
        // A zone comes back as the IANA zone CLDR gives its Windows zone (Asia/Kathmandu as
        // Asia/Katmandu); an import into the record keeps the record's own (activityPatch).
        expect(back.timeZone).toBe(exchangeZone(record.timeZone));
        expect(activityPatch({ timeZone: back.timeZone }, record, options)).toEqual({});
        expect(pick(back, MEETING_FIELDS)).toEqual(pick(record, MEETING_FIELDS));
        expect(people(back)).toEqual(people(record));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every mapped field of a task (Graph: percent complete stays in the CRM)', () => {
    fc.assert(
      fc.property(taskArb(), (record) => {
        const read = snapshotOfItem(through[options.protocol](itemOfActivity(record, options)), options);
        // Read back into the same task, nothing changes: its times of day and zone stay.
        expect(activityPatch(read, record, options)).toEqual({});
        // A new task made from it has the same dates (Exchange keeps dates) and every other field;
        // its reminder counts from the start date's midnight, so only its instant is compared.
        const created = asRecord(activityCreate(read, options, 'UTC'), activity({ participants: [] }));
        const same = TASK_FIELDS.filter(
          (f) =>
            !['startsAt', 'endsAt', 'reminderMinutes'].includes(f) &&
            (options.protocol === 'ews' || f !== 'percentComplete'),
        );
        expect(pick(created, same)).toEqual(pick(record, same));
        const dates = (a: Activity) => {
          const { start, due } = projectActivity(a, options).snapshot;
          return { start, due };
        };
        expect(dates(created)).toEqual(dates(record));
      }),
      { numRuns: 300 },
    );
  });

  it('an unchanged activity read back is no change at all', () => {
    fc.assert(
      fc.property(fc.oneof(meetingArb(options.protocol), taskArb()), (record) => {
        const item = through[options.protocol](itemOfActivity(record, options));
        expect(
          changedSnapshot(projectActivity(record, options).snapshot, snapshotOfItem(item, options)),
        ).toEqual({});
      }),
      { numRuns: 200 },
    );
  });
});

describe('an import of a moved start', () => {
  it('keeps a weekly series on its weekdays, and a rule Exchange never held as it is', () => {
    const weekly = activity({ recurrence: normaliseRecurrence({ rule: { freq: 'WEEKLY' } }) });
    const patch = activityPatch({ start: '2024-03-12T08:00:00.000Z' }, weekly, ews);
    expect(patch.startsAt).toBe('2024-03-12T08:00:00.000Z');
    expect((patch.recurrence as Activity['recurrence'])?.rule).toEqual({
      freq: 'WEEKLY',
      interval: 1,
      byDay: ['MO'],
    });
    const odd = activity({ recurrence: normaliseRecurrence({ rule: { freq: 'DAILY', byMonth: [1] } }) });
    expect(activityPatch({ start: '2024-03-12T08:00:00.000Z' }, odd, ews)).toEqual({
      startsAt: '2024-03-12T08:00:00.000Z',
    });
  });
});
