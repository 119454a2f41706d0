// Sign-in, sessions with CSRF, personal API tokens and the login rate limit.
import { createHash } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { ApiTokenStore } from '../src/http/auth/api-tokens.ts';
import { LoginLimiter } from '../src/http/auth/login-limiter.ts';
import { buildServer } from '../src/http/server.ts';
import { createLogger } from '../src/log.ts';
import { createHarness, errorOf, type Harness, type TestUser } from './http-harness.ts';

let h: Harness;
let clock = 1_000_000;
beforeAll(async () => {
  h = await createHarness({
    loginLimiter: new LoginLimiter({ now: () => clock }),
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

interface SignedIn {
  cookie: string;
  csrfToken: string;
}

async function signIn(
  who: { user: { email: string }; password: string },
  ip = '10.0.0.1',
): Promise<SignedIn> {
  const response = await login(who.user.email, who.password, ip);
  expect(response.statusCode).toBe(200);
  return { cookie: sessionCookie(response), csrfToken: response.json().csrfToken };
}

/** A request in a signed-in browser session, with the CSRF token. */
function inSession(session: SignedIn, options: InjectOptions) {
  return h.app.inject({
    ...options,
    headers: { ...options.headers, cookie: session.cookie, 'x-csrf-token': session.csrfToken },
  });
}

function withToken(token: string, options: InjectOptions) {
  return h.app.inject({ ...options, headers: { ...options.headers, authorization: `Bearer ${token}` } });
}

let userCount = 0;
/** A fresh sales user with an API token, for tests that end its credentials. */
async function freshUser(): Promise<TestUser> {
  userCount++;
  const password = `fresh-password-${userCount}`;
  const user = await h.crm.users.createUser({
    email: `fresh${userCount}@example.com`,
    displayName: `Fresh ${userCount}`,
    password,
    roles: ['Sales'],
  });
  const { token } = await new ApiTokenStore(h.store).create(user.id, 'tests', null);
  return { user, password, token };
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

  it('marks the cookie Secure and sends HSTS when the public URL is https, and no HSTS over http', async () => {
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
      expect(response.headers['strict-transport-security']).toBe('max-age=31536000');
      const docs = await app.inject({ method: 'GET', url: '/api/docs' });
      expect(docs.headers['strict-transport-security']).toBe('max-age=31536000');
      const plain = await h.app.inject({ method: 'GET', url: '/api/docs' });
      expect(plain.headers['strict-transport-security']).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});

describe('security headers', () => {
  it('sends Cache-Control: no-store with every API answer, signed in or refused', async () => {
    const me = await h.as(h.alice, { method: 'GET', url: '/api/v1/me' });
    expect(me.statusCode).toBe(200);
    expect(me.headers['cache-control']).toBe('no-store');
    const list = await h.as(h.alice, { method: 'GET', url: '/api/v1/contacts' });
    expect(list.headers['cache-control']).toBe('no-store');
    const refused = await h.app.inject({ method: 'GET', url: '/api/v1/me' });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['cache-control']).toBe('no-store');
    const signIn = await login(h.alice.user.email, h.alice.password, '10.9.0.1');
    expect(signIn.headers['cache-control']).toBe('no-store');
  });

  it('serves /api/docs with a policy that allows its own style only, and no framing', async () => {
    const docs = await h.app.inject({ method: 'GET', url: '/api/docs' });
    expect(docs.statusCode).toBe(200);
    const policy = String(docs.headers['content-security-policy']);
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("frame-ancestors 'none'");
    const style = /<style>([\s\S]*?)<\/style>/.exec(docs.body)?.[1] ?? '';
    const hash = createHash('sha256').update(style, 'utf8').digest('base64');
    expect(policy).toContain(`style-src 'sha256-${hash}'`);
    expect(docs.body).not.toMatch(/<script/i);
    expect(docs.headers['x-frame-options']).toBe('DENY');
    expect(docs.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('personal API tokens', () => {
  it('creates a token shown once, which works without CSRF, lists it without the secret, and revokes it', async () => {
    const session = await signIn(h.alice);
    const created = await inSession(session, {
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
    const created = await inSession(await signIn(h.alice), {
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
    const past = await inSession(await signIn(h.alice), {
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

describe('personal API tokens cannot make more tokens', () => {
  it('refuses to create a token with a token, and says how to do it instead', async () => {
    const made = await h.as(h.alice, { method: 'POST', url: '/api/v1/tokens', payload: { name: 'child' } });
    expect(made.statusCode).toBe(403);
    expect(errorOf(made).code).toBe('session_required');
    expect(errorOf(made).message).toMatch(/signed-in session/);
    const listed = await h.as(h.alice, { method: 'GET', url: '/api/v1/tokens' });
    expect(listed.json().items.map((t: { name: string }) => t.name)).not.toContain('child');
  });
});

describe('changing one’s own password', () => {
  it('needs a session, not a token, and the current password', async () => {
    const who = await freshUser();
    const byToken = await withToken(who.token, {
      method: 'POST',
      url: '/api/v1/me/password',
      payload: { currentPassword: who.password, newPassword: 'taken-over-by-token' },
    });
    expect(byToken.statusCode).toBe(403);
    expect(errorOf(byToken).code).toBe('session_required');
    // The old per-user route no longer lets anyone set their own password without the current one.
    const viaUsers = await withToken(who.token, {
      method: 'PUT',
      url: `/api/v1/users/${who.user.id}/password`,
      payload: { password: 'taken-over-by-token' },
    });
    expect(viaUsers.statusCode).toBe(403);

    const session = await signIn(who, '10.20.0.1');
    const missing = await inSession(session, {
      method: 'POST',
      url: '/api/v1/me/password',
      payload: { newPassword: 'without-current' },
    });
    expect(missing.statusCode).toBe(422);
    expect(errorOf(missing).details?.map((d) => d.path)).toEqual(['currentPassword']);
    const wrong = await inSession(session, {
      method: 'POST',
      url: '/api/v1/me/password',
      payload: { currentPassword: 'not-my-password', newPassword: 'with-wrong-current' },
    });
    expect(wrong.statusCode).toBe(422);
    expect(errorOf(wrong).details).toEqual([{ path: 'currentPassword', message: 'is wrong' }]);
    expect((await login(who.user.email, who.password, '10.20.0.2')).statusCode).toBe(200);
    for (const attempt of ['taken-over-by-token', 'without-current', 'with-wrong-current']) {
      expect((await login(who.user.email, attempt, '10.20.0.3')).statusCode).toBe(401);
    }
  });

  it('counts wrong current passwords like failed sign-ins', async () => {
    const who = await freshUser();
    const session = await signIn(who, '10.21.0.1');
    for (let i = 0; i < 10; i++) {
      const wrong = await inSession(session, {
        method: 'POST',
        url: '/api/v1/me/password',
        payload: { currentPassword: `guess-${i}`, newPassword: 'guessed-it-right' },
        remoteAddress: '10.21.0.1',
      });
      expect(wrong.statusCode).toBe(422);
    }
    const throttled = await inSession(session, {
      method: 'POST',
      url: '/api/v1/me/password',
      payload: { currentPassword: who.password, newPassword: 'guessed-it-right' },
      remoteAddress: '10.21.0.1',
    });
    expect(throttled.statusCode).toBe(429);
  });

  it('signs out every other session, revokes every token, keeps this session, and says so', async () => {
    const who = await freshUser();
    const other = await signIn(who, '10.22.0.1');
    const current = await signIn(who, '10.22.0.2');
    const changed = await inSession(current, {
      method: 'POST',
      url: '/api/v1/me/password',
      payload: { currentPassword: who.password, newPassword: 'a-brand-new-secret' },
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toEqual({
      sessionsEnded: 1,
      tokensRevoked: 1,
      message:
        'Password changed. Signed out 1 other session of yours and revoked 1 API token; create new tokens for your scripts.',
    });
    const me = (headers: Record<string, string>) =>
      h.app.inject({ method: 'GET', url: '/api/v1/me', headers });
    expect((await me({ cookie: other.cookie })).statusCode).toBe(401);
    expect((await me({ authorization: `Bearer ${who.token}` })).statusCode).toBe(401);
    expect((await me({ cookie: current.cookie })).statusCode).toBe(200);
    expect((await login(who.user.email, who.password, '10.22.0.3')).statusCode).toBe(401);
    expect((await login(who.user.email, 'a-brand-new-secret', '10.22.0.3')).statusCode).toBe(200);
  });
});

describe('administration of accounts', () => {
  it("resets another user's password: their sessions and tokens end; their own needs the self route", async () => {
    const who = await freshUser();
    const session = await signIn(who, '10.30.0.1');
    const reset = await h.as(h.admin, {
      method: 'PUT',
      url: `/api/v1/users/${who.user.id}/password`,
      payload: { password: 'set-by-the-admin' },
    });
    expect(reset.statusCode).toBe(200);
    expect(reset.json()).toMatchObject({ sessionsEnded: 1, tokensRevoked: 1 });
    expect(reset.json().message).toMatch(/^Password reset\. Signed the user out of 1 session/);
    expect(
      (await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: session.cookie } }))
        .statusCode,
    ).toBe(401);
    expect((await withToken(who.token, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
    expect((await login(who.user.email, 'set-by-the-admin', '10.30.0.2')).statusCode).toBe(200);

    const own = await h.as(h.admin, {
      method: 'PUT',
      url: `/api/v1/users/${h.admin.user.id}/password`,
      payload: { password: 'no-current-needed?' },
    });
    expect(own.statusCode).toBe(403);
    expect(errorOf(own).message).toMatch(/POST \/api\/v1\/me\/password/);
    const bySales = await h.as(h.alice, {
      method: 'PUT',
      url: `/api/v1/users/${who.user.id}/password`,
      payload: { password: 'alice-took-over' },
    });
    expect(bySales.statusCode).toBe(403);
  });

  it('deactivation ends sessions and tokens for good; reactivation brings none back', async () => {
    const who = await freshUser();
    const session = await signIn(who, '10.31.0.1');
    const me = (headers: Record<string, string>) =>
      h.app.inject({ method: 'GET', url: '/api/v1/me', headers });
    const off = await h.as(h.admin, { method: 'POST', url: `/api/v1/users/${who.user.id}/deactivate` });
    expect(off.statusCode).toBe(200);
    expect(off.json()).toMatchObject({ id: who.user.id, active: false });
    expect((await login(who.user.email, who.password, '10.31.0.2')).statusCode).toBe(401);
    const on = await h.as(h.admin, { method: 'POST', url: `/api/v1/users/${who.user.id}/reactivate` });
    expect(on.statusCode).toBe(200);
    expect(on.json().active).toBe(true);
    expect((await me({ cookie: session.cookie })).statusCode).toBe(401);
    expect((await me({ authorization: `Bearer ${who.token}` })).statusCode).toBe(401);
    expect((await login(who.user.email, who.password, '10.31.0.2')).statusCode).toBe(200);

    // PATCH {active: false} does the same.
    const again = await signIn(who, '10.31.0.3');
    const patched = await h.as(h.admin, {
      method: 'PATCH',
      url: `/api/v1/users/${who.user.id}`,
      payload: { active: false },
    });
    expect(patched.statusCode).toBe(200);
    await h.as(h.admin, { method: 'POST', url: `/api/v1/users/${who.user.id}/reactivate` });
    expect((await me({ cookie: again.cookie })).statusCode).toBe(401);

    const self = await h.as(h.admin, { method: 'POST', url: `/api/v1/users/${h.admin.user.id}/deactivate` });
    expect(self.statusCode).toBe(403);
    const bySales = await h.as(h.alice, { method: 'POST', url: `/api/v1/users/${who.user.id}/deactivate` });
    expect(bySales.statusCode).toBe(403);
  });
});

describe('login rate limit', () => {
  const minutes = (n: number) => n * 60_000;
  /** Wrong passwords from one address, a minute apart so that only the per-address count stops them. */
  async function fail(email: string, times: number, ip: string) {
    for (let i = 0; i < times; i++) {
      expect((await login(email, `wrong-${i}`, ip)).statusCode).toBe(401);
      clock += 61_000;
    }
  }

  it('stops one address guessing one account after 10 failures for 15 minutes, and no one else', async () => {
    const who = await freshUser();
    await fail(who.user.email, 10, '10.40.0.1');
    const blocked = await login(who.user.email, who.password, '10.40.0.1');
    expect(blocked.statusCode).toBe(429);
    expect(errorOf(blocked).code).toBe('too_many_attempts');
    // The first failure was 610 s ago; it leaves the 15-minute window in 290 s.
    expect(Number(blocked.headers['retry-after'])).toBe(15 * 60 - 10 * 61);
    expect(errorOf(blocked).message).toMatch(/for this account from your address/);
    // Elsewhere the account is only slowed down, by at most a minute after the last failure.
    await login(who.user.email, 'one-more-guess', '10.40.0.9');
    const elsewhere = await login(who.user.email, who.password, '10.40.0.2');
    expect(elsewhere.statusCode).toBe(429);
    expect(Number(elsewhere.headers['retry-after'])).toBeLessThanOrEqual(60);
    clock += minutes(1);
    expect((await login(who.user.email, who.password, '10.40.0.2')).statusCode).toBe(200);
    expect((await login(who.user.email, who.password, '10.40.0.1')).statusCode).toBe(429);
    clock += minutes(5);
    expect((await login(who.user.email, who.password, '10.40.0.1')).statusCode).toBe(200);
  });

  it("never locks out the administrator: a stranger's guesses, even 10 per 15 minutes for an hour, only delay new addresses", async () => {
    const admin = h.admin;
    await signIn(admin, '10.41.0.1'); // the administrator's usual address
    for (let i = 0; i < 40; i++) {
      const address = `10.42.${Math.floor(i / 10)}.${i % 10}`;
      const response = await login(admin.user.email, `guess-${i}`, address);
      expect([401, 429]).toContain(response.statusCode);
      clock += 90_000; // ten guesses per 15 minutes
    }
    // Right after a guess, a new address waits at most a minute …
    expect((await login(admin.user.email, 'one-more-guess', '10.42.99.1')).statusCode).toBe(401);
    const fresh = await login(admin.user.email, admin.password, '10.43.0.1');
    expect(fresh.statusCode).toBe(429);
    expect(Number(fresh.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(errorOf(fresh).message).toMatch(/sign-ins from new addresses are slowed down/);
    // … and the usual address not at all.
    expect((await login(admin.user.email, admin.password, '10.41.0.1')).statusCode).toBe(200);
    clock += Number(fresh.headers['retry-after']) * 1000;
    expect((await login(admin.user.email, admin.password, '10.43.0.1')).statusCode).toBe(200);
  });

  it('lifts the limit when an administrator resets the password, as the message says', async () => {
    const who = await freshUser();
    await fail(who.user.email, 10, '10.44.0.1');
    const blocked = await login(who.user.email, who.password, '10.44.0.1');
    expect(blocked.statusCode).toBe(429);
    expect(errorOf(blocked).message).toMatch(/administrator who resets the password lifts this/);
    const reset = await h.as(h.admin, {
      method: 'PUT',
      url: `/api/v1/users/${who.user.id}/password`,
      payload: { password: 'after-the-reset' },
    });
    expect(reset.statusCode).toBe(200);
    expect((await login(who.user.email, 'after-the-reset', '10.44.0.1')).statusCode).toBe(200);
  });

  it('limits one address trying many emails', async () => {
    for (let i = 0; i < 30; i++) {
      expect((await login(`nobody${i}@example.com`, 'x', '10.3.0.1')).statusCode).toBe(401);
    }
    const blocked = await login(h.alice.user.email, h.alice.password, '10.3.0.1');
    expect(blocked.statusCode).toBe(429);
    expect((await login(h.alice.user.email, h.alice.password, '10.3.0.2')).statusCode).toBe(200);
  });
});
