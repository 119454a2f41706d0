// A linked meeting that leaves Graph's calendar window is not deleted (C5, E5), end to end against
// the sandbox on Graph (and on the database EXSYNC_TEST_DB names). Graph's calendarView/delta
// reports an event moved before the window's start or past its end as `@removed` with the reason
// "deleted", the same as a real deletion; the connector reads each removed event through the
// calendar and deletes only those that are gone. EWS reads whole folders (SyncFolderItems is not
// windowed): a moved meeting is an update there, so it has no such path.

import { describe, expect, it } from 'vitest';
import { calendarWindow } from '../src/connectors/calendar-window.ts';
import type { NeutralEvent } from '../src/connectors/types.ts';
import {
  DEFAULT_MEETING_SYNC,
  DEFAULT_SETTINGS,
  DEFAULT_TASK_SYNC,
  engineSettings,
} from '../src/mailbox-sync/settings.ts';
import { meetingsEntity } from '../src/sync/activities/entity.ts';
import { SyncEngine } from '../src/sync/engine.ts';
import * as stateStore from '../src/sync/store/states.ts';
import { freshMailbox } from './support/sandbox-source.ts';
import { useProtocolSource, useSandboxAndCrm } from './support/sync-sandbox.ts';

const world = useSandboxAndCrm((sandbox) => {
  // A zero latency rule counts the Graph operations the sandbox serves ($batch members each).
  sandbox.faults.add({ id: 'count-graph', protocol: 'graph', fault: { kind: 'latency', ms: 0 } });
});

const DAY = 86_400_000;
const HOUR = 3_600_000;
const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
const importFrom = new Date(today - 60 * DAY).toISOString().slice(0, 10);
const horizon = Date.parse(calendarWindow({ from: importFrom }).end);
const iso = (ms: number) => new Date(ms).toISOString();

function event(subject: string, startMs: number): NeutralEvent {
  const local = (ms: number) => iso(ms).slice(0, 19);
  return {
    subject,
    start: { dateTime: local(startMs), timeZone: 'UTC' },
    end: { dateTime: local(startMs + HOUR), timeZone: 'UTC' },
    isAllDay: false,
    attendees: [],
    showAs: 'busy',
    importance: 'normal',
    categories: [],
    type: 'single',
  };
}

describe('a linked meeting leaving the Graph calendar window', () => {
  const exchange = useProtocolSource(world, 'graph');
  const engine = () =>
    new SyncEngine({ crm: world.fx.crm, source: exchange.source, entities: [meetingsEntity] });
  const served = () => world.sandbox.faults.list().find((r) => r.id === 'count-graph')!.applied;

  /** A two-way mailbox from the start date on, with `count` meetings next week, synced once. */
  async function synced(count: number) {
    const m = await freshMailbox(world.sandbox, world.fx.crm, exchange.source, {}, 'ada');
    exchange.source.mailboxes.get(m.mailboxId)!.settings = engineSettings(
      {
        ...DEFAULT_SETTINGS,
        meetings: { ...DEFAULT_MEETING_SYNC, importFolders: ['calendar'], importFrom },
        tasks: { ...DEFAULT_TASK_SYNC, direction: 'off' },
      },
      { massDeleteShare: 1, phoneCountry: null },
      { names: [m.address] },
    );
    const sandboxId = world.sandbox.store.mailbox(m.address)!.id;
    const connector = exchange.connectors.connect(m.address);
    const ids: string[] = [];
    for (let i = 0; i < count; i++)
      ids.push(
        (
          await connector.createItem(
            { kind: 'calendar', id: 'calendar' },
            event(`Meeting ${i}`, today + 7 * DAY + i * HOUR),
          )
        ).id,
      );
    const first = await engine().syncMailbox(m.mailboxId, 'meetings');
    expect(first.status, JSON.stringify(first.error)).toBe('succeeded');
    expect(first.tally?.counts.import.created).toBe(count);
    const activities = async () =>
      (await world.fx.crm.activities.list(m.userPrincipal, { cursor: null, limit: 200 })).items;
    const inExchange = () =>
      world.sandbox.store.items(
        sandboxId,
        world.sandbox.store.distinguishedFolder(sandboxId, 'calendar')!.id,
      );
    /** Moves an item as the user does in Outlook. */
    const move = (id: string, startMs: number) =>
      world.sandbox.store.updateItem<'event'>(
        sandboxId,
        id,
        { start: iso(startMs), end: iso(startMs + HOUR) },
        'user',
      );
    return { ...m, sandboxId, ids, activities, inExchange, move };
  }

  const noDeletes = (run: Awaited<ReturnType<SyncEngine['syncMailbox']>>) => {
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    expect(run.tally?.counts.import.deleted).toBe(0);
    expect(run.tally?.counts.export.deleted).toBe(0);
  };

  it('keeps a meeting moved before the start date on both sides, linked, at its new time', async () => {
    const m = await synced(1);
    const before = today - 70 * DAY;
    m.move(m.ids[0], before);
    const run = await engine().syncMailbox(m.mailboxId, 'meetings');
    noDeletes(run);
    const [activity] = await m.activities();
    expect(activity?.subject).toBe('Meeting 0');
    expect(activity?.startsAt).toBe(iso(before));
    expect(m.inExchange().map((i) => i.id)).toEqual(m.ids);
    // Nothing more comes of it in later runs.
    noDeletes(await engine().syncMailbox(m.mailboxId, 'meetings'));
    expect(await m.activities()).toHaveLength(1);
  });

  it('keeps a meeting moved past the horizon, also when the calendar is read afresh', async () => {
    const m = await synced(1);
    const later = horizon + 30 * DAY;
    m.move(m.ids[0], later);
    noDeletes(await engine().syncMailbox(m.mailboxId, 'meetings'));
    expect((await m.activities()).map((a) => a.startsAt)).toEqual([iso(later)]);
    // A read from scratch (an expired cursor, a new month's window) does not list it either.
    await stateStore.saveCursor(
      world.fx.crm.store.db,
      { mailboxId: m.mailboxId, entity: 'meetings' },
      'calendar',
      null,
      new Date(),
    );
    noDeletes(await engine().syncMailbox(m.mailboxId, 'meetings'));
    expect(await m.activities()).toHaveLength(1);
    expect(m.inExchange()).toHaveLength(1);
  });

  it('deletes the activity of a meeting the organizer really deleted (two-way)', async () => {
    const m = await synced(2);
    world.sandbox.store.deleteItem(m.sandboxId, m.ids[0], 'moveToDeletedItems', 'user');
    world.sandbox.store.deleteItem(m.sandboxId, m.ids[1], 'hard', 'user');
    const run = await engine().syncMailbox(m.mailboxId, 'meetings');
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    expect(run.tally?.counts.import.deleted).toBe(2);
    expect(await m.activities()).toEqual([]);
  });

  it('confirms many removals in $batches: one read per removed event, not a run per event', async () => {
    const m = await synced(30);
    for (const [i, id] of m.ids.entries()) m.move(id, i % 2 ? today - 70 * DAY : horizon + 30 * DAY);
    const before = served();
    noDeletes(await engine().syncMailbox(m.mailboxId, 'meetings'));
    const operations = served() - before;
    // One delta page, 30 confirmations (two $batches of 20 and 10), the final empty delta page.
    expect(operations).toBeLessThanOrEqual(30 + 4);
    expect(await m.activities()).toHaveLength(30);
    expect(m.inExchange()).toHaveLength(30);
  });

  it('confirms with the calendar what a read from scratch does not list: moved kept, in Deleted Items deleted', async () => {
    const m = await synced(3);
    // The cursor is lost (expired, state reset) while, in Outlook, one meeting moves past the
    // horizon, one before the start date, and one goes to Deleted Items: none is read until the
    // calendar is read afresh, which lists none of them.
    await stateStore.saveCursor(
      world.fx.crm.store.db,
      { mailboxId: m.mailboxId, entity: 'meetings' },
      'calendar',
      null,
      new Date(),
    );
    const later = horizon + 30 * DAY;
    const before = today - 70 * DAY;
    m.move(m.ids[0], later);
    m.move(m.ids[1], before);
    world.sandbox.store.deleteItem(m.sandboxId, m.ids[2], 'moveToDeletedItems', 'user');
    const run = await engine().syncMailbox(m.mailboxId, 'meetings');
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    expect(run.tally?.counts.import.deleted).toBe(1);
    expect(run.tally?.counts.export.deleted).toBe(0);
    const kept = (await m.activities()).map((a) => [a.subject, a.startsAt]).sort();
    expect(kept).toEqual([
      ['Meeting 0', iso(later)],
      ['Meeting 1', iso(before)],
    ]);
    expect(
      m
        .inExchange()
        .map((i) => i.id)
        .sort(),
    ).toEqual([m.ids[0], m.ids[1]].sort());
    // Later reads, from scratch or not, leave the two moved meetings be.
    noDeletes(await engine().syncMailbox(m.mailboxId, 'meetings'));
    await stateStore.saveCursor(
      world.fx.crm.store.db,
      { mailboxId: m.mailboxId, entity: 'meetings' },
      'calendar',
      null,
      new Date(),
    );
    noDeletes(await engine().syncMailbox(m.mailboxId, 'meetings'));
    expect(await m.activities()).toHaveLength(2);
    expect(m.inExchange()).toHaveLength(2);
  });
});
