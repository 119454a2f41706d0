// The administrator's whole way, screen by screen, as the issue describes it: add a mail
// service and a mailbox, configure the Contacts tab with a folder and a group, run a sync, and
// see the contacts in the CRM, the exported contact in Exchange and the run on the dashboard.

import { DEMO_PASSWORD } from '@exsync/sandbox/seed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserWorld,
  callAs,
  fillSandboxExchangeForm,
  screenshot,
  startBrowserWorld,
} from './support.ts';

const ADDRESS = 'ada@example.test';

describe('an administrator from an empty installation to a synced mailbox', () => {
  let world: BrowserWorld;
  beforeAll(async () => {
    world = await startBrowserWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('adds a service and a mailbox, picks a folder and a group, syncs, and sees the result', {
    timeout: 120_000,
  }, async () => {
    const page = await world.newPage();
    await world.signIn(page, world.admin);

    // Two CRM contacts: one in the group that will be exported, one outside it.
    const group = await callAs(page, 'POST', '/api/v1/contactGroups', { name: 'Trade fair leads' });
    expect(group.status).toBe(201);
    for (const [given, family, groupIds] of [
      ['Petra', 'Fairgoer', [group.body.id]],
      ['Otto', 'Outsider', []],
    ] as const) {
      const contact = await callAs(page, 'POST', '/api/v1/contacts', {
        givenName: given,
        familyName: family,
        type: 'customer',
        emails: [{ address: `${given.toLowerCase()}@fair.example`, type: 'work' }],
        groupIds,
      });
      expect(contact.status, JSON.stringify(contact.body)).toBe(201);
    }

    // Settings → Mail services → Add.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Mail services' }).click();
    await page.getByRole('link', { name: 'Add mail service' }).click();
    await fillSandboxExchangeForm(page, world, 'Head office Exchange');
    await page.getByRole('button', { name: 'Add mail service' }).click();
    await page.getByRole('heading', { name: 'Head office Exchange' }).waitFor();

    // Settings → Mailboxes → Add: detected service, password, tested, active.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Mailboxes' }).click();
    await page.getByRole('link', { name: 'Add mailbox' }).first().click();
    await page.getByLabel('Email address').fill(ADDRESS);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('Head office Exchange').first().waitFor();
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Test and add mailbox' }).click();
    await page.getByRole('heading', { name: ADDRESS }).waitFor();

    // Its sync settings: import one folder only, export one group only.
    await page.getByRole('link', { name: 'Sync settings' }).first().click();
    await page.getByRole('heading', { name: `Sync settings: ${ADDRESS}` }).waitFor();
    await page.getByRole('tab', { name: 'Contacts' }).click();
    await page.getByLabel('Contacts from selected folders').check();
    const folders = page.getByRole('group', { name: `Contact folders of ${ADDRESS}` });
    await folders.getByLabel('Customers').check();
    await page.getByLabel('Contacts from selected categories and groups').check();
    await page.getByRole('group', { name: 'Groups' }).getByLabel('Trade fair leads').check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: /saved/i }).first().waitFor();

    // Sync now from the dashboard, and the run with its numbers.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
    const card = page.getByRole('article', { name: ADDRESS });
    await card.getByRole('button', { name: `Sync now ${ADDRESS}` }).click();
    await card.getByText(/^Contacts: The run succeeded/).waitFor({ timeout: 60_000 });

    const folderList = await world.sandbox.admin.folders(ADDRESS);
    const customers = folderList.find((f) => f.displayName === 'Customers')!;
    const inCustomers = await world.sandbox.admin.items(ADDRESS, customers.id);
    const runs = await callAs(page, 'GET', `/api/v1/mailboxes/${await mailboxIdOf(page)}/runs`);
    const counts = runs.body.items[0].counts;
    // Only the chosen folder came in; only the group's contact went out.
    expect(counts.import.created).toBe(inCustomers.length);
    expect(counts.export.created).toBe(1);
    const importCell = card
      .getByRole('table', { name: `Contacts: latest run of ${ADDRESS}` })
      .getByRole('row', { name: /^Exchange → CRM/ })
      .getByRole('cell')
      .first();
    expect((await importCell.textContent())?.trim()).toBe(String(inCustomers.length));
    await screenshot(page, 'main-flow-dashboard');

    // The exported contact is in Exchange; the other one is not.
    const everywhere = [];
    for (const f of folderList.filter((f) => f.folderClass === 'IPF.Contact'))
      everywhere.push(...(await world.sandbox.admin.items(ADDRESS, f.id)));
    const names = everywhere.map((i) => (i.data as { displayName?: string }).displayName);
    expect(names).toContain('Petra Fairgoer');
    expect(names).not.toContain('Otto Outsider');

    // The imported contacts are in the CRM list.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' }).click();
    const sample = (inCustomers[0].data as { displayName?: string }).displayName!;
    await page.getByLabel('Search').fill(sample);
    await page.getByRole('link', { name: sample }).first().waitFor();
  });
});

async function mailboxIdOf(page: import('playwright-core').Page): Promise<string> {
  const list = await callAs(page, 'GET', '/api/v1/mailboxes');
  return list.body.items.find((m: { address: string }) => m.address === ADDRESS).id;
}
