// An activity's sync status per mailbox through the REST API, with links made by the engine's
// meetings entity against the sandbox over EWS: ada organizes a meeting with grace invited.
// grace's mailbox syncs first, so the activity has only an attendee's copy: a CRM edit is
// reported as not written to Exchange (and a two-way run of grace's mailbox leaves her copy as it
// is) until ada's mailbox (the organizer's copy) is linked too.
// The status lists only the mailboxes the reader sees and answers 404 for an activity the reader
// may not see. On SQLite and, with EXSYNC_TEST_DB=postgres, PostgreSQL.
import { DEMO_PASSWORD } from '@exsync/sandbox/seed';
import { describe, expect, it } from 'vitest';
import type { EntitySyncSettings } from '../src/sync/types.ts';
import type { TestUser } from './http-harness.ts';
import { basic, descendant, EwsTestClient, firstMessage, responseCode } from './support/ews-soap.ts';
import { meetingSettings, useMeetingWorld } from './support/meeting-world.ts';
import { connectMailbox } from './support/sync-api.ts';

const world = useMeetingWorld();

/** A mailbox connected through the API by `who`, whose meetings the engine syncs. */
async function meetingMailbox(
  who: TestUser,
  direction: EntitySyncSettings['direction'] = 'import',
): Promise<{ id: string; address: string }> {
  const mailbox = await connectMailbox(world.w, who);
  const principal = await world.w.h.crm.users.principalFor(who.user.id, { mailboxId: mailbox.id });
  const settings = { meetings: meetingSettings({ direction }) };
  world.source.add(mailbox.id, { address: mailbox.address, principal, settings });
  return mailbox;
}

async function sendMeeting(organizer: string, attendee: string, subject: string): Promise<void> {
  const client = new EwsTestClient(world.w.sandbox.url, basic(organizer, DEMO_PASSWORD));
  const answer = await client.call(
    '<m:CreateItem SendMeetingInvitations="SendToAllAndSaveCopy"><m:SavedItemFolderId><t:DistinguishedFolderId Id="calendar"/></m:SavedItemFolderId><m:Items>' +
      `<t:CalendarItem><t:Subject>${subject}</t:Subject><t:Start>2031-03-04T12:00:00Z</t:Start>` +
      '<t:End>2031-03-04T13:00:00Z</t:End>' +
      `<t:RequiredAttendees><t:Attendee><t:Mailbox><t:EmailAddress>${attendee}</t:EmailAddress></t:Mailbox></t:Attendee></t:RequiredAttendees>` +
      '</t:CalendarItem></m:Items></m:CreateItem>',
  );
  const message = firstMessage(answer);
  expect(responseCode(message), answer.text).toBe('NoError');
  expect(descendant(message, 'Items', 'CalendarItem', 'ItemId')).toBeDefined();
}

async function syncMeetings(mailboxId: string): Promise<void> {
  const run = await world.engine.syncMailbox(mailboxId, 'meetings');
  expect(run.status, JSON.stringify(run.tally?.errors)).toBe('succeeded');
}

interface StatusEntry {
  mailboxId: string;
  address: string;
  entity: string;
  role: 'organizer' | 'attendee' | null;
  readOnly: boolean;
  itemId: string | null;
  lastSyncedAt: string;
  notWritten: { reason: string } | null;
}

async function status(who: TestUser, activityId: string): Promise<StatusEntry[]> {
  const answer = await world.w.call(who, {
    method: 'GET',
    url: `/api/v1/activities/${activityId}/sync-status`,
  });
  expect(answer.statusCode, answer.body).toBe(200);
  expect(answer.json().activityId).toBe(activityId);
  return answer.json().mailboxes;
}

describe('the sync status of a meeting organized by ada with grace invited', () => {
  // alice syncs grace's mailbox (the attendee's), the administrator ada's (the organizer's).
  let ada: { id: string; address: string };
  let grace: { id: string; address: string };
  let activityId: string;

  it("lists grace's copy as a read-only attendee copy", async () => {
    ada = await meetingMailbox(world.w.h.admin);
    // grace's mailbox syncs both ways: only the engine's write rights keep the edit out of her copy.
    grace = await meetingMailbox(world.w.h.alice, 'two_way');
    await sendMeeting(ada.address, grace.address, 'Status review');
    await syncMeetings(grace.id);
    const list = await world.w.call(world.w.h.alice, {
      method: 'GET',
      url: '/api/v1/activities?q=Status%20review',
    });
    expect(list.statusCode, list.body).toBe(200);
    const items = list.json().items as Array<{ id: string; subject: string }>;
    expect(items.map((a) => a.subject)).toEqual(['Status review']);
    activityId = items[0].id;

    expect(await status(world.w.h.alice, activityId)).toEqual([
      {
        mailboxId: grace.id,
        address: grace.address,
        entity: 'meetings',
        role: 'attendee',
        readOnly: true,
        itemId: expect.any(String),
        folderId: expect.any(String),
        lastSyncedAt: expect.any(String),
        notWritten: null,
      },
    ]);
  });

  it('says a CRM edit was not written to Exchange while only the attendee copy is linked', async () => {
    const edited = await world.w.call(world.w.h.alice, {
      method: 'PATCH',
      url: `/api/v1/activities/${activityId}`,
      payload: { location: 'Room 4' },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    const [entry] = await status(world.w.h.alice, activityId);
    expect(entry.notWritten).toEqual({ reason: `${grace.address} is an attendee, not the organizer` });
    // A two-way run of grace's mailbox does not write the attendee's copy: the edit stays not written.
    await syncMeetings(grace.id);
    const copy = (await world.w.sandbox.admin.items(grace.address, 'calendar')).find(
      (i) => (i.data as { subject?: string }).subject === 'Status review',
    );
    expect(copy, 'grace has her copy').toBeDefined();
    expect(JSON.stringify(copy!.data)).not.toContain('Room 4');
    const [after] = await status(world.w.h.alice, activityId);
    expect(after.notWritten).toEqual({ reason: `${grace.address} is an attendee, not the organizer` });
  });

  it("no longer does once the organizer's copy is linked, even in a mailbox the reader cannot see", async () => {
    await syncMeetings(ada.id);
    const seen = await status(world.w.h.alice, activityId);
    expect(seen.map((e) => [e.address, e.role, e.notWritten])).toEqual([[grace.address, 'attendee', null]]);
    const all = await status(world.w.h.admin, activityId);
    expect(all.map((e) => [e.address, e.role, e.readOnly, e.notWritten])).toEqual([
      [ada.address, 'organizer', false, null],
      [grace.address, 'attendee', true, null],
    ]);
    // The dashboard counts the meeting in each mailbox's meetings.
    const counts = await world.w.call(world.w.h.alice, { method: 'GET', url: '/api/v1/sync/entities' });
    expect(counts.statusCode, counts.body).toBe(200);
    expect(counts.json().items.find((i: { entity: string }) => i.entity === 'meetings')).toMatchObject({
      mailboxId: grace.id,
      linked: 1,
      latestRun: { status: 'succeeded' },
    });
  });

  it('answers 404 to a user who may not see the activity, and for an unknown one', async () => {
    const hidden = await world.w.call(world.w.h.bob, {
      method: 'GET',
      url: `/api/v1/activities/${activityId}/sync-status`,
    });
    expect(hidden.statusCode).toBe(404);
    const unknown = await world.w.call(world.w.h.alice, {
      method: 'GET',
      url: '/api/v1/activities/nope/sync-status',
    });
    expect(unknown.statusCode).toBe(404);
  });
});
