import { describe, expect, it } from 'vitest';
import type { EventData } from '../model.ts';
import { createStore } from '../state/index.ts';
import { DEMO_CLIENT_ID, DEMO_CUSTOMER, DEMO_USERS, generate, parseGenerateSpec, seedDemo } from './index.ts';

function contentOf(store: ReturnType<typeof createStore>, address: string) {
  const mailbox = store.mailbox(address)!;
  return store.folders(mailbox.id).map((f) => ({
    name: f.displayName,
    // Ids and change keys are the store's (random); the content must not be.
    items: store
      .items(mailbox.id, f.id)
      .map((i) =>
        JSON.parse(
          JSON.stringify(i.data, (key, value) => (key === 'id' || key === 'changeKey' ? undefined : value)),
        ),
      ),
  }));
}

describe('demo seed', () => {
  it('is the same on every run for the same base date', () => {
    const a = createStore();
    const b = createStore();
    seedDemo(a, { baseDate: '2026-03-02' });
    seedDemo(b, { baseDate: '2026-03-02' });
    for (const user of DEMO_USERS) {
      expect(contentOf(a, user.address)).toEqual(contentOf(b, user.address));
    }
    expect(a.app(DEMO_CLIENT_ID)!.redirectUris).toContain('http://localhost:8080/oauth/microsoft/callback');
    expect(a.mailbox('svc-sync@example.test')!.canImpersonate).toBe(true);
  });

  it('puts each shared meeting in every attendee calendar under one iCalUId', () => {
    const store = createStore();
    seedDemo(store, { baseDate: '2026-03-02' });
    const byUid = new Map<string, string[]>();
    for (const user of DEMO_USERS) {
      const calendar = store.distinguishedFolder(user.id, 'calendar')!;
      for (const item of store.items(user.id, calendar.id)) {
        const e = item.data as EventData;
        if (e.attendees.some((a) => a.email.address.endsWith('@example.test'))) {
          byUid.set(e.iCalUId, [...(byUid.get(e.iCalUId) ?? []), user.address]);
        }
      }
    }
    expect(byUid.size).toBe(6);
    for (const holders of byUid.values()) expect(holders.length).toBeGreaterThanOrEqual(2);
    const ada = DEMO_USERS[0];
    const events = store
      .items(ada.id, store.distinguishedFolder(ada.id, 'calendar')!.id)
      .map((i) => i.data as EventData);
    const standup = events.find((e) => e.subject === 'Daily stand-up')!;
    expect(standup.modifiedOccurrences).toHaveLength(1);
    expect(standup.deletedOccurrences).toHaveLength(1);
    expect(new Set(events.map((e) => e.recurrence?.pattern.type).filter(Boolean))).toEqual(
      new Set(['weekly', 'daily', 'relativeMonthly', 'absoluteYearly']),
    );
    // Ada's meetings with Grace and the customer: a single one and a weekly series with one moved
    // and one cancelled occurrence, the same in Grace's calendar.
    const grace = DEMO_USERS[1];
    const graceEvents = store
      .items(grace.id, store.distinguishedFolder(grace.id, 'calendar')!.id)
      .map((i) => i.data as EventData);
    for (const subject of ['Contoso contract renewal', 'Contoso weekly check-in']) {
      const mine = events.find((e) => e.subject === subject)!;
      const theirs = graceEvents.find((e) => e.subject === subject)!;
      expect([mine.isOrganizer, theirs.isOrganizer, theirs.iCalUId]).toEqual([true, false, mine.iCalUId]);
      expect(mine.attendees.map((a) => a.email.address).sort()).toEqual(
        [grace.address, DEMO_CUSTOMER.address].sort(),
      );
    }
    const checkIn = events.find((e) => e.subject === 'Contoso weekly check-in')!;
    expect(checkIn.recurrence?.pattern).toMatchObject({ type: 'weekly', daysOfWeek: ['thursday'] });
    expect(checkIn.modifiedOccurrences.map((o) => [o.originalStart, o.start])).toEqual([
      ['2026-03-05T14:00:00.000Z', '2026-03-06T11:00:00.000Z'],
    ]);
    expect(checkIn.deletedOccurrences).toEqual(['2026-03-12T14:00:00.000Z']);
    const contacts = store.folders(ada.id).filter((f) => f.folderClass === 'IPF.Contact');
    const total = contacts.reduce((n, f) => n + store.items(ada.id, f.id).length, 0);
    expect(contacts.length).toBeGreaterThanOrEqual(3);
    expect(total).toBeGreaterThan(150);
  });
});

describe('generate', () => {
  it('parses the CLI spec and refuses unknown parts', () => {
    expect(parseGenerateSpec('contacts=10,events=5,mailboxes=2,seed=9')).toEqual({
      contacts: 10,
      events: 5,
      tasks: 0,
      messages: 0,
      mailboxes: 2,
      seed: 9,
    });
    expect(() => parseGenerateSpec('people=3')).toThrow(/not understood/);
  });

  it('builds the same data for the same seed', () => {
    const spec = { contacts: 50, events: 30, tasks: 20, messages: 20, mailboxes: 2, seed: 3 };
    const a = createStore();
    const b = createStore();
    const info = generate(a, spec);
    generate(b, spec);
    expect(info.mailboxes).toHaveLength(2);
    for (const m of info.mailboxes) expect(contentOf(a, m.address)).toEqual(contentOf(b, m.address));
    const c = createStore();
    generate(c, { ...spec, seed: 4 });
    expect(contentOf(c, info.mailboxes[0].address)).not.toEqual(contentOf(a, info.mailboxes[0].address));
  });
});
