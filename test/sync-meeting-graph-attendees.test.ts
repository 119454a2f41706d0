// A meeting made in the CRM with participants, on Microsoft 365 (Graph) with the invitation
// setting off, end to end against the sandbox (and on PostgreSQL with EXSYNC_TEST_DB=postgres):
// it is created without attendees (Graph would invite them), its link records an item without
// attendees, so an Outlook edit of the item imports that edit and leaves the CRM's participants
// alone, and a CRM edit of its subject is written (nobody to mail). An attendee the Outlook user
// adds comes in beside the CRM's participants (which are still not written to the event) and goes
// when the Outlook user removes it, the CRM's staying. With the setting on, a future
// meeting made in the CRM is created with its attendees, invited once. No run sends anything else.
import { DEMO_CLIENT_ID, DEMO_REDIRECT_URIS } from '@exsync/sandbox/seed';
import { describe, expect, it } from 'vitest';
import type { Activity } from '../src/crm/activities.ts';
import { meetingsEntity } from '../src/sync/activities/entity.ts';
import { ATTENDEES_NOT_WRITTEN } from '../src/sync/activities/mapping.ts';
import type { ActivitySyncOptions } from '../src/sync/activities/scope.ts';
import { SyncEngine } from '../src/sync/engine.ts';
import { recordLinksIn } from '../src/sync/store/links.ts';
import { tagRecords } from '../src/sync/store/tags.ts';
import { FULL_SCOPES } from './support/graph-sandbox.ts';
import { crmWinsMeetingSettings } from './support/meeting-world.ts';
import { freshMailbox } from './support/sandbox-source.ts';
import { useProtocolSource, useSandboxAndCrm } from './support/sync-sandbox.ts';

const world = useSandboxAndCrm();

/** Three weeks ahead, on the hour: inside Graph's calendar window. */
const START = new Date(Math.ceil((Date.now() + 21 * 86_400_000) / 3_600_000) * 3_600_000);
const at = (hours: number) => new Date(START.getTime() + hours * 3_600_000).toISOString();

/** A delegated Graph token of the mailbox's user: Outlook, as that user. */
function userToken(address: string): string {
  const { sandbox } = world;
  const code = sandbox.identity.createAuthorizationCode({
    app: sandbox.store.app(DEMO_CLIENT_ID)!,
    mailbox: sandbox.store.mailbox(address)!,
    redirectUri: DEMO_REDIRECT_URIS[0],
    scopes: FULL_SCOPES.map((s) => `https://graph.microsoft.com/${s}`),
  });
  return sandbox.identity.redeemAuthorizationCode({
    app: sandbox.store.app(DEMO_CLIENT_ID)!,
    code,
    redirectUri: DEMO_REDIRECT_URIS[0],
    codeVerifier: undefined,
    clientInfo: false,
    issuer: `${sandbox.url}/${sandbox.store.mailbox(address)!.tenantId}/v2.0`,
  }).access_token;
}

describe('a CRM meeting with participants on Microsoft 365 (Graph)', () => {
  const exchange = useProtocolSource(world, 'graph');
  const crm = () => world.fx.crm;

  async function setup(options: Partial<ActivitySyncOptions> = {}) {
    const engine = new SyncEngine({ crm: crm(), source: exchange.source, entities: [meetingsEntity] });
    const ada = await freshMailbox(
      world.sandbox,
      crm(),
      exchange.source,
      { meetings: crmWinsMeetingSettings(options) },
      'ada',
    );
    const grace = await freshMailbox(
      world.sandbox,
      crm(),
      exchange.source,
      { meetings: crmWinsMeetingSettings() },
      'grace',
    );
    const contact = await crm().contacts.create(ada.userPrincipal, {
      displayName: 'Carl Contact',
      emails: [{ address: grace.address, type: 'work' }],
    } as never);
    const graceUser = grace.userPrincipal.userId;
    const messages = async () =>
      (await world.sandbox.admin.meetingMessages(ada.address)).counts.total +
      (await world.sandbox.admin.meetingMessages(grace.address)).counts.total;
    const sync = async () => {
      const run = await engine.syncMailbox(ada.mailboxId, 'meetings');
      expect(run.status, JSON.stringify(run.tally?.errors)).toBe('succeeded');
      return run.tally!;
    };
    const make = async (subject: string) => {
      const created = await crm().activities.create(ada.userPrincipal, {
        kind: 'meeting',
        subject,
        showInCalendar: true,
        startsAt: at(0),
        endsAt: at(1),
        timeZone: 'UTC',
        participants: [
          { type: 'contact', id: contact.id, role: 'required' },
          { type: 'user', id: graceUser, role: 'optional' },
        ],
      });
      await tagRecords(
        world.fx.crm.store.db,
        { mailboxId: ada.mailboxId, entity: 'meetings' },
        [created.id],
        new Date(),
      );
      return created;
    };
    const itemOf = (subject: string) => {
      const store = world.sandbox.store;
      const id = store.mailbox(ada.address)!.id;
      for (const folder of store.folders(id))
        for (const i of store.items(id, folder.id))
          if (i.kind === 'event' && (i.data as { subject?: string }).subject === subject)
            return i as { id: string; data: { subject: string; attendees?: unknown[] } };
      return undefined;
    };
    // The attendees (the organizer, the mailbox, is read from the item: C6).
    const participantsOf = async (id: string) =>
      (await crm().activities.get(ada.userPrincipal, id)).participants
        .filter((p: Activity['participants'][number]) => p.role !== 'organizer')
        .map((p: Activity['participants'][number]) => `${p.type}:${p.email}:${p.role}`)
        .sort();
    return { engine, ada, grace, contact, messages, sync, make, itemOf, participantsOf };
  }

  it('is created without attendees, and keeps its participants through an Outlook edit and a CRM edit', async () => {
    const { ada, grace, messages, sync, make, itemOf, participantsOf } = await setup();
    await sync();
    const before = await messages();
    const meeting = await make('Quarterly plan');
    const participants = await participantsOf(meeting.id);
    expect(participants).toEqual([
      `contact:${grace.address}:required`,
      `user:${(await crm().activities.get(ada.userPrincipal, meeting.id)).participants.find((p) => p.type === 'user')!.email}:optional`,
    ]);

    const created = await sync();
    expect(created.counts.export.created).toBe(1);
    // Not written, and said so: the CRM keeps its participants.
    expect(created.skipped).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ recordId: meeting.id, field: 'attendees', reason: ATTENDEES_NOT_WRITTEN }),
      ]),
    );
    const item = itemOf('Quarterly plan')!;
    expect(item.data.attendees ?? []).toEqual([]);
    const [link] = await recordLinksIn(world.fx.crm.store.db, 'meetings', meeting.id, [ada.mailboxId]);
    expect(link.snapshot.attendees).toEqual([]);
    expect(await messages()).toBe(before);

    // Outlook renames it: the subject comes in, the participants stay.
    const edited = await fetch(`${world.sandbox.url}/v1.0/me/events/${item.id}`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${userToken(ada.address)}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ subject: 'Quarterly plan (Outlook)' }),
    });
    expect(edited.status, await edited.text()).toBe(200);
    const imported = await sync();
    expect(imported.counts.import.updated).toBe(1);
    const afterOutlook = await crm().activities.get(ada.userPrincipal, meeting.id);
    expect(afterOutlook.subject).toBe('Quarterly plan (Outlook)');
    expect(await participantsOf(meeting.id)).toEqual(participants);

    // A CRM rename is written, not held: the item has nobody to mail.
    await crm().activities.update(ada.userPrincipal, meeting.id, {
      subject: 'Quarterly plan (CRM)',
      ifVersion: afterOutlook.version,
    });
    const written = await sync();
    expect(written.counts.export.updated).toBe(1);
    expect(written.skipped.filter((s) => s.reason.includes('sends them an update'))).toEqual([]);
    expect(itemOf('Quarterly plan (CRM)')).toBeDefined();
    expect(itemOf('Quarterly plan (CRM)')!.data.attendees ?? []).toEqual([]);
    expect(await participantsOf(meeting.id)).toEqual(participants);
    // A run with nothing new changes nothing.
    const quiet = await sync();
    expect(quiet.counts.import.updated + quiet.counts.export.updated).toBe(0);
    expect(await participantsOf(meeting.id)).toEqual(participants);
    expect(await messages()).toBe(before);
  });

  it('keeps its participants beside an attendee the Outlook user adds, and lets that one go when Outlook removes it', async () => {
    const { ada, messages, sync, make, itemOf, participantsOf } = await setup();
    const tag = Math.random().toString(36).slice(2, 8);
    const lee = await crm().leads.create(ada.userPrincipal, {
      givenName: 'Lee',
      emails: [{ type: 'work', address: `lee.${tag}@prospect.test` }],
    });
    await sync();
    const meeting = await make('Site visit');
    // A plain address among the CRM's participants too.
    const made = await crm().activities.get(ada.userPrincipal, meeting.id);
    await crm().activities.update(ada.userPrincipal, meeting.id, {
      participants: [
        ...made.participants.map((p) => ({ type: p.type, ...(p.id ? { id: p.id } : {}), role: p.role })),
        { type: 'email', email: `dora.${tag}@partner.test`, role: 'optional' },
      ],
      ifVersion: made.version,
    } as never);
    const participants = await participantsOf(meeting.id);
    expect(participants).toHaveLength(3);
    const before = await messages();
    await sync();
    const item = itemOf('Site visit')!;
    expect(item.data.attendees ?? []).toEqual([]);
    expect(await messages()).toBe(before);

    // The Outlook user adds the lead's address to the event (Outlook invites Lee: their doing).
    const outlook = (body: unknown) =>
      fetch(`${world.sandbox.url}/v1.0/me/events/${item.id}`, {
        method: 'PATCH',
        headers: { Authorization: `Bearer ${userToken(ada.address)}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const added = await outlook({
      attendees: [{ emailAddress: { address: `lee.${tag}@prospect.test`, name: 'Lee' }, type: 'required' }],
    });
    expect(added.status, await added.text()).toBe(200);
    const afterAdd = await messages();
    const imported = await sync();
    expect(imported.counts.import.updated).toBe(1);
    // Nothing of the CRM is lost: its three participants stay, the lead comes in, matched (C8).
    const lead = `lead:lee.${tag}@prospect.test:required`;
    expect(await participantsOf(meeting.id)).toEqual([...participants, lead].sort());
    const record = await crm().activities.get(ada.userPrincipal, meeting.id);
    expect(record.participants.find((p) => p.type === 'lead')).toMatchObject({
      id: lee.id,
      response: 'none',
    });
    // The CRM's participants are still not written to the event: it holds the lead alone.
    expect(
      (itemOf('Site visit')!.data.attendees as Array<{ email: { address: string } }>).map(
        (a) => a.email.address,
      ),
    ).toEqual([`lee.${tag}@prospect.test`]);
    const [link] = await recordLinksIn(world.fx.crm.store.db, 'meetings', meeting.id, [ada.mailboxId]);
    expect((link.snapshot.attendees as Array<{ address: string }>).map((a) => a.address)).toEqual([
      `lee.${tag}@prospect.test`,
    ]);
    const quiet = await sync();
    expect(quiet.counts.import.updated + quiet.counts.export.updated).toBe(0);
    expect(await participantsOf(meeting.id)).toEqual([...participants, lead].sort());
    expect(await messages()).toBe(afterAdd);

    // The Outlook user removes Lee again: Lee goes, the CRM's own participants stay.
    const removed = await outlook({ attendees: [] });
    expect(removed.status, await removed.text()).toBe(200);
    const afterRemove = await messages();
    const dropped = await sync();
    expect(dropped.counts.import.updated).toBe(1);
    expect(await participantsOf(meeting.id)).toEqual(participants);
    expect(itemOf('Site visit')!.data.attendees ?? []).toEqual([]);
    await sync();
    expect(await participantsOf(meeting.id)).toEqual(participants);
    // No sync run sent a meeting message.
    expect(await messages()).toBe(afterRemove);
  });

  it('with the invitation setting on, creates a future CRM meeting with its attendees, invited once', async () => {
    const { ada, grace, sync, make, itemOf, participantsOf } = await setup({
      sendInvitationsSince: new Date(Date.now() - 1000).toISOString(),
    });
    await sync();
    const meeting = await make('Launch review');
    const participants = await participantsOf(meeting.id);
    const created = await sync();
    expect(created.counts.export.created).toBe(1);
    expect(created.skipped.filter((s) => s.field === 'attendees')).toEqual([]);
    const item = itemOf('Launch review')!;
    expect((item.data.attendees ?? []).length).toBe(2);
    const [link] = await recordLinksIn(world.fx.crm.store.db, 'meetings', meeting.id, [ada.mailboxId]);
    expect((link.snapshot.attendees as unknown[]).length).toBe(2);
    // Graph invited grace, the contact: the one invitation the setting asks for.
    expect((await world.sandbox.admin.meetingMessages(grace.address)).counts.requests).toBe(1);
    expect(await participantsOf(meeting.id)).toEqual(participants);
  });

  it("with the invitation setting on, the invited attendee's copy joins the CRM meeting even before the organizer's next run", async () => {
    const { engine, ada, grace, sync, make, itemOf } = await setup({
      sendInvitationsSince: new Date(Date.now() - 1000).toISOString(),
    });
    await sync();
    const meeting = await make('Budget review');
    // ada's run stops once the meeting is made, before it reads back what it wrote.
    const killed = new SyncEngine({
      crm: crm(),
      source: exchange.source,
      entities: [meetingsEntity],
      checkpoint: (step) => {
        if (step === 'export:created') throw new Error('killed after the create');
      },
    });
    expect((await killed.syncMailbox(ada.mailboxId, 'meetings')).status).toBe('failed');
    expect(itemOf('Budget review')).toBeDefined();
    // Graph delivered the invitation to grace at once; her mailbox syncs before ada's reads
    // back what it wrote.
    const graceRun = await engine.syncMailbox(grace.mailboxId, 'meetings');
    expect(graceRun.status, JSON.stringify(graceRun.tally?.errors)).toBe('succeeded');
    // What either user sees: an activity grace's sync made is hers, not necessarily ada's.
    const named = async () => {
      const ids = new Set<string>();
      for (const who of [ada, grace])
        for (const a of (await crm().activities.list(who.userPrincipal, { cursor: null, limit: 100 })).items)
          if (a.subject === 'Budget review') ids.add(a.id);
      return [...ids];
    };
    expect(await named()).toEqual([meeting.id]);
    const [graceLink] = await recordLinksIn(world.fx.crm.store.db, 'meetings', meeting.id, [grace.mailboxId]);
    expect(graceLink?.shared?.role).toBe('attendee');
    await sync();
    expect((await engine.syncMailbox(grace.mailboxId, 'meetings')).status).toBe('succeeded');
    expect(await named()).toEqual([meeting.id]);
  });
});
