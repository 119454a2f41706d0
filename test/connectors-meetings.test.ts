// Meetings and tasks through both connectors against the sandbox: no write sends a meeting
// request, update or cancellation (the sandbox's admin count of meeting messages stays 0), an
// update sends only the fields that changed (the requests the sandbox received are inspected),
// and a recurring series with a moved and a cancelled occurrence reads as the same neutral event
// over EWS and Graph.
import { DEMO_PASSWORD } from '@exsync/sandbox/seed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EwsConnector } from '../src/connectors/ews/connector.ts';
import { createEwsConnector } from '../src/connectors/ews/factory.ts';
import { GraphConnector } from '../src/connectors/graph/connector.ts';
import { HttpClient, type HttpRequest, type HttpTraceEvent } from '../src/connectors/net/http.ts';
import type { NeutralEvent, NeutralTask } from '../src/connectors/types.ts';
import { drain } from './support/connector-fixtures.ts';
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

function graph(mailbox = ADA): GraphConnector {
  return new GraphConnector({
    http: httpClient,
    tokens: { accessToken: async () => g.userToken(mailbox) },
    mailbox,
    mode: 'delegated',
    graphBaseUrl: `${g.sandbox.httpsUrl}/v1.0`,
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
    expect(await meetingMail()).toEqual(before);
    const create = soapOf(requests(), 'CreateItem')[0];
    expect(create).toContain('SendMeetingInvitations="SendToNone"');
    expect(soapOf(requests(), 'DeleteItem')[0]).toContain('SendMeetingCancellations="SendToNone"');
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

/** The JSON bodies the connectors sent with `method` (members of a $batch included). */
function graphBodies(events: HttpTraceEvent[], method: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const e of events) {
    if (!e.requestBody || !/\/v1\.0\//.test(e.url)) continue;
    const body = JSON.parse(e.requestBody) as { requests?: Array<{ method: string; body?: unknown }> };
    if (/\/\$batch$/.test(new URL(e.url).pathname)) {
      for (const r of body.requests ?? [])
        if (r.method === method && r.body) out.push(r.body as Record<string, unknown>);
    } else if (e.method === method) out.push(body as Record<string, unknown>);
  }
  return out;
}

describe('Graph: attendees only when allowed, and only what changed', () => {
  let calendarId: string;
  const folder = () => ({ kind: 'calendar' as const, id: calendarId });

  beforeAll(async () => {
    const calendars = await graph().listFolders('calendar');
    calendarId = calendars.find((f) => f.wellKnown === 'calendar')!.id;
  });

  it('creates, updates and deletes a meeting without attendees unless told, mailing nobody', async () => {
    const c = graph();
    const before = await meetingMail();
    const requests = recordFromHere();
    const event = weekly('Graph series');
    const created = await c.createItem(folder(), event);
    expect(await meetingMail()).toEqual(before);
    const [post] = graphBodies(requests(), 'POST');
    expect(post).not.toHaveProperty('attendees');
    const [read] = await c.getItems(folder(), [created.id]);
    expect(read).toMatchObject({
      ok: true,
      item: { attendees: [], isOrganizer: true, myResponse: 'organizer' },
    });
    expect(read.ok && read.item.iCalUId).toMatch(/^[0-9A-F]{40,}$/i);

    // The subject alone: no recurrence (Exchange would drop the exceptions), no attendees.
    const renamed = await c.updateItem(
      folder(),
      created.id,
      created.version,
      { ...event, subject: 'Renamed' },
      event,
    );
    expect(graphBodies(requests(), 'PATCH')).toEqual([{ subject: 'Renamed' }]);
    expect(await meetingMail()).toEqual(before);

    // Changed attendees are left out unless the caller allows them.
    const withLinus = { ...event, subject: 'Renamed' };
    withLinus.attendees = [...event.attendees, { address: LINUS, type: 'optional', response: 'none' }];
    const same = await c.updateItem(folder(), created.id, renamed.version, withLinus, {
      ...event,
      subject: 'Renamed',
    });
    expect(same.version).toBe(renamed.version);
    expect(graphBodies(requests(), 'PATCH')).toHaveLength(1);

    await c.deleteItem(folder(), created.id);
    expect(await meetingMail()).toEqual(before);
  });

  it('writes attendees when allowed (and Graph then invites them)', async () => {
    const c = graph();
    const before = await meetingMail();
    const created = await c.createItem(folder(), meeting(), { writeAttendees: true });
    const [read] = await c.getItems(folder(), [created.id]);
    expect(read).toMatchObject({ ok: true, item: { attendees: [{ address: GRACE }] } });
    expect((await meetingMail())[GRACE]).toBe(before[GRACE] + 1);
  });

  it('updates a To Do task property by property', async () => {
    const c = graph();
    const [list] = (await c.listFolders('tasks')).filter((f) => f.wellKnown === 'tasks');
    const tasks = { kind: 'tasks' as const, id: list.id };
    const task: NeutralTask = {
      subject: 'Send the offer',
      status: 'notStarted',
      importance: 'normal',
      due: { dateTime: '2031-04-01T00:00:00', timeZone: 'UTC' },
      categories: ['CRM'],
    };
    const start = await drain(c.readChanges(tasks, undefined));
    const created = await c.createItem(tasks, task);
    const requests = recordFromHere();
    await c.updateItem(tasks, created.id, created.version, { ...task, status: 'completed' }, task);
    expect(graphBodies(requests(), 'PATCH')).toEqual([{ status: 'completed' }]);
    const changes = await drain(c.readChanges(tasks, start.cursor));
    const seen = changes.pages.flatMap((p) => p.upserts).find((u) => u.id === created.id);
    expect(seen?.item).toMatchObject({ subject: 'Send the offer', status: 'completed' });
    await c.deleteItem(tasks, created.id);
    const gone = await drain(c.readChanges(tasks, changes.cursor));
    expect(gone.pages.flatMap((p) => p.deletes)).toContain(created.id);
  });
});

describe('A series with a moved and a cancelled occurrence reads the same on both protocols', () => {
  const window = { start: '2031-05-01T00:00:00.000Z', end: '2031-09-01T00:00:00.000Z' };

  it('calendarView/delta (Graph) and SyncFolderItems + GetItem (EWS) give the same neutral event', async () => {
    const token = g.userToken(ADA);
    const calendars = await graph().listFolders('calendar');
    const calendarId = calendars.find((f) => f.wellKnown === 'calendar')!.id;
    const graphFolder = { kind: 'calendar' as const, id: calendarId };
    const ewsFolder = { kind: 'calendar' as const, id: 'calendar' };
    const graphStart = await drain(graph().readChanges(graphFolder, undefined, { window }));
    const ewsStart = await drain(ews().readChanges(ewsFolder, undefined, { pageSize: 512 }));

    const created = await ews().createItem(ewsFolder, weekly('Moved and cancelled'));
    const [master] = await ews().getItems(ewsFolder, [created.id]);
    const uid = master.ok ? master.item.iCalUId : undefined;
    // Find the Graph id of the series, then move the second Monday and cancel the fourth.
    const listed = await g.graph(
      'GET',
      `/me/calendarView?startDateTime=${window.start}&endDateTime=${window.end}&$top=200`,
      { token },
    );
    const instances = (
      listed.json.value as Array<{ id: string; iCalUId: string; start: { dateTime: string } }>
    )
      .filter((v) => v.iCalUId === uid)
      .sort((a, b) => (a.start.dateTime < b.start.dateTime ? -1 : 1));
    expect(instances).toHaveLength(6);
    const moved = await g.graph('PATCH', `/me/events/${instances[1].id}`, {
      token,
      body: {
        subject: 'Moved review',
        start: { dateTime: '2031-06-10T14:00:00', timeZone: 'W. Europe Standard Time' },
        end: { dateTime: '2031-06-10T14:30:00', timeZone: 'W. Europe Standard Time' },
        location: { displayName: 'Room 9' },
      },
    });
    expect(moved.status, moved.text).toBe(200);
    expect((await g.graph('DELETE', `/me/events/${instances[3].id}`, { token })).status).toBe(204);
    // Those two edits went through Graph as a user makes them, so grace was told; reading sends nothing.
    const afterEdits = await meetingMail();

    const requests = recordFromHere();
    const overGraph = await drain(graph().readChanges(graphFolder, graphStart.cursor, { window }));
    const graphRequests = requests().length;
    const overEws = await drain(ews().readChanges(ewsFolder, ewsStart.cursor));
    const series = (pages: typeof overGraph.pages) =>
      pages.flatMap((p) => p.upserts).filter((u) => u.item.iCalUId === uid);
    const [fromGraph] = series(overGraph.pages);
    const [fromEws] = series(overEws.pages);
    // One master per series, however many of its instances the view listed.
    expect(series(overGraph.pages)).toHaveLength(1);
    expect(series(overEws.pages)).toHaveLength(1);
    // The view's page, a $batch reading again the cancelled occurrence it lists as removed, and
    // one for the series, whose exceptions come with it.
    expect(graphRequests).toBeLessThanOrEqual(3);

    const neutral = (e: NeutralEvent) => ({
      ...e,
      modifiedOccurrences: e.modifiedOccurrences?.map(({ id: _id, ...rest }) => rest),
    });
    expect(neutral(fromGraph.item)).toEqual(neutral(fromEws.item));
    expect(fromGraph.item).toMatchObject({
      type: 'seriesMaster',
      isOrganizer: true,
      myResponse: 'organizer',
      modifiedOccurrences: [
        {
          originalStart: '2031-06-09T07:00:00Z',
          subject: 'Moved review',
          location: 'Room 9',
          start: { dateTime: '2031-06-10T14:00:00', timeZone: 'Europe/Berlin' },
          end: { dateTime: '2031-06-10T14:30:00', timeZone: 'Europe/Berlin' },
        },
      ],
      deletedOccurrences: ['2031-06-23T07:00:00Z'],
    });
    expect(await meetingMail()).toEqual(afterEdits);
  });
});

describe('Every write path sends nothing', () => {
  it('createItems on EWS and on Graph: attendees kept on EWS, left out on Graph, nobody mailed', async () => {
    const before = await meetingMail();
    const [ewsCreated] = await ews().createItems({ kind: 'calendar', id: 'calendar' }, [
      meeting(),
      meeting(),
    ]);
    expect(ewsCreated).toMatchObject({ ok: true });
    const calendarId = (await graph().listFolders('calendar')).find((f) => f.wellKnown === 'calendar')!.id;
    const graphFolder = { kind: 'calendar' as const, id: calendarId };
    const [graphCreated] = await graph().createItems(graphFolder, [meeting(), meeting()]);
    expect(await meetingMail()).toEqual(before);
    const [overEws] = await ews().getItems({ kind: 'calendar', id: 'calendar' }, [
      ewsCreated.ok ? ewsCreated.id : '',
    ]);
    expect(overEws).toMatchObject({ ok: true, item: { attendees: [{ address: GRACE }] } });
    const [overGraph] = await graph().getItems(graphFolder, [graphCreated.ok ? graphCreated.id : '']);
    expect(overGraph).toMatchObject({ ok: true, item: { attendees: [] } });
  });
});

describe('Graph calendar window', () => {
  const june = { start: '2032-06-01T00:00:00.000Z', end: '2032-07-01T00:00:00.000Z' };
  let folder: { kind: 'calendar'; id: string };

  beforeAll(async () => {
    folder = {
      kind: 'calendar',
      id: (await graph().listFolders('calendar')).find((f) => f.wellKnown === 'calendar')!.id,
    };
  });

  it('asks for view pages of up to 1,000 entries, and fewer when an answer would be too large to read', async () => {
    const asked: string[] = [];
    const limited = (maxResponseBytes?: number) =>
      new (class extends HttpClient {
        override send(request: HttpRequest) {
          if (request.url.includes('/calendarView/delta')) asked.push(request.headers?.prefer ?? '');
          return super.send(request);
        }
      })({ ca: g.sandbox.caPem, allowPrivateAddresses: true, timeoutMs: 10_000, maxResponseBytes });
    const connector = (http: HttpClient) =>
      new GraphConnector({
        http,
        tokens: { accessToken: async () => g.userToken(ADA) },
        mailbox: ADA,
        mode: 'delegated',
        graphBaseUrl: `${g.sandbox.httpsUrl}/v1.0`,
        retry: fastRetry,
      });
    const sizes = () => asked.splice(0).map((p) => Number(/odata\.maxpagesize=(\d+)/.exec(p)?.[1]));
    const roomy = limited();
    try {
      await drain(connector(roomy).readChanges(folder, undefined, { window: june, pageSize: 5000 }));
      await drain(connector(roomy).readChanges(folder, undefined, { window: june, pageSize: 40 }));
    } finally {
      roomy.close();
    }
    expect(sizes()).toEqual([1000, 40]);

    // 24 meetings of about 8 KB each (the body 6 KB) in a month of their own, read by a client
    // that takes answers of 64 KB at most: a page of 1,000 is refused unread and asked again
    // with half as many entries until one fits; the pages after it keep that size.
    const march = { start: '2033-03-01T00:00:00.000Z', end: '2033-04-01T00:00:00.000Z' };
    const text = 'Minutes of the last meeting, figures and next steps. '.repeat(115);
    const made = await graph().createItems(
      folder,
      Array.from({ length: 24 }, (_, i) => {
        const date = `2033-03-${String(1 + i).padStart(2, '0')}`;
        return meeting({
          subject: `Long agenda ${i}`,
          body: { contentType: 'text', content: text },
          attendees: [],
          start: { dateTime: `${date}T10:00:00`, timeZone: 'UTC' },
          end: { dateTime: `${date}T11:00:00`, timeZone: 'UTC' },
        });
      }),
    );
    expect(made.every((m) => m.ok)).toBe(true);
    const small = limited(64 * 1024);
    try {
      const read = await drain(
        connector(small).readChanges(folder, undefined, { window: march, pageSize: 1000 }),
      );
      const ids = read.pages.flatMap((p) => p.upserts.map((u) => u.id));
      expect(new Set(ids).size).toBe(24);
      const asks = sizes();
      const fitted = asks.findIndex((n, i) => asks[i + 1] === n || i === asks.length - 1);
      // Halved from 1,000 until an answer fitted, then kept.
      expect(asks.slice(0, fitted + 1)).toEqual(
        Array.from({ length: fitted + 1 }, (_, i) => Math.floor(1000 / 2 ** i)),
      );
      expect(new Set(asks.slice(fitted))).toEqual(new Set([asks[fitted]]));
      expect(asks[fitted]).toBeGreaterThan(1);
      expect(asks[fitted]).toBeLessThan(24);

      // One meeting larger than the whole limit fails clearly, after asking for it alone.
      const huge = await graph().createItem(
        folder,
        meeting({
          subject: 'Pasted picture',
          body: { contentType: 'text', content: 'x'.repeat(80 * 1024) },
          attendees: [],
          start: { dateTime: '2033-05-10T10:00:00', timeZone: 'UTC' },
          end: { dateTime: '2033-05-10T11:00:00', timeZone: 'UTC' },
        }),
      );
      const may = { start: '2033-05-01T00:00:00.000Z', end: '2033-06-01T00:00:00.000Z' };
      const error = await drain(connector(small).readChanges(folder, undefined, { window: may })).catch(
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: 'invalid_response', network: 'too_large' });
      expect(String((error as Error).message)).toContain('One event of the calendar');
      expect(sizes().at(-1)).toBe(1);
      await graph().deleteItem(folder, huge.id);
    } finally {
      small.close();
    }
  });

  it('refuses a cursor of another window, or of the unwindowed delta, as resync_needed', async () => {
    const c = graph();
    const { cursor } = await drain(c.readChanges(folder, undefined, { window: june }));
    const moved = { ...june, end: '2032-08-01T00:00:00.000Z' };
    const error = await drain(c.readChanges(folder, cursor, { window: moved })).catch((e) => e);
    expect(error).toMatchObject({ code: 'resync_needed' });
    const old = `${g.sandbox.httpsUrl}/v1.0/me/calendars/${folder.id}/events/delta?$deltatoken=x`;
    expect(await drain(c.readChanges(folder, old, { window: june })).catch((e) => e)).toMatchObject({
      code: 'resync_needed',
    });
  });

  it('hands out an event moved out of the window as it now is, and a deleted series as deleted', async () => {
    const c = graph();
    const start = await drain(c.readChanges(folder, undefined, { window: june }));
    const single = await c.createItem(
      folder,
      meeting({
        start: { dateTime: '2032-06-15T10:00:00', timeZone: 'UTC' },
        end: { dateTime: '2032-06-15T11:00:00', timeZone: 'UTC' },
      }),
    );
    const series = await c.createItem(folder, {
      ...weekly('June series'),
      start: { dateTime: '2032-06-07T09:00:00', timeZone: 'Europe/Berlin' },
      end: { dateTime: '2032-06-07T09:30:00', timeZone: 'Europe/Berlin' },
      recurrence: {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'], firstDayOfWeek: 'monday' },
        range: { type: 'numbered', startDate: '2032-06-07', numberOfOccurrences: 3 },
      },
    });
    const seen = await drain(c.readChanges(folder, start.cursor, { window: june }));
    const ids = seen.pages.flatMap((p) => p.upserts.map((u) => u.id));
    expect(ids.filter((id) => id === single.id || id === series.id).sort()).toEqual(
      [single.id, series.id].sort(),
    );

    const [current] = await c.getItems(folder, [single.id]);
    const before = current.ok ? current.item : meeting();
    const later = {
      ...before,
      start: { dateTime: '2032-09-15T10:00:00', timeZone: 'UTC' },
      end: { dateTime: '2032-09-15T11:00:00', timeZone: 'UTC' },
    };
    await c.updateItem(folder, single.id, current.ok ? current.version : '', later, before);
    await c.deleteItem(folder, series.id);
    const after = await drain(c.readChanges(folder, seen.cursor, { window: june }));
    const upserts = after.pages.flatMap((p) => p.upserts);
    const deletes = after.pages.flatMap((p) => p.deletes);
    expect(upserts.find((u) => u.id === single.id)?.item.start).toEqual(later.start);
    expect(deletes).not.toContain(single.id);
    expect(deletes).toContain(series.id);
  });
});

describe('Shared identity', () => {
  it("the attendee's copy carries the organizer's iCalUId, isOrganizer false and its own response, on both protocols", async () => {
    const calendarId = (await graph().listFolders('calendar')).find((f) => f.wellKnown === 'calendar')!.id;
    const window = { start: '2031-05-01T00:00:00.000Z', end: '2031-07-01T00:00:00.000Z' };
    const graceCalendar = (await graph(GRACE).listFolders('calendar')).find(
      (f) => f.wellKnown === 'calendar',
    )!;
    const graceFolder = { kind: 'calendar' as const, id: graceCalendar.id };
    const graphStart = await drain(graph(GRACE).readChanges(graceFolder, undefined, { window }));
    const ewsStart = await drain(ews(GRACE).readChanges({ kind: 'calendar', id: 'calendar' }, undefined));
    // Graph invites grace, as the organizer's own Outlook would.
    const created = await graph().createItem({ kind: 'calendar', id: calendarId }, meeting(), {
      writeAttendees: true,
    });
    const [organizer] = await graph().getItems({ kind: 'calendar', id: calendarId }, [created.id]);
    const uid = organizer.ok ? organizer.item.iCalUId : undefined;
    expect(uid).toBeTruthy();
    const overGraph = await drain(graph(GRACE).readChanges(graceFolder, graphStart.cursor, { window }));
    const overEws = await drain(
      ews(GRACE).readChanges({ kind: 'calendar', id: 'calendar' }, ewsStart.cursor),
    );
    for (const { pages } of [overGraph, overEws]) {
      const copies = pages.flatMap((p) => p.upserts).filter((u) => u.item.iCalUId === uid);
      expect(copies).toHaveLength(1);
      expect(copies[0].item).toMatchObject({
        isOrganizer: false,
        myResponse: 'notResponded',
        organizer: { address: ADA },
      });
    }
  });
});

describe('Tasks are read from EWS task folders and Graph To Do lists', () => {
  it('EWS: SyncFolderItems then GetItem, creates and deletes seen', async () => {
    const c = ews();
    const folder = { kind: 'tasks' as const, id: 'tasks' };
    const start = await drain(c.readChanges(folder, undefined));
    const created = await c.createItem(folder, {
      subject: 'Prepare the contract',
      status: 'inProgress',
      importance: 'high',
      percentComplete: 30,
      due: { dateTime: '2031-04-02T00:00:00', timeZone: 'UTC' },
      categories: [],
    });
    const seen = await drain(c.readChanges(folder, start.cursor));
    expect(seen.pages.flatMap((p) => p.upserts).find((u) => u.id === created.id)?.item).toMatchObject({
      subject: 'Prepare the contract',
      status: 'inProgress',
      percentComplete: 30,
      due: { dateTime: '2031-04-02T00:00:00', timeZone: 'UTC' },
    });
    await c.deleteItem(folder, created.id);
    const gone = await drain(c.readChanges(folder, seen.cursor));
    expect(gone.pages.flatMap((p) => p.deletes)).toContain(created.id);
  });
});

describe('A series made a single meeting', () => {
  it('EWS deletes the pattern, Graph sends recurrence null', async () => {
    const e = ews();
    const event = weekly('Series to single');
    const single: NeutralEvent = { ...event, type: 'single', recurrence: undefined };
    const onEws = await e.createItem({ kind: 'calendar', id: 'calendar' }, event);
    const requests = recordFromHere();
    await e.updateItem({ kind: 'calendar', id: 'calendar' }, onEws.id, onEws.version, single, event);
    const [update] = soapOf(requests(), 'UpdateItem');
    expect(update).toMatch(
      /<t:DeleteItemField><t:FieldURI FieldURI="calendar:Recurrence"\/><\/t:DeleteItemField>/,
    );
    const [readEws] = await e.getItems({ kind: 'calendar', id: 'calendar' }, [onEws.id]);
    expect(readEws).toMatchObject({ ok: true, item: { type: 'single' } });

    const g = graph();
    const calendarId = (await g.listFolders('calendar')).find((f) => f.wellKnown === 'calendar')!.id;
    const onGraph = await g.createItem({ kind: 'calendar', id: calendarId }, event);
    const graphRequests = recordFromHere();
    await g.updateItem({ kind: 'calendar', id: calendarId }, onGraph.id, onGraph.version, single, event);
    expect(graphBodies(graphRequests(), 'PATCH')).toEqual([{ recurrence: null }]);
    const [readGraph] = await g.getItems({ kind: 'calendar', id: calendarId }, [onGraph.id]);
    expect(readGraph).toMatchObject({ ok: true, item: { type: 'single' } });
  });
});

describe("Several new series' occurrences written together", () => {
  it('on EWS and on Graph: a series whose occurrence cannot be found fails alone, the others get theirs, nobody mailed', async () => {
    const before = await meetingMail();
    // A: the second Monday moved an hour later, the third cancelled. B: an exception on a
    // Tuesday, where the series has no occurrence.
    const a = (subject: string): NeutralEvent => ({
      ...weekly(subject),
      modifiedOccurrences: [
        {
          originalStart: '2031-06-09T07:00:00Z',
          subject: `${subject} (moved)`,
          start: { dateTime: '2031-06-09T10:00:00', timeZone: 'Europe/Berlin' },
          end: { dateTime: '2031-06-09T10:30:00', timeZone: 'Europe/Berlin' },
        },
      ],
      deletedOccurrences: ['2031-06-16T07:00:00Z'],
    });
    const b = (subject: string): NeutralEvent => ({
      ...weekly(subject),
      modifiedOccurrences: [{ originalStart: '2031-06-10T07:00:00Z', subject: `${subject} (nowhere)` }],
    });
    const calendarId = (await graph().listFolders('calendar')).find((f) => f.wellKnown === 'calendar')!.id;
    for (const [connector, folder] of [
      [ews(), { kind: 'calendar' as const, id: 'calendar' }],
      [graph(), { kind: 'calendar' as const, id: calendarId }],
    ] as const) {
      const results = await connector.createItems(folder, [
        b('Together B'),
        a('Together A1'),
        a('Together A2'),
      ]);
      expect(results.map((r) => r.ok)).toEqual([true, true, true]);
      const [bad, ...good] = results as Array<{ ok: true; id: string; unwritten?: { code: string } }>;
      expect(bad.unwritten?.code, connector.protocol).toBe('not_found');
      for (const r of good) expect(r.unwritten, connector.protocol).toBeUndefined();
      const read = await connector.getItems(
        folder,
        good.map((r) => r.id),
      );
      for (const r of read) {
        expect(r.ok).toBe(true);
        if (!r.ok) continue;
        expect(
          r.item.modifiedOccurrences?.map((o) => [o.originalStart.replace('.000Z', 'Z'), o.subject]),
        ).toEqual([['2031-06-09T07:00:00Z', `${r.item.subject} (moved)`]]);
        expect(r.item.deletedOccurrences?.map((d) => d.replace('.000Z', 'Z'))).toEqual([
          '2031-06-16T07:00:00Z',
        ]);
      }
    }
    expect(await meetingMail()).toEqual(before);
  });
});
