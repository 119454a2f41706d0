// Organisation mode in the browser: an administrator connects an app-only Microsoft 365 service
// (the sandbox's demo app) for the organisation, chooses the users whose mailboxes it syncs and
// sees each one's status; an inactive user cannot be chosen and the page says why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxMicrosoft365Service } from '../support/mail-services.ts';
import { addMailService, type BrowserWorld, callAs, screenshot, startBrowserWorld } from './support.ts';

let world: BrowserWorld;
let appOnlyId: string;

beforeAll(async () => {
  world = await startBrowserWorld();
  // The CRM users whose email addresses are the sandbox's demo mailboxes; Linus has left.
  for (const [email, displayName, active] of [
    ['ada@example.test', 'Ada Lovelace', true],
    ['grace@example.test', 'Grace Hopper', true],
    ['linus@example.test', 'Linus Torvalds', false],
  ] as const) {
    await world.crm.users.createUser({ email, displayName, active });
  }
  const page = await world.newPage();
  await world.signIn(page, world.admin);
  const appOnly = await addMailService(
    page,
    sandboxMicrosoft365Service(world.sandbox, {
      name: 'Microsoft 365 (organisation)',
      authMethod: 'app_only',
      domains: ['example.test'],
    }),
  );
  appOnlyId = appOnly.id;
  // Delegated sign-in cannot serve the organisation: the page says so.
  await addMailService(
    page,
    sandboxMicrosoft365Service(world.sandbox, {
      name: 'Microsoft 365 (each user signs in)',
      authMethod: 'oauth_delegated',
      domains: [],
    }),
  );
});

afterAll(async () => {
  await world?.close();
});

describe('organisation mode', () => {
  it('connects an app-only service, chooses users to sync and refuses the inactive one', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Organisation' }).click();
    await page.getByRole('heading', { name: 'Organisation', exact: true }).waitFor();
    const service = page.getByRole('region', { name: 'Microsoft 365 (organisation)' });
    await service.getByRole('heading', { name: 'Connect for the organisation' }).waitFor();
    await page.getByText('Uses delegated sign-in (each user signs in).').waitFor();

    // The test address is needed: the form says so at the field.
    await service.getByRole('button', { name: 'Connect for the organisation' }).click();
    await service.getByText('Enter the address of a mailbox the app may read, to test it on.').waitFor();
    await service.getByLabel('Test on mailbox').fill('ada@example.test');
    // "This choice is final": the first click only asks, and Cancel leaves the service as it was.
    await service.getByRole('button', { name: 'Connect for the organisation' }).click();
    const question = service.getByRole('group', {
      name: 'Connect “Microsoft 365 (organisation)” for the organisation?',
    });
    await question.getByText(/This choice is final/).waitFor();
    await question.getByRole('button', { name: 'Cancel' }).click();
    expect((await callAs(page, 'GET', `/api/v1/mail-services/${appOnlyId}`)).body.accessMode).toBeNull();
    await service.getByRole('button', { name: 'Connect for the organisation' }).click();
    await service.getByRole('button', { name: 'Yes, connect for the organisation' }).click();
    await service.getByText('Organisation mode', { exact: true }).waitFor();
    expect((await callAs(page, 'GET', `/api/v1/mail-services/${appOnlyId}`)).body.accessMode).toBe(
      'organisation',
    );

    const ada = service.getByRole('checkbox', { name: 'Sync Ada Lovelace' });
    const grace = service.getByRole('checkbox', { name: 'Sync Grace Hopper' });
    const linus = service.getByRole('checkbox', { name: 'Sync Linus Torvalds' });
    await ada.waitFor();
    expect(await linus.isDisabled()).toBe(true);
    const reason = await linus.evaluate((el) => {
      const ids: string[] = el.getAttribute('aria-describedby')?.split(' ') ?? [];
      return ids.map((id) => el.ownerDocument.getElementById(id)?.textContent ?? '').join(' ');
    });
    expect(reason).toContain('Inactive users cannot be synced');
    expect(await service.getByText('Not chosen').count()).toBeGreaterThanOrEqual(2);

    await ada.check();
    await grace.check();
    await service.getByText('2 of 4 active users chosen (not saved)').waitFor();
    await service.getByRole('button', { name: 'Save selection' }).click();
    await service
      .getByText('Selection saved. 2 users are connected; each mailbox shows when it last synced.')
      .waitFor();
    // Connected is not synced: nothing has run yet, as the mailbox list says too.
    await expect.poll(() => service.getByText(/^Not synced yet/).count()).toBe(2);
    expect(await service.getByText('Synced', { exact: true }).count()).toBe(0);
    expect(await service.getByRole('link', { name: 'Sync settings' }).count()).toBe(2);
    await screenshot(page, 'organisation');

    const users = await callAs(page, 'GET', `/api/v1/mail-services/${appOnlyId}/users`);
    const byEmail = Object.fromEntries(
      (
        users.body.users as Array<{
          email: string;
          selected: boolean;
          synced: boolean;
          mailboxId: string | null;
        }>
      ).map((u) => [u.email, u]),
    );
    expect(byEmail['ada@example.test']).toMatchObject({ selected: true, synced: true });
    expect(byEmail['grace@example.test']).toMatchObject({ selected: true, synced: true });
    expect(byEmail['linus@example.test']).toMatchObject({ selected: false, synced: false });

    // After a sync, the user's line says so.
    const adaMailbox = byEmail['ada@example.test'].mailboxId as string;
    const run = await callAs(page, 'POST', `/api/v1/mailboxes/${adaMailbox}/runs?wait=true`, {
      entity: 'contacts',
    });
    expect(run.status, JSON.stringify(run.body)).toBeLessThan(300);

    // After a reload the selection and statuses are read back from the server.
    await page.reload();
    await page.getByText(/^last sync (just now|\d+ (second|minute)s? ago)/).waitFor();
    expect(await page.getByText(/^Not synced yet/).count()).toBe(1);
    await page.getByRole('checkbox', { name: 'Sync Ada Lovelace' }).waitFor();
    expect(await page.getByRole('checkbox', { name: 'Sync Ada Lovelace' }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Sync Grace Hopper' }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Sync Alex Admin' }).isChecked()).toBe(false);

    // Unchoosing a user stops their sync once saved.
    await page.getByRole('checkbox', { name: 'Sync Grace Hopper' }).uncheck();
    await page.getByText('Stops syncing after saving').waitFor();
    await page.getByRole('button', { name: 'Save selection' }).click();
    await page
      .getByText('Selection saved. 1 user is connected; each mailbox shows when it last synced.')
      .waitFor();
  });

  it('is not offered to sales users, and the API refuses them', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.sales);
    const nav = await page.getByRole('navigation', { name: 'Main' }).textContent();
    expect(nav).not.toContain('Organisation');
    await page.goto('/settings/organisation');
    await page.getByText('Could not load the mail services').waitFor();
    // In plain words, without the internal name of the right it lacks.
    await page.getByText('You do not have the rights to do this. Ask an administrator').waitFor();
    expect(await page.locator('main').textContent()).not.toContain('CanManageAdministration');
  });
});
