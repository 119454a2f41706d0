// `npm run bench:activities`: what reading a calendar and a task folder costs Exsync's connectors
// against Exchange, beside two baselines. The sync engine does not sync activities yet, so this
// measures the connectors themselves, as the engine calls them for contacts: `readChanges` from
// scratch (the import), `readChanges` from the import's cursor over the unchanged mailbox (the
// incremental read), and `createItems` in slices of 100 (the export).
//
// The baselines read the same mailbox:
// - per item, the way other products do it: list the ids (EWS FindItem `IdOnly`, Graph
//   `$select=id`, pages of 1,000), then one GetItem / GET per item and, for each series with
//   exceptions, one more call for its exceptions (EWS GetItem of the modified occurrences, Graph
//   `instances`); export is one CreateItem / POST per item;
// - batched, the strongest straightforward client: EWS FindItem `IdOnly` in pages of 1,000 and
//   GetItem of 100 items at a time (exceptions 100 at a time too); Graph `calendarView` over the
//   window with `$top=1000`, the largest page Graph allows, plus each series' master once in
//   `$batch`es of 20 (the view carries no recurrence pattern), and To Do tasks with `$top=1000`.
//   Exsync's `createItems` already is the batched export (100 per CreateItem, `$batch`es of 20,
//   the most Graph allows), so the export has the per-item baseline only.
//
// Requests are counted at the HTTP client (token requests apart; Graph `$batch` members shown
// on their own). Each way reads its own copy of the mailbox (the same generated content), so
// that Graph's per-mailbox limit of 10,000 requests in 10 minutes is not shared between them.
// Every run starts a new sandbox; the figures printed are medians over `--runs`.
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { DEMO_CLIENT_SECRET, DEMO_PASSWORD, LOAD_CLIENT_ID, LOAD_TENANT_ID } from '@exsync/sandbox/seed';
import { addDays, buildEvent, buildTask, instantAt } from '@exsync/sandbox/seed/builders';
import { Random, TIME_ZONES } from '@exsync/sandbox/seed/pools';
import type { RunningSandbox } from '@exsync/sandbox/server';
import { folderIdXml } from '../src/connectors/ews/connector.ts';
import { createEwsConnector } from '../src/connectors/ews/factory.ts';
import { EwsTransport, singleMessage } from '../src/connectors/ews/transport.ts';
import { attr, child, children, el, leaf } from '../src/connectors/ews/xml.ts';
import { AppOnlyTokens } from '../src/connectors/graph/auth.ts';
import { instancesPath } from '../src/connectors/graph/calendar-view.ts';
import { type GraphAnswer, GraphClient, type GraphRequest } from '../src/connectors/graph/client.ts';
import { GraphConnector } from '../src/connectors/graph/connector.ts';
import {
  EVENT_SELECT,
  eventFromGraph,
  occurrenceChangeFromGraph,
} from '../src/connectors/graph/mapping/event.ts';
import { GRAPH_MAPPINGS } from '../src/connectors/graph/mapping/index.ts';
import { arrayOrEmpty, isObject, type Json, nonEmptyString } from '../src/connectors/graph/mapping/json.ts';
import { collectionPath, itemPath } from '../src/connectors/graph/paths.ts';
import { HttpClient, type HttpRequest, type HttpResponse } from '../src/connectors/net/http.ts';
import type {
  ExchangeConnector,
  FolderRef,
  NeutralEvent,
  NeutralTask,
  Protocol,
  TimeWindow,
} from '../src/connectors/types.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '5000' },
    /** Of the events, recurring series with modified and deleted occurrences. */
    series: { type: 'string', default: '300' },
    tasks: { type: 'string', default: '2000' },
    /** The small mailbox (per-item baseline, latency pass): this fraction of the full one. */
    'latency-scale': { type: 'string', default: '0.05' },
    'latency-ms': { type: 'string', default: '30' },
    runs: { type: 'string', default: '3' },
    protocols: { type: 'string', default: 'ews,graph' },
    /** The per-item baseline on the full mailbox too (some 20 minutes more on a 2-core machine). */
    'per-item-full': { type: 'boolean', default: false },
    /** The mailbox's calendar spans two years from this date. */
    from: { type: 'string', default: '2026-01-01' },
  },
});
const protocols = values.protocols.split(',') as Protocol[];
const MiB = 2 ** 20;
/** What the engine asks `readChanges` for (`SyncEngine` pageSize) and `createItems` per call. */
const ENGINE_PAGE = 256;
const ENGINE_CREATE_SLICE = 100;
const WINDOW: TimeWindow = {
  start: new Date(`${values.from}T00:00:00Z`).toISOString(),
  end: new Date(`${addDays(values.from, 731)}T00:00:00Z`).toISOString(),
};

// ---------- measuring ----------

/** Exchange requests seen by the HTTP client; identity-platform token requests kept apart. */
class CountingHttpClient extends HttpClient {
  requests = 0;
  batchMembers = 0;

  override async send(request: HttpRequest): Promise<HttpResponse> {
    if (!/\/oauth2\//.test(request.url)) {
      this.requests++;
      if (request.url.endsWith('/$batch') && typeof request.body === 'string')
        this.batchMembers += (JSON.parse(request.body) as { requests: unknown[] }).requests.length;
    }
    return super.send(request);
  }

  reset(): void {
    this.requests = 0;
    this.batchMembers = 0;
  }
}

/** Time slept before retrying: throttled answers' Retry-After, transient back-off. */
const waits = { ms: 0 };
async function waitBeforeRetry(ms: number): Promise<void> {
  waits.ms += ms;
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Peak heap while a phase runs, sampled every 20 ms. */
const memory = { heap: 0 };
const sampler = setInterval(sample, 20);
function sample() {
  memory.heap = Math.max(memory.heap, process.memoryUsage().heapUsed);
}

type Way = 'exsync' | 'per-item' | 'batched';

interface PhaseResult {
  pass: string;
  protocol: Protocol;
  phase: 'import' | 'incremental' | 'export';
  way: Way;
  items: number;
  requests: number;
  batchMembers: number;
  itemsPerRequest: number;
  seconds: number;
  waitS: number;
  /** Peak heap above the heap at the phase's start (the sandbox's standing data is not in it). */
  heapGrowthMiB: number;
}

async function measure(
  http: CountingHttpClient,
  labels: Pick<PhaseResult, 'pass' | 'protocol' | 'phase' | 'way'>,
  work: () => Promise<number>,
): Promise<PhaseResult> {
  (globalThis as { gc?: () => void }).gc?.();
  http.reset();
  waits.ms = 0;
  const before = process.memoryUsage().heapUsed;
  memory.heap = before;
  const started = performance.now();
  const items = await work();
  const seconds = (performance.now() - started) / 1000;
  sample();
  return {
    ...labels,
    items,
    requests: http.requests,
    batchMembers: http.batchMembers,
    itemsPerRequest: Number((items / Math.max(1, http.requests)).toFixed(1)),
    seconds: Number(seconds.toFixed(2)),
    waitS: Number((waits.ms / 1000).toFixed(2)),
    heapGrowthMiB: Number(((memory.heap - before) / MiB).toFixed(1)),
  };
}

// ---------- the mailbox ----------

interface MailboxSize {
  events: number;
  series: number;
  tasks: number;
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

/**
 * `size.events` calendar items over two years from `--from`, `size.series` of them daily or
 * weekly series of 4–30 occurrences with one to three moved occurrences and one or two deleted
 * ones, and `size.tasks` tasks: the same content for the same seed, in every mailbox given.
 */
function fillMailbox(sandbox: RunningSandbox, address: string, size: MailboxSize, seed: number): void {
  const { store } = sandbox;
  const mailbox = store.mailbox(address)!;
  const calendar = store.distinguishedFolder(mailbox.id, 'calendar')!.id;
  const tasks = store.distinguishedFolder(mailbox.id, 'tasks')!.id;
  const r = new Random(seed);
  const owner = { address, name: mailbox.displayName };
  // The series spread evenly among the events: event i is one when the running share steps up.
  const seriesUpTo = (i: number) => Math.floor((i * size.series) / Math.max(1, size.events));
  for (let i = 0; i < size.events; i++) {
    const isSeries = seriesUpTo(i + 1) > seriesUpTo(i);
    const zone = r.pick(TIME_ZONES);
    // Series start in the first 18 months, so that the last of their occurrences stays in the two years.
    const date = addDays(values.from, r.int(0, isSeries ? 540 : 729));
    const time = `${String(r.int(7, 17)).padStart(2, '0')}:${r.pick(['00', '30'])}`;
    const duration = r.pick([30, 60, 90]);
    const event = buildEvent({
      subject: `${r.pick(['Sync', 'Review', 'Customer call', 'Workshop', 'Planning'])} ${i}`,
      uidKey: `bench-activities-${seed}-${i}`,
      date,
      time,
      durationMinutes: duration,
      timeZone: zone,
      organizer: owner,
      location: r.chance(0.5) ? r.pick(['Room 1', 'Teams', 'Client office']) : undefined,
      body: r.chance(0.3) ? `Agenda for meeting ${i}: figures, next steps.` : undefined,
      attendees: r.chance(0.5)
        ? [
            {
              email: { address: `guest${r.int(1, 500)}@partner.example`, name: 'Guest' },
              type: 'required',
              response: 'notResponded',
            },
          ]
        : [],
    });
    if (isSeries) addSeries(r, event, date, time, duration, zone);
    store.createItem(mailbox.id, calendar, 'event', event, 'system');
  }
  for (let i = 0; i < size.tasks; i++)
    store.createItem(mailbox.id, tasks, 'task', buildTask(r, i, values.from), 'system');
}

function addSeries(
  r: Random,
  event: ReturnType<typeof buildEvent>,
  date: string,
  time: string,
  duration: number,
  zone: string,
): void {
  const weekly = r.chance(0.5);
  const count = r.int(4, 30);
  const step = weekly ? 7 : 1;
  event.recurrence = {
    pattern: weekly
      ? {
          type: 'weekly',
          interval: 1,
          daysOfWeek: [WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()]],
          firstDayOfWeek: 'monday',
        }
      : { type: 'daily', interval: 1 },
    range: { type: 'numbered', startDate: date, numberOfOccurrences: count, recurrenceTimeZone: zone },
  };
  // Distinct occurrences after the first: one or two deleted, up to three moved by an hour.
  const picked = new Set<number>();
  const changed = Math.min(count - 1, r.int(2, 5));
  while (picked.size < changed) picked.add(r.int(1, count - 1));
  const order = [...picked];
  const deleted = order.slice(0, changed >= 4 ? 2 : 1);
  const moved = order.slice(deleted.length);
  event.modifiedOccurrences = moved.map((k) => {
    const day = addDays(date, k * step);
    const start = Date.parse(instantAt(day, time, zone)) + 3_600_000;
    return {
      id: '',
      changeKey: '',
      originalStart: instantAt(day, time, zone),
      start: new Date(start).toISOString(),
      end: new Date(start + duration * 60_000).toISOString(),
      subject: `${event.subject} (moved)`,
    };
  });
  event.deletedOccurrences = deleted.map((k) => instantAt(addDays(date, k * step), time, zone));
}

// ---------- setup ----------

interface Bench {
  sandbox: RunningSandbox;
  http: CountingHttpClient;
  tokens: AppOnlyTokens;
  graphBaseUrl: string;
  ewsUrl: string;
  connect(protocol: Protocol, address: string): ExchangeConnector;
  graph(address: string): GraphClient;
  ews(address: string): EwsTransport;
  close(): Promise<void>;
}

// Throttled answers are waited out, however long Retry-After says (Graph's window is 10 minutes).
const RETRY = { attempts: 4, maxWaitMs: 11 * 60_000, baseDelayMs: 10, sleep: waitBeforeRetry };

async function setUp(mailboxes: string[], size: MailboxSize): Promise<Bench> {
  const { startSandbox } = await import('@exsync/sandbox/server');
  const sandbox = await startSandbox({
    port: 0,
    seed: 'none',
    generate: { contacts: 0, events: 0, tasks: 0, messages: 0, mailboxes: 1, seed: 1 },
  });
  for (const name of mailboxes) {
    const address = `${name}@load.test`;
    if (!sandbox.store.mailbox(address))
      sandbox.store.addMailbox({
        tenantId: LOAD_TENANT_ID,
        address,
        displayName: name,
        password: DEMO_PASSWORD,
        timeZone: 'W. Europe Standard Time',
      });
    if (!name.startsWith('export')) fillMailbox(sandbox, address, size, 7);
  }
  const http = new CountingHttpClient({ ca: sandbox.caPem, allowPrivateAddresses: true, timeoutMs: 60_000 });
  const graphBaseUrl = `${sandbox.httpsUrl}/v1.0`;
  const ewsUrl = `${sandbox.httpsUrl}/EWS/Exchange.asmx`;
  const tokens = new AppOnlyTokens(
    {
      clientId: LOAD_CLIENT_ID,
      clientSecret: DEMO_CLIENT_SECRET,
      tenant: LOAD_TENANT_ID,
      authorityHost: sandbox.httpsUrl,
      graphBaseUrl,
    },
    http,
  );
  return {
    sandbox,
    http,
    tokens,
    graphBaseUrl,
    ewsUrl,
    connect: (protocol, address) =>
      protocol === 'ews'
        ? createEwsConnector({
            http,
            serviceAddress: ewsUrl,
            auth: { kind: 'basic', login: address, password: DEMO_PASSWORD },
            mailbox: address,
            retry: RETRY,
          })
        : new GraphConnector({ http, tokens, mailbox: address, mode: 'app', graphBaseUrl, retry: RETRY }),
    graph: (address) =>
      new GraphClient({
        http,
        tokens,
        baseUrl: graphBaseUrl,
        mailboxKey: `graph:${address}`,
        retry: RETRY,
      }),
    ews: (address) =>
      new EwsTransport({
        http,
        url: ewsUrl,
        auth: { kind: 'basic', login: address, password: DEMO_PASSWORD },
        mailboxKey: `ews:${address}`,
        accountKey: `ews-account:${address}`,
        retry: RETRY,
      }),
    async close() {
      http.close();
      await sandbox.close();
    },
  };
}

interface Folders {
  calendar: FolderRef & { kind: 'calendar' };
  tasks: FolderRef & { kind: 'tasks' };
}

async function defaultFolders(connector: ExchangeConnector): Promise<Folders> {
  const find = async <K extends 'calendar' | 'tasks'>(kind: K): Promise<FolderRef & { kind: K }> => {
    const node = (await connector.listFolders(kind)).find((f) => f.wellKnown === kind);
    if (!node)
      throw new Error(`${connector.mailbox} has no default ${kind} folder over ${connector.protocol}`);
    return { kind, id: node.id };
  };
  return { calendar: await find('calendar'), tasks: await find('tasks') };
}

// ---------- Exsync ----------

interface Read {
  events: NeutralEvent[];
  tasks: NeutralTask[];
  cursors: { calendar?: string; tasks?: string };
}

/** Both folders through `readChanges`, as the engine reads them; items kept only when asked. */
async function exsyncRead(
  connector: ExchangeConnector,
  folders: Folders,
  cursors: Read['cursors'],
  keep: boolean,
): Promise<Read & { count: number }> {
  const read: Read & { count: number } = { events: [], tasks: [], cursors: {}, count: 0 };
  for await (const page of connector.readChanges(folders.calendar, cursors.calendar, {
    pageSize: ENGINE_PAGE,
    window: WINDOW,
  })) {
    read.count += page.upserts.length;
    if (keep) for (const u of page.upserts) read.events.push(u.item);
    if (page.done) read.cursors.calendar = page.cursor;
  }
  for await (const page of connector.readChanges(folders.tasks, cursors.tasks, { pageSize: ENGINE_PAGE })) {
    read.count += page.upserts.length;
    if (keep) for (const u of page.upserts) read.tasks.push(u.item);
    if (page.done) read.cursors.tasks = page.cursor;
  }
  return read;
}

async function exsyncExport(connector: ExchangeConnector, folders: Folders, read: Read): Promise<number> {
  let written = 0;
  const write = async <K extends 'calendar' | 'tasks'>(
    folder: FolderRef & { kind: K },
    items: Array<K extends 'calendar' ? NeutralEvent : NeutralTask>,
  ) => {
    for (let i = 0; i < items.length; i += ENGINE_CREATE_SLICE) {
      const results = await connector.createItems!(folder, items.slice(i, i + ENGINE_CREATE_SLICE) as never);
      for (const r of results) if (!r.ok) throw r.error;
      written += results.length;
    }
  };
  await write(folders.calendar, read.events);
  await write(folders.tasks, read.tasks);
  return written;
}

// ---------- the per-item baseline ----------

async function ewsFindIds(transport: EwsTransport, folder: FolderRef): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const message = singleMessage(
      await transport.call(
        'FindItem',
        el(
          'm:FindItem',
          { Traversal: 'Shallow' },
          el('m:ItemShape', null, leaf('t:BaseShape', 'IdOnly')),
          el('m:IndexedPageItemView', {
            MaxEntriesReturned: '1000',
            Offset: String(ids.length),
            BasePoint: 'Beginning',
          }),
          el('m:ParentFolderIds', null, folderIdXml(folder.id)),
        ),
      ),
      'FindItem',
    );
    const root = child(message, 'RootFolder');
    const items = child(root, 'Items');
    const before = ids.length;
    for (const tag of ['CalendarItem', 'Task'])
      for (const item of children(items, tag)) {
        const id = attr(child(item, 'ItemId'), 'Id');
        if (id) ids.push(id);
      }
    if (attr(root, 'IncludesLastItemInRange') !== 'false' || ids.length === before) return ids;
  }
}

async function graphList(client: GraphClient, first: string, prefer?: string[]): Promise<Json[]> {
  const out: Json[] = [];
  let next: string | undefined = first;
  while (next) {
    const answer: GraphAnswer = await client.request({ method: 'GET', path: next, prefer });
    for (const v of arrayOrEmpty(answer.json.value)) if (isObject(v)) out.push(v);
    next = nonEmptyString(answer.json['@odata.nextLink']);
  }
  return out;
}

const graphBase = (address: string) => `/users/${encodeURIComponent(address)}`;

/** A series' exceptions from its instances in the window (one call, pages of 500). */
async function graphExceptions(client: GraphClient, address: string, masterId: string) {
  const instances = await graphList(client, instancesPath(graphBase(address), masterId, WINDOW));
  return instances
    .filter((v) => v.type === 'exception')
    .map(occurrenceChangeFromGraph)
    .filter((c) => c !== undefined);
}

async function perItemRead(
  bench: Bench,
  protocol: Protocol,
  address: string,
  folders: Folders,
): Promise<Read> {
  const read: Read = { events: [], tasks: [], cursors: {} };
  if (protocol === 'ews') {
    const connector = bench.connect('ews', address);
    const transport = bench.ews(address);
    // getItems of one id: one GetItem, and one more for a series' exceptions.
    for (const id of await ewsFindIds(transport, folders.calendar)) {
      const [r] = await connector.getItems(folders.calendar, [id]);
      if (!r.ok) throw r.error;
      read.events.push(r.item);
    }
    for (const id of await ewsFindIds(transport, folders.tasks)) {
      const [r] = await connector.getItems(folders.tasks, [id]);
      if (!r.ok) throw r.error;
      read.tasks.push(r.item);
    }
    return read;
  }
  const client = bench.graph(address);
  const base = graphBase(address);
  const select = `$select=${EVENT_SELECT.join(',')}`;
  for (const listed of await graphList(
    client,
    `${collectionPath(base, folders.calendar)}?$select=id&$top=1000`,
  )) {
    const id = nonEmptyString(listed.id)!;
    const json = (
      await client.request({ method: 'GET', path: `${itemPath(base, folders.calendar, id)}?${select}` })
    ).json;
    const event = eventFromGraph(json);
    if (event.type === 'seriesMaster') event.modifiedOccurrences = await graphExceptions(client, address, id);
    read.events.push(event);
  }
  for (const listed of await graphList(
    client,
    `${collectionPath(base, folders.tasks)}?$select=id&$top=1000`,
  )) {
    const id = nonEmptyString(listed.id)!;
    const json = (await client.request({ method: 'GET', path: itemPath(base, folders.tasks, id) })).json;
    read.tasks.push(GRAPH_MAPPINGS.tasks.fromGraph(json));
  }
  return read;
}

async function perItemExport(connector: ExchangeConnector, folders: Folders, read: Read): Promise<number> {
  for (const event of read.events) await connector.createItem(folders.calendar, event);
  for (const task of read.tasks) await connector.createItem(folders.tasks, task);
  return read.events.length + read.tasks.length;
}

// ---------- the batched baseline ----------

async function batchedRead(
  bench: Bench,
  protocol: Protocol,
  address: string,
  folders: Folders,
): Promise<Read> {
  if (protocol === 'ews') {
    const connector = bench.connect('ews', address);
    const transport = bench.ews(address);
    const read: Read = { events: [], tasks: [], cursors: {} };
    // getItems: GetItem of 100 ids at a time, then the exceptions of all of them 100 at a time.
    for (const r of await connector.getItems(
      folders.calendar,
      await ewsFindIds(transport, folders.calendar),
    )) {
      if (!r.ok) throw r.error;
      read.events.push(r.item);
    }
    for (const r of await connector.getItems(folders.tasks, await ewsFindIds(transport, folders.tasks))) {
      if (!r.ok) throw r.error;
      read.tasks.push(r.item);
    }
    return read;
  }
  const client = bench.graph(address);
  const base = graphBase(address);
  const q = new URLSearchParams({
    startDateTime: WINDOW.start,
    endDateTime: WINDOW.end,
    $select: EVENT_SELECT.join(','),
    $top: '1000',
  });
  const view = await graphList(
    client,
    `${base}/calendars/${encodeURIComponent(folders.calendar.id)}/calendarView?${q}`,
  );
  const events: NeutralEvent[] = [];
  const exceptions = new Map<string, Json[]>();
  for (const v of view) {
    const master = nonEmptyString(v.seriesMasterId);
    if (!master) events.push(eventFromGraph(v));
    else {
      const list = exceptions.get(master) ?? [];
      if (v.type === 'exception') list.push(v);
      exceptions.set(master, list);
    }
  }
  // The view has occurrences, not series: each master once, for its pattern and deleted occurrences.
  const masterIds = [...exceptions.keys()];
  const requests: GraphRequest[] = masterIds.map((id) => ({
    method: 'GET',
    path: `${itemPath(base, folders.calendar, id)}?$select=${EVENT_SELECT.join(',')}`,
  }));
  const outcomes = await client.batch(requests);
  outcomes.forEach((o, k) => {
    if (!o.ok) throw o.error;
    const event = eventFromGraph(o.answer.json);
    event.modifiedOccurrences = exceptions
      .get(masterIds[k])!
      .map(occurrenceChangeFromGraph)
      .filter((c) => c !== undefined);
    events.push(event);
  });
  const tasks = await graphList(client, `${collectionPath(base, folders.tasks)}?$top=1000`);
  return { events, tasks: tasks.map((t) => GRAPH_MAPPINGS.tasks.fromGraph(t)), cursors: {} };
}

// ---------- one run ----------

const WAYS: Way[] = ['exsync', 'per-item', 'batched'];

async function run(
  pass: string,
  size: MailboxSize,
  latencyMs: number,
  perItem: boolean,
): Promise<PhaseResult[]> {
  const bench = await setUp(
    [...WAYS, 'export-exsync-ews', 'export-per-item-ews', 'export-exsync-graph', 'export-per-item-graph'],
    size,
  );
  const expected = size.events + size.tasks;
  const results: PhaseResult[] = [];
  const check = (r: PhaseResult, n = expected) => {
    if (r.items !== n)
      throw new Error(`${r.way} ${r.phase} over ${r.protocol} handled ${r.items} items, expected ${n}`);
    results.push(r);
  };
  try {
    if (latencyMs > 0)
      for (const protocol of ['ews', 'graph'] as const)
        bench.sandbox.faults.add({ protocol, fault: { kind: 'latency', ms: latencyMs } });
    for (const protocol of protocols) {
      const labels = { pass, protocol };
      const address = (way: string) => `${way}@load.test`;
      const folders = async (mailbox: string) => defaultFolders(bench.connect(protocol, mailbox));

      const exsync = bench.connect(protocol, address('exsync'));
      const exsyncFolders = await folders(address('exsync'));
      let cursors: Read['cursors'] = {};
      check(
        await measure(bench.http, { ...labels, phase: 'import', way: 'exsync' }, async () => {
          const read = await exsyncRead(exsync, exsyncFolders, {}, false);
          cursors = read.cursors;
          return read.count;
        }),
      );
      check(
        await measure(bench.http, { ...labels, phase: 'incremental', way: 'exsync' }, async () => {
          const read = await exsyncRead(exsync, exsyncFolders, cursors, false);
          if (read.count > 0) throw new Error(`the unchanged mailbox handed out ${read.count} changes`);
          return expected;
        }),
      );
      if (perItem) {
        const perItemFolders = await folders(address('per-item'));
        check(
          await measure(bench.http, { ...labels, phase: 'import', way: 'per-item' }, async () => {
            const read = await perItemRead(bench, protocol, address('per-item'), perItemFolders);
            return read.events.length + read.tasks.length;
          }),
        );
      }
      let read: Read = { events: [], tasks: [], cursors: {} };
      const batchedFolders = await folders(address('batched'));
      check(
        await measure(bench.http, { ...labels, phase: 'import', way: 'batched' }, async () => {
          read = await batchedRead(bench, protocol, address('batched'), batchedFolders);
          return read.events.length + read.tasks.length;
        }),
      );

      // Export: the items the batched baseline read, written into an empty mailbox each way.
      const exportTo = async (way: Way) => {
        const mailbox = address(`export-${way}-${protocol}`);
        return { connector: bench.connect(protocol, mailbox), folders: await folders(mailbox) };
      };
      const exsyncTarget = await exportTo('exsync');
      check(
        await measure(bench.http, { ...labels, phase: 'export', way: 'exsync' }, () =>
          exsyncExport(exsyncTarget.connector, exsyncTarget.folders, read),
        ),
      );
      if (perItem) {
        const perItemTarget = await exportTo('per-item');
        check(
          await measure(bench.http, { ...labels, phase: 'export', way: 'per-item' }, () =>
            perItemExport(perItemTarget.connector, perItemTarget.folders, read),
          ),
        );
      }
    }
  } finally {
    await bench.close();
  }
  return results;
}

// ---------- medians and the verdict ----------

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function medians(all: PhaseResult[][]): PhaseResult[] {
  return all[0].map((first, i) => {
    const runs = all.map((r) => r[i]);
    const m = (key: keyof PhaseResult) => Number(median(runs.map((r) => r[key] as number)).toFixed(2));
    return {
      ...first,
      requests: m('requests'),
      batchMembers: m('batchMembers'),
      itemsPerRequest: m('itemsPerRequest'),
      seconds: m('seconds'),
      waitS: m('waitS'),
      heapGrowthMiB: m('heapGrowthMiB'),
    };
  });
}

function comparisons(results: PhaseResult[]) {
  const find = (r: PhaseResult, way: Way) =>
    results.find(
      (b) => b.way === way && b.pass === r.pass && b.protocol === r.protocol && b.phase === r.phase,
    );
  return results
    .filter((r) => r.way === 'exsync' && r.phase !== 'incremental')
    .map((r) => {
      const perItem = find(r, 'per-item');
      const batched = find(r, 'batched');
      return {
        pass: r.pass,
        protocol: r.protocol,
        phase: r.phase,
        itemsPerRequest: r.itemsPerRequest,
        fewerThanPerItem: perItem ? Number((perItem.requests / Math.max(1, r.requests)).toFixed(1)) : null,
        requestsVsBatched: batched ? Number((r.requests / Math.max(1, batched.requests)).toFixed(2)) : null,
        fasterThanPerItem: perItem ? Number((perItem.seconds / Math.max(0.001, r.seconds)).toFixed(2)) : null,
        fasterThanBatched: batched ? Number((batched.seconds / Math.max(0.001, r.seconds)).toFixed(2)) : null,
      };
    });
}

async function main(): Promise<{ results: PhaseResult[]; comparisons: ReturnType<typeof comparisons> }> {
  const full: MailboxSize = {
    events: Number(values.events),
    series: Number(values.series),
    tasks: Number(values.tasks),
  };
  const scale = Number(values['latency-scale']);
  const small: MailboxSize = {
    events: Math.max(1, Math.round(full.events * scale)),
    series: Math.round(full.series * scale),
    tasks: Math.round(full.tasks * scale),
  };
  const machine = {
    node: process.version,
    at: new Date().toISOString(),
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverage: loadavg()
      .map((l) => l.toFixed(1))
      .join(' '),
  };
  console.log(JSON.stringify(machine));
  // The per-item baseline pays a round trip per item: on the full mailbox only when asked.
  const passes: Array<[string, MailboxSize, number, boolean]> = [
    [`full speed, ${full.events}+${full.tasks}`, full, 0, values['per-item-full']],
    [`full speed, ${small.events}+${small.tasks}`, small, 0, true],
    [
      `+${values['latency-ms']} ms, ${small.events}+${small.tasks}`,
      small,
      Number(values['latency-ms']),
      true,
    ],
  ];
  const results: PhaseResult[] = [];
  for (const [name, size, latency, perItem] of passes) {
    const runs: PhaseResult[][] = [];
    for (let i = 0; i < Number(values.runs); i++) {
      runs.push(await run(name, size, latency, perItem));
      // Progress, and the figures of every run, for a benchmark that takes many minutes.
      console.error(`${name}: run ${i + 1} done ${JSON.stringify(runs[i])}`);
    }
    results.push(...medians(runs));
  }
  console.log(
    `load average after: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  return { results, comparisons: comparisons(results) };
}

const { results, comparisons: compared } = await main();
console.table(results);
console.table(compared);
console.log(JSON.stringify({ results, comparisons: compared }));
clearInterval(sampler);
