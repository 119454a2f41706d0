// Health, readiness, metrics, secret redaction in logs, the OpenAPI document and docs page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createCrm } from '../src/crm/index.ts';
import { openStore } from '../src/db/database.ts';
import { buildServer } from '../src/http/server.ts';
import { createLogger } from '../src/log.ts';
import { createHarness, errorOf, type Harness } from './http-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

describe('operations endpoints', () => {
  it('/healthz and /readyz answer without authentication', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await h.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', database: h.store.engine });
  });

  it('/readyz answers 503 with the reason when the database cannot be reached', async () => {
    // Nothing listens on port 1: the database is "down" for this server.
    const store = openStore('postgres://exsync@127.0.0.1:1/exsync', { poolSize: 1 });
    const logger = createLogger({ level: 'silent' });
    const app = await buildServer({
      store,
      crm: createCrm(store),
      config: loadConfig({}, { port: 0 }),
      logger,
    });
    try {
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      const response = await app.inject({ method: 'GET', url: '/readyz' });
      expect(response.statusCode).toBe(503);
      expect(errorOf(response).code).toBe('not_ready');
      expect(errorOf(response).message).toMatch(/database .*cannot be reached/);
    } finally {
      await app.close();
      await store.close();
    }
  });

  it('/metrics exposes Prometheus text with request durations by route pattern', async () => {
    await h.as(h.alice, { method: 'GET', url: '/api/v1/contacts' });
    const response = await h.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.body).toContain('exsync_process_cpu_user_seconds_total');
    expect(response.body).toMatch(
      /exsync_http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/contacts",method="GET",status="200"[^}]*\} \d+/,
    );
  });
});

describe('logs', () => {
  it('never contain the password of a login, nor tokens, cookies or CSRF tokens', async () => {
    const password = 'correct horse battery staple 42';
    await h.crm.users.createUser({ email: 'logged@example.com', displayName: 'Logged', password });
    const login = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'logged@example.com', password },
    });
    expect(login.statusCode).toBe(200);
    const failed = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'logged@example.com', password: `${password}!` },
    });
    expect(failed.statusCode).toBe(401);
    const cookie = login.cookies.find((c) => c.name === 'exsync_session')!.value;
    await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: `exsync_session=${cookie}` } });
    await h.as(h.alice, { method: 'GET', url: '/api/v1/me' });

    // Also what code might log by mistake, nested.
    h.app.log.info(
      { config: { clientSecret: 'cs-123', mailbox: { refreshToken: 'rt-456', password: 'pw-789' } } },
      'x',
    );
    h.app.log.info(
      { req: { headers: { authorization: 'Bearer exs_leak', cookie: 'exsync_session=leak' } } },
      'y',
    );

    const output = h.logs.join('');
    expect(output.length).toBeGreaterThan(0);
    expect(output).toContain('signed in');
    for (const secret of [
      password,
      cookie,
      login.json().csrfToken,
      h.alice.token,
      'cs-123',
      'rt-456',
      'pw-789',
      'exs_leak',
    ]) {
      expect(output).not.toContain(secret);
    }
    expect(output).toContain('[redacted]');
  });
});

describe('OpenAPI', () => {
  it('documents every route with responses, and every $ref resolves', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toBe('3.1.0');

    const routes = h.app.printRoutes({ commonPrefix: false });
    for (const name of ['contacts', 'accounts', 'activities', 'emails', 'contactGroups']) {
      expect(document.paths[`/api/v1/${name}`]).toHaveProperty('get');
      expect(document.paths[`/api/v1/${name}`]).toHaveProperty('post');
      expect(document.paths[`/api/v1/${name}/{id}`]).toHaveProperty('patch');
      expect(document.paths[`/api/v1/${name}/{id}/shares`]).toHaveProperty('put');
    }
    for (const path of [
      '/api/v1/auth/login',
      '/api/v1/tokens',
      '/api/v1/users',
      '/api/v1/changes',
      '/healthz',
      '/metrics',
    ]) {
      expect(document.paths).toHaveProperty([path]);
    }

    const operationIds = new Set<string>();
    for (const [path, methods] of Object.entries(
      document.paths as Record<string, Record<string, Record<string, unknown>>>,
    )) {
      expect(routes).toContain(
        path
          .replace(/\{(\w+)\}/g, ':$1')
          .split('/')
          .pop(),
      );
      for (const [method, op] of Object.entries(methods)) {
        expect(Object.keys(op.responses as object).length, `${method} ${path}`).toBeGreaterThan(0);
        expect(operationIds.has(op.operationId as string), `duplicate ${op.operationId}`).toBe(false);
        operationIds.add(op.operationId as string);
        for (const param of path.match(/\{\w+\}/g) ?? []) {
          const name = param.slice(1, -1);
          expect(
            (op.parameters as Array<{ name: string; in: string }>).some(
              (p) => p.name === name && p.in === 'path',
            ),
          ).toBe(true);
        }
      }
    }

    const refs: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === '$ref' && typeof value === 'string') refs.push(value);
          else walk(value);
        }
      }
    };
    walk(document);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) {
      expect(ref.startsWith('#/')).toBe(true);
      const target = ref
        .slice(2)
        .split('/')
        .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], document);
      expect(target, ref).toBeDefined();
    }

    // One entry per schema: no numbered copies of the same name.
    expect(Object.keys(document.components.schemas).filter((name) => /\d$/.test(name))).toEqual([]);
    expect(document.components.schemas.ContactPage.properties.items.items).toEqual({
      $ref: '#/components/schemas/Contact',
    });

    const createContact = document.paths['/api/v1/contacts'].post;
    expect(createContact.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ContactCreate',
    });
    expect(document.components.schemas.ContactCreate.additionalProperties).toBe(false);
    expect(createContact.responses['422'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Error',
    });
    const listQuery = document.paths['/api/v1/contacts'].get.parameters.map((p: { name: string }) => p.name);
    expect(listQuery).toEqual(expect.arrayContaining(['q', 'type', 'cursor', 'limit']));
  });

  it('is rendered as a self-contained HTML page at /api/docs', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/api/docs' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.body).toContain('/api/v1/contacts/{id}');
    expect(response.body).toContain('id="schema-ContactCreate"');
    expect(response.body).not.toMatch(/<script|https?:\/\/(?!localhost)[a-z]/i);
  });
});
