// The EWS connector against the sandbox over HTTPS (its CA trusted), with Basic, NTLM and OAuth,
// in individual and organisation (impersonation) mode; every request and answer is validated
// against Microsoft's EWS schema at the end.

import { type RunningSandbox, startSandbox } from '@exsync/sandbox';
import { EwsSchemaRecorder } from '@exsync/sandbox/ews/schema-validation';
import { DEMO_PASSWORD } from '@exsync/sandbox/seed';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isConnectorError } from '../src/connectors/errors.ts';
import { autodiscover } from '../src/connectors/ews/autodiscover.ts';
import type { EwsConnector } from '../src/connectors/ews/connector.ts';
import { createEwsConnector } from '../src/connectors/ews/factory.ts';
import type { EwsAuth } from '../src/connectors/ews/transport.ts';
import { HttpClient } from '../src/connectors/net/http.ts';
import type {
  ChangePage,
  FolderRef,
  NeutralContact,
  NeutralEvent,
  NeutralTask,
} from '../src/connectors/types.ts';
import { drain, sampleContact, sampleWeeklyEvent } from './support/connector-fixtures.ts';

let sandbox: RunningSandbox;
let httpClient: HttpClient;
const recorder = new EwsSchemaRecorder();
const fastRetry = { attempts: 5, maxWaitMs: 5_000, baseDelayMs: 20 };

function connector(mailbox: string, auth: EwsAuth, impersonation = false): EwsConnector {
  return createEwsConnector({
    http: httpClient,
    serviceAddress: `${sandbox.httpsUrl}/EWS/Exchange.asmx`,
    auth,
    mailbox,
    impersonation,
    retry: fastRetry,
    onExchange: (request, response, operation) => recorder.recordExchange(request, response, operation),
  });
}

const basic = (login: string): EwsAuth => ({ kind: 'basic', login, password: DEMO_PASSWORD });

const contact = sampleContact;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 'demo' });
  httpClient = new HttpClient({ ca: sandbox.caPem, allowPrivateAddresses: true, timeoutMs: 10_000 });
});

afterAll(async () => {
  httpClient?.close();
  await sandbox?.close();
  // Schema validation of everything sent and received (MS-OXWS* via messages.xsd).
  expect(recorder.bodies.length).toBeGreaterThan(20);
  await recorder.expectAllValid();
}, 60_000);

afterEach(async () => {
  await sandbox.admin.clearFaults();
});

describe.each([
  ['individual, Basic', () => connector('ada@example.test', basic('ada@example.test'))],
  [
    'individual, NTLM',
    () => connector('grace@example.test', { kind: 'ntlm', login: 'EXAMPLE\\grace', password: DEMO_PASSWORD }),
  ],
  [
    'organisation, impersonation',
    () => connector('linus@example.test', basic('svc-sync@example.test'), true),
  ],
])('EWS connector, %s', (_mode, make) => {
  it('tests the connection', async () => {
    expect(await make().testConnection()).toMatchObject({ ok: true });
  });

  it('lists folders of every kind as a tree (SyncFolderHierarchy)', async () => {
    const c = make();
    const contacts = await c.listFolders('contacts');
    expect(contacts.some((f) => f.wellKnown === 'contacts')).toBe(true);
    // Folders Exchange fills by itself are no contact folders to sync.
    const contactNames = JSON.stringify(contacts);
    expect(contactNames).not.toMatch(/Recipient Cache|06967759|A9E2BC46/);
    expect((await c.listFolders('calendar')).some((f) => f.wellKnown === 'calendar')).toBe(true);
    expect((await c.listFolders('tasks')).some((f) => f.wellKnown === 'tasks')).toBe(true);
    const mail = await c.listFolders('mail');
    const flat = (nodes: typeof mail): typeof mail => nodes.flatMap((n) => [n, ...flat(n.children)]);
    expect(flat(mail).map((f) => f.wellKnown)).toEqual(expect.arrayContaining(['inbox', 'sentitems']));
  });

  it('syncs contacts (IdOnly then GetItem), creates, updates with the change key, detects a stale one, deletes', async () => {
    const c = make();
    const folder: FolderRef & { kind: 'contacts' } = { kind: 'contacts', id: 'contacts' };
    const first = await drain(c.readChanges(folder, undefined, { pageSize: 3 }));
    expect(first.pages.length).toBeGreaterThan(1);
    expect(first.pages.at(-1)!.done).toBe(true);
    expect(first.pages.flatMap((p) => p.upserts).length).toBeGreaterThan(3);

    const created = await c.createItem(folder, contact());
    const after = await drain(c.readChanges(folder, first.cursor));
    const seen = after.pages.flatMap((p) => p.upserts).find((u) => u.id === created.id);
    expect(seen?.item).toMatchObject({
      givenName: 'Marie',
      surname: 'Curie',
      emails: [{ address: 'marie@radium.test' }],
      birthday: '1867-11-07',
      notes: 'Two Nobel prizes.',
      addresses: [{ type: 'business', city: 'Paris' }],
    });
    expect(seen?.item.phones).toEqual(
      expect.arrayContaining([{ type: 'mobile', number: '+33 6 12 34 56 78' }]),
    );

    const updated = await c.updateItem(
      folder,
      created.id,
      created.version,
      contact({ jobTitle: 'Chemist', phones: [], surname: 'Skłodowska-Curie' }),
    );
    expect(updated.version).not.toBe(created.version);
    const [got] = await c.getItems(folder, [created.id]);
    expect(got).toMatchObject({ ok: true, item: { jobTitle: 'Chemist', phones: [] } });
    // A renamed contact is filed under its new name, as Outlook does.
    const stored = sandbox.store.item(sandbox.store.mailbox(c.mailbox)!.id, created.id);
    expect((stored!.data as { fileAs?: string }).fileAs).toBe('Skłodowska-Curie, Marie');
    const stale = await c
      .updateItem(folder, created.id, created.version, contact({ jobTitle: 'Teacher' }))
      .catch((e) => e);
    expect(isConnectorError(stale, 'conflict')).toBe(true);

    await c.deleteItem(folder, created.id);
    const afterDelete = await drain(c.readChanges(folder, after.cursor));
    expect(afterDelete.pages.flatMap((p) => p.deletes)).toContain(created.id);
  });

  it('writes and reads a recurring meeting with a Windows time zone turned into IANA', async () => {
    const c = make();
    const folder = { kind: 'calendar' as const, id: 'calendar' };
    const start = await drain(c.readChanges(folder, undefined, { pageSize: 512 }));
    const event = sampleWeeklyEvent({ address: 'ada@example.test', name: 'Ada Lovelace' });
    const created = await c.createItem(folder, event);
    const changes = await drain(c.readChanges(folder, start.cursor));
    const read = changes.pages.flatMap((p) => p.upserts).find((u) => u.id === created.id);
    expect(read?.item).toMatchObject({
      subject: 'Weekly sync',
      start: { dateTime: '2031-03-03T09:00:00', timeZone: 'Europe/Berlin' },
      type: 'seriesMaster',
      recurrence: {
        pattern: { type: 'weekly', daysOfWeek: ['monday'] },
        range: { type: 'numbered', numberOfOccurrences: 5 },
      },
      reminderMinutes: 10,
    });
    const moved = await c.updateItem(folder, created.id, read!.version, { ...event, location: 'Room 2' });
    const [again] = await c.getItems(folder, [created.id]);
    expect(again).toMatchObject({ ok: true, version: moved.version, item: { location: 'Room 2' } });
    await c.deleteItem(folder, created.id);
  });

  it('creates and updates tasks', async () => {
    const c = make();
    const folder = { kind: 'tasks' as const, id: 'tasks' };
    const task: NeutralTask = {
      subject: 'Call Marie',
      status: 'notStarted',
      importance: 'high',
      due: { dateTime: '2031-04-01T00:00:00', timeZone: 'UTC' },
      categories: [],
    };
    const created = await c.createItem(folder, task);
    const updated = await c.updateItem(folder, created.id, created.version, {
      ...task,
      status: 'inProgress',
      percentComplete: 50,
    });
    const [got] = await c.getItems(folder, [created.id]);
    expect(got).toMatchObject({
      ok: true,
      version: updated.version,
      item: { subject: 'Call Marie', status: 'inProgress', percentComplete: 50 },
    });
    await c.deleteItem(folder, created.id);
  });

  it('reads free/busy and sends a message saved to Sent Items', async () => {
    const c = make();
    const now = Date.now();
    const schedules = await c.freeBusy(['ada@example.test', 'grace@example.test'], {
      start: new Date(now - 86_400_000).toISOString().slice(0, 19) + 'Z',
      end: new Date(now + 7 * 86_400_000).toISOString().slice(0, 19) + 'Z',
    });
    expect(schedules.map((s) => s.address)).toEqual(['ada@example.test', 'grace@example.test']);
    expect(schedules.some((s) => s.slots.length > 0)).toBe(true);
    const subject = `Offer ${Math.random().toString(36).slice(2)}`;
    await c.sendMessage({
      subject,
      body: { contentType: 'text', content: 'Hello' },
      to: [{ address: 'ada@example.test' }],
      cc: [],
      bcc: [],
      attachments: [],
    });
    const { pages } = await drain(
      c.readChanges({ kind: 'mail', id: 'sentitems' }, undefined, { pageSize: 512 }),
    );
    expect(pages.flatMap((p) => p.upserts).some((u) => u.item.subject === subject)).toBe(true);
  });
});

describe('EWS streaming notifications', () => {
  it('subscribes, wakes on a change in the folder, and unsubscribes', async () => {
    const c = connector('ada@example.test', basic('ada@example.test'));
    const handle = await c.subscribe({ folders: [{ kind: 'contacts', id: 'contacts' }] });
    const abort = new AbortController();
    const signals: unknown[] = [];
    const listening = (async () => {
      for await (const s of c.streamSignals(handle, { signal: abort.signal, timeoutMinutes: 1 })) {
        signals.push(s);
        if (signals.length >= 1) break;
      }
    })().catch((e) => e);
    await new Promise((r) => setTimeout(r, 200));
    await c.createItem({ kind: 'contacts', id: 'contacts' }, contact({ givenName: 'Pierre' }));
    const outcome = await Promise.race([listening, new Promise((r) => setTimeout(() => r('timeout'), 8000))]);
    abort.abort();
    expect(outcome).not.toBe('timeout');
    expect(signals[0]).toMatchObject({ type: 'changed' });
    await c.unsubscribe(handle);
  });
});

describe('EWS faults (E8)', () => {
  const folder: FolderRef & { kind: 'contacts' } = { kind: 'contacts', id: 'contacts' };

  it('waits out ErrorServerBusy BackOffMilliseconds, a 503 and a dropped connection', async () => {
    const c = connector('ada@example.test', basic('ada@example.test'));
    await sandbox.admin.addFault({
      protocol: 'ews',
      mailbox: 'ada@example.test',
      operation: 'SyncFolderItems',
      fault: { kind: 'throttle', retryAfterMs: 800 },
      times: 1,
    });
    await sandbox.admin.addFault({
      protocol: 'ews',
      mailbox: 'ada@example.test',
      operation: 'SyncFolderItems',
      fault: { kind: 'serverError', status: 503 },
      times: 1,
    });
    await sandbox.admin.addFault({
      protocol: 'ews',
      mailbox: 'ada@example.test',
      operation: 'GetItem',
      fault: { kind: 'drop' },
      times: 1,
    });
    const t0 = Date.now();
    const { pages } = await drain(c.readChanges(folder, undefined, { pageSize: 512 }));
    expect(pages.at(-1)!.done).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(700);
    expect((await sandbox.admin.faults()).map((f) => f.applied)).toEqual([1, 1, 1]);
  });

  it('reports ErrorExceededConnectionCount as throttled once retries are exhausted', async () => {
    const c = createEwsConnector({
      http: httpClient,
      serviceAddress: `${sandbox.httpsUrl}/EWS/Exchange.asmx`,
      auth: basic('ada@example.test'),
      mailbox: 'ada@example.test',
      retry: { attempts: 1 },
    });
    await sandbox.admin.addFault({
      protocol: 'ews',
      mailbox: 'ada@example.test',
      fault: { kind: 'concurrency' },
      times: 1,
    });
    const error = await drain(c.readChanges(folder, undefined)).catch((e) => e);
    expect(isConnectorError(error, 'throttled')).toBe(true);
  });

  it('never sends a create again once the request went out: a lost answer may hide a made item', async () => {
    const c = connector('ada@example.test', basic('ada@example.test'));
    await sandbox.admin.addFault({
      protocol: 'ews',
      mailbox: 'ada@example.test',
      operation: 'CreateItem',
      fault: { kind: 'drop' },
      times: 1,
    });
    const error = await c.createItem(folder, contact({ givenName: 'Once' })).catch((e) => e);
    // Transient for the engine, which finds the item by its fingerprint on the next run.
    expect(isConnectorError(error, 'transient')).toBe(true);
    const { pages } = await drain(c.readChanges(folder, undefined, { pageSize: 512 }));
    const made = pages
      .flatMap((p) => p.upserts)
      .filter((u) => (u.item as { givenName?: string }).givenName === 'Once');
    expect(made).toHaveLength(1);
    // A refusal the server answers (busy, 503) made nothing: that is sent again.
    await sandbox.admin.addFault({
      protocol: 'ews',
      mailbox: 'ada@example.test',
      operation: 'CreateItem',
      fault: { kind: 'serverError', status: 503 },
      times: 1,
    });
    await c.createItem(folder, contact({ givenName: 'Twice' }));
  });

  it('turns an expired sync state into resync_needed', async () => {
    const c = connector('ada@example.test', basic('ada@example.test'));
    const { cursor } = await drain(c.readChanges(folder, undefined, { pageSize: 512 }));
    await sandbox.admin.expireSyncStates('ada@example.test');
    const error = await drain(c.readChanges(folder, cursor)).catch((e) => e);
    expect(isConnectorError(error, 'resync_needed')).toBe(true);
  });

  it('says which credential problem happened', async () => {
    const wrong = connector('ada@example.test', {
      kind: 'basic',
      login: 'ada@example.test',
      password: 'nope',
    });
    expect(await wrong.testConnection()).toMatchObject({ ok: false, problem: 'unauthorized' });
    const denied = connector('linus@example.test', basic('ada@example.test'), true);
    expect(await denied.testConnection()).toMatchObject({ ok: false, problem: 'permission_denied' });
  });

  it('uses an OAuth bearer token (app-only with impersonation, full_access_as_app)', async () => {
    const app = await sandbox.admin.createApp({
      tenant: 'example.test',
      displayName: 'Exsync EWS app-only',
      applicationPermissions: ['full_access_as_app'],
      clientSecret: 'ews-app-secret',
    });
    const token = async () => {
      const response = await httpClient.send({
        method: 'POST',
        url: `${sandbox.httpsUrl}/${sandbox.demo!.tenantId}/oauth2/v2.0/token`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: app.clientId,
          client_secret: 'ews-app-secret',
          scope: 'https://outlook.office365.com/.default',
        }).toString(),
      });
      return (JSON.parse(response.text()) as { access_token: string }).access_token;
    };
    const c = connector('grace@example.test', { kind: 'bearer', accessToken: token }, true);
    expect(await c.testConnection()).toMatchObject({ ok: true });
    const { pages } = await drain(
      c.readChanges({ kind: 'contacts', id: 'contacts' }, undefined, { pageSize: 512 }),
    );
    expect(pages.flatMap((p) => p.upserts).length).toBeGreaterThan(0);
    // Without impersonation an app-only token names no mailbox: Exchange refuses it.
    const bare = connector('grace@example.test', { kind: 'bearer', accessToken: token }, false);
    expect(await bare.testConnection()).toMatchObject({ ok: false, problem: 'permission_denied' });
  });
});

describe('EWS bad and hostile input', () => {
  it('finds the EWS URL by Autodiscover', async () => {
    const found = await autodiscover('ada@example.test', {
      http: httpClient,
      origins: [sandbox.httpsUrl],
      authorization: `Basic ${Buffer.from(`ada@example.test:${DEMO_PASSWORD}`).toString('base64')}`,
    });
    expect(found.ewsUrl).toMatch(/\/EWS\/Exchange\.asmx$/i);
  });

  it('explains unresolvable, refused, private, TLS and not-Exchange addresses', async () => {
    const make = (http: HttpClient, address: string) =>
      createEwsConnector({
        http,
        serviceAddress: address,
        auth: basic('ada@example.test'),
        mailbox: 'ada@example.test',
        retry: { attempts: 1 },
      });
    expect(
      await make(httpClient, 'https://no-such-host.invalid/EWS/Exchange.asmx').testConnection(),
    ).toMatchObject({ ok: false, problem: 'unresolvable' });
    expect(await make(httpClient, 'https://127.0.0.1:1/EWS/Exchange.asmx').testConnection()).toMatchObject({
      ok: false,
      problem: 'refused',
    });
    const strict = new HttpClient({ ca: sandbox.caPem });
    expect(await make(strict, sandbox.httpsUrl).testConnection()).toMatchObject({
      ok: false,
      problem: 'private_address',
    });
    strict.close();
    const untrusting = new HttpClient({ allowPrivateAddresses: true });
    expect(await make(untrusting, sandbox.httpsUrl).testConnection()).toMatchObject({
      ok: false,
      problem: 'tls',
    });
    untrusting.close();
    expect(await make(httpClient, `${sandbox.httpsUrl}/v1.0/me`).testConnection()).toMatchObject({
      ok: false,
    });
    const notExchange = await make(
      httpClient,
      `${sandbox.httpsUrl}/sandbox/api/ca.pem#x.asmx`,
    ).testConnection();
    expect(notExchange).toMatchObject({ ok: false });
  });
});
