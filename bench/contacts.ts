// `npm run bench:contacts`: what a contact sync costs Exsync against Exchange, next to a baseline
// written the way other products do it (list the ids, then one request per item). In one
// process and against the same sandbox data, for each protocol: the initial import of N
// contacts, an incremental sync of the unchanged mailbox, and the export of N CRM contacts.
// Requests are counted at the HTTP client (token requests apart; Graph $batch members counted
// separately). The whole run is done twice: the sandbox at full speed, then with a latency added
// to every Exchange request, as a real server across a network would.
//
// The sandbox limits Graph as Microsoft 365 does: 10,000 requests per app and mailbox in 10
// minutes, $batch members counted one by one. Both Exsync and the baseline wait out a throttled
// answer's Retry-After, as real clients must; the time slept is part of the wall time and is
// reported on its own (`waitS`).
//
// `--memory 100000` instead imports 100,000 contacts on the first protocol only, with the
// sandbox in a child process of its own, and reports this process's (the engine's) peak memory;
// run it under a heap limit (`node --max-old-space-size=N`) to see what the engine really needs.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import { DEMO_CLIENT_SECRET, DEMO_PASSWORD, LOAD_CLIENT_ID, LOAD_TENANT_ID } from '@exsync/sandbox/seed';
import type { RunningSandbox } from '@exsync/sandbox/server';
import { XMLParser } from 'fast-xml-parser';
import { createEwsConnector } from '../src/connectors/ews/factory.ts';
import { AppOnlyTokens } from '../src/connectors/graph/auth.ts';
import { GraphConnector } from '../src/connectors/graph/connector.ts';
import { CONTACT_SELECT, contactFromGraph } from '../src/connectors/graph/mapping/contact.ts';
import { HttpClient, type HttpRequest, type HttpResponse } from '../src/connectors/net/http.ts';
import type { ExchangeConnector, NeutralContact, Protocol } from '../src/connectors/types.ts';
import { type ContactCreate, type Crm, createCrm } from '../src/crm/index.ts';
import type { Principal } from '../src/crm/principal.ts';
import { migrateToLatest, openStore, type Store } from '../src/db/database.ts';
import { contactsEntity } from '../src/sync/contacts/entity.ts';
import { DEFAULT_CONTACT_OPTIONS } from '../src/sync/contacts/mapping.ts';
import { SyncEngine } from '../src/sync/engine.ts';
import { contactSettings, MemoryMailboxSource } from '../test/support/sandbox-source.ts';

const { values } = parseArgs({
  options: {
    // At 10,000 contacts the Graph baseline's import (10,010 requests) and Exsync's Graph export
    // (10,000 $batch members) each meet the per-mailbox limit once and wait for its window.
    contacts: { type: 'string', default: '10000' },
    /** The latency pass pays one round trip per baseline item: fewer contacts keep it short. */
    'latency-contacts': { type: 'string', default: '500' },
    'latency-ms': { type: 'string', default: '30' },
    protocols: { type: 'string', default: 'ews,graph' },
    /** Only the import of this many contacts on the first protocol, for peak memory. */
    memory: { type: 'string' },
  },
});
const protocols = values.protocols.split(',') as Protocol[];
const MiB = 2 ** 20;

// ---------- measuring ----------

/** Exchange requests seen by the HTTP client; identity-platform token requests kept apart. */
class CountingHttpClient extends HttpClient {
  requests = 0;
  batchMembers = 0;
  tokenRequests = 0;

  override async send(request: HttpRequest): Promise<HttpResponse> {
    if (/\/oauth2\//.test(request.url)) this.tokenRequests++;
    else {
      this.requests++;
      if (request.url.endsWith('/$batch') && typeof request.body === 'string')
        this.batchMembers += (JSON.parse(request.body) as { requests: unknown[] }).requests.length;
    }
    return super.send(request);
  }

  reset(): void {
    this.requests = 0;
    this.batchMembers = 0;
    this.tokenRequests = 0;
  }
}

/** Time slept before retrying a request: throttled answers' Retry-After, transient back-off. */
const waits = { count: 0, ms: 0 };
async function waitBeforeRetry(ms: number): Promise<void> {
  waits.count++;
  waits.ms += ms;
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Peak RSS, heap and memory outside the heap (buffers) while a phase runs, sampled every 50 ms. */
const memory = { rss: 0, heap: 0, external: 0 };
const sampler = setInterval(sample, 50);
function sample() {
  const m = process.memoryUsage();
  memory.rss = Math.max(memory.rss, m.rss);
  memory.heap = Math.max(memory.heap, m.heapUsed);
  memory.external = Math.max(memory.external, m.external);
}

interface PhaseResult {
  pass: string;
  protocol: Protocol;
  phase: string;
  way: 'exsync' | 'baseline';
  items: number;
  seconds: number;
  requests: number;
  batchMembers: number;
  requestsPerItem: number;
  /** Seconds of `seconds` slept waiting out throttling (and transient back-off). */
  waitS: number;
  peakRssMiB: number;
  peakHeapMiB: number;
  peakExternalMiB: number;
}

async function measure(
  http: CountingHttpClient,
  labels: Pick<PhaseResult, 'pass' | 'protocol' | 'phase' | 'way'>,
  work: () => Promise<number>,
): Promise<PhaseResult> {
  // Settle the heap so that one phase's garbage does not count against the next.
  (globalThis as { gc?: () => void }).gc?.();
  http.reset();
  waits.count = 0;
  waits.ms = 0;
  memory.rss = 0;
  memory.heap = 0;
  memory.external = 0;
  sample();
  const started = performance.now();
  const items = await work();
  const seconds = (performance.now() - started) / 1000;
  sample();
  return {
    ...labels,
    items,
    seconds: Number(seconds.toFixed(2)),
    requests: http.requests,
    batchMembers: http.batchMembers,
    requestsPerItem: Number((http.requests / Math.max(1, items)).toFixed(4)),
    waitS: Number((waits.ms / 1000).toFixed(2)),
    peakRssMiB: Math.round(memory.rss / MiB),
    peakHeapMiB: Math.round(memory.heap / MiB),
    peakExternalMiB: Math.round(memory.external / MiB),
  };
}

// ---------- setup ----------

interface Bench extends EngineSide {
  sandbox: RunningSandbox;
}

/** What the engine side needs, whichever process the sandbox runs in. */
interface EngineSide {
  http: CountingHttpClient;
  tokens: AppOnlyTokens;
  crm: Crm;
  store: Store;
  connect(protocol: Protocol, address: string): ExchangeConnector;
  close(): Promise<void>;
}

async function engineSide(httpsUrl: string, caPem: string): Promise<EngineSide> {
  const http = new CountingHttpClient({ ca: caPem, allowPrivateAddresses: true, timeoutMs: 60_000 });
  const graphBaseUrl = `${httpsUrl}/v1.0`;
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
  const dir = mkdtempSync(join(tmpdir(), 'exsync-bench-contacts-'));
  const store = openStore(`sqlite:${join(dir, 'bench.db')}`);
  await migrateToLatest(store);
  const crm = createCrm(store);
  await crm.users.ensureAdministratorsRole();
  // Throttled answers are waited out, however long Retry-After says (the limit's window is 10
  // minutes); the server runs the same wait through the mailbox's schedule instead.
  const retry = { attempts: 4, maxWaitMs: 11 * 60_000, baseDelayMs: 10, sleep: waitBeforeRetry };
  return {
    http,
    tokens,
    crm,
    store,
    connect: (protocol, address) =>
      protocol === 'ews'
        ? createEwsConnector({
            http,
            serviceAddress: `${httpsUrl}/EWS/Exchange.asmx`,
            auth: { kind: 'basic', login: address, password: DEMO_PASSWORD },
            mailbox: address,
            retry,
          })
        : new GraphConnector({ http, tokens, mailbox: address, mode: 'app', graphBaseUrl, retry }),
    async close() {
      http.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function setUp(contacts: number): Promise<Bench & { sandboxRssMiB: number }> {
  // Loaded only here: with --memory the sandbox's code stays out of the measured process.
  const { startSandbox } = await import('@exsync/sandbox/server');
  const sandbox = await startSandbox({
    port: 0,
    seed: 'none',
    generate: { contacts, events: 0, tasks: 0, messages: 0, mailboxes: 1, seed: 1 },
  });
  (globalThis as { gc?: () => void }).gc?.();
  const sandboxRssMiB = Math.round(process.memoryUsage().rss / MiB);
  const side = await engineSide(sandbox.httpsUrl, sandbox.caPem);
  return {
    ...side,
    sandbox,
    sandboxRssMiB,
    async close() {
      await side.close();
      await sandbox.close();
    },
  };
}

/**
 * The sandbox in a child process of its own (`exsync sandbox --generate …`), so that this
 * process's memory is the engine's alone.
 */
async function setUpWithSandboxProcess(contacts: number): Promise<EngineSide & { sandboxPid: number }> {
  const child = spawn(
    process.execPath,
    [
      join(import.meta.dirname, '..', 'src', 'cli', 'main.ts'),
      'sandbox',
      '--port',
      '0',
      '--seed',
      'none',
      '--generate',
      `contacts=${contacts},mailboxes=1,seed=1`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  // A benchmark that dies (out of memory under a heap limit, say) takes its sandbox with it.
  process.once('exit', () => child.kill('SIGTERM'));
  const { httpsUrl, caFile } = await new Promise<{ httpsUrl: string; caFile: string }>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /HTTPS:\s+(https:\/\/\S+)/.exec(output)?.[1];
      const ca = /trust the CA in (\S+?),/.exec(output)?.[1];
      if (url && ca) resolve({ httpsUrl: url, caFile: ca });
    });
    child.once('exit', (code) =>
      reject(new Error(`the sandbox exited (${code}) before it was ready:\n${output}`)),
    );
  });
  const side = await engineSide(httpsUrl, readFileSync(caFile, 'utf8'));
  return {
    ...side,
    sandboxPid: child.pid!,
    async close() {
      await side.close();
      child.kill('SIGTERM');
    },
  };
}

let serial = 0;

/** A CRM user (no roles: it sees only its own records) whose mailbox `address` syncs. */
async function syncUser(bench: EngineSide, protocol: Protocol, address: string) {
  const n = `bench${serial++}`;
  const user = await bench.crm.users.createUser({ email: `${n}@crm.test`, displayName: n });
  const mailboxId = `mbx-${n}`;
  const principal = await bench.crm.users.principalFor(user.id, { mailboxId });
  const source = new MemoryMailboxSource((a) => bench.connect(protocol, a));
  source.add(mailboxId, { address, principal, settings: { contacts: contactSettings() } });
  const engine = new SyncEngine({ crm: bench.crm, source, entities: [contactsEntity] });
  return {
    mailboxId,
    engine,
    owner: await bench.crm.users.principalFor(user.id),
    async sync() {
      const result = await engine.syncMailbox(mailboxId, 'contacts');
      if (result.status !== 'succeeded')
        throw new Error(`the sync ${result.status}: ${JSON.stringify(result.error ?? result.tally?.errors)}`);
      return result;
    },
  };
}

function emptyMailbox(bench: Bench, name: string): string {
  const address = `${name}@load.test`;
  bench.sandbox.store.addMailbox({
    tenantId: LOAD_TENANT_ID,
    address,
    displayName: name,
    password: DEMO_PASSWORD,
  });
  return address;
}

function itemsIn(bench: Bench, address: string): number {
  const mailbox = bench.sandbox.store.mailbox(address)!;
  return bench.sandbox.store.items(
    mailbox.id,
    bench.sandbox.store.distinguishedFolder(mailbox.id, 'contacts')!.id,
  ).length;
}

function crmContact(i: number): ContactCreate {
  return {
    type: i % 3 === 0 ? 'employee' : 'customer',
    givenName: `Given${i}`,
    familyName: `Family${i}`,
    companyName: `Company ${i % 500}`,
    jobTitle: 'Buyer',
    emails: [
      { type: 'work', address: `person${i}@example.test` },
      { type: 'home', address: `p${i}@home.example.test` },
    ],
    phones: [{ type: 'work', number: `+49 30 ${String(1000000 + i)}` }],
    addresses: [{ type: 'work', street: `Street ${i}`, city: 'Berlin', postalCode: '10115', country: 'DE' }],
    categories: ['Bench'],
  } as ContactCreate;
}

async function seedCrm(crm: Crm, owner: Principal, count: number): Promise<void> {
  for (let offset = 0; offset < count; offset += 1000) {
    const inputs: ContactCreate[] = [];
    for (let i = offset; i < Math.min(count, offset + 1000); i++) inputs.push(crmContact(i));
    await crm.contacts.createMany(owner, inputs);
  }
}

// ---------- the baseline: ids first, then one request per item ----------

const xml = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, processEntities: false });
const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

async function ewsIds(bench: Bench, address: string): Promise<string[]> {
  const ids: string[] = [];
  const authorization = `Basic ${Buffer.from(`${address}:${DEMO_PASSWORD}`).toString('base64')}`;
  for (;;) {
    const response = await bench.http.send({
      method: 'POST',
      url: `${bench.sandbox.httpsUrl}/EWS/Exchange.asmx`,
      headers: { 'content-type': 'text/xml; charset=utf-8', authorization },
      body: `<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">
<soap:Header><t:RequestServerVersion Version="Exchange2013"/></soap:Header><soap:Body>
<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>
<m:IndexedPageItemView MaxEntriesReturned="1000" Offset="${ids.length}" BasePoint="Beginning"/>
<m:ParentFolderIds><t:DistinguishedFolderId Id="contacts"/></m:ParentFolderIds></m:FindItem></soap:Body></soap:Envelope>`,
    });
    if (response.status !== 200) throw new Error(`FindItem answered ${response.status}: ${response.text()}`);
    // biome-ignore lint/suspicious/noExplicitAny: walking a parsed SOAP body
    const message = (xml.parse(response.text()) as any).Envelope.Body.FindItemResponse.ResponseMessages
      .FindItemResponseMessage;
    // biome-ignore lint/suspicious/noExplicitAny: walking a parsed SOAP body
    for (const c of asArray<any>(message.RootFolder.Items?.Contact)) ids.push(c.ItemId['@_Id']);
    if (String(message.RootFolder['@_IncludesLastItemInRange']) === 'true') return ids;
  }
}

async function graphGet(bench: Bench, url: string): Promise<Record<string, unknown>> {
  for (let attempt = 1; ; attempt++) {
    const response = await bench.http.send({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${await bench.tokens.accessToken()}` },
    });
    // Throttled: wait as long as Graph asks, as any client of Microsoft 365 has to.
    const retryAfter = Number(response.header('retry-after'));
    if (response.status === 429 && retryAfter >= 0 && attempt < 4) {
      await waitBeforeRetry(retryAfter * 1000);
      continue;
    }
    if (response.status !== 200) throw new Error(`Graph answered ${response.status}: ${response.text()}`);
    return JSON.parse(response.text());
  }
}

async function baselineImport(bench: Bench, protocol: Protocol, address: string): Promise<number> {
  const read: NeutralContact[] = [];
  if (protocol === 'ews') {
    const connector = bench.connect('ews', address);
    for (const id of await ewsIds(bench, address)) {
      const [result] = await connector.getItems({ kind: 'contacts', id: 'contacts' }, [id]);
      if (!result.ok) throw result.error;
      read.push(result.item);
    }
  } else {
    const base = `${bench.sandbox.httpsUrl}/v1.0/users/${encodeURIComponent(address)}/contacts`;
    const ids: string[] = [];
    let next: string | undefined = `${base}?$select=id&$top=1000`;
    while (next) {
      const page = await graphGet(bench, next);
      for (const c of page.value as Array<{ id: string }>) ids.push(c.id);
      next = page['@odata.nextLink'] as string | undefined;
    }
    for (const id of ids)
      read.push(
        contactFromGraph(
          (await graphGet(bench, `${base}/${id}?$select=${CONTACT_SELECT.join(',')}`)) as never,
        ),
      );
  }
  return read.length;
}

async function baselineExport(bench: Bench, protocol: Protocol, owner: Principal, address: string) {
  const connector = bench.connect(protocol, address);
  let written = 0;
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<Crm['contacts']['list']>> = await bench.crm.contacts.list(owner, {
      cursor,
      limit: 200,
    });
    for (const record of page.items) {
      const item = contactsEntity.toItem(
        contactsEntity.fromRecord(record, DEFAULT_CONTACT_OPTIONS).snapshot,
        DEFAULT_CONTACT_OPTIONS,
      );
      await connector.createItem({ kind: 'contacts', id: 'contacts' }, item);
      written++;
    }
    cursor = page.nextCursor;
  } while (cursor);
  return written;
}

// ---------- the passes ----------

const SOURCE = 'user0001@load.test';

async function pass(name: string, slug: string, contacts: number, latencyMs: number): Promise<PhaseResult[]> {
  const bench = await setUp(contacts);
  const results: PhaseResult[] = [];
  try {
    if (latencyMs > 0)
      for (const protocol of ['ews', 'graph'] as const)
        bench.sandbox.faults.add({ protocol, fault: { kind: 'latency', ms: latencyMs } });
    for (const protocol of protocols) {
      const labels = { pass: name, protocol };
      // Import: Exsync's first sync of the generated mailbox, then the same mailbox unchanged.
      const importer = await syncUser(bench, protocol, SOURCE);
      results.push(
        await measure(bench.http, { ...labels, phase: 'import', way: 'exsync' }, async () => {
          const run = await importer.sync();
          return run.tally!.counts.import.created;
        }),
      );
      results.push(
        await measure(bench.http, { ...labels, phase: 'incremental', way: 'exsync' }, async () => {
          const run = await importer.sync();
          const written = run.tally!.counts;
          if (written.import.created + written.import.updated + written.export.created > 0)
            throw new Error('the unchanged mailbox was not quiet');
          return contacts;
        }),
      );
      results.push(
        await measure(bench.http, { ...labels, phase: 'import', way: 'baseline' }, () =>
          baselineImport(bench, protocol, SOURCE),
        ),
      );

      // Export: N CRM contacts of a new user into an empty mailbox, by the engine and by the baseline.
      const exporter = await syncUser(bench, protocol, emptyMailbox(bench, `export-${protocol}-${slug}`));
      await seedCrm(bench.crm, exporter.owner, contacts);
      const target = bench.sandbox.store.mailbox(`export-${protocol}-${slug}@load.test`)!.address;
      results.push(
        await measure(bench.http, { ...labels, phase: 'export', way: 'exsync' }, async () => {
          const run = await exporter.sync();
          return run.tally!.counts.export.created;
        }),
      );
      const copy = emptyMailbox(bench, `baseline-${protocol}-${slug}`);
      results.push(
        await measure(bench.http, { ...labels, phase: 'export', way: 'baseline' }, () =>
          baselineExport(bench, protocol, exporter.owner, copy),
        ),
      );
      for (const address of [target, copy])
        if (itemsIn(bench, address) !== contacts)
          throw new Error(`${address} holds ${itemsIn(bench, address)} contacts, expected ${contacts}`);
    }
  } finally {
    await bench.close();
  }
  return results;
}

function ratios(results: PhaseResult[]) {
  const out = [];
  for (const r of results.filter((x) => x.way === 'exsync' && x.phase !== 'incremental')) {
    const base = results.find(
      (b) => b.way === 'baseline' && b.pass === r.pass && b.protocol === r.protocol && b.phase === r.phase,
    );
    if (!base) continue;
    out.push({
      pass: r.pass,
      protocol: r.protocol,
      phase: r.phase,
      itemsPerRequest: Number((r.items / Math.max(1, r.requests)).toFixed(1)),
      fewerRequests: Number((base.requests / Math.max(1, r.requests)).toFixed(1)),
      faster: Number((base.seconds / Math.max(0.001, r.seconds)).toFixed(2)),
      fasterWithoutWaits: Number(
        ((base.seconds - base.waitS) / Math.max(0.001, r.seconds - r.waitS)).toFixed(2),
      ),
      peakRssRatio: Number((r.peakRssMiB / Math.max(1, base.peakRssMiB)).toFixed(2)),
    });
  }
  return out;
}

console.log(`node ${process.version}, ${new Date().toISOString()}`);
if (values.memory) {
  const contacts = Number(values.memory);
  const protocol = protocols[0];
  const bench = await setUpWithSandboxProcess(contacts);
  try {
    const importer = await syncUser(bench, protocol, SOURCE);
    const result = await measure(
      bench.http,
      { pass: 'memory', protocol, phase: 'import', way: 'exsync' },
      async () => {
        const run = await importer.sync();
        return run.tally!.counts.import.created;
      },
    );
    if (result.items !== contacts) throw new Error(`imported ${result.items} contacts, expected ${contacts}`);
    // The kernel's high-water mark: exact, where sampling misses stretches in which the event
    // loop does not turn (the CRM-only export pass over SQLite runs without a break).
    const peakRss = (pid: number | 'self') =>
      Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
    const summary = {
      ...result,
      processPeakRssMiB: peakRss('self'),
      heapLimitMiB: Math.round(getHeapStatistics().heap_size_limit / MiB),
      sandboxPeakRssMiB: peakRss(bench.sandboxPid),
    };
    console.table([summary]);
    console.log(JSON.stringify(summary));
  } finally {
    await bench.close();
  }
} else {
  const results = [
    ...(await pass('full speed', 'fast', Number(values.contacts), 0)),
    ...(await pass(
      `+${values['latency-ms']} ms`,
      'slow',
      Number(values['latency-contacts']),
      Number(values['latency-ms']),
    )),
  ];
  console.table(results);
  console.table(ratios(results));
  console.log(JSON.stringify({ results, ratios: ratios(results) }));
}
clearInterval(sampler);
