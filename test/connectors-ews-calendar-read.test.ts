// What reading a calendar costs the EWS connector against the sandbox, and that nothing is lost
// to the savings: a series' exceptions (ModifiedOccurrences carry only their times) are read in
// the same GetItem requests as the items, a page's last request filled with the next page's
// first items, yet every page is handed out whole (each series with its exceptions' subjects and
// places) and with its own cursor, so a read stopped after a page and resumed from its cursor
// lists the rest again. Requests and answers are validated against Microsoft's EWS schema.
import { EwsSchemaRecorder } from '@exsync/sandbox/ews/schema-validation';
import { DEMO_PASSWORD, DEMO_TENANT_ID } from '@exsync/sandbox/seed';
import { addDays, buildEvent, instantAt } from '@exsync/sandbox/seed/builders';
import { type RunningSandbox, startSandbox } from '@exsync/sandbox/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EwsConnector } from '../src/connectors/ews/connector.ts';
import { createEwsConnector } from '../src/connectors/ews/factory.ts';
import { HttpClient } from '../src/connectors/net/http.ts';
import type { ChangePage, NeutralEvent } from '../src/connectors/types.ts';

let sandbox: RunningSandbox;
let http: HttpClient;
const recorder = new EwsSchemaRecorder();
/** EWS operations sent, in order. */
const sent: string[] = [];

const EVENTS = 230;
const SERIES = 20;
const MOVED = 3;
const calendar = { kind: 'calendar' as const, id: 'calendar' };
let address = '';

function connector(): EwsConnector {
  return createEwsConnector({
    http,
    serviceAddress: `${sandbox.httpsUrl}/EWS/Exchange.asmx`,
    auth: { kind: 'basic', login: address, password: DEMO_PASSWORD },
    mailbox: address,
    onExchange: (request, response, operation) => {
      sent.push(operation);
      recorder.recordExchange(request, response, operation);
    },
  });
}

/** The operations `work` sends, counted by name. */
async function counted<T>(work: () => Promise<T>): Promise<{ result: T; ops: Record<string, number> }> {
  const from = sent.length;
  const result = await work();
  const ops: Record<string, number> = {};
  for (const op of sent.slice(from)) ops[op] = (ops[op] ?? 0) + 1;
  return { result, ops };
}

/** Every series of `events` carries its moved occurrences with what the exceptions say of themselves. */
function expectExceptionsRead(events: NeutralEvent[]) {
  for (const e of events.filter((x) => x.type === 'seriesMaster')) {
    expect(e.modifiedOccurrences, e.subject).toHaveLength(MOVED);
    for (const o of e.modifiedOccurrences ?? []) {
      expect(o.subject).toBe(`${e.subject} (moved)`);
      expect(o.location).toBe('Room 7');
    }
  }
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 'demo' });
  http = new HttpClient({ ca: sandbox.caPem, allowPrivateAddresses: true, timeoutMs: 20_000 });
  address = `reads${Date.now().toString(36)}@example.test`;
  const mailbox = sandbox.store.addMailbox({
    tenantId: DEMO_TENANT_ID,
    address,
    displayName: 'Reader',
    password: DEMO_PASSWORD,
  });
  const folder = sandbox.store.distinguishedFolder(mailbox.id, 'calendar')!.id;
  const zone = 'W. Europe Standard Time';
  // The series spread over the calendar, so that every page of 100 holds some.
  const seriesEvery = Math.floor(EVENTS / SERIES);
  for (let i = 0; i < EVENTS; i++) {
    const date = addDays('2027-01-04', i);
    const event = buildEvent({
      subject: `Meeting ${i}`,
      uidKey: `calendar-read-${i}`,
      date,
      time: '10:00',
      durationMinutes: 60,
      timeZone: zone,
      organizer: { address, name: 'Reader' },
    });
    if (i % seriesEvery === 0 && i / seriesEvery < SERIES) {
      event.recurrence = {
        pattern: { type: 'daily', interval: 1 },
        range: { type: 'numbered', startDate: date, numberOfOccurrences: 10, recurrenceTimeZone: zone },
      };
      event.modifiedOccurrences = Array.from({ length: MOVED }, (_, k) => {
        const originalStart = instantAt(addDays(date, k + 1), '10:00', zone);
        const start = Date.parse(originalStart) + 3_600_000;
        return {
          id: '',
          changeKey: '',
          originalStart,
          start: new Date(start).toISOString(),
          end: new Date(start + 3_600_000).toISOString(),
          subject: `Meeting ${i} (moved)`,
          location: 'Room 7',
        };
      });
    }
    sandbox.store.createItem(mailbox.id, folder, 'event', event, 'system');
  }
});

afterAll(async () => {
  http?.close();
  await sandbox?.close();
  await recorder.expectAllValid();
}, 60_000);

describe('reading a calendar over EWS', () => {
  const exceptions = SERIES * MOVED;
  /** Items and exceptions in full requests of 100, and one more for the last exceptions found. */
  const fewestGetItems = Math.ceil((EVENTS + exceptions) / 100) + 1;

  it('reads exceptions in the same requests as the items, across pages, and hands out every page whole', async () => {
    const c = connector();
    const pages: Array<ChangePage<NeutralEvent>> = [];
    const { ops } = await counted(async () => {
      for await (const page of c.readChanges(calendar, undefined, { pageSize: 100 })) {
        // Whole when handed out: every series of the page has its exceptions read.
        expectExceptionsRead(page.upserts.map((u) => u.item));
        pages.push(page);
      }
    });
    expect(pages.map((p) => p.upserts.length)).toEqual([100, 100, 30]);
    expect(pages.map((p) => p.done)).toEqual([false, false, true]);
    expect(new Set(pages.flatMap((p) => p.upserts.map((u) => u.id))).size).toBe(EVENTS);
    expect(ops.SyncFolderItems).toBe(3);
    // A GetItem of 100 items and one of their exceptions per page would be 6.
    expect(ops.GetItem).toBeLessThanOrEqual(fewestGetItems);
  });

  it('resumes after a page from its cursor with the pages after it, the next page listed again', async () => {
    const c = connector();
    let first: ChangePage<NeutralEvent> | undefined;
    for await (const page of c.readChanges(calendar, undefined, { pageSize: 100 })) {
      first = page;
      break;
    }
    const rest: string[] = [];
    for await (const page of c.readChanges(calendar, first!.cursor, { pageSize: 100 })) {
      expectExceptionsRead(page.upserts.map((u) => u.item));
      rest.push(...page.upserts.map((u) => u.id));
    }
    const firstIds = first!.upserts.map((u) => u.id);
    expect(rest).toHaveLength(EVENTS - 100);
    expect(new Set([...firstIds, ...rest]).size).toBe(EVENTS);
  });

  it('reads items and their exceptions together on getItems too', async () => {
    const c = connector();
    const ids: string[] = [];
    for await (const page of c.readChanges(calendar, undefined, { pageSize: 500 }))
      ids.push(...page.upserts.map((u) => u.id));
    const { result, ops } = await counted(() => c.getItems(calendar, ids));
    expect(result.every((r) => r.ok)).toBe(true);
    expect(result.map((r) => r.id)).toEqual(ids);
    expectExceptionsRead(result.flatMap((r) => (r.ok ? [r.item] : [])));
    expect(ops.GetItem).toBeLessThanOrEqual(fewestGetItems);
  });
});
