// Settings → Mailboxes in the browser: a user adds a mailbox by its address against the sandbox
// (password, then the connection test), sees clear messages for a wrong password and for a server
// that cannot be reached, reads the mailbox's health, syncs it now, updates its password and
// disconnects it; a Microsoft 365 mailbox goes through the sandbox's sign-in page.
import { createServer } from 'node:net';
import { DEMO_PASSWORD, DEMO_TENANT_ID } from '@exsync/sandbox/seed';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/connectors/index.ts';
import { sandboxExchangeService, sandboxMicrosoft365Service } from '../support/mail-services.ts';
import {
  addMailService,
  type BrowserWorld,
  callOk,
  focused,
  midWordBreaks,
  screenshot,
  sidewaysOverflow,
  startBrowserWorld,
  tooWide,
} from './support.ts';

/** The public URL the test server believes it has (startBrowserWorld sets none). */
const PUBLIC_URL = 'http://localhost:0';

/** A port on 127.0.0.1 where nothing listens. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function addMailbox(page: Page, address: string, password: string) {
  await page.goto('/settings/mailboxes/new');
  await page.getByLabel('Email address').fill(address);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByTestId('detected-service').waitFor();
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Test and add mailbox' }).click();
}

describe('mailboxes', () => {
  let world: BrowserWorld;
  let admin: Page;
  beforeAll(async () => {
    world = await startBrowserWorld();
    admin = await world.newPage();
    await world.signIn(admin, world.admin);
    await addMailService(admin, sandboxExchangeService(world.sandbox));
    await addMailService(admin, {
      type: 'exchange',
      name: 'Closed Exchange',
      serviceAddress: `https://127.0.0.1:${await closedPort()}/EWS/Exchange.asmx`,
      authMethod: 'basic',
      loginFormat: 'email',
      domains: ['closed.test'],
      allowPrivateAddresses: true,
    });
  });
  afterAll(async () => {
    await world?.close();
  });

  it('adds a mailbox by address and password: detected, tested, active', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.sales);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Mailboxes' }).click();
    await page.getByText('No mailbox connected yet').waitFor();
    await page.getByRole('link', { name: 'Add mailbox' }).first().click();
    await page.getByLabel('Email address').fill('ada@example.test');
    await page.getByRole('button', { name: 'Continue' }).click();
    const detected = page.getByTestId('detected-service');
    await detected.waitFor();
    expect(await detected.textContent()).toContain('is served by Sandbox Exchange (Exchange Server)');
    await page.getByText('Login: ada@example.test').waitFor();
    // Continue is gone: the keyboard goes on in the password field, not on the page body.
    expect(await focused(page)).toBe('Password');
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await screenshot(page, 'mailbox-add');
    await page.getByRole('button', { name: 'Test and add mailbox' }).click();

    await page.getByRole('heading', { name: 'ada@example.test' }).waitFor();
    await page.getByText('Mailbox added').waitFor();
    expect(await page.getByTestId('mailbox-health').textContent()).toContain('active');
    expect(await page.getByRole('link', { name: 'Sync settings' }).first().getAttribute('href')).toMatch(
      /^\/settings\/mailboxes\/[^/]+\/sync$/,
    );
  });

  it('says "wrong login or password" and stores nothing', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.sales);
    await addMailbox(page, 'grace@example.test', 'not-her-password');
    const alert = page.getByRole('alert').filter({ hasText: 'Wrong login or password' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Nothing was stored');
    // The refused field has the focus, so the reason is in view and the user can type again.
    expect(await focused(page)).toBe('Password');
    await screenshot(page, 'mailbox-wrong-password');
    await page.goto('/settings/mailboxes');
    await page.getByRole('link', { name: 'ada@example.test', exact: true }).waitFor();
    expect(await page.getByRole('link', { name: 'grace@example.test', exact: true }).count()).toBe(0);
  });

  it('says the mail server cannot be reached', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.sales);
    await addMailbox(page, 'linus@closed.test', DEMO_PASSWORD);
    const alert = page.getByRole('alert').filter({ hasText: 'The mail server cannot be reached' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Check the service address and port');
  });

  it('says when no mail service serves the address', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.sales);
    await page.goto('/settings/mailboxes/new');
    await page.getByLabel('Email address').fill('someone@nowhere.invalid');
    await page.getByRole('button', { name: 'Continue' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'No mail service found' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Ask an administrator');
  });

  it('lists mailboxes with their health, at 1280 and 390 px', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.sales);
    await page.goto('/settings/mailboxes');
    const row = page.getByRole('row', { name: /ada@example\.test/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('active');
    expect(await row.textContent()).toContain('Sandbox Exchange');
    expect(await midWordBreaks(page, 'table td')).toEqual([]);
    await screenshot(page, 'mailboxes-list');

    const narrow = await world.newPage({ width: 390 });
    await world.signIn(narrow, world.sales);
    await narrow.goto('/settings/mailboxes');
    await narrow.getByRole('row', { name: /ada@example\.test/ }).waitFor();
    expect(await sidewaysOverflow(narrow)).toBeLessThanOrEqual(0);
    // Each row stacks its cells under their column names: nothing scrolls or splits mid-word.
    expect(await tooWide(narrow, '.table-wrap, table td')).toEqual([]);
    expect(await midWordBreaks(narrow, 'table td')).toEqual([]);
    await screenshot(narrow, 'mailboxes-list-mobile');

    // Administrators see everyone's mailboxes, with their owners.
    await admin.goto('/settings/mailboxes');
    const adminRow = admin.getByRole('row', { name: /ada@example\.test/ });
    await adminRow.waitFor();
    expect(await adminRow.textContent()).toContain('Sam Sales');
  });

  it('tests the connection, syncs now with progress, refuses a wrong new password', {
    timeout: 120_000,
  }, async () => {
    const page = await world.newPage();
    await world.signIn(page, world.sales);
    await page.goto('/settings/mailboxes');
    await page.getByRole('link', { name: 'ada@example.test', exact: true }).click();
    await page.getByRole('heading', { name: 'ada@example.test' }).waitFor();

    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByRole('status').filter({ hasText: 'Connection test passed' }).waitFor();

    await page.getByRole('button', { name: 'Sync now' }).click();
    const result = page.getByRole('status').filter({ hasText: 'Sync succeeded' });
    await result.waitFor({ timeout: 90_000 });
    // Every entity switched on (by default contacts, meetings and tasks), one run each.
    const lines = await result.getByRole('listitem').allTextContents();
    expect(lines.map((l) => l.split(':')[0])).toEqual(['Contacts', 'Meetings', 'Tasks']);
    expect(lines[0]).toMatch(/^Contacts: succeeded\. From Exchange: [1-9]\d* created/);
    const runs = page.getByRole('table', { name: 'Latest runs' });
    await expect.poll(() => runs.getByRole('row').count()).toBe(4);
    for (const entity of ['Contacts', 'Meetings', 'Tasks'])
      expect(await runs.getByRole('row', { name: new RegExp(`^.*${entity}`) }).count()).toBe(1);
    await screenshot(page, 'mailbox-page');

    await page.getByLabel('New password').fill('wrong-password');
    await page.getByRole('button', { name: 'Update password' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'Wrong login or password' });
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('The stored password is unchanged');
    await page.getByLabel('New password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Update password' }).click();
    await page.getByText('Password updated').waitFor();
    expect(await page.getByTestId('mailbox-health').textContent()).toContain('active');
  });

  it('disconnects a mailbox after confirmation, keeping the synced data', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.sales);
    await page.goto('/settings/mailboxes');
    await page.getByRole('link', { name: 'ada@example.test', exact: true }).click();
    await page.getByRole('heading', { name: 'ada@example.test' }).waitFor();
    const contactsBefore = (await (await page.request.get('/api/v1/contacts?limit=500')).json()).items.length;
    expect(contactsBefore).toBeGreaterThan(0);

    // Cancel and Escape both take the question back and return the focus to the button.
    await page.getByRole('button', { name: 'Disconnect…' }).click();
    await page.getByText('Everything already synced is kept').waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => focused(page)).toBe('Disconnect…');
    await page.keyboard.press('Enter');
    await page.getByText('Everything already synced is kept').waitFor();
    // The question takes the focus once shown; Escape is pressed there, as a user would.
    await expect.poll(() => focused(page)).toMatch(/^Disconnect ada@example\.test\?/);
    await page.keyboard.press('Escape');
    await expect.poll(() => focused(page)).toBe('Disconnect…');
    expect(await page.getByText('Everything already synced is kept').count()).toBe(0);
    await page.getByRole('button', { name: 'Disconnect…' }).click();
    await page.getByText('Everything already synced is kept').waitFor();
    await page.getByRole('button', { name: 'Disconnect mailbox' }).click();
    await page.getByText('Mailbox disconnected').waitFor();
    expect(await page.getByTestId('mailbox-health').textContent()).toContain('disconnected');
    expect(await page.getByRole('button', { name: 'Sync now' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Test connection' }).count()).toBe(0);
    // The contacts synced before stay in the CRM.
    const contactsAfter = (await (await page.request.get('/api/v1/contacts?limit=500')).json()).items.length;
    expect(contactsAfter).toBe(contactsBefore);
  });

  it('lets an administrator add a mailbox for another user; others add only their own', async () => {
    const address = 'owned-by-sam@example.test';
    world.sandbox.store.addMailbox({
      tenantId: DEMO_TENANT_ID,
      address,
      displayName: 'Sam',
      password: DEMO_PASSWORD,
    });
    const sales = await world.newPage();
    await world.signIn(sales, world.sales);
    await sales.goto('/settings/mailboxes/new');
    await sales.getByLabel('Email address').fill(address);
    await sales.getByRole('button', { name: 'Continue' }).click();
    await sales.getByTestId('detected-service').waitFor();
    expect(await sales.getByLabel('For user').count()).toBe(0);

    await admin.goto('/settings/mailboxes/new');
    await admin.getByLabel('Email address').fill(address);
    await admin.getByRole('button', { name: 'Continue' }).click();
    await admin.getByTestId('detected-service').waitFor();
    await admin.getByLabel('For user').selectOption({ label: 'Sam Sales' });
    await admin.getByLabel('Password').fill(DEMO_PASSWORD);
    await admin.getByRole('button', { name: 'Test and add mailbox' }).click();
    await admin.waitForURL(/\/settings\/mailboxes\/[^/?]+\?added=1/);
    await admin.goto('/settings/mailboxes');
    const row = admin.getByRole('row', { name: new RegExp(address.replace(/\./g, '\\.')) });
    await row.waitFor();
    expect(await row.textContent()).toContain('Sam Sales');
  });

  it('connects a Microsoft 365 mailbox through the sandbox’s sign-in page', async () => {
    // Exsync's redirect URI comes from its public URL; the test server listens on a port of its
    // own, so an app registration for that URI stands in for the one an administrator makes.
    const redirectUri = `${PUBLIC_URL}/oauth/microsoft/callback`;
    const app = await world.sandbox.admin.createApp({
      tenant: DEMO_TENANT_ID,
      displayName: 'Exsync (browser test)',
      redirectUris: [redirectUri],
    });
    // example.test moves from the Exchange service to the Microsoft 365 one.
    const services = (await (await admin.request.get('/api/v1/mail-services')).json()).items as Array<{
      id: string;
      name: string;
    }>;
    const exchange = services.find((s) => s.name === 'Sandbox Exchange')!;
    await callOk(admin, 'PATCH', `/api/v1/mail-services/${exchange.id}`, { domains: [] });
    await addMailService(
      admin,
      sandboxMicrosoft365Service(world.sandbox, { clientId: app.clientId, clientSecret: app.clientSecret }),
    );

    const page = await world.newPage();
    await world.signIn(page, world.sales);
    // The browser reaches the sandbox's HTTPS sign-in page through this test, which checks the
    // sandbox's certificate against its CA; Exsync's public URL leads to the test server.
    const sandboxHttp = new HttpClient({ ca: world.sandbox.caPem, allowPrivateAddresses: true });
    await page.route(`${world.sandbox.httpsUrl}/**`, async (route) => {
      const request = route.request();
      const headers = { ...request.headers() };
      delete headers.host;
      const answer = await sandboxHttp.send({
        method: request.method(),
        url: request.url(),
        headers,
        body: request.postDataBuffer() ?? undefined,
      });
      const location = answer.header('location');
      const responseHeaders: Record<string, string> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (typeof value === 'string') responseHeaders[name] = value;
      }
      if (location) responseHeaders.location = location.replace(PUBLIC_URL, world.url);
      await route.fulfill({ status: answer.status, headers: responseHeaders, body: answer.body });
    });
    try {
      await page.goto('/settings/mailboxes/new');
      await page.getByLabel('Email address').fill('grace@example.test');
      await page.getByRole('button', { name: 'Continue' }).click();
      const detected = page.getByTestId('detected-service');
      await detected.waitFor();
      expect(await detected.textContent()).toContain('Sandbox Microsoft 365');
      await page.getByRole('button', { name: 'Sign in with Microsoft' }).click();

      // The sandbox's sign-in and consent page, as a user fills it in.
      await page.waitForURL(`${world.sandbox.httpsUrl}/**`);
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      const login = page.getByLabel('Email, phone, or Skype');
      if ((await login.inputValue()) === '') await login.fill('grace@example.test');
      await page.getByLabel('Password').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: 'Sign in and accept' }).click();

      await page.getByRole('heading', { name: 'grace@example.test' }).waitFor();
      expect(new URL(page.url()).pathname).toMatch(/^\/settings\/mailboxes\/[^/]+$/);
      await page.getByText('Signed in with Microsoft').waitFor();
      expect(await page.getByTestId('mailbox-health').textContent()).toContain('active');
      await page.getByRole('button', { name: 'Sign in again' }).waitFor();
    } finally {
      sandboxHttp.close();
    }
  });
});
