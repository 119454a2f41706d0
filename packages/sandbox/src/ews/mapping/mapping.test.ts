import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { ContactData, EventData, Item, MessageData, TaskData } from '../../model.ts';
import { operationResponse, successMessage } from '../responses.ts';
import { EwsSchemaRecorder } from '../schema-validation.ts';
import { envelope } from '../soap.ts';
import { NS } from '../xml/namespaces.ts';
import { childElement, parseRootElement } from '../xml/parse.ts';
import { readCalendarItem } from './calendar.ts';
import { readContact } from './contact.ts';
import { itemXml } from './item.ts';
import { readMessage } from './message.ts';
import { allPropertiesShape } from './shape.ts';
import { readTask } from './task.ts';

const schema = new EwsSchemaRecorder();
afterAll(() => schema.expectAllValid(), 60_000);

const NOW = '2026-11-22T09:00:00.000Z';

function item<K extends Item['kind']>(kind: K, data: Item<K>['data']): Item<K> {
  return {
    id: 'AAMkAD1',
    changeKey: 'CQAAAB',
    folderId: 'F1',
    kind,
    createdDateTime: NOW,
    lastModifiedDateTime: NOW,
    data,
  };
}

/** Writes the item as GetItem would, records it for schema validation, and reads the element back. */
function roundTrip(it: Item) {
  const xml = itemXml(it as never, allPropertiesShape(), 'me@example.test');
  const env = envelope(
    operationResponse('GetItem', [successMessage('GetItemResponseMessage', `<m:Items>${xml}</m:Items>`)]),
  );
  schema.record(`GetItem ${it.kind}`, env);
  const parsed = parseRootElement(env);
  const items = childElement(
    childElement(
      childElement(childElement(childElement(parsed, 'Body'), 'GetItemResponse'), 'ResponseMessages'),
      'GetItemResponseMessage',
    ),
    'Items',
  );
  return items!.children[0];
}

const text = fc
  .string({ minLength: 1, maxLength: 30 })
  .filter(
    (s) =>
      s.trim() === s &&
      s.trim() !== '' &&
      [...s].every((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) < 0xd800),
  );
const email = fc.emailAddress().map((a) => a.toLowerCase());

describe('contact mapping', () => {
  it('MS-OXWSCONT_R27, MS-OXWSCONT_R37, MS-OXWSCONT_R41, MS-OXWSCONT_R43: a contact survives model → ContactItemType → model', () => {
    fc.assert(
      fc.property(
        fc.record({
          givenName: fc.option(text, { nil: undefined }),
          surname: fc.option(text, { nil: undefined }),
          companyName: fc.option(text, { nil: undefined }),
          jobTitle: fc.option(text, { nil: undefined }),
          emails: fc.array(email, { maxLength: 3 }),
          business: fc.option(text, { nil: undefined }),
          city: fc.option(text, { nil: undefined }),
          notes: fc.option(text, { nil: undefined }),
          categories: fc.array(text, { maxLength: 3 }),
        }),
        (r) => {
          const data: ContactData = {
            givenName: r.givenName,
            surname: r.surname,
            companyName: r.companyName,
            jobTitle: r.jobTitle,
            emailAddresses: r.emails.map((address) => ({ address })),
            phones: r.business ? { BusinessPhone: r.business, MobilePhone: '+49 170 1234567' } : {},
            addresses: r.city ? { Business: { city: r.city, postalCode: '10115' } } : {},
            notes: r.notes,
            birthday: '1980-05-04',
            categories: r.categories,
          };
          const back = readContact(roundTrip(item('contact', data)));
          expect(back.givenName).toBe(data.givenName);
          expect(back.surname).toBe(data.surname);
          expect(back.companyName).toBe(data.companyName);
          expect(back.jobTitle).toBe(data.jobTitle);
          expect(back.emailAddresses ?? []).toEqual(data.emailAddresses);
          expect(back.phones ?? {}).toEqual(data.phones);
          expect(back.addresses ?? {}).toEqual(data.addresses);
          expect(back.notes ?? undefined).toBe(data.notes ?? (back.notes === '' ? '' : undefined));
          expect(back.birthday).toBe('1980-05-04');
          expect(back.categories).toEqual(data.categories);
        },
      ),
      { numRuns: 40 },
    );
  });
});

function event(overrides: Partial<EventData> = {}): EventData {
  return {
    subject: 'Quarterly review',
    body: { contentType: 'html', content: '<p>Agenda</p>' },
    start: '2026-11-23T08:00:00.000Z',
    end: '2026-11-23T09:00:00.000Z',
    startTimeZone: 'W. Europe Standard Time',
    endTimeZone: 'W. Europe Standard Time',
    isAllDay: false,
    location: 'Room 1',
    organizer: { address: 'me@example.test', name: 'Me' },
    attendees: [
      { email: { address: 'ann@example.test', name: 'Ann' }, type: 'required', response: 'accepted' },
      { email: { address: 'bob@example.test' }, type: 'optional', response: 'notResponded' },
    ],
    isReminderOn: true,
    reminderMinutesBeforeStart: 15,
    showAs: 'busy',
    importance: 'high',
    sensitivity: 'normal',
    categories: ['Customers'],
    iCalUId: '040000008200E00074C5B7101A82E008',
    isCancelled: false,
    isOrganizer: true,
    responseRequested: true,
    modifiedOccurrences: [],
    deletedOccurrences: [],
    ...overrides,
  };
}

describe('calendar mapping', () => {
  it('MS-OXWSMTGS_R151, MS-OXWSMTGS_R157, MS-OXWSMTGS_R187: a single meeting survives model → CalendarItemType → model', () => {
    const data = event();
    const el = roundTrip(item('event', data));
    const back = readCalendarItem(el, undefined);
    expect(back).toMatchObject({
      subject: data.subject,
      start: data.start,
      end: data.end,
      startTimeZone: data.startTimeZone,
      isAllDay: false,
      location: 'Room 1',
      showAs: 'busy',
      importance: 'high',
      isReminderOn: true,
      reminderMinutesBeforeStart: 15,
      iCalUId: data.iCalUId,
      attendees: data.attendees,
      organizer: data.organizer,
      body: data.body,
    });
  });

  it('MS-OXWSMTGS_R181, MS-OXWSMTGS_R213, MS-OXWSMTGS_R215, MS-OXWSMTGS_R217, MS-OXWSMTGS_R219: a recurring master lists its modified and deleted occurrences', () => {
    const data = event({
      recurrence: {
        pattern: {
          type: 'weekly',
          interval: 1,
          daysOfWeek: ['monday', 'wednesday'],
          firstDayOfWeek: 'monday',
        },
        range: {
          type: 'numbered',
          startDate: '2026-11-23',
          numberOfOccurrences: 6,
          recurrenceTimeZone: 'W. Europe Standard Time',
        },
      },
      modifiedOccurrences: [
        {
          id: 'x1',
          changeKey: 'ck',
          originalStart: '2026-11-25T08:00:00.000Z',
          start: '2026-11-25T10:00:00.000Z',
          end: '2026-11-25T11:00:00.000Z',
        },
      ],
      deletedOccurrences: ['2026-11-30T08:00:00.000Z'],
    });
    const el = roundTrip(item('event', data));
    const back = readCalendarItem(el, undefined);
    expect(back.recurrence?.pattern).toEqual(data.recurrence!.pattern);
    expect(back.recurrence?.range).toMatchObject({
      type: 'numbered',
      startDate: '2026-11-23',
      numberOfOccurrences: 6,
    });
    expect(childElement(el, 'CalendarItemType')?.text).toBe('RecurringMaster');
    expect(
      childElement(childElement(childElement(el, 'ModifiedOccurrences'), 'Occurrence'), 'Start')?.text,
    ).toBe('2026-11-25T10:00:00Z');
    expect(
      childElement(childElement(childElement(el, 'DeletedOccurrences'), 'DeletedOccurrence'), 'Start')?.text,
    ).toBe('2026-11-30T08:00:00Z');
    expect(childElement(childElement(el, 'FirstOccurrence'), 'Start')?.text).toBe('2026-11-23T08:00:00Z');
    // 6 occurrences: Nov 23, 25, 30 (deleted), Dec 2, 7, 9
    expect(childElement(childElement(el, 'LastOccurrence'), 'Start')?.text).toBe('2026-12-09T08:00:00Z');
  });

  it('reads zoneless times in the item’s StartTimeZone', () => {
    const el = parseRootElement(
      `<t:CalendarItem xmlns:t="${NS.t}"><t:Subject>x</t:Subject><t:Start>2026-07-01T09:00:00</t:Start><t:End>2026-07-01T10:00:00</t:End><t:StartTimeZone Id="W. Europe Standard Time"/></t:CalendarItem>`,
    );
    const back = readCalendarItem(el, undefined);
    expect(back.start).toBe('2026-07-01T07:00:00.000Z');
    expect(back.end).toBe('2026-07-01T08:00:00.000Z');
  });
});

describe('task mapping', () => {
  it('MS-OXWSTASK_R22, MS-OXWSTASK_R5556: a task survives model → TaskType → model', () => {
    const data: TaskData = {
      subject: 'Call back',
      body: { contentType: 'text', content: 'about the offer' },
      startDate: '2026-11-22',
      dueDate: '2026-11-25',
      status: 'inProgress',
      importance: 'low',
      percentComplete: 50,
      isReminderOn: false,
      categories: ['Sales'],
      owner: 'Me',
    };
    const back = readTask(roundTrip(item('task', data)), undefined);
    expect(back).toMatchObject({
      subject: data.subject,
      body: data.body,
      startDate: data.startDate,
      dueDate: data.dueDate,
      status: 'inProgress',
      importance: 'low',
      percentComplete: 50,
      categories: ['Sales'],
    });
  });
});

describe('message mapping', () => {
  it('MS-OXWSCORE_R100, MS-OXWSCORE_R1620: a message with an attachment survives model → MessageType → model', () => {
    const data: MessageData = {
      subject: 'Offer',
      body: { contentType: 'html', content: '<b>Hello</b>' },
      from: { address: 'ann@example.test', name: 'Ann' },
      toRecipients: [{ address: 'me@example.test', name: 'Me' }],
      ccRecipients: [],
      bccRecipients: [],
      replyTo: [],
      internetMessageId: '<abc@example.test>',
      isRead: false,
      isDraft: false,
      importance: 'normal',
      categories: [],
      receivedDateTime: NOW,
      sentDateTime: NOW,
      attachments: [
        {
          id: 'a1',
          name: 'offer.pdf',
          contentType: 'application/pdf',
          size: 3,
          isInline: false,
          contentBytes: 'AAEC',
        },
      ],
    };
    const el = roundTrip(item('message', data));
    const back = readMessage(el, undefined);
    expect(back).toMatchObject({
      subject: 'Offer',
      body: data.body,
      from: data.from,
      toRecipients: data.toRecipients,
      internetMessageId: data.internetMessageId,
      isRead: false,
    });
    expect(childElement(childElement(childElement(el, 'Attachments'), 'FileAttachment'), 'Name')?.text).toBe(
      'offer.pdf',
    );
    expect(childElement(el, 'HasAttachments')?.text).toBe('true');
  });
});
