// Accounts, leads and deals in a browser: create, edit and delete from their screens, the list
// with its filter, sort and total, and the delete question saying what happens to linked
// records.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserWorld, screenshot, sidewaysOverflow, startBrowserWorld } from './support.ts';

let world: BrowserWorld;

beforeAll(async () => {
  world = await startBrowserWorld();
});

afterAll(async () => {
  await world?.close();
});

const admin = () => world.crm.users.principalFor(world.admin.user.id);

describe('accounts', { timeout: 60_000 }, () => {
  it('are created, edited and deleted, and the delete says that contacts only lose the link', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    await page.goto('/accounts');
    await page.getByRole('link', { name: 'New account' }).click();
    await page.getByRole('heading', { name: 'New account', level: 1 }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Analytical Engines Ltd');
    await page.getByLabel('Industry').fill('Computing');
    await page.getByLabel('City').fill('London');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Analytical Engines Ltd', level: 1 }).waitFor();
    const id = new URL(page.url()).pathname.split('/').pop()!;
    const stored = await world.crm.accounts.get(await admin(), id);
    expect(stored).toMatchObject({ name: 'Analytical Engines Ltd', industry: 'Computing' });
    expect(stored.address).toMatchObject({ city: 'London', street: null });

    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Industry').fill('Engines');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Edit' }).waitFor();
    await page.getByText('Engines', { exact: true }).waitFor();

    await world.crm.contacts.create(await admin(), { displayName: 'Ada at Engines', accountId: id });
    await page.getByRole('button', { name: 'Delete' }).click();
    const question = page.getByRole('group', { name: 'Delete Analytical Engines Ltd?' });
    await question
      .getByText('1 contact and 0 deals you can see lose their link to it; they are not deleted.')
      .waitFor();
    await question.getByRole('button', { name: 'Delete account' }).click();
    await page.waitForURL(/\/accounts$/);
    await expect(world.crm.accounts.get(await admin(), id)).rejects.toThrow();
    const [ada] = (await world.crm.contacts.list(await admin(), { filter: { q: 'Ada at Engines' } })).items;
    expect(ada.accountId).toBeNull();
  });
});

describe('leads', { timeout: 60_000 }, () => {
  it('are listed with a status filter and a total, created with emails, edited and deleted', async () => {
    for (const [name, status] of [
      ['Charles Babbage', 'new'],
      ['Mary Somerville', 'qualified'],
    ] as const)
      await world.crm.leads.create(await admin(), { displayName: name, status, companyName: 'Science Ltd' });
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Leads' }).click();
    await page.getByRole('heading', { name: 'Leads', level: 1 }).waitFor();
    await page.getByText('2 leads', { exact: true }).waitFor();
    await page.getByLabel('Status').selectOption({ label: 'Qualified' });
    await page.waitForURL(/status=qualified/);
    await page.getByText('1 lead', { exact: true }).waitFor();
    await expect(page.locator('main tbody th a').allTextContents()).resolves.toEqual(['Mary Somerville']);
    await screenshot(page, 'leads-list');

    await page.getByRole('link', { name: 'New lead' }).click();
    await page.getByLabel('Given name').fill('John');
    await page.getByLabel('Family name').fill('Herschel');
    await page.getByLabel('Status').selectOption({ label: 'Contacted' });
    await page.getByLabel('Source').fill('Conference');
    await page.getByRole('button', { name: 'Add email address' }).click();
    await page.getByLabel('Email address 1', { exact: true }).fill('john@herschel.example');
    await page.getByRole('button', { name: 'Create lead' }).click();
    await page.getByRole('heading', { name: 'John Herschel', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'john@herschel.example' }).waitFor();
    await screenshot(page, 'lead-record');
    const id = new URL(page.url()).pathname.split('/').pop()!;
    expect(await world.crm.leads.get(await admin(), id)).toMatchObject({
      status: 'contacted',
      source: 'Conference',
      emails: [{ type: 'work', address: 'john@herschel.example' }],
    });

    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Status').selectOption({ label: 'Qualified' });
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Edit' }).waitFor();
    expect((await world.crm.leads.get(await admin(), id)).status).toBe('qualified');

    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Delete lead' }).click();
    await page.waitForURL(/\/leads$/);
    await expect(world.crm.leads.get(await admin(), id)).rejects.toThrow();
  });
});

describe('deals', { timeout: 60_000 }, () => {
  it('are created for an account and a contact, shown with amount and links, sorted, and deleted', async () => {
    const account = await world.crm.accounts.create(await admin(), { name: 'Royal Society' });
    const contact = await world.crm.contacts.create(await admin(), { displayName: 'Michael Faraday' });
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    await page.goto('/deals');
    await page.getByRole('link', { name: 'New deal' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Lecture series');
    await page.getByLabel('Stage').selectOption({ label: 'Proposal' });
    await page.getByLabel('Amount').fill('12500.50');
    await page.getByLabel('Currency').fill('GBP');
    await page.getByLabel('Expected close').fill('2027-03-31');
    await page.getByLabel('Account').selectOption({ label: 'Royal Society' });
    await page.getByLabel('Contact').selectOption({ label: 'Michael Faraday' });
    await page.getByRole('button', { name: 'Create deal' }).click();
    await page.getByRole('heading', { name: 'Lecture series', level: 1 }).waitFor();
    await page.getByText('£12,500.50').waitFor();
    await page.getByRole('link', { name: 'Royal Society' }).waitFor();
    await page.getByRole('link', { name: 'Michael Faraday' }).waitFor();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, 'deal-record');
    const id = new URL(page.url()).pathname.split('/').pop()!;
    expect(await world.crm.deals.get(await admin(), id)).toMatchObject({
      stage: 'proposal',
      amount: 12500.5,
      currency: 'GBP',
      closeDate: '2027-03-31',
      accountId: account.id,
      contactId: contact.id,
    });

    // A refused value is named beside the form, which keeps what was typed.
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Currency').fill('pounds');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').filter({ hasText: 'The deal was not saved' }).waitFor();
    await page.locator('.field-error', { hasText: 'must be an ISO 4217 code such as EUR' }).waitFor();
    await page.getByLabel('Currency').fill('EUR');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Edit' }).waitFor();

    await world.crm.deals.create(await admin(), { name: 'Another deal' });
    await page.goto('/deals?sort=-name');
    await expect
      .poll(() => page.locator('main tbody th a').allTextContents())
      .toEqual(['Lecture series', 'Another deal']);
    await page.getByText('2 deals', { exact: true }).waitFor();

    await page.goto(`/deals/${id}`);
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Delete deal' }).click();
    await page.waitForURL(/\/deals$/);
    await expect(world.crm.deals.get(await admin(), id)).rejects.toThrow();
  });
});
