// A server on a fresh test store, with an administrator and two sales users, each with an API
// token, and the log lines it wrote. Requests go through app.inject (no socket), and every
// answer is checked against the OpenAPI document's schema for its route and status
// (test/support/openapi-responses.ts): a test whose request gets an undocumented answer fails.
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../src/config.ts';
import { type Crm, createCrm, type User } from '../src/crm/index.ts';
import { ApiTokenStore } from '../src/http/auth/api-tokens.ts';
import { LoginLimiter } from '../src/http/auth/login-limiter.ts';
import { buildServer } from '../src/http/server.ts';
import { createLogger } from '../src/log.ts';
import { createTestStore, type TestStore } from './support/db.ts';
import {
  checkEveryAnswer,
  openApiResponseChecker,
  type ResponseChecker,
} from './support/openapi-responses.ts';

export interface TestUser {
  user: User;
  password: string;
  token: string;
}

export interface Harness {
  app: FastifyInstance;
  store: TestStore;
  crm: Crm;
  logs: string[];
  admin: TestUser;
  alice: TestUser;
  bob: TestUser;
  /** What checks each answer against the OpenAPI document. */
  responses: ResponseChecker;
  /** A request with the user's bearer token. */
  as(who: TestUser, options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function createHarness(
  options: { env?: Record<string, string>; loginLimiter?: LoginLimiter } = {},
): Promise<Harness> {
  const store = await createTestStore();
  const crm = createCrm(store);
  const logs: string[] = [];
  const logger = createLogger({
    level: 'info',
    destination: { write: (line: string) => void logs.push(line) },
  });
  const config = loadConfig({ EXSYNC_DATABASE_URL: store.url, ...options.env }, { port: 0 });
  const app = await buildServer({
    store,
    crm,
    config,
    logger,
    loginLimiter: options.loginLimiter ?? new LoginLimiter(),
  });
  await app.ready();
  const responses = await openApiResponseChecker(app);
  checkEveryAnswer(app, responses);

  const { administrators, sales } = await crm.users.ensureAdministratorsRole();
  const tokens = new ApiTokenStore(store);
  const make = async (email: string, role: string): Promise<TestUser> => {
    const password = `pw-${email}-long-enough`;
    const user = await crm.users.createUser({
      email,
      displayName: email.split('@')[0],
      password,
      roles: [role],
    });
    const { token } = await tokens.create(user.id, 'tests', null);
    return { user, password, token };
  };
  const admin = await make('admin@example.com', administrators.id);
  const alice = await make('alice@example.com', sales.id);
  const bob = await make('bob@example.com', sales.id);

  return {
    app,
    store,
    crm,
    logs,
    admin,
    alice,
    bob,
    responses,
    as: (who, request) =>
      app.inject({ ...request, headers: { ...request.headers, authorization: `Bearer ${who.token}` } }),
    close: async () => {
      await app.close();
      await store.destroy();
    },
  };
}

/** The error body of a response, for compact assertions. */
export function errorOf(response: LightMyRequestResponse): {
  code: string;
  message: string;
  details?: Array<{ path: string; message: string }>;
} {
  return (
    response.json() as {
      error: { code: string; message: string; details?: Array<{ path: string; message: string }> };
    }
  ).error;
}
