// Microsoft's current Graph SDK (@microsoft/msgraph-sdk, Kiota-generated), signed in by
// @azure/identity — the username/password credential and the device code credential — runs its
// own flows against the sandbox: a paged contacts delta() sync and the next round, contact CRUD,
// a calendarView delta(), free/busy by getSchedule, and sendMail. Every request body it sends
// and every entity it receives is checked against the CSDL-derived JSON Schemas.
import { DeviceCodeCredential, type TokenCredential, UsernamePasswordCredential } from '@azure/identity';
import { AzureIdentityAuthenticationProvider } from '@microsoft/kiota-authentication-azure';
import {
  createGraphServiceClient,
  GraphRequestAdapter,
  type GraphServiceClient,
} from '@microsoft/msgraph-sdk';
import { createGraphClientFactory } from '@microsoft/msgraph-sdk-core';
import '@microsoft/msgraph-sdk-users';
import { type RunningSandbox, startSandbox } from '@exsync/sandbox';
import { DEMO_CLIENT_ID, DEMO_PASSWORD, DEMO_TENANT_ID } from '@exsync/sandbox/seed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphTrafficRecorder } from '../support/graph-traffic.ts';

const SCOPES = ['User.Read', 'Contacts.ReadWrite', 'Calendars.ReadWrite', 'Mail.ReadWrite', 'Mail.Send'].map(
  (s) => `https://graph.microsoft.com/${s}`,
);

describe('Microsoft Graph SDK (@microsoft/msgraph-sdk) with @azure/identity', () => {
  let sandbox: RunningSandbox;
  const traffic = new GraphTrafficRecorder();

  function sdkClient(credential: TokenCredential): GraphServiceClient {
    const auth = new AzureIdentityAuthenticationProvider(
      credential,
      SCOPES,
      undefined,
      new Set(['127.0.0.1']),
    );
    const recordingFetch = async (url: string, init: RequestInit): Promise<Response> => {
      const requestText = typeof init.body === 'string' ? init.body : undefined;
      const response = await fetch(url, init);
      traffic.record(init.method ?? 'GET', url, requestText, response.status, await response.clone().text());
      return response;
    };
    // The SDK's own middleware (retry, redirect, `/users/TokenToReplace` → `/me`, telemetry) over
    // a fetch that records what goes over the wire.
    const httpClient = createGraphClientFactory({ graphServiceTargetVersion: 'v1.0' }, recordingFetch);
    const adapter = new GraphRequestAdapter(auth, undefined, undefined, httpClient);
    // Plain HTTP on the sandbox's port: Node's fetch cannot be given the sandbox's CA.
    adapter.baseUrl = `${sandbox.url}/v1.0`;
    return createGraphServiceClient(adapter);
  }

  const credentialOptions = () => ({
    authorityHost: sandbox.httpsUrl,
    disableInstanceDiscovery: true,
    // @azure/identity's pipeline takes the CA to trust for the identity platform.
    tlsOptions: { ca: sandbox.caPem },
  });

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 'demo' });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('signs in with the username/password credential and syncs contacts by delta() in pages, then the next round', async () => {
    const graph = sdkClient(
      new UsernamePasswordCredential(
        DEMO_TENANT_ID,
        DEMO_CLIENT_ID,
        'ada@example.test',
        DEMO_PASSWORD,
        credentialOptions(),
      ),
    );
    const ids = new Set<string>();
    let page = await graph.me.contacts.delta.get({ headers: { Prefer: 'odata.maxpagesize=40' } });
    let pages = 1;
    while (page?.odataNextLink) {
      for (const c of page.value ?? []) ids.add(c.id!);
      page = await graph.me.contacts.delta.withUrl(page.odataNextLink).get();
      pages++;
    }
    for (const c of page?.value ?? []) ids.add(c.id!);
    const deltaLink = page?.odataDeltaLink;
    expect(deltaLink).toContain('$deltatoken=');
    expect(pages).toBeGreaterThan(2);
    const mailbox = sandbox.store.mailbox('ada@example.test')!;
    const contactsFolder = sandbox.store.distinguishedFolder(mailbox.id, 'contacts')!;
    expect(ids.size).toBe(sandbox.store.items(mailbox.id, contactsFolder.id).length);
    expect(traffic.requests.some((r) => r.url.includes('/contacts/delta()'))).toBe(true);

    // Create, read, update, delete; the next round reports the net change.
    const created = await graph.me.contacts.post({
      givenName: 'Kiota',
      surname: 'Generated',
      emailAddresses: [{ address: 'kiota@sdk.test', name: 'Kiota Generated' }],
      businessPhones: ['+1 425 555 0100'],
    });
    expect(created?.id).toBeTruthy();
    await graph.me.contacts.byContactId(created!.id!).patch({ jobTitle: 'Client library' });
    const read = await graph.me.contacts.byContactId(created!.id!).get();
    expect(read).toMatchObject({ displayName: 'Kiota Generated', jobTitle: 'Client library' });
    const doomed = await graph.me.contacts.post({ givenName: 'Shortlived' });
    await graph.me.contacts.byContactId(doomed!.id!).delete();
    const next = await graph.me.contacts.delta.withUrl(deltaLink!).get();
    const seen = (next?.value ?? []).map((c) => c.id);
    expect(seen).toContain(created!.id);
    expect(seen).not.toContain(doomed!.id);
  });

  it('reads calendarView delta(), free/busy by getSchedule and sends mail', async () => {
    const ada = sdkClient(
      new UsernamePasswordCredential(
        DEMO_TENANT_ID,
        DEMO_CLIENT_ID,
        'ada@example.test',
        DEMO_PASSWORD,
        credentialOptions(),
      ),
    );
    await ada.me.events.post({
      subject: 'SDK review',
      start: { dateTime: '2031-07-01T09:00:00', timeZone: 'UTC' },
      end: { dateTime: '2031-07-01T10:00:00', timeZone: 'UTC' },
      showAs: 'busy',
    });
    const view = await ada.me.calendarView.delta.get({
      queryParameters: { startDateTime: '2031-07-01T00:00:00Z', endDateTime: '2031-07-02T00:00:00Z' },
    });
    expect((view?.value ?? []).map((e) => e.subject)).toContain('SDK review');

    const schedule = await ada.me.calendar.getSchedule.post({
      schedules: ['ada@example.test', 'grace@example.test'],
      startTime: { dateTime: '2031-07-01T08:00:00', timeZone: 'UTC' },
      endTime: { dateTime: '2031-07-01T12:00:00', timeZone: 'UTC' },
      availabilityViewInterval: 60,
    });
    expect(schedule?.value?.[0]).toMatchObject({ scheduleId: 'ada@example.test', availabilityView: '0200' });

    const subject = `From the SDK ${Date.now()}`;
    await ada.me.sendMail.post({
      message: {
        subject,
        body: { contentType: 'text' as never, content: 'Sent by @microsoft/msgraph-sdk' },
        toRecipients: [{ emailAddress: { address: 'grace@example.test' } }],
      },
      saveToSentItems: true,
    });
    const sent = await ada.me.mailFolders.byMailFolderId('sentitems').messages.get({
      queryParameters: {
        filter: `subject eq '${subject}'`,
        select: ['subject', 'conversationId', 'uniqueBody'],
      },
    });
    expect(sent?.value?.[0]).toMatchObject({ subject });
    expect(sent?.value?.[0].conversationId).toBeTruthy();
    expect(sent?.value?.[0].uniqueBody?.content).toBe('Sent by @microsoft/msgraph-sdk');
  });

  it('signs in with the device code credential once the user enters the code', async () => {
    let entered: Promise<Response> | undefined;
    const credential = new DeviceCodeCredential({
      tenantId: DEMO_TENANT_ID,
      clientId: DEMO_CLIENT_ID,
      ...credentialOptions(),
      userPromptCallback: (info) => {
        // The user, on another device, opens the page and signs in.
        entered = fetch(`${sandbox.url}/devicelogin`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            otc: info.userCode,
            login: 'grace@example.test',
            password: DEMO_PASSWORD,
            consent: 'accept',
          }),
        });
      },
    });
    const grace = sdkClient(credential);
    const me = await grace.me.get();
    expect(me?.mail).toBe('grace@example.test');
    expect((await entered)?.status).toBe(200);
  }, 20_000);

  it('sent and received only what the CSDL defines', () => {
    expect(traffic.requests.length).toBeGreaterThan(10);
    traffic.expectAllValid();
  });
});
