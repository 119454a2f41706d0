import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CrmFixture, setupCrm } from '../../test/support/crm-fixture.ts';
import { activitySchema } from './activities.ts';
import { CrmError } from './errors.ts';

async function failure(promise: Promise<unknown>): Promise<CrmError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CrmError) return error;
    throw error;
  }
  throw new Error('expected a CrmError');
}

describe('activities', () => {
  let f: CrmFixture;
  beforeAll(async () => {
    f = await setupCrm();
  });
  afterAll(async () => {
    await f?.close();
  });

  it('round-trips a recurring meeting with participants, exceptions and deleted occurrences', async () => {
    const { crm, alice, bob } = f;
    const contact = await crm.contacts.create(alice, {
      displayName: 'Carla Customer',
      emails: [{ type: 'work', address: 'Carla@Customer.test' }],
    });
    const lead = await crm.leads.create(alice, {
      displayName: 'Lee Lead',
      emails: [{ type: 'work', address: 'lee@lead.test' }],
    });
    const group = await crm.activityGroups.create(alice, { name: 'Board meetings' });
    const recurrence = {
      rule: {
        freq: 'MONTHLY' as const,
        interval: 2,
        byDay: ['-1FR', '1MO'],
        bySetPos: [1],
        until: '2026-12-31T23:59:59Z',
        wkst: 'MO' as const,
      },
      exceptions: [
        {
          originalStart: '2025-03-07T09:00:00Z',
          startsAt: '2025-03-08T10:00:00Z',
          endsAt: '2025-03-08T11:00:00Z',
          subject: 'Moved',
          location: 'Room 2',
        },
      ],
      deletedOccurrences: ['2025-05-02T09:00:00Z'],
    };
    const created = await crm.activities.create(alice, {
      kind: 'meeting',
      subject: 'Board',
      startsAt: '2025-01-31T10:00:00+01:00',
      endsAt: '2025-01-31T11:30:00+01:00',
      timeZone: 'Europe/Berlin',
      location: 'HQ',
      body: '<p>Agenda</p>',
      bodyType: 'html',
      priority: 'high',
      reminderMinutes: 15,
      showAs: 'tentative',
      onlineMeetingUrl: 'https://meet.example.test/board',
      categories: ['Board'],
      recurrence,
      participants: [
        { type: 'user', id: alice.userId, role: 'organizer', response: 'accepted' },
        { type: 'contact', id: contact.id, role: 'required' },
        { type: 'lead', id: lead.id, role: 'optional', response: 'tentative' },
        { type: 'user', id: bob.userId, role: 'required', response: 'declined' },
        { type: 'email', email: 'room@example.test', name: 'Room 1', role: 'resource' },
      ],
      groupIds: [group.id],
    });
    expect(activitySchema.safeParse(created).success).toBe(true);
    expect(created).toMatchObject({
      showInCalendar: true,
      startsAt: '2025-01-31T09:00:00.000Z',
      endsAt: '2025-01-31T10:30:00.000Z',
      timeZone: 'Europe/Berlin',
      allDay: false,
      status: 'planned',
      recurrence,
      groups: [{ id: group.id, name: 'Board meetings' }],
    });
    expect(created.participants).toEqual([
      {
        type: 'user',
        id: alice.userId,
        email: 'alice@example.test',
        name: 'Alice',
        role: 'organizer',
        response: 'accepted',
      },
      {
        type: 'contact',
        id: contact.id,
        email: 'carla@customer.test',
        name: 'Carla Customer',
        role: 'required',
        response: 'none',
      },
      {
        type: 'lead',
        id: lead.id,
        email: 'lee@lead.test',
        name: 'Lee Lead',
        role: 'optional',
        response: 'tentative',
      },
      {
        type: 'user',
        id: bob.userId,
        email: 'bob@example.test',
        name: 'Bob',
        role: 'required',
        response: 'declined',
      },
      {
        type: 'email',
        id: null,
        email: 'room@example.test',
        name: 'Room 1',
        role: 'resource',
        response: 'none',
      },
    ]);
    expect(await crm.activities.get(alice, created.id)).toEqual(created);

    const cleared = await crm.activities.update(alice, created.id, { recurrence: null, participants: [] });
    expect(cleared.recurrence).toBeNull();
    expect(cleared.participants).toEqual([]);

    // Deleting a contact keeps the person invited by address.
    const again = await crm.activities.update(alice, created.id, {
      participants: [{ type: 'contact', id: contact.id }],
    });
    await crm.contacts.delete(alice, contact.id);
    const after = await crm.activities.get(alice, created.id);
    expect(after.participants).toEqual([
      {
        type: 'email',
        id: null,
        email: 'carla@customer.test',
        name: 'Carla Customer',
        role: 'required',
        response: 'none',
      },
    ]);
    expect(after.version).toBeGreaterThan(again.version);
  });

  it('defaults showInCalendar from the kind, and an interval of 1', async () => {
    const { crm, alice } = f;
    const task = await crm.activities.create(alice, {
      kind: 'task',
      subject: 'Call back',
      endsAt: '2025-02-01T12:00:00Z',
      percentComplete: 50,
      recurrence: { rule: { freq: 'DAILY', count: 3 } },
      startsAt: '2025-01-30T12:00:00Z',
    });
    expect(task.showInCalendar).toBe(false);
    expect(task.recurrence).toEqual({
      rule: { freq: 'DAILY', count: 3, interval: 1 },
      exceptions: [],
      deletedOccurrences: [],
    });
    const shown = await crm.activities.update(alice, task.id, { showInCalendar: true });
    expect(shown.showInCalendar).toBe(true);
    expect(shown.kind).toBe('task');
  });

  it('rejects bad times, zones, rules and participants with the field named', async () => {
    const { crm, alice, bob } = f;
    const bobsContact = await crm.contacts.create(bob, { displayName: 'Bob’s' });
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ timeZone: 'Mars/Olympus' }, 'timeZone', 'validation_failed'],
      [{ timeZone: '+01:00' }, 'timeZone', 'validation_failed'],
      [{ startsAt: '2025-01-01 10:00' }, 'startsAt', 'validation_failed'],
      [{ startsAt: '2025-01-01T10:00:00' }, 'startsAt', 'validation_failed'],
      [{ startsAt: '2025-01-02T10:00:00Z', endsAt: '2025-01-01T10:00:00Z' }, 'endsAt', 'validation_failed'],
      [{ recurrence: { rule: { freq: 'DAILY' } } }, 'recurrence', 'validation_failed'],
      [
        { startsAt: '2025-01-01T10:00:00Z', recurrence: { rule: { freq: 'HOURLY' } } },
        'recurrence.rule.freq',
        'validation_failed',
      ],
      [
        { startsAt: '2025-01-01T10:00:00Z', recurrence: { rule: { freq: 'WEEKLY', byDay: ['XX'] } } },
        'recurrence.rule.byDay.0',
        'validation_failed',
      ],
      [
        {
          startsAt: '2025-01-01T10:00:00Z',
          recurrence: { rule: { freq: 'WEEKLY', count: 2, until: '2025-02-01' } },
        },
        'recurrence.rule.until',
        'validation_failed',
      ],
      [{ participants: [{ type: 'email' }] }, 'participants.0.email', 'validation_failed'],
      [{ participants: [{ type: 'contact' }] }, 'participants.0.id', 'validation_failed'],
      [{ participants: [{ type: 'contact', id: bobsContact.id }] }, 'participants.0.id', 'invalid_reference'],
      [{ participants: [{ type: 'user', id: 'ghost' }] }, 'participants.0.id', 'invalid_reference'],
      [{ percentComplete: 101 }, 'percentComplete', 'validation_failed'],
      [{ kind: 'call' }, 'kind', 'validation_failed'],
    ];
    for (const [patch, path, code] of cases) {
      const error = await failure(
        crm.activities.create(alice, { kind: 'meeting', subject: 'x', ...patch } as never),
      );
      expect({ path: error.details?.[0]?.path, code: error.code }).toEqual({ path, code });
    }
    expect((await crm.activities.list(alice, { filter: { q: 'x' } })).items).toEqual([]);
  });

  it('lists by kind, time range (series included) and group', async () => {
    const { crm, bob } = f;
    const group = await crm.activityGroups.create(bob, { name: 'Range' });
    const make = (subject: string, startsAt: string, endsAt: string, extra: Record<string, unknown> = {}) =>
      crm.activities.create(bob, { kind: 'meeting', subject, startsAt, endsAt, ...extra });
    const early = await make('early', '2025-01-01T08:00:00Z', '2025-01-01T09:00:00Z');
    const inside = await make('inside', '2025-01-10T08:00:00Z', '2025-01-10T09:00:00Z', {
      groupIds: [group.id],
    });
    const late = await make('late', '2025-02-01T08:00:00Z', '2025-02-01T09:00:00Z');
    const series = await make('series', '2024-12-01T08:00:00Z', '2024-12-01T09:00:00Z', {
      recurrence: { rule: { freq: 'WEEKLY' } },
    });
    const task = await crm.activities.create(bob, { kind: 'task', subject: 'todo' });
    const due = await crm.activities.create(bob, {
      kind: 'task',
      subject: 'due',
      endsAt: '2025-01-12T16:00:00Z',
    });
    const ids = async (filter: Record<string, string>) =>
      (await crm.activities.list(bob, { filter })).items.map((a) => a.id).sort();
    expect(await ids({ from: '2025-01-05T00:00:00Z', to: '2025-01-20T00:00:00Z' })).toEqual(
      [inside.id, series.id, due.id].sort(),
    );
    expect(await ids({ from: '2025-01-13T00:00:00Z', to: '2025-01-20T00:00:00Z' })).toEqual([series.id]);
    expect(await ids({ to: '2025-01-05T00:00:00+00:00' })).toEqual([early.id, series.id].sort());
    expect(await ids({ kind: 'task' })).toEqual([task.id, due.id].sort());
    expect(await ids({ groupId: group.id })).toEqual([inside.id]);
    expect(await ids({ showInCalendar: 'false' })).toEqual([task.id, due.id].sort());
    expect((await ids({ from: '2025-01-31T00:00:00Z' })).includes(late.id)).toBe(true);
  });

  it('lists by participant and by the account of contact participants, sorted by start or subject', async () => {
    const { crm, bob } = f;
    const account = await crm.accounts.create(bob, { name: 'Participants Ltd' });
    const inAccount = await crm.contacts.create(bob, { displayName: 'In Account', accountId: account.id });
    const elsewhere = await crm.contacts.create(bob, { displayName: 'Elsewhere' });
    const make = (subject: string, startsAt: string, contactId: string) =>
      crm.activities.create(bob, {
        kind: 'meeting',
        subject,
        startsAt,
        participants: [{ type: 'contact', id: contactId }],
      });
    const second = await make('b visit', '2030-05-02T08:00:00Z', inAccount.id);
    const first = await make('c visit', '2030-05-01T08:00:00Z', inAccount.id);
    const other = await make('a visit', '2030-05-03T08:00:00Z', elsewhere.id);
    const list = async (filter: Record<string, string>, sort?: string) =>
      (await crm.activities.list(bob, { filter, sort })).items.map((a) => a.id);
    expect(await list({ participantId: inAccount.id }, 'start')).toEqual([first.id, second.id]);
    expect(await list({ participantId: elsewhere.id })).toEqual([other.id]);
    expect(await list({ accountId: account.id }, '-start')).toEqual([second.id, first.id]);
    expect(await list({ q: 'visit' }, 'subject')).toEqual([other.id, second.id, first.id]);
  });
});
