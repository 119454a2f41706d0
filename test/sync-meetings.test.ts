// Meetings end to end against the sandbox over EWS: ada organizes a meeting with grace invited,
// both calendars are synced, and the meeting becomes exactly one CRM activity linked from both
// mailboxes (one record per shared key, docs/mapping.md "Copies in several mailboxes"); the
// sync sends no meeting message. The engine here is given the meetings entity directly, with
// settings of its own rather than those stored for the mailbox.
import { DEMO_PASSWORD } from '@exsync/sandbox/seed';
import { describe, expect, it } from 'vitest';
import { meetingsEntity } from '../src/sync/activities/entity.ts';
import { SyncEngine } from '../src/sync/engine.ts';
import { recordLinksIn } from '../src/sync/store/links.ts';
import { basic, descendant, EwsTestClient, firstMessage, responseCode } from './support/ews-soap.ts';
import { meetingSettings } from './support/meeting-world.ts';
import { freshMailbox } from './support/sandbox-source.ts';
import { useProtocolSource, useSandboxAndCrm } from './support/sync-sandbox.ts';

const world = useSandboxAndCrm();

describe('meeting sync over ews', () => {
  const exchange = useProtocolSource(world, 'ews');

  /** A meeting organized by `organizer` and sent to `attendee` (the sandbox delivers the copy). */
  async function sendMeeting(organizer: string, attendee: string, subject: string): Promise<string> {
    const client = new EwsTestClient(world.sandbox.url, basic(organizer, DEMO_PASSWORD));
    const answer = await client.call(
      '<m:CreateItem SendMeetingInvitations="SendToAllAndSaveCopy"><m:SavedItemFolderId><t:DistinguishedFolderId Id="calendar"/></m:SavedItemFolderId><m:Items>' +
        `<t:CalendarItem><t:Subject>${subject}</t:Subject><t:Start>2031-03-04T12:00:00Z</t:Start>` +
        '<t:End>2031-03-04T13:00:00Z</t:End><t:Location>Room 1</t:Location>' +
        `<t:RequiredAttendees><t:Attendee><t:Mailbox><t:EmailAddress>${attendee}</t:EmailAddress></t:Mailbox></t:Attendee></t:RequiredAttendees>` +
        '</t:CalendarItem></m:Items></m:CreateItem>',
    );
    const message = firstMessage(answer);
    expect(responseCode(message), answer.text).toBe('NoError');
    return descendant(message, 'Items', 'CalendarItem', 'ItemId')!.attrs.Id;
  }

  const messageCount = async (address: string) =>
    (await world.sandbox.admin.meetingMessages(address)).counts.total;

  it("makes one activity of the organizer's and the attendee's copy, and sends nothing", async () => {
    const engine = new SyncEngine({ crm: world.fx.crm, source: exchange.source, entities: [meetingsEntity] });
    const ada = await freshMailbox(
      world.sandbox,
      world.fx.crm,
      exchange.source,
      { meetings: meetingSettings() },
      'ada',
    );
    const grace = await freshMailbox(
      world.sandbox,
      world.fx.crm,
      exchange.source,
      { meetings: meetingSettings() },
      'grace',
    );
    await sendMeeting(ada.address, grace.address, 'Roadmap review');
    const before = { ada: await messageCount(ada.address), grace: await messageCount(grace.address) };
    // The invitation itself: one sent by ada, one received by grace.
    expect(before.grace).toBeGreaterThan(0);

    const adaRun = await engine.syncMailbox(ada.mailboxId, 'meetings');
    expect(adaRun.status).toBe('succeeded');
    expect(adaRun.tally?.counts.import.created).toBe(1);
    const graceRun = await engine.syncMailbox(grace.mailboxId, 'meetings');
    expect(graceRun.status).toBe('succeeded');
    expect(graceRun.tally?.counts.import.created).toBe(0);

    const activities = await world.fx.crm.activities.list(ada.userPrincipal, { cursor: null, limit: 10 });
    expect(activities.items.map((a) => a.subject)).toEqual(['Roadmap review']);
    const links = await recordLinksIn(world.fx.crm.store.db, 'meetings', activities.items[0].id, [
      ada.mailboxId,
      grace.mailboxId,
    ]);
    expect(links.map((l) => [l.mailboxId, l.shared?.role]).sort()).toEqual(
      [
        [ada.mailboxId, 'organizer'],
        [grace.mailboxId, 'attendee'],
      ].sort(),
    );
    // Nothing the sync did mailed anyone, and a second round writes nothing.
    for (const m of [ada, grace]) {
      const again = await engine.syncMailbox(m.mailboxId, 'meetings');
      expect(again.tally?.counts.import).toEqual({ created: 0, updated: 0, deleted: 0, unlinked: 0 });
    }
    expect({ ada: await messageCount(ada.address), grace: await messageCount(grace.address) }).toEqual(
      before,
    );
  });
});
