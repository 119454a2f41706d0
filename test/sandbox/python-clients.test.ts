// Clients in another language, installed from Debian (python3-msal, python3-exchangelib; .ci/run
// installs them): MSAL for Python signs in against the identity platform, and exchangelib runs
// its own EWS flows — a paged first sync and the rounds after, contact CRUD, a meeting, free/busy
// and sending mail. The scripts beside this file print what they saw as JSON.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type RunningSandbox, startSandbox } from '@exsync/sandbox';
import { EwsSchemaRecorder } from '@exsync/sandbox/ews/schema-validation';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD, DEMO_TENANT_ID } from '@exsync/sandbox/seed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PYTHON = '/usr/bin/python3';
const scripts = join(import.meta.dirname, 'python');

function debianPackagesInstalled(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import msal, exchangelib'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// Developers without the Debian packages skip these; CI installs them and must run them.
const available = debianPackagesInstalled();
if (!available && process.env.CI) {
  throw new Error(
    'CI needs python3-msal and python3-exchangelib: run apt-get install -y python3-msal python3-exchangelib',
  );
}

// biome-ignore lint/suspicious/noExplicitAny: the scripts print free-form JSON
type Printed = Record<string, any>;

/**
 * A pass-through to the sandbox that records every EWS request and response, so what exchangelib
 * sends and what the sandbox answers it can be checked against messages.xsd.
 */
async function recordingProxy(
  target: string,
  recorder: EwsSchemaRecorder,
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
      fetch(`${target}${req.url}`, { method: req.method, headers, body: body.length ? body : undefined })
        .then(async (answer) => {
          const text = await answer.text();
          if (/\/ews\/exchange\.asmx/i.test(req.url ?? ''))
            recorder.recordExchange(body.toString('utf8'), text, 'exchangelib');
          res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/xml' });
          res.end(text);
        })
        .catch((error: Error) => {
          res.writeHead(502);
          res.end(error.message);
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function runPython(script: string, args: string[]): Promise<Printed> {
  const { stdout } = await promisify(execFile)(PYTHON, [join(scripts, script), ...args], {
    timeout: 90_000,
    maxBuffer: 10 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

describe.skipIf(!available)('Python clients from Debian', () => {
  let sandbox: RunningSandbox;
  let dir: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 'demo' });
    sandbox.store.addMailbox({
      tenantId: DEMO_TENANT_ID,
      address: 'mfa@example.test',
      displayName: 'Needs MFA',
      password: DEMO_PASSWORD,
      requiresMfa: true,
    });
    dir = mkdtempSync(join(tmpdir(), 'exsync-python-'));
    writeFileSync(join(dir, 'ca.pem'), sandbox.caPem);
  });
  afterAll(async () => {
    await sandbox?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('MSAL for Python: client credentials, username/password with its refusals, and the device code flow', async () => {
    const out = await runPython('msal_flows.py', [
      sandbox.httpsUrl,
      DEMO_TENANT_ID,
      DEMO_CLIENT_ID,
      DEMO_CLIENT_SECRET,
      DEMO_PASSWORD,
      join(dir, 'ca.pem'),
    ]);
    expect(out.clientCredentials).toEqual({ ok: true, error: null });
    expect(out.usernamePassword).toMatchObject({
      ok: true,
      username: 'ada@example.test',
      cachedAccounts: ['ada@example.test'],
    });
    expect(out.silent.ok).toBe(true);
    expect(out.mfaAccount).toEqual({ error: 'invalid_grant', codes: [50076], suberror: 'basic_action' });
    expect(out.wrongPassword).toEqual({ error: 'invalid_grant', codes: [50126] });
    expect(out.deviceFlowStarted.uri).toBe(`${sandbox.httpsUrl}/devicelogin`);
    expect(out.deviceCode).toMatchObject({ ok: true, username: 'linus@example.test' });
  }, 60_000);

  describe('exchangelib', () => {
    let out: Printed;
    const traffic = new EwsSchemaRecorder();
    beforeAll(async () => {
      const proxy = await recordingProxy(sandbox.url, traffic);
      try {
        out = await runPython('exchangelib_flows.py', [proxy.url, DEMO_PASSWORD]);
      } finally {
        proxy.server.close();
      }
    }, 120_000);

    it('exchanges only schema-valid EWS messages with the sandbox', async () => {
      expect(traffic.bodies.length).toBeGreaterThan(20);
      await traffic.expectAllValid();
    });

    it('syncs contacts in pages of 50: creates of what exists, then exactly the changes', () => {
      expect(out.firstSync).toEqual({ create: out.contactCount, update: 0, delete: 0, read_flag_change: 0 });
      expect(out.firstSyncDistinct).toBe(out.contactCount);
      expect(out.contactCount).toBeGreaterThan(50);
      expect(out.secondSync).toEqual({ create: 1, update: 0, delete: 0, read_flag_change: 0 });
      expect(out.thirdSync).toEqual({ create: 0, update: 0, delete: 1, read_flag_change: 0 });
    });

    it('creates, reads, updates and deletes a contact, and saves a meeting', () => {
      expect(out.contact).toEqual({
        displayName: 'Ingrid Exchangelib',
        jobTitle: 'Engineer',
        email: 'ingrid@python.test',
      });
      expect(out.meeting).toEqual({ subject: 'exchangelib planning' });
    });

    it('sends mail to the recipient’s Inbox and keeps a copy in Sent Items', () => {
      expect(out.mail).toEqual({ received: 1, sent: 1, body: 'Hello from Python' });
    });

    // exchangelib asks GetServerTimeZones first (with Exchange2010), then GetUserAvailability.
    it('reads free/busy of two mailboxes (GetUserAvailability)', () => {
      expect(out.freeBusy.error).toBeUndefined();
      expect(out.freeBusy).toHaveLength(2);
      expect(out.freeBusy[0].events).toContainEqual(expect.objectContaining({ busyType: 'Busy' }));
    });
  });
});
