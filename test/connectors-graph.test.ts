// The Graph connector against the sandbox over HTTPS (its CA trusted, verification on), in
// individual (delegated) and organisation (app-only) mode, with faults injected.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RunningSandbox, startSandbox } from '@exsync/sandbox';
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_PASSWORD,
  DEMO_REDIRECT_URIS,
  DEMO_TENANT_ID,
} from '@exsync/sandbox/seed';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isConnectorError } from '../src/connectors/errors.ts';
import {
  AppOnlyTokens,
  createPkce,
  DelegatedSignIn,
  DelegatedTokens,
  type GraphAppConfig,
  memoryTokenCache,
  type TokenCacheStore,
} from '../src/connectors/graph/auth.ts';
import { GraphConnector } from '../src/connectors/graph/connector.ts';
import { readNotifications, validationToken } from '../src/connectors/graph/webhook.ts';
import { HttpClient, type HttpRequest, type HttpResponse } from '../src/connectors/net/http.ts';
import { KeyedLimiter, type LimiterEvent } from '../src/connectors/net/limiter.ts';
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
let config: GraphAppConfig;
const caches = new Map<string, TokenCacheStore>();
const fastRetry = { attempts: 5, maxWaitMs: 5_000, baseDelayMs: 20 };

async function signIn(address: string): Promise<TokenCacheStore> {
  const signInFlow = new DelegatedSignIn(config, httpClient);
  const pkce = await createPkce();
  const url = await signInFlow.authorizationUrl({ state: `st-${address}`, pkce, loginHint: address });
  const form = new URLSearchParams(Object.fromEntries(new URL(url).searchParams));
  form.set('login', address);
  form.set('password', DEMO_PASSWORD);
  form.set('consent', 'accept');
  const answer = await httpClient.send({
    method: 'POST',
    url: url.split('?')[0],
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  expect(answer.status).toBe(302);
  const back = new URL(answer.header('location')!);
  expect(back.searchParams.get('state')).toBe(`st-${address}`);
  const cache = memoryTokenCache();
  const { username } = await signInFlow.redeemCode(back.searchParams.get('code')!, pkce.verifier, cache);
  expect(username).toBe(address);
  return cache;
}

function delegated(address: string, extra: { limiter?: KeyedLimiter } = {}): GraphConnector {
  return new GraphConnector({
    http: httpClient,
    tokens: new DelegatedTokens(config, httpClient, caches.get(address)!),
    mailbox: address,
    mode: 'delegated',
    graphBaseUrl: config.graphBaseUrl,
    retry: fastRetry,
    ...extra,
  });
}

function appOnly(address: string): GraphConnector {
  return new GraphConnector({
    http: httpClient,
    tokens: new AppOnlyTokens(config, httpClient),
    mailbox: address,
    mode: 'app',
    graphBaseUrl: config.graphBaseUrl,
    retry: fastRetry,
  });
}

const contact = sampleContact;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 'demo' });
  httpClient = new HttpClient({ ca: sandbox.caPem, allowPrivateAddresses: true, timeoutMs: 10_000 });
  config = {
    clientId: DEMO_CLIENT_ID,
    clientSecret: DEMO_CLIENT_SECRET,
    tenant: DEMO_TENANT_ID,
    authorityHost: sandbox.httpsUrl,
    graphBaseUrl: `${sandbox.httpsUrl}/v1.0`,
    redirectUri: DEMO_REDIRECT_URIS[0],
  };
  for (const address of ['ada@example.test', 'grace@example.test', 'linus@example.test'])
    caches.set(address, await signIn(address));
});

afterAll(async () => {
  httpClient?.close();
  await sandbox?.close();
});

afterEach(async () => {
  await sandbox.admin.clearFaults();
});

describe.each([
  ['individual (delegated)', () => delegated('ada@example.test')],
  ['organisation (app-only)', () => appOnly('grace@example.test')],
])('Graph connector, %s mode', (_mode, make) => {
  it('tests the connection', async () => {
    const result = await make().testConnection();
    expect(result).toMatchObject({ ok: true });
  });

  it('lists folders of every kind as a tree', async () => {
    const c = make();
    const contacts = await c.listFolders('contacts');
    expect(contacts[0]).toMatchObject({ id: 'contacts', wellKnown: 'contacts', kind: 'contacts' });
    const calendars = await c.listFolders('calendar');
    expect(calendars.some((f) => f.wellKnown === 'calendar')).toBe(true);
    const lists = await c.listFolders('tasks');
    expect(lists.some((f) => f.wellKnown === 'tasks')).toBe(true);
    const mail = await c.listFolders('mail');
    const names = mail.map((f) => f.wellKnown);
    expect(names).toEqual(expect.arrayContaining(['inbox', 'sentitems']));
  });

  it('reads contact changes in pages, creates, updates with the version seen, refuses a stale version, deletes', async () => {
    const c = make();
    const folder: FolderRef & { kind: 'contacts' } = { kind: 'contacts', id: 'contacts' };
    const first = await drain(c.readChanges(folder, undefined, { pageSize: 3 }));
    expect(first.pages.length).toBeGreaterThan(1);
    expect(first.pages.slice(0, -1).every((p) => !p.done)).toBe(true);
    expect(first.pages.at(-1)!.done).toBe(true);

    const created = await c.createItem(folder, contact());
    expect(created.version).toBeTruthy();
    const afterCreate = await drain(c.readChanges(folder, first.cursor));
    const seen = afterCreate.pages.flatMap((p) => p.upserts).find((u) => u.id === created.id);
    expect(seen?.item).toMatchObject({
      givenName: 'Marie',
      surname: 'Curie',
      emails: [{ address: 'marie@radium.test' }],
      birthday: '1867-11-07',
    });
    expect(seen?.item.phones).toEqual(
      expect.arrayContaining([{ type: 'mobile', number: '+33 6 12 34 56 78' }]),
    );

    const updated = await c.updateItem(
      folder,
      created.id,
      created.version,
      contact({ jobTitle: 'Physicist' }),
    );
    expect(updated.version).not.toBe(created.version);
    const stale = await c
      .updateItem(folder, created.id, created.version, contact({ jobTitle: 'Chemist' }))
      .catch((e) => e);
    expect(isConnectorError(stale, 'conflict')).toBe(true);

    const [got] = await c.getItems(folder, [created.id]);
    expect(got).toMatchObject({ ok: true, version: updated.version, item: { jobTitle: 'Physicist' } });

    await c.deleteItem(folder, created.id);
    const afterDelete = await drain(c.readChanges(folder, afterCreate.cursor));
    expect(afterDelete.pages.flatMap((p) => p.deletes)).toContain(created.id);
    // Graph moves a deleted contact to Deleted Items; an id that never existed is not found.
    const missing = await c.getItems(folder, ['AAMkAGI2TGuLAAA=']);
    expect(missing[0]).toMatchObject({ ok: false });
    expect(!missing[0].ok && missing[0].error.code).toBe('not_found');
  });

  it('writes and reads a recurring meeting with attendees and time zones', async () => {
    const c = make();
    const [calendar] = (await c.listFolders('calendar')).filter((f) => f.wellKnown === 'calendar');
    const folder = { kind: 'calendar' as const, id: calendar.id };
    const start = await drain(c.readChanges(folder, undefined));
    const event = sampleWeeklyEvent({ address: 'linus@example.test', name: 'Linus Torvalds' });
    // Attendees are written only when the caller allows it (Graph mails them).
    const created = await c.createItem(folder, event, { writeAttendees: true });
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
    expect(read?.item.attendees[0]).toMatchObject({ address: 'linus@example.test', type: 'required' });
    await c.deleteItem(folder, created.id);
  });

  it('reads events by id, a series with all its exceptions and cancellations however far after its start', async () => {
    const c = make();
    const [calendar] = (await c.listFolders('calendar')).filter((f) => f.wellKnown === 'calendar');
    const folder = { kind: 'calendar' as const, id: calendar.id };
    const utc = (dateTime: string) => ({ dateTime, timeZone: 'UTC' });
    // Weekly on Mondays from 2031-03-03, 80 times: the second Monday renamed, the 71st (490 days
    // on) moved to the Thursday after, the 76th cancelled.
    const series: NeutralEvent = {
      ...sampleWeeklyEvent({ address: 'linus@example.test', name: 'Linus Torvalds' }),
      subject: 'Long series',
      attendees: [],
      start: utc('2031-03-03T09:00:00'),
      end: utc('2031-03-03T09:30:00'),
      recurrence: {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'], firstDayOfWeek: 'monday' },
        range: { type: 'numbered', startDate: '2031-03-03', numberOfOccurrences: 80 },
      },
      modifiedOccurrences: [
        {
          originalStart: '2031-03-10T09:00:00Z',
          subject: 'Near',
          start: utc('2031-03-10T09:00:00'),
          end: utc('2031-03-10T09:30:00'),
        },
        {
          originalStart: '2032-07-05T09:00:00Z',
          subject: 'Far (moved)',
          start: utc('2032-07-08T15:00:00'),
          end: utc('2032-07-08T15:30:00'),
        },
      ],
      deletedOccurrences: ['2032-08-09T09:00:00Z'],
    };
    const made = await c.createItem(folder, series);
    const one = await c.createItem(folder, {
      ...series,
      subject: 'Just once',
      type: 'single',
      recurrence: undefined,
      modifiedOccurrences: undefined,
      deletedOccurrences: undefined,
    });
    const [got, single, missing] = await c.getItems(folder, [made.id, one.id, 'AAMkAGI2TGuLAAA=']);
    expect(got).toMatchObject({ ok: true, id: made.id, version: made.version });
    const item = got.ok ? got.item : undefined;
    expect(item?.modifiedOccurrences?.map((o) => [o.originalStart, o.subject])).toEqual([
      ['2031-03-10T09:00:00Z', 'Near'],
      ['2032-07-05T09:00:00Z', 'Far (moved)'],
    ]);
    expect(item?.modifiedOccurrences?.[1]).toMatchObject({
      start: { dateTime: '2032-07-08T15:00:00' },
      id: expect.any(String),
    });
    expect(item?.deletedOccurrences).toEqual(['2032-08-09T09:00:00Z']);
    expect(single).toMatchObject({ ok: true, item: { subject: 'Just once', type: 'single' } });
    expect(single.ok && single.item.modifiedOccurrences).toBeUndefined();
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });
    await c.deleteItem(folder, made.id);
    await c.deleteItem(folder, one.id);
  });

  it('creates and updates To Do tasks with their ETag', async () => {
    const c = make();
    const [list] = (await c.listFolders('tasks')).filter((f) => f.wellKnown === 'tasks');
    const folder = { kind: 'tasks' as const, id: list.id };
    const task: NeutralTask = {
      subject: 'Call Marie',
      status: 'notStarted',
      importance: 'high',
      due: { dateTime: '2031-04-01T00:00:00', timeZone: 'UTC' },
      categories: [],
    };
    const created = await c.createItem(folder, task);
    const updated = await c.updateItem(folder, created.id, created.version, { ...task, status: 'completed' });
    const [got] = await c.getItems(folder, [created.id]);
    expect(got).toMatchObject({
      ok: true,
      item: { subject: 'Call Marie', status: 'completed' },
      version: updated.version,
    });
    const stale = await c.updateItem(folder, created.id, created.version, task).catch((e) => e);
    expect(isConnectorError(stale, 'conflict')).toBe(true);
    await c.deleteItem(folder, created.id);
  });

  it('reads free/busy and sends a message saved to Sent Items', async () => {
    const c = make();
    const now = Date.now();
    const window = { start: new Date(now).toISOString(), end: new Date(now + 7 * 86_400_000).toISOString() };
    const schedules = await c.freeBusy(['ada@example.test', 'linus@example.test'], window);
    expect(schedules.map((s) => s.address)).toEqual(['ada@example.test', 'linus@example.test']);
    expect(schedules.some((s) => s.slots.length > 0)).toBe(true);

    const subject = `Offer ${Math.random().toString(36).slice(2)}`;
    await c.sendMessage({
      subject,
      body: { contentType: 'text', content: 'See attached.' },
      to: [{ address: 'linus@example.test' }],
      cc: [],
      bcc: [],
      attachments: [],
    });
    const sent = (await c.listFolders('mail')).find((f) => f.wellKnown === 'sentitems')!;
    const pages = await drain(c.readChanges({ kind: 'mail', id: sent.id }, undefined));
    expect(pages.pages.flatMap((p) => p.upserts).some((u) => u.item.subject === subject)).toBe(true);
  });
});

describe('Graph To Do delta pages', () => {
  it('asks for pages of up to 1,000 tasks, and fewer when an answer would be too large to read', async () => {
    const asked: number[] = [];
    const limited = (maxResponseBytes?: number) =>
      new (class extends HttpClient {
        override send(request: HttpRequest) {
          if (request.url.includes('/tasks/delta'))
            asked.push(Number(/odata\.maxpagesize=(\d+)/.exec(request.headers?.prefer ?? '')?.[1]));
          return super.send(request);
        }
      })({ ca: sandbox.caPem, allowPrivateAddresses: true, timeoutMs: 10_000, maxResponseBytes });
    const connector = (http: HttpClient) =>
      new GraphConnector({
        http,
        tokens: new DelegatedTokens(config, http, caches.get('linus@example.test')!),
        mailbox: 'linus@example.test',
        mode: 'delegated',
        graphBaseUrl: config.graphBaseUrl,
        retry: fastRetry,
      });
    const roomy = limited();
    const [list] = (await connector(roomy).listFolders('tasks')).filter((f) => f.wellKnown === 'tasks');
    const folder = { kind: 'tasks' as const, id: list.id };
    // 30 tasks of about 6 KB each, read by a client that takes answers of 64 KB at most.
    const text = 'Call back about the offer, the figures and the next steps. '.repeat(100);
    const made = await connector(roomy).createItems(
      folder,
      Array.from({ length: 30 }, (_, i) => ({
        subject: `Long task ${i}`,
        status: 'notStarted' as const,
        importance: 'normal' as const,
        body: { contentType: 'text' as const, content: text },
        categories: [],
      })),
    );
    expect(made.every((m) => m.ok)).toBe(true);
    let all: string[];
    try {
      const read = await drain(connector(roomy).readChanges(folder, undefined, { pageSize: 5000 }));
      all = read.pages.flatMap((p) => p.upserts.map((u) => u.id));
      expect(asked.splice(0)).toEqual([1000]);
    } finally {
      roomy.close();
    }
    const small = limited(64 * 1024);
    try {
      const read = await drain(connector(small).readChanges(folder, undefined, { pageSize: 1000 }));
      expect(read.pages.flatMap((p) => p.upserts.map((u) => u.id)).sort()).toEqual(all.sort());
      // Halved from 1,000 whenever an answer did not fit, never asked larger again.
      const asks = asked.splice(0);
      const halvings = [...new Set(asks)];
      expect(halvings).toEqual(Array.from({ length: halvings.length }, (_, i) => Math.floor(1000 / 2 ** i)));
      expect(asks).toEqual([...asks].sort((x, y) => y - x));
      expect(asks.at(-1)).toBeGreaterThan(1);
      expect(asks.at(-1)).toBeLessThan(30);
    } finally {
      small.close();
    }
  });
});

describe('Graph change notifications', () => {
  it('subscribes with a validated webhook, receives a change, renews and stops', async () => {
    const received: unknown[] = [];
    const server = http.createServer((req, res) => {
      const token = validationToken(new URL(req.url!, 'http://x').searchParams);
      if (token) {
        res.writeHead(200, { 'content-type': 'text/plain' }).end(token);
        return;
      }
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const c = delegated('linus@example.test');
      const handle = await c.subscribe({
        folders: [{ kind: 'contacts', id: 'contacts' }],
        notificationUrl: `http://127.0.0.1:${port}/hooks/graph`,
        clientState: 'secret-state',
      });
      expect(handle.parts).toHaveLength(1);
      await c.createItem({ kind: 'contacts', id: 'contacts' }, contact({ givenName: 'Pierre' }));
      for (let i = 0; i < 50 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      const signals = received.flatMap((b) =>
        readNotifications(b, (id) => (id === handle.parts[0].id ? 'secret-state' : undefined)),
      );
      expect(signals.length).toBeGreaterThan(0);
      expect(signals[0].signal.type).toBe('changed');
      expect(readNotifications(received[0], () => 'other-state')).toEqual([]);
      const renewed = await c.renewSubscription(handle, new Date(Date.now() + 3600_000).toISOString());
      expect(Date.parse(renewed.expiresAt!)).toBeGreaterThan(Date.now());
      await c.unsubscribe(renewed);
    } finally {
      server.close();
    }
  });
});

describe('Graph faults (E8)', () => {
  const folder: FolderRef & { kind: 'contacts' } = { kind: 'contacts', id: 'contacts' };

  it('settles every $batch member however many before it in its chain fail: a 424 is sent again without using up a try', async () => {
    // Two tries each: members that wait behind three failed ones in their chain would still be
    // answered 424 after two rounds if a 424 counted as a try.
    const c = new GraphConnector({
      http: httpClient,
      tokens: new DelegatedTokens(config, httpClient, caches.get('ada@example.test')!),
      mailbox: 'ada@example.test',
      mode: 'delegated',
      graphBaseUrl: config.graphBaseUrl,
      retry: { ...fastRetry, attempts: 2 },
    });
    const made = await c.createItems(
      folder,
      Array.from({ length: 8 }, (_, i) => contact({ givenName: `Chain${i}` })),
    );
    const known = made.map((m) => (m.ok ? m.id : ''));
    const unknown = Array.from({ length: 12 }, (_, i) => `AAMkAgone${i}`);
    const results = await c.getItems(folder, [...unknown, ...known]);
    expect(results.slice(0, 12).map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(
      new Array(12).fill('not_found'),
    );
    expect(results.slice(12).every((r) => r.ok)).toBe(true);
  });

  it('never sends a create again once the request went out: a lost answer may hide a made item', async () => {
    const c = delegated('ada@example.test');
    await sandbox.admin.addFault({
      protocol: 'graph',
      mailbox: 'ada@example.test',
      operation: 'contacts.create',
      fault: { kind: 'drop' },
      times: 1,
    });
    const error = await c.createItem(folder, contact({ givenName: 'Once' })).catch((e) => e);
    expect(isConnectorError(error, 'transient')).toBe(true);
    // The same through $batch: a member's dropped connection loses the whole batch's answer.
    await sandbox.admin.addFault({
      protocol: 'graph',
      mailbox: 'ada@example.test',
      operation: 'contacts.create',
      fault: { kind: 'drop' },
      times: 1,
    });
    const batched = await c
      .createItems(folder, [contact({ givenName: 'Batched' }), contact({ givenName: 'Batched' })])
      .catch((e) => e);
    expect(isConnectorError(batched, 'transient')).toBe(true);
    const { pages } = await drain(c.readChanges(folder, undefined));
    const named = (name: string) =>
      pages.flatMap((p) => p.upserts).filter((u) => (u.item as { givenName?: string }).givenName === name);
    expect(named('Once')).toHaveLength(1);
    expect(named('Batched')).toHaveLength(2);
  });

  it("fails only a refused $batch's own creates once another went through, so none is made twice", async () => {
    /** Refuses the `$batch`es numbered in `refused` as too large, as a server past its body limit would. */
    class RefusingHttp extends HttpClient {
      batches = 0;
      private readonly refused: number[];
      constructor(refused: number[]) {
        super({ ca: sandbox.caPem, allowPrivateAddresses: true, timeoutMs: 10_000 });
        this.refused = refused;
      }
      override async send(request: HttpRequest): Promise<HttpResponse> {
        if (request.url.endsWith('/$batch') && this.refused.includes(++this.batches)) {
          const body = Buffer.from(
            JSON.stringify({
              error: { code: 'RequestEntityTooLarge', message: 'The request is too large.' },
            }),
          );
          return {
            status: 413,
            headers: { 'content-type': 'application/json' },
            body,
            text: () => body.toString(),
            header: (name) => (name.toLowerCase() === 'content-type' ? 'application/json' : undefined),
          };
        }
        return super.send(request);
      }
    }
    const over = (refused: number[]) => {
      const http = new RefusingHttp(refused);
      return {
        http,
        connector: new GraphConnector({
          http,
          tokens: new DelegatedTokens(config, httpClient, caches.get('grace@example.test')!),
          mailbox: 'grace@example.test',
          mode: 'delegated',
          graphBaseUrl: config.graphBaseUrl,
          retry: fastRetry,
        }),
      };
    };
    const named = async (prefix: string) => {
      const { pages } = await drain(delegated('grace@example.test').readChanges(folder, undefined));
      return pages
        .flatMap((p) => p.upserts)
        .filter((u) => (u.item as { givenName?: string }).givenName?.startsWith(prefix));
    };

    // The second of two $batches refused: the first one's 20 are made and said to be, the other
    // five failed on their own (the engine keeps their intents and makes them again later).
    const second = over([2]);
    const results = await second.connector.createItems(
      folder,
      Array.from({ length: 25 }, (_, i) => contact({ givenName: `Refused2nd${i}` })),
    );
    expect(results.slice(0, 20).every((r) => r.ok)).toBe(true);
    expect(results.slice(20).map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(
      new Array(5).fill('permanent'),
    );
    expect(await named('Refused2nd')).toHaveLength(20);
    second.http.close();

    // The first refused: nothing was made, and the call is refused as a whole, so that the caller
    // may split it to find the item at fault.
    const first = over([1]);
    const error = await first.connector
      .createItems(
        folder,
        Array.from({ length: 25 }, (_, i) => contact({ givenName: `Refused1st${i}` })),
      )
      .catch((e: unknown) => e);
    expect(isConnectorError(error, 'permanent')).toBe(true);
    expect(first.http.batches).toBe(1);
    expect(await named('Refused1st')).toHaveLength(0);
    first.http.close();
  });

  it('waits out 429 Retry-After and 503, and survives a dropped connection', async () => {
    const c = delegated('ada@example.test');
    await sandbox.admin.addFault({
      protocol: 'graph',
      mailbox: 'ada@example.test',
      operation: 'contacts.delta',
      fault: { kind: 'throttle', retryAfterMs: 1000 },
      times: 1,
    });
    await sandbox.admin.addFault({
      protocol: 'graph',
      mailbox: 'ada@example.test',
      operation: 'contacts.delta',
      fault: { kind: 'serverError', status: 503 },
      times: 1,
    });
    await sandbox.admin.addFault({
      protocol: 'graph',
      mailbox: 'ada@example.test',
      operation: 'contacts.delta',
      fault: { kind: 'drop' },
      times: 1,
    });
    const t0 = Date.now();
    const { pages } = await drain(c.readChanges(folder, undefined));
    expect(pages.at(-1)!.done).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    const applied = (await sandbox.admin.faults()).map((f) => f.applied);
    expect(applied).toEqual([1, 1, 1]);
  });

  it('gives up with "throttled" and the retry time when the wait is longer than the cap', async () => {
    const c = delegated('ada@example.test');
    await sandbox.admin.addFault({
      protocol: 'graph',
      mailbox: 'ada@example.test',
      fault: { kind: 'throttle', retryAfterMs: 120_000 },
      times: 1,
    });
    const error = await drain(c.readChanges(folder, undefined)).catch((e) => e);
    expect(error).toMatchObject({ code: 'throttled', retryAfterMs: 120_000 });
  });

  it('turns an expired delta token into resync_needed, also in the middle of paging', async () => {
    const c = delegated('ada@example.test');
    const pages = c.readChanges(folder, undefined, { pageSize: 2 })[Symbol.asyncIterator]();
    const first = await pages.next();
    expect(first.done).toBe(false);
    await sandbox.admin.addFault({
      protocol: 'graph',
      mailbox: 'ada@example.test',
      operation: 'contacts.delta',
      fault: { kind: 'expireSyncState' },
      times: 1,
    });
    const error = await pages.next().catch((e) => e);
    expect(isConnectorError(error, 'resync_needed')).toBe(true);
  });

  it('marks only the revoked mailbox "needs sign-in"', async () => {
    const linus = delegated('linus@example.test');
    const grace = delegated('grace@example.test');
    expect((await linus.testConnection()).ok).toBe(true);
    await sandbox.admin.revokeGrants('linus@example.test');
    // The cached access token is revoked too; the refresh then fails with invalid_grant.
    const cache = caches.get('linus@example.test') as TokenCacheStore & { value?: string };
    const parsed = JSON.parse(cache.value!);
    for (const t of Object.values(parsed.AccessToken) as Array<{ expires_on: string }>) t.expires_on = '1';
    cache.value = JSON.stringify(parsed);
    const error = await linus.listFolders('calendar').catch((e) => e);
    expect(isConnectorError(error, 'needs_sign_in')).toBe(true);
    expect((await grace.testConnection()).ok).toBe(true);
  });

  it('never has more than 4 requests in flight per mailbox (recorded trace), batch members counted', async () => {
    const limiter = new KeyedLimiter(4);
    const trace: LimiterEvent[] = [];
    limiter.onEvent((e) => trace.push(e));
    const ada = delegated('ada@example.test', { limiter });
    const grace = delegated('grace@example.test', { limiter });
    const folderList = { kind: 'contacts' as const, id: 'contacts' };
    const { pages } = await drain(ada.readChanges(folderList, undefined));
    const ids = pages.flatMap((p) => p.upserts.map((u) => u.id));
    const many = [...ids, ...ids, ...ids].slice(0, 30);
    const work: Array<Promise<unknown>> = [];
    for (let i = 0; i < 6; i++) {
      work.push(ada.getItems(folderList, many));
      work.push(ada.listFolders('calendar'));
      work.push(grace.listFolders('tasks'));
    }
    const results = await Promise.all(work);
    const items = (results.filter(Array.isArray).flat() as Array<{ ok?: boolean; error?: unknown }>).filter(
      (r) => 'ok' in r,
    );
    expect(items).toHaveLength(6 * many.length);
    expect(items.filter((r) => !r.ok).map((r) => String(r.error))).toEqual([]);
    expect(items.every((r) => r.ok)).toBe(true);
    const maxByKey = new Map<string, number>();
    for (const e of trace) maxByKey.set(e.key, Math.max(maxByKey.get(e.key) ?? 0, e.inFlight));
    expect(maxByKey.get('graph:ada@example.test')).toBe(4);
    expect(Math.max(...maxByKey.values())).toBeLessThanOrEqual(4);
    expect(trace.some((e) => e.weight > 1)).toBe(true);
  });
});

describe('Graph hostile and bad input', () => {
  it('refuses the sandbox on loopback unless private addresses are allowed', async () => {
    const strict = new HttpClient({ ca: sandbox.caPem });
    const c = new GraphConnector({
      http: strict,
      tokens: { accessToken: async () => 'x' },
      mailbox: 'ada@example.test',
      mode: 'delegated',
      graphBaseUrl: config.graphBaseUrl,
    });
    expect(await c.testConnection()).toMatchObject({ ok: false, problem: 'private_address' });
    strict.close();
  });

  it('reports a TLS refusal when the CA is not trusted', async () => {
    const untrusting = new HttpClient({ allowPrivateAddresses: true });
    const c = new GraphConnector({
      http: untrusting,
      tokens: { accessToken: async () => 'x' },
      mailbox: 'ada@example.test',
      mode: 'delegated',
      graphBaseUrl: config.graphBaseUrl,
    });
    expect(await c.testConnection()).toMatchObject({ ok: false, problem: 'tls' });
    untrusting.close();
  });

  it('reports 401 as unauthorized', async () => {
    const c = new GraphConnector({
      http: httpClient,
      tokens: { accessToken: async () => 'not-a-token' },
      mailbox: 'ada@example.test',
      mode: 'delegated',
      graphBaseUrl: config.graphBaseUrl,
    });
    expect(await c.testConnection()).toMatchObject({ ok: false, problem: 'unauthorized' });
  });
});
