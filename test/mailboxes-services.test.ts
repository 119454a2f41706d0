// The mail-service rules through the REST API (SPEC A1–A3, A5, A6): who may configure, what a
// service must hold, detection and login formats, "test connection" messages, the organisation
// mode lock, user selection, delete refused while in use, disconnect — and no secret in any
// answer, log line or stored column.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../src/crm/index.ts';
import { errorOf } from './http-harness.ts';
import {
  createMailboxWorld,
  DEMO_CLIENT_SECRET,
  DEMO_PASSWORD,
  type MailboxWorld,
} from './mailboxes-support.ts';

let w: MailboxWorld;
let exchangeId: string;
let m365Id: string;
const demoUsers: Record<string, User> = {};

beforeAll(async () => {
  w = await createMailboxWorld();
  for (const name of ['ada', 'grace', 'linus']) {
    demoUsers[name] = await w.h.crm.users.createUser({
      email: `${name}@example.test`,
      displayName: name,
      roles: ['Sales'],
    });
  }
});

afterAll(async () => {
  await w?.close();
});

describe('mail services: who may configure them and what they hold', () => {
  it('lets an administrator add an Exchange service, never returning secrets', async () => {
    const response = await w.call(w.h.admin, {
      method: 'POST',
      url: '/api/v1/mail-services',
      payload: w.exchangeService(),
    });
    expect(response.statusCode).toBe(201);
    const service = response.json();
    exchangeId = service.id;
    expect(service).toMatchObject({
      type: 'exchange',
      name: 'Sandbox Exchange',
      ewsUrl: `${w.sandbox.httpsUrl}/EWS/Exchange.asmx`,
      loadEmails: true,
      sendEmails: true,
      loginFormat: 'email',
      authMethod: 'basic',
      domains: ['example.test'],
      accessMode: null,
      allowPrivateAddresses: true,
      redirectUri: 'http://localhost:8080/oauth/microsoft/callback',
    });
  });

  it('adds a Microsoft 365 service with its client secret write-only', async () => {
    const response = await w.call(w.h.admin, {
      method: 'POST',
      url: '/api/v1/mail-services',
      payload: w.microsoft365Service({ domains: ['m365.example.test'] }),
    });
    expect(response.statusCode).toBe(201);
    m365Id = response.json().id;
    expect(response.json()).toMatchObject({ hasClientSecret: true, clientId: expect.any(String) });
    expect(response.body).not.toContain(DEMO_CLIENT_SECRET);
    const read = await w.call(w.h.admin, { method: 'GET', url: `/api/v1/mail-services/${m365Id}` });
    expect(read.json()).not.toHaveProperty('clientSecret');
    expect(read.body).not.toContain(DEMO_CLIENT_SECRET);
  });

  it('tells the redirect URI to register before any Microsoft 365 service is saved', async () => {
    const response = await w.call(w.h.admin, { method: 'GET', url: '/api/v1/mail-services/redirect-uri' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ redirectUri: 'http://localhost:8080/oauth/microsoft/callback' });
    const refused = await w.call(w.h.alice, { method: 'GET', url: '/api/v1/mail-services/redirect-uri' });
    expect(refused.statusCode).toBe(403);
  });

  it('refuses users without CanManageAdministration, naming the permission', async () => {
    for (const request of [
      { method: 'GET' as const, url: '/api/v1/mail-services' },
      {
        method: 'POST' as const,
        url: '/api/v1/mail-services',
        payload: w.exchangeService({ domains: ['x.test'] }),
      },
      { method: 'PATCH' as const, url: `/api/v1/mail-services/${exchangeId}`, payload: { name: 'Mine' } },
      { method: 'DELETE' as const, url: `/api/v1/mail-services/${m365Id}` },
      { method: 'GET' as const, url: `/api/v1/mail-services/${exchangeId}/users` },
    ]) {
      const response = await w.call(w.h.alice, request);
      expect(response.statusCode, request.url).toBe(403);
      expect(errorOf(response).message).toContain('CanManageAdministration');
    }
  });

  it('checks the settings: load or send, authentication per type, HTTPS, one service per domain', async () => {
    const post = (payload: Record<string, unknown>) =>
      w.call(w.h.admin, { method: 'POST', url: '/api/v1/mail-services', payload });
    const neither = await post(w.exchangeService({ domains: [], loadEmails: false, sendEmails: false }));
    expect(neither.statusCode).toBe(422);
    expect(errorOf(neither).details).toContainEqual(expect.objectContaining({ path: 'loadEmails' }));
    const wrongAuth = await post(w.exchangeService({ domains: [], authMethod: 'app_only' }));
    expect(wrongAuth.statusCode).toBe(422);
    expect(errorOf(wrongAuth).message).toMatch(/basic, ntlm, oauth/);
    const plain = await post(
      w.exchangeService({ domains: [], serviceAddress: 'http://mail.example.test/EWS/Exchange.asmx' }),
    );
    expect(plain.statusCode).toBe(422);
    expect(errorOf(plain).message).toContain('https://');
    const oauthIncomplete = await post(w.microsoft365Service({ domains: [], clientSecret: undefined }));
    expect(oauthIncomplete.statusCode).toBe(422);
    expect(errorOf(oauthIncomplete).details).toContainEqual(
      expect.objectContaining({ path: 'clientSecret' }),
    );
    const taken = await post(w.exchangeService({ domains: ['EXAMPLE.test'] }));
    expect(taken.statusCode).toBe(409);
    expect(errorOf(taken).message).toContain('example.test is already served by "Sandbox Exchange"');
    const badDomain = await post(w.exchangeService({ domains: ['not a domain'] }));
    expect(badDomain.statusCode).toBe(422);
    const named = await post(
      w.exchangeService({ name: undefined, domains: [], serviceAddress: 'Mail.Example.Test' }),
    );
    expect(named.statusCode).toBe(201);
    expect(named.json()).toMatchObject({
      name: 'mail.example.test',
      ewsUrl: 'https://mail.example.test/EWS/Exchange.asmx',
    });
    expect(
      (await w.call(w.h.admin, { method: 'DELETE', url: `/api/v1/mail-services/${named.json().id}` }))
        .statusCode,
    ).toBe(204);
  });
});

describe('mailboxes: detection, login formats and test connection', () => {
  const detect = (address: string) =>
    w.call(w.h.alice, { method: 'POST', url: '/api/v1/mailboxes/detect', payload: { address } });
  const setService = (id: string, payload: Record<string, unknown>) =>
    w.call(w.h.admin, { method: 'PATCH', url: `/api/v1/mail-services/${id}`, payload });
  const add = (payload: Record<string, unknown>, who = w.h.alice) =>
    w.call(who, { method: 'POST', url: '/api/v1/mailboxes', payload });

  it('finds the service from the domain list, the most specific first', async () => {
    const found = await detect('Ada@Example.test');
    expect(found.statusCode).toBe(200);
    expect(found.json()).toMatchObject({
      serviceId: exchangeId,
      foundBy: 'domain',
      login: 'ada@example.test',
      needs: 'password',
    });
    const sub = await detect('someone@m365.example.test');
    expect(sub.json()).toMatchObject({ serviceId: m365Id, needs: 'oauth', type: 'microsoft365' });
    const none = await detect('someone@nowhere.test');
    expect(none.statusCode).toBe(422);
    expect(errorOf(none).code).toBe('no_service');
  });

  it('falls back to Autodiscover when no domain matches', async () => {
    expect((await setService(exchangeId, { domains: [] })).statusCode).toBe(200);
    const found = await detect('ada@example.test');
    expect(found.statusCode).toBe(200);
    expect(found.json()).toMatchObject({ serviceId: exchangeId, foundBy: 'autodiscover' });
    expect((await setService(exchangeId, { domains: ['example.test'] })).statusCode).toBe(200);
  });

  it('derives the login from the format: mailbox name, manual, email', async () => {
    await setService(exchangeId, { loginFormat: 'mailbox' });
    expect((await detect('ada@example.test')).json().login).toBe('ada');
    const ada = await add({ address: 'ada@example.test', password: DEMO_PASSWORD });
    expect(ada.statusCode).toBe(201);
    expect(ada.json()).toMatchObject({
      status: 'active',
      mailbox: { login: 'ada', status: 'active', hasPassword: true },
    });

    await setService(exchangeId, { loginFormat: 'manual' });
    expect((await detect('grace@example.test')).json().login).toBeNull();
    const noLogin = await add({ address: 'grace@example.test', password: DEMO_PASSWORD }, w.h.bob);
    expect(noLogin.statusCode).toBe(422);
    expect(errorOf(noLogin).details).toContainEqual(expect.objectContaining({ path: 'login' }));
    const typed = await add(
      { address: 'grace@example.test', login: 'EXAMPLE\\grace', password: DEMO_PASSWORD },
      w.h.bob,
    );
    expect(typed.statusCode).toBe(201);
    expect(typed.json().mailbox.login).toBe('EXAMPLE\\grace');

    await setService(exchangeId, { loginFormat: 'email' });
    const linus = await add({ address: 'linus@example.test', password: DEMO_PASSWORD }, w.h.bob);
    expect(linus.statusCode).toBe(201);
    expect(linus.json().mailbox.login).toBe('linus@example.test');
    const again = await add({ address: 'linus@example.test', password: DEMO_PASSWORD }, w.h.alice);
    expect(again.statusCode).toBe(409);
  });

  it('stores nothing when the test fails, and says which way it failed', async () => {
    const before = (await w.call(w.h.admin, { method: 'GET', url: '/api/v1/mailboxes' })).json().items.length;
    const expectFailure = async (problem: string, text: RegExp) => {
      const response = await add({ address: 'grace@example.test', password: DEMO_PASSWORD });
      expect(response.statusCode, problem).toBe(422);
      const error = errorOf(response);
      expect(error.code).toBe('connection_failed');
      expect(error.details).toContainEqual({ path: 'connection', message: problem });
      expect(error.message).toMatch(text);
    };
    // bob's grace mailbox is live: a second one is a conflict, before any test runs.
    const taken = await add({ address: 'grace@example.test', password: 'not-the-password' }, w.h.admin);
    expect(taken.statusCode).toBe(409);
    await w.call(w.h.bob, {
      method: 'POST',
      url: `/api/v1/mailboxes/${await idOf('grace@example.test')}/disconnect`,
    });

    const wrongPassword = await add({ address: 'grace@example.test', password: 'not-the-password' });
    expect(wrongPassword.statusCode).toBe(422);
    expect(errorOf(wrongPassword).details).toContainEqual({ path: 'connection', message: 'unauthorized' });
    expect(errorOf(wrongPassword).message).toMatch(/401/);
    expect(errorOf(wrongPassword).message).toMatch(/update the password/);

    await setService(exchangeId, { allowPrivateAddresses: false });
    await expectFailure('private_address', /internal.*allow private addresses/s);
    await setService(exchangeId, { allowPrivateAddresses: true, caCertificate: null });
    await expectFailure('tls', /certificate.*CA certificate/s);
    await setService(exchangeId, {
      caCertificate: w.sandbox.caPem,
      serviceAddress: 'https://no-such-host.invalid/EWS/Exchange.asmx',
    });
    await expectFailure('unresolvable', /does not resolve/);
    await setService(exchangeId, { serviceAddress: `${w.sandbox.httpsUrl}/nothing/Exchange.asmx` });
    await expectFailure('not_exchange', /not like Exchange/);
    await setService(exchangeId, { serviceAddress: `${w.sandbox.httpsUrl}/EWS/Exchange.asmx` });

    const after = (await w.call(w.h.admin, { method: 'GET', url: '/api/v1/mailboxes' })).json().items;
    expect(after.filter((m: { status: string }) => m.status !== 'disconnected').length).toBe(before - 1);
  });

  it('tests a stored mailbox and updates its password only when the new one works', async () => {
    const id = await idOf('ada@example.test');
    const test = await w.call(w.h.alice, { method: 'POST', url: `/api/v1/mailboxes/${id}/test` });
    expect(test.json()).toMatchObject({ ok: true, mailbox: { status: 'active' } });
    const wrong = await w.call(w.h.alice, {
      method: 'PUT',
      url: `/api/v1/mailboxes/${id}/password`,
      payload: { password: 'wrong-password' },
    });
    expect(wrong.statusCode).toBe(422);
    expect((await w.call(w.h.alice, { method: 'POST', url: `/api/v1/mailboxes/${id}/test` })).json().ok).toBe(
      true,
    );
    const right = await w.call(w.h.alice, {
      method: 'PUT',
      url: `/api/v1/mailboxes/${id}/password`,
      payload: { password: DEMO_PASSWORD },
    });
    expect(right.statusCode).toBe(200);
    expect(right.json()).toMatchObject({ status: 'active', hasPassword: true });
    // Someone else's mailbox stays invisible.
    expect((await w.call(w.h.bob, { method: 'GET', url: `/api/v1/mailboxes/${id}` })).statusCode).toBe(404);
    expect((await w.call(w.h.admin, { method: 'GET', url: `/api/v1/mailboxes/${id}` })).statusCode).toBe(200);
  });
});

async function idOf(address: string): Promise<string> {
  const items = (await w.call(w.h.admin, { method: 'GET', url: '/api/v1/mailboxes' })).json().items as Array<{
    id: string;
    address: string;
    status: string;
  }>;
  const found = items.find((m) => m.address === address && m.status !== 'disconnected');
  if (!found) throw new Error(`no live mailbox ${address}`);
  return found.id;
}

describe('organisation mode and user selection', () => {
  let orgId: string;

  it('is locked once individual credentials were used', async () => {
    const locked = await w.call(w.h.admin, {
      method: 'POST',
      url: `/api/v1/mail-services/${exchangeId}/organisation`,
      payload: { login: 'svc-sync@example.test', password: DEMO_PASSWORD, testAddress: 'ada@example.test' },
    });
    expect(locked.statusCode).toBe(409);
    expect(errorOf(locked).code).toBe('mode_locked');
    const service = (
      await w.call(w.h.admin, { method: 'GET', url: `/api/v1/mail-services/${exchangeId}` })
    ).json();
    expect(service.accessMode).toBe('individual');
    const authChange = await w.call(w.h.admin, {
      method: 'PATCH',
      url: `/api/v1/mail-services/${exchangeId}`,
      payload: { authMethod: 'ntlm' },
    });
    expect(authChange.statusCode).toBe(409);
  });

  it('connects a service identity (impersonation) and then keeps organisation mode', async () => {
    const created = await w.call(w.h.admin, {
      method: 'POST',
      url: '/api/v1/mail-services',
      payload: w.exchangeService({ name: 'Organisation', domains: [] }),
    });
    orgId = created.json().id;
    const denied = await w.call(w.h.admin, {
      method: 'POST',
      url: `/api/v1/mail-services/${orgId}/organisation`,
      payload: { login: 'ada@example.test', password: DEMO_PASSWORD, testAddress: 'grace@example.test' },
    });
    expect(denied.statusCode).toBe(422);
    expect(errorOf(denied).message).toMatch(/ApplicationImpersonation/);
    const connected = await w.call(w.h.admin, {
      method: 'POST',
      url: `/api/v1/mail-services/${orgId}/organisation`,
      payload: { login: 'svc-sync@example.test', password: DEMO_PASSWORD, testAddress: 'ada@example.test' },
    });
    expect(connected.statusCode).toBe(200);
    expect(connected.json()).toMatchObject({
      accessMode: 'organisation',
      serviceLogin: 'svc-sync@example.test',
      hasServicePassword: true,
    });
    expect(connected.body).not.toContain(DEMO_PASSWORD);
    const modeChange = await w.call(w.h.admin, {
      method: 'PATCH',
      url: `/api/v1/mail-services/${orgId}`,
      payload: { authMethod: 'ntlm' },
    });
    expect(modeChange.statusCode).toBe(409);
    expect(errorOf(modeChange).code).toBe('mode_locked');
  });

  it('syncs only the chosen active users', async () => {
    await w.h.crm.users.update(await w.h.crm.users.principalFor(w.h.admin.user.id), demoUsers.linus.id, {
      active: false,
    });
    const inactive = await w.call(w.h.admin, {
      method: 'PUT',
      url: `/api/v1/mail-services/${orgId}/users`,
      payload: { userIds: [demoUsers.ada.id, demoUsers.linus.id] },
    });
    expect(inactive.statusCode).toBe(422);
    expect(errorOf(inactive).message).toContain('linus@example.test is inactive');

    const chosen = await w.call(w.h.admin, {
      method: 'PUT',
      url: `/api/v1/mail-services/${orgId}/users`,
      payload: { userIds: [demoUsers.ada.id, demoUsers.grace.id] },
    });
    expect(chosen.statusCode).toBe(200);
    const byEmail = (body: { users: Array<{ email: string; synced: boolean; selected: boolean }> }) =>
      Object.fromEntries(body.users.map((u) => [u.email, u]));
    let users = byEmail(chosen.json());
    expect(users['ada@example.test']).toMatchObject({
      selected: true,
      synced: true,
      mailboxStatus: 'active',
    });
    expect(users['grace@example.test']).toMatchObject({ selected: true, synced: true });
    expect(users['linus@example.test']).toMatchObject({ selected: false, synced: false, active: false });

    await w.h.crm.users.update(await w.h.crm.users.principalFor(w.h.admin.user.id), demoUsers.grace.id, {
      active: false,
    });
    users = byEmail(
      (await w.call(w.h.admin, { method: 'GET', url: `/api/v1/mail-services/${orgId}/users` })).json(),
    );
    expect(users['grace@example.test']).toMatchObject({ selected: true, synced: false, active: false });
    // Nobody adds personal credentials to an organisation-mode service.
    const personal = await w.call(w.h.admin, {
      method: 'PATCH',
      url: `/api/v1/mail-services/${orgId}`,
      payload: { domains: ['org.example.test'] },
    });
    expect(personal.statusCode).toBe(200);
    const refused = await w.call(w.h.alice, {
      method: 'POST',
      url: '/api/v1/mailboxes',
      payload: { address: 'someone@org.example.test', password: DEMO_PASSWORD },
    });
    expect(refused.statusCode).toBe(409);
    expect(errorOf(refused).code).toBe('mode_locked');
  });
});

describe('deleting services and disconnecting mailboxes', () => {
  it('refuses to delete a service in use, listing the mailboxes and owners', async () => {
    const response = await w.call(w.h.admin, {
      method: 'DELETE',
      url: `/api/v1/mail-services/${exchangeId}`,
    });
    expect(response.statusCode).toBe(409);
    const error = errorOf(response);
    expect(error.code).toBe('service_in_use');
    expect(error.message).toContain('ada@example.test (owner alice@example.com)');
    expect(error.message).toContain('linus@example.test (owner bob@example.com)');
    expect(error.details?.length).toBe(2);
  });

  it('disconnects: sync stops, secrets are erased, CRM data stays', async () => {
    const principal = await w.h.crm.users.principalFor(w.h.alice.user.id);
    const contact = await w.h.crm.contacts.create(principal, {
      displayName: 'Synced Before',
      emails: [],
    } as never);
    const id = await idOf('ada@example.test');
    const response = await w.call(w.h.alice, { method: 'POST', url: `/api/v1/mailboxes/${id}/disconnect` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      status: 'disconnected',
      hasPassword: false,
      disconnectedAt: expect.any(String),
    });
    const row = await w.h.store.db
      .selectFrom('mailboxes')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.secret_enc).toBeNull();
    expect((await w.h.crm.contacts.get(principal, contact.id)).displayName).toBe('Synced Before');
    const test = await w.call(w.h.alice, { method: 'POST', url: `/api/v1/mailboxes/${id}/test` });
    expect(test.statusCode).toBe(409);
    // Once every mailbox is disconnected, the service can go; the history stays.
    for (const who of ['grace@example.test', 'linus@example.test']) {
      const other = await idOf(who).catch(() => undefined);
      if (other) await w.call(w.h.admin, { method: 'POST', url: `/api/v1/mailboxes/${other}/disconnect` });
    }
    expect(
      (await w.call(w.h.admin, { method: 'DELETE', url: `/api/v1/mail-services/${exchangeId}` })).statusCode,
    ).toBe(204);
    expect((await w.call(w.h.alice, { method: 'GET', url: `/api/v1/mailboxes/${id}` })).json()).toMatchObject(
      {
        status: 'disconnected',
        serviceId: null,
      },
    );
  });
});

describe('secrets at rest', () => {
  it('never appear in answers, logs or stored columns', async () => {
    const secrets = [DEMO_PASSWORD, DEMO_CLIENT_SECRET, 'not-the-password', 'wrong-password'];
    for (const secret of secrets) {
      for (const body of w.answers) expect(body).not.toContain(secret);
      expect(w.h.logs.join('\n')).not.toContain(secret);
    }
    const stored = JSON.stringify([
      await w.h.store.db.selectFrom('mail_services').selectAll().execute(),
      await w.h.store.db.selectFrom('mailboxes').selectAll().execute(),
    ]);
    for (const secret of secrets) expect(stored).not.toContain(secret);
    expect(stored).toMatch(/"v1\.[\w-]+\.[\w-]+\.[\w-]+"/);
    expect(w.h.logs.some((l) => l.includes('mailbox connected'))).toBe(true);
  });
});
