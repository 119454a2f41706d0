// Graph behaviour that clients depend on: auth and permission errors, ETags and If-Match,
// contact limits, Outlook's 4-request concurrency limit, faults, $batch, calendarView windows,
// transactionId, getSchedule, sendMail and To Do. Every entity returned is checked against the
// JSON Schemas generated from Microsoft's CSDL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GraphReply, type GraphSandbox, startGraphSandbox } from '../support/graph-sandbox.ts';
import { assertGraphCollection, assertGraphEntity } from '../support/graph-schema.ts';

const ADA = 'ada@example.test';
const GRACE = 'grace@example.test';

describe('Graph behaviour', () => {
  let g: GraphSandbox;
  let ada: string;
  let grace: string;

  beforeAll(async () => {
    g = await startGraphSandbox();
    ada = g.userToken(ADA);
    grace = g.userToken(GRACE);
  });
  afterAll(() => g.close());

  const expectGraphError = (
    reply: { status: number; json: any; headers: Headers },
    status: number,
    code: string,
  ) => {
    expect(reply.status, JSON.stringify(reply.json)).toBe(status);
    expect(reply.json.error.code).toBe(code);
    expect(typeof reply.json.error.message).toBe('string');
    expect(reply.json.error.innerError['request-id']).toBe(reply.headers.get('request-id'));
    expect(reply.json.error.innerError['client-request-id']).toBe(reply.headers.get('client-request-id'));
  };

  it('refuses missing or bad tokens with 401 and missing permissions with 403', async () => {
    const none = await g.graph('GET', '/me/contacts', { headers: { 'client-request-id': 'abc-123' } });
    expectGraphError(none, 401, 'InvalidAuthenticationToken');
    expect(none.headers.get('client-request-id')).toBe('abc-123');
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expectGraphError(
      await g.graph('GET', '/me/contacts', { token: 'not.a.jwt' }),
      401,
      'InvalidAuthenticationToken',
    );
    const userOnly = g.userToken(ADA, ['User.Read']);
    expect((await g.graph('GET', '/me', { token: userOnly })).status).toBe(200);
    expectGraphError(await g.graph('GET', '/me/contacts', { token: userOnly }), 403, 'ErrorAccessDenied');
    expectGraphError(
      await g.graph('GET', `/users/${GRACE}/contacts`, { token: ada }),
      403,
      'ErrorAccessDenied',
    );
    expectGraphError(
      await g.graph('GET', '/users/nobody@example.test/contacts', { token: ada }),
      404,
      'ErrorInvalidUser',
    );
    expectGraphError(await g.graph('GET', '/me/nonsense', { token: ada }), 400, 'BadRequest');
  });

  it('serves other mailboxes to an app-only token and refuses /me to it', async () => {
    const app = await g.appToken();
    const me = await g.graph('GET', '/me', { token: app });
    expectGraphError(me, 400, 'BadRequest');
    const user = await g.graph('GET', `/users/${GRACE}`, { token: app });
    expect(user.status).toBe(200);
    assertGraphEntity('user', user.json);
    const users = await g.graph('GET', '/users', { token: app });
    assertGraphCollection('user', users.json);
    const contacts = await g.graph('GET', `/users/${users.json.value[0].id}/contacts?$top=5&$count=true`, {
      token: app,
      headers: { Prefer: 'IdType="ImmutableId"' },
    });
    expect(contacts.status).toBe(200);
    expect(contacts.headers.get('preference-applied')).toContain('IdType="ImmutableId"');
    assertGraphCollection('contact', contacts.json);
    expect(contacts.json['@odata.count']).toBeGreaterThan(0);
  });

  it('checks If-Match against the current ETag (412 ErrorIrresolvableConflict)', async () => {
    const created = await g.graph('POST', '/me/contacts', {
      token: ada,
      body: { givenName: 'Etag', surname: 'Test' },
    });
    expect(created.status).toBe(201);
    assertGraphEntity('contact', created.json);
    const etag = created.json['@odata.etag'];
    expect(etag).toBe(`W/"${created.json.changeKey}"`);
    const updated = await g.graph('PATCH', `/me/contacts/${created.json.id}`, {
      token: ada,
      headers: { 'If-Match': etag },
      body: { jobTitle: 'Tester' },
    });
    expect(updated.status).toBe(200);
    expect(updated.json['@odata.etag']).not.toBe(etag);
    expectGraphError(
      await g.graph('PATCH', `/me/contacts/${created.json.id}`, {
        token: ada,
        headers: { 'If-Match': etag },
        body: { jobTitle: 'Lost update' },
      }),
      412,
      'ErrorIrresolvableConflict',
    );
    expectGraphError(
      await g.graph('DELETE', `/me/contacts/${created.json.id}`, {
        token: ada,
        headers: { 'If-Match': etag },
      }),
      412,
      'ErrorIrresolvableConflict',
    );
    expect(
      (
        await g.graph('DELETE', `/me/contacts/${created.json.id}`, {
          token: ada,
          headers: { 'If-Match': updated.json['@odata.etag'] },
        })
      ).status,
    ).toBe(204);
  });

  it('enforces the contact limits: 3 email addresses, 2 business phones', async () => {
    const emails = await g.graph('POST', '/me/contacts', {
      token: ada,
      body: {
        givenName: 'Many',
        emailAddresses: ['a', 'b', 'c', 'd'].map((x) => ({ address: `${x}@limits.test` })),
      },
    });
    expectGraphError(emails, 400, 'ErrorInvalidArgument');
    expect(emails.json.error.message).toBe(
      'The multi value property EmailAddresses has 4 entries, that exceeds the max allowed value of 3',
    );
    const ok = await g.graph('POST', '/me/contacts', {
      token: ada,
      body: { givenName: 'Phones', businessPhones: ['+49 1', '+49 2'] },
    });
    expect(ok.status).toBe(201);
    const phones = await g.graph('PATCH', `/me/contacts/${ok.json.id}`, {
      token: ada,
      body: { businessPhones: ['+49 1', '+49 2', '+49 3'] },
    });
    expectGraphError(phones, 400, 'ErrorInvalidArgument');
    expect(phones.json.error.message).toContain('exceeds the max allowed value of 2');
  });

  it('answers malformed JSON with 400 and a body over 4 MB with 413, in Graph’s shape', async () => {
    const bad = await g.graph('POST', '/me/contacts', {
      token: ada,
      rawBody: '{"givenName": ',
      headers: { 'Content-Type': 'application/json' },
    });
    expectGraphError(bad, 400, 'BadRequest');
    const huge = await g.graph('POST', '/me/contacts', {
      token: ada,
      rawBody: JSON.stringify({ personalNotes: 'x'.repeat(5 * 1024 * 1024) }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(huge.status).toBe(413);
    expect(huge.json.error.code).toBe('RequestEntityTooLarge');
    expect(huge.json.error.innerError['request-id']).toBeTruthy();
  });

  it('lets at most 4 requests per app and mailbox run at once (429 MailboxConcurrency for the rest)', async () => {
    const rule = await g.sandbox.admin.addFault({
      protocol: 'graph',
      operation: 'contactFolders.list',
      fault: { kind: 'latency', ms: 400 },
    });
    try {
      const replies = await Promise.all(
        Array.from({ length: 6 }, () => g.graph('GET', '/me/contactFolders', { token: ada })),
      );
      const statuses = replies.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
      const throttled = replies.find((r) => r.status === 429)!;
      expect(throttled.json.error.code).toBe('ApplicationThrottled');
      expect(throttled.json.error.message).toContain('MailboxConcurrency');
      expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
      // Another mailbox is not affected by Ada's limit.
      expect((await g.graph('GET', '/me/contactFolders', { token: grace })).status).toBe(200);
    } finally {
      await g.sandbox.admin.removeFault(rule.id);
    }
  });

  it('applies throttle, server error and drop faults', async () => {
    await g.sandbox.admin.addFault({
      protocol: 'graph',
      operation: 'calendars.list',
      fault: { kind: 'throttle', retryAfterMs: 2500 },
      times: 1,
    });
    const throttled = await g.graph('GET', '/me/calendars', { token: ada });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('3');
    await g.sandbox.admin.addFault({
      protocol: 'graph',
      operation: 'calendars.list',
      fault: { kind: 'serverError', status: 503, retryAfterMs: 1000 },
      times: 1,
    });
    const unavailable = await g.graph('GET', '/me/calendars', { token: ada });
    expectGraphError(unavailable, 503, 'ServiceUnavailable');
    expect(unavailable.headers.get('retry-after')).toBe('1');
    await g.sandbox.admin.addFault({
      protocol: 'graph',
      operation: 'calendars.list',
      fault: { kind: 'drop' },
      times: 1,
    });
    await expect(g.graph('GET', '/me/calendars', { token: ada })).rejects.toThrow();
    const calendars = await g.graph('GET', '/me/calendars', { token: ada });
    expect(calendars.status).toBe(200);
    assertGraphCollection('calendar', calendars.json);
  });

  it('runs $batch members with dependsOn, refuses more than 20, and reports 429 inside a batch', async () => {
    const tooMany = await g.graph('POST', '/$batch', {
      token: ada,
      body: {
        requests: Array.from({ length: 21 }, (_, i) => ({ id: String(i + 1), method: 'GET', url: '/me' })),
      },
    });
    expectGraphError(tooMany, 400, 'BadRequest');

    const chained = await g.graph('POST', '/$batch', {
      token: ada,
      body: {
        requests: [
          {
            id: '1',
            method: 'POST',
            url: '/me/contacts',
            headers: { 'Content-Type': 'application/json' },
            body: { givenName: 'Batched' },
          },
          {
            id: '2',
            method: 'GET',
            url: "/me/contacts?$filter=givenName eq 'Batched'&$select=givenName",
            dependsOn: ['1'],
          },
          { id: '3', method: 'GET', url: '/me/contacts/does-not-exist' },
          { id: '4', method: 'GET', url: '/me', dependsOn: ['3'] },
        ],
      },
    });
    expect(chained.status).toBe(200);
    const byId = Object.fromEntries(chained.json.responses.map((r: { id: string }) => [r.id, r]));
    expect(byId['1'].status).toBe(201);
    assertGraphEntity('contact', byId['1'].body);
    expect(byId['2'].status).toBe(200);
    expect(byId['2'].body.value.map((c: { givenName: string }) => c.givenName)).toEqual(['Batched']);
    expect(byId['3'].status).toBe(404);
    expect(byId['3'].body.error.code).toBe('ErrorItemNotFound');
    expect(byId['4'].status).toBe(424);

    const rule = await g.sandbox.admin.addFault({
      protocol: 'graph',
      operation: 'users.get',
      fault: { kind: 'latency', ms: 300 },
    });
    try {
      const busy = await g.graph('POST', '/$batch', {
        token: ada,
        body: {
          requests: Array.from({ length: 6 }, (_, i) => ({ id: String(i + 1), method: 'GET', url: '/me' })),
        },
      });
      const throttled = busy.json.responses.filter((r: { status: number }) => r.status === 429);
      expect(throttled).toHaveLength(2);
      expect(Number(throttled[0].headers['Retry-After'])).toBeGreaterThan(0);
      expect(throttled[0].body.error.code).toBe('ApplicationThrottled');
    } finally {
      await g.sandbox.admin.removeFault(rule.id);
    }
  });

  it('requires startDateTime and endDateTime for calendarView and expands a series', async () => {
    expectGraphError(await g.graph('GET', '/me/calendarView', { token: ada }), 400, 'ErrorInvalidParameter');
    expectGraphError(
      await g.graph('GET', '/me/calendarView?startDateTime=2031-01-01T00:00:00Z', { token: ada }),
      400,
      'ErrorInvalidParameter',
    );
    const series = await g.graph('POST', '/me/events', {
      token: ada,
      body: {
        subject: 'Monthly review',
        start: { dateTime: '2031-01-15T14:00:00', timeZone: 'Pacific Standard Time' },
        end: { dateTime: '2031-01-15T15:00:00', timeZone: 'Pacific Standard Time' },
        recurrence: {
          pattern: { type: 'absoluteMonthly', interval: 1, dayOfMonth: 15 },
          range: { type: 'endDate', startDate: '2031-01-15', endDate: '2031-06-30' },
        },
      },
    });
    expect(series.status).toBe(201);
    assertGraphEntity('event', series.json);
    expect(series.json.type).toBe('seriesMaster');
    const view = await g.graph(
      'GET',
      `/me/calendarView?startDateTime=2031-01-01T00:00:00Z&endDateTime=2031-12-31T00:00:00Z&$top=50&$filter=subject eq 'Monthly review'`,
      {
        token: ada,
        headers: { Prefer: 'outlook.timezone="Pacific Standard Time"' },
      },
    );
    expect(view.status).toBe(200);
    assertGraphCollection('event', view.json);
    expect(view.headers.get('preference-applied')).toContain('outlook.timezone="Pacific Standard Time"');
    expect(view.json.value.map((e: { start: { dateTime: string } }) => e.start.dateTime)).toEqual(
      ['01', '02', '03', '04', '05', '06'].map((m) => `2031-${m}-15T14:00:00.0000000`),
    );
    // Move one occurrence: it becomes an exception of the series.
    const occurrence = view.json.value[2];
    const moved = await g.graph('PATCH', `/me/events/${occurrence.id}`, {
      token: ada,
      body: {
        start: { dateTime: '2031-03-16T09:00:00', timeZone: 'Pacific Standard Time' },
        end: { dateTime: '2031-03-16T10:00:00', timeZone: 'Pacific Standard Time' },
      },
    });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.json.type).toBe('exception');
    const instances = await g.graph(
      'GET',
      `/me/events/${series.json.id}/instances?startDateTime=2031-03-01T00:00:00Z&endDateTime=2031-04-01T00:00:00Z`,
      { token: ada },
    );
    expect(
      instances.json.value.map((e: { type: string; seriesMasterId: string }) => [e.type, e.seriesMasterId]),
    ).toEqual([['exception', series.json.id]]);
  });

  it("drops a series' exceptions and cancelled occurrences when its recurrence is written, and only then", async () => {
    const recurrence = {
      pattern: { type: 'daily', interval: 1 },
      range: { type: 'numbered', startDate: '2031-05-04', numberOfOccurrences: 5 },
    };
    const series = await g.graph('POST', '/me/events', {
      token: ada,
      body: {
        subject: 'Daily check',
        start: { dateTime: '2031-05-04T08:00:00', timeZone: 'UTC' },
        end: { dateTime: '2031-05-04T08:30:00', timeZone: 'UTC' },
        recurrence,
      },
    });
    expect(series.status).toBe(201);
    const path = `/me/events/${series.json.id}`;
    const instances = await g.graph(
      'GET',
      `${path}/instances?startDateTime=2031-05-01T00:00:00Z&endDateTime=2031-06-01T00:00:00Z`,
      { token: ada },
    );
    const [, second, third] = instances.json.value;
    expect(
      (await g.graph('PATCH', `/me/events/${second.id}`, { token: ada, body: { subject: 'Moved' } })).status,
    ).toBe(200);
    expect((await g.graph('DELETE', `/me/events/${third.id}`, { token: ada })).status).toBe(204);
    const count = async () => {
      const master = await g.graph('GET', `${path}?$select=cancelledOccurrences`, { token: ada });
      const view = await g.graph(
        'GET',
        `${path}/instances?startDateTime=2031-05-01T00:00:00Z&endDateTime=2031-06-01T00:00:00Z`,
        { token: ada },
      );
      return [
        view.json.value.filter((e: { type: string }) => e.type === 'exception').length,
        master.json.cancelledOccurrences.length,
      ];
    };
    expect(await count()).toEqual([1, 1]);
    expect((await g.graph('PATCH', path, { token: ada, body: { subject: 'Renamed' } })).status).toBe(200);
    expect(await count()).toEqual([1, 1]);
    expect((await g.graph('PATCH', path, { token: ada, body: { recurrence } })).status).toBe(200);
    expect(await count()).toEqual([0, 0]);
  });

  it("gives a series master's cancelled and modified occurrences in one GET by id, only when asked, as Graph v1.0 does", async () => {
    const series = await g.graph('POST', '/me/events', {
      token: ada,
      body: {
        subject: 'Weekly sync',
        body: { contentType: 'text', content: 'Agenda' },
        location: { displayName: 'Room 1' },
        start: { dateTime: '2031-07-07T09:00:00', timeZone: 'W. Europe Standard Time' },
        end: { dateTime: '2031-07-07T09:30:00', timeZone: 'W. Europe Standard Time' },
        recurrence: {
          pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'], firstDayOfWeek: 'monday' },
          range: { type: 'numbered', startDate: '2031-07-07', numberOfOccurrences: 6 },
        },
      },
    });
    expect(series.status).toBe(201);
    const id: string = series.json.id;
    const path = `/me/events/${id}`;
    const listed = await g.graph(
      'GET',
      `${path}/instances?startDateTime=2031-07-01T00:00:00Z&endDateTime=2031-09-01T00:00:00Z`,
      { token: ada },
    );
    const [, second, third, , fifth] = listed.json.value;
    const moved = await g.graph('PATCH', `/me/events/${second.id}`, {
      token: ada,
      body: {
        subject: 'Weekly sync (moved)',
        start: { dateTime: '2031-07-15T14:00:00', timeZone: 'W. Europe Standard Time' },
        end: { dateTime: '2031-07-15T14:30:00', timeZone: 'W. Europe Standard Time' },
      },
    });
    expect(moved.status, moved.text).toBe(200);
    expect(
      (
        await g.graph('PATCH', `/me/events/${fifth.id}`, {
          token: ada,
          body: { location: { displayName: 'Room 9' } },
        })
      ).status,
    ).toBe(200);
    expect((await g.graph('DELETE', `/me/events/${third.id}`, { token: ada })).status).toBe(204);

    // Neither comes unasked, nor with $expand alone when $select leaves the expansion out.
    const plain = await g.graph('GET', path, { token: ada });
    expect(plain.json).not.toHaveProperty('cancelledOccurrences');
    expect(plain.json).not.toHaveProperty('exceptionOccurrences');
    const expandOnly = await g.graph('GET', `${path}?$select=subject&$expand=exceptionOccurrences`, {
      token: ada,
    });
    expect(
      Object.keys(expandOnly.json)
        .filter((k) => !k.startsWith('@'))
        .sort(),
    ).toEqual(['id', 'subject']);

    // $select and $expand: one answer has the pattern, the cancelled and the modified occurrences;
    // the $select applies to the exceptions too (id always), and no window limits them.
    const full = await g.graph(
      'GET',
      `${path}?$select=subject,start,originalStart,type,recurrence,cancelledOccurrences,exceptionOccurrences&$expand=exceptionOccurrences`,
      { token: ada, headers: { Prefer: 'outlook.timezone="W. Europe Standard Time"' } },
    );
    expect(full.status, full.text).toBe(200);
    expect(full.json.type).toBe('seriesMaster');
    expect(full.json.recurrence.pattern.type).toBe('weekly');
    expect(full.json.cancelledOccurrences).toEqual([`OID.${id}.2031-07-21`]);
    expect(full.json).not.toHaveProperty('body');
    const exceptions = full.json.exceptionOccurrences as Array<Record<string, any>>;
    expect(exceptions.map((e) => [e.type, e.subject, e.start.dateTime, e.originalStart])).toEqual([
      ['exception', 'Weekly sync (moved)', '2031-07-15T14:00:00.0000000', '2031-07-14T07:00:00.000Z'],
      ['exception', 'Weekly sync', '2031-08-04T09:00:00.0000000', '2031-08-04T07:00:00.000Z'],
    ]);
    for (const e of exceptions) {
      expect(
        Object.keys(e)
          .filter((k) => !k.startsWith('@'))
          .sort(),
      ).toEqual(['id', 'originalStart', 'recurrence', 'start', 'subject', 'type']);
      expect(e.recurrence).toBeNull();
      // Each is the exception itself: read by its id, it is the same event.
      const again = await g.graph('GET', `/me/events/${e.id}?$select=type,seriesMasterId`, { token: ada });
      expect([again.json.type, again.json.seriesMasterId]).toEqual(['exception', id]);
    }

    // A $select nested in the expansion chooses the exceptions' properties.
    const nested = await g.graph(
      'GET',
      `${path}?$select=subject,exceptionOccurrences&$expand=exceptionOccurrences($select=location,originalStart)`,
      { token: ada },
    );
    expect(nested.json.exceptionOccurrences.map((e: Record<string, any>) => e.location.displayName)).toEqual([
      'Room 1',
      'Room 9',
    ]);
    expect(nested.json.exceptionOccurrences[0]).not.toHaveProperty('subject');

    // Without $select: the whole master and whole exceptions, each a valid event.
    const whole = await g.graph('GET', `${path}?$expand=exceptionOccurrences`, { token: ada });
    assertGraphEntity('event', whole.json);
    expect(whole.json).not.toHaveProperty('cancelledOccurrences');
    for (const e of whole.json.exceptionOccurrences) assertGraphEntity('event', e);
    expect(whole.json.exceptionOccurrences[1].location.displayName).toBe('Room 9');
    expect(whole.json.exceptionOccurrences[1].body.content).toBe('Agenda');

    // Inside a $batch as on its own; a list does not return them, nor does an event that is no series.
    const single = await g.graph('POST', '/me/events', {
      token: ada,
      body: {
        subject: 'One-off',
        start: { dateTime: '2031-07-08T09:00:00', timeZone: 'UTC' },
        end: { dateTime: '2031-07-08T10:00:00', timeZone: 'UTC' },
      },
    });
    const query = '$select=subject,cancelledOccurrences,exceptionOccurrences&$expand=exceptionOccurrences';
    const batch = await g.graph('POST', '/$batch', {
      token: ada,
      body: {
        requests: [
          { id: '1', method: 'GET', url: `/me/events/${id}?${query}` },
          { id: '2', method: 'GET', url: `/me/events/${single.json.id}?${query}` },
        ],
      },
    });
    const byId = Object.fromEntries(
      batch.json.responses.map((r: { id: string; body: unknown }) => [r.id, r.body]),
    );
    expect(byId['1'].exceptionOccurrences).toHaveLength(2);
    expect(byId['1'].cancelledOccurrences).toHaveLength(1);
    expect([byId['2'].cancelledOccurrences, byId['2'].exceptionOccurrences]).toEqual([[], []]);
    const list = await g.graph('GET', `/me/events?${query}&$filter=subject eq 'Weekly sync'`, { token: ada });
    expect(list.json.value).toHaveLength(1);
    expect(list.json.value[0]).not.toHaveProperty('cancelledOccurrences');
    expect(list.json.value[0]).not.toHaveProperty('exceptionOccurrences');
  });

  it("keeps an occurrence's own showAs and reminder on the instance, the series' elsewhere", async () => {
    const series = await g.graph('POST', '/me/events', {
      token: ada,
      body: {
        subject: 'Weekly availability',
        start: { dateTime: '2031-07-07T08:00:00', timeZone: 'UTC' },
        end: { dateTime: '2031-07-07T08:30:00', timeZone: 'UTC' },
        isReminderOn: true,
        reminderMinutesBeforeStart: 15,
        showAs: 'busy',
        recurrence: {
          pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'] },
          range: { type: 'numbered', startDate: '2031-07-07', numberOfOccurrences: 3 },
        },
      },
    });
    expect(series.status).toBe(201);
    const path = `/me/events/${series.json.id}`;
    const instances = async () =>
      (
        await g.graph(
          'GET',
          `${path}/instances?startDateTime=2031-07-01T00:00:00Z&endDateTime=2031-08-01T00:00:00Z&$select=type,showAs,isReminderOn,reminderMinutesBeforeStart`,
          { token: ada },
        )
      ).json.value.map((e: Record<string, unknown>) => [
        e.type,
        e.showAs,
        e.isReminderOn,
        e.reminderMinutesBeforeStart,
      ]);
    const [, second, third] = (
      await g.graph(
        'GET',
        `${path}/instances?startDateTime=2031-07-01T00:00:00Z&endDateTime=2031-08-01T00:00:00Z`,
        {
          token: ada,
        },
      )
    ).json.value;
    const patched = await g.graph('PATCH', `/me/events/${second.id}`, {
      token: ada,
      body: { showAs: 'free', isReminderOn: false },
    });
    expect(patched.status, patched.text).toBe(200);
    expect([patched.json.type, patched.json.showAs, patched.json.isReminderOn]).toEqual([
      'exception',
      'free',
      false,
    ]);
    await g.graph('PATCH', `/me/events/${third.id}`, { token: ada, body: { reminderMinutesBeforeStart: 5 } });
    expect(await instances()).toEqual([
      ['occurrence', 'busy', true, 15],
      ['exception', 'free', false, 15],
      ['exception', 'busy', true, 5],
    ]);
    const master = await g.graph('GET', path, { token: ada });
    expect([master.json.showAs, master.json.isReminderOn, master.json.reminderMinutesBeforeStart]).toEqual([
      'busy',
      true,
      15,
    ]);
  });

  it('makes a retried create with the same transactionId idempotent', async () => {
    const body = {
      subject: 'Idempotent',
      transactionId: 'b7d0d6e4-0001-4b5b-9d3c-1f3c2f4e5a6b',
      start: { dateTime: '2031-02-02T10:00:00', timeZone: 'UTC' },
      end: { dateTime: '2031-02-02T11:00:00', timeZone: 'UTC' },
    };
    const first = await g.graph('POST', '/me/calendar/events', { token: ada, body });
    const second = await g.graph('POST', '/me/calendar/events', { token: ada, body });
    expect(first.status).toBe(201);
    expect(second.json.id).toBe(first.json.id);
    const found = await g.graph('GET', "/me/events?$filter=subject eq 'Idempotent'", { token: ada });
    expect(found.json.value).toHaveLength(1);
  });

  it('merges free/busy from calendars with recurrences in getSchedule, invitations included', async () => {
    const meeting = await g.graph('POST', '/me/events', {
      token: ada,
      body: {
        subject: 'Night shift',
        start: { dateTime: '2031-05-01T03:00:00', timeZone: 'UTC' },
        end: { dateTime: '2031-05-01T04:00:00', timeZone: 'UTC' },
        showAs: 'busy',
        attendees: [{ emailAddress: { address: GRACE, name: 'Grace Hopper' }, type: 'required' }],
        recurrence: {
          pattern: { type: 'daily', interval: 1 },
          range: { type: 'numbered', startDate: '2031-05-01', numberOfOccurrences: 5 },
        },
      },
    });
    expect(meeting.status).toBe(201);
    const schedule = await g.graph('POST', '/me/calendar/getSchedule', {
      token: ada,
      body: {
        schedules: [ADA, GRACE, 'nobody@example.test'],
        startTime: { dateTime: '2031-05-03T00:00:00', timeZone: 'UTC' },
        endTime: { dateTime: '2031-05-03T06:00:00', timeZone: 'UTC' },
        availabilityViewInterval: 60,
      },
    });
    expect(schedule.status, schedule.text).toBe(200);
    const [mine, hers, nobody] = schedule.json.value;
    for (const info of schedule.json.value) assertGraphEntity('scheduleInformation', info);
    // Exchange adds a new request to the attendee's calendar as tentative until she answers
    // (Set-CalendarProcessing AddNewRequestsTentatively, on by default).
    for (const [info, view, status] of [
      [mine, '2', 'busy'],
      [hers, '1', 'tentative'],
    ]) {
      expect(info.availabilityView).toHaveLength(6);
      expect(info.availabilityView[3]).toBe(view);
      expect(info.scheduleItems).toContainEqual(
        expect.objectContaining({
          subject: 'Night shift',
          status,
          start: { dateTime: '2031-05-03T03:00:00.0000000', timeZone: 'UTC' },
        }),
      );
    }
    expect(nobody.error.responseCode).toBe('ErrorMailRecipientNotFound');
  });

  it('sends mail to Sent Items and the recipient’s Inbox, with attachments', async () => {
    const subject = `Proposal ${Date.now()}`;
    const sent = await g.graph('POST', '/me/sendMail', {
      token: ada,
      body: {
        message: {
          subject,
          body: { contentType: 'html', content: '<p>Hello <b>Grace</b></p>' },
          toRecipients: [{ emailAddress: { address: GRACE } }],
          attachments: [
            {
              '@odata.type': '#microsoft.graph.fileAttachment',
              name: 'offer.txt',
              contentType: 'text/plain',
              contentBytes: Buffer.from('offer').toString('base64'),
            },
          ],
        },
      },
    });
    expect(sent.status).toBe(202);
    const filter = encodeURIComponent(`subject eq '${subject}'`);
    const inSent = await g.graph('GET', `/me/mailFolders/sentitems/messages?$filter=${filter}`, {
      token: ada,
    });
    expect(inSent.json.value).toHaveLength(1);
    assertGraphCollection('message', inSent.json);
    const inbox = await g.graph('GET', `/me/mailFolders('Inbox')/messages?$filter=${filter}`, {
      token: grace,
      headers: { Prefer: 'outlook.body-content-type="text"' },
    });
    expect(inbox.json.value).toHaveLength(1);
    const received = inbox.json.value[0];
    expect(received).toMatchObject({
      isRead: false,
      isDraft: false,
      hasAttachments: true,
      body: { contentType: 'text', content: 'Hello Grace' },
    });
    const attachments = await g.graph('GET', `/me/messages/${received.id}/attachments`, { token: grace });
    assertGraphCollection('fileAttachment', attachments.json);
    const bytes = await g.graph(
      'GET',
      `/me/messages/${received.id}/attachments/${attachments.json.value[0].id}/$value`,
      { token: grace },
    );
    expect(bytes.text).toBe('offer');
    await g.graph('POST', '/me/sendMail', {
      token: ada,
      body: {
        saveToSentItems: false,
        message: { subject: `${subject} unsaved`, toRecipients: [{ emailAddress: { address: GRACE } }] },
      },
    });
    const unsaved = await g.graph(
      'GET',
      `/me/mailFolders/sentitems/messages?$filter=${encodeURIComponent(`subject eq '${subject} unsaved'`)}`,
      { token: ada },
    );
    expect(unsaved.json.value).toHaveLength(0);
  });

  it('keeps To Do tasks in lists, with an ETag but no changeKey', async () => {
    const list = await g.graph('POST', '/me/todo/lists', {
      token: ada,
      body: { displayName: 'CRM follow-ups' },
    });
    expect(list.status).toBe(201);
    assertGraphEntity('todoTaskList', list.json);
    const task = await g.graph('POST', `/me/todo/lists/${list.json.id}/tasks`, {
      token: ada,
      body: {
        title: 'Call back',
        importance: 'high',
        dueDateTime: { dateTime: '2031-03-04T00:00:00', timeZone: 'UTC' },
      },
    });
    expect(task.status, task.text).toBe(201);
    assertGraphEntity('todoTask', task.json);
    expect(task.json.changeKey).toBeUndefined();
    expect(task.json['@odata.etag']).toMatch(/^W\/"/);
    expect(task.json.dueDateTime).toEqual({ dateTime: '2031-03-04T00:00:00.0000000', timeZone: 'UTC' });
    const done = await g.graph('PATCH', `/me/todo/lists/${list.json.id}/tasks/${task.json.id}`, {
      token: ada,
      headers: { 'If-Match': task.json['@odata.etag'] },
      body: { status: 'completed' },
    });
    expect(done.status).toBe(200);
    expect(done.json.completedDateTime.timeZone).toBe('UTC');
    const delta = await g.graph('GET', `/me/todo/lists/${list.json.id}/tasks/delta`, { token: ada });
    assertGraphCollection('todoTask', delta.json);
    expect(delta.json.value.map((t: { id: string }) => t.id)).toEqual([task.json.id]);
  });

  it('pages lists with $top/$skip and @odata.nextLink, and orders with $orderby', async () => {
    const page = await g.graph(
      'GET',
      '/me/messages?$top=3&$orderby=receivedDateTime desc&$select=subject,receivedDateTime',
      { token: ada },
    );
    expect(page.status).toBe(200);
    assertGraphCollection('message', page.json);
    expect(page.json.value).toHaveLength(3);
    const times = page.json.value.map((m: { receivedDateTime: string }) => Date.parse(m.receivedDateTime));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const next = await g.graph('GET', page.json['@odata.nextLink'], { token: ada });
    expect(next.json.value.length).toBeGreaterThan(0);
    expect(next.json.value[0].id).not.toBe(page.json.value[0].id);
  });
});
