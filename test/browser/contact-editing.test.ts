// Creating, editing and deleting contacts in a browser: every field of the record in the form,
// Exchange's limits and the phone rules said while typing (the sync's own rules), the question
// before unsaved edits are lost, the sync consequence said before a delete, and the list's
// sorting, total and paging from the top.

import { DEMO_PASSWORD } from '@exsync/sandbox/seed';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Contact } from '../../src/crm/index.ts';
import {
  type BrowserWorld,
  callOk,
  connectSandboxMailbox,
  screenshot,
  sidewaysOverflow,
  startBrowserWorld,
} from './support.ts';

let world: BrowserWorld;

beforeAll(async () => {
  world = await startBrowserWorld();
  const admin = await world.crm.users.principalFor(world.admin.user.id);
  for (let i = 1; i <= 30; i++) {
    await world.crm.contacts.create(admin, {
      givenName: 'Sorted',
      familyName: `Person ${String(i).padStart(2, '0')}`,
      companyName: `Company ${String(31 - i).padStart(2, '0')}`,
    });
  }
});

afterAll(async () => {
  await world?.close();
});

async function adminPrincipal() {
  return world.crm.users.principalFor(world.admin.user.id);
}

/** The "not exported" marks shown in the form, as "<field row label>" strings. */
function leftOutMarks(page: Page) {
  return page.locator('.crm-left-out');
}

describe('a new contact', { timeout: 90_000 }, () => {
  it('has every field, says Exchange’s limits and the phone rules while typing, and opens the new record', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    await page.goto('/contacts');
    await page.getByRole('link', { name: 'New contact' }).click();
    await page.getByRole('heading', { name: 'New contact', level: 1 }).waitFor();

    await page.getByLabel('Name prefix').fill('Dr.');
    await page.getByLabel('Given name').fill('Katherine');
    await page.getByLabel('Middle name').fill('Coleman');
    await page.getByLabel('Family name').fill('Johnson');
    await page.getByLabel('Name suffix').fill('PhD');
    await page.getByLabel('Nickname').fill('Kathy');
    await page.getByLabel('Company').fill('NASA Langley');
    await page.getByLabel('Birthday').fill('1918-08-26');
    await page.getByLabel('Categories').fill('Mathematics, Space');

    // Emails: the fourth is marked as it is typed, before any save or sync.
    for (let i = 1; i <= 4; i++) {
      await page.getByRole('button', { name: 'Add email address' }).click();
      await page.getByLabel(`Email address ${i}`, { exact: true }).fill(`k${i}@nasa.example`);
      await expect(leftOutMarks(page).count()).resolves.toBe(i === 4 ? 1 : 0);
    }
    const fourth = page.getByLabel('Email address 4', { exact: true });
    await expect(fourth.getAttribute('aria-describedby')).resolves.toContain('emails-3-left-out');
    await expect(page.locator('#emails-3-left-out').textContent()).resolves.toBe(
      'Kept in Exsync, not exported Exchange holds at most three email addresses',
    );

    // Phones: read with the sync's rules (Germany when no mailbox says otherwise).
    await page.getByRole('button', { name: 'Add phone number' }).click();
    await page.getByLabel('Phone number 1', { exact: true }).fill('030 1234567');
    await page.getByText('Goes to Exchange as +49 30 1234567').waitFor();
    await page.getByRole('button', { name: 'Add phone number' }).click();
    const bad = page.getByLabel('Phone number 2', { exact: true });
    await bad.fill('12');
    await page.getByText(/Not a phone number for DE/).waitFor();
    await expect(bad.getAttribute('aria-invalid')).resolves.toBe('true');
    await bad.fill('+1 757 555 0100');
    await page.getByText('Goes to Exchange as +1 757 555 0100').waitFor();
    await expect(bad.getAttribute('aria-invalid')).resolves.toBeNull();
    // A second mobile number: Exchange has one mobile slot.
    await page.getByLabel('Kind of phone number 2').selectOption({ label: 'Mobile' });
    await page.getByRole('button', { name: 'Add phone number' }).click();
    await page.getByLabel('Kind of phone number 3').selectOption({ label: 'Mobile' });
    await page.getByLabel('Phone number 3', { exact: true }).fill('+1 757 555 0101');
    await expect(page.locator('#phones-2-left-out').textContent()).resolves.toContain(
      'Kept in Exsync, not exported',
    );
    await expect(page.locator('#phones-1-left-out').count()).resolves.toBe(0);

    // Two home addresses: Exchange holds one of a kind.
    for (const [i, city] of [
      [1, 'Hampton'],
      [2, 'Newport News'],
    ] as const) {
      await page.getByRole('button', { name: 'Add address' }).click();
      await page.getByLabel(`Kind of address ${i}`).selectOption({ label: 'Home' });
      await page.getByLabel(`Street of address ${i}`).fill(`${i} Langley Boulevard`);
      await page.getByLabel(`City of address ${i}`).fill(city);
      await page.getByLabel(`Country of address ${i}`).fill('United States');
    }
    await expect(page.locator('#addresses-1-left-out').textContent()).resolves.toContain(
      'Exchange holds one address of each kind',
    );
    await expect(page.locator('#addresses-0-left-out').count()).resolves.toBe(0);

    // Websites: Exchange holds one.
    for (const i of [1, 2]) {
      await page.getByRole('button', { name: 'Add website' }).click();
      await page.getByLabel(`Website ${i}`, { exact: true }).fill(`https://k${i}.nasa.example`);
    }
    await expect(page.locator('#websites-1-left-out').textContent()).resolves.toContain(
      'Exchange holds one website',
    );
    await expect(leftOutMarks(page).count()).resolves.toBe(4);
    // Removing the fourth email takes its mark away.
    await page.getByRole('button', { name: 'Remove email address 4' }).click();
    await expect(leftOutMarks(page).count()).resolves.toBe(3);
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, 'contact-new');

    await page.getByRole('button', { name: 'Create contact' }).click();
    await page.getByRole('heading', { name: 'Katherine Coleman Johnson', level: 1 }).waitFor();
    const id = new URL(page.url()).pathname.split('/').pop()!;
    const stored = await world.crm.contacts.get(await adminPrincipal(), id);
    expect(stored).toMatchObject({
      namePrefix: 'Dr.',
      givenName: 'Katherine',
      middleName: 'Coleman',
      familyName: 'Johnson',
      nameSuffix: 'PhD',
      nickname: 'Kathy',
      companyName: 'NASA Langley',
      birthday: '1918-08-26',
      categories: ['Mathematics', 'Space'],
    });
    expect(stored.emails.map((e) => e.address)).toEqual([
      'k1@nasa.example',
      'k2@nasa.example',
      'k3@nasa.example',
    ]);
    expect(stored.phones).toEqual([
      { type: 'work', number: '030 1234567' },
      { type: 'mobile', number: '+1 757 555 0100' },
      { type: 'mobile', number: '+1 757 555 0101' },
    ]);
    expect(stored.addresses).toEqual([
      {
        type: 'home',
        street: '1 Langley Boulevard',
        postalCode: null,
        city: 'Hampton',
        region: null,
        country: 'United States',
      },
      {
        type: 'home',
        street: '2 Langley Boulevard',
        postalCode: null,
        city: 'Newport News',
        region: null,
        country: 'United States',
      },
    ]);
    expect(stored.websites).toHaveLength(2);
    await page.getByText('Dr. Katherine Coleman Johnson PhD').waitFor();
  });

  it('names the refused field, brings the message into view and keeps the typing', async () => {
    const page = await world.newPage({ width: 1280, height: 600 });
    await world.signIn(page, world.admin);
    await page.goto('/contacts/new');
    await page.getByRole('button', { name: 'Add email address' }).click();
    await page.getByLabel('Email address 1', { exact: true }).fill('not an address');
    await page.getByRole('button', { name: 'Create contact' }).click();
    const notice = page.getByRole('alert').filter({ hasText: 'The contact was not created' });
    await notice.waitFor();
    await expect(notice.isVisible()).resolves.toBe(true);
    await expect
      .poll(() =>
        page.evaluate<boolean>(`document.activeElement?.contains(document.querySelector('[role=alert]'))`),
      )
      .toBe(true);
    await expect(page.getByLabel('Email address 1', { exact: true }).inputValue()).resolves.toBe(
      'not an address',
    );
  });
});

describe('editing', { timeout: 60_000 }, () => {
  it('asks before unsaved edits are lost by following a link, and keeps them when the answer is no', async () => {
    const grace: Contact = await world.crm.contacts.create(await adminPrincipal(), {
      givenName: 'Grace',
      familyName: 'Hopper',
      addresses: [{ type: 'work', street: 'Navy Yard', city: 'Washington' }],
    });
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    await page.goto(`/contacts/${grace.id}`);
    await page.getByRole('button', { name: 'Edit' }).click();
    // The form shows what the record shows: the address is there to edit.
    await expect(page.getByLabel('Street of address 1').inputValue()).resolves.toBe('Navy Yard');
    await page.getByLabel('Job title').fill('Rear Admiral');
    await page.getByText('Unsaved changes').waitFor();

    const questions: string[] = [];
    page.once('dialog', (dialog) => {
      questions.push(dialog.message());
      void dialog.dismiss();
    });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' }).click();
    await expect.poll(() => questions.length).toBe(1);
    expect(questions[0]).toBe('This contact has unsaved changes. Leave without saving?');
    expect(new URL(page.url()).pathname).toBe(`/contacts/${grace.id}`);
    await expect(page.getByLabel('Job title').inputValue()).resolves.toBe('Rear Admiral');

    // Saved: no question any more, and focus is on the record's title.
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Edit' }).waitFor();
    await expect
      .poll(() => page.evaluate<string | undefined>('document.activeElement?.id'))
      .toBe('page-title');
    page.once('dialog', (dialog) => {
      questions.push(dialog.message());
      void dialog.dismiss();
    });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' }).click();
    await page.waitForURL(/\/contacts$/);
    expect(questions).toHaveLength(1);
  });
});

describe('deleting', { timeout: 90_000 }, () => {
  it('says before confirming that a synced contact goes from Exchange too, and one not synced does not', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    const mailboxId = await connectSandboxMailbox(page, world, 'ada@example.test');
    const linked = await world.crm.contacts.create(await adminPrincipal(), {
      givenName: 'Linked',
      familyName: 'Person',
      emails: [{ type: 'work', address: 'linked@example.org' }],
    });
    const run = await callOk(page, 'POST', `/api/v1/mailboxes/${mailboxId}/runs?wait=true`, {
      entity: 'contacts',
    });
    expect(run.run?.status ?? run.run).toBeTruthy();

    await page.goto(`/contacts/${linked.id}`);
    await page.getByRole('heading', { name: 'Linked Person', level: 1 }).waitFor();
    await page.getByText(/Synced with ada@example\.test/).waitFor();
    await page.getByRole('button', { name: 'Delete' }).click();
    const question = page.getByRole('group', { name: 'Delete Linked Person?' });
    await question.getByText('Also deleted from Exchange in ada@example.test at the next sync.').waitFor();
    await screenshot(page, 'contact-delete');
    // Cancel deletes nothing and gives focus back to the title.
    await question.getByRole('button', { name: 'Cancel' }).click();
    await expect
      .poll(() => page.evaluate<string | undefined>('document.activeElement?.id'))
      .toBe('page-title');
    await world.crm.contacts.get(await adminPrincipal(), linked.id);

    await page.getByRole('button', { name: 'Delete' }).click();
    await question.getByRole('button', { name: 'Delete contact' }).click();
    await page.waitForURL(/\/contacts$/);
    await expect(world.crm.contacts.get(await adminPrincipal(), linked.id)).rejects.toThrow();

    // With the mailbox importing only, the same question says the contact stays in Exchange.
    const other = await world.crm.contacts.create(await adminPrincipal(), { displayName: 'Import Only' });
    await callOk(page, 'POST', `/api/v1/mailboxes/${mailboxId}/runs?wait=true`, { entity: 'contacts' });
    await callOk(page, 'PUT', `/api/v1/mailboxes/${mailboxId}/sync-settings`, {
      contacts: { direction: 'import' },
    });
    await page.goto(`/contacts/${other.id}`);
    await page.getByRole('button', { name: 'Delete' }).click();
    await page
      .getByText(
        'Stays in Exchange in ada@example.test: this mailbox only imports, so deletes made in Exsync are not sent there.',
      )
      .waitFor();

    const unsynced = await world.crm.contacts.create(await adminPrincipal(), {
      displayName: 'Nowhere Synced',
    });
    await callOk(page, 'PUT', `/api/v1/mailboxes/${mailboxId}/sync-settings`, {
      contacts: { direction: 'two_way' },
    });
    await page.goto(`/contacts/${unsynced.id}`);
    await page.getByRole('button', { name: 'Delete' }).click();
    await page
      .getByText('The contact is not synced with any mailbox, so nothing changes in Exchange.')
      .waitFor();
  });
});

describe('runs', { timeout: 90_000 }, () => {
  it('name a left-out value by its contact, linked, and the mailbox page counts conflicts and skipped values', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    const mailbox = (await callOk(page, 'GET', '/api/v1/mailboxes')).items.find(
      (m: { address: string }) => m.address === 'ada@example.test',
    );
    const four = await world.crm.contacts.create(await adminPrincipal(), {
      displayName: 'Four Addresses',
      emails: [1, 2, 3, 4].map((i) => ({ type: 'work' as const, address: `four${i}@example.org` })),
    });
    await callOk(page, 'POST', `/api/v1/mailboxes/${mailbox.id}/runs?wait=true`, { entity: 'contacts' });
    await page.goto('/');
    await page.getByRole('button', { name: 'Run history of ada@example.test' }).click();
    await page
      .getByRole('button', { name: /^Details of the run/ })
      .first()
      .click();
    const link = page.getByRole('link', { name: 'Four Addresses' });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(`/contacts/${four.id}`);
    await page
      .getByText(/\(Email addresses\): Exchange holds at most three email addresses/)
      .first()
      .waitFor();

    await page.goto(`/settings/mailboxes/${mailbox.id}`);
    const history = page.getByRole('table', { name: 'Latest runs' });
    await history.waitFor();
    await expect(history.locator('tbody tr').first().textContent()).resolves.toMatch(/\d+ skipped/);
    // The page says whose mailbox it is.
    await page.getByText('Alex Admin (admin@exsync.test)').waitFor();
  });
});

describe('conflicts on the dashboard', { timeout: 60_000 }, () => {
  it('show older ones on request and filter by mailbox', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    const mailboxes = (await callOk(page, 'GET', '/api/v1/mailboxes')).items as Array<{
      id: string;
      address: string;
    }>;
    const ada = mailboxes.find((m) => m.address === 'ada@example.test')!;
    const grace = await callOk(page, 'POST', '/api/v1/mailboxes', {
      address: 'grace@example.test',
      password: DEMO_PASSWORD,
    });
    // 25 logged conflicts in ada's mailbox, one in grace's, as the sync engine logs them.
    const row = (mailboxId: string, i: number) => ({
      id: `conflict-${mailboxId}-${String(i).padStart(2, '0')}`,
      mailbox_id: mailboxId,
      entity: 'contacts',
      run_id: 'run-1',
      record_id: null,
      item_id: null,
      fields: JSON.stringify(['jobTitle']),
      base: JSON.stringify({ displayName: `Person ${i}`, jobTitle: 'a' }),
      crm_version: JSON.stringify({ displayName: `Person ${i}`, jobTitle: 'b' }),
      exchange_version: JSON.stringify({ displayName: `Person ${i}`, jobTitle: 'c' }),
      resolution: 'crm_wins',
      at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
    });
    await world.store.db
      .insertInto('sync_conflicts')
      .values([...Array.from({ length: 25 }, (_, i) => row(ada.id, i)), row(grace.mailbox.id, 99)])
      .execute();

    await page.goto('/');
    const card = page.getByRole('region', { name: 'Conflicts' });
    const shown = () => card.getByRole('article').count();
    await expect.poll(shown).toBe(20);
    await card.getByRole('button', { name: 'Show older conflicts' }).click();
    await expect.poll(shown).toBe(26);
    await expect(card.getByRole('button', { name: 'Show older conflicts' }).count()).resolves.toBe(0);
    await card.getByLabel('Mailbox').selectOption({ label: 'grace@example.test' });
    await expect.poll(shown).toBe(1);
    await card.getByLabel('Mailbox').selectOption({ label: 'ada@example.test' });
    await expect.poll(shown).toBe(20);
  });
});

describe('the list', { timeout: 60_000 }, () => {
  it('sorts by name, company and change, says the total and starts each page at the top', async () => {
    const page = await world.newPage({ width: 1280, height: 700 });
    await world.signIn(page, world.admin);
    await page.goto('/contacts?q=sorted');
    await page.locator('main table tbody tr').first().waitFor();
    await page.getByText('30 contacts', { exact: true }).waitFor();

    const firstName = () => page.locator('main table tbody th[scope="row"] a').first().textContent();
    await page.getByLabel('Sort by').selectOption({ label: 'Name Z–A' });
    await page.waitForURL(/sort=-name/);
    await expect.poll(firstName).toBe('Sorted Person 30');
    await page.getByLabel('Sort by').selectOption({ label: 'Company A–Z' });
    await expect.poll(firstName).toBe('Sorted Person 30');
    await page.getByLabel('Sort by').selectOption({ label: 'Name A–Z' });
    await expect.poll(firstName).toBe('Sorted Person 01');
    // A change puts a contact first among "Recently changed".
    const admin = await adminPrincipal();
    const [seventeen] = (await world.crm.contacts.list(admin, { filter: { q: 'Person 17' } })).items;
    await world.crm.contacts.update(admin, seventeen.id, { jobTitle: 'Changed' });
    await page.getByLabel('Sort by').selectOption({ label: 'Recently changed' });
    await expect.poll(firstName).toBe('Sorted Person 17');
    await page.getByLabel('Sort by').selectOption({ label: 'Name A–Z' });
    await expect.poll(firstName).toBe('Sorted Person 01');

    // The next page: at the top, focus on the list's heading, the sort kept.
    await page.mouse.wheel(0, 3000);
    await expect.poll(() => page.evaluate<number>('window.scrollY')).toBeGreaterThan(0);
    const pager = page.getByRole('navigation', { name: 'Pages of contacts' });
    await expect(pager.textContent()).resolves.toContain('1–25 of 30');
    await pager.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(firstName).toBe('Sorted Person 26');
    await expect(pager.textContent()).resolves.toContain('26–30 of 30');
    expect(await page.evaluate<number>('window.scrollY')).toBe(0);
    expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe('page-title');
    expect(new URL(page.url()).searchParams.get('sort')).toBe('name');
    await screenshot(page, 'contacts-list-sorted');
  });
});
