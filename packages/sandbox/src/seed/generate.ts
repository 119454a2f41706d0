// Bulk data for benchmarks (S4): any number of mailboxes in a `load.test` tenant, each with the
// requested numbers of contacts, events, tasks and messages, the same for the same seed.
import type { EmailAddress, Recurrence } from '../model.ts';
import { StoreError } from '../model.ts';
import type { SandboxStore } from '../store-api.ts';
import { DEMO_APP_PERMISSIONS, DEMO_CLIENT_SECRET, DEMO_PASSWORD, DEMO_REDIRECT_URIS } from './accounts.ts';
import { addDays, buildContact, buildEvent, buildMessage, buildTask } from './builders.ts';
import { Random, TIME_ZONES } from './pools.ts';

export interface GenerateSpec {
  /** Per mailbox. */
  contacts: number;
  events: number;
  tasks: number;
  messages: number;
  mailboxes: number;
  seed: number;
}

export const LOAD_TENANT_ID = '10ad7e57-0000-4000-8000-00000000b0c1';
export const LOAD_DOMAIN = 'load.test';
export const LOAD_CLIENT_ID = '00000000-0000-4000-8000-00000000b0c1';

export interface GeneratedInfo {
  tenantId: string;
  mailboxes: Array<{ id: string; address: string }>;
  clientId: string;
  clientSecret: string;
  password: string;
}

/** Parses `contacts=N,events=N,tasks=N,messages=N,mailboxes=M,seed=S` (any subset, any order). */
export function parseGenerateSpec(text: string): GenerateSpec {
  const spec: GenerateSpec = { contacts: 0, events: 0, tasks: 0, messages: 0, mailboxes: 1, seed: 1 };
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^(contacts|events|tasks|messages|mailboxes|seed)=(\d+)$/.exec(part);
    if (!match) {
      throw new StoreError(
        'invalidArgument',
        `"${part}" is not understood in --generate; write e.g. contacts=1000,events=500,tasks=200,messages=300,mailboxes=2,seed=7.`,
      );
    }
    spec[match[1] as keyof GenerateSpec] = Number(match[2]);
  }
  return spec;
}

const BASE_DATE = '2026-03-02';

export function generate(store: SandboxStore, spec: Partial<GenerateSpec>): GeneratedInfo {
  const full: GenerateSpec = {
    contacts: 0,
    events: 0,
    tasks: 0,
    messages: 0,
    mailboxes: 1,
    seed: 1,
    ...spec,
  };
  const tenant =
    store.tenantByIdOrDomain(LOAD_TENANT_ID) ??
    store.addTenant({ id: LOAD_TENANT_ID, domain: LOAD_DOMAIN, displayName: 'Load Test Ltd' });
  if (!store.app(LOAD_CLIENT_ID)) {
    store.addApp({
      clientId: LOAD_CLIENT_ID,
      clientSecret: DEMO_CLIENT_SECRET,
      tenantId: tenant.id,
      displayName: 'Exsync (load test)',
      redirectUris: [...DEMO_REDIRECT_URIS],
      applicationPermissions: [...DEMO_APP_PERMISSIONS],
    });
  }
  const mailboxes: GeneratedInfo['mailboxes'] = [];
  for (let m = 1; m <= full.mailboxes; m++) {
    const address = `user${String(m).padStart(4, '0')}@${LOAD_DOMAIN}`;
    const mailbox =
      store.mailbox(address) ??
      store.addMailbox({
        tenantId: tenant.id,
        address,
        displayName: `Load User ${m}`,
        password: DEMO_PASSWORD,
        timeZone: 'W. Europe Standard Time',
      });
    mailboxes.push({ id: mailbox.id, address });
    fillMailbox(
      store,
      mailbox.id,
      { address, name: `Load User ${m}` },
      full,
      new Random(full.seed * 7919 + m),
    );
  }
  return {
    tenantId: tenant.id,
    mailboxes,
    clientId: LOAD_CLIENT_ID,
    clientSecret: DEMO_CLIENT_SECRET,
    password: DEMO_PASSWORD,
  };
}

function fillMailbox(
  store: SandboxStore,
  mailboxId: string,
  owner: EmailAddress,
  spec: GenerateSpec,
  r: Random,
): void {
  const folder = (id: string) => store.distinguishedFolder(mailboxId, id)!.id;
  const contacts = folder('contacts');
  for (let i = 0; i < spec.contacts; i++)
    store.createItem(mailboxId, contacts, 'contact', buildContact(r, i), 'system');

  const calendar = folder('calendar');
  for (let i = 0; i < spec.events; i++) {
    const zone = r.pick(TIME_ZONES);
    const date = addDays(BASE_DATE, r.int(-120, 240));
    const event = buildEvent({
      subject: `${r.pick(['Sync', 'Review', 'Customer call', 'Workshop', 'Planning'])} ${i}`,
      uidKey: `load-${spec.seed}-${owner.address}-${i}`,
      date,
      time: `${String(r.int(7, 17)).padStart(2, '0')}:${r.pick(['00', '30'])}`,
      durationMinutes: r.pick([30, 60, 90]),
      timeZone: zone,
      organizer: owner,
      isAllDay: r.chance(0.08),
      location: r.chance(0.5) ? r.pick(['Room 1', 'Teams', 'Client office']) : undefined,
      attendees: r.chance(0.5)
        ? [
            {
              email: { address: `guest${r.int(1, 500)}@partner.example`, name: 'Guest' },
              type: 'required',
              response: 'notResponded',
            },
          ]
        : [],
    });
    if (r.chance(0.1)) {
      const type = r.pick(['daily', 'weekly', 'absoluteMonthly'] as const);
      const recurrence: Recurrence = {
        pattern: {
          type,
          interval: 1,
          ...(type === 'weekly'
            ? { daysOfWeek: ['monday' as const], firstDayOfWeek: 'monday' as const }
            : {}),
          ...(type === 'absoluteMonthly' ? { dayOfMonth: Number(date.slice(8)) } : {}),
        },
        range: {
          type: 'numbered',
          startDate: date,
          numberOfOccurrences: r.int(3, 20),
          recurrenceTimeZone: zone,
        },
      };
      event.recurrence = recurrence;
    }
    store.createItem(mailboxId, calendar, 'event', event, 'system');
  }

  const tasks = folder('tasks');
  for (let i = 0; i < spec.tasks; i++) {
    const task = buildTask(r, i, BASE_DATE);
    task.owner = owner.name;
    store.createItem(mailboxId, tasks, 'task', task, 'system');
  }

  const inbox = folder('inbox');
  const sent = folder('sentitems');
  for (let i = 0; i < spec.messages; i++) {
    const outgoing = r.chance(0.3);
    const other = { address: `sender${r.int(1, 300)}@partner.example`, name: `Partner ${i}` };
    const sentAt = new Date(
      Date.parse(`${BASE_DATE}T12:00:00Z`) - r.int(0, 180 * 24) * 3600_000,
    ).toISOString();
    store.createItem(
      mailboxId,
      outgoing ? sent : inbox,
      'message',
      buildMessage({
        r,
        index: i,
        from: outgoing ? owner : other,
        to: [outgoing ? other : owner],
        subject: `Re: order ${1000 + i}`,
        sentAt,
        html: r.chance(0.5),
        isRead: outgoing || r.chance(0.7),
        domain: outgoing ? LOAD_DOMAIN : 'partner.example',
      }),
      'system',
    );
  }
}
