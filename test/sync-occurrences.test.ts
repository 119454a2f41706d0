// Modified and deleted occurrences of a series end to end, over EWS and Graph against the sandbox:
// each occurrence is its own unit under the series (docs/mapping.md "Occurrences"). A series with
// a moved and a cancelled occurrence is imported exactly and one made in the CRM is exported
// exactly; an occurrence edited in Exchange and another edited in the CRM in the same interval
// both survive; writing one occurrence never sends the pattern (the sandbox, as Exchange, drops
// a series' exceptions when its pattern is written: the earlier exception surviving shows it was
// not); and nothing mails anyone.
import { randomBytes } from 'node:crypto';
import type { EventData, Item } from '@exsync/sandbox/model';
import { describe, expect, it } from 'vitest';
import type { Protocol } from '../src/connectors/types.ts';
import type { Activity } from '../src/crm/activities.ts';
import { meetingsEntity } from '../src/sync/activities/entity.ts';
import { SyncEngine } from '../src/sync/engine.ts';
import { tagRecords } from '../src/sync/store/tags.ts';
import { meetingSettings } from './support/meeting-world.ts';
import { freshMailbox } from './support/sandbox-source.ts';
import { useProtocolSource, useSandboxAndCrm } from './support/sync-sandbox.ts';

const world = useSandboxAndCrm();

const twoWay = meetingSettings({ direction: 'two_way', massDelete: { share: 0.5, minimum: 5 } });

const ZONE = 'W. Europe Standard Time';
const exceptionId = () => `AAMkA${randomBytes(24).toString('base64url')}`;

/** A weekly series on Mondays 09:00 Berlin from 2027-03-01, eight times, as Outlook keeps it. */
function standUp(subject: string, organizer: string): EventData {
  return {
    subject,
    organizer: { address: organizer, name: 'Organizer' },
    start: '2027-03-01T08:00:00.000Z',
    end: '2027-03-01T08:30:00.000Z',
    startTimeZone: ZONE,
    endTimeZone: ZONE,
    isAllDay: false,
    location: 'Room 1',
    attendees: [],
    isReminderOn: false,
    reminderMinutesBeforeStart: 0,
    showAs: 'busy',
    importance: 'normal',
    sensitivity: 'normal',
    categories: [],
    iCalUId: randomBytes(16).toString('hex').toUpperCase(),
    isCancelled: false,
    isOrganizer: true,
    responseRequested: true,
    recurrence: {
      pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'], firstDayOfWeek: 'sunday' },
      range: { type: 'numbered', startDate: '2027-03-01', numberOfOccurrences: 8, recurrenceTimeZone: ZONE },
    },
    // The second Monday moved to Tuesday 14:00, the third cancelled.
    modifiedOccurrences: [
      {
        id: exceptionId(),
        changeKey: 'CQAAAA1',
        originalStart: '2027-03-08T08:00:00.000Z',
        start: '2027-03-09T13:00:00.000Z',
        end: '2027-03-09T13:30:00.000Z',
        subject: 'Stand-up (moved)',
      },
    ],
    deletedOccurrences: ['2027-03-15T08:00:00.000Z'],
  };
}

const noChange = { created: 0, updated: 0, deleted: 0, unlinked: 0 };

describe.each(['ews', 'graph'] as Protocol[])('occurrences of a series over %s', (protocol) => {
  const exchange = useProtocolSource(world, protocol);

  async function setUp(settings = twoWay) {
    const engine = new SyncEngine({ crm: world.fx.crm, source: exchange.source, entities: [meetingsEntity] });
    const mailbox = await freshMailbox(
      world.sandbox,
      world.fx.crm,
      exchange.source,
      { meetings: settings },
      'occ',
    );
    const store = world.sandbox.store;
    const sandboxMailbox = store.mailbox(mailbox.address)!;
    const calendar = store.distinguishedFolder(sandboxMailbox.id, 'calendar')!;
    const sync = async () => {
      const run = await engine.syncMailbox(mailbox.mailboxId, 'meetings');
      expect(run.status, JSON.stringify(run.tally?.errors)).toBe('succeeded');
      return run.tally!.counts;
    };
    const series = (subject: string) =>
      store.findItem(sandboxMailbox.id, (i) => i.kind === 'event' && i.data.subject === subject) as
        | Item<'event'>
        | undefined;
    const activityNamed = async (subject: string) => {
      const list = await world.fx.crm.activities.list(mailbox.userPrincipal, { cursor: null, limit: 50 });
      return list.items.find((a) => a.subject === subject) as Activity;
    };
    const messages = async () => (await world.sandbox.admin.meetingMessages(mailbox.address)).counts.total;
    return { engine, mailbox, store, sandboxMailbox, calendar, sync, series, activityNamed, messages };
  }

  /** The sandbox series' exceptions and deletions in the CRM's terms, for comparing. */
  const held = (item: Item<'event'>) => ({
    modified: item.data.modifiedOccurrences
      .map((o) => ({
        originalStart: new Date(o.originalStart).toISOString(),
        start: o.start && new Date(o.start).toISOString(),
        end: o.end && new Date(o.end).toISOString(),
        subject: o.subject,
      }))
      .sort((a, b) => a.originalStart.localeCompare(b.originalStart)),
    deleted: item.data.deletedOccurrences.map((d) => new Date(d).toISOString()).sort(),
  });

  it('imports a moved and a cancelled occurrence exactly; an edit on each side in one interval both survive, and the pattern is not sent', async () => {
    const w = await setUp();
    const created = w.store.createItem(
      w.sandboxMailbox.id,
      w.calendar.id,
      'event',
      standUp('Stand-up', w.mailbox.address),
      'user',
    );
    expect((await w.sync()).import.created).toBe(1);
    const imported = await w.activityNamed('Stand-up');
    expect(imported.recurrence?.rule).toEqual({ freq: 'WEEKLY', interval: 1, byDay: ['MO'], count: 8 });
    expect(imported.recurrence).toMatchObject({
      exceptions: [
        {
          originalStart: '2027-03-08T08:00:00.000Z',
          startsAt: '2027-03-09T13:00:00.000Z',
          endsAt: '2027-03-09T13:30:00.000Z',
          subject: 'Stand-up (moved)',
        },
      ],
      deletedOccurrences: ['2027-03-15T08:00:00.000Z'],
    });
    expect(await w.sync()).toEqual({ import: noChange, export: noChange });

    // In Exchange the fourth Monday gets a subject of its own; in the CRM the sixth (after the
    // change to summer time, 07:00 UTC) gets another.
    const current = w.store.item(w.sandboxMailbox.id, created.id) as Item<'event'>;
    w.store.updateItem<'event'>(
      w.sandboxMailbox.id,
      created.id,
      {
        modifiedOccurrences: [
          ...current.data.modifiedOccurrences,
          {
            id: exceptionId(),
            changeKey: 'CQAAAA2',
            originalStart: '2027-03-22T08:00:00.000Z',
            subject: 'Changed in Exchange',
          },
        ],
      },
      'user',
    );
    await world.fx.crm.activities.update(w.mailbox.userPrincipal, imported.id, {
      recurrence: {
        ...imported.recurrence!,
        exceptions: [
          ...imported.recurrence!.exceptions!,
          { originalStart: '2027-04-05T07:00:00.000Z', subject: 'Changed in CRM' },
        ],
      },
    });
    const sentBefore = exchange.traffic.sent.length;
    const merged = await w.sync();
    // The occurrence went on its own: no request of the run carried a recurrence pattern.
    const writes = exchange.traffic.sent
      .slice(sentBefore)
      .filter((r) =>
        protocol === 'ews' ? /<m:(UpdateItem|CreateItem|DeleteItem)\b/.test(r.body) : r.method !== 'GET',
      );
    expect(writes.length).toBeGreaterThan(0);
    for (const r of writes) expect(r.body).not.toMatch(/calendar:Recurrence|<t:Recurrence>|"recurrence"/);
    expect(merged.import.updated).toBe(1);
    expect(merged.export.updated).toBe(1);

    const crm = await w.activityNamed('Stand-up');
    expect(crm.recurrence?.exceptions).toEqual([
      {
        originalStart: '2027-03-08T08:00:00.000Z',
        startsAt: '2027-03-09T13:00:00.000Z',
        endsAt: '2027-03-09T13:30:00.000Z',
        subject: 'Stand-up (moved)',
      },
      {
        originalStart: '2027-03-22T08:00:00.000Z',
        startsAt: '2027-03-22T08:00:00.000Z',
        endsAt: '2027-03-22T08:30:00.000Z',
        subject: 'Changed in Exchange',
      },
      { originalStart: '2027-04-05T07:00:00.000Z', subject: 'Changed in CRM' },
    ]);
    expect(crm.recurrence?.deletedOccurrences).toEqual(['2027-03-15T08:00:00.000Z']);
    // Exchange kept its own exception, the moved one and the cancellation: no pattern was written.
    const after = held(w.store.item(w.sandboxMailbox.id, created.id) as Item<'event'>);
    expect(after.deleted).toEqual(['2027-03-15T08:00:00.000Z']);
    expect(after.modified.map((o) => [o.originalStart, o.subject])).toEqual([
      ['2027-03-08T08:00:00.000Z', 'Stand-up (moved)'],
      ['2027-03-22T08:00:00.000Z', 'Changed in Exchange'],
      ['2027-04-05T07:00:00.000Z', 'Changed in CRM'],
    ]);
    expect(after.modified[0]).toMatchObject({
      start: '2027-03-09T13:00:00.000Z',
      end: '2027-03-09T13:30:00.000Z',
    });
    expect(await w.sync()).toEqual({ import: noChange, export: noChange });
    expect(await w.messages()).toBe(0);
  });

  it('exports an edit of an exception more than 400 days after the series start, moved days from its place', async () => {
    const w = await setUp();
    const DAY = 86_400_000;
    // A weekly series on the Monday two weeks ahead at 08:00 UTC, 70 times: its 63rd Monday
    // (434 days on, inside the 18 months the calendar is read over) moved to the Thursday after.
    const today = new Date();
    const monday = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 14, 8);
    const first = monday - ((new Date(monday).getUTCDay() + 6) % 7) * DAY;
    const at = (ms: number) => new Date(ms).toISOString();
    const farOriginal = first + 62 * 7 * DAY;
    const data = standUp('Far stand-up', w.mailbox.address);
    Object.assign(data, {
      start: at(first),
      end: at(first + 30 * 60_000),
      startTimeZone: 'UTC',
      endTimeZone: 'UTC',
      recurrence: {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'], firstDayOfWeek: 'sunday' },
        range: {
          type: 'numbered',
          startDate: at(first).slice(0, 10),
          numberOfOccurrences: 70,
          recurrenceTimeZone: 'UTC',
        },
      },
      modifiedOccurrences: [
        {
          id: exceptionId(),
          changeKey: 'CQAAAA1',
          originalStart: at(farOriginal),
          start: at(farOriginal + 3 * DAY),
          end: at(farOriginal + 3 * DAY + 30 * 60_000),
          subject: 'Far (moved)',
        },
      ],
      deletedOccurrences: [],
    });
    const created = w.store.createItem(w.sandboxMailbox.id, w.calendar.id, 'event', data, 'user');
    expect((await w.sync()).import.created).toBe(1);
    const imported = await w.activityNamed('Far stand-up');
    expect(imported.recurrence?.exceptions).toEqual([
      {
        originalStart: at(farOriginal),
        startsAt: at(farOriginal + 3 * DAY),
        endsAt: at(farOriginal + 3 * DAY + 30 * 60_000),
        subject: 'Far (moved)',
      },
    ]);
    expect(await w.sync()).toEqual({ import: noChange, export: noChange });

    // The CRM renames the far exception: the export reads the series (getItems) to find the
    // exception it writes, which its original start a day either way would not find.
    await world.fx.crm.activities.update(w.mailbox.userPrincipal, imported.id, {
      recurrence: {
        ...imported.recurrence!,
        exceptions: [{ ...imported.recurrence!.exceptions![0], subject: 'Far, renamed in the CRM' }],
      },
    });
    expect((await w.sync()).export.updated).toBe(1);
    const after = held(w.store.item(w.sandboxMailbox.id, created.id) as Item<'event'>);
    expect(after.modified).toEqual([
      {
        originalStart: at(farOriginal),
        start: at(farOriginal + 3 * DAY),
        end: at(farOriginal + 3 * DAY + 30 * 60_000),
        subject: 'Far, renamed in the CRM',
      },
    ]);
    expect(await w.sync()).toEqual({ import: noChange, export: noChange });
    expect(await w.messages()).toBe(0);
  });

  it("the organizer's cancelled occurrence stands under CRM wins without field merge: the CRM's other edits win, the activity takes the cancellation, and the run says so", async () => {
    const w = await setUp({ ...twoWay, conflictPolicy: 'crm_wins', fieldMerge: false });
    const created = w.store.createItem(
      w.sandboxMailbox.id,
      w.calendar.id,
      'event',
      standUp('Review', w.mailbox.address),
      'user',
    );
    expect((await w.sync()).import.created).toBe(1);
    const imported = await w.activityNamed('Review');
    // The organizer cancels the fourth Monday in Exchange; the CRM moves the series to another room.
    const current = w.store.item(w.sandboxMailbox.id, created.id) as Item<'event'>;
    w.store.updateItem<'event'>(
      w.sandboxMailbox.id,
      created.id,
      { deletedOccurrences: [...current.data.deletedOccurrences, '2027-03-22T08:00:00.000Z'] },
      'user',
    );
    await world.fx.crm.activities.update(w.mailbox.userPrincipal, imported.id, { location: 'Room 9' });
    const cancelledHere = (day: string) =>
      `not written to Exchange: the occurrence on ${day} was cancelled in ${w.mailbox.address}'s calendar; Exchange cannot bring back a single cancelled occurrence, so it is cancelled in the CRM too`;
    const run = await w.engine.syncMailbox(w.mailbox.mailboxId, 'meetings');
    expect(run.status, JSON.stringify(run.tally?.errors)).toBe('succeeded');
    expect(run.tally?.conflicts).toBe(1);
    expect(run.tally?.skipped).toEqual([
      { ref: `record ${imported.id}`, reason: cancelledHere('22 March 2027'), recordId: imported.id },
    ]);
    const crm = await w.activityNamed('Review');
    expect(crm.location).toBe('Room 9');
    expect(crm.recurrence?.deletedOccurrences).toEqual([
      '2027-03-15T08:00:00.000Z',
      '2027-03-22T08:00:00.000Z',
    ]);
    expect(crm.recurrence?.exceptions).toEqual(imported.recurrence?.exceptions);
    const item = w.store.item(w.sandboxMailbox.id, created.id) as Item<'event'>;
    expect(item.data.location).toBe('Room 9');
    expect(held(item).deleted).toEqual(['2027-03-15T08:00:00.000Z', '2027-03-22T08:00:00.000Z']);
    // The moved occurrence is still an exception: the pattern was not sent again.
    expect(held(item).modified.map((o) => [o.originalStart, o.start])).toEqual([
      ['2027-03-08T08:00:00.000Z', '2027-03-09T13:00:00.000Z'],
    ]);
    // Both sides agree: the next run writes and reports nothing.
    const quiet = await w.engine.syncMailbox(w.mailbox.mailboxId, 'meetings');
    expect(quiet.tally?.counts).toEqual({ import: noChange, export: noChange });
    expect(quiet.tally?.skipped).toEqual([]);

    // The CRM bringing back a cancelled occurrence cannot either: the activity takes the
    // cancellation again, and the run says so.
    await world.fx.crm.activities.update(w.mailbox.userPrincipal, imported.id, {
      recurrence: { ...crm.recurrence!, deletedOccurrences: ['2027-03-22T08:00:00.000Z'] },
    });
    const restored = await w.engine.syncMailbox(w.mailbox.mailboxId, 'meetings');
    expect(restored.tally?.skipped).toEqual([
      { ref: `record ${imported.id}`, reason: cancelledHere('15 March 2027'), recordId: imported.id },
    ]);
    expect((await w.activityNamed('Review')).recurrence?.deletedOccurrences).toEqual([
      '2027-03-15T08:00:00.000Z',
      '2027-03-22T08:00:00.000Z',
    ]);
    expect(await w.sync()).toEqual({ import: noChange, export: noChange });
    expect(await w.messages()).toBe(0);
  });

  it('exports a series made in the CRM with a moved and a cancelled occurrence exactly, and reads it back as no change', async () => {
    const w = await setUp();
    const activity = await world.fx.crm.activities.create(w.mailbox.userPrincipal, {
      kind: 'meeting',
      showInCalendar: true,
      subject: 'Planning',
      startsAt: '2027-03-02T09:00:00.000Z',
      endsAt: '2027-03-02T10:00:00.000Z',
      timeZone: 'Europe/Berlin',
      location: 'Room 2',
      recurrence: {
        rule: { freq: 'WEEKLY', byDay: ['TU'], count: 6 },
        exceptions: [
          {
            originalStart: '2027-03-09T09:00:00.000Z',
            startsAt: '2027-03-10T12:00:00.000Z',
            endsAt: '2027-03-10T13:00:00.000Z',
            subject: 'Planning (moved)',
          },
        ],
        deletedOccurrences: ['2027-03-16T09:00:00.000Z'],
      },
    } as never);
    await tagRecords(
      world.fx.crm.store.db,
      { mailboxId: w.mailbox.mailboxId, entity: 'meetings' },
      [activity.id],
      new Date(),
    );
    expect((await w.sync()).export.created).toBe(1);
    const item = w.series('Planning')!;
    expect(item.data.recurrence?.pattern).toMatchObject({ type: 'weekly', daysOfWeek: ['tuesday'] });
    expect(held(item)).toEqual({
      modified: [
        {
          originalStart: '2027-03-09T09:00:00.000Z',
          start: '2027-03-10T12:00:00.000Z',
          end: '2027-03-10T13:00:00.000Z',
          subject: 'Planning (moved)',
        },
      ],
      deleted: ['2027-03-16T09:00:00.000Z'],
    });
    expect(await w.sync()).toEqual({ import: noChange, export: noChange });
    expect((await w.activityNamed('Planning')).recurrence).toEqual(activity.recurrence);

    // Cancelling one more occurrence in the CRM deletes that occurrence alone.
    await world.fx.crm.activities.update(w.mailbox.userPrincipal, activity.id, {
      recurrence: {
        ...activity.recurrence!,
        deletedOccurrences: [...activity.recurrence!.deletedOccurrences!, '2027-03-23T09:00:00.000Z'],
      },
    });
    expect((await w.sync()).export.updated).toBe(1);
    expect(held(w.series('Planning')!)).toEqual({
      modified: held(item).modified,
      deleted: ['2027-03-16T09:00:00.000Z', '2027-03-23T09:00:00.000Z'],
    });
    expect(await w.sync()).toEqual({ import: noChange, export: noChange });
    expect(await w.messages()).toBe(0);
  });

  it('exports an all-day series with an exception moved to another day and a cancelled day, and reads it back as no change', async () => {
    const w = await setUp();
    const activity = await world.fx.crm.activities.create(w.mailbox.userPrincipal, {
      kind: 'meeting',
      showInCalendar: true,
      subject: 'Site visit',
      allDay: true,
      startsAt: '2027-03-03T00:00:00.000Z',
      endsAt: '2027-03-04T00:00:00.000Z',
      timeZone: 'America/New_York',
      recurrence: {
        rule: { freq: 'WEEKLY', byDay: ['WE'], count: 5 },
        exceptions: [
          {
            originalStart: '2027-03-10',
            startsAt: '2027-03-11T00:00:00.000Z',
            endsAt: '2027-03-13T00:00:00.000Z',
            subject: 'Site visit (two days)',
          },
        ],
        deletedOccurrences: ['2027-03-17'],
      },
    } as never);
    await tagRecords(
      world.fx.crm.store.db,
      { mailboxId: w.mailbox.mailboxId, entity: 'meetings' },
      [activity.id],
      new Date(),
    );
    expect((await w.sync()).export.created).toBe(1);
    // Exchange names an all-day occurrence by its midnight in the series' zone (EST, then EDT).
    expect(held(w.series('Site visit')!)).toEqual({
      modified: [
        {
          originalStart: '2027-03-10T05:00:00.000Z',
          start: '2027-03-11T05:00:00.000Z',
          end: '2027-03-13T05:00:00.000Z',
          subject: 'Site visit (two days)',
        },
      ],
      deleted: ['2027-03-17T04:00:00.000Z'],
    });
    expect(await w.sync()).toEqual({ import: noChange, export: noChange });
    expect((await w.activityNamed('Site visit')).recurrence).toEqual(activity.recurrence);
    expect(await w.messages()).toBe(0);
  });
});

describe.each(['ews', 'graph'] as Protocol[])(
  'a new series whose occurrence writes fail, over %s',
  (protocol) => {
    const exchange = useProtocolSource(world, protocol);

    it('is linked all the same, never created twice, and gets its occurrences in the next run', async () => {
      const engine = new SyncEngine({
        crm: world.fx.crm,
        source: exchange.source,
        entities: [meetingsEntity],
      });
      const mailbox = await freshMailbox(
        world.sandbox,
        world.fx.crm,
        exchange.source,
        { meetings: twoWay },
        'occfault',
      );
      const store = world.sandbox.store;
      const sandboxMailbox = store.mailbox(mailbox.address)!;
      const seriesNamed = (subject: string) =>
        store
          .items(sandboxMailbox.id, store.distinguishedFolder(sandboxMailbox.id, 'calendar')!.id)
          .filter((i) => i.kind === 'event' && i.data.subject === subject) as Array<Item<'event'>>;
      const activity = await world.fx.crm.activities.create(mailbox.userPrincipal, {
        kind: 'meeting',
        showInCalendar: true,
        subject: 'Retro',
        startsAt: '2027-03-04T15:00:00.000Z',
        endsAt: '2027-03-04T16:00:00.000Z',
        timeZone: 'Europe/Berlin',
        recurrence: {
          rule: { freq: 'WEEKLY', byDay: ['TH'], count: 6 },
          exceptions: [
            {
              originalStart: '2027-03-11T15:00:00.000Z',
              startsAt: '2027-03-12T10:00:00.000Z',
              endsAt: '2027-03-12T11:00:00.000Z',
              subject: 'Retro (moved)',
            },
          ],
          deletedOccurrences: ['2027-03-18T15:00:00.000Z'],
        },
      } as never);
      await tagRecords(
        world.fx.crm.store.db,
        { mailboxId: mailbox.mailboxId, entity: 'meetings' },
        [activity.id],
        new Date(),
      );
      // Every write of an occurrence fails (EWS UpdateItem; Graph PATCH of an instance, after its
      // DELETE of the cancelled one went through): the series itself is created.
      await world.sandbox.admin.addFault({
        protocol,
        mailbox: mailbox.address,
        operation: protocol === 'ews' ? 'UpdateItem' : 'events.update',
        fault: { kind: 'serverError', status: 500 },
      });
      const first = await engine.syncMailbox(mailbox.mailboxId, 'meetings');
      await world.sandbox.admin.clearFaults();
      expect(first.tally!.counts.export.created).toBe(1);
      // Reported (the run itself tries again when it reads the new series back, and fails again).
      expect(first.tally!.errors.length).toBeGreaterThan(0);
      expect(new Set(first.tally!.errors.map((e) => e.code))).toEqual(new Set(['exchange_transient']));
      expect(seriesNamed('Retro')).toHaveLength(1);

      const second = await engine.syncMailbox(mailbox.mailboxId, 'meetings');
      expect(second.status, JSON.stringify(second.tally?.errors)).toBe('succeeded');
      expect(second.tally!.counts).toEqual({
        import: noChange,
        export: { ...noChange, updated: 1 },
      });
      const [series] = seriesNamed('Retro');
      expect(seriesNamed('Retro')).toHaveLength(1);
      expect(
        series.data.modifiedOccurrences.map((o) => [new Date(o.originalStart).toISOString(), o.subject]),
      ).toEqual([['2027-03-11T15:00:00.000Z', 'Retro (moved)']]);
      expect(series.data.modifiedOccurrences[0]).toMatchObject({
        start: '2027-03-12T10:00:00.000Z',
        end: '2027-03-12T11:00:00.000Z',
      });
      expect(series.data.deletedOccurrences.map((d) => new Date(d).toISOString())).toEqual([
        '2027-03-18T15:00:00.000Z',
      ]);
      const list = await world.fx.crm.activities.list(mailbox.userPrincipal, { cursor: null, limit: 50 });
      expect(list.items.filter((a) => a.subject === 'Retro')).toHaveLength(1);
      expect(list.items.find((a) => a.subject === 'Retro')!.recurrence).toEqual(activity.recurrence);
      const third = await engine.syncMailbox(mailbox.mailboxId, 'meetings');
      expect(third.tally!.counts).toEqual({ import: noChange, export: noChange });
    });
  },
);

describe.each(['ews', 'graph'] as Protocol[])(
  "what a series' moved and cancelled occurrences cost over %s",
  (protocol) => {
    const exchange = useProtocolSource(world, protocol);

    /** A weekly series on Wednesdays at `hour` UTC, three occurrences moved a day, two cancelled. */
    const weekly = (subject: string, hour: number) => {
      const hh = (h: number) => String(h).padStart(2, '0');
      const at = (date: string, h = hour) => `${date}T${hh(h)}:00:00.000Z`;
      return {
        kind: 'meeting',
        showInCalendar: true,
        subject,
        startsAt: at('2027-03-03'),
        endsAt: at('2027-03-03', hour + 1),
        timeZone: 'UTC',
        recurrence: {
          rule: { freq: 'WEEKLY', byDay: ['WE'], count: 10 },
          exceptions: [10, 17, 24].map((day) => ({
            originalStart: at(`2027-03-${day}`),
            startsAt: at(`2027-03-${day + 1}`),
            endsAt: at(`2027-03-${day + 1}`, hour + 1),
            subject: `${subject} (moved)`,
          })),
          deletedOccurrences: [at('2027-03-31'), at('2027-04-07')],
        },
      };
    };

    /**
     * The Exchange requests sent while `work` runs, by operation (EWS: the SOAP operation; Graph:
     * what a request or a $batch member does to an occurrence), and how many $batches carry
     * occurrence work (looking instances up, writing them, reading the series' new ETags).
     */
    async function sent(work: () => Promise<unknown>) {
      const from = exchange.traffic.sent.length;
      await work();
      const ops: string[] = [];
      let occurrenceBatches = 0;
      /**
       * Writes to an occurrence, and reads of a series' ETag, not made to wait for the write
       * before them to the same series in their $batch.
       */
      let unordered = 0;
      const graphOp = (method: string, url: string) => {
        const [path, query = ''] = url.split('?');
        const q = decodeURIComponent(query);
        if (path.endsWith('/$batch')) return '$batch';
        if (path.endsWith('/instances'))
          return q.includes('select=id,originalStart,type') ? 'lookup' : 'read instances';
        if (/\/events\/[^/]+$/.test(path)) {
          if (method !== 'GET') return `${method} occurrence`;
          if (q === '$select=id') return 'etag';
          // The sandbox names an occurrence `{series id}.{original start}`.
          return decodeURIComponent(path.split('/').pop()!).includes('.') ? 'read occurrence' : 'read event';
        }
        return 'other';
      };
      for (const r of exchange.traffic.sent.slice(from)) {
        if (protocol === 'ews') {
          const op = /<soap:Body>\s*<m:(\w+)/.exec(r.body)?.[1];
          if (op) ops.push(op);
          continue;
        }
        const url = new URL(r.url);
        if (!url.pathname.startsWith('/v1.0/')) continue;
        const op = graphOp(r.method, url.pathname + url.search);
        ops.push(op);
        if (op !== '$batch') continue;
        const body = JSON.parse(r.body) as {
          requests: Array<{ id: string; method: string; url: string; dependsOn?: string[] }>;
        };
        const members = body.requests.map((m) => graphOp(m.method, m.url));
        // The sandbox names an occurrence `{series id}.{original start}`.
        const lastOfSeries = new Map<string, string>();
        for (const m of body.requests) {
          if (!/occurrence$|^etag$/.test(graphOp(m.method, m.url))) continue;
          const series = decodeURIComponent(m.url.split('?')[0].split('/').pop()!).split('.')[0];
          const previous = lastOfSeries.get(series);
          if (previous && !m.dependsOn?.includes(previous)) unordered++;
          lastOfSeries.set(series, m.id);
        }
        ops.push(...members.map((m) => `$batch ${m}`));
        if (members.some((m) => ['lookup', 'PATCH occurrence', 'DELETE occurrence', 'etag'].includes(m)))
          occurrenceBatches++;
      }
      return { ops, occurrenceBatches, unordered, count: (op: string) => ops.filter((o) => o === op).length };
    }

    it("writes three new series' occurrences in a few requests for them all, and an update of one in three", async () => {
      const engine = new SyncEngine({
        crm: world.fx.crm,
        source: exchange.source,
        entities: [meetingsEntity],
      });
      const mailbox = await freshMailbox(
        world.sandbox,
        world.fx.crm,
        exchange.source,
        { meetings: twoWay },
        'occcost',
      );
      const made: Activity[] = [];
      for (const [i, subject] of ['Alpha', 'Beta', 'Gamma'].entries())
        made.push(
          await world.fx.crm.activities.create(mailbox.userPrincipal, weekly(subject, 8 + i * 2) as never),
        );
      await tagRecords(
        world.fx.crm.store.db,
        { mailboxId: mailbox.mailboxId, entity: 'meetings' },
        made.map((a) => a.id),
        new Date(),
      );
      const sync = async () => {
        const run = await engine.syncMailbox(mailbox.mailboxId, 'meetings');
        expect(run.status, JSON.stringify(run.tally?.errors)).toBe('succeeded');
        return run.tally!.counts;
      };

      // 9 moved and 6 cancelled occurrences over three series.
      const exported = await sent(async () => expect((await sync()).export.created).toBe(3));
      const store = world.sandbox.store;
      const box = store.mailbox(mailbox.address)!;
      for (const subject of ['Alpha', 'Beta', 'Gamma']) {
        const item = store.findItem(
          box.id,
          (i) => i.kind === 'event' && i.data.subject === subject,
        ) as Item<'event'>;
        expect(item.data.modifiedOccurrences).toHaveLength(3);
        expect(item.data.deletedOccurrences).toHaveLength(2);
      }
      if (protocol === 'ews') {
        // One CreateItem, one UpdateItem and one DeleteItem for all three series, then one
        // GetItem for their new ChangeKeys (per series it would be 3 of each).
        expect(exported.count('CreateItem')).toBe(1);
        expect(exported.count('UpdateItem')).toBe(1);
        expect(exported.count('DeleteItem')).toBe(1);
      } else {
        // Nothing per occurrence outside a $batch; inside, one instances lookup per series (not
        // one per occurrence), then the 15 writes and the 3 series' ETags together, in two
        // $batches for all three series (per occurrence it was 33 requests; per series it would
        // be 9 $batches; with the ETags read after the writes, 3).
        for (const op of ['lookup', 'PATCH occurrence', 'DELETE occurrence', 'etag'])
          expect(exported.count(op), op).toBe(0);
        expect(exported.count('$batch lookup')).toBe(3);
        expect(exported.count('$batch PATCH occurrence')).toBe(9);
        expect(exported.count('$batch DELETE occurrence')).toBe(6);
        expect(exported.count('$batch etag')).toBe(3);
        expect(exported.occurrenceBatches).toBe(2);
        // One series' writes one after the other, as Exchange keeps them on the series, and its
        // ETag read after them.
        expect(exported.unordered).toBe(0);
        // The run's read of what it wrote finds the 6 deleted occurrences listed as removed, and
        // reads none of them again: their DELETEs' answers proved them gone.
        expect(exported.count('$batch read occurrence') + exported.count('read occurrence')).toBe(0);
      }
      expect(await sync()).toEqual({ import: noChange, export: noChange });

      // One series gets another cancelled and another renamed occurrence in the CRM.
      const alpha = made[0];
      await world.fx.crm.activities.update(mailbox.userPrincipal, alpha.id, {
        recurrence: {
          ...alpha.recurrence!,
          exceptions: [
            ...alpha.recurrence!.exceptions!,
            { originalStart: '2027-04-14T08:00:00.000Z', subject: 'Alpha (renamed)' },
          ],
          deletedOccurrences: [...alpha.recurrence!.deletedOccurrences!, '2027-04-21T08:00:00.000Z'],
        },
      });
      const updated = await sent(async () => expect((await sync()).export.updated).toBe(1));
      if (protocol === 'ews') {
        expect(updated.count('UpdateItem')).toBe(1);
        expect(updated.count('DeleteItem')).toBe(1);
      } else {
        for (const op of ['lookup', 'PATCH occurrence', 'DELETE occurrence', 'etag'])
          expect(updated.count(op), op).toBe(0);
        // One lookup for both occurrences, then their writes and the ETag.
        expect(updated.count('$batch lookup')).toBe(1);
        expect(updated.count('$batch etag')).toBe(1);
        expect(updated.occurrenceBatches).toBe(2);
        expect(updated.unordered).toBe(0);
      }
      const alphaItem = store.findItem(
        box.id,
        (i) => i.kind === 'event' && i.data.subject === 'Alpha',
      ) as Item<'event'>;
      expect(alphaItem.data.modifiedOccurrences).toHaveLength(4);
      expect(alphaItem.data.deletedOccurrences).toHaveLength(3);
      expect(await sync()).toEqual({ import: noChange, export: noChange });
    });

    it('writes 200 new meetings in calls as large as the connector takes, so that their series share the occurrence work', async () => {
      const engine = new SyncEngine({
        crm: world.fx.crm,
        source: exchange.source,
        entities: [meetingsEntity],
      });
      const mailbox = await freshMailbox(
        world.sandbox,
        world.fx.crm,
        exchange.source,
        { meetings: twoWay },
        'occshare',
      );
      // Ten series among 190 single meetings, one in every 20 (the CRM lists records in the
      // order they were made): one page of the export (200 records).
      const made: Activity[] = [];
      for (let i = 0; i < 200; i++) {
        const day = String(1 + (i % 28)).padStart(2, '0');
        const activity =
          i % 20 === 0
            ? weekly(`Series ${i / 20}`, 8)
            : {
                kind: 'meeting',
                showInCalendar: true,
                subject: `Single ${i}`,
                startsAt: `2027-05-${day}T10:00:00.000Z`,
                endsAt: `2027-05-${day}T11:00:00.000Z`,
                timeZone: 'UTC',
              };
        made.push(await world.fx.crm.activities.create(mailbox.userPrincipal, activity as never));
      }
      await tagRecords(
        world.fx.crm.store.db,
        { mailboxId: mailbox.mailboxId, entity: 'meetings' },
        made.map((a) => a.id),
        new Date(),
      );
      const exported = await sent(async () => {
        const run = await engine.syncMailbox(mailbox.mailboxId, 'meetings');
        expect(run.status, JSON.stringify(run.tally?.errors)).toBe('succeeded');
        expect(run.tally!.counts.export.created).toBe(200);
      });
      const store = world.sandbox.store;
      const box = store.mailbox(mailbox.address)!;
      for (let i = 0; i < 10; i++) {
        const item = store.findItem(
          box.id,
          (it) => it.kind === 'event' && it.data.subject === `Series ${i}`,
        ) as Item<'event'>;
        expect(item.data.modifiedOccurrences).toHaveLength(3);
        expect(item.data.deletedOccurrences).toHaveLength(2);
      }
      if (protocol === 'ews') {
        // One CreateItem of 100 items at most.
        expect(exported.count('CreateItem')).toBe(2);
      } else {
        // All 200 in one call: 10 $batches of creates, then for the ten series together one
        // $batch of instance lookups and three of their 50 writes and 10 ETags (in calls of 100
        // it would be one round of each per call: 5 or more).
        expect(exported.count('$batch lookup')).toBe(10);
        expect(exported.count('$batch etag')).toBe(10);
        expect(exported.occurrenceBatches).toBe(4);
        expect(exported.unordered).toBe(0);
      }
    });
  },
);
