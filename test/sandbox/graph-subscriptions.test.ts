// Graph change notifications against a webhook receiver on 127.0.0.1: the validation
// handshake, notifications with clientState, expiry limits and renewal, and lifecycle events.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GraphSandbox, startGraphSandbox } from '../support/graph-sandbox.ts';
import { assertGraphEntity } from '../support/graph-schema.ts';

interface Received {
  path: string;
  query: URLSearchParams;
  contentType: string;
  body: string;
}

/** Answers validation requests (unless told to fail) and records everything else. */
async function startReceiver(validate = true) {
  const received: Received[] = [];
  const waiters: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://receiver');
      const token = url.searchParams.get('validationToken');
      if (token !== null) {
        if (!validate) {
          res.writeHead(500).end();
          return;
        }
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end(token);
        return;
      }
      received.push({
        path: url.pathname,
        query: url.searchParams,
        contentType: req.headers['content-type'] ?? '',
        body,
      });
      for (const w of waiters.splice(0)) w();
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const waitFor = async (predicate: (r: Received[]) => boolean, ms = 5000) => {
    const deadline = Date.now() + ms;
    while (!predicate(received)) {
      if (Date.now() > deadline) throw new Error(`timed out; received ${JSON.stringify(received)}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  };
  return {
    url,
    received,
    waitFor,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('Graph subscriptions', () => {
  let g: GraphSandbox;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

  beforeAll(async () => {
    g = await startGraphSandbox();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await g.close();
    await receiver.close();
  });

  it('refuses a notification URL that fails the validation handshake', async () => {
    const failing = await startReceiver(false);
    try {
      const reply = await g.graph('POST', '/subscriptions', {
        token: g.userToken('ada@example.test'),
        body: {
          changeType: 'created',
          notificationUrl: `${failing.url}/hook`,
          resource: 'me/contacts',
          expirationDateTime: inMinutes(60),
        },
      });
      expect(reply.status).toBe(400);
      expect(reply.json.error.code).toBe('ValidationError');
      expect(reply.json.error.message).toBe(
        'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.',
      );
    } finally {
      await failing.close();
    }
  });

  it('enforces the maximum expiration per resource', async () => {
    const token = g.userToken('ada@example.test');
    const tooLong = await g.graph('POST', '/subscriptions', {
      token,
      body: {
        changeType: 'created',
        notificationUrl: `${receiver.url}/hook`,
        resource: 'me/events',
        expirationDateTime: inMinutes(10_081),
      },
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.error.message).toContain('10080 minutes');
    const lists = await g.graph('GET', '/me/todo/lists', { token });
    const todo = await g.graph('POST', '/subscriptions', {
      token,
      body: {
        changeType: 'created',
        notificationUrl: `${receiver.url}/hook`,
        resource: `me/todo/lists/${lists.json.value[0].id}/tasks`,
        expirationDateTime: inMinutes(5000),
      },
    });
    expect(todo.status).toBe(400);
    expect(todo.json.error.message).toContain('4230 minutes');
  });

  it('validates, notifies with clientState, renews by PATCH, sends lifecycle events and deletes', async () => {
    const token = g.userToken('ada@example.test');
    const created = await g.graph('POST', '/subscriptions', {
      token,
      body: {
        changeType: 'created,updated,deleted',
        notificationUrl: `${receiver.url}/hook`,
        lifecycleNotificationUrl: `${receiver.url}/lifecycle`,
        resource: "me/mailFolders('Inbox')/messages",
        expirationDateTime: inMinutes(60),
        clientState: 'secret-client-state',
      },
    });
    expect(created.status, created.text).toBe(201);
    assertGraphEntity('subscription', created.json);
    const id = created.json.id;

    // Mail arrives in Ada's Inbox (sent by Grace through Graph).
    await g.graph('POST', '/me/sendMail', {
      token: g.userToken('grace@example.test'),
      body: {
        message: {
          subject: 'Webhook check',
          toRecipients: [{ emailAddress: { address: 'ada@example.test' } }],
        },
      },
    });
    await receiver.waitFor((r) => r.some((x) => x.path === '/hook'));
    const hook = receiver.received.find((x) => x.path === '/hook')!;
    expect(hook.contentType).toMatch(/^application\/json/);
    const [notification] = JSON.parse(hook.body).value;
    expect(notification).toMatchObject({
      subscriptionId: id,
      changeType: 'created',
      clientState: 'secret-client-state',
      tenantId: expect.any(String),
      resourceData: { '@odata.type': '#Microsoft.Graph.Message' },
    });
    const message = await g.graph('GET', `/me/messages/${notification.resourceData.id}`, { token });
    expect(message.json.subject).toBe('Webhook check');
    expect(notification.resource).toBe(notification.resourceData['@odata.id']);

    const renewed = await g.graph('PATCH', `/subscriptions/${id}`, {
      token,
      body: { expirationDateTime: inMinutes(3 * 24 * 60) },
    });
    expect(renewed.status).toBe(200);
    expect(Date.parse(renewed.json.expirationDateTime)).toBeGreaterThan(
      Date.parse(created.json.expirationDateTime),
    );
    expect(
      (await g.graph('GET', '/subscriptions', { token })).json.value.map((s: { id: string }) => s.id),
    ).toContain(id);

    // The user's grants are revoked: the next change asks for reauthorization instead.
    await g.sandbox.admin.revokeGrants('ada@example.test');
    await g.graph('POST', '/me/sendMail', {
      token: g.userToken('grace@example.test'),
      body: {
        message: {
          subject: 'After revocation',
          toRecipients: [{ emailAddress: { address: 'ada@example.test' } }],
        },
      },
    });
    await receiver.waitFor((r) => r.some((x) => x.path === '/lifecycle'));
    const lifecycle = JSON.parse(receiver.received.find((x) => x.path === '/lifecycle')!.body).value[0];
    expect(lifecycle).toMatchObject({
      subscriptionId: id,
      lifecycleEvent: 'reauthorizationRequired',
      clientState: 'secret-client-state',
    });

    // Reauthorizing with a fresh token tells the client what it missed.
    const fresh = g.userToken('ada@example.test');
    expect((await g.graph('POST', `/subscriptions/${id}/reauthorize`, { token: fresh })).status).toBe(204);
    await receiver.waitFor((r) => r.some((x) => x.path === '/lifecycle' && x.body.includes('"missed"')));

    expect((await g.graph('DELETE', `/subscriptions/${id}`, { token: fresh })).status).toBe(204);
    expect((await g.graph('GET', `/subscriptions/${id}`, { token: fresh })).status).toBe(404);
  });
});
