// The server never freezes (SPEC E8): while a large CSV import runs, or a hostile Exchange server
// sends an answer of 24 MB, the main thread never computes for 100 ms without yielding, so
// /healthz is answered within 100 ms on a machine that schedules the process. The bound is on the
// main thread's CPU time between two turns of the event loop (process.threadCpuUsage), which a
// loaded shared machine does not inflate; the wall-clock event-loop delay (monitorEventLoopDelay)
// and /healthz times are bounded loosely, far below the 5 to 26 s freezes this guards against.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandbox } from '@exsync/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConnectorError } from '../src/connectors/errors.ts';
import { createEwsConnector } from '../src/connectors/ews/factory.ts';
import { readSoapOffThread } from '../src/connectors/ews/soap.ts';
import { GraphConnector } from '../src/connectors/graph/connector.ts';
import { HttpClient } from '../src/connectors/net/http.ts';
import { MAX_IMPORT_ROWS } from '../src/csv/index.ts';
import { DEMO_SANDBOX_MAX_REQUEST_BYTES } from '../src/demo/index.ts';
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
/** A hostile server on loopback: every request gets `answer` (set per test). */
let hostile: http.Server;
let hostileUrl: string;
let answer: { type: string; body: Buffer } = { type: 'text/plain', body: Buffer.alloc(0) };

beforeAll(async () => {
  h = await createHarness();
  hostile = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': answer.type, 'content-length': answer.body.length });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
  hostileUrl = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;
});
afterAll(async () => {
  hostile?.closeAllConnections();
  await new Promise((resolve) => hostile?.close(resolve));
  await h?.close();
});

const SOAP_START =
  '<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><s:Body><m:GetItemResponse><m:ResponseMessages><m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items>';
const SOAP_END =
  '</m:Items></m:GetItemResponseMessage></m:ResponseMessages></m:GetItemResponse></s:Body></s:Envelope>';

/** A GetItem answer of about `megabytes` MB of contacts. */
function ewsAnswer(megabytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < megabytes * 1024 * 1024; i++) {
    const item = `<t:Contact><t:ItemId Id="AAMk${i}" ChangeKey="CK${i}"/><t:DisplayName>Person ${i}</t:DisplayName><t:GivenName>Given ${i}</t:GivenName><t:Surname>Family ${i}</t:Surname><t:Body BodyType="Text">${'x'.repeat(200)}</t:Body></t:Contact>`;
    parts.push(item);
    size += item.length;
  }
  return SOAP_START + parts.join('') + SOAP_END;
}

const client = () => new HttpClient({ allowPrivateAddresses: true });

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

describe('a hostile Exchange server', () => {
  it('answering with 24 MB of EWS XML: refused at the size cap, the server stays responsive', async () => {
    answer = { type: 'text/xml; charset=utf-8', body: Buffer.from(ewsAnswer(24)) };
    const http = client();
    const connector = createEwsConnector({
      http,
      serviceAddress: `${hostileUrl}/EWS/Exchange.asmx`,
      auth: { kind: 'basic', login: 'ada@example.test', password: 'secret' },
      mailbox: 'ada@example.test',
      retry: { attempts: 1 },
    });
    const measured = await measureResponsiveness(h.app, () =>
      connector.listFolders('contacts').then(
        () => undefined,
        (error: unknown) => error,
      ),
    );
    http.close();
    expect(isConnectorError(measured.result, 'invalid_response')).toBe(true);
    expect(measured.result).toMatchObject({
      network: 'too_large',
      message: expect.stringMatching(/larger than 5 MB/),
    });
    expectResponsive(measured);
  });

  it('answering with 25 MB of Graph JSON: refused at the size cap, the server stays responsive', async () => {
    const value = Array.from({ length: 60_000 }, (_, i) => ({
      id: `id${i}`,
      displayName: `Person ${i}`,
      personalNotes: 'z'.repeat(400),
    }));
    answer = { type: 'application/json', body: Buffer.from(JSON.stringify({ value })) };
    const http = client();
    const connector = new GraphConnector({
      http,
      tokens: { accessToken: async () => 'token' },
      mailbox: 'ada@example.test',
      mode: 'app',
      graphBaseUrl: `${hostileUrl}/v1.0`,
      retry: { attempts: 1 },
    });
    const measured = await measureResponsiveness(h.app, async () => {
      try {
        for await (const _page of connector.readChanges({ kind: 'contacts', id: 'contacts' }, undefined)) {
          // Nothing is applied: the page never arrives.
        }
        return undefined;
      } catch (error) {
        return error;
      }
    });
    http.close();
    expect(measured.result).toMatchObject({ code: 'invalid_response', network: 'too_large' });
    expectResponsive(measured);
  });

  it('parses an EWS answer just under the cap in a worker thread, the server stays responsive', async () => {
    const text = ewsAnswer(4);
    const measured = await measureResponsiveness(h.app, () => readSoapOffThread(text));
    expect(measured.result.fault).toBeUndefined();
    expectResponsive(measured);
  });
});

describe("the demo's sandbox, in the same process", () => {
  it('refuses a 15 MB request at its request limit, the server stays responsive', async () => {
    const sandbox = await startSandbox({ seed: 'none', maxRequestBytes: DEMO_SANDBOX_MAX_REQUEST_BYTES });
    try {
      // Encoded beforehand: what is measured is the server, not this test's client.
      const body = Buffer.from(
        `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${'<x>y</x>'.repeat(2_000_000)}</s:Body></s:Envelope>`,
      );
      const measured = await measureResponsiveness(
        h.app,
        () =>
          new Promise<number>((resolve, reject) => {
            const request = http.request(
              `${sandbox.url}/EWS/Exchange.asmx`,
              {
                method: 'POST',
                headers: { 'content-type': 'text/xml; charset=utf-8', 'content-length': body.length },
              },
              (response) => {
                response.resume();
                resolve(response.statusCode ?? 0);
              },
            );
            // The server may answer and close before the whole body is sent.
            request.on('error', (error) => (error.message.includes('EPIPE') ? undefined : reject(error)));
            request.end(body);
          }),
      );
      expect(measured.result).toBe(413);
      expectResponsive(measured);
    } finally {
      await sandbox.close();
    }
  });
});
