// The Meetings and tasks tab in the browser: an administrator configures the tab of a Microsoft 365
// mailbox connected to the sandbox (a calendar and a task list from the mailbox's real folders,
// an activity group, a start date, the invitation setting), saves, reloads and finds everything
// as saved, in the page and through the API; an Exchange Server mailbox has no invitation setting,
// and "Sync meetings and tasks now" runs both with the saved settings.
import { DEMO_PASSWORD, DEMO_TENANT_ID } from '@exsync/sandbox/seed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxExchangeService, sandboxMicrosoft365Service } from '../support/mail-services.ts';
import {
  addMailService,
  type BrowserWorld,
  callAs,
  callOk,
  screenshot,
  sidewaysOverflow,
  startBrowserWorld,
} from './support.ts';

let world: BrowserWorld;
let graphMailbox: string;
let ewsMailbox: string;

beforeAll(async () => {
  world = await startBrowserWorld();
  const ada = await world.crm.users.createUser({ email: 'ada@example.test', displayName: 'Ada Lovelace' });
  const page = await world.newPage();
  await world.signIn(page, world.admin);
  // Ada's Microsoft 365 mailbox, synced in organisation mode (app-only, no sign-in page).
  const m365 = await addMailService(
    page,
    sandboxMicrosoft365Service(world.sandbox, { authMethod: 'app_only', domains: ['example.test'] }),
  );
  await callOk(page, 'POST', `/api/v1/mail-services/${m365.id}/organisation`, {
    testAddress: 'ada@example.test',
  });
  await callOk(page, 'PUT', `/api/v1/mail-services/${m365.id}/users`, { userIds: [ada.id] });
  const users = await callOk(page, 'GET', `/api/v1/mail-services/${m365.id}/users`);
  graphMailbox = (users.users as Array<{ mailboxId: string | null }>).find((u) => u.mailboxId)!.mailboxId!;
  // An Exchange Server mailbox on another domain, connected with its password.
  world.sandbox.store.addMailbox({
    tenantId: DEMO_TENANT_ID,
    address: 'max@onprem.test',
    displayName: 'Max Planck',
    password: DEMO_PASSWORD,
  });
  await addMailService(page, sandboxExchangeService(world.sandbox, { domains: ['onprem.test'] }));
  ewsMailbox = (
    await callOk(page, 'POST', '/api/v1/mailboxes', { address: 'max@onprem.test', password: DEMO_PASSWORD })
  ).mailbox.id;
  await callOk(page, 'POST', '/api/v1/activityGroups', { name: 'Key accounts' });
  await callOk(page, 'POST', '/api/v1/activityGroups', { name: 'Partners' });
  await world.sandbox.admin.createFolder('ada@example.test', {
    parentId: 'msgfolderroot',
    displayName: 'Projects',
    folderClass: 'IPF.Appointment',
  });
});

afterAll(async () => {
  await world?.close();
});

describe('the Meetings and tasks tab', () => {
  it('saves calendars, task lists, groups, a start date and invitations, and keeps them after a reload', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    await page.goto(`/settings/mailboxes/${graphMailbox}/sync?tab=meetings`);
    await page.getByRole('heading', { name: 'Sync settings: ada@example.test' }).waitFor();
    expect(await page.getByRole('tab', { name: 'Meetings and tasks' }).getAttribute('aria-selected')).toBe(
      'true',
    );
    // The defaults: two-way for both, every calendar and list, every activity, no start date.
    expect(await page.getByLabel('Import meetings').isChecked()).toBe(true);
    expect(await page.getByLabel('Import tasks').isChecked()).toBe(true);
    expect(await page.getByLabel('Export activities').isChecked()).toBe(true);
    expect(await page.getByLabel('All calendars').isChecked()).toBe(true);
    expect(await page.getByLabel('All activities you have access to').isChecked()).toBe(true);
    await page.getByText('No date chosen: all meetings and tasks are synced, however old.').waitFor();
    const invitations = page.getByLabel('Send invitations for meetings created in the CRM');
    expect(await invitations.isChecked()).toBe(false);
    await page.getByText(/^Why it is off by default: Microsoft 365 emails every attendee/).waitFor();

    // The pickers read the mailbox's real calendars and To Do lists.
    await page.getByLabel('Meetings from selected calendars').check();
    const calendars = page.getByRole('group', { name: 'Calendars of ada@example.test' });
    await calendars.getByLabel('Projects').waitFor();
    expect(await calendars.getByLabel('Calendar (default)').isVisible()).toBe(true);
    await calendars.getByLabel('Projects').check();
    await page.getByLabel('Tasks from selected lists').check();
    const lists = page.getByRole('group', { name: 'Task lists of ada@example.test' });
    await lists.getByLabel('Tasks (default)').waitFor();
    await lists.getByLabel('Tasks (default)').check();

    // Chosen groups with none ticked is refused at the field.
    await page.getByLabel('Activities from selected activity groups').check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Pick at least one activity group, or export all activities.').waitFor();
    await page.getByRole('group', { name: 'Groups' }).getByLabel('Key accounts').check();
    expect(await page.getByText('Pick at least one activity group, or export all activities.').count()).toBe(
      0,
    );

    await page.getByLabel('Import activities starting from').fill('2026-01-15');
    await invitations.check();
    await page
      .getByRole('group', { name: 'When a meeting changed on both sides since the last sync' })
      .getByLabel('CRM wins')
      .check();
    await page.getByText('Unsaved changes', { exact: true }).waitFor();
    await screenshot(page, 'sync-settings-meetings-tasks');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved. Meetings and tasks sync when someone runs “Sync now”.').waitFor();
    await page.getByText(/^On since /).waitFor();

    const stored = (await callAs(page, 'GET', `/api/v1/mailboxes/${graphMailbox}/sync-settings`)).body;
    const projects = (await world.sandbox.admin.folders('ada@example.test')).find(
      (f) => f.displayName === 'Projects',
    )!;
    expect(stored.meetings).toMatchObject({
      direction: 'two_way',
      importFolders: [projects.id],
      importFrom: '2026-01-15',
      conflictPolicy: 'crm_wins',
      sendInvitations: true,
    });
    expect(Date.parse(stored.meetings.sendInvitationsSince)).toBeGreaterThan(Date.now() - 60_000);
    expect(stored.tasks).toMatchObject({
      direction: 'two_way',
      importFolders: ['tasks'],
      importFrom: '2026-01-15',
    });
    expect(stored.meetings.export.groupIds).toHaveLength(1);
    expect(stored.tasks.export).toEqual(stored.meetings.export);
    // Contacts are untouched.
    expect(stored.contacts.direction).toBe('two_way');

    await page.reload();
    await page.getByRole('heading', { name: 'Sync settings: ada@example.test' }).waitFor();
    await page.getByRole('tab', { name: 'Meetings and tasks' }).click();
    const again = page.getByRole('group', { name: 'Calendars of ada@example.test' });
    await again.getByLabel('Projects').waitFor();
    expect(await again.getByLabel('Projects').isChecked()).toBe(true);
    expect(await again.getByLabel('Calendar (default)').isChecked()).toBe(false);
    expect(await page.getByLabel('Import activities starting from').inputValue()).toBe('2026-01-15');
    expect(await page.getByRole('group', { name: 'Groups' }).getByLabel('Key accounts').isChecked()).toBe(
      true,
    );
    expect(await page.getByRole('group', { name: 'Groups' }).getByLabel('Partners').isChecked()).toBe(false);
    expect(await page.getByLabel('Send invitations for meetings created in the CRM').isChecked()).toBe(true);
    expect(await page.getByText('Unsaved changes', { exact: true }).count()).toBe(0);
    expect(await sidewaysOverflow(page)).toBe(0);
  });

  it('has no invitation setting for an Exchange Server mailbox, and syncs meetings and tasks now', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    await page.goto(`/settings/mailboxes/${ewsMailbox}/sync?tab=meetings`);
    await page.getByRole('heading', { name: 'Sync settings: max@onprem.test' }).waitFor();
    await page.getByLabel('Import meetings').waitFor();
    expect(await page.getByLabel('Send invitations for meetings created in the CRM').count()).toBe(0);
    await page.getByText(/^Only tasks whose owner is the mailbox’s user are imported/).waitFor();
    // Switching meetings import off and saving makes meetings export only.
    await page.getByLabel('Import meetings').uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved. Meetings and tasks sync when someone runs “Sync now”.').waitFor();
    const stored = (await callAs(page, 'GET', `/api/v1/mailboxes/${ewsMailbox}/sync-settings`)).body;
    expect(stored.meetings.direction).toBe('export');
    expect(stored.tasks.direction).toBe('two_way');

    // "Sync now" runs both with the saved settings; an unsaved change has to be saved first.
    await world.sandbox.admin.createItem('max@onprem.test', 'tasks', 'task', {
      subject: 'Order lab supplies',
    });
    const syncNow = page.getByRole('button', { name: 'Sync meetings and tasks now' });
    await page.getByLabel('Import tasks').uncheck();
    expect(await syncNow.isDisabled()).toBe(true);
    await page.getByText('Save your changes first: a sync uses the saved settings.').waitFor();
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await syncNow.click();
    await page
      .getByText('Meetings: 0 created or updated in Exsync, 0 written to Exchange.')
      .waitFor({ timeout: 60_000 });
    await page
      .getByText('Tasks: 1 created or updated in Exsync, 0 written to Exchange.')
      .waitFor({ timeout: 60_000 });
    await screenshot(page, 'sync-settings-meetings-tasks-sync-now');
  });
});
