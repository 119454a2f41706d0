// Attendees ⇄ CRM records end to end (C8): ada organizes a meeting with grace, a CRM contact
// (by the second of her addresses, in other letter case) and an unknown address; ada's sync
// links the organizer and grace to their CRM users (by their mailbox addresses), the attendee
// to the contact, and keeps the unknown address as an address. Grace's acceptance and an
// attendee the organizer adds later (a lead) come in on the next sync. Meetings are not offered
// in a mailbox's settings yet: the engine here is given the meetings entity directly.
import { DEMO_PASSWORD } from '@exsync/sandbox/seed';
import { describe, expect, it } from 'vitest';
import type { Protocol } from '../src/connectors/types.ts';
import { meetingsEntity } from '../src/sync/activities/entity.ts';
import { SyncEngine } from '../src/sync/engine.ts';
import { basic, descendant, EwsTestClient, firstMessage, responseCode } from './support/ews-soap.ts';
import { giveMailbox } from './support/mailbox-rows.ts';
import { meetingSettings } from './support/meeting-world.ts';
import { freshMailbox } from './support/sandbox-source.ts';
import { useProtocolSource, useSandboxAndCrm } from './support/sync-sandbox.ts';

const world = useSandboxAndCrm();

const attendeeXml = (addresses: string[]) =>
  addresses
    .map((a) => `<t:Attendee><t:Mailbox><t:EmailAddress>${a}</t:EmailAddress></t:Mailbox></t:Attendee>`)
    .join('');

describe.each<Protocol>(['ews', 'graph'])('attendees matched to CRM records over %s', (protocol) => {
  const exchange = useProtocolSource(world, protocol);

  it('links the organizer and attendees to users, contacts and leads, keeps unknown addresses, imports responses', async () => {
    const { crm } = world.fx;
    const engine = new SyncEngine({ crm, source: exchange.source, entities: [meetingsEntity] });
    const settings = { meetings: meetingSettings() };
    const ada = await freshMailbox(world.sandbox, crm, exchange.source, settings, 'ada');
    const grace = await freshMailbox(world.sandbox, crm, exchange.source, settings, 'grace');
    await giveMailbox(crm, ada.userPrincipal.userId, ada.address);
    await giveMailbox(crm, grace.userPrincipal.userId, grace.address);
    const tag = `${protocol}${Date.now().toString(36)}`;
    const maria = await crm.contacts.create(ada.userPrincipal, {
      givenName: 'Maria',
      emails: [
        { type: 'work', address: `maria.${tag}@client.test` },
        { type: 'home', address: `maria.home.${tag}@mail.test` },
      ],
    });
    const lee = await crm.leads.create(ada.userPrincipal, {
      givenName: 'Lee',
      emails: [{ type: 'work', address: `lee.${tag}@prospect.test` }],
    });
    const stranger = `stranger.${tag}@nowhere.test`;
    // A week ahead: inside the window Graph's calendar view is read over.
    const start = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 7 * 86_400_000);
    const end = new Date(start.getTime() + 3_600_000);

    const organizer = new EwsTestClient(world.sandbox.url, basic(ada.address, DEMO_PASSWORD));
    const created = await organizer.call(
      '<m:CreateItem SendMeetingInvitations="SendToAllAndSaveCopy"><m:SavedItemFolderId><t:DistinguishedFolderId Id="calendar"/></m:SavedItemFolderId><m:Items>' +
        `<t:CalendarItem><t:Subject>Contract review ${tag}</t:Subject><t:Start>${start.toISOString()}</t:Start>` +
        `<t:End>${end.toISOString()}</t:End>` +
        `<t:RequiredAttendees>${attendeeXml([grace.address, `Maria.Home.${tag}@MAIL.test`, stranger])}</t:RequiredAttendees>` +
        '</t:CalendarItem></m:Items></m:CreateItem>',
    );
    const message = firstMessage(created);
    expect(responseCode(message), created.text).toBe('NoError');
    const itemId = descendant(message, 'Items', 'CalendarItem', 'ItemId')!.attrs;

    const first = await engine.syncMailbox(ada.mailboxId, 'meetings');
    expect(first.status).toBe('succeeded');
    expect(first.tally?.counts.import.created).toBe(1);
    const [activity] = (await crm.activities.list(ada.userPrincipal, { cursor: null, limit: 10 })).items;
    expect(activity.participants.map((p) => [p.role, p.type, p.id, p.email])).toEqual([
      ['organizer', 'user', ada.userPrincipal.userId, ada.address.toLowerCase()],
      ['required', 'user', grace.userPrincipal.userId, grace.address.toLowerCase()],
      ['required', 'contact', maria.id, `maria.home.${tag}@mail.test`],
      ['required', 'email', null, stranger],
    ]);

    // Grace accepts (her answer reaches ada's copy), and ada adds the lead as an attendee.
    const copy = world.sandbox.store
      .items(
        world.sandbox.store.mailbox(grace.address)!.id,
        world.sandbox.store.distinguishedFolder(world.sandbox.store.mailbox(grace.address)!.id, 'calendar')!
          .id,
      )
      .find((i) => i.kind === 'event' && i.data.subject === `Contract review ${tag}`)!;
    const attendee = new EwsTestClient(world.sandbox.url, basic(grace.address, DEMO_PASSWORD));
    const accepted = await attendee.call(
      `<m:CreateItem MessageDisposition="SendAndSaveCopy"><m:Items><t:AcceptItem><t:ReferenceItemId Id="${copy.id}"/></t:AcceptItem></m:Items></m:CreateItem>`,
    );
    expect(responseCode(firstMessage(accepted)), accepted.text).toBe('NoError');
    const current = world.sandbox.store.items(
      world.sandbox.store.mailbox(ada.address)!.id,
      world.sandbox.store.distinguishedFolder(world.sandbox.store.mailbox(ada.address)!.id, 'calendar')!.id,
    );
    const adaCopy = current.find((i) => i.id === itemId.Id)!;
    const updated = await organizer.call(
      `<m:UpdateItem ConflictResolution="AlwaysOverwrite" SendMeetingInvitationsOrCancellations="SendToAllAndSaveCopy"><m:ItemChanges><t:ItemChange><t:ItemId Id="${adaCopy.id}"/><t:Updates>` +
        `<t:AppendToItemField><t:FieldURI FieldURI="calendar:RequiredAttendees"/><t:CalendarItem><t:RequiredAttendees>${attendeeXml([`lee.${tag}@prospect.test`])}</t:RequiredAttendees></t:CalendarItem></t:AppendToItemField>` +
        '</t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>',
    );
    expect(responseCode(firstMessage(updated)), updated.text).toBe('NoError');

    const second = await engine.syncMailbox(ada.mailboxId, 'meetings');
    expect(second.status).toBe('succeeded');
    expect(second.tally?.counts.import.updated).toBe(1);
    const after = await crm.activities.get(ada.userPrincipal, activity.id);
    expect(after.participants.map((p) => [p.role, p.type, p.id, p.email, p.response])).toEqual([
      ['organizer', 'user', ada.userPrincipal.userId, ada.address.toLowerCase(), 'accepted'],
      ['required', 'user', grace.userPrincipal.userId, grace.address.toLowerCase(), 'accepted'],
      ['required', 'lead', lee.id, `lee.${tag}@prospect.test`, 'none'],
      ['required', 'contact', maria.id, `maria.home.${tag}@mail.test`, 'none'],
      ['required', 'email', null, stranger, 'none'],
    ]);

    // Grace's copy joins the same activity; nothing is created twice.
    const graceRun = await engine.syncMailbox(grace.mailboxId, 'meetings');
    expect(graceRun.status).toBe('succeeded');
    expect(graceRun.tally?.counts.import.created).toBe(0);
  });
});
