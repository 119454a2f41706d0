// The quick start as a new user meets it (SPEC G1): the demo is started as `npm run demo` starts
// it, the demo administrator signs in, finds ada@example.test connected, presses "Sync now" on
// the mailbox and watches its contacts, meetings and tasks arrive, one run each; "Sync now" on the
// other demo mailbox then leaves the meetings the two share as one activity each. The README's
// pictures are taken here, from the demo itself, so they show what a new user sees.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PEOPLE, DEMO_SIGN_IN_PASSWORD, type RunningDemo, startDemo } from '../../src/demo/index.ts';
import { buildWebUi, launchChromium, openPage, screenshot } from './support.ts';

describe('the quick start', () => {
  let demo: RunningDemo;
  let browser: Browser;
  let dataDir: string;
  let webRoot: string;

  beforeAll(async () => {
    webRoot = await buildWebUi();
    dataDir = mkdtempSync(join(tmpdir(), 'exsync-quick-start-'));
    demo = await startDemo({
      dataDir,
      port: 0,
      sandboxPort: 0,
      buildWebUi: false,
      webRoot,
      logLevel: 'silent',
      say: () => {},
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(webRoot, { recursive: true, force: true });
  });

  it('signs in as the demo administrator, syncs the connected mailbox and shows the contacts', {
    timeout: 120_000,
  }, async () => {
    const admin = DEMO_PEOPLE.find((p) => p.key === 'admin')!;
    const page = await openPage(browser, demo.url);
    await page.goto('/');
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(DEMO_SIGN_IN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();

    // The mailbox is connected and waiting for its first sync.
    const card = page.getByRole('article', { name: admin.mailbox });
    await card.getByText('Not synced yet').waitFor();

    // As the demo's banner says: Mailboxes → the mailbox → Sync now.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Mailboxes' }).click();
    await page.getByRole('link', { name: admin.mailbox, exact: true }).click();
    await page.getByRole('heading', { name: admin.mailbox }).waitFor();
    await page.getByRole('button', { name: 'Sync now' }).first().click();
    // One run per entity switched on in the demo's settings, each said in plain words.
    const result = page.getByRole('status').filter({ hasText: 'Sync succeeded' });
    await result.waitFor({ timeout: 60_000 });
    const lines = await result.getByRole('listitem').allTextContents();
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^Contacts: succeeded\. From Exchange: [1-9]\d* created/);
    expect(lines[1]).toMatch(/^Meetings: succeeded\. From Exchange: [1-9]\d* created/);
    expect(lines[2]).toMatch(/^Tasks: succeeded\. From Exchange: [1-9]\d* created/);
    const history = page.getByRole('table', { name: 'Latest runs' });
    for (const entity of ['Contacts', 'Meetings', 'Tasks'])
      await history.getByRole('row', { name: new RegExp(`${entity}.*succeeded`) }).waitFor();

    // The contacts arrived.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' }).click();
    await page.getByRole('heading', { name: 'Contacts' }).waitFor();
    const rows = page.locator('table tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThan(10);
    await screenshot(page, 'quick-start-contacts');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
    await card.getByText('succeeded').first().waitFor();
    const imported = await card
      .getByRole('table', { name: `Contacts: latest run of ${admin.mailbox}` })
      .getByRole('row', { name: /^Exchange → CRM/ })
      .getByRole('cell')
      .first()
      .textContent();
    expect(Number(imported)).toBeGreaterThan(100);
    // Beside the contacts, the card shows what the meetings and tasks runs brought in.
    for (const entity of ['Meetings', 'Tasks']) {
      const cell = await card
        .getByRole('table', { name: `${entity}: latest run of ${admin.mailbox}` })
        .getByRole('row', { name: /^Exchange → CRM/ })
        .getByRole('cell')
        .first()
        .textContent();
      expect(Number(cell), entity).toBeGreaterThan(0);
    }
    await screenshot(page, 'quick-start-dashboard');
    await page.context().close();
  });

  it('"Sync now" on both demo mailboxes shows a meeting they share once, with the tasks', {
    timeout: 120_000,
  }, async () => {
    const admin = DEMO_PEOPLE.find((p) => p.key === 'admin')!;
    const sales = DEMO_PEOPLE.find((p) => p.key === 'sales')!;
    const page = await openPage(browser, demo.url);
    await page.goto('/');
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(DEMO_SIGN_IN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();

    // Ada's mailbox was synced above; now Grace's, whose calendar holds her copies of the same meetings.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Mailboxes' }).click();
    await page.getByRole('link', { name: sales.mailbox, exact: true }).click();
    await page.getByRole('heading', { name: sales.mailbox }).waitFor();
    await page.getByRole('button', { name: 'Sync now' }).first().click();
    const result = page.getByRole('status').filter({ hasText: 'Sync succeeded' });
    await result.waitFor({ timeout: 60_000 });
    expect(await result.getByRole('listitem').allTextContents()).toHaveLength(3);

    const subjects = () => page.locator('main tbody th a').allTextContents();
    await page.goto(`/activities?q=${encodeURIComponent('Contoso contract renewal')}`);
    await page.getByRole('heading', { name: 'Activities', level: 1 }).waitFor();
    await expect.poll(subjects).toEqual(['Contoso contract renewal']);
    // And the tasks of Ada's task lists arrived: Exchange names their owner "Ada Lovelace".
    const ada = await page.request.get('/api/v1/activities?kind=task&limit=500');
    expect(ada.ok()).toBe(true);
    expect((await ada.json()).items.length).toBeGreaterThan(0);
    await page.context().close();
  });
});
