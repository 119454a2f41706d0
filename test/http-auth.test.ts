// Sign-in, sessions with CSRF, personal API tokens and the login rate limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { LoginLimiter } from '../src/http/auth/login-limiter.ts';
import { buildServer } from '../src/http/server.ts';
import { createLogger } from '../src/log.ts';
import { createHarness, errorOf, type Harness } from './http-harness.ts';

let h: Harness;
let clock = 1_000_000;
beforeAll(async () => {
  h = await createHarness({
    loginLimiter: new LoginLimiter({ maxFailures: 10, windowMs: 15 * 60_000, now: () => clock }),
  });
});
afterAll(async () => {
  await h.close();
});

async function login(email: string, password: string, ip = '10.0.0.1') {
  return h.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password },
    remoteAddress: ip,
  });
}

function sessionCookie(response: { cookies: Array<{ name: string; value: string }> }): string {
  const cookie = response.cookies.find((c) => c.name === 'exsync_session');
  if (!cookie) throw new Error('no session cookie');
  return `exsync_session=${cookie.value}`;
}

describe('sessions', () => {
  it('signs in, sets an HttpOnly SameSite=Lax cookie and returns a CSRF token', async () => {
    const response = await login(h.alice.user.email, h.alice.password);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.user.email).toBe('alice@example.com');
    expect(body.csrfToken).toMatch(/^[\w-]{20,}$/);
    const setCookie = String(response.headers['set-cookie']);
    expect(setCookie).toMatch(/exsync_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toMatch(/Secure/i);

    const me = await h.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { cookie: sessionCookie(response) },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({
      user: { id: h.alice.user.id },
      isAdmin: false,
      csrfToken: body.csrfToken,
    });
  });

  it('refuses a state change by cookie without the CSRF token, and accepts it with the token', async () => {
    const response = await login(h.alice.user.email, h.alice.password);
    const cookie = sessionCookie(response);
    const { csrfToken } = response.json();

    const without = await h.app.inject({
      method: 'POST',
      url: '/api/v1/accounts',
      headers: { cookie },
      payload: { name: 'No CSRF Ltd' },
    });
    expect(without.statusCode).toBe(403);
    expect(errorOf(without).code).toBe('csrf_failed');

    const wrong = await h.app.inject({
      method: 'POST',
      url: '/api/v1/accounts',
      headers: { cookie, 'x-csrf-token': `${csrfToken}x` },
      payload: { name: 'No CSRF Ltd' },
    });
    expect(wrong.statusCode).toBe(403);

    const list = await h.as(h.alice, { method: 'GET', url: '/api/v1/accounts?q=No%20CSRF' });
    expect(list.json().items).toHaveLength(0);

    const withToken = await h.app.inject({
      method: 'POST',
      url: '/api/v1/accounts',
      headers: { cookie, 'x-csrf-token': csrfToken },
      payload: { name: 'With CSRF Ltd' },
    });
    expect(withToken.statusCode).toBe(201);
  });

  it("does not accept another session's CSRF token", async () => {
    const first = await login(h.bob.user.email, h.bob.password);
    const second = await login(h.bob.user.email, h.bob.password);
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/v1/accounts',
      headers: { cookie: sessionCookie(first), 'x-csrf-token': second.json().csrfToken },
      payload: { name: 'Crossed Ltd' },
    });
    expect(response.statusCode).toBe(403);
    expect(errorOf(response).code).toBe('csrf_failed');
  });

  it('signs out: the cookie stops working', async () => {
    const response = await login(h.bob.user.email, h.bob.password);
    const cookie = sessionCookie(response);
    const out = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie, 'x-csrf-token': response.json().csrfToken },
    });
    expect(out.statusCode).toBe(204);
    const me = await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
    expect(me.statusCode).toBe(401);
    expect(errorOf(me).code).toBe('unauthenticated');
  });

  it('answers 401 with a clear message without credentials or with a bad password', async () => {
    const anonymous = await h.app.inject({ method: 'GET', url: '/api/v1/contacts' });
    expect(anonymous.statusCode).toBe(401);
    expect(errorOf(anonymous)).toMatchObject({ code: 'unauthenticated' });
    expect(errorOf(anonymous).message).toMatch(/Sign in/);

    const bad = await login(h.alice.user.email, 'wrong password', '10.9.9.9');
    expect(bad.statusCode).toBe(401);
    expect(bad.headers['set-cookie']).toBeUndefined();
  });

  it('checks authentication before reading the body', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/v1/contacts',
      headers: { 'content-type': 'application/json' },
      payload: '{not json',
    });
    expect(response.statusCode).toBe(401);
  });

  it('refuses a deactivated user', async () => {
    const user = await h.crm.users.createUser({
      email: 'gone@example.com',
      displayName: 'Gone',
      password: 'password-123',
    });
    const session = await login('gone@example.com', 'password-123', '10.1.1.1');
    expect(session.statusCode).toBe(200);
    const adminPrincipal = await h.crm.users.principalFor(h.admin.user.id);
    await h.crm.users.update(adminPrincipal, user.id, { active: false });
    const me = await h.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { cookie: sessionCookie(session) },
    });
    expect(me.statusCode).toBe(401);
    expect((await login('gone@example.com', 'password-123', '10.1.1.1')).statusCode).toBe(401);
  });

  it('marks the cookie Secure when the public URL is https', async () => {
    const config = loadConfig({ EXSYNC_PUBLIC_URL: 'https://crm.example.com' }, { port: 0 });
    const app = await buildServer({
      store: h.store,
      crm: h.crm,
      config,
      logger: createLogger({ level: 'silent' }),
    });
    try {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: h.alice.user.email, password: h.alice.password },
      });
      expect(response.statusCode).toBe(200);
      expect(String(response.headers['set-cookie'])).toMatch(/; Secure/);
    } finally {
      await app.close();
    }
  });
});

describe('personal API tokens', () => {
  it('creates a token shown once, which works without CSRF, lists it without the secret, and revokes it', async () => {
    const created = await h.as(h.alice, {
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { name: 'script' },
    });
    expect(created.statusCode).toBe(201);
    const { token, id } = created.json();
    expect(token).toMatch(/^exs_/);

    const write = await h.app.inject({
      method: 'POST',
      url: '/api/v1/accounts',
      headers: { authorization: `Bearer ${token}` },
      payload: { name: 'Scripted Ltd' },
    });
    expect(write.statusCode).toBe(201);

    const listed = await h.as(h.alice, { method: 'GET', url: '/api/v1/tokens' });
    const entry = listed.json().items.find((t: { id: string }) => t.id === id);
    expect(entry).toMatchObject({ name: 'script', expiresAt: null });
    expect(entry.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed.json())).not.toContain(token);

    const stored = await h.store.db
      .selectFrom('api_tokens')
      .select('token_hash')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.token_hash).not.toContain(token);

    // Another user cannot revoke it.
    const foreign = await h.as(h.bob, { method: 'DELETE', url: `/api/v1/tokens/${id}` });
    expect(foreign.statusCode).toBe(404);

    const revoked = await h.as(h.alice, { method: 'DELETE', url: `/api/v1/tokens/${id}` });
    expect(revoked.statusCode).toBe(204);
    const after = await h.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(after.statusCode).toBe(401);
    expect(errorOf(after).message).toMatch(/revoked/);
  });

  it('stops accepting an expired token', async () => {
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const created = await h.as(h.alice, {
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { name: 'short', expiresAt },
    });
    expect(created.statusCode).toBe(201);
    const { token } = created.json();
    const ok = await h.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(ok.statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const late = await h.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(late.statusCode).toBe(401);
  });

  it('refuses an expiry in the past and a malformed Authorization header', async () => {
    const past = await h.as(h.alice, {
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { name: 'old', expiresAt: '2020-01-01T00:00:00Z' },
    });
    expect(past.statusCode).toBe(422);
    expect(errorOf(past).details).toEqual([{ path: 'expiresAt', message: 'must be in the future' }]);
    const basic = await h.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: 'Basic abc' },
    });
    expect(basic.statusCode).toBe(401);
  });
});

describe('login rate limit', () => {
  it('answers 429 with Retry-After after 10 failures for one email, and lets it through after the window', async () => {
    const email = h.bob.user.email;
    for (let i = 0; i < 10; i++) {
      const response = await login(email, `wrong-${i}`, `10.2.0.${i}`);
      expect(response.statusCode).toBe(401);
    }
    const blocked = await login(email, h.bob.password, '10.2.1.1');
    expect(blocked.statusCode).toBe(429);
    expect(errorOf(blocked).code).toBe('too_many_attempts');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);

    clock += 15 * 60_000 + 1;
    expect((await login(email, h.bob.password, '10.2.1.1')).statusCode).toBe(200);
  });

  it('limits one address trying many emails', async () => {
    for (let i = 0; i < 10; i++) {
      expect((await login(`nobody${i}@example.com`, 'x', '10.3.0.1')).statusCode).toBe(401);
    }
    const blocked = await login(h.alice.user.email, h.alice.password, '10.3.0.1');
    expect(blocked.statusCode).toBe(429);
    expect((await login(h.alice.user.email, h.alice.password, '10.3.0.2')).statusCode).toBe(200);
  });
});
