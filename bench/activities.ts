// `npm run bench:activities`: what importing and exporting a calendar and a task folder costs
// Exsync against Exchange, beside two baselines, on EWS and Graph.
//
// Exsync goes through the sync engine (`SyncEngine` with `meetingsEntity` and `tasksEntity`, a
// SQLite CRM): the import is a mailbox's first two-way run of each entity, the incremental read
// a second run over the unchanged mailbox, and the export the first run of an empty mailbox,
// which writes every activity the import made (meetings to its calendar, tasks to its tasks).
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
//   Its `$select` is Exsync's own (`EVENT_SELECT`, bodies included): it reads what Exsync needs,
//   no less (Exsync's calendarView/delta takes no `$select` and brings every property).
//   Exsync's `createItems` already is the batched export (100 per CreateItem, `$batch`es of 20,
//   the most Graph allows, up to 500 items a call), so the export has the per-item baseline only.
// Each baseline finds its folder inside its measure, as Exsync's run does inside its own: by the
// well-known name where the protocol has one (EWS distinguished folder ids, Graph's default
// calendar), at no request, as Exsync's settings name them; a To Do list has none, so on Graph
// both baselines list the To Do lists (one request, which Exsync pays too) before the tasks.
//
// Requests are counted at the HTTP client (token requests apart; Graph `$batch` members shown
// on their own, also by method and resource), and by operation. Each way reads its own copy of the mailbox (the same
// generated content), so that Graph's per-mailbox limit of 10,000 requests in 10 minutes is not
// shared between them. Every run starts a new sandbox; the figures printed are medians over
// `--runs`.
//
// `--memory` measures the engine's process alone: for each protocol and each of two mailbox
// sizes, a new process runs the calendar's import, incremental read and export through the
// engine against a sandbox in a child process of its own, and reports its peak heap and RSS.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { getHeapStatistics } from 'node:v8';
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
import { type Crm, createCrm } from '../src/crm/index.ts';
import { migrateToLatest, openStore, type Store } from '../src/db/database.ts';
import { DEFAULT_MEETING_OPTIONS, meetingsEntity } from '../src/sync/activities/entity.ts';
import { DEFAULT_TASK_OPTIONS, tasksEntity } from '../src/sync/activities/tasks-entity.ts';
import { SyncEngine } from '../src/sync/engine.ts';
import { tagRecords } from '../src/sync/store/tags.ts';
import type { EntitySyncSettings } from '../src/sync/types.ts';
import { MemoryMailboxSource } from '../test/support/sandbox-source.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string' },
    /** Of the events, recurring series with modified and deleted occurrences. */
    series: { type: 'string' },
    tasks: { type: 'string' },
    /** The small mailbox (per-item baseline, latency pass): this fraction of the full one. */
    'latency-scale': { type: 'string', default: '0.05' },
    'latency-ms': { type: 'string', default: '30' },
    runs: { type: 'string' },
    protocols: { type: 'string', default: 'ews,graph' },
    /** The per-item baseline on the full mailbox too (some 20 minutes more on a 2-core machine). */
    'per-item-full': { type: 'boolean', default: false },
    /** Which passes to run: the full mailbox at full speed, the small one at full speed, and with latency. */
    passes: { type: 'string', default: 'full,small,latency' },
    /** A short run: 500 calendar items (30 series) and 200 tasks, one run. */
    quick: { type: 'boolean', default: false },
    /** The mailbox's calendar starts on this date (default: the first of this month). */
    from: { type: 'string' },
    /** ...and spans this many days: 548, up to where Exsync's calendar window on Graph ends. */
    days: { type: 'string', default: '548' },
    /** Peak memory of the engine's process alone, at the sizes of `--memory-sizes`. */
    memory: { type: 'boolean', default: false },
    /** Calendar items per mailbox for `--memory` (series and tasks in the same proportion). */
    'memory-sizes': { type: 'string', default: '5000,20000' },
    /** `--memory` without the export (the import and the unchanged re-read only). */
    'memory-import-only': { type: 'boolean', default: false },
    /** Internal: one `--memory` measurement (this process is the engine). */
    'memory-run': { type: 'boolean', default: false },
    /** Internal: a sandbox with the mailbox for `--memory-run`, in a process of its own. */
    'sandbox-child': { type: 'boolean', default: false },
    /** Node flags of the engine's process in `--memory`: the heap sizes `exsync serve` sets itself. */
    'memory-node-flags': { type: 'string', default: '--max-semi-space-size=16 --max-old-space-size=512' },
  },
});
const protocols = values.protocols.split(',') as Protocol[];
const MiB = 2 ** 20;
/** What the engine asks `readChanges` for (`SyncEngine` pageSize) and `createItems` per call. */
const ENGINE_PAGE = 256;
const ENGINE_CREATE_SLICE = 100;
const now = new Date();
/** The first of this month: where Exsync's calendar window starts on Graph by default. */
const FROM =
  values.from ?? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString().slice(0, 10);
const DAYS = Number(values.days);
/** The baselines read the mailbox's span; Exsync's engine its own window, which holds it. */
const WINDOW: TimeWindow = {
  start: new Date(`${FROM}T00:00:00Z`).toISOString(),
  end: new Date(`${addDays(FROM, DAYS)}T00:00:00Z`).toISOString(),
};
const FULL: MailboxSize = {
  events: Number(values.events ?? (values.quick ? 500 : 5000)),
  series: Number(values.series ?? (values.quick ? 30 : 300)),
  tasks: Number(values.tasks ?? (values.quick ? 200 : 2000)),
};
const RUNS = Number(values.runs ?? (values.quick ? 1 : 3));

// ---------- measuring ----------

/** Exchange requests seen by the HTTP client, by operation; identity-platform token requests kept apart. */
class CountingHttpClient extends HttpClient {
  requests = 0;
  batchMembers = 0;
  byOperation = new Map<string, number>();
  /** `$batch` members by Graph method and resource, as a request of their own would count. */
  byMember = new Map<string, number>();

  override async send(request: HttpRequest): Promise<HttpResponse> {
    if (!/\/oauth2\/|openid-configuration/.test(request.url)) {
      this.requests++;
      const operation = operationOf(request);
      this.byOperation.set(operation, (this.byOperation.get(operation) ?? 0) + 1);
      if (request.url.endsWith('/$batch') && typeof request.body === 'string') {
        const { requests } = JSON.parse(request.body) as { requests: Array<{ method: string; url: string }> };
        this.batchMembers += requests.length;
        const base = request.url.slice(0, -'/$batch'.length);
        for (const m of requests) {
          const member = operationOf({ method: m.method, url: base + m.url });
          this.byMember.set(member, (this.byMember.get(member) ?? 0) + 1);
        }
      }
    }
    return super.send(request);
  }

  reset(): void {
    this.requests = 0;
    this.batchMembers = 0;
    this.byOperation = new Map();
    this.byMember = new Map();
  }
}

/** The EWS operation (the body's first `m:` element), or the Graph method and resource. */
function operationOf(request: HttpRequest): string {
  if (/\/EWS\//i.test(request.url)) {
    const body = typeof request.body === 'string' ? request.body : (request.body?.toString() ?? '');
    return /<m:(\w+)[\s>/]/.exec(body)?.[1] ?? 'EWS';
  }
  const path = new URL(request.url).pathname;
  const resource = path.endsWith('/$batch')
    ? '$batch'
    : /\/calendarView\/delta$/.test(path)
      ? 'calendarView/delta'
      : /\/calendarView$/.test(path)
        ? 'calendarView'
        : /\/instances$/.test(path)
          ? 'instances'
          : /\/todo\/lists\/[^/]+\/tasks\/delta$/.test(path)
            ? 'tasks/delta'
            : /\/todo\/lists\/[^/]+\/tasks(\/[^/]+)?$/.test(path)
              ? 'tasks'
              : /\/events(\/[^/]+)?$/.test(path)
                ? 'events'
                : (path.split('/').pop() ?? '');
  return `${request.method} ${resource}`;
}

/** Time slept before retrying: throttled answers' Retry-After, transient back-off. */
const waits = { ms: 0 };
async function waitBeforeRetry(ms: number): Promise<void> {
  waits.ms += ms;
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Peak heap and RSS while a phase runs, sampled every 20 ms. */
const memory = { heap: 0, rss: 0 };
const sampler = setInterval(sample, 20);
function sample() {
  const m = process.memoryUsage();
  memory.heap = Math.max(memory.heap, m.heapUsed);
  memory.rss = Math.max(memory.rss, m.rss);
}

type Way = 'exsync' | 'per-item' | 'batched';
type FolderName = 'calendar' | 'tasks';

interface PhaseResult {
  pass: string;
  protocol: Protocol;
  folder: FolderName;
  phase: 'import' | 'incremental' | 'export';
  way: Way;
  /** How Exsync was driven: through the sync engine, or its connector called directly. */
  through: 'engine' | 'connector' | '';
  items: number;
  requests: number;
  batchMembers: number;
  itemsPerRequest: number;
  seconds: number;
  waitS: number;
  /** Requests by EWS operation or Graph resource. */
  operations: string;
  /** Graph `$batch` members by method and resource. */
  members: string;
}

async function measure(
  http: CountingHttpClient,
  labels: Pick<PhaseResult, 'pass' | 'protocol' | 'folder' | 'phase' | 'way' | 'through'>,
  work: () => Promise<number>,
): Promise<PhaseResult & { peakHeapMiB: number; peakRssMiB: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  http.reset();
  waits.ms = 0;
  memory.heap = 0;
  memory.rss = 0;
  sample();
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
    operations: [...http.byOperation]
      .sort((x, y) => y[1] - x[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(', '),
    members: [...http.byMember]
      .sort((x, y) => y[1] - x[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(', '),
    peakHeapMiB: Math.round(memory.heap / MiB),
    peakRssMiB: Math.round(memory.rss / MiB),
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
 * `size.events` calendar items over `--days` from `--from`, `size.series` of them daily or
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
    // A day's margin at both ends, so that no zone's local time falls outside the span; series
    // start early enough for the last of their occurrences (30 weeks at most) to stay in it.
    const date = addDays(FROM, 1 + r.int(0, isSeries ? Math.max(0, DAYS - 214) : DAYS - 3));
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
    store.createItem(mailbox.id, tasks, 'task', buildTask(r, i, FROM), 'system');
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

interface Clients {
  http: CountingHttpClient;
  tokens: AppOnlyTokens;
  connect(protocol: Protocol, address: string): ExchangeConnector;
  graph(address: string): GraphClient;
  ews(address: string): EwsTransport;
}

interface Bench extends Clients {
  sandbox: RunningSandbox;
  close(): Promise<void>;
}

// Throttled answers are waited out, however long Retry-After says (Graph's window is 10 minutes).
const RETRY = { attempts: 4, maxWaitMs: 11 * 60_000, baseDelayMs: 10, sleep: waitBeforeRetry };

/** A sandbox with these mailboxes, all but the `export…` ones filled with the same content. */
async function filledSandbox(mailboxes: string[], size: MailboxSize): Promise<RunningSandbox> {
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
  return sandbox;
}

function clients(httpsUrl: string, caPem: string): Clients {
  const http = new CountingHttpClient({ ca: caPem, allowPrivateAddresses: true, timeoutMs: 60_000 });
  const graphBaseUrl = `${httpsUrl}/v1.0`;
  const ewsUrl = `${httpsUrl}/EWS/Exchange.asmx`;
  const tokens = new AppOnlyTokens(
    {
      clientId: LOAD_CLIENT_ID,
      clientSecret: DEMO_CLIENT_SECRET,
      tenant: LOAD_TENANT_ID,
      authorityHost: httpsUrl,
      graphBaseUrl,
    },
    http,
  );
  return {
    http,
    tokens,
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
  };
}

async function setUp(mailboxes: string[], size: MailboxSize): Promise<Bench> {
  const sandbox = await filledSandbox(mailboxes, size);
  const side = clients(sandbox.httpsUrl, sandbox.caPem);
  return {
    ...side,
    sandbox,
    async close() {
      side.http.close();
      await sandbox.close();
    },
  };
}

// ---------- Exsync through the engine ----------

const entitySettings = (folder: string, options: unknown): EntitySyncSettings => ({
  direction: 'two_way',
  conflictPolicy: 'exchange_wins',
  fieldMerge: true,
  importFolders: [folder],
  massDelete: { share: 0.2, minimum: 5 },
  autoSync: false,
  intervalMinutes: 15,
  options,
});

/** A CRM on a fresh SQLite file, and the engine syncing meetings and tasks for one CRM user's mailboxes. */
async function engineWorld(side: Clients, protocol: Protocol) {
  const dir = mkdtempSync(join(tmpdir(), 'exsync-bench-activities-'));
  const store: Store = openStore(`sqlite:${join(dir, 'bench.db')}`);
  await migrateToLatest(store);
  const crm: Crm = createCrm(store);
  await crm.users.ensureAdministratorsRole();
  const user = await crm.users.createUser({ email: 'bench@crm.test', displayName: 'Bench' });
  const source = new MemoryMailboxSource((address) => side.connect(protocol, address));
  // The engine's own page size: each entity asks for pages of its own (`readPageSize`).
  const engine = new SyncEngine({ crm, source, entities: [meetingsEntity, tasksEntity] });
  const mailbox = async (address: string) => {
    const mailboxId = `mbx-${address}`;
    const principal = await crm.users.principalFor(user.id, { mailboxId });
    source.add(mailboxId, {
      address,
      principal,
      settings: {
        meetings: entitySettings('calendar', DEFAULT_MEETING_OPTIONS),
        // C2: the tasks the mailbox's user owns (the generated ones name no other owner).
        tasks: entitySettings('tasks', { ...DEFAULT_TASK_OPTIONS, ownerNames: [address] }),
      },
    });
    return {
      mailboxId,
      /**
       * One run, as automatic sync starts it (`schedule`) unless told otherwise: "Sync now"
       * (`manual`) also looks at the task folders again (tasksEntity.folderListingMaxAgeMs).
       */
      async sync(entity: 'meetings' | 'tasks', trigger = 'schedule') {
        const result = await engine.syncMailbox(mailboxId, entity, trigger);
        if (result.status !== 'succeeded')
          throw new Error(
            `the ${entity} sync of ${address} ${result.status}: ${JSON.stringify(result.error ?? result.tally?.errors.slice(0, 3))}`,
          );
        return result.tally!.counts;
      },
    };
  };
  return {
    crm,
    mailbox,
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Items in a sandbox mailbox's default folder (a series counts once). */
function itemsIn(sandbox: RunningSandbox, address: string, folder: FolderName): number {
  const mailbox = sandbox.store.mailbox(address)!;
  return sandbox.store.items(mailbox.id, sandbox.store.distinguishedFolder(mailbox.id, folder)!.id).length;
}

interface Folders {
  calendar: FolderRef & { kind: 'calendar' };
  tasks: FolderRef & { kind: 'tasks' };
}

/**
 * The default folder of `kind` as a straightforward client finds it, counted in its measure as
 * Exsync's own finding is in Exsync's: EWS names both folders by their distinguished ids
 * (`calendar`, `tasks`) and Graph the calendar by its well-known name, at no request (as
 * Exsync, whose settings name them so); a To Do list has no such name, so on Graph the To Do
 * lists are listed (one request, as Exsync lists them) and the default one taken.
 */
async function defaultFolder<K extends FolderName>(
  connector: ExchangeConnector,
  kind: K,
): Promise<Partial<Folders>> {
  if (connector.protocol === 'ews' || kind === 'calendar') return { [kind]: { kind, id: kind } };
  const node = (await connector.listFolders(kind)).find((f) => f.wellKnown === kind);
  if (!node) throw new Error(`${connector.mailbox} has no default ${kind} folder over ${connector.protocol}`);
  return { [kind]: { kind, id: node.id } };
}

// ---------- what the baselines read ----------

interface Read {
  events: NeutralEvent[];
  tasks: NeutralTask[];
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
  folders: Partial<Folders>,
  only: FolderName,
): Promise<Read> {
  const read: Read = { events: [], tasks: [] };
  if (protocol === 'ews') {
    const connector = bench.connect('ews', address);
    const transport = bench.ews(address);
    // getItems of one id: one GetItem, and one more for a series' exceptions.
    if (only === 'calendar')
      for (const id of await ewsFindIds(transport, folders.calendar!)) {
        const [r] = await connector.getItems(folders.calendar!, [id]);
        if (!r.ok) throw r.error;
        read.events.push(r.item);
      }
    else
      for (const id of await ewsFindIds(transport, folders.tasks!)) {
        const [r] = await connector.getItems(folders.tasks!, [id]);
        if (!r.ok) throw r.error;
        read.tasks.push(r.item);
      }
    return read;
  }
  const client = bench.graph(address);
  const base = graphBase(address);
  const select = `$select=${EVENT_SELECT.join(',')}`;
  if (only === 'calendar')
    for (const listed of await graphList(
      client,
      `${collectionPath(base, folders.calendar!)}?$select=id&$top=1000`,
    )) {
      const id = nonEmptyString(listed.id)!;
      const json = (
        await client.request({ method: 'GET', path: `${itemPath(base, folders.calendar!, id)}?${select}` })
      ).json;
      const event = eventFromGraph(json);
      if (event.type === 'seriesMaster')
        event.modifiedOccurrences = await graphExceptions(client, address, id);
      read.events.push(event);
    }
  else
    for (const listed of await graphList(
      client,
      `${collectionPath(base, folders.tasks!)}?$select=id&$top=1000`,
    )) {
      const id = nonEmptyString(listed.id)!;
      const json = (await client.request({ method: 'GET', path: itemPath(base, folders.tasks!, id) })).json;
      read.tasks.push(GRAPH_MAPPINGS.tasks.fromGraph(json));
    }
  return read;
}

async function perItemExport(
  connector: ExchangeConnector,
  folders: Partial<Folders>,
  read: Read,
  only: FolderName,
): Promise<number> {
  if (only === 'calendar')
    for (const event of read.events) await connector.createItem(folders.calendar!, event);
  else for (const task of read.tasks) await connector.createItem(folders.tasks!, task);
  return only === 'calendar' ? read.events.length : read.tasks.length;
}

// ---------- the batched baseline ----------

async function batchedRead(
  bench: Bench,
  protocol: Protocol,
  address: string,
  folders: Partial<Folders>,
  only: FolderName,
): Promise<Read> {
  const read: Read = { events: [], tasks: [] };
  if (protocol === 'ews') {
    const connector = bench.connect('ews', address);
    const transport = bench.ews(address);
    // getItems: GetItem of 100 ids at a time, then the exceptions of all of them 100 at a time.
    if (only === 'calendar')
      for (const r of await connector.getItems(
        folders.calendar!,
        await ewsFindIds(transport, folders.calendar!),
      )) {
        if (!r.ok) throw r.error;
        read.events.push(r.item);
      }
    else
      for (const r of await connector.getItems(folders.tasks!, await ewsFindIds(transport, folders.tasks!))) {
        if (!r.ok) throw r.error;
        read.tasks.push(r.item);
      }
    return read;
  }
  const client = bench.graph(address);
  const base = graphBase(address);
  if (only === 'tasks') {
    const tasks = await graphList(client, `${collectionPath(base, folders.tasks!)}?$top=1000`);
    read.tasks = tasks.map((t) => GRAPH_MAPPINGS.tasks.fromGraph(t));
    return read;
  }
  const q = new URLSearchParams({
    startDateTime: WINDOW.start,
    endDateTime: WINDOW.end,
    $select: EVENT_SELECT.join(','),
    $top: '1000',
  });
  const view = await graphList(
    client,
    `${base}/calendars/${encodeURIComponent(folders.calendar!.id)}/calendarView?${q}`,
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
    path: `${itemPath(base, folders.calendar!, id)}?$select=${EVENT_SELECT.join(',')}`,
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
  read.events = events;
  return read;
}

// ---------- one run ----------

type Measured = Awaited<ReturnType<typeof measure>>;
const changed = (c: { created: number; updated: number; deleted: number; unlinked: number }) =>
  c.created + c.updated + c.deleted + c.unlinked;

async function run(
  pass: string,
  size: MailboxSize,
  latencyMs: number,
  perItem: boolean,
): Promise<PhaseResult[]> {
  const exportMailboxes = protocols.flatMap((p) => [`export-exsync-${p}`, `export-per-item-${p}`]);
  const bench = await setUp(['exsync', 'per-item', 'batched', ...exportMailboxes], size);
  const results: PhaseResult[] = [];
  const check = (r: Measured, expected: number) => {
    if (r.items !== expected)
      throw new Error(
        `${r.way} ${r.phase} of the ${r.folder} over ${r.protocol} handled ${r.items} items, expected ${expected}`,
      );
    const { peakHeapMiB: _heap, peakRssMiB: _rss, ...rest } = r;
    results.push(rest);
  };
  try {
    if (latencyMs > 0)
      for (const protocol of ['ews', 'graph'] as const)
        bench.sandbox.faults.add({ protocol, fault: { kind: 'latency', ms: latencyMs } });
    for (const protocol of protocols) {
      const labels = (
        folder: FolderName,
        phase: PhaseResult['phase'],
        way: Way,
        through: PhaseResult['through'] = '',
      ) => ({
        pass,
        protocol,
        folder,
        phase,
        way,
        through,
      });
      const address = (way: string) => `${way}@load.test`;
      const folder = (mailbox: string, kind: FolderName) =>
        defaultFolder(bench.connect(protocol, mailbox), kind);
      const world = await engineWorld(bench, protocol);
      try {
        // Exsync through the engine: each entity's first run, and a second over the unchanged mailbox.
        const both = { calendar: size.events, tasks: size.tasks };
        const entityOf = { calendar: 'meetings', tasks: 'tasks' } as const;
        const source = await world.mailbox(address('exsync'));
        for (const folder of ['calendar', 'tasks'] as const) {
          check(
            await measure(bench.http, labels(folder, 'import', 'exsync', 'engine'), async () => {
              const counts = await source.sync(entityOf[folder]);
              return counts.import.created;
            }),
            both[folder],
          );
          check(
            await measure(bench.http, labels(folder, 'incremental', 'exsync', 'engine'), async () => {
              const counts = await source.sync(entityOf[folder]);
              const n = changed(counts.import) + changed(counts.export);
              if (n > 0)
                throw new Error(`the second ${folder} run over the unchanged mailbox made ${n} changes`);
              return both[folder];
            }),
            both[folder],
          );
        }

        if (perItem) {
          for (const only of ['calendar', 'tasks'] as const)
            check(
              await measure(bench.http, labels(only, 'import', 'per-item'), async () => {
                const found = await folder(address('per-item'), only);
                const read = await perItemRead(bench, protocol, address('per-item'), found, only);
                return read.events.length + read.tasks.length;
              }),
              both[only],
            );
        }
        const read: Read = { events: [], tasks: [] };
        for (const only of ['calendar', 'tasks'] as const)
          check(
            await measure(bench.http, labels(only, 'import', 'batched'), async () => {
              const found = await folder(address('batched'), only);
              const got = await batchedRead(bench, protocol, address('batched'), found, only);
              if (only === 'calendar') read.events = got.events;
              else read.tasks = got.tasks;
              return got.events.length + got.tasks.length;
            }),
            both[only],
          );

        // Export. Exsync: an empty mailbox's first run writes every activity the import made (the
        // CRM user's own). The per-item baseline: the items the batched baseline read.
        const exportAddress = address(`export-exsync-${protocol}`);
        const target = await world.mailbox(exportAddress);
        for (const folder of ['calendar', 'tasks'] as const) {
          check(
            await measure(bench.http, labels(folder, 'export', 'exsync', 'engine'), async () => {
              const counts = await target.sync(entityOf[folder]);
              return counts.export.created;
            }),
            both[folder],
          );
          const written = itemsIn(bench.sandbox, exportAddress, folder);
          if (written !== both[folder])
            throw new Error(`the export left ${written} items in the ${folder}, expected ${both[folder]}`);
        }
        if (perItem) {
          const mailbox = address(`export-per-item-${protocol}`);
          for (const only of ['calendar', 'tasks'] as const)
            check(
              await measure(bench.http, labels(only, 'export', 'per-item'), async () =>
                perItemExport(bench.connect(protocol, mailbox), await folder(mailbox, only), read, only),
              ),
              both[only],
            );
        }
      } finally {
        await world.close();
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
    };
  });
}

/** Exsync against the baselines per folder, and for both folders together. */
function comparisons(results: PhaseResult[]) {
  const rows = [];
  const keys = new Set(results.map((r) => `${r.pass}|${r.protocol}|${r.phase}`));
  for (const key of keys) {
    const [pass, protocol, phase] = key.split('|');
    if (phase === 'incremental') continue;
    for (const folder of ['calendar', 'tasks', 'both'] as const) {
      const of = (way: Way) => {
        const rs = results.filter(
          (r) =>
            r.way === way &&
            r.pass === pass &&
            r.protocol === protocol &&
            r.phase === phase &&
            (folder === 'both' || r.folder === folder),
        );
        if (rs.length === 0 || (folder === 'both' && rs.length < 2)) return undefined;
        return {
          items: rs.reduce((n, r) => n + r.items, 0),
          requests: rs.reduce((n, r) => n + r.requests, 0),
          seconds: rs.reduce((n, r) => n + r.seconds, 0),
        };
      };
      const exsync = of('exsync');
      if (!exsync) continue;
      const perItem = of('per-item');
      const batched = of('batched');
      rows.push({
        pass,
        protocol,
        phase,
        folder,
        exsyncRequests: exsync.requests,
        itemsPerRequest: Number((exsync.items / Math.max(1, exsync.requests)).toFixed(1)),
        batchedRequests: batched?.requests ?? null,
        perItemRequests: perItem?.requests ?? null,
        fewerThanPerItem: perItem
          ? Number((perItem.requests / Math.max(1, exsync.requests)).toFixed(1))
          : null,
        requestsVsBatched: batched
          ? Number((exsync.requests / Math.max(1, batched.requests)).toFixed(2))
          : null,
        exsyncS: Number(exsync.seconds.toFixed(2)),
        batchedS: batched ? Number(batched.seconds.toFixed(2)) : null,
        perItemS: perItem ? Number(perItem.seconds.toFixed(2)) : null,
      });
    }
  }
  return rows;
}

function machine() {
  return {
    node: process.version,
    at: new Date().toISOString(),
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverage: loadavg()
      .map((l) => l.toFixed(1))
      .join(' '),
  };
}

async function compare(): Promise<void> {
  const scale = Number(values['latency-scale']);
  const small: MailboxSize = {
    events: Math.max(1, Math.round(FULL.events * scale)),
    series: Math.round(FULL.series * scale),
    tasks: Math.round(FULL.tasks * scale),
  };
  console.log(JSON.stringify({ ...machine(), from: FROM, days: DAYS }));
  // The per-item baseline pays a round trip per item: on the full mailbox only when asked.
  const passes: Array<[string, MailboxSize, number, boolean, string]> = [
    [`full speed, ${FULL.events}+${FULL.tasks}`, FULL, 0, values['per-item-full'], 'full'],
    [`full speed, ${small.events}+${small.tasks}`, small, 0, true, 'small'],
    [
      `+${values['latency-ms']} ms, ${small.events}+${small.tasks}`,
      small,
      Number(values['latency-ms']),
      true,
      'latency',
    ],
  ];
  const results: PhaseResult[] = [];
  const chosen = values.passes.split(',');
  for (const [name, size, latency, perItem, key] of passes) {
    if (!chosen.includes(key)) continue;
    const runs: PhaseResult[][] = [];
    for (let i = 0; i < RUNS; i++) {
      runs.push(await run(name, size, latency, perItem));
      // Progress, and the figures of every run, for a benchmark that takes many minutes.
      console.error(
        `${name}: run ${i + 1} done, load average ${machine().loadAverage} ${JSON.stringify(runs[i])}`,
      );
    }
    results.push(...medians(runs));
  }
  console.log(`load average after: ${machine().loadAverage}`);
  const compared = comparisons(results);
  console.table(results.map(({ operations: _o, members: _m, ...r }) => r));
  console.table(compared);
  console.log(JSON.stringify({ results, comparisons: compared }));
}

// ---------- memory of the engine's process ----------

/** `--sandbox-child`: the sandbox with a filled mailbox and an empty one, until it is told to stop. */
async function sandboxChild(): Promise<void> {
  const sandbox = await filledSandbox(['exsync', 'export-exsync'], FULL);
  (globalThis as { gc?: () => void }).gc?.();
  process.once('SIGTERM', () => void sandbox.close().then(() => process.exit(0)));
  console.log(`READY ${JSON.stringify({ httpsUrl: sandbox.httpsUrl, caPem: sandbox.caPem })}`);
}

function readyLine(child: ReturnType<typeof spawn>, tag: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.startsWith(`${tag} `));
      if (line) resolve(line.slice(tag.length + 1));
    });
    child.once('exit', (code) => reject(new Error(`the child exited (${code}) before ${tag}:\n${output}`)));
  });
}

const sizeArgs = (size: MailboxSize) => [
  '--events',
  String(size.events),
  '--series',
  String(size.series),
  '--tasks',
  String(size.tasks),
  '--from',
  FROM,
  '--days',
  String(DAYS),
];

/** `--memory-run`: this process is the engine; the sandbox runs in a child of its own. */
async function memoryRun(): Promise<void> {
  const child = spawn(process.execPath, [import.meta.filename, '--sandbox-child', ...sizeArgs(FULL)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.once('exit', () => child.kill('SIGTERM'));
  const { httpsUrl, caPem } = JSON.parse(await readyLine(child, 'READY')) as {
    httpsUrl: string;
    caPem: string;
  };
  const side = clients(httpsUrl, caPem);
  const protocol = protocols[0];
  const world = await engineWorld(side, protocol);
  const labels = (phase: PhaseResult['phase']) =>
    ({ pass: 'memory', protocol, folder: 'calendar', phase, way: 'exsync', through: 'engine' }) as const;
  const phases: Measured[] = [];
  const source = await world.mailbox('exsync@load.test');
  phases.push(
    await measure(side.http, labels('import'), async () => (await source.sync('meetings')).import.created),
  );
  phases.push(
    await measure(side.http, labels('incremental'), async () => {
      const counts = await source.sync('meetings');
      return changed(counts.import) + changed(counts.export);
    }),
  );
  if (!values['memory-import-only']) {
    const target = await world.mailbox('export-exsync@load.test');
    phases.push(
      await measure(side.http, labels('export'), async () => (await target.sync('meetings')).export.created),
    );
  }
  await world.close();
  side.http.close();
  child.kill('SIGTERM');
  console.log(
    `RESULT ${JSON.stringify({
      protocol,
      events: FULL.events,
      series: FULL.series,
      phases: phases.map((p) => ({
        phase: p.phase,
        items: p.items,
        requests: p.requests,
        seconds: p.seconds,
        peakHeapMiB: p.peakHeapMiB,
        peakRssMiB: p.peakRssMiB,
        operations: p.operations,
      })),
      processPeakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      heapLimitMiB: Math.round(getHeapStatistics().heap_size_limit / MiB),
    })}`,
  );
  process.exit(0);
}

/** `--memory`: each protocol and mailbox size in an engine process of its own. */
async function memoryMain(): Promise<void> {
  console.log(
    JSON.stringify({ ...machine(), from: FROM, days: DAYS, nodeFlags: values['memory-node-flags'] }),
  );
  const rows = [];
  for (const protocol of protocols)
    for (const events of values['memory-sizes'].split(',').map(Number)) {
      const size: MailboxSize = {
        events,
        series: Math.round((events * FULL.series) / FULL.events),
        tasks: 0,
      };
      for (let i = 0; i < RUNS; i++) {
        const child = spawn(
          process.execPath,
          [
            '--expose-gc',
            ...values['memory-node-flags'].split(' ').filter(Boolean),
            import.meta.filename,
            '--memory-run',
            ...(values['memory-import-only'] ? ['--memory-import-only'] : []),
            '--protocols',
            protocol,
            ...sizeArgs(size),
          ],
          { stdio: ['ignore', 'pipe', 'inherit'] },
        );
        const result = JSON.parse(await readyLine(child, 'RESULT'));
        console.error(`memory ${protocol} ${events}: run ${i + 1} ${JSON.stringify(result)}`);
        rows.push(result);
      }
    }
  const table = [];
  for (const protocol of protocols)
    for (const events of values['memory-sizes'].split(',').map(Number)) {
      const runs = rows.filter((r) => r.protocol === protocol && r.events === events);
      const m = (f: (r: (typeof runs)[number]) => number) => median(runs.map(f));
      const phase = (name: string) => (r: (typeof runs)[number]) =>
        r.phases.find((p: { phase: string }) => p.phase === name);
      table.push({
        protocol,
        events,
        series: runs[0].series,
        runs: runs.length,
        importS: m((r) => phase('import')(r).seconds),
        importRequests: m((r) => phase('import')(r).requests),
        exportS: m((r) => phase('export')(r)?.seconds ?? Number.NaN),
        exportRequests: m((r) => phase('export')(r)?.requests ?? Number.NaN),
        incrementalRequests: m((r) => phase('incremental')(r).requests),
        peakHeapMiB: m((r) => Math.max(...r.phases.map((p: { peakHeapMiB: number }) => p.peakHeapMiB))),
        sampledPeakRssMiB: m((r) => Math.max(...r.phases.map((p: { peakRssMiB: number }) => p.peakRssMiB))),
        processPeakRssMiB: m((r) => r.processPeakRssMiB),
        heapLimitMiB: runs[0].heapLimitMiB,
      });
    }
  console.log(`load average after: ${machine().loadAverage}`);
  console.table(table);
  console.log(JSON.stringify({ memory: table }));
}

if (values['sandbox-child']) await sandboxChild();
else {
  if (values['memory-run']) await memoryRun();
  else if (values.memory) await memoryMain();
  else await compare();
  clearInterval(sampler);
}
