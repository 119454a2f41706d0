// Write rights per copy of a meeting, end to end against the sandbox on both protocols (and on
// PostgreSQL with EXSYNC_TEST_DB=postgres): only the organizer's copy is written; an attendee's
// copy is read-only and brings back the attendee's answer; a CRM edit no organizer's copy can
// carry stays in the CRM and is reported; the organizer cancelling deletes the activity and the
// attendee's cancelled copy never brings it back; two mailboxes importing one meeting at once
// make one activity; and no sync run puts a meeting message into any mailbox. The meetings are
// sent by the organizer over EWS (the sandbox delivers the attendee's copy as Exchange does),
// then read by the sync over the protocol under test.
import { DEMO_PASSWORD } from '@exsync/sandbox/seed';
import { describe, expect, it } from 'vitest';
import type { Protocol } from '../src/connectors/types.ts';
import type { Activity } from '../src/crm/activities.ts';
import type { Principal } from '../src/crm/principal.ts';
import { meetingsEntity } from '../src/sync/activities/entity.ts';
import type { ActivitySyncOptions } from '../src/sync/activities/scope.ts';
import { SyncEngine } from '../src/sync/engine.ts';
import { recordLinksIn } from '../src/sync/store/links.ts';
import { tagRecords } from '../src/sync/store/tags.ts';
import type { EntitySyncSettings } from '../src/sync/types.ts';
import { basic, descendant, EwsTestClient, firstMessage, responseCode } from './support/ews-soap.ts';
import { crmWinsMeetingSettings } from './support/meeting-world.ts';
import { freshMailbox } from './support/sandbox-source.ts';
import { useProtocolSource, useSandboxAndCrm } from './support/sync-sandbox.ts';

const world = useSandboxAndCrm();

/** Three weeks ahead, on the hour: inside Graph's calendar window (this month to 18 months on). */
const START = new Date(Math.ceil((Date.now() + 21 * 86_400_000) / 3_600_000) * 3_600_000);
const at = (hours: number) =>
  new Date(START.getTime() + hours * 3_600_000).toISOString().replace('.000Z', 'Z');

const ews = (address: string) => new EwsTestClient(world.sandbox.url, basic(address, DEMO_PASSWORD));

async function ewsCall(address: string, body: string) {
  const answer = await ews(address).call(body);
  const message = firstMessage(answer);
  expect(responseCode(message), answer.text).toBe('NoError');
  return message;
}

/** `organizer` sends a meeting to `attendee`; returns the organizer's item id and the UID. */
async function sendMeeting(organizer: string, attendee: string, subject: string) {
  const message = await ewsCall(
    organizer,
    '<m:CreateItem SendMeetingInvitations="SendToAllAndSaveCopy"><m:SavedItemFolderId><t:DistinguishedFolderId Id="calendar"/></m:SavedItemFolderId><m:Items>' +
      `<t:CalendarItem><t:Subject>${subject}</t:Subject><t:Start>${at(0)}</t:Start>` +
      `<t:End>${at(1)}</t:End><t:Location>Room 1</t:Location>` +
      `<t:RequiredAttendees><t:Attendee><t:Mailbox><t:EmailAddress>${attendee}</t:EmailAddress></t:Mailbox></t:Attendee></t:RequiredAttendees>` +
      '</t:CalendarItem></m:Items></m:CreateItem>',
  );
  const id = descendant(message, 'Items', 'CalendarItem', 'ItemId')!.attrs.Id;
  const uid = (
    world.sandbox.store.item(world.sandbox.store.mailbox(organizer)!.id, id) as { data: { iCalUId: string } }
  ).data.iCalUId;
  return { id, uid };
}

/** The mailbox's calendar copy of the meeting (not the one in Deleted Items). */
function copyOf(address: string, uid: string) {
  const store = world.sandbox.store;
  const id = store.mailbox(address)!.id;
  for (const folder of store.folders(id)) {
    if (folder.folderClass !== 'IPF.Appointment') continue;
    const found = store.items(id, folder.id).find((i) => i.kind === 'event' && i.data.iCalUId === uid);
    if (found)
      return found as {
        id: string;
        changeKey: string;
        data: { subject: string; location?: { displayName?: string } };
      };
  }
  return undefined;
}

/** The organizer sends an update of the location to every attendee. */
async function organizerMoves(organizer: string, itemId: string, location: string) {
  const store = world.sandbox.store;
  const current = store.item(store.mailbox(organizer)!.id, itemId)!;
  await ewsCall(
    organizer,
    `<m:UpdateItem ConflictResolution="AutoResolve" SendMeetingInvitationsOrCancellations="SendToAllAndSaveCopy"><m:ItemChanges><t:ItemChange>` +
      `<t:ItemId Id="${itemId}" ChangeKey="${current.changeKey}"/><t:Updates>` +
      `<t:SetItemField><t:FieldURI FieldURI="calendar:Location"/><t:CalendarItem><t:Location>${location}</t:Location></t:CalendarItem></t:SetItemField>` +
      '</t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>',
  );
}

async function respond(address: string, kind: 'TentativelyAcceptItem' | 'DeclineItem', itemId: string) {
  await ewsCall(
    address,
    `<m:CreateItem MessageDisposition="SendAndSaveCopy"><m:Items><t:${kind}><t:ReferenceItemId Id="${itemId}"/></t:${kind}></m:Items></m:CreateItem>`,
  );
}

async function cancel(organizer: string, itemId: string) {
  await ewsCall(
    organizer,
    '<m:CreateItem MessageDisposition="SendAndSaveCopy"><m:Items><t:CancelCalendarItem>' +
      `<t:ReferenceItemId Id="${itemId}"/></t:CancelCalendarItem></m:Items></m:CreateItem>`,
  );
}

const totalMessages = async (addresses: string[]) => {
  let total = 0;
  for (const a of addresses) total += (await world.sandbox.admin.meetingMessages(a)).counts.total;
  return total;
};

describe.each(['ews', 'graph'] as Protocol[])('write rights per copy of a meeting over %s', (protocol) => {
  const exchange = useProtocolSource(world, protocol);
  const crm = () => world.fx.crm;

  /** Two fresh mailboxes and an engine; `sync` checks that the run sends no meeting message. */
  async function setup(
    options: Partial<ActivitySyncOptions> = {},
    changes: Partial<Omit<EntitySyncSettings, 'options'>> = {},
  ) {
    const engine = new SyncEngine({ crm: crm(), source: exchange.source, entities: [meetingsEntity] });
    const mailbox = (name: string) =>
      freshMailbox(
        world.sandbox,
        crm(),
        exchange.source,
        { meetings: { ...crmWinsMeetingSettings(options), ...changes } },
        name,
      );
    const ada = await mailbox('ada');
    const grace = await mailbox('grace');
    const sync = async (m: { mailboxId: string }) => {
      const before = await totalMessages([ada.address, grace.address]);
      const run = await engine.syncMailbox(m.mailboxId, 'meetings');
      expect(run.status, JSON.stringify(run.tally?.errors)).toBe('succeeded');
      // Zero meeting messages: no request, update, cancellation (or response) from the sync.
      expect(await totalMessages([ada.address, grace.address])).toBe(before);
      return run.tally!;
    };
    /** Runs each mailbox once more: nothing left to write on either side. */
    const settled = async (...mailboxes: Array<{ mailboxId: string }>) => {
      for (const m of mailboxes) {
        const { import: i, export: e } = (await sync(m)).counts;
        expect([i.created, i.updated, i.deleted, e.created, e.updated, e.deleted]).toEqual([
          0, 0, 0, 0, 0, 0,
        ]);
      }
    };
    /** Whose copies link the record, as [ada or grace, role, state], sorted. */
    const copiesOf = async (recordId: string) =>
      (await linksOf(recordId, [ada.mailboxId, grace.mailboxId]))
        .map((l) => [l.mailboxId === ada.mailboxId ? 'ada' : 'grace', l.shared?.role, l.state])
        .sort();
    /** ada sends a meeting to grace; both sync it, grace seeing ada's activity. */
    const seenByBoth = async (subject: string) => {
      const meeting = await sendMeeting(ada.address, grace.address, subject);
      await sync(ada);
      const [activity] = await activitiesOf(ada.userPrincipal, subject);
      await shareWith(ada.userPrincipal, activity.id, grace.userPrincipal);
      await sync(grace);
      return { meeting, activity };
    };
    return { engine, ada, grace, sync, settled, copiesOf, seenByBoth };
  }

  const activitiesOf = async (principal: Principal, subject: string): Promise<Activity[]> =>
    (await crm().activities.list(principal, { cursor: null, limit: 100 })).items.filter((a) =>
      a.subject.includes(subject),
    );

  const shareWith = async (owner: Principal, recordId: string, user: Principal) =>
    crm().shares.share(owner, {
      recordType: 'activity',
      recordId,
      principalType: 'user',
      principalId: user.userId,
      level: 'edit',
    });

  const linksOf = (recordId: string, mailboxIds: string[]) =>
    recordLinksIn(world.fx.crm.store.db, 'meetings', recordId, mailboxIds);

  it("writes a CRM edit once, through the organizer's copy; the attendee's copy keeps what Exchange sent it", async () => {
    const { ada, grace, sync } = await setup();
    const subject = `Budget ${protocol}`;
    const meeting = await sendMeeting(ada.address, grace.address, subject);
    expect((await sync(ada)).counts.import.created).toBe(1);
    const [imported] = await activitiesOf(ada.userPrincipal, subject);
    await shareWith(ada.userPrincipal, imported.id, grace.userPrincipal);
    expect((await sync(grace)).counts.import.created).toBe(0);
    const [activity] = await activitiesOf(ada.userPrincipal, subject);

    const edited = await crm().activities.update(ada.userPrincipal, activity.id, {
      subject: `${subject} (moved agenda)`,
      ifVersion: activity.version,
    });
    // The attendee's sync writes nothing and reports nothing: the organizer's copy carries it.
    const graceRun = await sync(grace);
    expect(graceRun.counts.export).toEqual({ created: 0, updated: 0, deleted: 0, unlinked: 0 });
    expect(graceRun.counts.import.updated).toBe(0);
    expect(graceRun.skipped).toEqual([]);
    const adaRun = await sync(ada);
    const written = `${subject} (moved agenda)`;
    if (protocol === 'ews') {
      // Written once, with SendToNone: no update reaches grace, so her copy stays as the
      // invitation made it, as on Exchange.
      expect(adaRun.counts.export.updated).toBe(1);
      expect(copyOf(ada.address, meeting.uid)!.data.subject).toBe(written);
    } else {
      // Graph mails the attendees on any change of what they see, with no switch against it:
      // the edit stays in the CRM and is reported.
      expect(adaRun.counts.export.updated).toBe(0);
      expect(adaRun.skipped).toEqual([
        {
          ref: `record ${activity.id}`,
          reason:
            'not written to Exchange (subject): on Microsoft 365, changing a meeting with attendees sends them an update',
          recordId: activity.id,
        },
      ]);
      expect(copyOf(ada.address, meeting.uid)!.data.subject).toBe(subject);
    }
    for (const m of [grace, ada, grace]) {
      const again = await sync(m);
      expect(again.counts.export.updated + again.counts.import.updated).toBe(0);
      expect(again.conflicts).toBe(0);
    }
    expect(copyOf(grace.address, meeting.uid)!.data.subject).toBe(subject);
    const [now] = await activitiesOf(ada.userPrincipal, subject);
    expect(now.subject).toBe(written);
    // The status rule: grace's link is behind the record, but the organizer's copy is linked.
    const links = await linksOf(activity.id, [ada.mailboxId, grace.mailboxId]);
    const role = (r: string) => links.find((l) => l.shared?.role === r)!;
    expect(role('attendee').recordVersion).toBeLessThan(now.version);
    expect(role('organizer').recordVersion).toBe(edited.version);
  });

  it("keeps and reports a CRM edit when only an attendee's mailbox is synced, and takes the organizer's later update beside it", async () => {
    const { ada, grace, sync } = await setup();
    const subject = `Offsite ${protocol}`;
    const meeting = await sendMeeting(ada.address, grace.address, subject);
    expect((await sync(grace)).counts.import.created).toBe(1);
    const [activity] = await activitiesOf(grace.userPrincipal, subject);

    const edited = await crm().activities.update(grace.userPrincipal, activity.id, {
      subject: `${subject} with dinner`,
      ifVersion: activity.version,
    });
    const run = await sync(grace);
    expect(run.counts.export.updated).toBe(0);
    expect(run.skipped).toEqual([
      {
        ref: `record ${activity.id}`,
        reason: `not written to Exchange: ${grace.address} is an attendee, not the organizer`,
        recordId: activity.id,
      },
    ]);
    expect(copyOf(grace.address, meeting.uid)!.data.subject).toBe(subject);
    // Not lost and not a conflict on later runs.
    for (let i = 0; i < 2; i++) {
      const again = await sync(grace);
      expect(again.conflicts).toBe(0);
      expect(again.counts.import.updated + again.counts.export.updated).toBe(0);
    }
    expect((await activitiesOf(grace.userPrincipal, subject))[0].subject).toBe(`${subject} with dinner`);
    // The status rule: an attendee's link behind the record, and no organizer's copy linked.
    const [link] = await linksOf(activity.id, [ada.mailboxId, grace.mailboxId]);
    expect(link.shared?.role).toBe('attendee');
    expect(link.recordVersion).toBeLessThan(edited.version);

    // The organizer moves the meeting: grace's copy gets it; the CRM takes the new location and
    // keeps its own subject.
    await organizerMoves(ada.address, meeting.id, 'Room 7');
    const moved = await sync(grace);
    expect(moved.counts.import.updated).toBe(1);
    expect(moved.conflicts).toBe(0);
    const [after] = await activitiesOf(grace.userPrincipal, subject);
    expect(after).toMatchObject({ subject: `${subject} with dinner`, location: 'Room 7' });
    // Still behind: the edit is still not written.
    const [still] = await linksOf(activity.id, [grace.mailboxId]);
    expect(still.recordVersion).toBeLessThan(after.version);
  });

  it("brings back the attendee's answer: tentative from her copy, declined through the organizer's", async () => {
    const { ada, grace, sync, seenByBoth } = await setup();
    const subject = `Review ${protocol}`;
    const { meeting } = await seenByBoth(subject);
    const graceResponse = async () =>
      (await activitiesOf(ada.userPrincipal, subject))[0].participants.find((p) => p.email === grace.address)
        ?.response;
    expect(await graceResponse()).toBe('none');

    await respond(grace.address, 'TentativelyAcceptItem', copyOf(grace.address, meeting.uid)!.id);
    await sync(grace);
    expect(await graceResponse()).toBe('tentative');
    // Not echoed: the organizer's copy already says the same, nothing is written back.
    const adaRun = await sync(ada);
    expect(adaRun.counts.export.updated).toBe(0);

    await respond(grace.address, 'DeclineItem', copyOf(grace.address, meeting.uid)!.id);
    // Declining takes the copy out of grace's calendar: her mailbox lets go of the meeting only.
    const declined = await sync(grace);
    expect(declined.counts.import).toMatchObject({ deleted: 0, unlinked: 1 });
    await sync(ada);
    expect(await graceResponse()).toBe('declined');
    expect(await activitiesOf(ada.userPrincipal, subject)).toHaveLength(1);
  });

  it("deletes the activity when the organizer cancels; the attendee's cancelled copy never brings it back", async () => {
    const { ada, grace, sync, seenByBoth } = await setup();
    const subject = `Launch ${protocol}`;
    const { meeting } = await seenByBoth(subject);

    await cancel(ada.address, meeting.id);
    expect((await sync(ada)).counts.import.deleted).toBe(1);
    expect(await activitiesOf(ada.userPrincipal, subject)).toEqual([]);
    const graceRun = await sync(grace);
    expect(graceRun.counts.export).toMatchObject({ deleted: 0, unlinked: 1 });
    expect(graceRun.counts.import.created).toBe(0);
    // The attendee's copy stays as Exchange left it (cancelled); the sync did not touch it.
    expect(copyOf(grace.address, meeting.uid)).toBeDefined();
    // Read from scratch (an expired sync state): still not imported again.
    await world.fx.crm.store.db.deleteFrom('sync_states').where('mailbox_id', '=', grace.mailboxId).execute();
    expect((await sync(grace)).counts.import.created).toBe(0);
    expect(await activitiesOf(grace.userPrincipal, subject)).toEqual([]);
    expect(await activitiesOf(ada.userPrincipal, subject)).toEqual([]);
  });

  for (const first of ['ada', 'grace'] as const) {
    it(`keeps a CRM edit that wins over the organizer's cancellation as one activity, written anew to the organizer's calendar (${first} syncs first)`, async () => {
      const { ada, grace, sync, settled, copiesOf, seenByBoth } = await setup();
      const subject = `Offsite ${protocol} ${first}`;
      const { meeting, activity } = await seenByBoth(subject);

      await cancel(ada.address, meeting.id);
      const kept = `${subject} (kept)`;
      await crm().activities.update(ada.userPrincipal, activity.id, { subject: kept });
      const order = first === 'ada' ? [ada, grace] : [grace, ada];
      for (const m of order) await sync(m);
      // The CRM won: its activity stays, and the organizer's calendar holds it again (written
      // with SendToNone on EWS, without attendees on Graph: nobody is invited again).
      const now = await activitiesOf(ada.userPrincipal, subject);
      expect(now.map((a) => a.subject)).toEqual([kept]);
      const store = world.sandbox.store;
      const box = store.mailbox(ada.address)!.id;
      const written = store
        .items(box, store.distinguishedFolder(box, 'calendar')!.id)
        .filter((i) => i.kind === 'event' && (i.data as { subject: string }).subject === kept);
      expect(written).toHaveLength(1);
      expect(await copiesOf(now[0].id)).toEqual([['ada', 'organizer', 'linked']]);
      await settled(ada, grace, ada);
      expect(await activitiesOf(ada.userPrincipal, subject)).toHaveLength(1);
    });

    it(`lets go of every copy of a meeting deleted in the CRM, the attendee's waiting for the organizer's run (${first} syncs first)`, async () => {
      const { ada, grace, sync, settled, seenByBoth } = await setup();
      const subject = `Retro ${protocol} ${first}`;
      const { meeting, activity } = await seenByBoth(subject);

      await crm().activities.delete(ada.userPrincipal, activity.id);
      const order = first === 'ada' ? [ada, grace] : [grace, ada];
      await sync(order[0]);
      if (first === 'grace')
        // Still linked: the organizer's run decides, and could yet bring the meeting back.
        expect((await linksOf(activity.id, [grace.mailboxId])).map((l) => l.shared?.role)).toEqual([
          'attendee',
        ]);
      await sync(order[1]);
      expect(await linksOf(activity.id, [ada.mailboxId, grace.mailboxId])).toEqual([]);
      // EWS deletes the organizer's copy without a cancellation; on Graph deleting it would
      // cancel it for grace, so it stays. grace's copy is hers: never touched.
      expect(copyOf(ada.address, meeting.uid) === undefined).toBe(protocol === 'ews');
      expect(copyOf(grace.address, meeting.uid)).toBeDefined();
      await settled(ada, grace);
      expect(await activitiesOf(ada.userPrincipal, subject)).toEqual([]);
    });

    it(`lets go of the attendee's copy of a meeting deleted in the CRM once the organizer's meeting sync is switched off${first === 'grace' ? ', after waiting once' : ''}`, async () => {
      const { ada, grace, sync, settled, copiesOf, seenByBoth } = await setup();
      const subject = `Offsite ${protocol} ${first}`;
      const { meeting, activity } = await seenByBoth(subject);

      await crm().activities.delete(ada.userPrincipal, activity.id);
      if (first === 'grace') await sync(grace);
      // ada's meeting sync is switched off before (or, with grace first, after) the delete
      // reached her mailbox: her link stays, but her run never comes to decide.
      const adaSettings = exchange.source.mailboxes.get(ada.mailboxId)!.settings;
      adaSettings.meetings = { ...adaSettings.meetings!, direction: 'off' };
      await sync(grace);
      expect(await copiesOf(activity.id)).toEqual([['ada', 'organizer', 'linked']]);
      expect(copyOf(grace.address, meeting.uid)).toBeDefined();
      await settled(grace);
      expect(await activitiesOf(ada.userPrincipal, subject)).toEqual([]);
    });

    // The attendee's link waits for the organizer's run while the organizer's copy is linked,
    // then moves to the meeting made again.
    it(`brings a CRM-deleted meeting back as one activity both copies link to when the organizer's later change wins (${first} syncs first)`, async () => {
      const { ada, grace, sync, settled, copiesOf, seenByBoth } = await setup(
        {},
        { conflictPolicy: 'exchange_wins', fieldMerge: false },
      );
      const subject = `Roadmap ${protocol} ${first}`;
      const { meeting, activity } = await seenByBoth(subject);

      await crm().activities.delete(ada.userPrincipal, activity.id);
      await organizerMoves(ada.address, meeting.id, 'Room 9');
      const order = first === 'ada' ? [ada, grace] : [grace, ada];
      for (const m of [...order, ...order]) await sync(m);
      const now = await activitiesOf(ada.userPrincipal, subject);
      expect(now.map((a) => a.location)).toEqual(['Room 9']);
      expect(await copiesOf(now[0].id)).toEqual([
        ['ada', 'organizer', 'linked'],
        ['grace', 'attendee', 'linked'],
      ]);
      await settled(ada, grace);
    });
  }

  it("links the attendee's new copy in place of the old one when an update brings back a declined meeting read afresh", async () => {
    const { ada, grace, sync, seenByBoth } = await setup();
    const subject = `Offsite ${protocol}`;
    const { meeting } = await seenByBoth(subject);
    const oldCopy = copyOf(grace.address, meeting.uid)!;

    // grace's sync state expires; she declines (her copy leaves the calendar); the organizer
    // renames the meeting and sends the update, which makes grace a new copy with a new item id.
    world.sandbox.store.expireSyncStates(world.sandbox.store.mailbox(grace.address)!.id);
    await respond(grace.address, 'DeclineItem', oldCopy.id);
    const store = world.sandbox.store;
    const current = store.item(store.mailbox(ada.address)!.id, meeting.id)!;
    await ewsCall(
      ada.address,
      `<m:UpdateItem ConflictResolution="AutoResolve" SendMeetingInvitationsOrCancellations="SendToAllAndSaveCopy"><m:ItemChanges><t:ItemChange>` +
        `<t:ItemId Id="${meeting.id}" ChangeKey="${current.changeKey}"/><t:Updates>` +
        `<t:SetItemField><t:FieldURI FieldURI="item:Subject"/><t:CalendarItem><t:Subject>${subject} (renamed)</t:Subject></t:CalendarItem></t:SetItemField>` +
        '</t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>',
    );
    const newCopy = copyOf(grace.address, meeting.uid)!;
    expect(newCopy.id).not.toBe(oldCopy.id);

    await sync(ada);
    // Her run reads the calendar afresh and succeeds (it failed on every run before), twice.
    await sync(grace);
    await sync(grace);
    const all = await activitiesOf(ada.userPrincipal, subject);
    expect(all).toHaveLength(1);
    expect(all[0].subject).toBe(`${subject} (renamed)`);
    const links = await linksOf(all[0].id, [ada.mailboxId, grace.mailboxId]);
    expect(links.map((l) => l.mailboxId).sort()).toEqual([ada.mailboxId, grace.mailboxId].sort());
    expect(links.find((l) => l.mailboxId === grace.mailboxId)?.itemId).toBe(newCopy.id);
  });

  it("joins the organizer's copy to the activity an attendee's copy made, from what they last agreed: a CRM edit made before goes out, the organizer's own change comes in", async () => {
    const { ada, grace, sync, settled } = await setup();
    const subject = `Planning ${protocol}`;
    const meeting = await sendMeeting(ada.address, grace.address, subject);
    await sync(grace);
    const [activity] = await activitiesOf(grace.userPrincipal, subject);
    await shareWith(grace.userPrincipal, activity.id, ada.userPrincipal);
    await crm().activities.update(grace.userPrincipal, activity.id, { subject: `${subject} (agenda)` });
    // ada moves the meeting to another room without sending an update: grace's copy keeps Room 1.
    const store = world.sandbox.store;
    store.updateItem(store.mailbox(ada.address)!.id, meeting.id, { location: 'Room 7' }, 'user');

    const adaRun = await sync(ada);
    expect(adaRun.counts.import.created).toBe(0);
    const [now] = await activitiesOf(ada.userPrincipal, subject);
    expect(now.id).toBe(activity.id);
    expect(now.location).toBe('Room 7');
    expect(now.subject).toBe(`${subject} (agenda)`);
    // EWS writes the CRM's subject to the organizer's copy (SendToNone); on Graph the change
    // attendees see is kept in the CRM and reported, since writing it would mail grace.
    expect(copyOf(ada.address, meeting.uid)!.data.subject).toBe(
      protocol === 'ews' ? `${subject} (agenda)` : subject,
    );
    await settled(ada, grace, ada);
    const links = await linksOf(activity.id, [ada.mailboxId, grace.mailboxId]);
    expect(
      links.map((l) => [l.mailboxId === ada.mailboxId ? 'ada' : 'grace', l.shared?.role]).sort(),
    ).toEqual([
      ['ada', 'organizer'],
      ['grace', 'attendee'],
    ]);
  });

  it('makes a meeting created in the CRM once when the answer to its create is lost', async () => {
    const { engine, ada, sync } = await setup();
    const subject = `Lost answer ${protocol}`;
    await crm().activities.create(ada.userPrincipal, {
      kind: 'meeting',
      subject,
      showInCalendar: true,
      startsAt: at(0),
      endsAt: at(1),
      timeZone: 'UTC',
    });
    // The create is carried out, but its answer never arrives.
    await world.sandbox.admin.addFault({
      protocol,
      mailbox: ada.address,
      operation: protocol === 'ews' ? 'CreateItem' : 'events.create',
      fault: { kind: 'drop' },
      times: 1,
    });
    await engine.syncMailbox(ada.mailboxId, 'meetings');
    await world.sandbox.admin.clearFaults();
    await sync(ada);
    await sync(ada);
    const store = world.sandbox.store;
    const box = store.mailbox(ada.address)!.id;
    const made = store
      .items(box, store.distinguishedFolder(box, 'calendar')!.id)
      .filter((i) => (i.data as { subject: string }).subject === subject);
    expect(made).toHaveLength(1);
    const [activity] = await activitiesOf(ada.userPrincipal, subject);
    expect((await linksOf(activity.id, [ada.mailboxId])).map((l) => [l.itemId, l.shared?.role])).toEqual([
      [made[0].id, 'organizer'],
    ]);
  });

  it("imports nothing from an attendee's copy the organizer cancelled before any sync", async () => {
    const { ada, grace, sync } = await setup();
    const subject = `Kickoff ${protocol}`;
    const meeting = await sendMeeting(ada.address, grace.address, subject);
    await cancel(ada.address, meeting.id);
    expect(copyOf(grace.address, meeting.uid)).toBeDefined();
    await sync(ada);
    expect((await sync(grace)).counts.import.created).toBe(0);
    await sync(ada);
    await sync(grace);
    expect(await activitiesOf(ada.userPrincipal, subject)).toEqual([]);
    expect(await activitiesOf(grace.userPrincipal, subject)).toEqual([]);
  });

  it.each([
    ['two_way', 'deleted'],
    ['import', 'deleted'],
    ['export', 'unlinked'],
  ] as const)(
    "%s: a linked attendee's copy cancelled while no organizer's copy is synced leaves the activity %s",
    async (direction, outcome) => {
      const { ada, grace, sync } = await setup();
      const subject = `Review ${protocol} ${direction}`;
      const meeting = await sendMeeting(ada.address, grace.address, subject);
      // Only grace's mailbox is synced: her copy makes the activity.
      expect((await sync(grace)).counts.import.created).toBe(1);
      const [activity] = await activitiesOf(grace.userPrincipal, subject);
      expect(activity).toBeDefined();
      await cancel(ada.address, meeting.id);
      exchange.source.mailboxes.get(grace.mailboxId)!.settings.meetings!.direction = direction;
      const run = await sync(grace);
      const left = await activitiesOf(grace.userPrincipal, subject);
      if (outcome === 'deleted') {
        expect(run.counts.import.deleted).toBe(1);
        expect(left).toEqual([]);
      } else {
        expect(run.counts.import.unlinked).toBe(1);
        expect(left).toHaveLength(1);
        expect(await linksOf(activity.id, [grace.mailboxId])).toEqual([]);
      }
      // Read afresh: the cancelled copy is not imported again.
      world.sandbox.store.expireSyncStates(world.sandbox.store.mailbox(grace.address)!.id);
      expect((await sync(grace)).counts.import.created).toBe(0);
    },
  );

  it("keeps an attendee's copy linked to a record its user may not see, writing nothing", async () => {
    const { ada, grace, sync } = await setup();
    const subject = `Private ${protocol}`;
    const meeting = await sendMeeting(ada.address, grace.address, subject);
    await sync(ada);
    await sync(grace);
    const [activity] = await activitiesOf(ada.userPrincipal, subject);
    await organizerMoves(ada.address, meeting.id, 'Room 9');
    for (let i = 0; i < 2; i++) {
      const run = await sync(grace);
      expect(run.counts.import).toEqual({ created: 0, updated: 0, deleted: 0, unlinked: 0 });
      expect(run.counts.export).toEqual({ created: 0, updated: 0, deleted: 0, unlinked: 0 });
    }
    const links = await linksOf(activity.id, [ada.mailboxId, grace.mailboxId]);
    expect(links.map((l) => l.shared?.role).sort()).toEqual(['attendee', 'organizer']);
    expect(await activitiesOf(grace.userPrincipal, subject)).toEqual([]);
  });

  it('makes one activity when two mailboxes import the same meeting at the same moment', async () => {
    const arrived: Array<() => void> = [];
    let waiting = 0;
    // Both runs have planned to import the meeting before either claims its key.
    const barrier = async (step: string) => {
      if (step !== 'import:claiming') return;
      waiting++;
      if (waiting < 2) await new Promise<void>((resolve) => arrived.push(resolve));
      else for (const release of arrived.splice(0)) release();
    };
    const engine = new SyncEngine({
      crm: crm(),
      source: exchange.source,
      entities: [meetingsEntity],
      checkpoint: barrier,
    });
    const mailbox = (name: string) =>
      freshMailbox(world.sandbox, crm(), exchange.source, { meetings: crmWinsMeetingSettings() }, name);
    const ada = await mailbox('ada');
    const grace = await mailbox('grace');
    const subject = `Race ${protocol}`;
    await sendMeeting(ada.address, grace.address, subject);
    const before = await totalMessages([ada.address, grace.address]);
    const runs = await Promise.all([
      engine.syncMailbox(ada.mailboxId, 'meetings'),
      engine.syncMailbox(grace.mailboxId, 'meetings'),
    ]);
    expect(waiting).toBe(2);
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    expect(runs.map((r) => r.tally!.counts.import.created).sort()).toEqual([0, 1]);
    const admin: Principal = { userId: '', roleIds: [], operations: new Set(), isAdmin: true };
    const made = await activitiesOf(admin, subject);
    expect(made).toHaveLength(1);
    const links = await linksOf(made[0].id, [ada.mailboxId, grace.mailboxId]);
    expect(links.map((l) => l.shared?.role).sort()).toEqual(['attendee', 'organizer']);
    expect(await totalMessages([ada.address, grace.address])).toBe(before);
  });

  it('invites attendees only on Graph, only with the setting on, only for a meeting made in the CRM since then, in the future, after the first sync', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const { engine, ada, grace } = await setup({ sendInvitationsSince: since });
    const make = async (subject: string, startsAt: string) => {
      const created = await crm().activities.create(ada.userPrincipal, {
        kind: 'meeting',
        subject,
        showInCalendar: true,
        startsAt,
        endsAt: new Date(Date.parse(startsAt) + 3_600_000).toISOString(),
        timeZone: 'UTC',
        participants: [{ type: 'email', email: grace.address, role: 'required' }],
      });
      await tagRecords(
        world.fx.crm.store.db,
        { mailboxId: ada.mailboxId, entity: 'meetings' },
        [created.id],
        new Date(),
      );
    };
    const requests = async () => (await world.sandbox.admin.meetingMessages(grace.address)).counts.requests;
    const run = async () => {
      const result = await engine.syncMailbox(ada.mailboxId, 'meetings');
      expect(result.status).toBe('succeeded');
      return result.tally!;
    };
    // A first sync sends nothing, even for a meeting that would qualify.
    await make(`First ${protocol}`, at(24));
    expect((await run()).counts.export.created).toBe(1);
    expect(await requests()).toBe(0);
    await make(`Past ${protocol}`, '2020-01-06T09:00:00.000Z');
    await make(`Future ${protocol}`, at(48));
    expect((await run()).counts.export.created).toBe(2);
    // Graph: the future meeting's invitation, and only it; EWS: SendToNone, nothing.
    expect(await requests()).toBe(protocol === 'graph' ? 1 : 0);
  });

  it('sends nothing from the CRM while the invitation setting is off (the default)', async () => {
    const { ada, grace, sync } = await setup();
    await sync(ada);
    const created = await crm().activities.create(ada.userPrincipal, {
      kind: 'meeting',
      subject: `Quiet ${protocol}`,
      showInCalendar: true,
      startsAt: at(48),
      endsAt: at(49),
      timeZone: 'UTC',
      participants: [{ type: 'email', email: grace.address, role: 'required' }],
    });
    await tagRecords(
      world.fx.crm.store.db,
      { mailboxId: ada.mailboxId, entity: 'meetings' },
      [created.id],
      new Date(),
    );
    expect((await sync(ada)).counts.export.created).toBe(1);
  });
});
