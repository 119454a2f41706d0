// Mailbox sync through the REST API against the sandbox (SPEC A5, A6, B1, B3, B4, E1–E3, E5, E7):
// settings, "sync now" with its run record, history, conflicts, a contact's sync status, export
// tags, refusal of disconnected mailboxes, the `exsync sync` command and automatic sync.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_TENANT_ID } from '@exsync/sandbox/seed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCrm } from '../src/crm/index.ts';
import type { Principal } from '../src/crm/principal.ts';
import { migrateToLatest, openStore } from '../src/db/database.ts';
import { createMailboxSync } from '../src/mailbox-sync/index.ts';
import { createMailboxDomain } from '../src/mailboxes/index.ts';
import { createSecretBox } from '../src/secrets/index.ts';
import { latestRuns } from '../src/sync/store/runs.ts';
import { createMailboxWorld, DEMO_PASSWORD, type MailboxWorld } from './mailboxes-support.ts';
import { addMailServices, connectMailbox, runNow } from './support/sync-api.ts';

let w: MailboxWorld;

beforeAll(async () => {
  w = await createMailboxWorld();
  // Two services side by side: Exchange serves example.test, Microsoft 365 serves m365.test.
  await addMailServices(w, w.exchangeService(), w.microsoft365Service({ domains: ['m365.test'] }));
});

afterAll(async () => {
  await w?.close();
});

async function linkedRecord(mailboxId: string, itemId: string): Promise<string> {
  const row = await w.h.store.db
    .selectFrom('sync_links')
    .select('record_id')
    .where('mailbox_id', '=', mailboxId)
    .where('item_id', '=', itemId)
    .executeTakeFirstOrThrow();
  return row.record_id!;
}

describe.each([
  ['Exchange over EWS', 'example.test'],
  ['Microsoft 365 over Graph', 'm365.test'],
] as const)('contact sync of a mailbox on %s', (_label, domain) => {
  const who = () => w.h.alice;
  let mailbox: { id: string; address: string };
  let chosen: string;
  let exported: { id: string; itemId: string };

  it('saves settings that import from one chosen folder and export only customers', async () => {
    mailbox = await connectMailbox(w, who(), domain);
    const folder = await w.sandbox.admin.createFolder(mailbox.address, {
      parentId: 'contacts',
      displayName: 'Chosen',
      folderClass: 'IPF.Contact',
    });
    chosen = folder.id;
    for (const surname of ['Lovelace', 'Babbage'])
      await w.sandbox.admin.createItem(mailbox.address, chosen, 'contact', {
        givenName: 'Imported',
        surname,
        displayName: `Imported ${surname}`,
        jobTitle: 'Analyst',
        emailAddresses: [{ address: `${surname.toLowerCase()}-${mailbox.id}@chosen.test` }],
      });
    // Only the chosen folder is imported; another folder stays out.
    const other = await w.sandbox.admin.createFolder(mailbox.address, {
      parentId: 'contacts',
      displayName: 'Other',
      folderClass: 'IPF.Contact',
    });
    await w.sandbox.admin.createItem(mailbox.address, other.id, 'contact', {
      givenName: 'Not',
      surname: 'Chosen',
      displayName: 'Not Chosen',
      emailAddresses: [],
    });
    // Two-way sync reads the export folder for the exported contacts' edits, but a contact the
    // user keeps there was not chosen for import either.
    await w.sandbox.admin.createItem(mailbox.address, 'contacts', 'contact', {
      givenName: 'Kept',
      surname: 'In Outlook',
      displayName: 'Kept In Outlook',
      emailAddresses: [],
    });

    const defaults = await w.call(who(), {
      method: 'GET',
      url: `/api/v1/mailboxes/${mailbox.id}/sync-settings`,
    });
    expect(defaults.json().contacts).toMatchObject({
      direction: 'two_way',
      autoSync: false,
      importFolders: 'all',
      defaultCountry: null,
      importType: { categories: {}, folders: {}, default: 'other' },
    });

    const unknownTypeFolder = await w.call(who(), {
      method: 'PUT',
      url: `/api/v1/mailboxes/${mailbox.id}/sync-settings`,
      payload: {
        contacts: { importType: { categories: {}, folders: { nope: 'employee' }, default: 'other' } },
      },
    });
    expect(unknownTypeFolder.statusCode, unknownTypeFolder.body).toBe(422);
    const badType = await w.call(who(), {
      method: 'PUT',
      url: `/api/v1/mailboxes/${mailbox.id}/sync-settings`,
      payload: { contacts: { importType: { categories: { VIP: 'boss' }, folders: {}, default: 'other' } } },
    });
    expect(badType.statusCode).toBe(422);
    const typed = await w.call(who(), {
      method: 'PUT',
      url: `/api/v1/mailboxes/${mailbox.id}/sync-settings`,
      payload: {
        contacts: {
          importType: {
            categories: { Customers: 'customer' },
            folders: { [chosen]: 'employee' },
            default: 'other',
          },
        },
      },
    });
    expect(typed.statusCode, typed.body).toBe(200);
    expect(typed.json().contacts.importType).toEqual({
      categories: { Customers: 'customer' },
      folders: { [chosen]: 'employee' },
      default: 'other',
    });

    const bad = await w.call(who(), {
      method: 'PUT',
      url: `/api/v1/mailboxes/${mailbox.id}/sync-settings`,
      payload: { contacts: { defaultCountry: 'XQ', importFolders: [''] } },
    });
    expect(bad.statusCode).toBe(422);
    const unknownFolder = await w.call(who(), {
      method: 'PUT',
      url: `/api/v1/mailboxes/${mailbox.id}/sync-settings`,
      payload: { contacts: { importFolders: ['no-such-folder'] } },
    });
    expect(unknownFolder.statusCode, unknownFolder.body).toBe(422);

    const saved = await w.call(who(), {
      method: 'PUT',
      url: `/api/v1/mailboxes/${mailbox.id}/sync-settings`,
      payload: {
        contacts: {
          importFolders: [chosen],
          export: { all: false, types: ['customer'], groupIds: [] },
          defaultCountry: 'gb',
        },
      },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().contacts).toMatchObject({
      importFolders: [chosen],
      export: { all: false, types: ['customer'] },
      defaultCountry: 'GB',
      conflictPolicy: 'crm_wins',
    });
    expect(
      (await w.call(w.h.bob, { method: 'GET', url: `/api/v1/mailboxes/${mailbox.id}/sync-settings` }))
        .statusCode,
    ).toBe(404);
  });

  it('imports the chosen folder on "sync now" and reports the counts', async () => {
    const run = await runNow(w, who(), mailbox.id);
    expect(run.counts.import.created).toBe(2);
    const items = await w.sandbox.admin.items(mailbox.address, chosen);
    const recordId = await linkedRecord(mailbox.id, items[0].id);
    const contact = await w.call(who(), { method: 'GET', url: `/api/v1/contacts/${recordId}` });
    expect(contact.json()).toMatchObject({ givenName: 'Imported', jobTitle: 'Analyst' });
  });

  it('brings an edit made in the mailbox to the CRM on the next run', async () => {
    const [item] = await w.sandbox.admin.items(mailbox.address, chosen);
    await w.sandbox.admin.updateItem<'contact'>(mailbox.address, item.id, { jobTitle: 'Countess' });
    const run = await runNow(w, who(), mailbox.id);
    expect(run.counts.import.updated).toBe(1);
    const recordId = await linkedRecord(mailbox.id, item.id);
    const contact = await w.call(who(), { method: 'GET', url: `/api/v1/contacts/${recordId}` });
    expect(contact.json().jobTitle).toBe('Countess');
  });

  it('exports a customer created in the CRM, keeps a fourth email and says why', async () => {
    const emails = [1, 2, 3, 4].map((i) => ({ type: 'work', address: `e${i}-${mailbox.id}@crm.test` }));
    const created = await w.call(who(), {
      method: 'POST',
      url: '/api/v1/contacts',
      payload: { type: 'customer', givenName: 'Exported', familyName: `Customer${domain.length}`, emails },
    });
    expect(created.statusCode, created.body).toBe(201);
    const other = await w.call(who(), {
      method: 'POST',
      url: '/api/v1/contacts',
      payload: { type: 'other', givenName: 'Left', familyName: 'Out' },
    });
    const run = await runNow(w, who(), mailbox.id);
    expect(run.counts.export.created).toBeGreaterThanOrEqual(1);
    const inMailbox = await w.sandbox.admin.items(mailbox.address, 'contacts');
    const item = inMailbox.find(
      (i) => (i.data as { surname?: string }).surname === `Customer${domain.length}`,
    );
    expect(item).toBeDefined();
    expect(inMailbox.some((i) => (i.data as { givenName?: string }).givenName === 'Left')).toBe(false);
    exported = { id: created.json().id, itemId: item!.id };

    const status = await w.call(who(), { method: 'GET', url: `/api/v1/contacts/${exported.id}/sync-status` });
    expect(status.statusCode, status.body).toBe(200);
    const entry = status.json().mailboxes.find((m: { mailboxId: string }) => m.mailboxId === mailbox.id);
    expect(entry).toMatchObject({ linked: true, itemId: item!.id, tagged: false });
    expect(entry.notExported).toEqual([
      expect.objectContaining({ field: expect.stringContaining('email'), reason: expect.any(String) }),
    ]);
    expect(JSON.stringify(entry.notExported)).toContain(`e4-${mailbox.id}@crm.test`);

    // "Sync with this mailbox" exports a contact the filter leaves out.
    const tag = await w.call(who(), {
      method: 'PUT',
      url: `/api/v1/contacts/${other.json().id}/mailbox-tags/${mailbox.id}`,
    });
    expect(tag.statusCode, tag.body).toBe(204);
    expect(
      (
        await w.call(w.h.bob, {
          method: 'PUT',
          url: `/api/v1/contacts/${other.json().id}/mailbox-tags/${mailbox.id}`,
        })
      ).statusCode,
    ).toBe(404);
    const tagged = await runNow(w, who(), mailbox.id);
    expect(tagged.counts.export.created).toBe(1);
    expect(
      (await w.sandbox.admin.items(mailbox.address, 'contacts')).some(
        (i) => (i.data as { givenName?: string }).givenName === 'Left',
      ),
    ).toBe(true);
  });

  it('logs a conflict with both versions and lists the history', async () => {
    const patched = await w.call(who(), {
      method: 'PATCH',
      url: `/api/v1/contacts/${exported.id}`,
      payload: { jobTitle: 'CRM title' },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    await w.sandbox.admin.updateItem<'contact'>(mailbox.address, exported.itemId, {
      jobTitle: 'Outlook title',
    });
    const run = await runNow(w, who(), mailbox.id);
    expect(run.conflicts).toBe(1);
    const conflicts = await w.call(who(), {
      method: 'GET',
      url: `/api/v1/mailboxes/${mailbox.id}/conflicts`,
    });
    expect(conflicts.statusCode).toBe(200);
    expect(conflicts.json().items[0]).toMatchObject({
      recordId: exported.id,
      fields: ['jobTitle'],
      crm: expect.objectContaining({ jobTitle: 'CRM title' }),
      exchange: expect.objectContaining({ jobTitle: 'Outlook title' }),
    });
    const item = await w.sandbox.admin.item(mailbox.address, exported.itemId);
    expect((item.data as { jobTitle?: string }).jobTitle).toBe('CRM title');

    const runs = await w.call(who(), { method: 'GET', url: `/api/v1/mailboxes/${mailbox.id}/runs?limit=10` });
    expect(runs.json().items.length).toBe(5);
    expect(runs.json().items[0]).toMatchObject({
      status: 'succeeded',
      conflicts: 1,
      durationMs: expect.any(Number),
    });
    expect(
      (await w.call(w.h.bob, { method: 'GET', url: `/api/v1/mailboxes/${mailbox.id}/runs` })).statusCode,
    ).toBe(404);
    const holds = await w.call(w.h.admin, { method: 'GET', url: `/api/v1/mailboxes/${mailbox.id}/holds` });
    expect(holds.json()).toEqual({ items: [] });
  });

  it('queues a run without waiting, then refuses a disconnected mailbox', async () => {
    const queued = await w.call(who(), {
      method: 'POST',
      url: `/api/v1/mailboxes/${mailbox.id}/runs`,
      payload: { entity: 'contacts' },
    });
    expect(queued.statusCode, queued.body).toBe(200);
    expect(queued.json()).toMatchObject({ queued: true, jobId: expect.any(String) });
    await w.call(who(), { method: 'POST', url: `/api/v1/mailboxes/${mailbox.id}/disconnect` });
    const refused = await w.call(who(), {
      method: 'POST',
      url: `/api/v1/mailboxes/${mailbox.id}/runs?wait=true`,
      payload: { entity: 'contacts' },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'mailbox_disconnected' });
    expect(refused.json().error.message).toMatch(/disconnected/);
  });
});

describe('automatic sync', () => {
  it('keeps a throttled mailbox scheduled: throttling only delays its runs', async () => {
    const mailbox = await connectMailbox(w, w.h.bob, 'example.test');
    const put = await w.call(w.h.bob, {
      method: 'PUT',
      url: `/api/v1/mailboxes/${mailbox.id}/sync-settings`,
      payload: { contacts: { autoSync: true, intervalMinutes: 60 } },
    });
    expect(put.statusCode, put.body).toBe(200);
    const domain = createMailboxDomain({
      store: w.h.store,
      secrets: createSecretBox(w.secretKey),
      publicUrl: 'http://localhost:8080',
      allowPrivateAddresses: true,
    });
    const sync = createMailboxSync({ crm: w.h.crm, domain, reconcileEveryMs: 60_000 });
    await sync.start();
    try {
      expect(sync.scheduledMailboxes()).toContain(mailbox.id);
      await w.h.store.db
        .updateTable('mailboxes')
        .set({ throttled_until: '2058-01-01T00:00:00.000Z' })
        .where('id', '=', mailbox.id)
        .execute();
      await sync.reschedule(mailbox.id);
      expect(sync.scheduledMailboxes()).toContain(mailbox.id);
    } finally {
      await sync.stop();
      await w.h.store.db
        .updateTable('mailboxes')
        .set({ throttled_until: null })
        .where('id', '=', mailbox.id)
        .execute();
    }
  });

  it('syncs a scheduled mailbox at its interval and leaves an unscheduled one alone', async () => {
    const scheduled = await connectMailbox(w, w.h.bob, 'example.test');
    const manual = await connectMailbox(w, w.h.bob, 'example.test');
    for (const [m, autoSync] of [
      [scheduled, true],
      [manual, false],
    ] as const) {
      const put = await w.call(w.h.bob, {
        method: 'PUT',
        url: `/api/v1/mailboxes/${m.id}/sync-settings`,
        payload: { contacts: { autoSync, intervalMinutes: 1 } },
      });
      expect(put.statusCode, put.body).toBe(200);
    }
    const domain = createMailboxDomain({
      store: w.h.store,
      secrets: createSecretBox(w.secretKey),
      publicUrl: 'http://localhost:8080',
      allowPrivateAddresses: true,
    });
    // A "minute" of 100 ms: the scheduled mailbox syncs several times within a second or two.
    const sync = createMailboxSync({ crm: w.h.crm, domain, minuteMs: 100, reconcileEveryMs: 100 });
    await sync.start();
    try {
      expect(sync.scheduledMailboxes()).toContain(scheduled.id);
      expect(sync.scheduledMailboxes()).not.toContain(manual.id);
      const runsOf = async (id: string) =>
        (await latestRuns(sync.engine.db, { mailboxId: id, entity: 'contacts' }, 50)).filter(
          (r) => r.trigger === 'schedule',
        );
      const deadline = Date.now() + 10_000;
      while ((await runsOf(scheduled.id)).length < 2 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect((await runsOf(scheduled.id)).length).toBeGreaterThanOrEqual(2);
      expect(await runsOf(manual.id)).toEqual([]);

      // Disconnecting stops it.
      await w.call(w.h.bob, { method: 'POST', url: `/api/v1/mailboxes/${scheduled.id}/disconnect` });
      const until = Date.now() + 5_000;
      while (sync.scheduledMailboxes().includes(scheduled.id) && Date.now() < until)
        await new Promise((r) => setTimeout(r, 50));
      expect(sync.scheduledMailboxes()).not.toContain(scheduled.id);
    } finally {
      await sync.stop();
    }
  });
});

describe('exsync sync', () => {
  it('runs one sync of a mailbox on a SQLite database and prints the counts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exsync-sync-cli-'));
    const databaseUrl = `sqlite:${join(dir, 'exsync.db')}`;
    try {
      const store = openStore(databaseUrl);
      const address = `cli${Date.now().toString(36)}@example.test`;
      try {
        await migrateToLatest(store);
        const crm = createCrm(store);
        const user = await crm.users.createUser({ email: 'cli@crm.test', displayName: 'cli' });
        const principal = await crm.users.principalFor(user.id);
        const admin: Principal = {
          ...principal,
          isAdmin: true,
          operations: new Set(['CanManageAdministration']),
        };
        const domain = createMailboxDomain({
          store,
          secrets: createSecretBox(w.secretKey),
          publicUrl: 'http://localhost:8080',
          allowPrivateAddresses: true,
        });
        await domain.services.create(admin, w.exchangeService() as never);
        w.sandbox.store.addMailbox({
          tenantId: DEMO_TENANT_ID,
          address,
          displayName: 'cli',
          password: DEMO_PASSWORD,
        });
        await w.sandbox.admin.createItem(address, 'contacts', 'contact', {
          givenName: 'Command',
          surname: 'Line',
          displayName: 'Command Line',
          emailAddresses: [],
        });
        await domain.mailboxes.add(principal, { address, password: DEMO_PASSWORD });
      } finally {
        await store.close();
      }
      const run = (args: string[]) =>
        new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
          const root = join(import.meta.dirname, '..');
          const child = spawn(
            join(root, 'node_modules', '.bin', 'node'),
            [join(root, 'src', 'cli', 'main.ts'), ...args],
            {
              cwd: root,
              env: {
                PATH: process.env.PATH,
                EXSYNC_DATABASE_URL: databaseUrl,
                EXSYNC_SECRET_KEY: w.secretKey.toString('base64'),
                EXSYNC_ALLOW_PRIVATE_ADDRESSES: 'true',
                EXSYNC_LOG_LEVEL: 'warn',
              },
            },
          );
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (c) => {
            stdout += c;
          });
          child.stderr.on('data', (c) => {
            stderr += c;
          });
          child.on('error', reject);
          child.on('close', (code) => resolve({ code, stdout, stderr }));
        });
      const done = await run(['sync', address, '--entity', 'contacts']);
      expect(done.code, done.stderr).toBe(0);
      expect(done.stdout).toMatch(/succeeded/);
      expect(done.stdout).toContain('Exchange → CRM: 1 created');
      const missing = await run(['sync', 'nobody@example.test']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/No mailbox nobody@example.test exists/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
