// Shared by the connector tests of both protocols: one sample contact, and a way to read a
// change stream to its end.
import type { ChangePage, NeutralContact, NeutralEvent } from '../../src/connectors/index.ts';

export async function drain<T>(
  pages: AsyncIterable<ChangePage<T>>,
): Promise<{ pages: ChangePage<T>[]; cursor: string }> {
  const out: ChangePage<T>[] = [];
  for await (const page of pages) out.push(page);
  return { pages: out, cursor: out.at(-1)!.cursor };
}

export const sampleContact = (over: Partial<NeutralContact> = {}): NeutralContact => ({
  givenName: 'Marie',
  surname: 'Curie',
  displayName: 'Marie Curie',
  companyName: 'Institut du Radium',
  jobTitle: 'Physicist',
  emails: [{ address: 'marie@radium.test', name: 'Marie Curie' }],
  phones: [
    { type: 'business', number: '+33 1 23 45 67 89' },
    { type: 'mobile', number: '+33 6 12 34 56 78' },
  ],
  addresses: [
    {
      type: 'business',
      street: '1 rue Pierre et Marie Curie',
      city: 'Paris',
      postalCode: '75005',
      countryOrRegion: 'France',
    },
  ],
  birthday: '1867-11-07',
  notes: 'Two Nobel prizes.',
  categories: ['Science'],
  ...over,
});

/** A weekly meeting in Berlin time, five occurrences, with one required attendee. */
export const sampleWeeklyEvent = (attendee: { address: string; name: string }): NeutralEvent => ({
  subject: 'Weekly sync',
  start: { dateTime: '2031-03-03T09:00:00', timeZone: 'Europe/Berlin' },
  end: { dateTime: '2031-03-03T09:30:00', timeZone: 'Europe/Berlin' },
  isAllDay: false,
  location: 'Room 1',
  attendees: [{ ...attendee, type: 'required', response: 'none' }],
  reminderMinutes: 10,
  showAs: 'busy',
  importance: 'high',
  categories: ['CRM'],
  type: 'seriesMaster',
  recurrence: {
    pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'], firstDayOfWeek: 'monday' },
    range: { type: 'numbered', startDate: '2031-03-03', numberOfOccurrences: 5 },
  },
});
