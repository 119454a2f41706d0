import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { installErrorHandlers } from './errors.ts';
import { registerWebApp } from './web-app.ts';

const roots: string[] = [];
const apps: FastifyInstance[] = [];

async function appServing(files: Record<string, string> | null): Promise<FastifyInstance> {
  const root = mkdtempSync(join(tmpdir(), 'exsync-web-test-'));
  roots.push(root);
  for (const [name, content] of Object.entries(files ?? {})) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), content);
  }
  const app = Fastify();
  apps.push(app);
  installErrorHandlers(app, 1024, await registerWebApp(app, root));
  app.get('/api/v1/ping', async () => ({ ok: true }));
  await app.ready();
  return app;
}

afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('web UI serving', () => {
  const bundle = { 'index.html': '<!doctype html><div id="app"></div>', 'assets/app-1a2b.js': 'export {}' };

  it('answers screen addresses with index.html under a strict content security policy', async () => {
    const app = await appServing(bundle);
    for (const url of ['/', '/contacts', '/contacts/0190abcd?tab=sync', '/settings/mailboxes/x/sync']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.body).toContain('<div id="app">');
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
      expect(response.headers['cache-control']).toBe('no-cache');
    }
  });

  it('serves hashed assets as immutable and missing assets as 404, not as the page', async () => {
    const app = await appServing(bundle);
    const asset = await app.inject({ method: 'GET', url: '/assets/app-1a2b.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    const missing = await app.inject({ method: 'GET', url: '/assets/gone-9z9z.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.body).not.toContain('<div id="app">');
  });

  it('answers HEAD / for uptime checks', async () => {
    const app = await appServing(bundle);
    const response = await app.inject({ method: 'HEAD', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.body).toBe('');
  });

  it('sends the precompressed copies to browsers that accept them, and no source maps', async () => {
    const script = 'export const words = "' + 'contacts and mailboxes '.repeat(200) + '";';
    const app = await appServing({
      ...bundle,
      'assets/big-3c4d.js': script,
      'assets/big-3c4d.js.br': 'BROTLI',
      'assets/big-3c4d.js.gz': 'GZIP',
      'assets/big-3c4d.js.map': '{"sources":["secret.tsx"]}',
    });
    const brotli = await app.inject({
      method: 'GET',
      url: '/assets/big-3c4d.js',
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotli.body).toBe('BROTLI');
    const gzip = await app.inject({
      method: 'GET',
      url: '/assets/big-3c4d.js',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    const plain = await app.inject({ method: 'GET', url: '/assets/big-3c4d.js' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(script);
    const map = await app.inject({ method: 'GET', url: '/assets/big-3c4d.js.map' });
    expect(map.statusCode).toBe(404);
    expect(map.body).not.toContain('secret');
  });

  it('keeps JSON errors for the API, operations and non-GET requests', async () => {
    const app = await appServing(bundle);
    for (const [method, url] of [
      ['GET', '/api/v1/nothing-here'],
      ['GET', '/api'],
      ['GET', '/healthz/extra'],
      ['POST', '/contacts'],
    ] as const) {
      const response = await app.inject({ method, url });
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(response.json().error.code).toBe('route_not_found');
    }
    expect((await app.inject({ method: 'GET', url: '/api/v1/ping' })).json()).toEqual({ ok: true });
  });

  it('says how to build the UI when it was never built', async () => {
    const app = await appServing(null);
    const response = await app.inject({ method: 'GET', url: '/contacts' });
    expect(response.statusCode).toBe(503);
    expect(response.body).toContain('npm run build');
  });
});
