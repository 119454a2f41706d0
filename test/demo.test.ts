// The quick start (SPEC G1): `exsync demo` starts the sandbox and Exsync, the demo administrator
// signs in through the API, finds the mailbox connected but not yet synced, presses "Sync now"
// and the sandbox's contacts arrive; "Sync now" for meetings and tasks brings the meetings Ada's
// and Grace's mailboxes share as one activity each, their attendees linked to the demo users and
// the CRM contact, and the tasks; a second start on the same data duplicates nothing and keeps
// what the user changed.
// The demo itself runs on SQLite. On the PostgreSQL run the API tests point the demo at a schema
// of its own instead, so that its provisioning is proven on both engines; the command is run as
// users run it, on SQLite, in both runs.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_CUSTOMER } from '@exsync/sandbox/seed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account, Activity, Contact, Group, User } from '../src/crm/index.ts';
import { createSchema, dropSchema } from '../src/db/database.ts';
import {
  DEMO_CONTACTS,
  DEMO_PEOPLE,
  DEMO_SIGN_IN_PASSWORD,
  describeDemo,
  type RunningDemo,
  startDemo,
} from '../src/demo/index.ts';
import { webBuildReason } from '../src/http/web-build.ts';
import type { SyncSettingsView } from '../src/mailbox-sync/index.ts';
import type { Mailbox, MailService } from '../src/mailboxes/index.ts';
import type { RunRecord } from '../src/sync/store/runs.ts';
import { postgresTestUrl, testEngine } from './support/db.ts';

interface Session {
  /** `T` is what the caller expects the answer to be; the assertions check it. */
  call<T = { items: never[] }>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: T }>;
}
type Items<T> = { items: T[] };

async function signIn(demo: RunningDemo, email: string, password: string): Promise<Session> {
  const login = await fetch(`${demo.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  expect(login.status).toBe(200);
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return {
    async call<T>(method: string, path: string, body?: unknown) {
      const response = await fetch(`${demo.url}${path}`, {
        method,
        headers: {
          cookie,
          'x-csrf-token': csrfToken,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, json: (text ? JSON.parse(text) : undefined) as T };
    },
  };
}

/** Every item of a list endpoint, following nextCursor. */
async function all<T>(session: Session, path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page: { status: number; json: { items: T[]; nextCursor: string | null } } = await session.call<{
      items: T[];
      nextCursor: string | null;
    }>('GET', `${path}${sep}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(page.status).toBe(200);
    items.push(...page.json.items);
    cursor = page.json.nextCursor ?? null;
  } while (cursor);
  return items;
}

async function sandboxContacts(demo: RunningDemo, mailbox: string) {
  const folders = await demo.sandbox.admin.folders(mailbox);
  const items = [];
  for (const folder of folders.filter((f) => f.folderClass === 'IPF.Contact'))
    items.push(...(await demo.sandbox.admin.items(mailbox, folder.id)));
  return items.filter((i) => i.kind === 'contact');
}

const admin = DEMO_PEOPLE.find((p) => p.key === 'admin')!;
const sales = DEMO_PEOPLE.find((p) => p.key === 'sales')!;

describe(`the quick start (exsync demo) on ${testEngine}`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'exsync-demo-'));
  const schema = `exsync_demo_${randomBytes(6).toString('hex')}`;
  const databaseUrl = testEngine === 'postgres' ? `${postgresTestUrl}?schema=${schema}` : undefined;
  const start = (progress: string[]) =>
    startDemo({
      dataDir,
      port: 0,
      sandboxPort: 0,
      databaseUrl,
      buildWebUi: false,
      env: {},
      logLevel: 'silent',
      say: (line) => progress.push(line),
    });
  let demo: RunningDemo | undefined;

  beforeAll(async () => {
    if (databaseUrl) await createSchema(postgresTestUrl, schema);
  });
  afterAll(async () => {
    await demo?.close();
    if (databaseUrl) await dropSchema(postgresTestUrl, schema);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts with connected, unsynced mailboxes; "Sync now" brings the sandbox contacts into the CRM', async () => {
    const progress: string[] = [];
    demo = await start(progress);
    expect(demo.provisioned.firstStart).toBe(true);
    expect(progress.join('\n')).toContain(`connected ${admin.mailbox} for ${admin.email}`);
    const banner = describeDemo(demo).join('\n');
    expect(banner).toContain(`Exsync demo is running: open ${demo.url}`);
    expect(banner).toContain(`${admin.email} / ${DEMO_SIGN_IN_PASSWORD}`);
    expect(banner).toContain(`${demo.sandbox.httpsUrl}/EWS/Exchange.asmx`);

    const session = await signIn(demo, admin.email, DEMO_SIGN_IN_PASSWORD);
    const me = await session.call<{ isAdmin: boolean }>('GET', '/api/v1/me');
    expect(me.json.isAdmin).toBe(true);

    const services = await session.call<Items<MailService>>('GET', '/api/v1/mail-services');
    expect(services.json.items).toHaveLength(1);
    const service = services.json.items[0];
    expect(service).toMatchObject({
      type: 'exchange',
      name: 'Sandbox Exchange',
      authMethod: 'basic',
      domains: ['example.test'],
      serviceAddress: `${demo.sandbox.httpsUrl}/EWS/Exchange.asmx`,
      caCertificate: demo.sandbox.caPem,
      allowPrivateAddresses: true,
    });
    // Private addresses are allowed for this service only, and TLS is checked against its CA.
    expect(demo.config.allowPrivateAddresses).toBe(false);

    const mailboxes = (await session.call<Items<Mailbox>>('GET', '/api/v1/mailboxes')).json.items;
    expect(mailboxes.map((m) => [m.address, m.status]).sort()).toEqual([
      [admin.mailbox, 'active'],
      [sales.mailbox, 'active'],
    ]);
    const ada = mailboxes.find((m) => m.address === admin.mailbox)!;
    expect(ada.lastTestedAt).not.toBeNull();

    const settings = (
      await session.call<SyncSettingsView>('GET', `/api/v1/mailboxes/${ada.id}/sync-settings`)
    ).json;
    expect(settings.contacts).toMatchObject({
      direction: 'two_way',
      importFolders: 'all',
      autoSync: false,
      export: { all: false, types: ['customer'] },
    });
    expect(settings.contacts.export).toMatchObject({ groupIds: [expect.any(String)] });
    const runsBefore = await session.call<Items<RunRecord>>(
      'GET',
      `/api/v1/mailboxes/${ada.id}/runs?entity=contacts`,
    );
    expect(runsBefore.json.items).toEqual([]);

    const before = await all<Contact>(session, '/api/v1/contacts');
    expect(before).toHaveLength(DEMO_CONTACTS.length);
    expect((await all<Account>(session, '/api/v1/accounts')).map((a) => a.name).sort()).toEqual([
      'Contoso Ltd',
      'Fabrikam GmbH',
    ]);
    expect((await all<Group>(session, '/api/v1/contactGroups')).map((g) => g.name).sort()).toEqual([
      'Key accounts',
      'Newsletter',
    ]);

    const inSandbox = await sandboxContacts(demo, admin.mailbox);
    expect(inSandbox.length).toBeGreaterThan(100);

    const sync = await session.call<{ run: RunRecord }>(
      'POST',
      `/api/v1/mailboxes/${ada.id}/runs?wait=true`,
      {
        entity: 'contacts',
      },
    );
    expect(sync.status).toBe(200);
    expect(sync.json.run.status).toBe('succeeded');
    expect(sync.json.run.counts.import.created).toBe(inSandbox.length);
    expect(sync.json.run.errors).toEqual([]);

    const after = await all<Contact>(session, '/api/v1/contacts');
    expect(after).toHaveLength(DEMO_CONTACTS.length + inSandbox.length);
    const sample = inSandbox.find((i) => i.kind === 'contact' && i.data.emailAddresses.length > 0)!;
    const address = sample.kind === 'contact' ? sample.data.emailAddresses[0].address : '';
    const found = await session.call<Items<Contact>>(
      'GET',
      `/api/v1/contacts?email=${encodeURIComponent(address)}`,
    );
    expect(found.json.items).toHaveLength(1);

    // The export filter decides: customers and "Key accounts" went to Exchange, Tom did not.
    const exported = (await sandboxContacts(demo, admin.mailbox)).flatMap((i) =>
      i.kind === 'contact' ? i.data.emailAddresses.map((e) => e.address) : [],
    );
    expect(exported).toContain('maria.schneider@contoso.example');
    expect(exported).toContain('priya.sharma@exsync.example');
    expect(exported).not.toContain('tom.becker@becker-logistics.example');
    expect(sync.json.run.counts.export.created).toBe(6);
  }, 120_000);

  it('"Sync now" for meetings and tasks brings the shared meetings, linked to the users and the contact, and the tasks', async () => {
    const adminSession = await signIn(demo!, admin.email, DEMO_SIGN_IN_PASSWORD);
    const salesSession = await signIn(demo!, sales.email, DEMO_SIGN_IN_PASSWORD);
    const mailboxes = (await adminSession.call<Items<Mailbox>>('GET', '/api/v1/mailboxes')).json.items;
    const ada = mailboxes.find((m) => m.address === admin.mailbox)!;
    const grace = mailboxes.find((m) => m.address === sales.mailbox)!;
    const settings = (
      await adminSession.call<SyncSettingsView>('GET', `/api/v1/mailboxes/${ada.id}/sync-settings`)
    ).json;
    for (const block of [settings.meetings, settings.tasks])
      expect(block).toMatchObject({ direction: 'two_way', importFolders: 'all', autoSync: false });
    const messages = async () =>
      Promise.all(
        [admin.mailbox, sales.mailbox].map(
          async (a) => (await demo!.sandbox.admin.meetingMessages(a)).counts.total,
        ),
      );
    const sent = await messages();

    const syncNow = async (session: Session, mailboxId: string, entity: string) => {
      const answer = await session.call<{ run: RunRecord }>(
        'POST',
        `/api/v1/mailboxes/${mailboxId}/runs?wait=true`,
        { entity },
      );
      expect(answer.status).toBe(200);
      expect(answer.json.run.status, JSON.stringify(answer.json.run.errors)).toBe('succeeded');
      return answer.json.run;
    };
    const meetings = await syncNow(adminSession, ada.id, 'meetings');
    expect(meetings.counts.import.created).toBeGreaterThan(10);
    await syncNow(salesSession, grace.id, 'meetings');
    const tasks = await syncNow(adminSession, ada.id, 'tasks');
    expect(tasks.counts.import.created).toBeGreaterThan(20);
    // Sync wrote nothing that mails anyone.
    expect(await messages()).toEqual(sent);

    const users = await all<User>(adminSession, '/api/v1/users');
    const userId = (email: string) => users.find((u) => u.email === email)!.id;
    const maria = (
      await adminSession.call<Items<Contact>>(
        'GET',
        `/api/v1/contacts?email=${encodeURIComponent(DEMO_CUSTOMER.address)}`,
      )
    ).json.items[0];
    for (const subject of ['Contoso contract renewal', 'Contoso weekly check-in']) {
      const found = (
        await adminSession.call<Items<Activity>>('GET', `/api/v1/activities?q=${encodeURIComponent(subject)}`)
      ).json.items.filter((a) => a.subject === subject);
      expect(found, subject).toHaveLength(1);
      if (subject === 'Contoso weekly check-in') {
        // The series with its moved and its cancelled occurrence.
        const series = found[0].recurrence!;
        expect(series.rule).toMatchObject({ freq: 'WEEKLY', count: 8 });
        expect(series.exceptions?.map((e) => e.subject)).toEqual([
          'Contoso weekly check-in (moved to Friday)',
        ]);
        expect(series.deletedOccurrences).toHaveLength(1);
      }
      expect(found[0].participants.map((p) => [p.role, p.type, p.id])).toEqual([
        ['organizer', 'user', userId(admin.email)],
        ['required', 'user', userId(sales.email)],
        ['required', 'contact', maria.id],
      ]);
    }
  }, 120_000);

  it('a second start on the same data duplicates nothing and keeps the user’s changes', async () => {
    const first = demo!;
    let session = await signIn(first, admin.email, DEMO_SIGN_IN_PASSWORD);
    const service = (await session.call<Items<MailService>>('GET', '/api/v1/mail-services')).json.items[0];
    expect(
      (await session.call('PATCH', `/api/v1/mail-services/${service.id}`, { name: 'My sandbox' })).status,
    ).toBe(200);
    const tom = (
      await session.call<Items<Contact>>(
        'GET',
        '/api/v1/contacts?email=tom.becker%40becker-logistics.example',
      )
    ).json.items[0];
    expect((await session.call('DELETE', `/api/v1/contacts/${tom.id}`)).status).toBe(204);
    const contacts = (await all<Contact>(session, '/api/v1/contacts')).length;
    const users = (await all<User>(session, '/api/v1/users')).length;
    const oldSandboxUrl = first.sandbox.httpsUrl;
    await first.close();
    demo = undefined;

    const progress: string[] = [];
    demo = await start(progress);
    expect(demo.provisioned.firstStart).toBe(false);
    expect(progress.join('\n')).not.toMatch(/created|connected/);
    session = await signIn(demo, admin.email, DEMO_SIGN_IN_PASSWORD);

    const services = (await session.call<Items<MailService>>('GET', '/api/v1/mail-services')).json.items;
    expect(services).toHaveLength(1);
    expect(services[0].name).toBe('My sandbox');
    // The sandbox came up on another port: the service follows it.
    expect(demo.sandbox.httpsUrl).not.toBe(oldSandboxUrl);
    expect(services[0].serviceAddress).toBe(`${demo.sandbox.httpsUrl}/EWS/Exchange.asmx`);

    const mailboxes = (await session.call<Items<Mailbox>>('GET', '/api/v1/mailboxes')).json.items;
    expect(mailboxes).toHaveLength(2);
    expect(mailboxes.every((m) => m.status === 'active')).toBe(true);
    expect(await all<User>(session, '/api/v1/users')).toHaveLength(users);
    expect(await all<Account>(session, '/api/v1/accounts')).toHaveLength(2);
    expect(await all<Group>(session, '/api/v1/contactGroups')).toHaveLength(2);
    expect(await all<Contact>(session, '/api/v1/contacts')).toHaveLength(contacts);
    expect(
      (
        await session.call<Items<Contact>>(
          'GET',
          '/api/v1/contacts?email=tom.becker%40becker-logistics.example',
        )
      ).json.items,
    ).toEqual([]);

    // The sandbox kept its mailboxes (data file): syncing again finds nothing new.
    const ada = mailboxes.find((m) => m.address === admin.mailbox)!;
    const again = await session.call<{ run: RunRecord }>(
      'POST',
      `/api/v1/mailboxes/${ada.id}/runs?wait=true`,
      {
        entity: 'contacts',
      },
    );
    expect(again.json.run.status).toBe('succeeded');
    expect(again.json.run.counts.import).toMatchObject({ created: 0, deleted: 0 });
    expect(again.json.run.counts.export.created).toBe(0);
    expect(await all<Contact>(session, '/api/v1/contacts')).toHaveLength(contacts);
  }, 120_000);

  it('the sales user signs in with the same password and sees only their own mailbox', async () => {
    const session = await signIn(demo!, sales.email, DEMO_SIGN_IN_PASSWORD);
    const mailboxes = (await session.call<Items<Mailbox>>('GET', '/api/v1/mailboxes')).json.items;
    expect(mailboxes.map((m) => m.address)).toEqual([sales.mailbox]);
    expect((await session.call<Items<MailService>>('GET', '/api/v1/mail-services')).status).toBe(403);
  });
});

describe('exsync demo (the command)', () => {
  it('prints the address and sign-in, serves, and stops Exsync and the sandbox on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'exsync-demo-cli-'));
    const root = join(import.meta.dirname, '..');
    const child = spawn(
      join(root, 'node_modules', '.bin', 'node'),
      [
        join(root, 'src', 'cli', 'main.ts'),
        'demo',
        '--port',
        '0',
        '--sandbox-port',
        '0',
        '--no-build',
        '--data',
        dataDir,
      ],
      { cwd: root, env: { PATH: process.env.PATH, EXSYNC_LOG_LEVEL: 'silent' } },
    );
    try {
      let stdout = '';
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
      });
      child.stderr.on('data', (chunk) => {
        stdout += chunk;
      });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the demo did not start: ${stdout}`)), 60_000);
        child.stdout.on('data', () => {
          if (stdout.includes('Press Ctrl+C to stop.')) {
            clearTimeout(timer);
            resolve();
          }
        });
        void exited.then((code) => reject(new Error(`the demo exited with ${code}: ${stdout}`)));
      });
      expect(stdout).toContain(`${admin.email} / ${DEMO_SIGN_IN_PASSWORD}`);
      const url = /Exsync demo is running: open (\S+)/.exec(stdout)?.[1];
      const sandboxUrl = /Admin API: +(http:\/\/\S+)\/sandbox\/api/.exec(stdout)?.[1];
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      expect((await fetch(`${sandboxUrl}/sandbox/api/ca.pem`)).status).toBe(200);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stdout).toContain('Demo stopped');
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
      await expect(fetch(`${sandboxUrl}/sandbox/api/ca.pem`)).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});

describe('the web UI build check', () => {
  it('builds when web/dist is missing or older than web/src, and not otherwise', () => {
    const web = mkdtempSync(join(tmpdir(), 'exsync-web-check-'));
    try {
      mkdirSync(join(web, 'src', 'pages'), { recursive: true });
      writeFileSync(join(web, 'src', 'pages', 'a.tsx'), '');
      expect(webBuildReason(web)).toBe('the web UI has not been built yet');
      mkdirSync(join(web, 'dist'));
      writeFileSync(join(web, 'dist', 'index.html'), '');
      const hourAgo = new Date(Date.now() - 3_600_000);
      utimesSync(join(web, 'src', 'pages', 'a.tsx'), hourAgo, hourAgo);
      expect(webBuildReason(web)).toBeNull();
      utimesSync(join(web, 'src', 'pages', 'a.tsx'), new Date(), new Date(Date.now() + 60_000));
      expect(webBuildReason(web)).toBe('its sources changed since the last build');
    } finally {
      rmSync(web, { recursive: true, force: true });
    }
  });
});
