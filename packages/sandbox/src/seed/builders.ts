// Builders of realistic items from a seeded Random, shared by the demo seed and the bulk
// generator.
import { zonedToEpochMs } from '@exsync/common/time';
import type { ContactData, EmailAddress, EventData, MessageData, PhoneKey, TaskData } from '../model.ts';
import { newICalUIdFrom } from './ids.ts';
import {
  asciiSlug,
  CATEGORIES,
  COMPANIES,
  DEPARTMENTS,
  GIVEN_NAMES,
  JOB_TITLES,
  MIDDLE_NAMES,
  PLACES,
  phone,
  type Random,
  SURNAMES,
} from './pools.ts';

const PHONE_SLOTS: PhoneKey[] = [
  'BusinessPhone',
  'MobilePhone',
  'HomePhone',
  'BusinessPhone2',
  'BusinessFax',
  'OtherTelephone',
];
/** UTC instant of a wall-clock time in a Windows time zone, as the store keeps it. */
export function instantAt(date: string, time: string, windowsZone: string): string {
  return new Date(zonedToEpochMs(`${date}T${time}`, windowsZone)).toISOString();
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export interface Person {
  given: string;
  surname: string;
  email: string;
  company: string;
}

export function person(r: Random, index: number, companies: readonly string[] = COMPANIES): Person {
  const given = r.pick(GIVEN_NAMES);
  const surname = r.pick(SURNAMES);
  const company = r.pick(companies);
  const domain = `${asciiSlug(company.split(' ')[0]) || 'mail'}.example`;
  return { given, surname, company, email: `${asciiSlug(given)}.${asciiSlug(surname)}${index}@${domain}` };
}

export function buildContact(r: Random, index: number): ContactData {
  const p = person(r, index);
  const place = r.pick(PLACES);
  const emails: EmailAddress[] = [{ address: p.email, name: `${p.given} ${p.surname}` }];
  const extraEmails = r.int(0, 2);
  for (let i = 0; i < extraEmails; i++) {
    emails.push({
      address: `${asciiSlug(p.given)}${r.digits(2)}@${r.pick(['mail.example', 'post.example', 'inbox.example'])}`,
    });
  }
  const phones: ContactData['phones'] = {};
  const phoneCount = r.int(1, 4);
  for (let i = 0; i < phoneCount; i++) phones[PHONE_SLOTS[i]] = phone(r, r.pick(place.phones));
  const city = r.pick(place.cities);
  const addresses: ContactData['addresses'] = {
    Business: {
      street: `${r.pick(place.streets)} ${r.int(1, 200)}`,
      city: city.city,
      state: city.state,
      postalCode: phone(r, city.postal),
      countryOrRegion: place.country,
    },
  };
  if (r.chance(0.3)) {
    const home = r.pick(PLACES);
    const homeCity = r.pick(home.cities);
    addresses.Home = {
      street: `${r.pick(home.streets)} ${r.int(1, 99)}`,
      city: homeCity.city,
      postalCode: phone(r, homeCity.postal),
      countryOrRegion: home.country,
    };
  }
  const contact: ContactData = {
    givenName: p.given,
    surname: p.surname,
    displayName: `${p.given} ${p.surname}`,
    companyName: r.chance(0.85) ? p.company : undefined,
    jobTitle: r.pick(JOB_TITLES),
    department: r.chance(0.5) ? r.pick(DEPARTMENTS) : undefined,
    emailAddresses: emails,
    phones,
    addresses,
    categories: r.chance(0.4) ? [r.pick(CATEGORIES)] : [],
  };
  if (r.chance(0.15)) contact.middleName = r.pick(MIDDLE_NAMES);
  if (r.chance(0.3))
    contact.birthday = `${r.int(1950, 2000)}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`;
  if (r.chance(0.25))
    contact.notes = `Met at ${r.pick(['CeBIT', 'Web Summit', 'a customer visit', 'the trade fair'])}. Prefers ${r.pick(['email', 'phone calls', 'short meetings'])}.`;
  if (r.chance(0.1)) contact.businessHomePage = `https://www.${asciiSlug(p.company)}.example/`;
  for (const key of Object.keys(contact) as Array<keyof ContactData>)
    if (contact[key] === undefined) delete contact[key];
  return contact;
}

export function buildEvent(input: {
  subject: string;
  date: string;
  time: string;
  durationMinutes: number;
  timeZone: string;
  organizer: EmailAddress;
  attendees?: EventData['attendees'];
  isAllDay?: boolean;
  location?: string;
  body?: string;
  /** Makes the iCalUId deterministic: unique per event of a seed run. */
  uidKey: string;
  isOrganizer?: boolean;
  categories?: string[];
}): EventData {
  const start = input.isAllDay
    ? instantAt(input.date, '00:00', input.timeZone)
    : instantAt(input.date, input.time, input.timeZone);
  const end = input.isAllDay
    ? instantAt(
        addDays(input.date, Math.max(1, Math.round(input.durationMinutes / 1440))),
        '00:00',
        input.timeZone,
      )
    : new Date(Date.parse(start) + input.durationMinutes * 60_000).toISOString();
  const event: EventData = {
    subject: input.subject,
    start,
    end,
    startTimeZone: input.timeZone,
    endTimeZone: input.timeZone,
    isAllDay: input.isAllDay ?? false,
    organizer: input.organizer,
    attendees: input.attendees ?? [],
    isReminderOn: !input.isAllDay,
    reminderMinutesBeforeStart: input.isAllDay ? 0 : 15,
    showAs: input.isAllDay ? 'free' : 'busy',
    importance: 'normal',
    sensitivity: 'normal',
    categories: input.categories ?? [],
    iCalUId: newICalUIdFrom(input.uidKey),
    isCancelled: false,
    isOrganizer: input.isOrganizer ?? true,
    responseRequested: true,
    modifiedOccurrences: [],
    deletedOccurrences: [],
  };
  if (input.location) event.location = input.location;
  if (input.body)
    event.body = { contentType: 'html', content: `<html><body><p>${input.body}</p></body></html>` };
  return event;
}

export function buildTask(r: Random, index: number, today: string): TaskData {
  const status = r.pick(['notStarted', 'inProgress', 'completed', 'waitingOnOthers', 'deferred'] as const);
  const due = r.chance(0.8) ? addDays(today, r.int(-30, 60)) : undefined;
  const task: TaskData = {
    subject: `${r.pick(['Call', 'Send offer to', 'Follow up with', 'Prepare contract for', 'Visit', 'Review proposal of'])} ${r.pick(COMPANIES)} #${index}`,
    status,
    importance: r.pick(['low', 'normal', 'normal', 'high'] as const),
    percentComplete: status === 'completed' ? 100 : status === 'inProgress' ? r.pick([10, 25, 50, 75]) : 0,
    isReminderOn: r.chance(0.3),
    categories: r.chance(0.3) ? [r.pick(CATEGORIES)] : [],
  };
  if (due) task.dueDate = due;
  if (due && r.chance(0.5)) task.startDate = addDays(due, -r.int(1, 10));
  if (status === 'completed') task.completedDateTime = `${addDays(today, -r.int(0, 20))}T16:00:00.000Z`;
  if (task.isReminderOn && due) task.reminderDateTime = `${due}T08:00:00.000Z`;
  if (r.chance(0.4))
    task.body = { contentType: 'text', content: 'Notes: check the latest price list before calling.' };
  return task;
}

export function buildMessage(input: {
  r: Random;
  index: number;
  from: EmailAddress;
  to: EmailAddress[];
  subject: string;
  sentAt: string;
  html?: boolean;
  isRead?: boolean;
  attachment?: { name: string; contentType: string; text: string };
  domain: string;
}): MessageData {
  const text = `Hello ${input.to[0]?.name ?? ''},\n\nthank you for your time. ${input.subject}.\n\nBest regards,\n${input.from.name ?? input.from.address}`;
  return {
    subject: input.subject,
    body: input.html
      ? {
          contentType: 'html',
          content: `<html><body>${text
            .split('\n')
            .map((l) => `<p>${l}</p>`)
            .join('')}</body></html>`,
        }
      : { contentType: 'text', content: text },
    from: input.from,
    sender: input.from,
    toRecipients: input.to,
    ccRecipients: [],
    bccRecipients: [],
    replyTo: [],
    internetMessageId: `<${input.index}.${input.r.digits(10)}@${input.domain}>`,
    sentDateTime: input.sentAt,
    receivedDateTime: input.sentAt,
    isRead: input.isRead ?? true,
    isDraft: false,
    importance: 'normal',
    categories: [],
    attachments: input.attachment
      ? [
          {
            id: '',
            name: input.attachment.name,
            contentType: input.attachment.contentType,
            size: Buffer.byteLength(input.attachment.text),
            isInline: false,
            contentBytes: Buffer.from(input.attachment.text).toString('base64'),
          },
        ]
      : [],
  };
}
