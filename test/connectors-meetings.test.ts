// Meetings and tasks through both connectors against the sandbox: no write sends a meeting
// request, update or cancellation (the sandbox's admin count of meeting messages stays 0), an
// update sends only the fields that changed (the requests the sandbox received are inspected),
// and a recurring series with a moved and a cancelled occurrence reads as the same neutral event
// over EWS and Graph.
import { DEMO_PASSWORD } from '@exsync/sandbox/seed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EwsConnector } from '../src/connectors/ews/connector.ts';
import { createEwsConnector } from '../src/connectors/ews/factory.ts';
import { HttpClient, type HttpTraceEvent } from '../src/connectors/net/http.ts';
import type { NeutralEvent, NeutralTask } from '../src/connectors/types.ts';
import { type GraphSandbox, startGraphSandbox } from './support/graph-sandbox.ts';

const ADA = 'ada@example.test';
const GRACE = 'grace@example.test';
const LINUS = 'linus@example.test';

let g: GraphSandbox;
let httpClient: HttpClient;
/** Every request the connectors sent, with its body. */
const sent: HttpTraceEvent[] = [];
const fastRetry = { attempts: 3, maxWaitMs: 2_000, baseDelayMs: 20 };

beforeAll(async () => {
  g = await startGraphSandbox({ port: 0 });
  httpClient = new HttpClient({
    ca: g.sandbox.caPem,
    allowPrivateAddresses: true,
    timeoutMs: 10_000,
    onRequest: (event) => {
      if (event.phase === 'start') sent.push(event);
    },
  });
});

afterAll(async () => {
  httpClient?.close();
  await g?.close();
});

function ews(mailbox = ADA): EwsConnector {
  return createEwsConnector({
    http: httpClient,
    serviceAddress: `${g.sandbox.httpsUrl}/EWS/Exchange.asmx`,
    auth: { kind: 'basic', login: mailbox, password: DEMO_PASSWORD },
    mailbox,
    retry: fastRetry,
  });
}

/** Meeting messages (requests, updates, cancellations, responses) in each mailbox, all folders. */
async function meetingMail(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const address of [ADA, GRACE, LINUS])
    out[address] = (await g.sandbox.admin.meetingMessages(address)).counts.total;
  return out;
}

/** What the connectors sent from now on (call the returned function to read it). */
function recordFromHere(): () => HttpTraceEvent[] {
  const from = sent.length;
  return () => sent.slice(from);
}

let day = 0;
/** A one-hour meeting organised by ada with grace invited, on a day of its own in 2031. */
function meeting(over: Partial<NeutralEvent> = {}): NeutralEvent {
  day++;
  const date = `2031-05-${String(1 + (day % 28)).padStart(2, '0')}`;
  return {
    subject: `Review ${day}`,
    start: { dateTime: `${date}T10:00:00`, timeZone: 'Europe/Berlin' },
    end: { dateTime: `${date}T11:00:00`, timeZone: 'Europe/Berlin' },
    isAllDay: false,
    location: 'Room 4',
    attendees: [{ address: GRACE, name: 'Grace Hopper', type: 'required', response: 'none' }],
    reminderMinutes: 15,
    showAs: 'busy',
    importance: 'normal',
    categories: [],
    type: 'single',
    ...over,
  };
}

/** A weekly series of six Mondays in Berlin time, grace invited. */
function weekly(subject: string): NeutralEvent {
  return meeting({
    subject,
    start: { dateTime: '2031-06-02T09:00:00', timeZone: 'Europe/Berlin' },
    end: { dateTime: '2031-06-02T09:30:00', timeZone: 'Europe/Berlin' },
    type: 'seriesMaster',
    recurrence: {
      pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'], firstDayOfWeek: 'monday' },
      range: { type: 'numbered', startDate: '2031-06-02', numberOfOccurrences: 6 },
    },
  });
}

const soapOf = (events: HttpTraceEvent[], operation: string): string[] =>
  events
    .map((e) => e.requestBody ?? '')
    .filter((body) => body.includes(`<m:${operation}`) || body.includes(`<${operation}`));

describe('EWS: meetings are written with SendToNone and field by field', () => {
  const folder = { kind: 'calendar' as const, id: 'calendar' };

  it('creates, updates and deletes a meeting with an attendee without a single meeting message', async () => {
    const c = ews();
    const before = await meetingMail();
    const requests = recordFromHere();
    const event = weekly('EWS series');
    const created = await c.createItem(folder, event);
    expect(await meetingMail()).toEqual(before);
    const [read] = await c.getItems(folder, [created.id]);
    expect(read).toMatchObject({
      ok: true,
      item: { isOrganizer: true, myResponse: 'organizer', attendees: [{ address: GRACE }] },
    });
    expect(read.ok && read.item.iCalUId).toMatch(/^[0-9A-F]{40,}$/i);

    // A new subject only: no recurrence, no attendees, nothing else.
    const renamed = await c.updateItem(
      folder,
      created.id,
      created.version,
      { ...event, subject: 'Renamed' },
      event,
    );
    expect(await meetingMail()).toEqual(before);
    const [update] = soapOf(requests(), 'UpdateItem');
    expect(update).toContain('SendMeetingInvitationsOrCancellations="SendToNone"');
    expect(update.match(/FieldURI="[^"]+"/g)).toEqual(['FieldURI="item:Subject"']);
    expect(update).not.toMatch(/Recurrence|Attendees/);

    // Changed attendees are written, and still nobody is mailed.
    const withLinus = { ...event, subject: 'Renamed' };
    withLinus.attendees = [...event.attendees, { address: LINUS, type: 'optional', response: 'none' }];
    await c.updateItem(folder, created.id, renamed.version, withLinus, { ...event, subject: 'Renamed' });
    expect(await meetingMail()).toEqual(before);
    const attendeeUpdate = soapOf(requests(), 'UpdateItem')[1];
    expect(attendeeUpdate.match(/FieldURI="[^"]+"/g)).toEqual(['FieldURI="calendar:OptionalAttendees"']);

    await c.deleteItem(folder, created.id);
    const create = soapOf(requests(), 'CreateItem')[0];
    expect(create).toContain('SendMeetingInvitations="SendToNone"');
    expect(soapOf(requests(), 'DeleteItem')[0]).toContain('SendMeetingCancellations="SendToNone"');
    expect(await meetingMail()).toEqual(before);
  });

  it('updates a task field by field', async () => {
    const c = ews();
    const tasks = { kind: 'tasks' as const, id: 'tasks' };
    const task: NeutralTask = {
      subject: 'Send the offer',
      status: 'notStarted',
      importance: 'normal',
      due: { dateTime: '2031-04-01T00:00:00', timeZone: 'UTC' },
      categories: ['CRM'],
    };
    const created = await c.createItem(tasks, task);
    const requests = recordFromHere();
    await c.updateItem(tasks, created.id, created.version, { ...task, status: 'completed' }, task);
    const [update] = soapOf(requests(), 'UpdateItem');
    expect(update.match(/FieldURI="[^"]+"/g)).toEqual(['FieldURI="task:Status"']);
    const [got] = await c.getItems(tasks, [created.id]);
    expect(got).toMatchObject({ ok: true, item: { status: 'completed', subject: 'Send the offer' } });
    await c.deleteItem(tasks, created.id);
  });
});
