// The demo mailboxes' content: contacts in several folders, calendars with single, all-day and
// recurring meetings (with exceptions) across time zones, shared meetings whose copies sit in
// every attendee's calendar (among them Ada's with Grace and a customer, one of them a weekly
// series with a moved and a cancelled occurrence), task lists, and mail.
import type { Attendee, EmailAddress, EventData, Recurrence } from '../model.ts';
import type { SandboxStore } from '../store-api.ts';
import type { DemoUser } from './accounts.ts';
import { addDays, buildContact, buildEvent, buildMessage, buildTask, instantAt } from './builders.ts';
import { newICalUIdFrom } from './ids.ts';
import { Random } from './pools.ts';

export interface DemoContentOptions {
  /** Monday (`YYYY-MM-DD`) the calendar is laid around; the current week's Monday by default. */
  baseDate: string;
}

const CONTACT_FOLDERS = [
  { name: 'Customers', count: 45 },
  { name: 'Suppliers', count: 30 },
  { name: 'Press', count: 15 },
];
const MAIN_CONTACTS = 120;

export function mondayOf(instant: number): string {
  const day = new Date(instant);
  const weekday = (day.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() - weekday))
    .toISOString()
    .slice(0, 10);
}

export function fillDemoMailboxes(
  store: SandboxStore,
  users: readonly DemoUser[],
  options: DemoContentOptions,
): void {
  uidCounter = 0;
  users.forEach((user, index) => {
    const r = new Random(1000 + index);
    fillContacts(store, user, r);
    fillTasks(store, user, r, options.baseDate);
    fillOwnCalendar(store, user, r, options.baseDate);
  });
  fillSharedMeetings(store, users, options.baseDate);
  fillMail(store, users, options.baseDate);
}

let uidCounter = 0;
const uid = () => `demo-${uidCounter++}`;

const emailOf = (u: DemoUser): EmailAddress => ({ address: u.address, name: u.displayName });

function folderId(store: SandboxStore, user: DemoUser, distinguished: string): string {
  return store.distinguishedFolder(user.id, distinguished)!.id;
}

function fillContacts(store: SandboxStore, user: DemoUser, r: Random): void {
  const contacts = folderId(store, user, 'contacts');
  let n = 0;
  for (let i = 0; i < MAIN_CONTACTS; i++)
    store.createItem(user.id, contacts, 'contact', buildContact(r, n++), 'system');
  for (const sub of CONTACT_FOLDERS) {
    const folder = store.createFolder(
      user.id,
      { parentId: contacts, displayName: sub.name, folderClass: 'IPF.Contact' },
      'system',
    );
    for (let i = 0; i < sub.count; i++) {
      const contact = buildContact(r, n++);
      if (sub.name === 'Customers') contact.categories = [...new Set([...contact.categories, 'Customer'])];
      store.createItem(user.id, folder.id, 'contact', contact, 'system');
    }
  }
}

function fillTasks(store: SandboxStore, user: DemoUser, r: Random, baseDate: string): void {
  const tasks = folderId(store, user, 'tasks');
  for (let i = 0; i < 18; i++) {
    const task = buildTask(r, i, baseDate);
    task.owner = user.displayName;
    store.createItem(user.id, tasks, 'task', task, 'system');
  }
  const list = store.createFolder(
    user.id,
    { parentId: tasks, displayName: 'Sales follow-ups', folderClass: 'IPF.Task' },
    'system',
  );
  for (let i = 18; i < 28; i++) {
    const task = buildTask(r, i, baseDate);
    task.owner = user.displayName;
    store.createItem(user.id, list.id, 'task', task, 'system');
  }
  const weekly: Recurrence = {
    pattern: { type: 'weekly', interval: 1, daysOfWeek: ['friday'], firstDayOfWeek: 'monday' },
    range: { type: 'noEnd', startDate: addDays(baseDate, 4) },
  };
  store.createItem(
    user.id,
    tasks,
    'task',
    {
      subject: 'Submit weekly pipeline report',
      status: 'notStarted',
      importance: 'normal',
      percentComplete: 0,
      isReminderOn: true,
      reminderDateTime: `${addDays(baseDate, 4)}T08:00:00.000Z`,
      dueDate: addDays(baseDate, 4),
      categories: [],
      owner: user.displayName,
      recurrence: weekly,
    },
    'system',
  );
}

function fillOwnCalendar(store: SandboxStore, user: DemoUser, r: Random, baseDate: string): void {
  const calendar = folderId(store, user, 'calendar');
  const zone = user.timeZone;
  const me = emailOf(user);
  const create = (event: EventData, folder = calendar) =>
    store.createItem(user.id, folder, 'event', event, 'system');

  // Single meetings over six weeks, some with external attendees, in the user's and other zones.
  const zones = [
    zone,
    'W. Europe Standard Time',
    'Tokyo Standard Time',
    'India Standard Time',
    'Eastern Standard Time',
    'Pacific Standard Time',
    'GMT Standard Time',
  ];
  for (let i = 0; i < 14; i++) {
    const date = addDays(baseDate, r.int(-14, 27));
    const external: Attendee[] = r.chance(0.6)
      ? [
          {
            email: { address: `client${r.int(1, 40)}@contoso.example`, name: `Client ${r.int(1, 40)}` },
            type: 'required',
            response: r.pick(['accepted', 'tentativelyAccepted', 'notResponded'] as const),
          },
        ]
      : [];
    create(
      buildEvent({
        uidKey: uid(),
        subject: `${r.pick(['Customer call', 'Demo', 'Contract review', 'Lunch', 'Quarterly review', 'Site visit'])} – ${r.pick(['Contoso', 'Fabrikam', 'Northwind', 'Litware', 'Sakura Denki'])}`,
        date,
        time: `${String(r.int(8, 16)).padStart(2, '0')}:${r.pick(['00', '15', '30'])}`,
        durationMinutes: r.pick([30, 45, 60, 90]),
        timeZone: r.pick(zones),
        organizer: me,
        attendees: external,
        location: r.pick(['Room Everest', 'Microsoft Teams Meeting', 'Client office', undefined]),
        body: r.chance(0.5) ? 'Agenda: status, next steps, open questions.' : undefined,
        categories: r.chance(0.3) ? ['Customer'] : [],
      }),
    );
  }

  // All-day: an offsite and a conference spanning three days.
  create(
    buildEvent({
      uidKey: uid(),
      subject: 'Team offsite',
      date: addDays(baseDate, 10),
      time: '00:00',
      durationMinutes: 1440,
      timeZone: zone,
      organizer: me,
      isAllDay: true,
      location: 'Lake House',
    }),
  );
  create(
    buildEvent({
      uidKey: uid(),
      subject: 'Trade fair (Hannover)',
      date: addDays(baseDate, 17),
      time: '00:00',
      durationMinutes: 3 * 1440,
      timeZone: 'W. Europe Standard Time',
      organizer: me,
      isAllDay: true,
    }),
  );

  // Daily stand-up on weekdays, with one moved and one cancelled occurrence.
  const standupStart = addDays(baseDate, -14);
  const standup = buildEvent({
    uidKey: uid(),
    subject: 'Daily stand-up',
    date: standupStart,
    time: '09:30',
    durationMinutes: 15,
    timeZone: zone,
    organizer: me,
    location: 'Microsoft Teams Meeting',
  });
  standup.recurrence = {
    pattern: {
      type: 'weekly',
      interval: 1,
      daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
      firstDayOfWeek: 'monday',
    },
    range: {
      type: 'endDate',
      startDate: standupStart,
      endDate: addDays(baseDate, 60),
      recurrenceTimeZone: zone,
    },
  };
  const moved = addDays(baseDate, 1);
  standup.modifiedOccurrences = [
    {
      id: '',
      changeKey: '',
      originalStart: instantAt(moved, '09:30', zone),
      start: instantAt(moved, '10:00', zone),
      end: instantAt(moved, '10:15', zone),
      subject: 'Daily stand-up (moved)',
    },
  ];
  standup.deletedOccurrences = [instantAt(addDays(baseDate, 3), '09:30', zone)];
  create(standup);

  // Daily (every day) reminder-like focus time for ten days.
  const focus = buildEvent({
    uidKey: uid(),
    subject: 'Focus time',
    date: baseDate,
    time: '14:00',
    durationMinutes: 120,
    timeZone: zone,
    organizer: me,
  });
  focus.showAs = 'busy';
  focus.recurrence = {
    pattern: { type: 'daily', interval: 1 },
    range: { type: 'numbered', startDate: baseDate, numberOfOccurrences: 10, recurrenceTimeZone: zone },
  };
  create(focus);

  // Monthly on the first Tuesday; yearly birthday (all-day).
  const monthly = buildEvent({
    uidKey: uid(),
    subject: 'Monthly pipeline review',
    date: baseDate,
    time: '15:00',
    durationMinutes: 60,
    timeZone: zone,
    organizer: me,
  });
  monthly.recurrence = {
    pattern: { type: 'relativeMonthly', interval: 1, daysOfWeek: ['tuesday'], index: 'first' },
    range: { type: 'numbered', startDate: baseDate, numberOfOccurrences: 12, recurrenceTimeZone: zone },
  };
  create(monthly);
  const birthdayDate = `${baseDate.slice(0, 4)}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`;
  const birthday = buildEvent({
    uidKey: uid(),
    subject: `Birthday: ${r.pick(['Marie Curie', 'Alan Turing', 'Hedy Lamarr'])}`,
    date: birthdayDate,
    time: '00:00',
    durationMinutes: 1440,
    timeZone: zone,
    organizer: me,
    isAllDay: true,
  });
  birthday.recurrence = {
    pattern: {
      type: 'absoluteYearly',
      interval: 1,
      month: Number(birthdayDate.slice(5, 7)),
      dayOfMonth: Number(birthdayDate.slice(8, 10)),
    },
    range: { type: 'noEnd', startDate: birthdayDate, recurrenceTimeZone: zone },
  };
  create(birthday);

  // A secondary calendar.
  const secondary = store.createFolder(
    user.id,
    { parentId: calendar, displayName: 'Team Events', folderClass: 'IPF.Appointment' },
    'system',
  );
  for (let i = 0; i < 5; i++) {
    create(
      buildEvent({
        uidKey: uid(),
        subject: r.pick(['Summer party', 'Hackathon', 'All hands', 'Book club', 'Running group']),
        date: addDays(baseDate, r.int(0, 45)),
        time: '17:00',
        durationMinutes: 120,
        timeZone: zone,
        organizer: me,
      }),
      secondary.id,
    );
  }
}

/**
 * A customer invited to Ada's meetings: the quick start's CRM has a contact with this address
 * (Maria Schneider of Contoso, src/demo/content.ts).
 */
export const DEMO_CUSTOMER: EmailAddress = {
  address: 'maria.schneider@contoso.example',
  name: 'Maria Schneider',
};

/** Meetings among the three users: the organizer's copy and one copy per attendee, one iCalUId. */
function fillSharedMeetings(store: SandboxStore, users: readonly DemoUser[], baseDate: string): void {
  if (users.length < 3) return;
  const [ada, grace, linus] = users;
  const meetings: Array<{
    organizer: DemoUser;
    attendees: DemoUser[];
    external?: EmailAddress;
    externalType?: Attendee['type'];
    event: EventData;
    responses: Attendee['response'][];
  }> = [];

  const kickoff = buildEvent({
    uidKey: uid(),
    subject: 'Project Babbage kick-off',
    date: addDays(baseDate, 2),
    time: '16:00',
    durationMinutes: 60,
    timeZone: 'W. Europe Standard Time',
    organizer: emailOf(ada),
    location: 'Room Analytical Engine',
    body: 'Kick-off of the Babbage rollout.',
  });
  meetings.push({
    organizer: ada,
    attendees: [grace, linus],
    external: { address: 'charles.babbage@difference.example', name: 'Charles Babbage' },
    event: kickoff,
    responses: ['accepted', 'tentativelyAccepted'],
  });

  const sync = buildEvent({
    uidKey: uid(),
    subject: 'Weekly engineering sync',
    date: addDays(baseDate, -7),
    time: '11:00',
    durationMinutes: 45,
    timeZone: 'Eastern Standard Time',
    organizer: emailOf(grace),
    location: 'Microsoft Teams Meeting',
  });
  sync.recurrence = {
    pattern: { type: 'weekly', interval: 1, daysOfWeek: ['wednesday'], firstDayOfWeek: 'sunday' },
    range: {
      type: 'numbered',
      startDate: addDays(baseDate, -5),
      numberOfOccurrences: 20,
      recurrenceTimeZone: 'Eastern Standard Time',
    },
  };
  sync.start = instantAt(addDays(baseDate, -5), '11:00', 'Eastern Standard Time');
  sync.end = new Date(Date.parse(sync.start) + 45 * 60_000).toISOString();
  sync.deletedOccurrences = [instantAt(addDays(baseDate, 9), '11:00', 'Eastern Standard Time')];
  meetings.push({
    organizer: grace,
    attendees: [ada, linus],
    event: sync,
    responses: ['accepted', 'accepted'],
  });

  const review = buildEvent({
    uidKey: uid(),
    subject: 'Kernel code review',
    date: addDays(baseDate, 3),
    time: '08:00',
    durationMinutes: 90,
    timeZone: 'Pacific Standard Time',
    organizer: emailOf(linus),
    location: 'Portland office',
  });
  meetings.push({
    organizer: linus,
    attendees: [ada],
    external: { address: 'reviewer@oss.example', name: 'External Reviewer' },
    event: review,
    responses: ['declined'],
  });

  const tokyo = buildEvent({
    uidKey: uid(),
    subject: 'Call with Sakura Denki (Tokyo)',
    date: addDays(baseDate, 8),
    time: '09:00',
    durationMinutes: 60,
    timeZone: 'Tokyo Standard Time',
    organizer: emailOf(grace),
  });
  meetings.push({
    organizer: grace,
    attendees: [linus],
    external: { address: 'tanaka@sakura-denki.example', name: '田中 宏' },
    event: tokyo,
    responses: ['notResponded'],
  });

  // Ada's meetings with Grace and a customer: the customer's address is that of a contact the
  // quick start puts in the CRM (src/demo/content.ts), so a sync links the attendee to it.
  const renewal = buildEvent({
    uidKey: uid(),
    subject: 'Contoso contract renewal',
    date: addDays(baseDate, 4),
    time: '10:00',
    durationMinutes: 60,
    timeZone: 'GMT Standard Time',
    organizer: emailOf(ada),
    location: 'Contoso, London',
    body: 'Renewal terms for the coming year.',
  });
  meetings.push({
    organizer: ada,
    attendees: [grace],
    external: DEMO_CUSTOMER,
    externalType: 'required',
    event: renewal,
    responses: ['accepted'],
  });

  // A weekly series among the same three, with one occurrence moved and one cancelled.
  const checkInStart = addDays(baseDate, -4);
  const checkIn = buildEvent({
    uidKey: uid(),
    subject: 'Contoso weekly check-in',
    date: checkInStart,
    time: '14:00',
    durationMinutes: 30,
    timeZone: 'GMT Standard Time',
    organizer: emailOf(ada),
    location: 'Microsoft Teams Meeting',
  });
  checkIn.recurrence = {
    pattern: { type: 'weekly', interval: 1, daysOfWeek: ['thursday'], firstDayOfWeek: 'monday' },
    range: {
      type: 'numbered',
      startDate: checkInStart,
      numberOfOccurrences: 8,
      recurrenceTimeZone: 'GMT Standard Time',
    },
  };
  const movedCheckIn = addDays(baseDate, 3);
  checkIn.modifiedOccurrences = [
    {
      id: '',
      changeKey: '',
      originalStart: instantAt(movedCheckIn, '14:00', 'GMT Standard Time'),
      start: instantAt(addDays(movedCheckIn, 1), '11:00', 'GMT Standard Time'),
      end: instantAt(addDays(movedCheckIn, 1), '11:30', 'GMT Standard Time'),
      subject: 'Contoso weekly check-in (moved to Friday)',
    },
  ];
  checkIn.deletedOccurrences = [instantAt(addDays(baseDate, 10), '14:00', 'GMT Standard Time')];
  meetings.push({
    organizer: ada,
    attendees: [grace],
    external: DEMO_CUSTOMER,
    externalType: 'required',
    event: checkIn,
    responses: ['accepted'],
  });

  meetings.forEach((m, index) => {
    const iCalUId = newICalUIdFrom(`demo-meeting-${index}`);
    const attendees: Attendee[] = m.attendees.map((u, i) => ({
      email: emailOf(u),
      type: 'required',
      response: m.responses[i] ?? 'notResponded',
    }));
    if (m.external)
      attendees.push({ email: m.external, type: m.externalType ?? 'optional', response: 'notResponded' });
    const organizerCopy: EventData = { ...m.event, iCalUId, attendees, isOrganizer: true };
    store.createItem(
      m.organizer.id,
      folderId(store, m.organizer, 'calendar'),
      'event',
      organizerCopy,
      'system',
    );
    m.attendees.forEach((u, i) => {
      const copy: EventData = {
        ...structuredClone(organizerCopy),
        isOrganizer: false,
        showAs:
          m.responses[i] === 'declined'
            ? 'free'
            : m.responses[i] === 'tentativelyAccepted'
              ? 'tentative'
              : 'busy',
      };
      store.createItem(u.id, folderId(store, u, 'calendar'), 'event', copy, 'system');
    });
  });
}

function fillMail(store: SandboxStore, users: readonly DemoUser[], baseDate: string): void {
  const r = new Random(4242);
  const at = (days: number, hour: number) =>
    new Date(Date.parse(`${addDays(baseDate, days)}T00:00:00Z`) + hour * 3600_000).toISOString();
  let n = 0;
  // Between colleagues: the sender's Sent Items and the recipient's Inbox hold the same message.
  for (let i = 0; i < 12; i++) {
    const from = users[i % users.length];
    const to = users[(i + 1) % users.length];
    const message = buildMessage({
      r,
      index: n++,
      from: emailOf(from),
      to: [emailOf(to)],
      subject: r.pick([
        'Quarterly numbers',
        'Babbage rollout plan',
        'Customer escalation',
        'Lunch on Friday?',
        'Draft contract',
      ]),
      sentAt: at(-r.int(0, 20), r.int(7, 18)),
      html: i % 2 === 0,
      domain: 'example.test',
      attachment:
        i % 4 === 0
          ? {
              name: `notes-${i}.txt`,
              contentType: 'text/plain',
              text: `Meeting notes ${i}\n- item one\n- item two\n`,
            }
          : undefined,
    });
    store.createItem(
      from.id,
      folderId(store, from, 'sentitems'),
      'message',
      { ...message, isRead: true },
      'system',
    );
    store.createItem(
      to.id,
      folderId(store, to, 'inbox'),
      'message',
      { ...message, isRead: r.chance(0.6) },
      'system',
    );
  }
  // From and to external contacts.
  for (const user of users) {
    for (let i = 0; i < 20; i++) {
      const partner = {
        address: `${r.pick(['anna', 'bjorn', 'chen', 'dario', 'elif'])}.${r.int(1, 50)}@${r.pick(['contoso', 'fabrikam', 'northwind'])}.example`,
        name: 'Partner',
      };
      const outgoing = i % 3 === 0;
      store.createItem(
        user.id,
        folderId(store, user, outgoing ? 'sentitems' : 'inbox'),
        'message',
        buildMessage({
          r,
          index: n++,
          from: outgoing ? emailOf(user) : partner,
          to: [outgoing ? partner : emailOf(user)],
          subject:
            r.pick(['Your offer', 'Invoice 2026-', 'Meeting follow-up', 'Price list', 'Order confirmation']) +
            ` ${1000 + n}`,
          sentAt: at(-r.int(0, 40), r.int(6, 20)),
          html: r.chance(0.5),
          isRead: outgoing || r.chance(0.7),
          domain: outgoing ? 'example.test' : 'partner.example',
          attachment:
            i === 5
              ? { name: 'price-list.csv', contentType: 'text/csv', text: 'sku,price\nA-1,10.00\nB-2,12.50\n' }
              : undefined,
        }),
        'system',
      );
    }
  }
}
