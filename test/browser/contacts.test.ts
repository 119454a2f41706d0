// The contact and account screens in a browser: search, filters and paging kept in the address,
// the record with every multi-valued field and its real sync status after a run started from
// the Actions menu by keyboard, tagging, editing, CSV rights, accounts with their contacts, and
// the narrow (390 px) layout.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account, Contact, Group } from '../../src/crm/index.ts';
import {
  type BrowserWorld,
  callOk,
  connectSandboxMailbox,
  screenshot,
  sidewaysOverflow,
  startBrowserWorld,
} from './support.ts';

let world: BrowserWorld;
let lovelace: Account;
let paging: Account;
let newsletter: Group;
let ada: Contact;
let grace: Contact;

/** The names in the first column of the visible contact table. */
async function names(page: Page): Promise<string[]> {
  await page.locator('main table tbody').waitFor();
  return page.locator('main table tbody th[scope="row"] a').allTextContents();
}

async function waitForRows(page: Page, count: number) {
  await expect.poll(async () => page.locator('main table tbody tr').count(), { timeout: 10_000 }).toBe(count);
}

beforeAll(async () => {
  world = await startBrowserWorld();
  const crm = world.crm;
  const admin = await crm.users.principalFor(world.admin.user.id);
  lovelace = await crm.accounts.create(admin, {
    name: 'Lovelace Analytics',
    industry: 'Engines',
    phone: '+44 20 7946 0000',
    website: 'lovelace.example',
    address: {
      street: '12 St James’s Square',
      city: 'London',
      postalCode: 'SW1Y 4LB',
      country: 'United Kingdom',
    },
  });
  paging = await crm.accounts.create(admin, { name: 'Paging GmbH' });
  const key = await crm.contactGroups.create(admin, { name: 'Key customers' });
  newsletter = await crm.contactGroups.create(admin, { name: 'Newsletter' });
  ada = await crm.contacts.create(admin, {
    type: 'customer',
    givenName: 'Ada',
    familyName: 'Lovelace',
    companyName: 'Lovelace Analytics',
    accountId: lovelace.id,
    jobTitle: 'Analyst',
    emails: [
      { type: 'work', address: 'ada@lovelace.example' },
      { type: 'home', address: 'ada.home@example.org' },
      { type: 'other', address: 'countess@example.org' },
      { type: 'other', address: 'ada.fourth@example.org' },
    ],
    phones: [
      { type: 'work', number: '+44 20 7946 0001' },
      { type: 'mobile', number: '+44 7700 900001' },
      { type: 'home', number: '+44 20 7946 0002' },
    ],
    addresses: [
      { type: 'work', street: '12 St James’s Square', city: 'London', postalCode: 'SW1Y 4LB' },
      { type: 'home', street: 'Ockham Park', city: 'Ockham', country: 'United Kingdom' },
    ],
    websites: [
      { type: 'work', url: 'https://lovelace.example' },
      { type: 'personal', url: 'https://ada.example.org' },
    ],
    groupIds: [key.id, newsletter.id],
  });
  grace = await crm.contacts.create(admin, {
    type: 'employee',
    givenName: 'Grace',
    familyName: 'Hopper',
    emails: [{ type: 'work', address: 'grace.hopper@navy.example' }],
    groupIds: [newsletter.id],
  });
  await crm.contacts.create(admin, {
    givenName: 'Charles',
    familyName: 'Babbage',
    ownerId: world.sales.user.id,
    emails: [{ type: 'work', address: 'charles@engines.example' }],
  });
  for (let i = 1; i <= 30; i++) {
    await crm.contacts.create(admin, {
      givenName: 'Pager',
      familyName: `Person ${String(i).padStart(2, '0')}`,
      accountId: paging.id,
      companyName: 'Paging GmbH',
    });
  }
});

afterAll(async () => {
  await world?.close();
});

describe('the contact list', () => {
  it('shows the columns a sales user expects and links to the record and the account', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' }).click();
    await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
    await waitForRows(page, 25);
    const row = page.locator('tbody tr', { has: page.getByRole('link', { name: 'Ada Lovelace' }) });
    await expect(row.getByRole('link', { name: 'Lovelace Analytics' }).getAttribute('href')).resolves.toBe(
      `/accounts/${lovelace.id}`,
    );
    const text = await row.textContent();
    expect(text).toContain('ada@lovelace.example');
    expect(text).toContain('+3'); // three more email addresses
    expect(text).toContain('+44 20 7946 0001');
    expect(text).toContain('Alex Admin');
    expect(text).toContain('Key customers');
    expect(text).toContain('Newsletter');
    await screenshot(page, 'contacts-list');
  });

  it('searches and filters through the address, so that reload and back keep them', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    await page.goto('/contacts');
    await waitForRows(page, 25);

    await page.getByLabel('Search').fill('lovelace');
    await page.waitForURL(/q=lovelace/);
    await waitForRows(page, 1);
    expect(await names(page)).toEqual(['Ada Lovelace']);
    await page.reload();
    await expect(page.getByLabel('Search').inputValue()).resolves.toBe('lovelace');
    await waitForRows(page, 1);

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await waitForRows(page, 25);
    await page.getByLabel('Type').selectOption({ label: 'Employee' });
    await page.waitForURL(/type=employee/);
    await waitForRows(page, 1);
    expect(await names(page)).toEqual(['Grace Hopper']);

    await page.getByLabel('Type').selectOption({ label: 'All types' });
    await page.getByLabel('Group').selectOption({ label: 'Newsletter' });
    await page.waitForURL(new RegExp(`groupId=${newsletter.id}`));
    await waitForRows(page, 2);
    expect((await names(page)).sort()).toEqual(['Ada Lovelace', 'Grace Hopper']);

    await page.getByLabel('Group').selectOption({ label: 'All groups' });
    await page.getByLabel('Owner').selectOption({ label: 'Sam Sales' });
    await waitForRows(page, 1);
    expect(await names(page)).toEqual(['Charles Babbage']);

    // Back goes to the previous filter.
    await page.goBack();
    await page.waitForURL((url) => !url.search.includes('ownerId'));
    await expect(page.getByLabel('Owner').inputValue()).resolves.toBe('');

    await page.goto('/contacts?q=no-such-person-anywhere');
    await page.getByRole('heading', { name: 'No contacts match' }).waitFor();
    await page.getByRole('button', { name: 'clear all filters' }).click();
    await waitForRows(page, 25);
  });

  it('pages through an account’s contacts and back', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    await page.goto('/contacts');
    await page.getByLabel('Account').selectOption({ label: 'Paging GmbH' });
    await page.waitForURL(new RegExp(`accountId=${paging.id}`));
    await waitForRows(page, 25);
    const first = await names(page);
    const pager = page.getByRole('navigation', { name: 'Pages of contacts' });
    await expect(pager.textContent()).resolves.toContain('1–25 of 30');

    await pager.getByRole('button', { name: 'Next page' }).click();
    await page.waitForURL(/cursor=/);
    await waitForRows(page, 5);
    const second = await names(page);
    // Both pages together are the account's 30 contacts, each once.
    expect([...first, ...second].sort()).toEqual(
      Array.from({ length: 30 }, (_, i) => `Pager Person ${String(i + 1).padStart(2, '0')}`),
    );
    await expect(pager.textContent()).resolves.toContain('26–30 of 30');
    await expect(pager.getByRole('button', { name: 'Next page' }).count()).resolves.toBe(0);

    // A reload keeps the page; the way back is then "First page".
    await page.reload();
    await waitForRows(page, 5);
    await pager.getByRole('button', { name: 'First page' }).click();
    await waitForRows(page, 25);
    expect(await names(page)).toEqual(first);
    expect(new URL(page.url()).searchParams.get('accountId')).toBe(paging.id);
  });

  it('offers CSV export and import to those allowed, and explains what to do when empty', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    await page.goto('/contacts?type=employee');
    await waitForRows(page, 1);
    const href = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
    expect(href).toBe('/api/v1/contacts/export.csv?type=employee');
    const csv = await page.request.get(href!);
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toContain('grace.hopper@navy.example');

    await page.getByRole('button', { name: 'Import CSV' }).click();
    await page.getByLabel('CSV file').setInputFiles({
      name: 'people.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'Given Name,Family Name,Email 1 Address\nKatherine,Johnson,katherine@nasa.example\n',
      ),
    });
    await page.getByRole('button', { name: 'Check file' }).click();
    await page.getByText('The file was checked; nothing was written').waitFor();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText('Import finished').waitFor();
    await expect(
      page.getByRole('status').filter({ hasText: 'Import finished' }).textContent(),
    ).resolves.toContain('1 contact created');

    // Sam Sales owns one contact, sees all shared ones, and has no CSV rights.
    const sales = await world.newPage();
    await world.signIn(sales, world.sales);
    await sales.goto('/contacts?q=no-such-person-anywhere');
    await sales.getByRole('heading', { name: 'No contacts match' }).waitFor();
    await expect(sales.getByRole('link', { name: 'Export CSV' }).count()).resolves.toBe(0);
    await expect(sales.getByRole('button', { name: 'Import CSV' }).count()).resolves.toBe(0);
  });
});

describe('the contact record', { timeout: 90_000 }, () => {
  it('shows every value, runs a sync from the Actions menu by keyboard and shows the real sync status', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    const mailboxId = await connectSandboxMailbox(page, world, 'ada@example.test');

    await page.goto(`/contacts/${ada.id}`);
    await page.getByRole('heading', { name: 'Ada Lovelace', level: 1 }).waitFor();
    const emails = page.getByRole('list', { name: 'Email addresses' });
    await expect(emails.getByRole('listitem').count()).resolves.toBe(4);
    await expect(emails.textContent()).resolves.toContain('ada.fourth@example.org');
    await expect(
      page.getByRole('list', { name: 'Phone numbers' }).getByRole('listitem').count(),
    ).resolves.toBe(3);
    await expect(page.getByRole('list', { name: 'Addresses', exact: true }).textContent()).resolves.toContain(
      'Ockham Park, Ockham, United Kingdom',
    );
    await expect(page.getByRole('list', { name: 'Websites' }).getByRole('link').count()).resolves.toBe(2);
    await expect(
      page.getByRole('link', { name: 'Lovelace Analytics' }).first().getAttribute('href'),
    ).resolves.toBe(`/accounts/${lovelace.id}`);
    await page.getByText('Not synced with ada@example.test').waitFor();

    // The Actions menu, by keyboard alone: open, look, close with Escape, open again and run.
    const summary = page.locator('summary', { hasText: 'Actions' });
    await summary.focus();
    await page.keyboard.press('Enter');
    const configure = page.getByRole('link', { name: 'Configure ada@example.test…' });
    await configure.waitFor();
    expect(await configure.getAttribute('href')).toBe(`/settings/mailboxes/${mailboxId}/sync`);
    await page.keyboard.press('Escape');
    await configure.waitFor({ state: 'hidden' });
    expect(await page.evaluate<string | undefined>('document.activeElement?.textContent')).toBe('Actions');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string | undefined>('document.activeElement?.textContent')).toBe('Run sync');
    await page.keyboard.press('Enter');
    const result = page.getByRole('status').filter({ hasText: 'Contact sync finished' });
    await result.waitFor({ timeout: 30_000 });
    expect(await result.textContent()).toMatch(/ada@example\.test: synced in .* exported/);

    await page.getByText(/Synced with ada@example\.test (just now|\d+ (second|minute)s? ago)/).waitFor();
    const skipped = page.getByRole('list', { name: 'Not exported to ada@example.test' });
    await expect(skipped.textContent()).resolves.toContain(
      'Not exported: 4th email address (ada.fourth@example.org) — Exchange holds at most three email addresses',
    );
    await expect(skipped.textContent()).resolves.toContain('2nd website (https://ada.example.org)');
    await screenshot(page, 'contact-record');

    // The "sync with this mailbox" tag.
    const tag = page.getByLabel(/Sync with this mailbox \(ada@example\.test\)/);
    expect(await tag.isChecked()).toBe(false);
    await tag.check();
    await expect
      .poll(
        async () => (await callOk(page, 'GET', `/api/v1/contacts/${ada.id}/sync-status`)).mailboxes[0].tagged,
      )
      .toBe(true);
    await expect.poll(() => tag.isChecked()).toBe(true);
    await tag.uncheck();
    await expect
      .poll(
        async () => (await callOk(page, 'GET', `/api/v1/contacts/${ada.id}/sync-status`)).mailboxes[0].tagged,
      )
      .toBe(false);
  });

  it('edits a contact, and shows the server’s reason when a value is refused', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    await page.goto(`/contacts/${grace.id}`);
    await page.getByRole('heading', { name: 'Grace Hopper', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Job title').fill('Rear Admiral');
    await page.getByRole('button', { name: 'Add phone number' }).click();
    await page.getByLabel('Phone number 1', { exact: true }).fill('+1 202 555 0100');
    await page.getByLabel('Kind of phone number 1').selectOption({ label: 'Mobile' });
    await page.getByRole('button', { name: 'Add email address' }).click();
    await page.getByLabel('Email address 2', { exact: true }).fill('not an address');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('The contact was not saved').waitFor();

    await page.getByRole('button', { name: 'Remove email address 2' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Edit' }).waitFor();
    await expect(page.getByRole('list', { name: 'Phone numbers' }).textContent()).resolves.toContain(
      'Mobile+1 202 555 0100',
    );
    await page.getByText('Rear Admiral').waitFor();
    const stored = await world.crm.contacts.get(
      await world.crm.users.principalFor(world.admin.user.id),
      grace.id,
    );
    expect(stored.jobTitle).toBe('Rear Admiral');
    expect(stored.phones).toEqual([{ type: 'mobile', number: '+1 202 555 0100' }]);
  });
});

describe('accounts', () => {
  it('lists and searches accounts and shows an account with its contacts', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Accounts' }).click();
    await page.getByRole('heading', { name: 'Accounts', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Paging GmbH' }).waitFor();
    const row = page.locator('tbody tr', { has: page.getByRole('link', { name: 'Lovelace Analytics' }) });
    await expect(row.textContent()).resolves.toContain('Engines');
    await expect(row.textContent()).resolves.toContain('London');
    await screenshot(page, 'accounts-list');

    await page.getByLabel('Search').fill('paging');
    await page.waitForURL(/q=paging/);
    await waitForRows(page, 1);
    await page.getByRole('link', { name: 'Paging GmbH' }).click();
    await page.getByRole('heading', { name: 'Paging GmbH', level: 1 }).waitFor();
    await waitForRows(page, 25);
    await page.getByRole('button', { name: 'Show more contacts' }).click();
    await waitForRows(page, 30);

    await page.goto(`/accounts/${lovelace.id}`);
    await page.getByRole('heading', { name: 'Lovelace Analytics', level: 1 }).waitFor();
    await page.getByText('12 St James’s Square, SW1Y 4LB London, United Kingdom').waitFor();
    await waitForRows(page, 1);
    await expect(page.locator('tbody').textContent()).resolves.toContain('ada@lovelace.example');
    await screenshot(page, 'account-record');
    await page.getByRole('link', { name: 'Open in the contact list' }).click();
    await page.waitForURL(new RegExp(`/contacts\\?accountId=${lovelace.id}`));
    await waitForRows(page, 1);
    await expect(page.getByLabel('Account').inputValue()).resolves.toBe(lovelace.id);
  });
});

describe('at 390 px', { timeout: 60_000 }, () => {
  it('fits the list and the record into the width, with the filters and the menu reachable', async () => {
    const page = await world.newPage({ width: 390, height: 844 });
    await world.signIn(page, world.admin);
    await page.goto('/contacts');
    await waitForRows(page, 25);
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await page.getByLabel('Group').selectOption({ label: 'Newsletter' });
    await page.waitForURL(/groupId=/);
    await waitForRows(page, 2);
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, 'contacts-list-mobile');

    await page.goto(`/contacts/${ada.id}`);
    await page.getByRole('heading', { name: 'Ada Lovelace', level: 1 }).waitFor();
    await page.getByText(/Synced with ada@example\.test/).waitFor();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await page.locator('summary', { hasText: 'Actions' }).click();
    await page.getByRole('button', { name: 'Run sync' }).waitFor();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
  });
});
