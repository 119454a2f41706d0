// What a mailbox's meetings and tasks settings cover, end to end against the sandbox on both
// protocols (and on the database EXSYNC_TEST_DB names): the engine is given the settings a user
// saves, turned into engine settings as the server does (engineSettings). C1 chosen calendars
// only; C5 nothing that ended before the start date, but a series begun earlier with later
// occurrences; C2 only the user's own tasks (EWS by Owner against the owner's name as Exchange
// reports it, Graph by list); C3 only activities in chosen groups; C4 shown in the calendar →
// meeting, otherwise task.

import { describe, expect, it } from 'vitest';
import type { NeutralEvent, Protocol } from '../src/connectors/types.ts';
import type { Principal } from '../src/crm/principal.ts';
import {
  DEFAULT_MEETING_SYNC,
  DEFAULT_SETTINGS,
  DEFAULT_TASK_SYNC,
  engineSettings,
  type SyncSettingsView,
} from '../src/mailbox-sync/settings.ts';
import { meetingsEntity } from '../src/sync/activities/entity.ts';
import { tasksEntity } from '../src/sync/activities/tasks-entity.ts';
import { SyncEngine } from '../src/sync/engine.ts';
import { drain } from './support/connector-fixtures.ts';
import { freshMailbox } from './support/sandbox-source.ts';
import { useProtocolSource, useSandboxAndCrm } from './support/sync-sandbox.ts';

const world = useSandboxAndCrm();

const DAY = 86_400_000;
const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
/** The start date: 60 days ago, so that everything stays inside Graph's calendar window. */
const importFrom = new Date(today - 60 * DAY).toISOString().slice(0, 10);
const dayAt = (offsetFromStart: number) =>
  new Date(Date.parse(`${importFrom}T00:00:00Z`) + offsetFromStart * DAY);
const local = (d: Date, hour: number) =>
  `${d.toISOString().slice(0, 10)}T${String(hour).padStart(2, '0')}:00:00`;
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

function event(subject: string, offset: number, series?: { endOffset: number }): NeutralEvent {
  const day = dayAt(offset);
  return {
    subject,
    start: { dateTime: local(day, 10), timeZone: 'UTC' },
    end: { dateTime: local(day, 11), timeZone: 'UTC' },
    isAllDay: false,
    attendees: [],
    showAs: 'busy',
    importance: 'normal',
    categories: [],
    type: series ? 'seriesMaster' : 'single',
    ...(series
      ? {
          recurrence: {
            pattern: {
              type: 'weekly',
              interval: 1,
              daysOfWeek: [WEEKDAYS[day.getUTCDay()]],
              firstDayOfWeek: 'sunday',
            },
            range: {
              type: 'endDate',
              startDate: day.toISOString().slice(0, 10),
              endDate: dayAt(series.endOffset).toISOString().slice(0, 10),
            },
          },
        }
      : {}),
  };
}

for (const protocol of ['ews', 'graph'] as Protocol[]) {
  describe(`activity scopes over ${protocol}`, () => {
    const exchange = useProtocolSource(world, protocol);
    const engine = () =>
      new SyncEngine({ crm: world.fx.crm, source: exchange.source, entities: [meetingsEntity, tasksEntity] });

    /** A fresh mailbox whose engine settings come from `view` as the server builds them. */
    async function mailbox(
      view: (m: { userPrincipal: Principal }) => Promise<SyncSettingsView> | SyncSettingsView,
    ) {
      const m = await freshMailbox(world.sandbox, world.fx.crm, exchange.source, {}, 'ada');
      const displayName = m.address.split('@')[0];
      exchange.source.mailboxes.get(m.mailboxId)!.settings = engineSettings(
        await view(m),
        { massDeleteShare: 1, phoneCountry: null },
        { names: [m.address, displayName] },
      );
      const sandboxMailbox = world.sandbox.store.mailbox(m.address)!;
      return {
        ...m,
        displayName,
        sandboxId: sandboxMailbox.id,
        connector: exchange.connectors.connect(m.address),
      };
    }

    const subjects = async (principal: Principal) =>
      (await world.fx.crm.activities.list(principal, { cursor: null, limit: 100 })).items
        .map((a) => `${a.kind}:${a.subject}`)
        .sort();

    it('imports meetings from the chosen calendar only, from the start date on, with an earlier series that goes on after it', async () => {
      const m = await mailbox(() => ({
        ...DEFAULT_SETTINGS,
        meetings: { ...DEFAULT_MEETING_SYNC, direction: 'import', importFolders: ['calendar'], importFrom },
        tasks: { ...DEFAULT_TASK_SYNC, direction: 'off' },
      }));
      const root = world.sandbox.store.distinguishedFolder(m.sandboxId, 'calendar')!;
      world.sandbox.store.createFolder(
        m.sandboxId,
        { parentId: root.parentId!, displayName: 'Projects', folderClass: 'IPF.Appointment' },
        'user',
      );
      const projects = (await m.connector.listFolders('calendar')).find((f) => f.name === 'Projects')!;
      const calendar = { kind: 'calendar' as const, id: 'calendar' };
      await m.connector.createItem(calendar, event('After the start', 10));
      await m.connector.createItem(calendar, event('Before the start', -10));
      await m.connector.createItem(calendar, event('Weekly begun earlier', -70, { endOffset: 60 }));
      await m.connector.createItem(calendar, event('Weekly over before', -100, { endOffset: -30 }));
      await m.connector.createItem({ kind: 'calendar', id: projects.id }, event('In another calendar', 12));

      const run = await engine().syncMailbox(m.mailboxId, 'meetings');
      expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
      expect(await subjects(m.userPrincipal)).toEqual([
        'meeting:After the start',
        'meeting:Weekly begun earlier',
      ]);
      // Left alone means left alone: a second run neither imports nor deletes anything.
      const again = await engine().syncMailbox(m.mailboxId, 'meetings');
      expect(again.tally?.counts.import).toEqual({ created: 0, updated: 0, deleted: 0, unlinked: 0 });
      expect(
        world.sandbox.store
          .items(m.sandboxId, root.id)
          .map((i) => (i.data as { subject: string }).subject)
          .sort(),
      ).toEqual(['After the start', 'Before the start', 'Weekly begun earlier', 'Weekly over before']);
    });

    it('never deletes a synced meeting that a later start date leaves behind', async () => {
      const view = (from: string | null) => ({
        ...DEFAULT_SETTINGS,
        meetings: { ...DEFAULT_MEETING_SYNC, importFolders: ['calendar'], importFrom: from },
        tasks: { ...DEFAULT_TASK_SYNC, direction: 'off' as const },
      });
      const m = await mailbox(() => view(null));
      const calendar = { kind: 'calendar' as const, id: 'calendar' };
      await m.connector.createItem(calendar, event('Last quarter', -20));
      await m.connector.createItem(calendar, event('Next week', 10));
      expect((await engine().syncMailbox(m.mailboxId, 'meetings')).status).toBe('succeeded');
      expect(await subjects(m.userPrincipal)).toEqual(['meeting:Last quarter', 'meeting:Next week']);

      // The start date moves past "Last quarter": on Graph the calendar is read afresh over the
      // new window, which no longer lists it. Left alone means it stays, on both sides.
      exchange.source.mailboxes.get(m.mailboxId)!.settings = engineSettings(
        view(importFrom),
        { massDeleteShare: 1, phoneCountry: null },
        { names: [m.address, m.displayName] },
      );
      const run = await engine().syncMailbox(m.mailboxId, 'meetings');
      expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
      expect(run.tally?.counts.import.deleted).toBe(0);
      expect(run.tally?.counts.export.deleted).toBe(0);
      expect(await subjects(m.userPrincipal)).toEqual(['meeting:Last quarter', 'meeting:Next week']);
      const root = world.sandbox.store.distinguishedFolder(m.sandboxId, 'calendar')!;
      expect(world.sandbox.store.items(m.sandboxId, root.id)).toHaveLength(2);
    });

    it("imports only the user's own tasks, and no task completed before the start date", async () => {
      const m = await mailbox(() => ({
        ...DEFAULT_SETTINGS,
        meetings: { ...DEFAULT_MEETING_SYNC, direction: 'off' },
        tasks: { ...DEFAULT_TASK_SYNC, direction: 'import', importFrom },
      }));
      const { store } = world.sandbox;
      const own = store.distinguishedFolder(m.sandboxId, 'tasks')!;
      // A list grace shared with the mailbox user: on Graph it says isOwner false; on EWS its
      // tasks name grace as their owner.
      const shared = store.createFolder(
        m.sandboxId,
        {
          parentId: own.parentId!,
          displayName: 'Team list',
          folderClass: 'IPF.Task',
          sharedBy: 'grace@example.test',
        },
        'user',
      );
      const task = (subject: string, over: object = {}) => ({
        subject,
        status: 'notStarted' as const,
        importance: 'normal' as const,
        percentComplete: 0,
        isReminderOn: false,
        categories: [],
        ...over,
      });
      store.createItem(m.sandboxId, own.id, 'task', task('Mine'), 'user');
      store.createItem(m.sandboxId, own.id, 'task', task('Mine, by name', { owner: m.displayName }), 'user');
      store.createItem(
        m.sandboxId,
        own.id,
        'task',
        task('Overdue but open', { dueDate: dayAt(-30).toISOString().slice(0, 10) }),
        'user',
      );
      store.createItem(
        m.sandboxId,
        own.id,
        'task',
        task('Done long ago', {
          status: 'completed',
          percentComplete: 100,
          completedDateTime: dayAt(-20).toISOString(),
        }),
        'user',
      );
      store.createItem(m.sandboxId, shared.id, 'task', task("Grace's", { owner: 'Grace Hopper' }), 'user');
      if (protocol === 'ews')
        // A task assigned to grace, whose copy stays in the mailbox: EWS names her the owner.
        store.createItem(
          m.sandboxId,
          own.id,
          'task',
          task('Assigned to Grace', { owner: 'Grace Hopper' }),
          'user',
        );

      const run = await engine().syncMailbox(m.mailboxId, 'tasks');
      expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
      expect(await subjects(m.userPrincipal)).toEqual([
        'task:Mine',
        'task:Mine, by name',
        'task:Overdue but open',
      ]);
    });

    it('reads no shared list even when it is chosen', async () => {
      const { store } = world.sandbox;
      const m = await mailbox(() => ({
        ...DEFAULT_SETTINGS,
        meetings: { ...DEFAULT_MEETING_SYNC, direction: 'off' },
        tasks: { ...DEFAULT_TASK_SYNC, direction: 'import' },
      }));
      const own = store.distinguishedFolder(m.sandboxId, 'tasks')!;
      const sharedId = store.createFolder(
        m.sandboxId,
        {
          parentId: own.parentId!,
          displayName: 'Team list',
          folderClass: 'IPF.Task',
          sharedBy: 'grace@example.test',
        },
        'user',
      ).id;
      const base = {
        status: 'notStarted' as const,
        importance: 'normal' as const,
        percentComplete: 0,
        isReminderOn: false,
        categories: [],
      };
      store.createItem(m.sandboxId, own.id, 'task', { ...base, subject: 'Mine' }, 'user');
      store.createItem(
        m.sandboxId,
        sharedId,
        'task',
        { ...base, subject: "Grace's", owner: 'Grace Hopper' },
        'user',
      );
      const listed = await m.connector.listFolders('tasks');
      const chosen = listed.map((f) => f.id);
      expect(chosen).toHaveLength(2);
      exchange.source.mailboxes.get(m.mailboxId)!.settings = engineSettings(
        {
          ...DEFAULT_SETTINGS,
          meetings: { ...DEFAULT_MEETING_SYNC, direction: 'off' },
          tasks: { ...DEFAULT_TASK_SYNC, direction: 'import', importFolders: chosen },
        },
        { massDeleteShare: 1, phoneCountry: null },
        { names: [m.address, m.displayName] },
      );
      const run = await engine().syncMailbox(m.mailboxId, 'tasks');
      expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
      expect(await subjects(m.userPrincipal)).toEqual(['task:Mine']);
    });

    it.runIf(protocol === 'ews')(
      "takes the tasks Exchange names the mailbox's owner in, when the CRM calls the user otherwise",
      async () => {
        const m = await mailbox(() => ({
          ...DEFAULT_SETTINGS,
          meetings: { ...DEFAULT_MEETING_SYNC, direction: 'off' },
          tasks: { ...DEFAULT_TASK_SYNC, direction: 'import' },
        }));
        // The CRM knows the user as "Alex Admin"; Exchange knows the mailbox's owner by its own name.
        exchange.source.mailboxes.get(m.mailboxId)!.settings = engineSettings(
          {
            ...DEFAULT_SETTINGS,
            meetings: { ...DEFAULT_MEETING_SYNC, direction: 'off' },
            tasks: { ...DEFAULT_TASK_SYNC, direction: 'import' },
          },
          { massDeleteShare: 1, phoneCountry: null },
          { names: [m.address, 'Alex Admin'] },
        );
        const exchangeName = world.sandbox.store.mailbox(m.address)!.displayName;
        expect(exchangeName).not.toBe('Alex Admin');
        // ResolveNames of the mailbox's own address answers with that name, as Exchange does.
        expect(await m.connector.ownerDisplayName!()).toBe(exchangeName);

        const { store } = world.sandbox;
        const own = store.distinguishedFolder(m.sandboxId, 'tasks')!;
        const task = (subject: string, owner?: string) => ({
          subject,
          status: 'notStarted' as const,
          importance: 'normal' as const,
          percentComplete: 0,
          isReminderOn: false,
          categories: [],
          ...(owner === undefined ? {} : { owner }),
        });
        store.createItem(m.sandboxId, own.id, 'task', task('Named by Exchange', exchangeName), 'user');
        store.createItem(m.sandboxId, own.id, 'task', task('Naming no owner'), 'user');
        store.createItem(m.sandboxId, own.id, 'task', task('Assigned to Grace', 'Grace Hopper'), 'user');
        // "Alex Admin" is someone else in Exchange: the task assigned to them is theirs.
        store.createItem(m.sandboxId, own.id, 'task', task('Assigned to Alex', 'Alex Admin'), 'user');

        const run = await engine().syncMailbox(m.mailboxId, 'tasks');
        expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
        expect(await subjects(m.userPrincipal)).toEqual(['task:Named by Exchange', 'task:Naming no owner']);
      },
    );

    it('exports only activities in the chosen groups, shown in the calendar as meetings and the rest as tasks', async () => {
      let group = '';
      const m = await mailbox(async ({ userPrincipal }) => {
        group = (await world.fx.crm.activityGroups.create(userPrincipal, { name: 'Key accounts' })).id;
        const scope = {
          direction: 'export' as const,
          importFrom,
          export: { all: false as const, groupIds: [group] },
        };
        return {
          ...DEFAULT_SETTINGS,
          meetings: { ...DEFAULT_MEETING_SYNC, ...scope },
          tasks: { ...DEFAULT_TASK_SYNC, ...scope },
        };
      });
      const { crm } = world.fx;
      const p = m.userPrincipal;
      const at = (offset: number, hour: number) =>
        new Date(dayAt(offset).getTime() + hour * 3_600_000).toISOString();
      const meeting = (subject: string, offset: number, groupIds: string[]) =>
        crm.activities.create(p, {
          kind: 'meeting',
          subject,
          showInCalendar: true,
          startsAt: at(offset, 9),
          endsAt: at(offset, 10),
          groupIds,
        });
      await meeting('Grouped meeting', 70, [group]);
      await meeting('Ungrouped meeting', 71, []);
      await meeting('Grouped but before the start', -5, [group]);
      await crm.activities.create(p, {
        kind: 'task',
        subject: 'Grouped task',
        showInCalendar: false,
        groupIds: [group],
      });
      // A meeting-kind activity not shown in the calendar goes as a task (C4).
      await crm.activities.create(p, {
        kind: 'meeting',
        subject: 'Grouped call, not in calendar',
        showInCalendar: false,
        startsAt: at(72, 9),
        endsAt: at(72, 10),
        groupIds: [group],
      });
      await crm.activities.create(p, { kind: 'task', subject: 'Ungrouped task', showInCalendar: false });

      for (const entity of ['meetings', 'tasks']) {
        const run = await engine().syncMailbox(m.mailboxId, entity);
        expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
      }
      const inFolder = async (kind: 'calendar' | 'tasks') =>
        (await drain(m.connector.readChanges({ kind, id: kind }, undefined))).pages
          .flatMap((page) => page.upserts.map((u) => (u.item as { subject: string }).subject))
          .sort();
      expect(await inFolder('calendar')).toEqual(['Grouped meeting']);
      expect(await inFolder('tasks')).toEqual(['Grouped call, not in calendar', 'Grouped task']);
    });
  });
}
