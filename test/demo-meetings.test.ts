// The demo sandbox's shared meetings through the sync engine (the quick start's mailboxes, as
// `exsync demo` connects them: Ada's for the administrator, Grace's for the sales user, and the
// CRM contact Maria Schneider). Ada organizes "Contoso contract renewal" and the weekly series
// "Contoso weekly check-in" with Grace and Maria; syncing both calendars makes one activity of
// each, linked from both mailboxes, its participants linked to the two users and the contact,
// and sends no meeting message. Meetings are not offered in a mailbox's settings yet: the
// engine here is given the meetings entity directly.
import { DEMO_CUSTOMER, DEMO_USERS } from '@exsync/sandbox/seed';
import { describe, expect, it } from 'vitest';
import type { Protocol } from '../src/connectors/types.ts';
import { DEMO_CONTACTS } from '../src/demo/content.ts';
import { meetingsEntity } from '../src/sync/activities/entity.ts';
import { SyncEngine } from '../src/sync/engine.ts';
import { recordLinksIn } from '../src/sync/store/links.ts';
import { giveMailbox } from './support/mailbox-rows.ts';
import { meetingSettings } from './support/meeting-world.ts';
import { useProtocolSource, useSandboxAndCrm } from './support/sync-sandbox.ts';

it('invites a customer who is one of the quick start’s CRM contacts', () => {
  const maria = DEMO_CONTACTS.find((c) => c.data.emails.some((e) => e.address === DEMO_CUSTOMER.address));
  expect(maria?.data).toMatchObject({ givenName: 'Maria', familyName: 'Schneider' });
});

// Each protocol gets a sandbox and a CRM of its own: both read the same demo mailboxes.
describe.each<Protocol>(['ews', 'graph'])('the demo’s shared meetings over %s', (protocol) => {
  const world = useSandboxAndCrm();
  const exchange = useProtocolSource(world, protocol);

  it('are one activity each, linked from Ada’s and Grace’s mailboxes and to the users and the contact', async () => {
    const { crm } = world.fx;
    const [adaBox, graceBox] = DEMO_USERS;
    const admin = await crm.users.createUser({
      email: 'admin@exsync.local',
      displayName: 'Admin',
    });
    const sales = await crm.users.createUser({ email: 'grace@exsync.local', displayName: 'Grace' });
    await giveMailbox(crm, admin.id, adaBox.address);
    await giveMailbox(crm, sales.id, graceBox.address);
    const adminPrincipal = await crm.users.principalFor(admin.id);
    const maria = await crm.contacts.create(adminPrincipal, {
      givenName: 'Maria',
      familyName: 'Schneider',
      emails: [{ type: 'work', address: DEMO_CUSTOMER.address }],
    });
    const ada = 'demo-ada';
    const grace = 'demo-grace';
    exchange.source.add(ada, {
      address: adaBox.address,
      principal: await crm.users.principalFor(admin.id, { mailboxId: ada }),
      settings: { meetings: meetingSettings() },
    });
    exchange.source.add(grace, {
      address: graceBox.address,
      principal: await crm.users.principalFor(sales.id, { mailboxId: grace }),
      settings: { meetings: meetingSettings() },
    });
    const engine = new SyncEngine({ crm, source: exchange.source, entities: [meetingsEntity] });
    const messages = async () =>
      Promise.all(
        [adaBox, graceBox].map(
          async (u) => (await world.sandbox.admin.meetingMessages(u.address)).counts.total,
        ),
      );
    const before = await messages();

    for (const mailbox of [ada, grace]) {
      const run = await engine.syncMailbox(mailbox, 'meetings');
      expect(run.status, JSON.stringify(run.tally?.errors)).toBe('succeeded');
    }

    for (const subject of ['Contoso contract renewal', 'Contoso weekly check-in']) {
      const found = (
        await crm.activities.list(adminPrincipal, { cursor: null, limit: 10, filter: { q: subject } })
      ).items.filter((a) => a.subject === subject && a.ownerId === admin.id);
      expect(found, subject).toHaveLength(1);
      const [activity] = found;
      expect(activity.participants.map((p) => [p.role, p.type, p.id])).toEqual([
        ['organizer', 'user', admin.id],
        ['required', 'user', sales.id],
        ['required', 'contact', maria.id],
      ]);
      const links = await recordLinksIn(crm.store.db, 'meetings', activity.id, [ada, grace]);
      expect(links.map((l) => [l.mailboxId, l.shared?.role]).sort()).toEqual(
        [
          [ada, 'organizer'],
          [grace, 'attendee'],
        ].sort(),
      );
    }
    const series = (
      await crm.activities.list(adminPrincipal, {
        cursor: null,
        limit: 10,
        filter: { q: 'Contoso weekly check-in' },
      })
    ).items.find((a) => a.ownerId === admin.id)!;
    expect(series.recurrence?.rule).toMatchObject({ freq: 'WEEKLY', count: 8 });
    expect(series.recurrence?.exceptions?.map((e) => e.subject)).toEqual([
      'Contoso weekly check-in (moved to Friday)',
    ]);
    expect(series.recurrence?.deletedOccurrences).toHaveLength(1);
    expect(await messages()).toEqual(before);
  });
});
