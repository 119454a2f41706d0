// The "done" path of SPEC A3/A4 through the REST API: a user adds a sandbox mailbox by address
// (password over EWS, OAuth consent over Graph), tests it, lists its folders and reads its
// contacts, events, tasks and messages; a revoked grant marks that mailbox alone "needs sign-in".

import { DEMO_TENANT_ID } from '@exsync/sandbox/seed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../src/secrets/index.ts';
import type { TestUser } from './http-harness.ts';
import { consent, createMailboxWorld, DEMO_PASSWORD, type MailboxWorld } from './mailboxes-support.ts';

let w: MailboxWorld;

beforeAll(async () => {
  w = await createMailboxWorld();
});

afterAll(async () => {
  await w?.close();
});

type Folder = { id: string; name: string; wellKnown?: string; children: Folder[] };
const flatten = (folders: Folder[]): Folder[] => folders.flatMap((f) => [f, ...flatten(f.children)]);

/** Lists each kind's folders and reads the first items of its default folder. */
async function readEverything(who: TestUser, mailboxId: string): Promise<Record<string, unknown[]>> {
  const read: Record<string, unknown[]> = {};
  for (const [kind, wellKnown] of [
    ['contacts', 'contacts'],
    ['calendar', 'calendar'],
    ['tasks', 'tasks'],
    ['mail', 'inbox'],
  ] as const) {
    const tree = await w.call(who, {
      method: 'GET',
      url: `/api/v1/mailboxes/${mailboxId}/folders?kind=${kind}`,
    });
    expect(tree.statusCode, `${kind} folders: ${tree.body}`).toBe(200);
    const folders = flatten(tree.json().items as Folder[]);
    const folder = folders.find((f) => f.wellKnown === wellKnown) ?? folders[0];
    expect(folder, `${kind}: ${tree.body}`).toBeDefined();
    const items = await w.call(who, {
      method: 'GET',
      url: `/api/v1/mailboxes/${mailboxId}/items?kind=${kind}&folderId=${encodeURIComponent(folder.id)}&limit=5`,
    });
    expect(items.statusCode, `${kind} items: ${items.body}`).toBe(200);
    read[kind] = items.json().items;
    expect(read[kind].length, `${kind} items`).toBeGreaterThan(0);
    expect(read[kind].length).toBeLessThanOrEqual(5);
  }
  return read;
}

describe('Exchange Server over EWS, with a password', () => {
  let serviceId: string;
  let mailboxId: string;

  it('adds, tests and reads a mailbox', async () => {
    const service = await w.call(w.h.admin, {
      method: 'POST',
      url: '/api/v1/mail-services',
      payload: w.exchangeService(),
    });
    expect(service.statusCode).toBe(201);
    serviceId = service.json().id;
    const detected = await w.call(w.h.alice, {
      method: 'POST',
      url: '/api/v1/mailboxes/detect',
      payload: { address: 'ada@example.test' },
    });
    expect(detected.json()).toMatchObject({ serviceId, needs: 'password' });
    const added = await w.call(w.h.alice, {
      method: 'POST',
      url: '/api/v1/mailboxes',
      payload: { address: 'ada@example.test', password: DEMO_PASSWORD },
    });
    expect(added.statusCode).toBe(201);
    mailboxId = added.json().mailbox.id;
    expect(added.json()).toMatchObject({ status: 'active', mailbox: { protocol: 'ews' } });
    const test = await w.call(w.h.alice, { method: 'POST', url: `/api/v1/mailboxes/${mailboxId}/test` });
    expect(test.json()).toMatchObject({ ok: true });
    const read = await readEverything(w.h.alice, mailboxId);
    expect(read.contacts[0]).toMatchObject({
      id: expect.any(String),
      version: expect.any(String),
      item: expect.any(Object),
    });
    expect((read.calendar[0] as { item: { subject: string } }).item.subject).toEqual(expect.any(String));
  });

  it('marks the mailbox needs-sign-in when its password no longer works, until it is updated', async () => {
    // As if the password had been changed on the Exchange side: the stored one is now wrong.
    const box = createSecretBox(w.secretKey);
    await w.h.store.db
      .updateTable('mailboxes')
      .set({ secret_enc: box.seal('Old-Passw0rd!', `mailboxes.secret:${mailboxId}`) })
      .where('id', '=', mailboxId)
      .execute();
    const test = await w.call(w.h.alice, { method: 'POST', url: `/api/v1/mailboxes/${mailboxId}/test` });
    expect(test.json()).toMatchObject({
      ok: false,
      problem: 'unauthorized',
      mailbox: { status: 'needs_sign_in' },
    });
    const folders = await w.call(w.h.alice, {
      method: 'GET',
      url: `/api/v1/mailboxes/${mailboxId}/folders?kind=mail`,
    });
    expect(folders.statusCode).toBe(502);
    expect(folders.json().error.message).toMatch(/Update the password/);
    const updated = await w.call(w.h.alice, {
      method: 'PUT',
      url: `/api/v1/mailboxes/${mailboxId}/password`,
      payload: { password: DEMO_PASSWORD },
    });
    expect(updated.json()).toMatchObject({ status: 'active', lastError: null });
  });

  it('lets a successful connection test or a new password end a server-imposed wait', async () => {
    const throttle = () =>
      w.h.store.db
        .updateTable('mailboxes')
        .set({ throttled_until: '2058-01-01T00:00:00.000Z', last_error_code: 'throttled' })
        .where('id', '=', mailboxId)
        .execute();
    await throttle();
    const test = await w.call(w.h.alice, { method: 'POST', url: `/api/v1/mailboxes/${mailboxId}/test` });
    expect(test.json()).toMatchObject({ ok: true, mailbox: { throttledUntil: null, lastError: null } });
    await throttle();
    const updated = await w.call(w.h.alice, {
      method: 'PUT',
      url: `/api/v1/mailboxes/${mailboxId}/password`,
      payload: { password: DEMO_PASSWORD },
    });
    expect(updated.json()).toMatchObject({ status: 'active', throttledUntil: null });
  });

  it('lets an administrator add a mailbox for another user, and nobody else', async () => {
    const address = 'owned-by-bob@example.test';
    w.sandbox.store.addMailbox({
      tenantId: DEMO_TENANT_ID,
      address,
      displayName: 'Bob',
      password: DEMO_PASSWORD,
    });
    const add = (who: TestUser, ownerId: string) =>
      w.call(who, {
        method: 'POST',
        url: '/api/v1/mailboxes',
        payload: { address, password: DEMO_PASSWORD, ownerId },
      });
    const refused = await add(w.h.alice, w.h.bob.user.id);
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.json().error.message).toMatch(/Only administrators/);
    expect((await add(w.h.admin, 'no-such-user')).statusCode).toBe(422);
    const added = await add(w.h.admin, w.h.bob.user.id);
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json().mailbox.userId).toBe(w.h.bob.user.id);
    const bobs = await w.call(w.h.bob, { method: 'GET', url: '/api/v1/mailboxes' });
    expect(bobs.json().items.map((m: { address: string }) => m.address)).toContain(address);
    const id = added.json().mailbox.id;
    await w.call(w.h.bob, { method: 'POST', url: `/api/v1/mailboxes/${id}/disconnect` });
  });

  it('leaves room for the Microsoft 365 service once disconnected and deleted', async () => {
    await w.call(w.h.alice, { method: 'POST', url: `/api/v1/mailboxes/${mailboxId}/disconnect` });
    expect(
      (await w.call(w.h.admin, { method: 'DELETE', url: `/api/v1/mail-services/${serviceId}` })).statusCode,
    ).toBe(204);
  });
});

describe('Microsoft 365 over Graph, with OAuth consent', () => {
  const mailboxIds: Record<string, string> = {};

  async function addWithConsent(who: TestUser, address: string): Promise<string> {
    const added = await w.call(who, {
      method: 'POST',
      url: '/api/v1/mailboxes',
      payload: { address, returnTo: '/mailboxes' },
    });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json()).toMatchObject({
      status: 'pending',
      mailbox: { status: 'pending', protocol: 'graph' },
    });
    const authorizationUrl: string = added.json().authorizationUrl;
    expect(authorizationUrl).toContain(`${w.sandbox.httpsUrl}/`);
    expect(new URL(authorizationUrl).searchParams.get('code_challenge_method')).toBe('S256');
    expect(new URL(authorizationUrl).searchParams.get('redirect_uri')).toBe(
      'http://localhost:8080/oauth/microsoft/callback',
    );
    const callback = await consent(w, authorizationUrl, address);
    const back = await w.call(who, { method: 'GET', url: callback });
    expect(back.statusCode, back.body).toBe(303);
    const id = added.json().mailbox.id as string;
    expect(back.headers.location).toBe(`/mailboxes?mailboxConnected=${id}`);
    // The state is single use.
    const replay = await w.call(who, { method: 'GET', url: callback });
    expect(replay.statusCode).toBe(400);
    expect(replay.body).toContain('already used');
    // The page cannot be framed, runs nothing and passes no referrer on.
    expect(replay.headers['content-security-policy']).toMatch(/default-src 'none'.*frame-ancestors 'none'/);
    expect(replay.headers['x-frame-options']).toBe('DENY');
    expect(replay.headers['referrer-policy']).toBe('no-referrer');
    // Neither the code nor the state reaches the log.
    const query = new URL(callback, 'http://exsync.invalid').searchParams;
    const logs = w.h.logs.join('\n');
    expect(logs).toContain('/oauth/microsoft/callback?[redacted]');
    for (const secret of [query.get('code'), query.get('state')]) {
      expect(secret).toBeTruthy();
      expect(logs).not.toContain(secret);
    }
    return id;
  }

  it('adds mailboxes through consent and reads them', async () => {
    const service = await w.call(w.h.admin, {
      method: 'POST',
      url: '/api/v1/mail-services',
      payload: w.microsoft365Service(),
    });
    expect(service.statusCode).toBe(201);
    mailboxIds.ada = await addWithConsent(w.h.alice, 'ada@example.test');
    mailboxIds.grace = await addWithConsent(w.h.bob, 'grace@example.test');
    const ada = await w.call(w.h.alice, { method: 'GET', url: `/api/v1/mailboxes/${mailboxIds.ada}` });
    expect(ada.json()).toMatchObject({
      status: 'active',
      signedIn: true,
      hasPassword: false,
      accessMode: 'individual',
    });
    const serviceAfter = await w.call(w.h.admin, {
      method: 'GET',
      url: `/api/v1/mail-services/${service.json().id}`,
    });
    expect(serviceAfter.json().accessMode).toBe('individual');
    await readEverything(w.h.alice, mailboxIds.ada);
    const row = await w.h.store.db
      .selectFrom('mailboxes')
      .select('token_cache_enc')
      .where('id', '=', mailboxIds.ada)
      .executeTakeFirstOrThrow();
    expect(row.token_cache_enc).toMatch(/^v1\./);
    expect(row.token_cache_enc).not.toContain('refresh');
  });

  it('refuses a sign-in as another account than the mailbox', async () => {
    const added = await w.call(w.h.alice, {
      method: 'POST',
      url: '/api/v1/mailboxes',
      payload: { address: 'linus@example.test' },
    });
    const callback = await consent(w, added.json().authorizationUrl, 'ada@example.test');
    const back = await w.call(w.h.alice, { method: 'GET', url: callback });
    expect(back.statusCode).toBe(400);
    expect(back.body).toContain('You signed in as ada@example.test, but this mailbox is linus@example.test');
    expect(
      (await w.call(w.h.alice, { method: 'GET', url: `/api/v1/mailboxes/${added.json().mailbox.id}` })).json()
        .status,
    ).toBe('pending');
  });

  it('marks only the mailbox whose grant was revoked as needing sign-in, and signs it in again', async () => {
    await w.sandbox.admin.revokeGrants('ada@example.test');
    const ada = await w.call(w.h.alice, { method: 'POST', url: `/api/v1/mailboxes/${mailboxIds.ada}/test` });
    expect(ada.json()).toMatchObject({
      ok: false,
      problem: 'unauthorized',
      mailbox: { status: 'needs_sign_in' },
    });
    expect(ada.json().message).toMatch(/Sign in to Microsoft again/);
    const folders = await w.call(w.h.alice, {
      method: 'GET',
      url: `/api/v1/mailboxes/${mailboxIds.ada}/folders?kind=contacts`,
    });
    expect(folders.statusCode).toBe(502);
    const grace = await w.call(w.h.bob, {
      method: 'POST',
      url: `/api/v1/mailboxes/${mailboxIds.grace}/test`,
    });
    expect(grace.json()).toMatchObject({ ok: true, mailbox: { status: 'active' } });

    const again = await w.call(w.h.alice, {
      method: 'POST',
      url: `/api/v1/mailboxes/${mailboxIds.ada}/sign-in`,
      payload: {},
    });
    expect(again.statusCode).toBe(200);
    const callback = await consent(w, again.json().authorizationUrl, 'ada@example.test');
    expect((await w.call(w.h.alice, { method: 'GET', url: callback })).statusCode).toBe(303);
    const after = await w.call(w.h.alice, { method: 'GET', url: `/api/v1/mailboxes/${mailboxIds.ada}` });
    expect(after.json()).toMatchObject({ status: 'active', lastError: null });
  });

  it('lets nobody else start a sign-in for a mailbox, and never shows tokens', async () => {
    const other = await w.call(w.h.bob, {
      method: 'POST',
      url: `/api/v1/mailboxes/${mailboxIds.ada}/sign-in`,
      payload: {},
    });
    expect(other.statusCode).toBe(404);
    for (const body of w.answers) {
      expect(body).not.toMatch(/eyJ[\w-]+\.eyJ/);
      expect(body).not.toContain('refresh_token');
    }
    expect(w.h.logs.join('\n')).not.toMatch(/eyJ[\w-]+\.eyJ/);
  });
});
