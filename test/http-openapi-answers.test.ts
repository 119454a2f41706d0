// The harness checks every answer of every HTTP test against the OpenAPI document
// (test/support/openapi-responses.ts); here, that the check is on and that it can fail.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './http-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

/** An answer as app.inject gives it, with the status and JSON body given. */
const answer = (statusCode: number, body: unknown) =>
  ({
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(body),
    json: () => body,
  }) as unknown as LightMyRequestResponse;

describe('answers checked against the OpenAPI document', () => {
  it('checks the answers the tests get', async () => {
    const before = h.responses.checked;
    const created = await h.as(h.alice, {
      method: 'POST',
      url: '/api/v1/contacts',
      payload: { givenName: 'Ada', familyName: 'Lovelace' },
    });
    expect(created.statusCode).toBe(201);
    await h.as(h.alice, { method: 'GET', url: `/api/v1/contacts/${created.json().id}` });
    await h.as(h.alice, { method: 'GET', url: '/api/v1/contacts/no-such-contact' });
    expect(h.responses.checked).toBe(before + 3);
  });

  it('reports a body its schema does not allow', async () => {
    const good = await h.as(h.alice, {
      method: 'POST',
      url: '/api/v1/contacts',
      payload: { givenName: 'Grace' },
    });
    const body = good.json() as Record<string, unknown>;
    const id = body.id as string;
    expect(h.responses.check('GET', `/api/v1/contacts/${id}`, answer(200, body))).toEqual([]);
    const { version: _version, ...withoutVersion } = body;
    expect(h.responses.check('GET', `/api/v1/contacts/${id}`, answer(200, withoutVersion))).not.toEqual([]);
    expect(
      h.responses.check('GET', `/api/v1/contacts/${id}`, answer(200, { ...body, emails: 'x' })),
    ).not.toEqual([]);
    expect(h.responses.check('GET', '/api/v1/contacts/x', answer(404, { error: 'not found' }))).not.toEqual(
      [],
    );
  });

  it('reports a status the route does not declare', () => {
    const problems = h.responses.check('DELETE', '/api/v1/contacts/x', answer(418, {}));
    expect(problems.join()).toMatch(/declares no 418 answer/);
  });

  it('leaves routes the document does not describe alone', () => {
    expect(
      h.responses.check('GET', '/contacts/some-page-of-the-web-ui', answer(500, { nonsense: true })),
    ).toEqual([]);
  });
});
