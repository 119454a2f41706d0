// Extended MAPI properties through Graph (singleValueExtendedProperties and
// multiValueExtendedProperties): written, expanded and filtered on for contacts, events and
// messages, and shared with EWS, which reads what Graph wrote and the other way round.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { all, basic, descendant, EwsTestClient, firstMessage, responseCode } from '../support/ews-soap.ts';
import { type GraphSandbox, startGraphSandbox } from '../support/graph-sandbox.ts';
import { assertGraphCollection, assertGraphEntity } from '../support/graph-schema.ts';

const ADA = 'ada@example.test';
const ORIGIN = 'String {c11ff724-aa03-4555-9952-8fa248a11c3e} Name ExsyncOrigin';
const TAGGED = 'String 0x3A45';
const SCORES = 'IntegerArray {00020329-0000-0000-C000-000000000046} Name Scores';
const originUri =
  '<t:ExtendedFieldURI PropertySetId="c11ff724-aa03-4555-9952-8fa248a11c3e" PropertyName="ExsyncOrigin" PropertyType="String"/>';
const scoresUri =
  '<t:ExtendedFieldURI DistinguishedPropertySetId="PublicStrings" PropertyName="Scores" PropertyType="IntegerArray"/>';
const expandOrigin = `$expand=singleValueExtendedProperties($filter=id eq '${ORIGIN}')`;

let g: GraphSandbox;
let token: string;
let ews: EwsTestClient;

beforeAll(async () => {
  g = await startGraphSandbox();
  token = g.userToken(ADA);
  ews = new EwsTestClient(g.sandbox.url, basic(ADA, 'Passw0rd!'));
});
afterAll(async () => {
  await g?.close();
  await ews.recorder.expectAllValid();
}, 60_000);

async function ewsValues(id: string, kind: string, uris: string): Promise<string[][]> {
  const answer = await ews.call(
    `<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties>${uris}</t:AdditionalProperties></m:ItemShape><m:ItemIds><t:ItemId Id="${id}"/></m:ItemIds></m:GetItem>`,
  );
  const m = firstMessage(answer);
  expect(responseCode(m), answer.text.slice(0, 800)).toBe('NoError');
  return all(descendant(m, 'Items', kind), 'ExtendedProperty').map((p) => all(p, 'Value').map((v) => v.text));
}

describe('Graph extended properties', () => {
  it('stores a contact’s properties where EWS reads them, returns them only with $expand, and PATCH replaces by id', async () => {
    const created = await g.graph('POST', '/me/contacts', {
      token,
      body: {
        givenName: 'Extended',
        singleValueExtendedProperties: [
          { id: ORIGIN, value: 'crm-1' },
          { id: TAGGED, value: 'Dr.' },
        ],
        multiValueExtendedProperties: [{ id: SCORES, value: ['1', '2'] }],
      },
    });
    expect(created.status, created.text).toBe(201);
    assertGraphEntity('contact', created.json);
    expect(created.json.singleValueExtendedProperties).toBeUndefined();
    const id = created.json.id as string;
    expect(g.sandbox.store.item(g.sandbox.store.mailbox(ADA)!.id, id)!.data.extendedProperties).toEqual([
      {
        type: 'String',
        propertySetId: 'c11ff724-aa03-4555-9952-8fa248a11c3e',
        name: 'ExsyncOrigin',
        values: ['crm-1'],
      },
      { type: 'String', tag: 0x3a45, values: ['Dr.'] },
      {
        type: 'IntegerArray',
        propertySetId: '00020329-0000-0000-c000-000000000046',
        name: 'Scores',
        values: ['1', '2'],
      },
    ]);
    expect(await ewsValues(id, 'Contact', originUri + scoresUri)).toEqual([['crm-1'], ['1', '2']]);

    const plain = await g.graph('GET', `/me/contacts/${id}`, { token });
    expect(plain.json.singleValueExtendedProperties).toBeUndefined();
    // Ids compare case-insensitively.
    const expanded = await g.graph('GET', `/me/contacts/${id}?${expandOrigin.toLowerCase()}`, { token });
    expect(expanded.status, expanded.text).toBe(200);
    assertGraphEntity('contact', expanded.json);
    expect(expanded.json.singleValueExtendedProperties).toEqual([
      { id: 'String {c11ff724-aa03-4555-9952-8fa248a11c3e} Name ExsyncOrigin', value: 'crm-1' },
    ]);
    const multi = await g.graph(
      'GET',
      `/me/contacts/${id}?$expand=multiValueExtendedProperties($filter=id eq '${SCORES}')`,
      { token },
    );
    expect(multi.json.multiValueExtendedProperties).toEqual([
      { id: 'IntegerArray {00020329-0000-0000-c000-000000000046} Name Scores', value: ['1', '2'] },
    ]);

    const patched = await g.graph('PATCH', `/me/contacts/${id}`, {
      token,
      body: { singleValueExtendedProperties: [{ id: ORIGIN, value: 'crm-2' }] },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(await ewsValues(id, 'Contact', originUri + scoresUri)).toEqual([['crm-2'], ['1', '2']]);
  });

  it('reads through Graph what EWS wrote, and filters lists with any()', async () => {
    const created = firstMessage(
      await ews.call(
        `<m:CreateItem><m:SavedItemFolderId><t:DistinguishedFolderId Id="contacts"/></m:SavedItemFolderId><m:Items><t:Contact><t:ExtendedProperty>${originUri}<t:Value>crm-ews</t:Value></t:ExtendedProperty><t:GivenName>FromEws</t:GivenName></t:Contact></m:Items></m:CreateItem>`,
      ),
    );
    expect(responseCode(created)).toBe('NoError');
    const id = descendant(created, 'Items', 'Contact', 'ItemId')!.attrs.Id;
    const got = await g.graph('GET', `/me/contacts/${id}?${expandOrigin}`, { token });
    expect(got.json.singleValueExtendedProperties).toEqual([
      { id: 'String {c11ff724-aa03-4555-9952-8fa248a11c3e} Name ExsyncOrigin', value: 'crm-ews' },
    ]);

    const filter = (value: string) =>
      `$filter=${encodeURIComponent(`singleValueExtendedProperties/Any(ep: ep/id eq '${ORIGIN}' and ep/value eq '${value}')`)}`;
    const list = await g.graph('GET', `/me/contacts?${filter('crm-ews')}&${expandOrigin}`, { token });
    expect(list.status, list.text).toBe(200);
    assertGraphCollection('contact', list.json);
    expect(list.json.value.map((c: { id: string }) => c.id)).toEqual([id]);
    expect(list.json.value[0].singleValueExtendedProperties[0].value).toBe('crm-ews');
    const none = await g.graph('GET', `/me/contacts?${filter('crm-nobody')}`, { token });
    expect(none.json.value).toEqual([]);
  });

  it('does the same for events and messages', async () => {
    const event = await g.graph('POST', '/me/events', {
      token,
      body: {
        subject: 'Extended meeting',
        start: { dateTime: '2026-12-20T10:00:00', timeZone: 'UTC' },
        end: { dateTime: '2026-12-20T11:00:00', timeZone: 'UTC' },
        singleValueExtendedProperties: [{ id: ORIGIN, value: 'crm-event' }],
      },
    });
    expect(event.status, event.text).toBe(201);
    assertGraphEntity('event', event.json);
    expect(await ewsValues(event.json.id, 'CalendarItem', originUri)).toEqual([['crm-event']]);
    const events = await g.graph(
      'GET',
      `/me/events?$filter=${encodeURIComponent(`singleValueExtendedProperties/any(ep: ep/id eq '${ORIGIN}' and ep/value eq 'crm-event')`)}`,
      { token },
    );
    expect(events.status, events.text).toBe(200);
    expect(events.json.value.map((e: { id: string }) => e.id)).toEqual([event.json.id]);

    const message = await g.graph('POST', '/me/messages', {
      token,
      body: { subject: 'Extended draft', singleValueExtendedProperties: [{ id: ORIGIN, value: 'crm-mail' }] },
    });
    expect(message.status, message.text).toBe(201);
    assertGraphEntity('message', message.json);
    const patched = await g.graph('PATCH', `/me/messages/${message.json.id}`, {
      token,
      body: { singleValueExtendedProperties: [{ id: TAGGED, value: 'tag' }] },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(await ewsValues(message.json.id, 'Message', originUri)).toEqual([['crm-mail']]);
    const messages = await g.graph(
      'GET',
      `/me/messages?$filter=${encodeURIComponent(`singleValueExtendedProperties/any(ep: ep/id eq '${TAGGED}' and ep/value eq 'tag')`)}&${expandOrigin}`,
      { token },
    );
    expect(messages.status, messages.text).toBe(200);
    assertGraphCollection('message', messages.json);
    expect(messages.json.value.map((m: { id: string }) => m.id)).toEqual([message.json.id]);
    expect(messages.json.value[0].singleValueExtendedProperties).toEqual([
      { id: 'String {c11ff724-aa03-4555-9952-8fa248a11c3e} Name ExsyncOrigin', value: 'crm-mail' },
    ]);
  });

  it('refuses an id in no documented form with 400', async () => {
    const bad = await g.graph('POST', '/me/contacts', {
      token,
      body: { givenName: 'Bad', singleValueExtendedProperties: [{ id: 'Colour', value: 'red' }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/not an extended property id/);
  });
});
