// What Graph accepts from clients written elsewhere: OData function-call syntax (`delta()`,
// namespace-qualified names), action parameters and body properties in any case, and the
// message properties Microsoft's CSDL defines (conversationId, conversationIndex, uniqueBody,
// internetMessageHeaders). Every entity returned is checked against the CSDL-derived schemas.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, descendant, EwsTestClient, firstMessage } from '../support/ews-soap.ts';
import { type GraphSandbox, startGraphSandbox } from '../support/graph-sandbox.ts';
import { assertGraphCollection, assertGraphEntity } from '../support/graph-schema.ts';

const ADA = 'ada@example.test';
const GRACE = 'grace@example.test';

describe('Graph fidelity to clients written elsewhere', () => {
  let g: GraphSandbox;
  let ada: string;
  let grace: string;

  beforeAll(async () => {
    g = await startGraphSandbox();
    ada = g.userToken(ADA);
    grace = g.userToken(GRACE);
  });
  afterAll(() => g.close());

  async function deltaRound(first: string, type: 'contact' | 'event') {
    let url: string | undefined = first;
    const ids: string[] = [];
    let deltaLink = '';
    while (url) {
      const page = await g.graph('GET', url, { token: ada, headers: { Prefer: 'odata.maxpagesize=50' } });
      expect(page.status, page.text).toBe(200);
      assertGraphCollection(type, page.json);
      ids.push(...page.json.value.map((e: { id: string }) => e.id));
      url = page.json['@odata.nextLink'];
      deltaLink = page.json['@odata.deltaLink'] ?? deltaLink;
    }
    return { ids, deltaLink };
  }

  it('answers contacts/delta() and calendarView/delta() as contacts/delta and calendarView/delta', async () => {
    const plain = await deltaRound('/me/contacts/delta', 'contact');
    const called = await deltaRound('/me/contacts/delta()', 'contact');
    expect(called.ids.length).toBeGreaterThan(50);
    expect(new Set(called.ids)).toEqual(new Set(plain.ids));
    const window = 'startDateTime=2020-01-01T00:00:00Z&endDateTime=2040-01-01T00:00:00Z';
    const view = await deltaRound(`/me/calendarView/delta?${window}`, 'event');
    const viewCalled = await deltaRound(`/me/calendarView/delta()?${window}`, 'event');
    expect(viewCalled.ids.length).toBeGreaterThan(0);
    expect(new Set(viewCalled.ids)).toEqual(new Set(view.ids));
    // The next round, followed from the deltaLink of the function-call form, sees a new contact.
    const created = await g.graph('POST', '/me/contacts', { token: ada, body: { givenName: 'Delta()' } });
    expect(created.status).toBe(201);
    const next = await deltaRound(called.deltaLink, 'contact');
    expect(next.ids).toEqual([created.json.id]);
  });

  it('starts a delta round with the items that exist, each once, and nothing removed before it began', async () => {
    const folder = await g.graph('POST', '/me/contactFolders', {
      token: ada,
      body: { displayName: 'First round' },
    });
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const c = await g.graph('POST', `/me/contactFolders/${folder.json.id}/contacts`, {
        token: ada,
        body: { givenName: `First${i}` },
      });
      ids.push(c.json.id);
    }
    // Before the round: two deleted and one updated (it moves to the end of the change log).
    await g.graph('DELETE', `/me/contacts/${ids[1]}`, { token: ada });
    await g.graph('DELETE', `/me/contacts/${ids[4]}`, { token: ada });
    await g.graph('PATCH', `/me/contacts/${ids[2]}`, { token: ada, body: { jobTitle: 'Updated' } });
    const entries: Array<Record<string, unknown>> = [];
    let url: string | undefined = `/me/contactFolders/${folder.json.id}/contacts/delta()`;
    while (url) {
      const page = await g.graph('GET', url, { token: ada, headers: { Prefer: 'odata.maxpagesize=3' } });
      expect(page.status, page.text).toBe(200);
      assertGraphCollection('contact', page.json);
      entries.push(...page.json.value);
      url = page.json['@odata.nextLink'];
    }
    expect(entries.filter((e) => e['@removed'])).toEqual([]);
    const seen = entries.map((e) => e.id as string);
    const existing = ids.filter((_, i) => i !== 1 && i !== 4);
    expect(seen.sort()).toEqual([...existing].sort());
  });

  it('answers mailboxSettings, which clients read at start-up, with MailboxSettings.Read', async () => {
    const token = g.userToken(ADA, ['User.Read', 'MailboxSettings.Read']);
    const settings = await g.graph('GET', '/me/mailboxSettings', { token });
    expect(settings.status, settings.text).toBe(200);
    assertGraphEntity('mailboxSettings' as never, settings.json);
    expect(settings.json).toMatchObject({
      timeZone: g.sandbox.store.mailbox(ADA)!.timeZone,
      automaticRepliesSetting: { status: 'disabled' },
      workingHours: { daysOfWeek: expect.arrayContaining(['monday']) },
    });
    const without = await g.graph('GET', '/me/mailboxSettings', { token: ada });
    expect(without.status).toBe(403);
  });

  it('accepts namespace-qualified functions and actions, with or without parentheses', async () => {
    const qualified = await g.graph('GET', '/me/contactFolders/microsoft.graph.delta()', { token: ada });
    expect(qualified.status, qualified.text).toBe(200);
    const messages = await g.graph('GET', "/me/mailFolders('inbox')/messages/delta()", { token: ada });
    expect(messages.status, messages.text).toBe(200);
    const schedule = await g.graph('POST', '/me/calendar/microsoft.graph.getSchedule', {
      token: ada,
      body: {
        schedules: [GRACE],
        startTime: { dateTime: '2031-05-03T00:00:00', timeZone: 'UTC' },
        endTime: { dateTime: '2031-05-03T06:00:00', timeZone: 'UTC' },
      },
    });
    expect(schedule.status, schedule.text).toBe(200);
    const withArguments = await g.graph('GET', "/me/contacts/delta(token='x')", { token: ada });
    expect(withArguments.status).toBe(400);
  });

  it('reads sendMail and getSchedule parameters and message properties in any case', async () => {
    const subject = `Capitalised ${Date.now()}`;
    const sent = await g.graph('POST', '/me/sendMail', {
      token: ada,
      body: {
        Message: {
          Subject: subject,
          Body: { ContentType: 'Text', Content: 'Hello' },
          ToRecipients: [{ EmailAddress: { Address: GRACE, Name: 'Grace Hopper' } }],
        },
        SaveToSentItems: 'false',
      },
    });
    expect(sent.status, sent.text).toBe(202);
    const filter = encodeURIComponent(`subject eq '${subject}'`);
    const inbox = await g.graph('GET', `/me/mailFolders/inbox/messages?$filter=${filter}`, { token: grace });
    expect(inbox.json.value).toHaveLength(1);
    expect(inbox.json.value[0]).toMatchObject({
      subject,
      body: { contentType: 'text', content: 'Hello' },
      toRecipients: [{ emailAddress: { address: GRACE, name: 'Grace Hopper' } }],
    });
    const inSent = await g.graph('GET', `/me/mailFolders/sentitems/messages?$filter=${filter}`, {
      token: ada,
    });
    expect(inSent.json.value).toHaveLength(0);

    const schedule = await g.graph('POST', '/me/calendar/getSchedule', {
      token: ada,
      body: {
        Schedules: [GRACE],
        StartTime: { DateTime: '2031-05-03T00:00:00', TimeZone: 'UTC' },
        EndTime: { DateTime: '2031-05-03T06:00:00', TimeZone: 'UTC' },
        AvailabilityViewInterval: 60,
      },
    });
    expect(schedule.status, schedule.text).toBe(200);
    assertGraphEntity('scheduleInformation', schedule.json.value[0]);
    expect(schedule.json.value[0].availabilityView).toHaveLength(6);

    const contact = await g.graph('POST', '/me/contacts', {
      token: ada,
      body: { GivenName: 'Casey', EMAILADDRESSES: [{ address: 'casey@case.test' }] },
    });
    expect(contact.status, contact.text).toBe(201);
    expect(contact.json).toMatchObject({
      givenName: 'Casey',
      emailAddresses: [{ address: 'casey@case.test' }],
    });
    // Unknown names are still refused, whatever their case.
    const unknown = await g.graph('POST', '/me/contacts', { token: ada, body: { FavouriteColour: 'blue' } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.code).toBe('RequestBodyRead');
  });

  it('gives messages conversationId and conversationIndex, and uniqueBody and headers on $select', async () => {
    const subject = `Thread ${Date.now()}`;
    await g.graph('POST', '/me/sendMail', {
      token: ada,
      body: {
        message: {
          subject,
          body: { contentType: 'text', content: 'First question' },
          toRecipients: [{ emailAddress: { address: GRACE } }],
        },
      },
    });
    await g.graph('POST', '/me/sendMail', {
      token: grace,
      body: {
        message: {
          subject: `RE: ${subject}`,
          body: {
            contentType: 'text',
            content: 'The answer\r\n\r\n-----Original Message-----\r\nFrom: Ada\r\n\r\nFirst question',
          },
          toRecipients: [{ emailAddress: { address: ADA } }],
        },
      },
    });
    const list = await g.graph(
      'GET',
      `/me/mailFolders/inbox/messages?$filter=${encodeURIComponent(`subject eq 'RE: ${subject}'`)}`,
      { token: ada },
    );
    assertGraphCollection('message', list.json);
    const reply = list.json.value[0];
    expect(reply.conversationId).toMatch(/^AAQkA/);
    expect(Buffer.from(reply.conversationIndex, 'base64')).toHaveLength(22);
    expect(reply).not.toHaveProperty('uniqueBody');
    expect(reply).not.toHaveProperty('internetMessageHeaders');
    const sentFirst = await g.graph(
      'GET',
      `/me/mailFolders/sentitems/messages?$filter=${encodeURIComponent(`subject eq '${subject}'`)}`,
      { token: ada },
    );
    // One conversation: the question in Ada's Sent Items and Grace's answer in her Inbox.
    expect(sentFirst.json.value[0].conversationId).toBe(reply.conversationId);

    const selected = await g.graph(
      'GET',
      `/me/messages/${reply.id}?$select=uniqueBody,internetMessageHeaders,conversationId,body`,
      { token: ada },
    );
    expect(selected.status, selected.text).toBe(200);
    assertGraphEntity('message', selected.json);
    expect(selected.json.uniqueBody).toEqual({ contentType: 'text', content: 'The answer' });
    expect(selected.json.body.content).toContain('First question');
    const headers = Object.fromEntries(
      selected.json.internetMessageHeaders.map((h: { name: string; value: string }) => [h.name, h.value]),
    );
    expect(headers.Subject).toBe(`RE: ${subject}`);
    expect(headers['Thread-Topic']).toBe(subject);
    expect(headers['Message-ID']).toMatch(/^<.+@example\.test>$/);
    expect(headers.To).toContain(ADA);

    // Every structural property the CSDL defines for a message is there when selected.
    const definitions = JSON.parse(
      readFileSync(join(import.meta.dirname, '../support/graph-schemas/graph.schema.json'), 'utf8'),
    ).definitions;
    const properties = definitions['microsoft.graph.message'].properties as Record<string, object>;
    const structural = Object.keys(properties).filter((name) => Object.keys(properties[name]).length > 0);
    const everything = await g.graph('GET', `/me/messages/${reply.id}?$select=${structural.join(',')}`, {
      token: ada,
    });
    assertGraphEntity('message', everything.json);
    expect(structural.filter((name) => !(name in everything.json))).toEqual([]);
  });

  it('MS-OXWSCORE_R109: gives a message one conversationId in both mailboxes and over EWS and Graph', async () => {
    const inbox = await g.graph('GET', '/me/mailFolders/inbox/messages?$top=50', { token: grace });
    assertGraphCollection('message', inbox.json);
    for (const m of inbox.json.value) expect(m.conversationId, m.subject).toMatch(/^AAQkA/);
    const fromAda = inbox.json.value.find(
      (m: { from?: { emailAddress: { address: string } } }) => m.from?.emailAddress.address === ADA,
    );
    expect(fromAda).toBeDefined();
    const filter = encodeURIComponent(`internetMessageId eq '${fromAda.internetMessageId}'`);
    const sent = await g.graph('GET', `/me/mailFolders/sentitems/messages?$filter=${filter}`, { token: ada });
    expect(sent.json.value[0]?.conversationId).toBe(fromAda.conversationId);

    // EWS names the same conversation (MS-OXWSCORE ConversationId), and its answer is schema-valid.
    const ews = new EwsTestClient(g.sandbox.url, basic(GRACE, 'Passw0rd!'));
    const answer = await ews.call(
      '<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties>' +
        '<t:FieldURI FieldURI="item:ConversationId"/></t:AdditionalProperties></m:ItemShape>' +
        `<m:ItemIds><t:ItemId Id="${fromAda.id}"/></m:ItemIds></m:GetItem>`,
    );
    const id = descendant(firstMessage(answer), 'Items', 'Message', 'ConversationId');
    expect(id?.attrs.Id, answer.text.slice(0, 600)).toBe(fromAda.conversationId);
    await ews.recorder.expectAllValid();
  });
});
