import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NeutralContact, NeutralTask } from '../../types.ts';
import { contactFromGraph, contactToGraph } from './contact.ts';
import { eventFromGraph } from './event.ts';
import { taskFromGraph, taskToGraph } from './task.ts';

const text = fc.string({ minLength: 1, maxLength: 20 });

describe('Graph contact mapping', () => {
  it('round-trips what Graph can hold (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.record({
          givenName: text,
          surname: text,
          emails: fc.array(fc.record({ address: fc.emailAddress() }), { maxLength: 3 }),
          phones: fc.constant<NeutralContact['phones']>([
            { type: 'business', number: '+49 30 1234' },
            { type: 'business2', number: '+49 30 5678' },
            { type: 'mobile', number: '+49 170 1' },
          ]),
          birthday: fc.constantFrom('1990-01-31', '2000-02-29'),
        }),
        (r) => {
          const c: NeutralContact = { ...r, addresses: [{ type: 'home', city: 'Berlin' }], categories: [] };
          const back = contactFromGraph(JSON.parse(JSON.stringify(contactToGraph(c))));
          expect(back).toMatchObject({
            givenName: c.givenName,
            surname: c.surname,
            birthday: c.birthday,
            addresses: c.addresses,
          });
          expect(back.phones).toEqual(c.phones);
          expect(back.emails.map((e) => e.address)).toEqual(c.emails.map((e) => e.address));
        },
      ),
      { numRuns: 60 },
    );
  });
  it('never sends more than three addresses or two business phones', () => {
    const c: NeutralContact = {
      emails: ['a', 'b', 'c', 'd'].map((x) => ({ address: `${x}@x.test` })),
      phones: [
        { type: 'business', number: '1' },
        { type: 'business2', number: '2' },
        { type: 'business', number: '3' },
      ],
      addresses: [],
      categories: [],
    };
    const json = contactToGraph(c);
    expect(json.emailAddresses).toHaveLength(3);
    expect(json.businessPhones).toHaveLength(2);
  });
});

describe('Graph event and task mapping', () => {
  it('reads an event in its original zone whatever zone Graph answered in', () => {
    const e = eventFromGraph({
      subject: 'S',
      start: { dateTime: '2031-07-01T08:00:00.0000000', timeZone: 'UTC' },
      end: { dateTime: '2031-07-01T09:00:00.0000000', timeZone: 'UTC' },
      originalStartTimeZone: 'W. Europe Standard Time',
      originalEndTimeZone: 'W. Europe Standard Time',
      attendees: [
        {
          emailAddress: { address: 'a@x.test' },
          type: 'optional',
          status: { response: 'tentativelyAccepted' },
        },
      ],
      type: 'seriesMaster',
      recurrence: {
        pattern: {
          type: 'weekly',
          interval: 1,
          daysOfWeek: ['monday'],
          firstDayOfWeek: 'sunday',
          month: 0,
          dayOfMonth: 0,
          index: 'first',
        },
        range: {
          type: 'noEnd',
          startDate: '2031-07-01',
          endDate: '0001-01-01',
          numberOfOccurrences: 0,
          recurrenceTimeZone: 'UTC',
        },
      },
      cancelledOccurrences: ['OID.AAMk=.2031-07-08'],
    });
    expect(e.start).toEqual({ dateTime: '2031-07-01T10:00:00', timeZone: 'Europe/Berlin' });
    expect(e.attendees[0]).toMatchObject({ type: 'optional', response: 'tentative' });
    expect(e.recurrence).toEqual({
      pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'], firstDayOfWeek: 'sunday' },
      range: { type: 'noEnd', startDate: '2031-07-01' },
    });
    expect(e.deletedOccurrences).toEqual(['2031-07-08T08:00:00Z']);
  });
  it('round-trips a task', () => {
    const t: NeutralTask = {
      subject: 'T',
      status: 'waitingOnOthers',
      importance: 'low',
      due: { dateTime: '2031-01-02T00:00:00', timeZone: 'UTC' },
      reminderAt: '2031-01-01T09:00:00Z',
      categories: ['x'],
    };
    expect(taskFromGraph(taskToGraph(t))).toEqual(t);
  });
  it('reads garbage as empty values, never throws', () => {
    expect(() =>
      contactFromGraph({ emailAddresses: 'x', businessPhones: [1, null], birthday: 5 }),
    ).not.toThrow();
    expect(() => eventFromGraph({ start: 'x', attendees: [null, 3], recurrence: 'y' })).not.toThrow();
  });
});
