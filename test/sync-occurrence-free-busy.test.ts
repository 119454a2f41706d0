// A modified occurrence's own free/busy status (show-as) and reminder end to end, over EWS and
// Graph against the sandbox (docs/mapping.md "Occurrences"): changed on an occurrence in
// Exchange they reach the CRM's exception, changed in the CRM they reach that occurrence alone
// (the series, its other occurrences and the pattern untouched), and nothing mails anyone.
import { randomBytes } from 'node:crypto';
import type { EventData, Item } from '@exsync/sandbox/model';
import { describe, expect, it } from 'vitest';
import type { Protocol } from '../src/connectors/types.ts';
import type { Activity } from '../src/crm/activities.ts';
import { meetingsEntity } from '../src/sync/activities/entity.ts';
import { SyncEngine } from '../src/sync/engine.ts';
import { meetingSettings } from './support/meeting-world.ts';
import { freshMailbox } from './support/sandbox-source.ts';
import { useProtocolSource, useSandboxAndCrm } from './support/sync-sandbox.ts';

const world = useSandboxAndCrm();

const twoWay = meetingSettings({ direction: 'two_way', massDelete: { share: 0.5, minimum: 5 } });

const ZONE = 'W. Europe Standard Time';
const exceptionId = () => `AAMkA${randomBytes(24).toString('base64url')}`;

/** A weekly series on Mondays 09:00 Berlin from 2027-03-01, busy with a reminder 15 minutes before. */
function standUp(organizer: string): EventData {
  return {
    subject: 'Stand-up',
    organizer: { address: organizer, name: 'Organizer' },
    start: '2027-03-01T08:00:00.000Z',
    end: '2027-03-01T08:30:00.000Z',
    startTimeZone: ZONE,
    endTimeZone: ZONE,
    isAllDay: false,
    location: 'Room 1',
    attendees: [],
    isReminderOn: true,
    reminderMinutesBeforeStart: 15,
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
    // The second Monday moved to Tuesday 14:00.
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
    deletedOccurrences: [],
  };
}

const noChange = { created: 0, updated: 0, deleted: 0, unlinked: 0 };

describe.each(['ews', 'graph'] as Protocol[])(
  "an occurrence's own show-as and reminder over %s",
  (protocol) => {
    const exchange = useProtocolSource(world, protocol);

    async function setUp() {
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
        'fb',
      );
      const store = world.sandbox.store;
      const sandboxMailbox = store.mailbox(mailbox.address)!;
      const calendar = store.distinguishedFolder(sandboxMailbox.id, 'calendar')!;
      const sync = async () => {
        const run = await engine.syncMailbox(mailbox.mailboxId, 'meetings');
        expect(run.status, JSON.stringify(run.tally?.errors)).toBe('succeeded');
        return run.tally!.counts;
      };
      const activity = async () => {
        const list = await world.fx.crm.activities.list(mailbox.userPrincipal, { cursor: null, limit: 50 });
        return list.items.find((a) => a.subject === 'Stand-up') as Activity;
      };
      const messages = async () => (await world.sandbox.admin.meetingMessages(mailbox.address)).counts.total;
      const created = store.createItem(
        sandboxMailbox.id,
        calendar.id,
        'event',
        standUp(mailbox.address),
        'user',
      );
      const item = () => store.item(sandboxMailbox.id, created.id) as Item<'event'>;
      /** The series' exceptions as Exchange holds them: original start, show-as, reminder. */
      const exceptions = () =>
        item()
          .data.modifiedOccurrences.map((o) => ({
            originalStart: new Date(o.originalStart).toISOString(),
            subject: o.subject,
            showAs: o.showAs,
            isReminderOn: o.isReminderOn,
            reminderMinutesBeforeStart: o.reminderMinutesBeforeStart,
          }))
          .sort((a, b) => a.originalStart.localeCompare(b.originalStart));
      return { mailbox, store, sandboxMailbox, created, item, exceptions, sync, activity, messages };
    }

    it('changed on an occurrence in Exchange they reach the CRM; changed in the CRM they reach that occurrence alone', async () => {
      const w = await setUp();
      expect((await w.sync()).import.created).toBe(1);
      const imported = await w.activity();
      expect([imported.showAs, imported.reminderMinutes]).toEqual(['busy', 15]);
      // Nothing of its own: the moved occurrence has the series' show-as and reminder.
      expect(imported.recurrence?.exceptions).toEqual([
        {
          originalStart: '2027-03-08T08:00:00.000Z',
          startsAt: '2027-03-09T13:00:00.000Z',
          endsAt: '2027-03-09T13:30:00.000Z',
          subject: 'Stand-up (moved)',
        },
      ]);

      // In Exchange: the moved occurrence shown as free without a reminder, the fourth Monday
      // reminded 5 minutes before.
      const [moved] = w.item().data.modifiedOccurrences;
      w.store.updateItem<'event'>(
        w.sandboxMailbox.id,
        w.created.id,
        {
          modifiedOccurrences: [
            { ...moved, showAs: 'free', isReminderOn: false },
            {
              id: exceptionId(),
              changeKey: 'CQAAAA2',
              originalStart: '2027-03-22T08:00:00.000Z',
              isReminderOn: true,
              reminderMinutesBeforeStart: 5,
            },
          ],
        },
        'user',
      );
      expect((await w.sync()).import.updated).toBe(1);
      const afterImport = await w.activity();
      expect([afterImport.showAs, afterImport.reminderMinutes]).toEqual(['busy', 15]);
      expect(afterImport.recurrence?.exceptions).toEqual([
        { ...imported.recurrence!.exceptions![0], showAs: 'free', reminderMinutes: null },
        {
          originalStart: '2027-03-22T08:00:00.000Z',
          startsAt: '2027-03-22T08:00:00.000Z',
          endsAt: '2027-03-22T08:30:00.000Z',
          reminderMinutes: 5,
        },
      ]);
      expect(await w.sync()).toEqual({ import: noChange, export: noChange });

      // In the CRM: the moved occurrence tentative, and the sixth Monday (summer time: 07:00 UTC)
      // out of office with a reminder 30 minutes before.
      const [first, fourth] = afterImport.recurrence!.exceptions!;
      await world.fx.crm.activities.update(w.mailbox.userPrincipal, afterImport.id, {
        recurrence: {
          ...afterImport.recurrence!,
          exceptions: [
            { ...first, showAs: 'tentative' },
            fourth,
            { originalStart: '2027-04-05T07:00:00.000Z', showAs: 'oof', reminderMinutes: 30 },
          ],
        },
      });
      const sentBefore = exchange.traffic.sent.length;
      expect((await w.sync()).export.updated).toBe(1);
      const writes = exchange.traffic.sent
        .slice(sentBefore)
        .filter((r) =>
          protocol === 'ews' ? /<m:(UpdateItem|CreateItem|DeleteItem)\b/.test(r.body) : r.method !== 'GET',
        );
      expect(writes.length).toBeGreaterThan(0);
      // Written on the occurrences: never the pattern, never the series' own fields.
      for (const r of writes) expect(r.body).not.toMatch(/calendar:Recurrence|<t:Recurrence>|"recurrence"/);
      if (protocol === 'ews')
        for (const r of writes) expect(r.body).toMatch(/SendMeetingInvitationsOrCancellations="SendToNone"/);
      expect(w.exceptions()).toEqual([
        {
          originalStart: '2027-03-08T08:00:00.000Z',
          subject: 'Stand-up (moved)',
          showAs: 'tentative',
          isReminderOn: false,
          reminderMinutesBeforeStart: undefined,
        },
        {
          originalStart: '2027-03-22T08:00:00.000Z',
          subject: undefined,
          showAs: undefined,
          isReminderOn: true,
          reminderMinutesBeforeStart: 5,
        },
        {
          originalStart: '2027-04-05T07:00:00.000Z',
          subject: 'Stand-up',
          showAs: 'oof',
          isReminderOn: true,
          reminderMinutesBeforeStart: 30,
        },
      ]);
      // The series keeps its own.
      expect(w.item().data).toMatchObject({
        showAs: 'busy',
        isReminderOn: true,
        reminderMinutesBeforeStart: 15,
      });
      expect(await w.sync()).toEqual({ import: noChange, export: noChange });
      expect(await w.messages()).toBe(0);
    });
  },
);
