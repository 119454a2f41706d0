// Bad input of every kind gets a clear 4xx answer with a machine-readable code, names the
// field, and writes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/crm/ids.ts';
import { createHarness, errorOf, type Harness } from './http-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

async function contactCount(): Promise<number> {
  const row = await h.store.db
    .selectFrom('contacts')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function journalHead(): Promise<number> {
  return h.crm.journal.headVersion();
}

/** Sends a create that must fail, and checks that nothing was written. */
async function rejectedCreate(url: string, request: { payload?: unknown; headers?: Record<string, string> }) {
  const before = { contacts: await contactCount(), head: await journalHead() };
  const response = await h.as(h.alice, { method: 'POST', url, ...(request as object) });
  expect(await contactCount()).toBe(before.contacts);
  expect(await journalHead()).toBe(before.head);
  expect(response.body).not.toMatch(/\.ts:\d+|\n\s+at /);
  return response;
}

describe('bad input', () => {
  it('malformed JSON → 400 malformed_json', async () => {
    const response = await rejectedCreate('/api/v1/contacts', {
      payload: '{"givenName": "Ada",',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).code).toBe('malformed_json');
    expect(errorOf(response).message).toMatch(/valid JSON/);
  });

  it('an empty JSON body → 400 malformed_json', async () => {
    const response = await rejectedCreate('/api/v1/contacts', {
      payload: '',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).code).toBe('malformed_json');
  });

  it('a JSON body that is not an object → 422', async () => {
    const response = await rejectedCreate('/api/v1/contacts', {
      payload: '[1,2]',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(422);
    expect(errorOf(response).code).toBe('validation_failed');
  });

  it('__proto__ keys → 400', async () => {
    const response = await rejectedCreate('/api/v1/contacts', {
      payload: '{"givenName":"Ada","__proto__":{"admin":true}}',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(400);
  });

  it('a body that is not JSON → 415 unsupported_media_type', async () => {
    const response = await rejectedCreate('/api/v1/contacts', {
      payload: 'givenName=Ada',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.statusCode).toBe(415);
    expect(errorOf(response).code).toBe('unsupported_media_type');
  });

  it('wrong types name the field', async () => {
    const response = await rejectedCreate('/api/v1/contacts', {
      payload: { givenName: 42, emails: 'ada@example.com' },
    });
    expect(response.statusCode).toBe(422);
    const error = errorOf(response);
    expect(error.code).toBe('validation_failed');
    expect(error.details?.map((d) => d.path).sort()).toEqual(['emails', 'givenName']);
    expect(error.message).toMatch(/givenName/);
  });

  it('unknown fields are rejected by name', async () => {
    const response = await rejectedCreate('/api/v1/contacts', {
      payload: { givenName: 'Ada', favouriteColour: 'red' },
    });
    expect(response.statusCode).toBe(422);
    expect(errorOf(response).details).toEqual([
      { path: 'favouriteColour', message: 'unknown field "favouriteColour"' },
    ]);
  });

  it('nested unknown fields are named with their path', async () => {
    const response = await rejectedCreate('/api/v1/contacts', {
      payload: { givenName: 'Ada', emails: [{ type: 'work', address: 'ada@example.com', primary: true }] },
    });
    expect(response.statusCode).toBe(422);
    expect(errorOf(response).details?.[0].path).toBe('emails.0.primary');
  });

  it('an oversized string names the field', async () => {
    const response = await rejectedCreate('/api/v1/contacts', { payload: { givenName: 'A'.repeat(257) } });
    expect(response.statusCode).toBe(422);
    expect(errorOf(response).details?.[0].path).toBe('givenName');
  });

  it('a 10 MB body → 413 payload_too_large', async () => {
    const response = await rejectedCreate('/api/v1/contacts', {
      payload: JSON.stringify({ notes: 'x'.repeat(10 * 1024 * 1024) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(413);
    expect(errorOf(response).code).toBe('payload_too_large');
    expect(errorOf(response).message).toMatch(/1 MB/);
  });

  it('an invalid email address names emails.0.address', async () => {
    const response = await rejectedCreate('/api/v1/contacts', {
      payload: { givenName: 'Ada', emails: [{ type: 'work', address: 'not-an-email' }] },
    });
    expect(response.statusCode).toBe(422);
    expect(errorOf(response).details?.map((d) => d.path)).toEqual(['emails.0.address']);
  });

  it('an impossible date names the field', async () => {
    const response = await rejectedCreate('/api/v1/contacts', {
      payload: { givenName: 'Ada', birthday: '1815-02-30' },
    });
    expect(response.statusCode).toBe(422);
    expect(errorOf(response).details?.map((d) => d.path)).toEqual(['birthday']);
  });

  it('an unknown time zone and a malformed instant name their fields', async () => {
    const response = await rejectedCreate('/api/v1/activities', {
      payload: {
        kind: 'meeting',
        subject: 'Call',
        timeZone: 'Mars/Olympus_Mons',
        startsAt: 'tomorrow at nine',
      },
    });
    expect(response.statusCode).toBe(422);
    expect(
      errorOf(response)
        .details?.map((d) => d.path)
        .sort(),
    ).toEqual(['startsAt', 'timeZone']);
    expect(errorOf(response).details?.find((d) => d.path === 'timeZone')?.message).toMatch(/time zone/);
  });

  it('a control character Exchange cannot store (NUL) → 422 naming the field, the character and the fix', async () => {
    const response = await rejectedCreate('/api/v1/contacts', {
      payload: { givenName: 'Poison\u0000Pill', phones: [{ type: 'work', number: '030\u000b123' }] },
    });
    expect(response.statusCode).toBe(422);
    const { details } = errorOf(response);
    expect(details?.map((d) => d.path)).toEqual(['givenName', 'phones.0.number']);
    expect(details?.[0].message).toMatch(/U\+0000 at position 7.*Exchange cannot store; remove it/);
    // Tabs and line breaks are ordinary text.
    const fine = await h.as(h.alice, {
      method: 'POST',
      url: '/api/v1/contacts',
      payload: { givenName: 'Tab\tbed', notes: 'line\r\nbreak' },
    });
    expect(fine.statusCode).toBe(201);
  });

  it('a reference to a record that does not exist → 422 invalid_reference', async () => {
    const response = await rejectedCreate('/api/v1/contacts', {
      payload: { givenName: 'Ada', accountId: newId() },
    });
    expect(response.statusCode).toBe(422);
    expect(errorOf(response).code).toBe('invalid_reference');
    expect(errorOf(response).details?.[0].path).toBe('accountId');
  });

  it('ids that do not exist → 404 not_found on read, update and delete', async () => {
    const id = newId();
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const response = await h.as(h.alice, {
        method,
        url: `/api/v1/contacts/${id}`,
        ...(method === 'PATCH' ? { payload: { jobTitle: 'x' } } : {}),
      });
      expect(response.statusCode, method).toBe(404);
      expect(errorOf(response).code).toBe('not_found');
      expect(errorOf(response).message).toContain(id);
    }
  });

  it('a failed update changes nothing', async () => {
    const created = await h.as(h.alice, {
      method: 'POST',
      url: '/api/v1/contacts',
      payload: { givenName: 'Grace' },
    });
    const record = created.json();
    const head = await journalHead();
    const response = await h.as(h.alice, {
      method: 'PATCH',
      url: `/api/v1/contacts/${record.id}`,
      payload: { jobTitle: 'Admiral', emails: [{ type: 'work', address: 'nope' }] },
    });
    expect(response.statusCode).toBe(422);
    expect((await h.as(h.alice, { method: 'GET', url: `/api/v1/contacts/${record.id}` })).json()).toEqual(
      record,
    );
    expect(await journalHead()).toBe(head);
  });

  it('an unknown route → 404 route_not_found, with a pointer to the docs', async () => {
    const response = await h.as(h.alice, { method: 'GET', url: '/api/v1/spaceships' });
    expect(response.statusCode).toBe(404);
    expect(errorOf(response)).toMatchObject({
      code: 'route_not_found',
      message: expect.stringContaining('/api/docs'),
    });
  });

  it('a path id that is far too long, or badly encoded → 4xx in the usual shape', async () => {
    const long = await h.as(h.alice, { method: 'GET', url: `/api/v1/contacts/${'x'.repeat(300)}` });
    expect(long.statusCode).toBe(414);
    expect(errorOf(long).code).toBe('bad_request');
    const encoding = await h.as(h.alice, { method: 'GET', url: '/api/v1/contacts/%E0%A4%A' });
    expect(encoding.statusCode).toBe(400);
    expect(errorOf(encoding).code).toBe('bad_request');
  });
});
