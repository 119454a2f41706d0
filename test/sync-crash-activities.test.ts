// E6 for meetings and tasks, as test/sync-crash.test.ts does it for contacts: a run killed at any
// step resumes without duplicates and without losing a change. For each protocol against the
// sandbox, a clean run first counts the step boundaries of a scenario; then, for every boundary
// in turn, the scenario is replayed on fresh mailboxes, the run is killed there (nothing is
// cleaned up) and a second engine finishes from stored state.
//
// Meetings: ada organizes a meeting and a weekly series with grace invited, and both calendars
// sync. The killed run is ada's or grace's in turn, and the other mailbox runs before the
// resume: whichever copy reaches the CRM first, each meeting ends as one activity linked from
// both mailboxes, with the organizer's later edit and a CRM edit, and no run sends a meeting
// message. Tasks: tasks made on both sides, then edits and deletes on both sides.

import {
  meetingMessages,
  respondToMeeting,
  sendMeetingRequests,
  updateKind,
} from '@exsync/sandbox/calendar/meetings';
import type { SandboxContext } from '@exsync/sandbox/context';
import type { EventData, Item, TaskData } from '@exsync/sandbox/model';
import { buildEvent } from '@exsync/sandbox/seed/builders';
import { describe, expect, it } from 'vitest';
import type { Protocol } from '../src/connectors/types.ts';
import type { Activity } from '../src/crm/activities.ts';
import { DEFAULT_MEETING_OPTIONS, meetingsEntity } from '../src/sync/activities/entity.ts';
import { DEFAULT_TASK_OPTIONS, tasksEntity } from '../src/sync/activities/tasks-entity.ts';
import { SyncEngine } from '../src/sync/engine.ts';
import { SimulatedCrash } from '../src/sync/executor.ts';
import type { EntitySyncSettings } from '../src/sync/types.ts';
import { freshMailbox } from './support/sandbox-source.ts';
import { useProtocolSource, useSandboxAndCrm } from './support/sync-sandbox.ts';

const world = useSandboxAndCrm();

const settings = (options: unknown): EntitySyncSettings => ({
  direction: 'two_way',
  conflictPolicy: 'crm_wins',
  fieldMerge: true,
  importFolders: 'all',
  massDelete: { share: 1, minimum: 1000 },
  autoSync: false,
  intervalMinutes: 15,
  options,
});

let serial = 0;
const dateIn = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

type Kill = (step: string) => void;

describe.each<Protocol>(['ews', 'graph'])(
  'crash at every step of meeting and task sync over %s',
  (protocol) => {
    const exchange = useProtocolSource(world, protocol);
    const engine = (entity: typeof meetingsEntity | typeof tasksEntity, checkpoint?: Kill) =>
      new SyncEngine({
        crm: world.fx.crm,
        source: exchange.source,
        entities: [entity],
        pageSize: 2,
        batchSize: 2,
        leaseMs: 1,
        ...(checkpoint ? { checkpoint } : {}),
      });
    const ctx = (): SandboxContext => ({
      store: world.sandbox.store,
      faults: world.sandbox.faults,
      tokens: world.sandbox.identity,
      baseUrl: () => world.sandbox.url,
      now: Date.now,
    });

    /** ada and grace, administrators (each sync may change what the other's made), two meetings. */
    async function meetingScenario() {
      const { sandbox, fx } = world;
      const store = sandbox.store;
      // ada and grace are administrators, whose first run exports every activity in the CRM a
      // batch (and a step) at a time: the replays before this one are cleared away, or each
      // replay would have more steps and more work than the last.
      for (;;) {
        const left = (await fx.crm.activities.list(fx.admin, { limit: 100 })).items as Activity[];
        if (left.length === 0) break;
        for (const a of left) await fx.crm.activities.delete(fx.admin, a.id);
      }
      const tag = `k${serial++}`;
      const mailboxSettings = {
        meetings: settings({ ...DEFAULT_MEETING_OPTIONS, export: { all: false, groupIds: [] } }),
      };
      const mailbox = async (name: string) => {
        const { address, mailboxId } = await freshMailbox(
          sandbox,
          fx.crm,
          exchange.source,
          mailboxSettings,
          `${name}${tag}x`,
          { displayName: name, administrator: true },
        );
        return { address, mailboxId, box: store.mailbox(address)! };
      };
      const ada = await mailbox('ada');
      const grace = await mailbox('grace');
      const calendar = (m: typeof ada) =>
        store.items(m.box.id, store.distinguishedFolder(m.box.id, 'calendar')!.id) as Array<Item<'event'>>;
      const organize = (subject: string, days: number, series: boolean) => {
        const date = dateIn(days);
        const data = buildEvent({
          subject: `${tag} ${subject}`,
          date,
          time: '09:00',
          durationMinutes: 30,
          timeZone: 'W. Europe Standard Time',
          organizer: { address: ada.address, name: 'Ada' },
          attendees: [
            { email: { address: grace.address, name: 'Grace' }, type: 'required', response: 'none' },
          ],
          location: 'Room 1',
          uidKey: `${ada.address}-${subject}`,
        });
        if (series)
          data.recurrence = {
            pattern: {
              type: 'weekly',
              interval: 1,
              daysOfWeek: [WEEKDAYS[new Date(`${date}T12:00:00Z`).getUTCDay()]],
              firstDayOfWeek: 'sunday',
            },
            range: { type: 'numbered', startDate: date, numberOfOccurrences: 5 },
          };
        const item = store.createItem(
          ada.box.id,
          store.distinguishedFolder(ada.box.id, 'calendar')!.id,
          'event',
          data,
          'user',
        ) as Item<'event'>;
        sendMeetingRequests(ctx(), ada.box, item.data, item.data.attendees, 'newMeetingRequest', {
          saveCopy: true,
          actor: 'user',
        });
      };
      organize('Kick-off', 10, false);
      organize('Weekly review', 11, true);
      const messages = () =>
        meetingMessages(ctx(), ada.box).counts.total + meetingMessages(ctx(), grace.box).counts.total;
      const activities = async () =>
        (
          (await fx.crm.activities.list(fx.admin, { filter: { q: tag }, limit: 100 })).items as Activity[]
        ).filter((a) => a.subject.startsWith(`${tag} `));
      const changes = async () => {
        // ada renames the meeting and sends the update; grace accepts the series; the CRM moves it.
        const kickOff = calendar(ada).find((i) => i.data.subject.endsWith('Kick-off'))!;
        const before = structuredClone(kickOff.data) as EventData;
        const after = store.updateItem<'event'>(
          ada.box.id,
          kickOff.id,
          { subject: `${tag} Kick-off, agenda` },
          'user',
        ) as Item<'event'>;
        sendMeetingRequests(
          ctx(),
          ada.box,
          after.data,
          after.data.attendees,
          updateKind(before, after.data),
          {
            saveCopy: true,
            actor: 'user',
          },
        );
        const copy = calendar(grace).find((i) => i.data.subject.endsWith('Weekly review'))!;
        respondToMeeting(ctx(), grace.box, copy, 'accepted', {
          disposition: 'sendAndSaveCopy',
          actor: 'user',
        });
        const review = (await activities()).find((a) => a.subject.endsWith('Weekly review'))!;
        await fx.crm.activities.update(fx.admin, review.id, { location: 'Room 2' });
      };
      const state = async () => {
        const links = await fx.crm.store.db
          .selectFrom('sync_links')
          .select(['mailbox_id', 'record_id', 'shared_role', 'state'])
          .where('entity', '=', 'meetings')
          .where('mailbox_id', 'in', [ada.mailboxId, grace.mailboxId])
          .execute();
        return {
          crm: (await activities())
            .map((a) => {
              const roles = links
                .filter((l) => l.record_id === a.id && l.state === 'linked')
                .map((l) => `${l.mailbox_id === ada.mailboxId ? 'ada' : 'grace'}:${l.shared_role}`)
                .sort();
              const answer = a.participants.find((p) => p.email === grace.address)?.response;
              return `${a.subject.slice(tag.length + 1)} | ${a.location} | grace ${answer} | ${roles.join(' ')}`;
            })
            .sort(),
          organizer: calendar(ada)
            .map((i) => `${i.data.subject.slice(tag.length + 1)} | ${i.data.location}`)
            .sort(),
        };
      };
      return { ada, grace, changes, state, messages };
    }

    const meetingsFirst = {
      crm: [
        'Kick-off | Room 1 | grace none | ada:organizer grace:attendee',
        'Weekly review | Room 1 | grace none | ada:organizer grace:attendee',
      ],
      organizer: ['Kick-off | Room 1', 'Weekly review | Room 1'],
    };
    const meetingsSecond = {
      crm: [
        'Kick-off, agenda | Room 1 | grace none | ada:organizer grace:attendee',
        'Weekly review | Room 2 | grace accepted | ada:organizer grace:attendee',
      ],
      // On Graph a change attendees see is not written to a meeting with attendees that was not
      // made in the CRM: writing it would mail them (docs/sync.md "Invitations").
      organizer: [
        'Kick-off, agenda | Room 1',
        `Weekly review | ${protocol === 'graph' ? 'Room 1' : 'Room 2'}`,
      ],
    };

    for (const phase of ['first', 'second'] as const)
      for (const killed of ['ada', 'grace'] as const) {
        it(`meetings: resumes after a kill at each step of ${killed}'s ${phase} run`, async () => {
          const sync = (
            s: Awaited<ReturnType<typeof meetingScenario>>,
            who: 'ada' | 'grace',
            checkpoint?: Kill,
          ) => engine(meetingsEntity, checkpoint).syncMailbox(s[who].mailboxId, 'meetings');
          const other = killed === 'ada' ? 'grace' : 'ada';
          const prepare = async () => {
            const s = await meetingScenario();
            if (phase === 'second') {
              await sync(s, 'ada');
              await sync(s, 'grace');
              await s.changes();
            }
            return s;
          };
          const expected = phase === 'first' ? meetingsFirst : meetingsSecond;
          const counting = await prepare();
          const steps: string[] = [];
          await sync(counting, killed, (step) => void steps.push(step));
          await sync(counting, other);
          await sync(counting, killed);
          expect(await counting.state()).toEqual(expected);
          expect(steps.length).toBeGreaterThan(3);
          let kills = 0;
          for (let n = 0; n < steps.length; n++) {
            const s = await prepare();
            const sent = s.messages();
            let seen = 0;
            const outcome = await sync(s, killed, (step) => {
              if (seen++ === n) throw new SimulatedCrash(step);
            }).then(
              () => 'completed',
              (error: unknown) => {
                expect(error).toBeInstanceOf(SimulatedCrash);
                return 'killed';
              },
            );
            if (outcome === 'killed') kills++;
            await new Promise((r) => setTimeout(r, 3));
            // The other mailbox syncs before the killed one resumes.
            const ctxt = `killed at step ${n} (${steps[n]})`;
            expect((await sync(s, other)).status, ctxt).toBe('succeeded');
            expect((await sync(s, killed)).status, ctxt).toBe('succeeded');
            await sync(s, other);
            expect(await s.state(), ctxt).toEqual(expected);
            for (const who of ['ada', 'grace'] as const) {
              const quiet = await sync(s, who);
              const writes = Object.values(quiet.tally!.counts).flatMap((c) => [
                c.created,
                c.updated,
                c.deleted,
              ]);
              expect(writes, `${ctxt}: ${who} settled`).toEqual([0, 0, 0, 0, 0, 0]);
            }
            expect(s.messages(), `${ctxt}: no meeting message`).toBe(sent);
          }
          expect(kills).toBeGreaterThanOrEqual(steps.length - 2);
        }, 300_000);
      }

    /** One mailbox's tasks: three in Exchange, three in the CRM before the first run. */
    async function taskScenario() {
      const { sandbox, fx } = world;
      const store = sandbox.store;
      const m = await freshMailbox(
        sandbox,
        fx.crm,
        exchange.source,
        { tasks: settings(DEFAULT_TASK_OPTIONS) },
        'tasks',
      );
      const box = store.mailbox(m.address)!;
      const folder = store.distinguishedFolder(box.id, 'tasks')!;
      const task = (subject: string): TaskData => ({
        subject,
        status: 'notStarted',
        importance: 'normal',
        percentComplete: 0,
        isReminderOn: false,
        categories: [],
        dueDate: dateIn(20),
      });
      const create = (subject: string) =>
        store.createItem(box.id, folder.id, 'task', task(subject), 'user').id;
      const crm = fx.crm.activities;
      const p = m.userPrincipal;
      const crmTask = (subject: string) =>
        crm.create(p, {
          kind: 'task',
          showInCalendar: false,
          subject,
          endsAt: `${dateIn(21)}T12:00:00.000Z`,
        } as never) as Promise<Activity>;
      const a = create('Anna call back');
      const b = create('Bert send offer');
      create('Carl check contract');
      const x = await crmTask('Xena prepare demo');
      const y = await crmTask('Yuri renew licence');
      await crmTask('Zoe book venue');
      const changes = async () => {
        store.updateItem<'task'>(box.id, a, { subject: 'Anna call back today' }, 'user');
        store.deleteItem(box.id, b, 'hard', 'user');
        create('Dora write minutes');
        await crm.update(p, x.id, { subject: 'Xena prepare demo, slides' });
        await crm.delete(p, y.id);
        await crmTask('Walt order coffee');
      };
      const state = async () => ({
        crm: ((await crm.list(p, { limit: 100 })).items as Activity[]).map((t) => t.subject).sort(),
        exchange: (store.items(box.id, folder.id) as Array<{ data: TaskData }>)
          .map((i) => i.data.subject)
          .sort(),
      });
      return { m, changes, state };
    }

    const tasksFirst = [
      'Anna call back',
      'Bert send offer',
      'Carl check contract',
      'Xena prepare demo',
      'Yuri renew licence',
      'Zoe book venue',
    ];
    const tasksSecond = [
      'Anna call back today',
      'Carl check contract',
      'Dora write minutes',
      'Walt order coffee',
      'Xena prepare demo, slides',
      'Zoe book venue',
    ];

    for (const phase of ['first', 'second'] as const)
      it(`tasks: resumes after a kill at each step of the ${phase} run`, async () => {
        const prepare = async () => {
          const s = await taskScenario();
          if (phase === 'second') {
            await engine(tasksEntity).syncMailbox(s.m.mailboxId, 'tasks');
            await s.changes();
          }
          return s;
        };
        const expected = phase === 'first' ? tasksFirst : tasksSecond;
        const counting = await prepare();
        const steps: string[] = [];
        await engine(tasksEntity, (step) => void steps.push(step)).syncMailbox(counting.m.mailboxId, 'tasks');
        expect(await counting.state()).toEqual({ crm: expected, exchange: expected });
        expect(steps).toEqual(expect.arrayContaining(['export:created', 'import:created']));
        let kills = 0;
        for (let n = 0; n < steps.length; n++) {
          const s = await prepare();
          let seen = 0;
          const outcome = await engine(tasksEntity, (step) => {
            if (seen++ === n) throw new SimulatedCrash(step);
          })
            .syncMailbox(s.m.mailboxId, 'tasks')
            .then(
              () => 'completed',
              (error: unknown) => {
                expect(error).toBeInstanceOf(SimulatedCrash);
                return 'killed';
              },
            );
          if (outcome === 'killed') kills++;
          await new Promise((r) => setTimeout(r, 3));
          const ctxt = `killed at step ${n} (${steps[n]})`;
          expect((await engine(tasksEntity).syncMailbox(s.m.mailboxId, 'tasks')).status, ctxt).toBe(
            'succeeded',
          );
          expect(await s.state(), ctxt).toEqual({ crm: expected, exchange: expected });
          const quiet = await engine(tasksEntity).syncMailbox(s.m.mailboxId, 'tasks');
          const writes = Object.values(quiet.tally!.counts).flatMap((c) => [c.created, c.updated, c.deleted]);
          expect(writes, ctxt).toEqual([0, 0, 0, 0, 0, 0]);
        }
        expect(kills).toBeGreaterThanOrEqual(steps.length - 2);
      }, 300_000);
  },
);

describe('a Graph series whose master waits for a later $batch', () => {
  const exchange = useProtocolSource(world, 'graph');

  it('is not lost when the run is killed after the page that listed it', async () => {
    const { sandbox, fx } = world;
    const store = sandbox.store;
    const m = await freshMailbox(
      sandbox,
      fx.crm,
      exchange.source,
      { meetings: settings({ ...DEFAULT_MEETING_OPTIONS, export: { all: false, groupIds: [] } }) },
      'waiting',
    );
    const box = store.mailbox(m.address)!;
    const calendar = store.distinguishedFolder(box.id, 'calendar')!.id;
    const event = (subject: string, days: number) =>
      buildEvent({
        subject,
        date: dateIn(days),
        time: '09:00',
        durationMinutes: 30,
        timeZone: 'UTC',
        organizer: { address: m.address, name: 'Owner' },
        uidKey: `${m.address}-${subject}`,
      });
    const data = event('Stand-up', 5);
    data.recurrence = {
      pattern: { type: 'daily', interval: 1 },
      range: { type: 'numbered', startDate: dateIn(5), numberOfOccurrences: 3 },
    };
    const series = store.createItem(box.id, calendar, 'event', data, 'user');
    const engine = (checkpoint?: Kill) =>
      new SyncEngine({
        crm: fx.crm,
        source: exchange.source,
        entities: [meetingsEntity],
        pageSize: 2,
        leaseMs: 1,
        ...(checkpoint ? { checkpoint } : {}),
      });
    expect((await engine().syncMailbox(m.mailboxId, 'meetings')).status).toBe('succeeded');

    // The series changes, then three single meetings are made: the next read lists the series'
    // occurrences on its first page, whose master waits for the last page's $batch.
    store.updateItem<'event'>(box.id, series.id, { subject: 'Stand-up, new room' }, 'user');
    for (const [i, subject] of ['One', 'Two', 'Three'].entries())
      store.createItem(box.id, calendar, 'event', event(subject, 10 + i), 'user');
    const killed = await engine((step) => {
      if (step.startsWith('page:')) throw new SimulatedCrash(step);
    })
      .syncMailbox(m.mailboxId, 'meetings')
      .catch((error: unknown) => error);
    expect(killed).toBeInstanceOf(SimulatedCrash);
    await new Promise((r) => setTimeout(r, 3));
    expect((await engine().syncMailbox(m.mailboxId, 'meetings')).status).toBe('succeeded');
    const subjects = ((await fx.crm.activities.list(m.userPrincipal, { limit: 100 })).items as Activity[])
      .map((a) => a.subject)
      .sort();
    expect(subjects).toEqual(['One', 'Stand-up, new room', 'Three', 'Two']);
  }, 60_000);
});
