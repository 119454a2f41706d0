// Streaming notifications: Subscribe, GetStreamingEvents (chunked, long-lived), Unsubscribe.

import type { SandboxContext } from '@exsync/sandbox/context';
import { createEwsFrontEnd } from '@exsync/sandbox/ews';
import { childElement, parseRootElement, type XElement } from '@exsync/sandbox/ews/xml/parse';
import { createFaultInjector } from '@exsync/sandbox/faults';
import type { Mailbox } from '@exsync/sandbox/model';
import { seedDemo } from '@exsync/sandbox/seed';
import { createStore } from '@exsync/sandbox/state';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  all,
  basic,
  descendant,
  EwsTestClient,
  faultCode,
  firstMessage,
  responseCode,
  soapEnvelope,
} from '../support/ews-soap.ts';

// One "minute" of ConnectionTimeout lasts 400 ms here, and keep-alives come every 100 ms.
const MINUTE_MS = 400;
let app: FastifyInstance;
let url: string;
let ews: EwsTestClient;
const store = createStore();
let ada: Mailbox;

beforeAll(async () => {
  seedDemo(store);
  ada = store.mailbox('ada@example.test')!;
  app = Fastify();
  const ctx: SandboxContext = {
    store,
    faults: createFaultInjector(),
    tokens: { verify: () => undefined },
    baseUrl: () => url,
    now: Date.now,
  };
  await app.register(async (scope) =>
    createEwsFrontEnd({ streaming: { minuteMs: MINUTE_MS, keepAliveMs: 100 } })(scope, ctx),
  );
  url = (await app.listen({ host: '127.0.0.1', port: 0 })).replace('localhost', '127.0.0.1');
  ews = new EwsTestClient(url, basic('ada@example.test', 'Passw0rd!'));
});
afterAll(async () => {
  await app?.close();
  await ews.recorder.expectAllValid();
}, 60_000);

async function subscribe(folders: string, events: string[]): Promise<string> {
  const answer = await ews.call(
    `<m:Subscribe><m:StreamingSubscriptionRequest><t:FolderIds>${folders}</t:FolderIds><t:EventTypes>${events.map((e) => `<t:EventType>${e}</t:EventType>`).join('')}</t:EventTypes></m:StreamingSubscriptionRequest></m:Subscribe>`,
  );
  const message = firstMessage(answer);
  expect(responseCode(message)).toBe('NoError');
  return descendant(message, 'SubscriptionId')!.text;
}

/** Opens GetStreamingEvents and collects each SOAP envelope as it arrives. */
function openStream(subscriptionIds: string[], minutes: number) {
  const request = soapEnvelope(
    `<m:GetStreamingEvents><m:SubscriptionIds>${subscriptionIds.map((s) => `<t:SubscriptionId>${s}</t:SubscriptionId>`).join('')}</m:SubscriptionIds><m:ConnectionTimeout>${minutes}</m:ConnectionTimeout></m:GetStreamingEvents>`,
  );
  const envelopes: XElement[] = [];
  const waiters: Array<() => void> = [];
  let raw = '';
  const controller = new AbortController();
  const done = (async () => {
    const res = await fetch(`${url}/EWS/Exchange.asmx`, {
      method: 'POST',
      headers: {
        'content-type': 'text/xml; charset=utf-8',
        authorization: basic('ada@example.test', 'Passw0rd!'),
      },
      body: request,
      signal: controller.signal,
    });
    expect(res.headers.get('content-type')).toContain('text/xml');
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      const text = decoder.decode(chunk, { stream: true });
      raw += text;
      buffer += text;
      for (let end = buffer.indexOf('</Envelope>'); end >= 0; end = buffer.indexOf('</Envelope>')) {
        const one = buffer.slice(0, end + '</Envelope>'.length);
        buffer = buffer.slice(end + '</Envelope>'.length);
        envelopes.push(childElement(parseRootElement(one), 'Body')!.children[0]);
        for (const w of waiters.splice(0)) w();
      }
    }
    ews.recorder.recordExchange(request, raw, 'GetStreamingEvents');
  })().catch((error) => {
    if ((error as Error).name !== 'AbortError') throw error;
  });
  const waitFor = async (predicate: (e: XElement[]) => boolean, timeoutMs = 3000) => {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(envelopes)) {
      if (Date.now() > deadline)
        throw new Error(`Timed out; got ${envelopes.length} envelopes: ${raw.slice(-800)}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 50);
      });
    }
  };
  return { envelopes, waitFor, done, abort: () => controller.abort() };
}

const status = (e: XElement) =>
  descendant(e, 'ResponseMessages', 'GetStreamingEventsResponseMessage', 'ConnectionStatus')?.text;
const notifications = (es: XElement[]) => es.flatMap((e) => all(e, 'Notification'));

describe('streaming notifications', () => {
  it('streams a CreatedEvent and ModifiedEvent after store changes, keeps alive, and closes at ConnectionTimeout', async () => {
    const id = await subscribe('<t:DistinguishedFolderId Id="contacts"/>', [
      'CreatedEvent',
      'ModifiedEvent',
      'DeletedEvent',
    ]);
    const stream = openStream([id], 1);
    const started = Date.now();
    await stream.waitFor((es) => es.length >= 1);
    expect(status(stream.envelopes[0])).toBe('OK');

    const contacts = store.distinguishedFolder(ada.id, 'contacts')!;
    const created = store.createItem(
      ada.id,
      contacts.id,
      'contact',
      { givenName: 'Push', emailAddresses: [], phones: {}, addresses: {}, categories: [] },
      'user',
    );
    await stream.waitFor((es) => notifications(es).some((n) => all(n, 'CreatedEvent').length > 0));
    const createdEvent = all(notifications(stream.envelopes)[0], 'CreatedEvent')[0];
    expect(descendant(createdEvent, 'ItemId')!.attrs.Id).toBe(created.id);
    expect(descendant(createdEvent, 'ParentFolderId')!.attrs.Id).toBe(contacts.id);
    expect(descendant(notifications(stream.envelopes)[0], 'SubscriptionId')!.text).toBe(id);

    store.updateItem(ada.id, created.id, { surname: 'Notified' }, 'user');
    await stream.waitFor((es) => notifications(es).some((n) => all(n, 'ModifiedEvent').length > 0));

    // Changes elsewhere are not reported.
    const tasks = store.distinguishedFolder(ada.id, 'tasks')!;
    store.createItem(ada.id, tasks.id, 'task', { subject: 'not watched' } as never, 'user');

    await stream.waitFor((es) => es.some((e) => status(e) === 'Closed'), 3000);
    await stream.done;
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(MINUTE_MS - 50);
    expect(stream.envelopes.filter((e) => status(e) === 'OK').length).toBeGreaterThanOrEqual(2);
    expect(
      notifications(stream.envelopes)
        .flatMap((n) => all(n, 'ItemId'))
        .map((i) => i.attrs.Id),
    ).toEqual([created.id, created.id]);
    expect(status(stream.envelopes[stream.envelopes.length - 1])).toBe('Closed');
  });

  it('Unsubscribe ends a subscription; later GetStreamingEvents answers ErrorSubscriptionNotFound', async () => {
    const id = await subscribe('<t:DistinguishedFolderId Id="inbox"/>', ['NewMailEvent', 'CreatedEvent']);
    const un = await ews.call(`<m:Unsubscribe><m:SubscriptionId>${id}</m:SubscriptionId></m:Unsubscribe>`);
    expect(responseCode(firstMessage(un))).toBe('NoError');
    const again = await ews.call(
      `<m:GetStreamingEvents><m:SubscriptionIds><t:SubscriptionId>${id}</t:SubscriptionId></m:SubscriptionIds><m:ConnectionTimeout>1</m:ConnectionTimeout></m:GetStreamingEvents>`,
    );
    const message = firstMessage(again);
    expect(responseCode(message)).toBe('ErrorSubscriptionNotFound');
    expect(descendant(message, 'ErrorSubscriptionIds', 'SubscriptionId')!.text).toBe(id);
  });

  it('refuses ConnectionTimeout outside 1–30 minutes', async () => {
    const id = await subscribe('<t:DistinguishedFolderId Id="inbox"/>', ['NewMailEvent']);
    const answer = await ews.call(
      `<m:GetStreamingEvents><m:SubscriptionIds><t:SubscriptionId>${id}</t:SubscriptionId></m:SubscriptionIds><m:ConnectionTimeout>31</m:ConnectionTimeout></m:GetStreamingEvents>`,
      { record: false },
    );
    expect(faultCode(answer)).toBe('ErrorSchemaValidation');
  });

  it('reports NewMailEvent for mail delivered to the Inbox', async () => {
    const id = await subscribe('<t:DistinguishedFolderId Id="inbox"/>', ['NewMailEvent']);
    const stream = openStream([id], 1);
    await stream.waitFor((es) => es.length >= 1);
    const grace = new EwsTestClient(url, basic('grace@example.test', 'Passw0rd!'), ews.recorder);
    const sent = await grace.call(
      '<m:CreateItem MessageDisposition="SendOnly"><m:Items><t:Message><t:Subject>Hi Ada</t:Subject><t:Body BodyType="Text">x</t:Body><t:ToRecipients><t:Mailbox><t:EmailAddress>ada@example.test</t:EmailAddress></t:Mailbox></t:ToRecipients></t:Message></m:Items></m:CreateItem>',
    );
    expect(responseCode(firstMessage(sent))).toBe('NoError');
    await stream.waitFor((es) => notifications(es).some((n) => all(n, 'NewMailEvent').length > 0));
    stream.abort();
    await stream.done;
  });
});
