// An activity's sync status on its page, in a browser: ada organizes a meeting with grace invited
// in the sandbox, the engine's meetings entity syncs the mailboxes (grace's first), and the page
// says whose copy each mailbox holds, that the attendee's copy is read-only and, while only it is
// linked, that an edit made in the CRM was not written to Exchange and what to do; and the
// dashboard counts the meetings of each mailbox beside its contacts and tasks.
import { DEMO_PASSWORD } from '@exsync/sandbox/seed';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meetingsEntity } from '../../src/sync/activities/entity.ts';
import { SyncEngine } from '../../src/sync/engine.ts';
import { basic, EwsTestClient, firstMessage, responseCode } from '../support/ews-soap.ts';
import { sandboxExchangeService } from '../support/mail-services.ts';
import { meetingSettings } from '../support/meeting-world.ts';
import { MemoryMailboxSource, sandboxConnectors } from '../support/sandbox-source.ts';
import {
  addMailService,
  type BrowserWorld,
  callOk,
  screenshot,
  sidewaysOverflow,
  startBrowserWorld,
} from './support.ts';

let world: BrowserWorld;
let connectors: ReturnType<typeof sandboxConnectors>;

beforeAll(async () => {
  world = await startBrowserWorld();
  connectors = sandboxConnectors(world.sandbox, 'ews');
});

afterAll(async () => {
  connectors?.close();
  await world?.close();
});

const card = (page: Page) => page.getByRole('region', { name: 'Sync with mailboxes' });
/** The meeting of the first test, whose CRM edit grace's attendee copy could not take. */
let activityId = '';

describe('the sync status on an activity page', { timeout: 120_000 }, () => {
  it('names the organizer and attendee copies and says when a CRM edit was not written', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    await addMailService(page, sandboxExchangeService(world.sandbox));
    const source = new MemoryMailboxSource(connectors.connect);
    const mailboxes: Record<string, string> = {};
    for (const address of ['ada@example.test', 'grace@example.test']) {
      const added = await callOk(page, 'POST', '/api/v1/mailboxes', { address, password: DEMO_PASSWORD });
      const id = added.mailbox.id as string;
      mailboxes[address] = id;
      const principal = await world.crm.users.principalFor(world.admin.user.id, { mailboxId: id });
      source.add(id, { address, principal, settings: { meetings: meetingSettings() } });
    }
    const engine = new SyncEngine({ crm: world.crm, source, entities: [meetingsEntity] });

    const client = new EwsTestClient(world.sandbox.url, basic('ada@example.test', DEMO_PASSWORD));
    const created = await client.call(
      '<m:CreateItem SendMeetingInvitations="SendToAllAndSaveCopy"><m:SavedItemFolderId><t:DistinguishedFolderId Id="calendar"/></m:SavedItemFolderId><m:Items>' +
        '<t:CalendarItem><t:Subject>Quarterly planning</t:Subject><t:Start>2031-03-04T12:00:00Z</t:Start>' +
        '<t:End>2031-03-04T13:00:00Z</t:End><t:Location>Room 1</t:Location>' +
        '<t:RequiredAttendees><t:Attendee><t:Mailbox><t:EmailAddress>grace@example.test</t:EmailAddress></t:Mailbox></t:Attendee></t:RequiredAttendees>' +
        '</t:CalendarItem></m:Items></m:CreateItem>',
    );
    expect(responseCode(firstMessage(created)), created.text).toBe('NoError');

    // Only grace's mailbox (the attendee's) is synced so far.
    expect((await engine.syncMailbox(mailboxes['grace@example.test'], 'meetings')).status).toBe('succeeded');
    const found = await callOk(page, 'GET', '/api/v1/activities?q=Quarterly%20planning');
    expect(found.items).toHaveLength(1);
    const id = found.items[0].id as string;

    await page.goto(`/activities/${id}`);
    await page.getByRole('heading', { name: 'Quarterly planning', level: 1 }).waitFor();
    await card(page).getByText('Attendee copy in grace@example.test (read-only)').waitFor();
    expect(await card(page).getByText('Not written to Exchange').count()).toBe(0);

    // An edit in the CRM: the attendee's copy cannot take it, and no organizer's copy is linked.
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Location').fill('Room 4');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Edit' }).waitFor();
    const notice = card(page).getByRole('alert');
    await notice
      .getByText('Not written to Exchange: grace@example.test is an attendee, not the organizer')
      .waitFor();
    await notice.getByText(/ask the organizer to make them in their calendar/).waitFor();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, 'activity-not-written');
    // A two-way run of grace's meetings lists the edit as left out, naming the activity (the
    // dashboard's run history links it); then her mailbox imports only again.
    const graceMailbox = source.mailboxes.get(mailboxes['grace@example.test'])!;
    graceMailbox.settings = { meetings: meetingSettings({ direction: 'two_way' }) };
    const again = await engine.syncMailbox(mailboxes['grace@example.test'], 'meetings');
    graceMailbox.settings = { meetings: meetingSettings() };
    expect(again.status).toBe('succeeded');
    expect(again.tally?.skipped).toEqual([expect.objectContaining({ recordId: id })]);
    activityId = id;

    // ada's mailbox holds the organizer's copy: once it is linked the edit has a way to Exchange.
    expect((await engine.syncMailbox(mailboxes['ada@example.test'], 'meetings')).status).toBe('succeeded');
    await page.reload();
    await card(page).getByText('Organizer copy in ada@example.test').waitFor();
    await expect
      .poll(() => card(page).locator('.crm-sync-line span:last-child').allTextContents())
      .toEqual(['Organizer copy in ada@example.test', 'Attendee copy in grace@example.test (read-only)']);
    expect(await card(page).getByRole('alert').count()).toBe(0);
    await screenshot(page, 'activity-sync-status');
  });

  it('counts the meetings of each mailbox on the dashboard beside its contacts and tasks', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    const counts = await callOk(page, 'GET', '/api/v1/sync/entities');
    const graceMeetings = counts.items.find(
      (i: { address: string; entity: string }) =>
        i.address === 'grace@example.test' && i.entity === 'meetings',
    );
    expect(graceMeetings.linked).toBeGreaterThan(0);
    await page.goto('/');
    const table = page.getByRole('table', {
      name: 'Linked items, latest run and open conflicts per mailbox and kind of item',
    });
    await table.waitFor();
    const rows = table.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(6);
    const graceRow = rows.filter({ hasText: 'grace@example.test' }).filter({ hasText: 'Meetings' });
    await expect
      .poll(() => graceRow.locator('td.num').first().textContent())
      .toBe(String(graceMeetings.linked));
    await graceRow.getByText('succeeded').waitFor();
    const adaTasks = rows.filter({ hasText: 'ada@example.test' }).filter({ hasText: 'Tasks' });
    await adaTasks.getByText('Never run').waitFor();
    // The chart shows one entity at a time: the meetings runs of both mailboxes.
    const chart = page.getByRole('region', { name: 'Synced items and errors' });
    const summary = () => chart.locator('p.chart-summary').textContent();
    await expect.poll(summary).toMatch(/^Last 14 days: 0 runs over 2 mailboxes/);
    await chart.getByLabel('Items').selectOption({ label: 'Meetings' });
    await expect.poll(summary).toMatch(/^Last 14 days: 3 runs over 2 mailboxes/);
    await screenshot(page, 'dashboard-entities');

    // Grace's card: her latest meetings run, and in its history the left-out edit named by the
    // meeting's subject, linked to the activity (not to a contact).
    const grace = page.getByRole('article', { name: 'grace@example.test' });
    const meetings = grace
      .locator('.entity-run')
      .filter({ has: page.getByRole('heading', { name: 'Meetings' }) });
    await meetings.locator('.badge').getByText('succeeded').waitFor();
    expect((await meetings.locator('.run-facts').textContent())?.replace(/\s+/g, ' ')).toContain('Skipped1');
    await grace.getByRole('button', { name: 'Run history of grace@example.test' }).click();
    const history = grace.getByRole('table', { name: 'Meetings: latest runs of grace@example.test' });
    await expect.poll(() => history.locator('tbody tr').count()).toBe(2);
    await history
      .getByRole('button', { name: /^Details of the run/ })
      .first()
      .click();
    const left = history.getByRole('link', { name: 'Quarterly planning' });
    await left.waitFor();
    expect(await left.getAttribute('href')).toBe(`/activities/${activityId}`);
    await history
      .getByText(/Quarterly planning: not written to Exchange: grace@example\.test is an attendee/)
      .waitFor();
    // On a phone the table stacks each row's cells under their labels.
    await page.setViewportSize({ width: 390, height: 800 });
    await graceRow.getByText('succeeded').waitFor();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
  });

  it('says so when no synced mailbox holds the activity', async () => {
    const me = await world.crm.users.principalFor(world.admin.user.id);
    const task = await world.crm.activities.create(me, {
      kind: 'task',
      subject: 'Only in the CRM',
      endsAt: '2031-05-01T10:00:00Z',
      timeZone: 'Europe/Berlin',
    });
    const page = await world.newPage({ width: 390 });
    await world.signIn(page, world.admin);
    await page.goto(`/activities/${task.id}`);
    await card(page).getByText('No synced mailbox holds this activity.').waitFor();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
  });
});
