// A server that sends its headers and then one byte at a time never trips an idle timeout; the
// total deadline ends such a request, and a run's signal ends it at once. Loopback only.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConnectorError } from '../errors.ts';
import { HttpClient } from './http.ts';

let server: http.Server;
let url: string;
const open = new Set<http.ServerResponse>();

beforeAll(async () => {
  server = http.createServer((_req, res) => {
    open.add(res);
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.write('<');
    // One byte every 100 ms, for at most 30 s: well inside any idle timeout, never finished.
    let sent = 0;
    const drip = setInterval(() => {
      if (++sent > 300 || res.destroyed) {
        clearInterval(drip);
        res.end();
        return;
      }
      res.write('a');
    }, 100);
    res.on('close', () => {
      clearInterval(drip);
      open.delete(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/EWS/Exchange.asmx`;
});

afterAll(async () => {
  for (const res of open) res.destroy();
  await new Promise((resolve) => server.close(resolve));
});

describe('a request to a server that trickles its answer', () => {
  it('fails as a timeout when the total deadline passes, though data keeps coming', async () => {
    const client = new HttpClient({ allowPrivateAddresses: true, timeoutMs: 1_000, deadlineMs: 800 });
    const started = Date.now();
    const error = await client.send({ method: 'GET', url }).catch((e: unknown) => e);
    const took = Date.now() - started;
    client.close();
    expect(isConnectorError(error, 'transient')).toBe(true);
    expect(error).toMatchObject({ network: 'timeout', message: expect.stringMatching(/within 1 s/) });
    expect(took).toBeGreaterThanOrEqual(750);
    expect(took).toBeLessThan(5_000);
  });

  it("ends at once when the client's signal aborts (a stopped run)", async () => {
    const controller = new AbortController();
    const client = new HttpClient({
      allowPrivateAddresses: true,
      deadlineMs: 60_000,
      signal: controller.signal,
    });
    const started = Date.now();
    setTimeout(() => controller.abort(), 300).unref();
    const error = await client.send({ method: 'GET', url }).catch((e: unknown) => e);
    client.close();
    expect(isConnectorError(error)).toBe(true);
    expect(Date.now() - started).toBeLessThan(3_000);
    // Nothing more is sent for an aborted client.
    const again = await client.send({ method: 'GET', url }).catch((e: unknown) => e);
    expect(isConnectorError(again)).toBe(true);
  });
});
