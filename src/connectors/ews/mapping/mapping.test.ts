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

  const single = (start: string, end: string, timeZone: string, isAllDay = false): NeutralEvent => ({
    subject: 'Edge',
    start: { dateTime: start, timeZone },
    end: { dateTime: end, timeZone },
    isAllDay,
    attendees: [],
    showAs: 'busy',
    importance: 'normal',
    categories: [],
    type: 'single',
  });
  const startOf = (xml: string) => /<t:Start>([^<]+)<\/t:Start>/.exec(xml)?.[1];

  it('writes a skipped local time an hour on and a repeated one as the earlier instant', () => {
    // Berlin skips 02:00–03:00 on 2024-03-31 and repeats 02:00–03:00 on 2024-10-27.
    expect(startOf(eventToEws(single('2024-03-31T02:30:00', '2024-03-31T04:00:00', 'Europe/Berlin')))).toBe(
      '2024-03-31T01:30:00Z',
    );
    expect(startOf(eventToEws(single('2024-10-27T02:30:00', '2024-10-27T04:00:00', 'Europe/Berlin')))).toBe(
      '2024-10-27T00:30:00Z',
    );
    // New York skips 02:00–03:00 on 2024-03-10 and repeats 01:00–02:00 on 2024-11-03.
    expect(
      startOf(eventToEws(single('2024-03-10T02:30:00', '2024-03-10T04:00:00', 'America/New_York'))),
    ).toBe('2024-03-10T07:30:00Z');
    expect(
      startOf(eventToEws(single('2024-11-03T01:30:00', '2024-11-03T04:00:00', 'America/New_York'))),
    ).toBe('2024-11-03T05:30:00Z');
  });

  it('keeps the dates of an all-day event created at UTC−10 or UTC+14', () => {
    for (const zone of ['Pacific/Honolulu', 'Pacific/Kiritimati']) {
      const e = single('2024-06-01T00:00:00', '2024-06-02T00:00:00', zone, true);
      const back = eventFromEws(roundTrip(eventToEws(e), 'CalendarItem'));
      expect(back.start).toEqual({ dateTime: '2024-06-01T00:00:00', timeZone: zone });
      expect(back.end).toEqual({ dateTime: '2024-06-02T00:00:00', timeZone: zone });
    }
  });
});
