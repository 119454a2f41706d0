import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NeutralContact, NeutralEvent } from '../../types.ts';
import { envelope } from '../soap.ts';
import { parseAnswerTree, type XNode } from '../xml.ts';
import { contactFromEws, contactToEws } from './contact.ts';
import { eventFromEws, eventToEws } from './event.ts';

/** What the builder writes, read back as the parser sees an answer. */
function roundTrip(xml: string, tag: string): XNode {
  const doc = parseAnswerTree(envelope(xml, { version: 'Exchange2013' }));
  return ((doc.Envelope as XNode).Body as XNode)[tag] as XNode;
}

// XML 1.0 cannot carry control characters or lone surrogates; Exchange never sends them.
const xmlSafe = (s: string) =>
  [...s].every((ch) => {
    const cp = ch.codePointAt(0)!;
    return cp >= 0x20 && !(cp >= 0xd800 && cp <= 0xdfff);
  });
const text = fc
  .string({ minLength: 1, maxLength: 20 })
  .filter((s) => s.trim() === s && s !== '' && xmlSafe(s));

describe('EWS contact mapping', () => {
  it('round-trips through XML (fast-check), escaping included', () => {
    fc.assert(
      fc.property(
        fc.record({
          givenName: text,
          surname: text,
          companyName: text,
          emails: fc.array(fc.record({ address: fc.emailAddress() }), { maxLength: 3 }),
          notes: text,
        }),
        (r) => {
          const c: NeutralContact = {
            ...r,
            phones: [{ type: 'mobile', number: '+1 555 0100' }],
            addresses: [],
            categories: ['A&B'],
          };
          const back = contactFromEws(roundTrip(contactToEws(c), 'Contact'));
          expect(back).toMatchObject({
            givenName: c.givenName,
            surname: c.surname,
            companyName: c.companyName,
            notes: c.notes,
            categories: ['A&B'],
          });
          expect(back.emails.map((e) => e.address)).toEqual(c.emails.map((e) => e.address));
          expect(back.phones).toEqual(c.phones);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('EWS event mapping', () => {
  it('writes UTC instants with a Windows zone and reads them back in IANA', () => {
    const e: NeutralEvent = {
      subject: 'Review',
      start: { dateTime: '2031-07-01T10:00:00', timeZone: 'Europe/Berlin' },
      end: { dateTime: '2031-07-01T11:00:00', timeZone: 'Europe/Berlin' },
      isAllDay: false,
      attendees: [{ address: 'a@example.test', type: 'optional', response: 'none' }],
      showAs: 'tentative',
      importance: 'low',
      categories: [],
      type: 'seriesMaster',
      recurrence: {
        pattern: { type: 'relativeMonthly', interval: 1, daysOfWeek: ['tuesday'], index: 'first' },
        range: { type: 'endDate', startDate: '2031-07-01', endDate: '2031-12-31' },
      },
    };
    const xml = eventToEws(e);
    expect(xml).toContain('<t:Start>2031-07-01T08:00:00Z</t:Start>');
    expect(xml).toContain('<t:StartTimeZone Id="W. Europe Standard Time"/>');
    const node = roundTrip(
      xml.replace(
        '<t:CalendarItem>',
        '<t:CalendarItem><t:CalendarItemType>RecurringMaster</t:CalendarItemType>',
      ),
      'CalendarItem',
    );
    const back = eventFromEws(node);
    expect(back).toMatchObject({
      start: e.start,
      end: e.end,
      showAs: 'tentative',
      importance: 'low',
      recurrence: e.recurrence,
    });
    expect(back.attendees).toEqual([{ address: 'a@example.test', type: 'optional', response: 'none' }]);
  });
});
