// startServer as `exsync serve` runs it: migrate, create the first administrator, listen, and
// shut down gracefully. One store at a time per test, each opened by URL like the CLI does.
import { lookup } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { startServer } from '../src/http/server.ts';
import { createLogger } from '../src/log.ts';
import { createTestStore, type TestStore } from './support/db.ts';

/** A URL that opens the test store from anywhere, schema included (PostgreSQL reads `options`). */
function urlOf(store: TestStore): string {
  return store.schema
    ? `${store.url}?options=${encodeURIComponent(`-c search_path=${store.schema}`)}`
    : store.url;
}

function configFor(store: TestStore) {
  return loadConfig({ EXSYNC_DATABASE_URL: urlOf(store), EXSYNC_HOST: '127.0.0.1' }, { port: 0 });
}

describe('startServer', () => {
  it('listens on every address localhost resolves to by default (127.0.0.1 and ::1 where both are), so any client reaches it', async () => {
    const store = await createTestStore();
    try {
      const config = loadConfig({ EXSYNC_DATABASE_URL: urlOf(store) }, { port: 0 });
      expect(config.host).toBe('localhost');
      const server = await startServer(config, { logger: createLogger({ level: 'silent' }) });
      try {
        expect(server.url).toMatch(/^http:\/\/localhost:\d+$/);
        const port = new URL(server.url).port;
        const addresses = await lookup('localhost', { all: true });
        for (const { address, family } of addresses) {
          const host = family === 6 ? `[${address}]` : address;
          expect((await fetch(`http://${host}:${port}/healthz`)).status, host).toBe(200);
        }
      } finally {
        await server.close();
      }
    } finally {
      await store.destroy();
    }
  });

  it('creates the first administrator on an empty database, once, storing only a hash', async () => {
    const store = await createTestStore();
    const logger = createLogger({ level: 'silent' });
    try {
      const first = await startServer(configFor(store), { logger });
      const admin = first.firstAdministrator;
      expect(admin).toMatchObject({ email: 'admin@exsync.local', generatedPassword: expect.any(String) });
      const login = await first.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'admin@exsync.local', password: admin!.generatedPassword },
      });
      expect(login.statusCode).toBe(200);
      const me = await first.app.inject({
        method: 'GET',
        url: '/api/v1/me',
        cookies: { exsync_session: login.cookies[0].value },
      });
      expect(me.json().isAdmin).toBe(true);
      await first.close();

      const rows = await store.db.selectFrom('users').select('password_hash').execute();
      expect(rows).toHaveLength(1);
      expect(rows[0].password_hash).not.toContain(admin!.generatedPassword!);

      const second = await startServer(configFor(store), { logger });
      expect(second.firstAdministrator).toBeNull();
      await second.close();
    } finally {
      await store.destroy();
    }
  });

  it('uses EXSYNC_ADMIN_EMAIL and EXSYNC_ADMIN_PASSWORD when given, and never reports the password', async () => {
    const store = await createTestStore();
    try {
      const config = loadConfig(
        {
          EXSYNC_DATABASE_URL: urlOf(store),
          EXSYNC_ADMIN_EMAIL: 'root@example.org',
          EXSYNC_ADMIN_PASSWORD: 'a-long-admin-password',
        },
        { port: 0 },
      );
      const server = await startServer(config, { logger: createLogger({ level: 'silent' }) });
      expect(server.firstAdministrator).toEqual({ email: 'root@example.org', generatedPassword: null });
      const login = await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'root@example.org', password: 'a-long-admin-password' },
      });
      expect(login.statusCode).toBe(200);
      await server.close();
    } finally {
      await store.destroy();
    }
  });
});

describe('graceful shutdown', () => {
  it('lets a request in flight finish, then refuses new connections and closes the database', async () => {
    const store = await createTestStore();
    const server = await startServer(configFor(store), { logger: createLogger({ level: 'silent' }) });
    const { port } = server.app.server.address() as { port: number };
    try {
      // A request whose body is still arriving when the shutdown starts.
      const body = JSON.stringify({ email: 'admin@exsync.local', password: 'not the password' });
      let sendRest!: () => void;
      const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/api/v1/auth/login',
            agent: false,
            headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          },
          (res) => {
            let text = '';
            res.on('data', (chunk) => {
              text += chunk;
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          },
        );
        req.on('error', reject);
        req.write(body.slice(0, 10));
        sendRest = () => req.end(body.slice(10));
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      let closeDone = false;
      const closed = server.close().then(() => {
        closeDone = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(closeDone).toBe(false);
      sendRest();
      const finished = await response;
      expect(finished.status).toBe(401);
      expect(JSON.parse(finished.body).error.code).toBe('unauthenticated');
      await closed;
      await expect(
        new Promise((resolve, reject) => {
          const req = httpRequest({ host: '127.0.0.1', port, path: '/healthz', agent: false }, resolve);
          req.on('error', reject);
          req.end();
        }),
      ).rejects.toThrow(/ECONNREFUSED/);
      await expect(server.store.db.selectFrom('users').selectAll().execute()).rejects.toThrow();
    } finally {
      await store.destroy();
    }
  });
});
