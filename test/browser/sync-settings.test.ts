// Mailbox sync settings in the browser: an administrator configures the Contacts tab of a
// mailbox connected to the sandbox (a folder from the real folder tree, a category and a group),
// saves, reloads and finds everything as saved, in the page and through the API; the tabs work
// with the keyboard alone; unsaved changes are not lost by accident.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserWorld,
  callAs,
  connectSandboxMailbox,
  screenshot,
  sidewaysOverflow,
  startBrowserWorld,
} from './support.ts';

let world: BrowserWorld;
/** The Contacts tab's panel: the Meetings and tasks tab, mounted beside it, has labels of the same name. */
const contactsPanel = (page: Page) => page.locator('#panel-contacts');
let mailboxId: string;
let groupId: string;

beforeAll(async () => {
  world = await startBrowserWorld();
  const page = await world.newPage();
  await world.signIn(page, world.admin);
  mailboxId = await connectSandboxMailbox(page, world, 'ada@example.test');
  for (const name of ['Trade fair leads', 'Newsletter']) {
    const group = await callAs(page, 'POST', '/api/v1/contactGroups', { name });
    expect(group.status, JSON.stringify(group.body)).toBe(201);
    if (name === 'Trade fair leads') groupId = group.body.id;
  }
});

afterAll(async () => {
  await world?.close();
});

describe('mailbox sync settings', () => {
  it('saves the Contacts tab with a folder from the real tree and a group, and keeps it after a reload', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    await page.goto(`/settings/mailboxes/${mailboxId}/sync`);
    await page.getByRole('heading', { name: 'Sync settings: ada@example.test' }).waitFor();
    const contactsTab = page.getByRole('tab', { name: 'Contacts' });
    expect(await contactsTab.getAttribute('aria-selected')).toBe('true');
    expect(await contactsPanel(page).getByLabel('Import contacts').isChecked()).toBe(true);
    expect(await contactsPanel(page).getByLabel('Export contacts').isChecked()).toBe(true);

    // The folder picker reads the mailbox's folders from Exchange.
    await contactsPanel(page).getByLabel('Contacts from selected folders').check();
    const folders = page.getByRole('group', { name: 'Contact folders of ada@example.test' });
    await folders.getByLabel('Customers').waitFor();
    for (const name of ['Contacts (default)', 'Suppliers', 'Press'])
      expect(await folders.getByLabel(name).isVisible()).toBe(true);
    await folders.getByLabel('Customers').check();
    await folders.getByText('1 folder chosen').waitFor();
    await screenshot(page, 'sync-settings-folder-picker');

    await contactsPanel(page).getByLabel('Contacts from selected categories and groups').check();
    await page.getByRole('group', { name: 'Categories' }).getByLabel('Employees').check();
    await page.getByRole('group', { name: 'Groups' }).getByLabel('Trade fair leads').check();
    await contactsPanel(page).getByLabel('Exchange wins').check();
    await contactsPanel(page).getByLabel('Sync notes').uncheck();
    await contactsPanel(page).getByLabel('Default phone country').selectOption('GB');
    await contactsPanel(page).getByLabel('Sync contacts automatically').check();
    await page.getByText('Unsaved changes', { exact: true }).waitFor();

    // A wrong interval is refused at the field, and nothing is saved.
    await contactsPanel(page).getByLabel('Every (minutes)').fill('0');
    await page.getByRole('button', { name: 'Save' }).click();
    const intervalError = page.getByText('Enter whole minutes from 1 to 1440 (24 hours).');
    await intervalError.waitFor();
    expect(await contactsPanel(page).getByLabel('Every (minutes)').getAttribute('aria-invalid')).toBe('true');
    expect(
      (await callAs(page, 'GET', `/api/v1/mailboxes/${mailboxId}/sync-settings`)).body.contacts.autoSync,
    ).toBe(false);

    await contactsPanel(page).getByLabel('Every (minutes)').fill('30');
    expect(await intervalError.count()).toBe(0);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved. Contacts sync automatically every 30 minutes.').waitFor();
    expect(await page.getByText('Unsaved changes', { exact: true }).count()).toBe(0);
    await screenshot(page, 'sync-settings-contacts');

    const tree = await callAs(page, 'GET', `/api/v1/mailboxes/${mailboxId}/folders?kind=contacts`);
    const customers = (tree.body.items[0].children as Array<{ id: string; name: string }>).find(
      (f) => f.name === 'Customers',
    );
    const stored = await callAs(page, 'GET', `/api/v1/mailboxes/${mailboxId}/sync-settings`);
    expect(stored.body.contacts).toEqual({
      direction: 'two_way',
      conflictPolicy: 'exchange_wins',
      fieldMerge: true,
      importFolders: [customers?.id],
      exportFolder: null,
      massDeleteShare: 0.2,
      autoSync: true,
      intervalMinutes: 30,
      export: { all: false, types: ['employee'], groupIds: [groupId] },
      syncNotes: false,
      defaultCountry: 'GB',
      importType: { categories: {}, folders: {}, default: 'other' },
    });

    await page.reload();
    await page.getByRole('heading', { name: 'Sync settings: ada@example.test' }).waitFor();
    const reloadedFolders = page.getByRole('group', { name: 'Contact folders of ada@example.test' });
    await reloadedFolders.getByLabel('Customers').waitFor();
    expect(await reloadedFolders.getByLabel('Customers').isChecked()).toBe(true);
    expect(await reloadedFolders.getByLabel('Suppliers').isChecked()).toBe(false);
    expect(await contactsPanel(page).getByLabel('Contacts from selected folders').isChecked()).toBe(true);
    expect(await page.getByRole('group', { name: 'Categories' }).getByLabel('Employees').isChecked()).toBe(
      true,
    );
    expect(await page.getByRole('group', { name: 'Categories' }).getByLabel('Customers').isChecked()).toBe(
      false,
    );
    expect(await page.getByRole('group', { name: 'Groups' }).getByLabel('Trade fair leads').isChecked()).toBe(
      true,
    );
    expect(await page.getByRole('group', { name: 'Groups' }).getByLabel('Newsletter').isChecked()).toBe(
      false,
    );
    expect(await contactsPanel(page).getByLabel('Exchange wins').isChecked()).toBe(true);
    expect(await contactsPanel(page).getByLabel('Sync notes').isChecked()).toBe(false);
    expect(await contactsPanel(page).getByLabel('Default phone country').inputValue()).toBe('GB');
    expect(await contactsPanel(page).getByLabel('Every (minutes)').inputValue()).toBe('30');
    expect(await page.getByText('Unsaved changes', { exact: true }).count()).toBe(0);
  });

  it('shows the server’s refusal at the folder picker when a chosen folder is gone from Exchange', async () => {
    await world.sandbox.admin.createFolder('ada@example.test', {
      parentId: 'contacts',
      displayName: 'Going away',
      folderClass: 'IPF.Contact',
    });
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    await page.goto(`/settings/mailboxes/${mailboxId}/sync`);
    await contactsPanel(page).getByLabel('Contacts from selected folders').check();
    const folders = page.getByRole('group', { name: 'Contact folders of ada@example.test' });
    await folders.getByLabel('Going away').check();
    const gone = (await world.sandbox.admin.folders('ada@example.test')).find(
      (f) => f.displayName === 'Going away',
    );
    await world.sandbox.admin.deleteFolder('ada@example.test', gone!.id);

    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Not saved').waitFor();
    // Said once: the summary in plain words, the reason at the folder picker.
    expect(await page.getByRole('alert').filter({ hasText: 'Some fields need correcting' }).count()).toBe(1);
    await folders.getByText('unknown folder').waitFor();
    expect(await page.getByText('Unsaved changes', { exact: true }).count()).toBe(1);

    await folders.getByRole('button', { name: 'Read the folders again' }).click();
    const missing = folders.getByLabel('A folder that is no longer in the mailbox');
    await missing.waitFor();
    expect(await folders.getByLabel('Going away').count()).toBe(0);
    await missing.uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.', { exact: false }).first().waitFor();
    const stored = await callAs(page, 'GET', `/api/v1/mailboxes/${mailboxId}/sync-settings`);
    expect(stored.body.contacts.importFolders).toHaveLength(1);
    expect(stored.body.contacts.importFolders).not.toContain(gone!.id);
  });

  it('works with the keyboard alone: arrows move between tabs, Tab reaches the panel', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.admin);
    await page.goto(`/settings/mailboxes/${mailboxId}/sync`);
    await contactsPanel(page).getByLabel('Import contacts').waitFor();
    // Run in the page (a string, since the test code is typed without the DOM).
    const focused = () =>
      page.evaluate<{ role: string; text: string }>(
        `(() => { const el = document.activeElement;
          return { role: el?.getAttribute('role') ?? el?.tagName ?? '', text: el?.textContent?.trim() ?? '' }; })()`,
      );
    const selected = () => page.getByRole('tab', { selected: true }).textContent();

    // The screen's title has the focus; the next stop is the selected tab.
    await page.locator('#page-title:focus').waitFor();
    await page.keyboard.press('Tab');
    expect(await focused()).toEqual({ role: 'tab', text: 'Contacts' });

    await page.keyboard.press('ArrowLeft');
    expect(await focused()).toEqual({ role: 'tab', text: 'Meetings and tasks' });
    expect(await selected()).toBe('Meetings and tasks');
    await page.getByLabel('Import meetings').waitFor();
    expect(await contactsPanel(page).getByLabel('Import contacts').isVisible()).toBe(false);

    await page.keyboard.press('Home');
    expect(await selected()).toBe('Email');
    await page.keyboard.press('ArrowLeft');
    expect(await selected()).toBe('Contacts');
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toEqual({ role: 'tab', text: 'Email' });
    await page.getByText('Email sync is coming').waitFor();
    // The email tab only describes what is coming: no controls that would do nothing.
    expect(await page.locator('#panel-email').locator('input, select, textarea, button').count()).toBe(0);
    await screenshot(page, 'sync-settings-email-tab');
    await page.keyboard.press('Tab');
    expect((await focused()).role).toBe('tabpanel');

    // Back to Contacts and into its form.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('End');
    expect(await selected()).toBe('Contacts');
    await page.keyboard.press('Tab');
    expect((await focused()).role).toBe('tabpanel');
    await page.keyboard.press('Tab');
    expect(
      await contactsPanel(page)
        .getByLabel('Import contacts')
        .evaluate((el) => el === el.ownerDocument.activeElement),
    ).toBe(true);
    await page.keyboard.press('Space');
    expect(await contactsPanel(page).getByLabel('Import contacts').isChecked()).toBe(false);
    await page.getByText('Export only: Exsync → Exchange.').waitFor();
    await page.getByText('Unsaved changes', { exact: true }).waitFor();
    expect(await page.getByRole('tab', { name: 'Contacts (unsaved changes)' }).count()).toBe(1);

    // Leaving through a link asks first; staying keeps the edit.
    const asked: string[] = [];
    page.once('dialog', (dialog) => {
      asked.push(dialog.message());
      void dialog.dismiss();
    });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Mailboxes' }).click();
    expect(asked[0]).toContain('unsaved changes');
    expect(new URL(page.url()).pathname).toBe(`/settings/mailboxes/${mailboxId}/sync`);
    expect(await contactsPanel(page).getByLabel('Import contacts').isChecked()).toBe(false);

    await page.getByRole('button', { name: 'Discard changes' }).click();
    expect(await contactsPanel(page).getByLabel('Import contacts').isChecked()).toBe(true);
    expect(await page.getByText('Unsaved changes', { exact: true }).count()).toBe(0);
  });

  it('fits a 390 px wide screen without sideways scrolling', async () => {
    const page = await world.newPage({ width: 390, height: 844 });
    await world.signIn(page, world.admin);
    await page.goto(`/settings/mailboxes/${mailboxId}/sync`);
    await contactsPanel(page).getByLabel('Contacts from selected folders').check();
    const folders = page.getByRole('group', { name: 'Contact folders of ada@example.test' });
    await folders.getByLabel('Customers').waitFor();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, 'sync-settings-contacts-narrow');
  });

  it('answers an unknown mailbox with a message instead of an empty form', async () => {
    const page = await world.newPage();
    await world.signIn(page, world.sales);
    await page.goto(`/settings/mailboxes/${mailboxId}/sync`);
    // Another user's mailbox is not visible to a sales user.
    await page.getByText('Could not load the mailbox’s sync settings').waitFor();
    expect(await contactsPanel(page).getByLabel('Import contacts').count()).toBe(0);
  });
});
