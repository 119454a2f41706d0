// A meeting's conflict settled through the REST API (SPEC E2): the meeting's location is edited
// in the CRM and in Exchange between two runs of the engine's meetings entity against the
// sandbox over EWS, the run logs a conflict of the meetings entity, and "use the other value"
// writes the losing side's location to the activity — through the activities service, touching
// no contact. On SQLite and, with EXSYNC_TEST_DB=postgres, PostgreSQL.
import { DEMO_PASSWORD } from '@exsync/sandbox/seed';
import { describe, expect, it } from 'vitest';
import { basic, descendant, EwsTestClient, firstMessage, responseCode } from './support/ews-soap.ts';
import { meetingSettings, useMeetingWorld } from './support/meeting-world.ts';
import { connectMailbox } from './support/sync-api.ts';

const world = useMeetingWorld();

async function ews(address: string, body: string) {
  const answer = await new EwsTestClient(world.w.sandbox.url, basic(address, DEMO_PASSWORD)).call(body);
  const message = firstMessage(answer);
  expect(responseCode(message), answer.text).toBe('NoError');
  return message;
}

async function syncMeetings(mailboxId: string) {
  const run = await world.engine.syncMailbox(mailboxId, 'meetings');
  expect(run.status, JSON.stringify(run.tally?.errors)).toBe('succeeded');
  return run;
}

describe('settling a meeting conflict', () => {
  it('writes the other value to the activity, not to a contact', async () => {
    const mailbox = await connectMailbox(world.w, world.w.h.alice);
    const principal = await world.w.h.crm.users.principalFor(world.w.h.alice.user.id, {
      mailboxId: mailbox.id,
    });
    world.source.add(mailbox.id, {
      address: mailbox.address,
      principal,
      settings: { meetings: meetingSettings({ direction: 'two_way' }) },
    });
    const created = await ews(
      mailbox.address,
      '<m:CreateItem SendMeetingInvitations="SendToNone"><m:SavedItemFolderId><t:DistinguishedFolderId Id="calendar"/></m:SavedItemFolderId><m:Items>' +
        '<t:CalendarItem><t:Subject>Budget review</t:Subject><t:Start>2031-05-06T09:00:00Z</t:Start>' +
        '<t:End>2031-05-06T10:00:00Z</t:End><t:Location>Room 1</t:Location></t:CalendarItem></m:Items></m:CreateItem>',
    );
    const itemId = descendant(created, 'Items', 'CalendarItem', 'ItemId')!.attrs.Id;
    await syncMeetings(mailbox.id);
    const list = await world.w.call(world.w.h.alice, {
      method: 'GET',
      url: '/api/v1/activities?q=Budget%20review',
    });
    const [activity] = list.json().items as Array<{ id: string }>;
    expect(activity).toBeDefined();

    // The same field edited on both sides.
    const edited = await world.w.call(world.w.h.alice, {
      method: 'PATCH',
      url: `/api/v1/activities/${activity.id}`,
      payload: { location: 'CRM room' },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    const current = world.w.sandbox.store.item(world.w.sandbox.store.mailbox(mailbox.address)!.id, itemId)!;
    await ews(
      mailbox.address,
      '<m:UpdateItem ConflictResolution="AutoResolve" SendMeetingInvitationsOrCancellations="SendToNone"><m:ItemChanges><t:ItemChange>' +
        `<t:ItemId Id="${itemId}" ChangeKey="${current.changeKey}"/><t:Updates>` +
        '<t:SetItemField><t:FieldURI FieldURI="calendar:Location"/><t:CalendarItem><t:Location>Exchange room</t:Location></t:CalendarItem></t:SetItemField>' +
        '</t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>',
    );
    expect((await syncMeetings(mailbox.id)).tally?.conflicts).toBe(1);

    const open = await world.w.call(world.w.h.alice, {
      method: 'GET',
      url: '/api/v1/sync/conflicts?entity=meetings&state=open',
    });
    expect(open.statusCode, open.body).toBe(200);
    const [conflict] = open.json().items;
    expect(conflict).toMatchObject({
      entity: 'meetings',
      recordId: activity.id,
      fields: ['location'],
      policy: 'exchange_wins',
      userResolution: null,
    });
    // Exchange won the run; the CRM's value is the other one.
    const after = await world.w.call(world.w.h.alice, {
      method: 'GET',
      url: `/api/v1/activities/${activity.id}`,
    });
    expect(after.json().location).toBe('Exchange room');

    const head = async () =>
      Number(
        (
          await world.w.h.store.db
            .selectFrom('changes')
            .select((eb) => eb.fn.max('version').as('v'))
            .executeTakeFirstOrThrow()
        ).v ?? 0,
      );
    const before = await head();
    const used = await world.w.call(world.w.h.alice, {
      method: 'POST',
      url: `/api/v1/sync/conflicts/${conflict.id}/resolve`,
      payload: { action: 'use_other_value' },
    });
    expect(used.statusCode, used.body).toBe(200);
    expect(used.json()).toMatchObject({
      id: conflict.id,
      entity: 'meetings',
      userResolution: 'use_other_value',
    });
    const settled = await world.w.call(world.w.h.alice, {
      method: 'GET',
      url: `/api/v1/activities/${activity.id}`,
    });
    expect(settled.json().location).toBe('CRM room');
    // One journaled edit, of the activity, by the user; no contact was written.
    const journal = await world.w.h.store.db
      .selectFrom('changes')
      .select(['record_type', 'record_id', 'operation', 'actor_mailbox_id'])
      .where('version', '>', before)
      .execute();
    expect(journal).toEqual([
      { record_type: 'activity', record_id: activity.id, operation: 'update', actor_mailbox_id: null },
    ]);
    // The next run takes the value to the organizer's copy in Exchange.
    await syncMeetings(mailbox.id);
    const item = world.w.sandbox.store.item(world.w.sandbox.store.mailbox(mailbox.address)!.id, itemId)!;
    expect(JSON.stringify(item.data)).toContain('CRM room');
  });
});
