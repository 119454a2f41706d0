// Shared by the mail-service tests: a sandbox, an Exsync server on a fresh store with its secret
// key, and helpers that record every answer so that secrets can be looked for in them.
import { randomBytes } from 'node:crypto';
import { type RunningSandbox, startSandbox } from '@exsync/sandbox';
import { DEMO_CLIENT_SECRET, DEMO_PASSWORD } from '@exsync/sandbox/seed';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { HttpClient } from '../src/connectors/index.ts';
import { createHarness, type Harness, type TestUser } from './http-harness.ts';
import { sandboxExchangeService, sandboxMicrosoft365Service } from './support/mail-services.ts';

export { DEMO_CLIENT_SECRET, DEMO_PASSWORD };

export interface MailboxWorld {
  sandbox: RunningSandbox;
  h: Harness;
  http: HttpClient;
  /** The server's key, to write stored secrets as the server would. */
  secretKey: Buffer;
  /** Every answer body seen, to check that no secret ever leaves the server. */
  answers: string[];
  call(who: TestUser, options: InjectOptions): Promise<LightMyRequestResponse>;
  exchangeService(overrides?: Record<string, unknown>): Record<string, unknown>;
  microsoft365Service(overrides?: Record<string, unknown>): Record<string, unknown>;
  close(): Promise<void>;
}

export async function createMailboxWorld(): Promise<MailboxWorld> {
  const sandbox = await startSandbox({ port: 0, seed: 'demo' });
  const secretKey = randomBytes(32);
  const h = await createHarness({
    env: {
      EXSYNC_SECRET_KEY: secretKey.toString('base64'),
      // The demo app registration lists this redirect URI.
      EXSYNC_PUBLIC_URL: 'http://localhost:8080',
    },
  });
  const http = new HttpClient({ ca: sandbox.caPem, allowPrivateAddresses: true, timeoutMs: 10_000 });
  const answers: string[] = [];
  return {
    sandbox,
    h,
    http,
    secretKey,
    answers,
    async call(who, options) {
      const response = await h.as(who, options);
      answers.push(response.body);
      return response;
    },
    exchangeService: (overrides) => sandboxExchangeService(sandbox, overrides),
    microsoft365Service: (overrides) => sandboxMicrosoft365Service(sandbox, overrides),
    async close() {
      http.close();
      await h.close();
      await sandbox.close();
    },
  };
}

/** Signs in on the sandbox's page as `address` and returns the callback path with code and state. */
export async function consent(
  world: MailboxWorld,
  authorizationUrl: string,
  address: string,
): Promise<string> {
  const url = new URL(authorizationUrl);
  const form = new URLSearchParams(Object.fromEntries(url.searchParams));
  form.set('login', address);
  form.set('password', DEMO_PASSWORD);
  form.set('consent', 'accept');
  const answer = await world.http.send({
    method: 'POST',
    url: `${url.origin}${url.pathname}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  if (answer.status !== 302)
    throw new Error(`sign-in page answered ${answer.status}: ${answer.text().slice(0, 300)}`);
  const back = new URL(answer.header('location')!);
  return `${back.pathname}${back.search}`;
}
