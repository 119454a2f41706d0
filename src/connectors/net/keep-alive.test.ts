// A keep-alive socket the server closes while this process is busy (a long synchronous stretch,
// as the SQLite store's work on a large page) is not used for the next request: that request
// would fail as a dropped connection. The server runs in a process of its own, as Exchange does,
// so that it closes the socket while this one is blocked. Loopback only.
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HttpClient } from './http.ts';

let server: ChildProcess;
let url: string;

// Keep-alive for 2 s, announced as `Keep-Alive: timeout=2`, and closed at exactly 2 s (no grace).
const SERVER = `
const http = require('node:http');
let connections = 0;
const s = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => res.end(String(connections)));
});
s.keepAliveTimeout = 2000;
s.keepAliveTimeoutBuffer = 0;
s.on('connection', () => connections++);
s.listen(0, '127.0.0.1', () => console.log(s.address().port));
`;

beforeAll(async () => {
  server = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => server.stdout!.once('data', (d) => resolve(String(d))));
  url = `http://127.0.0.1:${port.trim()}/EWS/Exchange.asmx`;
});

afterAll(() => {
  server?.kill();
});

it('opens a new connection once a keep-alive socket has been idle as long as the server keeps it', async () => {
  const client = new HttpClient({ allowPrivateAddresses: true, timeoutMs: 10_000 });
  try {
    expect((await client.send({ method: 'POST', url, body: '<a/>' })).text()).toBe('1');
    // Still within the server's 2 s: the socket is used again.
    expect((await client.send({ method: 'POST', url, body: '<a/>' })).text()).toBe('1');
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    // Busy across the server's close at 2 s: the close is not seen until the next request is out.
    const busyUntil = Date.now() + 1_500;
    while (Date.now() < busyUntil);
    expect((await client.send({ method: 'POST', url, body: '<a/>' })).text()).toBe('2');
  } finally {
    client.close();
  }
});
