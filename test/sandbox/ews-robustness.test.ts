// Malformed and mangled requests get an EWS answer (a response message or a SOAP fault),
// never a crash, a hang or a dropped connection.

import { EwsSchemaRecorder } from '@exsync/sandbox/ews/schema-validation';
import { type RunningSandbox, startSandbox } from '@exsync/sandbox/server';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, EwsTestClient, faultCode } from '../support/ews-soap.ts';

let sb: RunningSandbox;
let ews: EwsTestClient;
const responses = new EwsSchemaRecorder();

beforeAll(async () => {
  sb = await startSandbox();
  ews = new EwsTestClient(sb.url, basic('ada@example.test', 'Passw0rd!'));
});
afterAll(async () => {
  await sb?.close();
  // Whatever the request, a successful answer must still be schema-valid.
  await responses.expectAllValid();
}, 60_000);

const TEMPLATES = [
  '<m:GetFolder><m:FolderShape><t:BaseShape>AllProperties</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="contacts"/></m:FolderIds></m:GetFolder>',
  '<m:FindFolder Traversal="Deep"><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape><m:IndexedPageFolderView MaxEntriesReturned="3" Offset="0" BasePoint="Beginning"/><m:ParentFolderIds><t:DistinguishedFolderId Id="msgfolderroot"/></m:ParentFolderIds></m:FindFolder>',
  '<m:SyncFolderItems><m:ItemShape><t:BaseShape>AllProperties</t:BaseShape></m:ItemShape><m:SyncFolderId><t:DistinguishedFolderId Id="calendar"/></m:SyncFolderId><m:MaxChangesReturned>5</m:MaxChangesReturned></m:SyncFolderItems>',
  '<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape><m:CalendarView StartDate="2026-11-01T00:00:00Z" EndDate="2026-12-01T00:00:00Z"/><m:ParentFolderIds><t:DistinguishedFolderId Id="calendar"/></m:ParentFolderIds></m:FindItem>',
  '<m:CreateItem SendMeetingInvitations="SendToNone"><m:Items><t:CalendarItem><t:Subject>x</t:Subject><t:Start>2026-11-23T10:00:00Z</t:Start><t:End>2026-11-23T11:00:00Z</t:End><t:Recurrence><t:WeeklyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek>Monday</t:DaysOfWeek></t:WeeklyRecurrence><t:NumberedRecurrence><t:StartDate>2026-11-23</t:StartDate><t:NumberOfOccurrences>3</t:NumberOfOccurrences></t:NumberedRecurrence></t:Recurrence></t:CalendarItem></m:Items></m:CreateItem>',
  '<m:CreateItem><m:Items><t:Contact><t:GivenName>A</t:GivenName><t:EmailAddresses><t:Entry Key="EmailAddress1">a@b.test</t:Entry></t:EmailAddresses></t:Contact></m:Items></m:CreateItem>',
  '<m:UpdateItem ConflictResolution="AutoResolve"><m:ItemChanges><t:ItemChange><t:ItemId Id="AAMk"/><t:Updates><t:SetItemField><t:FieldURI FieldURI="contacts:GivenName"/><t:Contact><t:GivenName>B</t:GivenName></t:Contact></t:SetItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>',
  '<m:GetUserAvailabilityRequest><m:MailboxDataArray><t:MailboxData><t:Email><t:Address>grace@example.test</t:Address></t:Email><t:AttendeeType>Required</t:AttendeeType></t:MailboxData></m:MailboxDataArray><t:FreeBusyViewOptions><t:TimeWindow><t:StartTime>2026-11-23T00:00:00</t:StartTime><t:EndTime>2026-11-24T00:00:00</t:EndTime></t:TimeWindow><t:RequestedView>FreeBusy</t:RequestedView></t:FreeBusyViewOptions></m:GetUserAvailabilityRequest>',
  '<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ItemIds><t:OccurrenceItemId RecurringMasterId="AAMk" InstanceIndex="2"/></m:ItemIds></m:GetItem>',
];

/** Mangles a request: drops an element, changes a value or attribute, or inserts a stranger. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('text' as const),
    at: fc.nat(),
    value: fc.constantFrom('', '-1', '0', '99999999999', 'x'.repeat(300), 'ü&amp;<![CDATA[z]]>', 'true'),
  }),
  fc.record({
    kind: fc.constant('attr' as const),
    at: fc.nat(),
    value: fc.constantFrom('', 'Nope', '-5', 'AAMk==', '2026-13-45T99:00:00'),
  }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat() }),
);

function mangle(xml: string, m: { kind: string; at: number; value?: string }): string {
  const tags = [...xml.matchAll(/<(t|m):(\w+)([^>]*?)(\/?)>/g)];
  if (tags.length === 0) return xml;
  const tag = tags[m.at % tags.length];
  const at = tag.index ?? 0;
  switch (m.kind) {
    case 'drop': {
      if (tag[4] === '/') return xml.slice(0, at) + xml.slice(at + tag[0].length);
      const close = xml.indexOf(`</${tag[1]}:${tag[2]}>`, at);
      return close < 0 ? xml : xml.slice(0, at) + xml.slice(close + `</${tag[1]}:${tag[2]}>`.length);
    }
    case 'text': {
      const texts = [...xml.matchAll(/>([^<>]+)</g)];
      if (texts.length === 0) return xml;
      const t = texts[m.at % texts.length];
      return xml.slice(0, (t.index ?? 0) + 1) + (m.value ?? '') + xml.slice((t.index ?? 0) + 1 + t[1].length);
    }
    case 'attr':
      return xml.replace(/="[^"]*"/g, (found, offset: number) =>
        offset > at && offset < at + tag[0].length ? `="${m.value}"` : found,
      );
    default:
      return `${xml.slice(0, at)}<t:Unexpected>1</t:Unexpected>${xml.slice(at)}`;
  }
}

describe('robustness', () => {
  it('answers every mangled request with XML (response message or SOAP fault), never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...TEMPLATES),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        async (template, mutations) => {
          const body = mutations.reduce((xml, m) => mangle(xml, m), template);
          const answer = await ews.call(body, { record: false });
          expect([200, 500]).toContain(answer.status);
          expect(answer.headers.get('content-type')).toContain('text/xml');
          expect(answer.body).toBeDefined();
          if (answer.status === 200) responses.record('mangled response', answer.text);
          else {
            expect(answer.body?.name).toBe('Fault');
            // A mangled request is the client's fault, never an internal error.
            expect(faultCode(answer), body).not.toBe('ErrorInternalServerError');
          }
        },
      ),
      { numRuns: Number(process.env.EWS_FUZZ_RUNS ?? 150) },
    );
    // Still serving.
    const ok = await ews.call(TEMPLATES[0]);
    expect(ok.status).toBe(200);
  }, 600_000);
});
