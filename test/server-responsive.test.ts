// The server never freezes (SPEC E8): while a large CSV import runs, or a hostile Exchange server
// sends an answer of 24 MB, the main thread never computes for 100 ms without yielding, so
// /healthz is answered within 100 ms on a machine that schedules the process. The bound is on the
// main thread's CPU time between two turns of the event loop (process.threadCpuUsage), which a
// loaded shared machine does not inflate; the wall-clock event-loop delay (monitorEventLoopDelay)
// and /healthz times are bounded loosely, far below the 5 to 26 s freezes this guards against.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_IMPORT_ROWS } from '../src/csv/index.ts';
import { createHarness, type Harness } from './http-harness.ts';
import { measureResponsiveness, percentile } from './support/responsiveness.ts';

/** The longest the main thread may compute without yielding, in CPU ms. */
const MAX_BUSY_MS = 100;
/** Loose wall-clock bounds: a loaded two-core machine may not schedule the process for a while. */
const MAX_STALL_MS = 3_000;

function expectResponsive(r: { maxBusyMs: number; maxStallMs: number; healthzMs: number[] }) {
  expect(r.healthzMs.length).toBeGreaterThan(0);
  expect(r.maxBusyMs).toBeLessThan(MAX_BUSY_MS);
  expect(r.maxStallMs).toBeLessThan(MAX_STALL_MS);
  expect(percentile(r.healthzMs, 0.5)).toBeLessThan(MAX_STALL_MS);
}

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

function importCsv(csv: string) {
  return h.as(h.admin, {
    method: 'POST',
    url: '/api/v1/contacts/import',
    headers: { 'content-type': 'text/csv' },
    payload: csv,
  });
}

const csvOf = (rows: number, prefix: string) =>
  `First Name,Last Name,E-mail Address\n${Array.from({ length: rows }, (_, i) => `${prefix},Row${i},${prefix.toLowerCase()}${i}@csv.test`).join('\n')}\n`;

describe('a large CSV import', () => {
  it(`refuses a file of more than ${MAX_IMPORT_ROWS} rows before writing anything, without freezing`, async () => {
    const before = await h.store.db
      .selectFrom('contacts')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    // 100,000 rows of two characters each: about a megabyte.
    const tiny = `Last Name\n${'a\n'.repeat(100_000)}`;
    const measured = await measureResponsiveness(h.app, () => importCsv(tiny));
    const result = measured.result;
    expect(result.statusCode).toBe(422);
    expect(result.json().error.message).toMatch(
      /The file is too long: line \d+: the file has more than 50,000 rows/,
    );
    const after = await h.store.db
      .selectFrom('contacts')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    expectResponsive(measured);
  });

  it('imports 20,000 rows in slices while /healthz keeps answering', async () => {
    const measured = await measureResponsiveness(h.app, () => importCsv(csvOf(20_000, 'Sliced')));
    const result = measured.result;
    expect(result.statusCode, result.body).toBe(200);
    expect(result.json()).toMatchObject({ created: 20_000, failed: [] });
    expect(measured.healthzMs.length).toBeGreaterThan(5);
    expectResponsive(measured);
  });
});
