// Settings → Mail services in the browser: an administrator adds a service pointing at the
// sandbox through the form, sees errors at their fields, and cannot delete a service that a
// mailbox uses; a sales user is told the screen is for administrators.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserWorld, fillSandboxExchangeForm, screenshot, startBrowserWorld } from './support.ts';

describe('mail services', () => {
  let world: BrowserWorld;
  beforeAll(async () => {
    world = await startBrowserWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('adds an Exchange service through the form and lists it', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Mail services' }).click();
    await page.getByRole('heading', { name: 'Mail services' }).waitFor();
    await page.getByText('No mail service yet').waitFor();
    await page.getByRole('link', { name: 'Add mail service' }).click();
    await page.getByRole('heading', { name: 'Add mail service' }).waitFor();
    await fillSandboxExchangeForm(page, world, 'Sandbox Exchange');
    await screenshot(page, 'mail-service-form');
    await page.getByRole('button', { name: 'Add mail service' }).click();

    await page.getByText('Mail service added.').waitFor();
    await page.getByRole('heading', { name: 'Sandbox Exchange' }).waitFor();
    // What was saved comes back into the form.
    expect(await page.getByLabel('Served email domains').inputValue()).toBe('example.test');
    expect(await page.getByLabel(/Allow private addresses/).isChecked()).toBe(true);
    expect(await page.getByLabel('Type of mail service').isDisabled()).toBe(true);

    await page.getByRole('link', { name: 'Mail services' }).first().click();
    const row = page.getByRole('row', { name: /Sandbox Exchange/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('example.test');
    expect(await row.textContent()).toContain('Basic');
    await screenshot(page, 'mail-services-list');
  });

  it('shows the API’s validation errors at their fields and needs load or send emails', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    await page.goto('/settings/mail-services/new');
    await page.getByLabel('Service address').fill('http://mail.example.com');
    await page.getByLabel('Served email domains').fill('other.test');
    await page.getByRole('button', { name: 'Add mail service' }).click();
    const summary = page.getByRole('alert').filter({ hasText: 'The mail service was not saved' });
    await summary.waitFor();
    // Said once, in plain words: the field names its problem, the summary no internal field path.
    expect(await summary.textContent()).not.toContain('serviceAddress');
    const addressError = page.locator('.field.has-error').filter({ has: page.getByLabel('Service address') });
    expect(await addressError.textContent()).toContain('must use https://');

    // OAuth 2.0 needs its client id, secret and tenant: each is named at its field.
    await page.getByLabel('Service address').fill('mail.example.com');
    await page.getByLabel('Authentication method').selectOption('oauth');
    await page.getByRole('button', { name: 'Add mail service' }).click();
    await page
      .locator('.field.has-error')
      .filter({ has: page.getByLabel('Application (client) id') })
      .filter({ hasText: 'OAuth needs the application (client) id' })
      .waitFor();

    // A domain served by another service is refused, naming that service.
    await page.getByLabel('Authentication method').selectOption('basic');
    await page.getByLabel('Served email domains').fill('example.test');
    await page.getByRole('button', { name: 'Add mail service' }).click();
    await page
      .locator('.field.has-error')
      .filter({ has: page.getByLabel('Served email domains') })
      .filter({ hasText: 'example.test is already served by "Sandbox Exchange"' })
      .waitFor();

    await page.getByLabel('Load emails').uncheck();
    await page.getByLabel('Send emails').uncheck();
    await page.getByText('a mail service needs at least one').waitFor();
    expect(await page.getByRole('button', { name: 'Add mail service' }).isDisabled()).toBe(true);
  });

  it('refuses to delete a service that a mailbox uses, naming the mailbox', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    // A mailbox on the service, added as a user would.
    await page.goto('/settings/mailboxes/new');
    await page.getByLabel('Email address').fill('linus@example.test');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Password').fill('Passw0rd!');
    await page.getByRole('button', { name: 'Test and add mailbox' }).click();
    await page.getByText('Mailbox added').waitFor();

    await page.goto('/settings/mail-services');
    await page.getByRole('link', { name: 'Sandbox Exchange' }).click();
    await page.getByRole('button', { name: 'Delete…' }).click();
    await page.getByRole('button', { name: 'Delete mail service' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'This mail service is still in use' });
    await refusal.waitFor();
    const listed = refusal.getByRole('list', { name: 'Mailboxes using this service' });
    // Each mailbox is a link to its page, where it can be disconnected.
    const link = listed.getByRole('link', { name: 'linus@example.test' });
    await link.waitFor();
    expect(await listed.getByRole('listitem').count()).toBe(1);
    expect(await link.getAttribute('href')).toMatch(/^\/settings\/mailboxes\/[\w-]+$/);
    await screenshot(page, 'mail-service-in-use');
    // Still there.
    await page.goto('/settings/mail-services');
    await page.getByRole('link', { name: 'Sandbox Exchange' }).waitFor();
  });

  it('deletes a service no mailbox uses', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    await page.goto('/settings/mail-services/new');
    await page.getByLabel('Service address').fill('mail.unused.test');
    await page.getByLabel('Service name').fill('Unused Exchange');
    await page.getByRole('button', { name: 'Add mail service' }).click();
    await page.getByText('Mail service added.').waitFor();
    await page.getByRole('button', { name: 'Delete…' }).click();
    await page.getByRole('button', { name: 'Delete mail service' }).click();
    await page.getByRole('heading', { name: 'Mail services' }).waitFor();
    await page.getByRole('link', { name: 'Sandbox Exchange' }).waitFor();
    expect(await page.getByRole('link', { name: 'Unused Exchange' }).count()).toBe(0);
  });

  it('never shows a stored client secret back', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    await page.goto('/settings/mail-services/new');
    await page.getByLabel('Type of mail service').selectOption('microsoft365');
    // What to register comes before saving, with a way to copy it; the login format is not asked.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByText(/Redirect URI to register/).waitFor();
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toMatch(
      /\/oauth\/microsoft\/callback$/,
    );
    expect(await page.getByLabel('Login format').count()).toBe(0);
    await page.getByLabel('Service name').fill('Contoso 365');
    await page.getByLabel('Application (client) id').fill('11111111-2222-3333-4444-555555555555');
    await page.getByLabel('Client secret').fill('very-secret-value');
    await page.getByLabel('Tenant').fill('contoso.test');
    await page.getByRole('button', { name: 'Add mail service' }).click();
    await page.getByText('Mail service added.').waitFor();
    expect(await page.getByLabel('Client secret').inputValue()).toBe('');
    await page.getByText('A secret is stored (it is never shown)').waitFor();
    expect(await page.content()).not.toContain('very-secret-value');
    await page.getByText(/Redirect URI to register/).waitFor();
    // Saving without typing a secret keeps the stored one.
    await page.getByLabel('Service name').fill('Contoso Microsoft 365');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Changes saved.').waitFor();
    await page.getByText('A secret is stored (it is never shown)').waitFor();
  });

  it('tells a sales user that mail services are for administrators', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.sales);
    for (const path of ['/settings/mail-services', '/settings/mail-services/new']) {
      await page.goto(path);
      await page.getByText('Only administrators can manage mail services').waitFor();
      expect(await page.getByLabel('Service address').count()).toBe(0);
      // In plain words, without the internal name of the right.
      expect(await page.getByRole('main').textContent()).not.toContain('CanManageAdministration');
    }
    // The way to their own mailbox is offered instead.
    await page.getByRole('main').getByRole('link', { name: 'Mailboxes' }).click();
    await page.getByRole('heading', { name: 'Mailboxes' }).waitFor();
  });
});
