// Microsoft's own Graph SDK (@microsoft/microsoft-graph-client) against the sandbox: a
// contacts delta paged to its end with PageIterator, and a JSON batch built with
// BatchRequestContent. The SDK follows only https links and signs only Graph's own hosts, so the
// client talks HTTPS to the sandbox (trusting its certificate as a CA; verification stays on)
// through two small middlewares: one adds the sandbox token (client credentials from the
// sandbox's token endpoint), the other sends the request with node:https.
import https from 'node:https';
import {
  BatchRequestContent,
  BatchResponseContent,
  Client,
  type Context,
  type Middleware,
  type PageCollection,
  PageIterator,
} from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GraphSandbox, startGraphSandbox } from '../support/graph-sandbox.ts';
import { assertGraphCollection, assertGraphEntity } from '../support/graph-schema.ts';
import { GraphTrafficRecorder } from '../support/graph-traffic.ts';

/** What the SDK sent and got back, checked against the CSDL's schemas at the end. */
const traffic = new GraphTrafficRecorder();

class SandboxToken implements Middleware {
  private next?: Middleware;
  readonly urls: string[] = [];
  private readonly token: () => Promise<string>;
  constructor(token: () => Promise<string>) {
    this.token = token;
  }
  setNext(next: Middleware): void {
    this.next = next;
  }
  async execute(context: Context): Promise<void> {
    context.options ??= {};
    const options = context.options;
    const headers = new Headers(options.headers as Record<string, string> | undefined);
    headers.set('Authorization', `Bearer ${await this.token()}`);
    options.headers = Object.fromEntries(headers.entries());
    this.urls.push(typeof context.request === 'string' ? context.request : context.request.url);
    await this.next!.execute(context);
  }
}

/** Sends the request over node:https with the sandbox's CA. */
class SandboxHttps implements Middleware {
  private readonly ca: string;
  constructor(ca: string) {
    this.ca = ca;
  }
  async execute(context: Context): Promise<void> {
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    const options = context.options ?? {};
    const body = typeof options.body === 'string' ? options.body : undefined;
    const reply = await new Promise<{ status: number; headers: Record<string, string>; body: Buffer }>(
      (resolve, reject) => {
        const req = https.request(
          url,
          {
            method: options.method ?? 'GET',
            headers: options.headers as Record<string, string>,
            ca: this.ca,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const headers: Record<string, string> = {};
              for (const [k, v] of Object.entries(res.headers))
                if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
              resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
            });
          },
        );
        req.on('error', reject);
        if (body) req.write(body);
        req.end();
      },
    );
    traffic.record(options.method ?? 'GET', url, body, reply.status, reply.body.toString('utf8'));
    context.response = new Response(reply.status === 204 ? null : new Uint8Array(reply.body), {
      status: reply.status,
      headers: reply.headers,
    });
  }
}

describe('Graph with @microsoft/microsoft-graph-client', () => {
  let g: GraphSandbox;
  let client: Client;
  let auth: SandboxToken;
  let userId: string;
  let folderId: string;

  beforeAll(async () => {
    g = await startGraphSandbox();
    const token = await g.appToken();
    auth = new SandboxToken(async () => token);
    auth.setNext(new SandboxHttps(g.sandbox.caPem));
    client = Client.initWithMiddleware({
      baseUrl: `${g.sandbox.httpsUrl}/`,
      defaultVersion: 'v1.0',
      middleware: auth,
    });
    const { store } = g.sandbox;
    const mailbox = store.mailbox('linus@example.test')!;
    userId = mailbox.id;
    const folder = store.createFolder(
      mailbox.id,
      {
        parentId: store.distinguishedFolder(mailbox.id, 'contacts')!.id,
        displayName: 'SDK',
        folderClass: 'IPF.Contact',
      },
      'user',
    );
    folderId = folder.id;
    for (let i = 0; i < 11; i++) {
      store.createItem(
        mailbox.id,
        folder.id,
        'contact',
        {
          givenName: `Sdk${i}`,
          displayName: `Sdk ${i}`,
          emailAddresses: [{ address: `sdk${i}@example.test` }],
          phones: { BusinessPhone: '+49 30 1234' },
          addresses: {},
          categories: [],
        },
        'user',
      );
    }
  });
  afterAll(() => g.close());

  it('pages a contacts delta to its deltaLink with PageIterator', async () => {
    const prefer = { Prefer: 'odata.maxpagesize=4' };
    const first: PageCollection = await client
      .api(`/users/${userId}/contactFolders/${folderId}/contacts/delta`)
      .headers(prefer)
      .get();
    const seen: string[] = [];
    const pageStart = auth.urls.length;
    const iterator = new PageIterator(
      client,
      first,
      (contact: { id: string }) => {
        assertGraphEntity('contact', contact);
        seen.push(contact.id);
        return true;
      },
      { headers: prefer },
    );
    await iterator.iterate();
    expect(iterator.isComplete()).toBe(true);
    expect(seen).toHaveLength(11);
    expect(new Set(seen).size).toBe(11);
    expect(auth.urls.length - pageStart).toBe(2);
    const deltaLink = iterator.getDeltaLink();
    expect(deltaLink).toContain('$deltatoken=');
    const empty = await client.api(deltaLink!).get();
    expect(empty.value).toEqual([]);
  });

  it('sends a JSON batch built with BatchRequestContent', async () => {
    const base = `${g.sandbox.httpsUrl}/v1.0`;
    const batch = new BatchRequestContent([
      {
        id: '1',
        request: new Request(
          `${base}/users/${userId}/contactFolders/${folderId}/contacts?$top=2&$select=displayName`,
          { method: 'GET' },
        ),
      },
      {
        id: '2',
        dependsOn: ['1'],
        request: new Request(`${base}/users/${userId}/contacts`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ givenName: 'From', surname: 'Batch' }),
        }),
      },
      {
        id: '3',
        request: new Request(`${base}/users/${userId}/calendars`, { method: 'GET' }),
        dependsOn: ['2'],
      },
    ]);
    const raw = await client.api('/$batch').post(await batch.getContent());
    const responses = new BatchResponseContent(raw);
    const list = responses.getResponseById('1');
    expect(list.status).toBe(200);
    const listBody = (await list.json()) as { value: unknown[] };
    expect(listBody.value).toHaveLength(2);
    assertGraphCollection('contact', listBody);
    const created = responses.getResponseById('2');
    expect(created.status).toBe(201);
    expect(((await created.json()) as { displayName: string }).displayName).toBe('From Batch');
    const calendars = responses.getResponseById('3');
    expect(calendars.status).toBe(200);
    assertGraphCollection('calendar', (await calendars.json()) as { value: unknown[] });
  });

  it('sent and received only what the CSDL defines', () => {
    expect(traffic.requests.length).toBeGreaterThan(3);
    traffic.expectAllValid();
  });
});
