// `npm run bench:store`: writes 100,000 contacts (with their journal entries) in batches, then
// reads every change since version 0, on SQLite and on PostgreSQL, each on a fresh database and
// several times over. Prints per engine the median writes/s and change reads/s with the slowest
// and fastest run, peak memory, and the machine (CPU model, cores, load when it started: a busy
// machine shows in the spread). Writes per CPU second (the process's user and system time) say
// what one core does when it is not shared; on a busy machine wall-clock rates fall, CPU rates
// much less. Options: --contacts N, --batch N, --runs N (default 5),
// --engines sqlite,postgres.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type ContactCreate, createCrm } from '../src/crm/index.ts';
import { createSchema, dropSchema, migrateToLatest, openStore, type Store } from '../src/db/database.ts';

const { values } = parseArgs({
  options: {
    contacts: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '5' },
    engines: { type: 'string', default: 'sqlite,postgres' },
    'postgres-url': {
      type: 'string',
      default: process.env.EXSYNC_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    },
  },
});
const total = Number(values.contacts);
const batchSize = Number(values.batch);
const runs = Math.max(1, Number(values.runs));

function contactInput(i: number): ContactCreate {
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

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);

async function runOn(engine: 'sqlite' | 'postgres') {
  let store: Store;
  let cleanup: () => Promise<void>;
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'exsync-bench-'));
    store = openStore(`sqlite:${join(dir, 'bench.db')}`);
    cleanup = async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    };
  } else {
    const url = values['postgres-url'];
    const schema = `exsync_bench_${randomBytes(4).toString('hex')}`;
    await createSchema(url, schema);
    store = openStore(url, { schema });
    cleanup = async () => {
      await store.close();
      await dropSchema(url, schema);
    };
  }
  try {
    await migrateToLatest(store);
    const crm = createCrm(store);
    await crm.users.ensureAdministratorsRole();
    const owner = await crm.users.createUser({
      email: 'bench@example.test',
      displayName: 'Bench',
      roles: ['Sales'],
    });
    const principal = await crm.users.principalFor(owner.id);

    peakRss = process.memoryUsage().rss;
    const writeStart = performance.now();
    const writeCpuStart = process.cpuUsage();
    for (let offset = 0; offset < total; offset += batchSize) {
      const inputs: ContactCreate[] = [];
      for (let i = offset; i < Math.min(total, offset + batchSize); i++) inputs.push(contactInput(i));
      await crm.contacts.createMany(principal, inputs);
    }
    const writeSeconds = (performance.now() - writeStart) / 1000;
    const writeCpu = process.cpuUsage(writeCpuStart);
    const writeCpuSeconds = (writeCpu.user + writeCpu.system) / 1e6;
    const writePeak = peakRss;

    peakRss = process.memoryUsage().rss;
    const readStart = performance.now();
    let version = 0;
    let read = 0;
    for (;;) {
      const page = await crm.journal.changesSince(version, 10_000);
      if (page.length === 0) break;
      read += page.length;
      version = page[page.length - 1].version;
    }
    const readSeconds = (performance.now() - readStart) / 1000;
    const readPeak = peakRss;
    if (read < total) throw new Error(`read ${read} changes, expected at least ${total}`);
    return {
      engine,
      contacts: total,
      batch: batchSize,
      writesPerSecond: Math.round(total / writeSeconds),
      writesPerCpuSecond: Math.round(total / writeCpuSeconds),
      writeSeconds: Number(writeSeconds.toFixed(2)),
      changesRead: read,
      readsPerSecond: Math.round(read / readSeconds),
      readSeconds: Number(readSeconds.toFixed(2)),
      peakRssMiB: Math.round(Math.max(writePeak, readPeak) / 2 ** 20),
    };
  } finally {
    await cleanup();
  }
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : Math.round((sorted[mid - 1] + sorted[mid]) / 2);
};
const spread = (xs: number[]) => `${Math.min(...xs)}–${Math.max(...xs)}`;

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: availableParallelism(),
  loadAtStart: loadavg().map((l) => Number(l.toFixed(2))),
  node: process.version,
  at: new Date().toISOString(),
};
const results = [];
for (const engine of values.engines.split(',') as Array<'sqlite' | 'postgres'>) {
  const each = [];
  for (let i = 0; i < runs; i++) each.push(await runOn(engine));
  const writes = each.map((r) => r.writesPerSecond);
  const writesCpu = each.map((r) => r.writesPerCpuSecond);
  const reads = each.map((r) => r.readsPerSecond);
  results.push({
    engine,
    contacts: total,
    batch: batchSize,
    runs,
    writesPerSecondMedian: median(writes),
    writesPerSecondRange: spread(writes),
    writesPerCpuSecondMedian: median(writesCpu),
    readsPerSecondMedian: median(reads),
    readsPerSecondRange: spread(reads),
    peakRssMiB: Math.max(...each.map((r) => r.peakRssMiB)),
    writesPerSecondEach: writes,
  });
}
clearInterval(sampler);
console.log(
  `${machine.cpu}, ${machine.cores} cores, load ${machine.loadAtStart.join(' ')}; node ${machine.node}, ${machine.at}`,
);
console.table(results.map(({ writesPerSecondEach: _each, ...r }) => r));
console.log(JSON.stringify({ machine, results }));
