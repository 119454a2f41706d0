// A meeting whose organizer's copy was never linked when something happened to it: the
// organizer's first run that saw the meeting was killed, and grace's (the attendee's) run
// imported it meanwhile, or the organizer's killed run had made the activity without linking its
// copy. Over EWS and Graph against the sandbox, both mailboxes two-way:
// - the CRM deletes the activity before the organizer's copy is linked: the organizer's copy is
//   treated as if it had been linked when the CRM deleted the record (the delete is written, or
//   on Graph the copy let go; under "Exchange wins" a copy the organizer changed after the
//   delete comes back as a new activity); nothing is sent, nothing doubled;
// - the organizer cancels a meeting whose activity the killed run made: the activity goes
//   (SPEC E5), also with "CRM wins" and no field merge.

import {
  meetingMessages,
  sendMeetingCancellations,
  sendMeetingRequests,
  updateKind,
} from '@exsync/sandbox/calendar/meetings';
import type { SandboxContext } from '@exsync/sandbox/context';
import type { Item } from '@exsync/sandbox/model';
import { buildEvent } from '@exsync/sandbox/seed/builders';
import { describe, expect, it } from 'vitest';
import type { Protocol } from '../src/connectors/types.ts';
import type { Activity } from '../src/crm/activities.ts';
import { meetingsEntity } from '../src/sync/activities/entity.ts';
import { SyncEngine } from '../src/sync/engine.ts';
import { SimulatedCrash } from '../src/sync/executor.ts';
import type { ConflictPolicy } from '../src/sync/types.ts';
import { freshMailbox } from './support/sandbox-source.ts';
import { sharedMeetingSettings, useProtocolSource, useSandboxAndCrm } from './support/sync-sandbox.ts';

const world = useSandboxAndCrm();

let serial = 0;
const dateIn = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe.each<Protocol>(['ews', 'graph'])('an organizer’s copy not linked yet, over %s', (protocol) => {
  const exchange = useProtocolSource(world, protocol);

  async function scenario(policy: ConflictPolicy, fieldMerge: boolean) {
    const { sandbox, fx } = world;
    const store = sandbox.store;
    const ctx: SandboxContext = {
      store,
      faults: sandbox.faults,
      tokens: sandbox.identity,
      baseUrl: () => sandbox.url,
      now: Date.now,
    };
    const tag = `u${serial++}${protocol}`;
    const mailbox = async (name: 'ada' | 'grace') => {
      const { address, mailboxId } = await freshMailbox(
        sandbox,
        fx.crm,
        exchange.source,
        { meetings: sharedMeetingSettings(policy, fieldMerge) },
        `${name}${tag}x`,
        { displayName: name, administrator: true },
      );
      return { address, mailboxId, box: store.mailbox(address)! };
    };
    const ada = await mailbox('ada');
    const grace = await mailbox('grace');
    const calendar = (m: typeof ada) =>
      store.items(m.box.id, store.distinguishedFolder(m.box.id, 'calendar')!.id) as Array<Item<'event'>>;
    const organizerCopy = () =>
      calendar(ada).find((i) => i.data.isOrganizer && i.data.subject.startsWith(tag));
    const messages = () =>
      meetingMessages(ctx, ada.box).counts.total + meetingMessages(ctx, grace.box).counts.total;
    const sync = async (who: 'ada' | 'grace', killAt?: number) => {
      let seen = 0;
      const engine = new SyncEngine({
        crm: fx.crm,
        source: exchange.source,
        entities: [meetingsEntity],
        pageSize: 4,
        batchSize: 4,
        leaseMs: -1000,
        ...(killAt === undefined
          ? {}
          : {
              checkpoint: (step: string) => {
                if (seen++ === killAt) throw new SimulatedCrash(step);
              },
            }),
      });
      const m = who === 'ada' ? ada : grace;
      const sent = messages();
      const result = await engine.syncMailbox(m.mailboxId, 'meetings').catch((error: unknown) => {
        if (!(error instanceof SimulatedCrash)) throw error;
        return undefined;
      });
      expect(messages(), `${who}'s run sent a meeting message`).toBe(sent);
      return result;
    };
    return {
      ada,
      grace,
      sync,
      organizerCopy,
      /** ada organizes a meeting with grace invited and sends it. */
      organize() {
        const data = buildEvent({
          subject: `${tag} Planning`,
          date: dateIn(9),
          time: '10:00',
          durationMinutes: 60,
          timeZone: 'W. Europe Standard Time',
          organizer: { address: ada.address, name: 'Ada' },
          attendees: [
            { email: { address: grace.address, name: 'Grace' }, type: 'required', response: 'none' },
          ],
          location: 'Room 0',
          uidKey: `${ada.address}-${tag}`,
        });
        const item = store.createItem(
          ada.box.id,
          store.distinguishedFolder(ada.box.id, 'calendar')!.id,
          'event',
          data,
          'user',
        ) as Item<'event'>;
        sendMeetingRequests(ctx, ada.box, item.data, item.data.attendees, 'newMeetingRequest', {
          saveCopy: true,
          actor: 'user',
        });
      },
      /** ada changes the location and sends the update. */
      relocate(location: string) {
        const item = organizerCopy()!;
        const before = structuredClone(item.data);
        const after = store.updateItem<'event'>(ada.box.id, item.id, { location }, 'user') as Item<'event'>;
        sendMeetingRequests(ctx, ada.box, after.data, after.data.attendees, updateKind(before, after.data), {
          saveCopy: true,
          actor: 'user',
        });
      },
      /** ada cancels the meeting and sends the cancellation. */
      cancel() {
        const item = organizerCopy()!;
        store.deleteItem(ada.box.id, item.id, 'moveToDeletedItems', 'user');
        sendMeetingCancellations(ctx, ada.box, item.data, item.data.attendees, {
          saveCopy: true,
          actor: 'user',
        });
      },
      activities: async () =>
        (
          (await fx.crm.activities.list(fx.admin, { filter: { q: tag }, limit: 100 })).items as Activity[]
        ).filter((a) => a.subject.startsWith(tag)),
      links: () =>
        fx.crm.store.db
          .selectFrom('sync_links')
          .select(['mailbox_id', 'record_id', 'shared_role', 'state'])
          .where('entity', '=', 'meetings')
          .where('mailbox_id', 'in', [ada.mailboxId, grace.mailboxId])
          .execute(),
    };
  }

  /** Rounds until settled, then one more of each mailbox that must write nothing. */
  async function settle(s: Awaited<ReturnType<typeof scenario>>) {
    for (let i = 0; i < 2; i++) for (const who of ['ada', 'grace'] as const) await s.sync(who);
    for (const who of ['ada', 'grace'] as const) {
      const quiet = await s.sync(who);
      expect(quiet?.status).toBe('succeeded');
      expect(quiet?.tally?.errors).toEqual([]);
      const writes = Object.values(quiet!.tally!.counts).flatMap((x) => [x.created, x.updated, x.deleted]);
      expect(writes, `${who}'s settled run writes nothing`).toEqual([0, 0, 0, 0, 0, 0]);
    }
  }

  /** grace's run imports the meeting while ada's first run that sees it is killed at its start. */
  async function importedByTheAttendee(policy: ConflictPolicy) {
    const s = await scenario(policy, true);
    s.organize();
    await s.sync('grace');
    expect(await s.sync('ada', 0)).toBeUndefined();
    const [activity] = await s.activities();
    expect(activity).toBeDefined();
    expect((await s.links()).map((l) => [l.mailbox_id, l.shared_role])).toEqual([
      [s.grace.mailboxId, 'attendee'],
    ]);
    return { s, activity };
  }

  for (const graceFirst of [true, false])
    it(`writes a CRM delete made before the organizer's copy was linked to it${graceFirst ? ', grace running first' : ''}`, async () => {
      const { s, activity } = await importedByTheAttendee('exchange_wins');
      await world.fx.crm.activities.delete(world.fx.admin, activity.id);
      if (graceFirst) await s.sync('grace');
      await settle(s);
      expect(await s.activities()).toEqual([]);
      // EWS deletes the organizer's copy without cancellations; on Graph, deleting would mail
      // grace a cancellation: the copy is let go instead, and never imported again.
      if (protocol === 'ews') expect(s.organizerCopy()).toBeUndefined();
      else expect(s.organizerCopy()?.data.location).toBe('Room 0');
      expect(await s.links()).toEqual([]);
    });

  it('leaves the organizer’s copy that let go of a deleted record alone when it changes later', async () => {
    const { s, activity } = await importedByTheAttendee('exchange_wins');
    await world.fx.crm.activities.delete(world.fx.admin, activity.id);
    await s.sync('grace');
    await s.sync('ada');
    // On Graph the copy let go of the record (deleting it would mail grace); a later change of
    // it does not bring the meeting back, as for a copy that had been linked all along.
    if (protocol === 'graph') s.relocate('Room 7');
    await settle(s);
    expect(await s.activities()).toEqual([]);
    expect(await s.links()).toEqual([]);
  });

  it('brings a meeting deleted in the CRM before its organizer’s copy was linked back when Exchange wins with a later change', async () => {
    const { s, activity } = await importedByTheAttendee('exchange_wins');
    await world.fx.crm.activities.delete(world.fx.admin, activity.id);
    await s.sync('grace');
    s.relocate('Room 5');
    await settle(s);
    const after = await s.activities();
    expect(after.map((a) => [a.location, a.id === activity.id])).toEqual([['Room 5', false]]);
    expect(s.organizerCopy()?.data.location).toBe('Room 5');
    expect(
      (await s.links())
        .filter((l) => l.state === 'linked')
        .map((l) => [l.mailbox_id, l.shared_role, l.record_id])
        .sort(),
    ).toEqual(
      [
        [s.ada.mailboxId, 'organizer', after[0].id],
        [s.grace.mailboxId, 'attendee', after[0].id],
      ].sort(),
    );
  });

  it('deletes a meeting the CRM deleted before its organizer’s copy was linked when the CRM wins over a later change', async () => {
    const { s, activity } = await importedByTheAttendee('crm_wins');
    await world.fx.crm.activities.delete(world.fx.admin, activity.id);
    s.relocate('Room 5');
    await settle(s);
    expect(await s.activities()).toEqual([]);
    if (protocol === 'ews') expect(s.organizerCopy()).toBeUndefined();
    else expect(s.organizerCopy()?.data.location).toBe('Room 5');
  });

  it("deletes the activity of a meeting the organizer's killed first run imported and the organizer then cancelled, when the CRM wins", async () => {
    const s = await scenario('crm_wins', false);
    await s.sync('ada');
    await s.sync('grace');
    s.organize();
    // Killed right after the activity was made, before ada's copy was linked to it.
    expect(await s.sync('ada', 3)).toBeUndefined();
    expect(await s.activities()).toHaveLength(1);
    await s.sync('grace');
    s.cancel();
    await settle(s);
    expect(await s.activities()).toEqual([]);
    expect(
      (await s.links()).filter((l) => l.state === 'linked'),
      'no link is left',
    ).toEqual([]);
  });
});
