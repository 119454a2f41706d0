// Every record type of the CRM registry through the REST API: create, read, partial update,
// list with filters and paging, delete, and sharing; access of other users.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordTypes } from '../src/crm/index.ts';
import { createHarness, errorOf, type Harness } from './http-harness.ts';

let h: Harness;
/** Checks a response body against the schema the OpenAPI document gives for it; returns the errors. */
let checkDocumented: (method: string, path: string, status: number, body: unknown) => unknown[];

beforeAll(async () => {
  h = await createHarness();
  const document = (await h.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (instance: Ajv2020) => void)(ajv);
  const base = 'https://exsync.invalid/openapi.json';
  ajv.addSchema({ $id: base, components: document.components });
  checkDocumented = (method, path, status, body) => {
    const schema = document.paths[path]?.[method.toLowerCase()]?.responses?.[String(status)]?.content?.[
      'application/json'
    ]?.schema as { $ref?: string } | undefined;
    if (!schema) return [`no documented ${status} response for ${method} ${path}`];
    const resolved = schema.$ref ? { $ref: `${base}${schema.$ref}` } : { ...schema, $id: undefined };
    const validate = ajv.compile(resolved);
    return validate(body) ? [] : (validate.errors ?? []);
  };
});
afterAll(async () => {
  await h.close();
});

/** A valid create input and a patch per route name. A new record type fails here until it has one. */
const samples: Record<string, { create: Record<string, unknown>; patch: Record<string, unknown> }> = {
  contacts: {
    create: {
      givenName: 'Ada',
      familyName: 'Lovelace',
      emails: [{ type: 'work', address: 'ada@example.com' }],
    },
    patch: { jobTitle: 'Analyst' },
  },
  accounts: { create: { name: 'Analytical Engines Ltd' }, patch: { industry: 'Computing' } },
  leads: { create: { displayName: 'Charles Babbage', status: 'new' }, patch: { status: 'contacted' } },
  deals: {
    create: { name: 'Difference engine', amount: 1200, currency: 'GBP' },
    patch: { stage: 'proposal' },
  },
  activities: {
    create: {
      kind: 'meeting',
      subject: 'Planning',
      startsAt: '2026-03-02T09:00:00+01:00',
      endsAt: '2026-03-02T10:00:00+01:00',
      timeZone: 'Europe/Berlin',
    },
    patch: { location: 'Room 4' },
  },
  // Message-IDs are unique per owner; each use gets a fresh one (see createInput).
  emails: { create: { messageId: '<m@example.com>', subject: 'Hello' }, patch: { subject: 'Hello again' } },
  contactGroups: { create: { name: 'Newsletter' }, patch: { name: 'Newsletter 2026' } },
  activityGroups: { create: { name: 'Board meetings' }, patch: { name: 'Board' } },
};

let serial = 0;
function createInput(name: string): Record<string, unknown> {
  const input = { ...samples[name].create };
  if (typeof input.messageId === 'string') input.messageId = `<m${++serial}@example.com>`;
  return input;
}

describe.each(recordTypes.map((t) => [t.name]))('%s', (name) => {
  const base = `/api/v1/${name}`;

  it('has a sample input in this test', () => {
    expect(samples[name]).toBeDefined();
  });

  it('creates, reads, updates partially, lists and deletes', async () => {
    const sample = samples[name];
    const created = await h.as(h.alice, { method: 'POST', url: base, payload: createInput(name) });
    expect(created.statusCode, created.body).toBe(201);
    const record = created.json();
    expect(record.id).toEqual(expect.any(String));
    expect(record.ownerId).toBe(h.alice.user.id);
    expect(created.headers.location).toBe(`${base}/${record.id}`);

    expect(checkDocumented('POST', base, 201, record)).toEqual([]);

    const read = await h.as(h.alice, { method: 'GET', url: `${base}/${record.id}` });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(record);

    const patched = await h.as(h.alice, {
      method: 'PATCH',
      url: `${base}/${record.id}`,
      payload: sample.patch,
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject(sample.patch);
    // Fields not sent keep their value.
    for (const [field, value] of Object.entries(sample.create)) {
      if (
        !(field in sample.patch) &&
        field !== 'messageId' &&
        typeof value === 'string' &&
        !/At$/.test(field)
      ) {
        expect(patched.json()[field]).toBe(value);
      }
    }

    expect(checkDocumented('PATCH', `${base}/{id}`, 200, patched.json())).toEqual([]);

    const list = await h.as(h.alice, { method: 'GET', url: base });
    expect(list.statusCode).toBe(200);
    expect(checkDocumented('GET', base, 200, list.json())).toEqual([]);
    expect(list.json().items.map((r: { id: string }) => r.id)).toContain(record.id);

    // Bob sees none of Alice's records.
    const bobList = await h.as(h.bob, { method: 'GET', url: base });
    expect(bobList.json().items.map((r: { id: string }) => r.id)).not.toContain(record.id);

    const deleted = await h.as(h.alice, { method: 'DELETE', url: `${base}/${record.id}` });
    expect(deleted.statusCode).toBe(204);
    const gone = await h.as(h.alice, { method: 'GET', url: `${base}/${record.id}` });
    expect(gone.statusCode).toBe(404);
    expect(errorOf(gone).code).toBe('not_found');
    expect(checkDocumented('GET', `${base}/{id}`, 404, gone.json())).toEqual([]);
  });

  it("answers 404 for another user's record and leaves it unchanged", async () => {
    const created = await h.as(h.alice, { method: 'POST', url: base, payload: createInput(name) });
    const record = created.json();
    for (const request of [
      { method: 'GET' as const, url: `${base}/${record.id}` },
      { method: 'PATCH' as const, url: `${base}/${record.id}`, payload: samples[name].patch },
      { method: 'DELETE' as const, url: `${base}/${record.id}` },
    ]) {
      const response = await h.as(h.bob, request);
      expect(response.statusCode, `${request.method} ${response.body}`).toBe(404);
      expect(errorOf(response).code).toBe('not_found');
    }
    const still = await h.as(h.alice, { method: 'GET', url: `${base}/${record.id}` });
    expect(still.json()).toEqual(record);
    // Administrators see everything.
    expect((await h.as(h.admin, { method: 'GET', url: `${base}/${record.id}` })).statusCode).toBe(200);
  });

  it('shares a record with another user and withdraws the share', async () => {
    const record = (await h.as(h.alice, { method: 'POST', url: base, payload: createInput(name) })).json();
    const shares = `${base}/${record.id}/shares`;
    const granted = await h.as(h.alice, {
      method: 'PUT',
      url: shares,
      payload: { principalType: 'user', principalId: h.bob.user.id, level: 'read' },
    });
    expect(granted.statusCode, granted.body).toBe(200);
    expect((await h.as(h.bob, { method: 'GET', url: `${base}/${record.id}` })).statusCode).toBe(200);
    const listed = await h.as(h.bob, { method: 'GET', url: shares });
    expect(listed.json().items).toEqual([
      expect.objectContaining({ principalType: 'user', principalId: h.bob.user.id, level: 'read' }),
    ]);
    // Read access does not allow changes.
    const edit = await h.as(h.bob, {
      method: 'PATCH',
      url: `${base}/${record.id}`,
      payload: samples[name].patch,
    });
    expect(edit.statusCode).toBe(403);
    expect(errorOf(edit).code).toBe('forbidden');

    const withdrawn = await h.as(h.alice, {
      method: 'DELETE',
      url: `${shares}?principalType=user&principalId=${h.bob.user.id}`,
    });
    expect(withdrawn.statusCode).toBe(204);
    expect((await h.as(h.bob, { method: 'GET', url: `${base}/${record.id}` })).statusCode).toBe(404);
  });
});

describe('lists', () => {
  it('pages with cursor and limit, and filters', async () => {
    for (let i = 0; i < 5; i++) {
      await h.as(h.bob, { method: 'POST', url: '/api/v1/accounts', payload: { name: `Paging ${i}` } });
    }
    const seen: string[] = [];
    let url = '/api/v1/accounts?q=Paging&limit=2';
    for (let page = 0; page < 5; page++) {
      const response = await h.as(h.bob, { method: 'GET', url });
      expect(response.statusCode).toBe(200);
      const body = response.json();
      seen.push(...body.items.map((a: { name: string }) => a.name));
      if (!body.nextCursor) break;
      url = `/api/v1/accounts?q=Paging&limit=2&cursor=${encodeURIComponent(body.nextCursor)}`;
    }
    expect(seen).toEqual(['Paging 0', 'Paging 1', 'Paging 2', 'Paging 3', 'Paging 4']);
  });

  it.each([
    ['contacts', (name: string, company: string | null) => ({ displayName: name, companyName: company })],
    ['leads', (name: string, company: string | null) => ({ displayName: name, companyName: company })],
    ['accounts', (name: string) => ({ name })],
    ['deals', (name: string) => ({ name })],
  ] as const)(
    'sorts %s by name and by change, pages through the sort and counts the total',
    async (type, make) => {
      const base = `/api/v1/${type}`;
      // Created out of order, one with a lower-case name: the sort ignores case.
      const names = ['Sort Delta', 'sort beta', 'Sort Alpha', 'Sort Echo', 'Sort Charlie'];
      const companies = ['Zeta', null, 'Mu', 'Alpha', 'Mu'];
      for (const [i, name] of names.entries()) {
        const created = await h.as(h.alice, { method: 'POST', url: base, payload: make(name, companies[i]) });
        expect(created.statusCode, created.body).toBe(201);
      }
      const all = async (query: string) => {
        const seen: string[] = [];
        const totals: number[] = [];
        let url = `${base}?q=sort&limit=2&${query}`;
        for (let page = 0; page < 6; page++) {
          const response = await h.as(h.alice, { method: 'GET', url });
          expect(response.statusCode, response.body).toBe(200);
          expect(checkDocumented('GET', base, 200, response.json())).toEqual([]);
          const body = response.json();
          seen.push(
            ...body.items.map((r: { displayName?: string; name?: string }) => r.displayName ?? r.name),
          );
          totals.push(body.total);
          if (!body.nextCursor) break;
          url = `${base}?q=sort&limit=2&${query}&cursor=${encodeURIComponent(body.nextCursor)}`;
        }
        return { seen, totals };
      };
      const byName = await all('sort=name');
      expect(byName.seen).toEqual(['Sort Alpha', 'sort beta', 'Sort Charlie', 'Sort Delta', 'Sort Echo']);
      expect(byName.totals).toEqual([5, 5, 5]);
      expect((await all('sort=-name')).seen).toEqual([
        'Sort Echo',
        'Sort Delta',
        'Sort Charlie',
        'sort beta',
        'Sort Alpha',
      ]);
      // A change moves a record to the top of "newest change first".
      const echo = (await h.as(h.alice, { method: 'GET', url: `${base}?q=echo` })).json().items[0];
      const changed = await h.as(h.alice, {
        method: 'PATCH',
        url: `${base}/${echo.id}`,
        payload: { notes: 'changed last' },
      });
      expect(changed.statusCode, changed.body).toBe(200);
      expect((await all('sort=-changed')).seen[0]).toBe('Sort Echo');
      if (type === 'contacts' || type === 'leads') {
        // Missing company first, ties by creation.
        expect((await all('sort=company')).seen).toEqual([
          'sort beta',
          'Sort Echo',
          'Sort Alpha',
          'Sort Charlie',
          'Sort Delta',
        ]);
      }
      // Another user sees none of them; the total counts only what one may see.
      const other = (await h.as(h.bob, { method: 'GET', url: `${base}?q=sort&sort=name` })).json();
      expect(other).toMatchObject({ items: [], total: 0, nextCursor: null });
      // A cursor of one sort is refused for another, and an unknown sort is named.
      const first = (await h.as(h.alice, { method: 'GET', url: `${base}?q=sort&limit=2&sort=name` })).json();
      const mixed = await h.as(h.alice, {
        method: 'GET',
        url: `${base}?q=sort&sort=-name&cursor=${encodeURIComponent(first.nextCursor)}`,
      });
      expect(mixed.statusCode).toBe(422);
      expect(errorOf(mixed).details?.[0].path).toBe('cursor');
      const unknown = await h.as(h.alice, { method: 'GET', url: `${base}?sort=colour` });
      expect(unknown.statusCode).toBe(422);
      expect(errorOf(unknown).details?.[0].path).toBe('sort');
      for (const r of (await h.as(h.alice, { method: 'GET', url: `${base}?q=sort&limit=50` })).json().items)
        await h.as(h.alice, { method: 'DELETE', url: `${base}/${r.id}` });
    },
  );

  it('rejects an unknown filter, a bad limit and a forged cursor', async () => {
    const unknown = await h.as(h.bob, { method: 'GET', url: '/api/v1/accounts?colour=red' });
    expect(unknown.statusCode).toBe(422);
    expect(errorOf(unknown).details).toEqual([{ path: 'colour', message: expect.stringMatching(/unknown/) }]);
    const limit = await h.as(h.bob, { method: 'GET', url: '/api/v1/accounts?limit=5000' });
    expect(limit.statusCode).toBe(422);
    expect(errorOf(limit).details?.[0].path).toBe('limit');
    const cursor = await h.as(h.bob, { method: 'GET', url: '/api/v1/accounts?cursor=nonsense' });
    expect(cursor.statusCode).toBe(422);
    expect(errorOf(cursor).details?.[0].path).toBe('cursor');
  });
});

describe('users and the journal', () => {
  it('lists the roles a user can be given, by name, to every signed-in user', async () => {
    const response = await h.as(h.bob, { method: 'GET', url: '/api/v1/roles' });
    expect(response.statusCode).toBe(200);
    expect(checkDocumented('GET', '/api/v1/roles', 200, response.json())).toEqual([]);
    const names = response.json().items.map((r: { name: string }) => r.name);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['Administrators', 'Sales']));
    const administrators = response.json().items.find((r: { name: string }) => r.name === 'Administrators');
    expect(administrators).toMatchObject({
      builtIn: true,
      operations: expect.arrayContaining(['CanManageUsers']),
    });
  });

  it('lets administrators create users and refuses others', async () => {
    const refused = await h.as(h.alice, {
      method: 'POST',
      url: '/api/v1/users',
      payload: { email: 'carol@example.com', displayName: 'Carol' },
    });
    expect(refused.statusCode).toBe(403);
    const created = await h.as(h.admin, {
      method: 'POST',
      url: '/api/v1/users',
      payload: { email: 'carol@example.com', displayName: 'Carol', password: 'carol-password' },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).not.toHaveProperty('password');
    const duplicate = await h.as(h.admin, {
      method: 'POST',
      url: '/api/v1/users',
      payload: { email: 'carol@example.com', displayName: 'Carol' },
    });
    expect(duplicate.statusCode).toBe(409);
    const patched = await h.as(h.admin, {
      method: 'PATCH',
      url: `/api/v1/users/${created.json().id}`,
      payload: { displayName: 'Carol B.' },
    });
    expect(patched.json().displayName).toBe('Carol B.');
    const list = await h.as(h.alice, { method: 'GET', url: '/api/v1/users?q=carol' });
    expect(list.json().items.map((u: { email: string }) => u.email)).toEqual(['carol@example.com']);
  });

  it('lets a user change their own password', async () => {
    await h.crm.users.createUser({
      email: 'dave@example.com',
      displayName: 'Dave',
      password: 'first-password',
    });
    const login = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'dave@example.com', password: 'first-password' },
    });
    const cookie = `exsync_session=${login.cookies.find((c) => c.name === 'exsync_session')!.value}`;
    const changed = await h.app.inject({
      method: 'POST',
      url: '/api/v1/me/password',
      headers: { cookie, 'x-csrf-token': login.json().csrfToken },
      payload: { currentPassword: 'first-password', newPassword: 'second-password' },
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ sessionsEnded: 0, tokensRevoked: 0 });
    expect(await h.crm.users.verifyLogin('dave@example.com', 'second-password')).toBeDefined();
  });

  it('shows the change journal to administrators only', async () => {
    const refused = await h.as(h.alice, { method: 'GET', url: '/api/v1/changes?since=0' });
    expect(refused.statusCode).toBe(403);
    const response = await h.as(h.admin, { method: 'GET', url: '/api/v1/changes?since=0&limit=3' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.items).toHaveLength(3);
    expect(body.head).toBeGreaterThanOrEqual(3);
    expect(body.next).toBe(body.items[2].version);
    const bad = await h.as(h.admin, { method: 'GET', url: '/api/v1/changes?since=abc' });
    expect(bad.statusCode).toBe(422);
    expect(errorOf(bad).details?.[0].path).toBe('since');
  });
});
