// Sets up the quick start's users, mail service, mailboxes, sync settings and CRM records through
// the same domain services the REST API calls, so that the demo is exactly what an
// administrator could have built by hand. Idempotent: each start creates only what is missing
// and never undoes what the user changed since (a renamed service, a disconnected mailbox,
// edited or deleted records). The one thing it does update is where the sandbox is, since the
// sandbox's port may differ from one start to the next.

import type { RunningSandbox } from '@exsync/sandbox';
import { DEMO_DOMAIN } from '@exsync/sandbox/seed';
import type { Crm, Principal, User } from '../crm/index.ts';
import type { MailboxSync } from '../mailbox-sync/index.ts';
import { createSyncAccess } from '../mailbox-sync/index.ts';
import { isMailboxError, type MailboxDomain, type MailService } from '../mailboxes/index.ts';
import {
  DEMO_ACCOUNTS,
  DEMO_CONTACTS,
  DEMO_GROUPS,
  DEMO_MAILBOX_PASSWORD,
  DEMO_PEOPLE,
  DEMO_SERVICE_NAME,
  DEMO_SIGN_IN_PASSWORD,
  type DemoPerson,
} from './content.ts';

export interface ProvisionDeps {
  crm: Crm;
  domain: MailboxDomain;
  /** Not started: only its settings store is used, as the settings API uses it. */
  sync: MailboxSync;
  sandbox: Pick<RunningSandbox, 'httpsUrl' | 'caPem'>;
  /** Progress, one line per thing created or changed. */
  say?: (line: string) => void;
}

export interface ProvisionedMailbox {
  id: string;
  address: string;
  ownerEmail: string;
  status: string;
}

export interface ProvisionResult {
  /** True when this start set the demo up (no mail service served the demo domain yet). */
  firstStart: boolean;
  /** The demo users that exist now (a user deleted or renamed since is missing here). */
  users: Array<{ person: DemoPerson; user: User }>;
  service: MailService;
  mailboxes: ProvisionedMailbox[];
  /** What went wrong but did not stop the demo (e.g. a mailbox that failed its test). */
  warnings: string[];
}

/** Sees everything; used only to look up what exists. */
const SETUP_VIEW: Principal = { userId: '', roleIds: [], operations: new Set(), isAdmin: true };

const isLoopbackHttps = (address: string | null): boolean => {
  if (!address) return false;
  try {
    const url = new URL(address);
    return (
      url.protocol === 'https:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname.toLowerCase())
    );
  } catch {
    return false;
  }
};

/** `address` with its origin replaced by `origin` (the path, e.g. /EWS/Exchange.asmx, stays). */
function withOrigin(address: string, origin: string): string {
  const url = new URL(address);
  return `${origin}${url.pathname === '/' ? '' : url.pathname}${url.search}`;
}

export async function provisionDemo(deps: ProvisionDeps): Promise<ProvisionResult> {
  const { crm, domain, sandbox } = deps;
  const say = deps.say ?? (() => {});
  const warnings: string[] = [];
  const { administrators, sales } = await crm.users.ensureAdministratorsRole();

  const existingService = (await domain.services.list(SETUP_VIEW)).find((s) =>
    s.domains.includes(DEMO_DOMAIN),
  );
  const firstStart = existingService === undefined;

  // Users: only on the first start, so that a demo user renamed or deleted later stays so.
  const users: ProvisionResult['users'] = [];
  for (const person of DEMO_PEOPLE) {
    let user = await crm.users.findByEmail(person.email);
    if (!user && firstStart) {
      user = await crm.users.createUser({
        email: person.email,
        displayName: person.displayName,
        password: DEMO_SIGN_IN_PASSWORD,
        roles: [person.role === 'administrators' ? administrators.id : sales.id],
      });
      say(`created ${person.role === 'administrators' ? 'administrator' : 'sales user'} ${user.email}`);
    }
    if (user) users.push({ person, user });
  }
  const userOf = (key: DemoPerson['key']) => users.find((u) => u.person.key === key)?.user;
  const admin = userOf('admin');
  // Mail services are for administrators; the demo's own administrator sets it up when it exists.
  const adminPrincipal = admin ? await crm.users.principalFor(admin.id) : SETUP_VIEW;

  // CRM records before the service, so that a first start cut short redoes them (the service
  // marks the demo as set up), and each by its name or email so that a redo duplicates nothing.
  if (firstStart && admin) await seedCrm(crm, adminPrincipal, userOf, say);

  let service: MailService;
  if (existingService) {
    service = await pointAtSandbox(domain, adminPrincipal, existingService, sandbox, say);
  } else {
    service = await domain.services.create(adminPrincipal, {
      type: 'exchange',
      name: DEMO_SERVICE_NAME,
      serviceAddress: `${sandbox.httpsUrl}/EWS/Exchange.asmx`,
      authMethod: 'basic',
      loginFormat: 'email',
      loadEmails: true,
      sendEmails: true,
      domains: [DEMO_DOMAIN],
      caCertificate: sandbox.caPem,
      // The sandbox listens on 127.0.0.1; only this service may reach private addresses.
      allowPrivateAddresses: true,
    });
    say(`created mail service "${service.name}" (Exchange over EWS) for ${DEMO_DOMAIN}`);
  }

  // Mailboxes: one per demo user, unless that address was ever connected (a disconnected
  // mailbox stays disconnected).
  const access = createSyncAccess(crm, domain, deps.sync);
  const known = await domain.mailboxes.list(SETUP_VIEW);
  for (const { person, user } of users) {
    if (known.some((m) => m.address === person.mailbox)) continue;
    const principal = await crm.users.principalFor(user.id);
    try {
      const added = await domain.mailboxes.add(principal, {
        address: person.mailbox,
        password: DEMO_MAILBOX_PASSWORD,
      });
      say(`connected ${person.mailbox} for ${user.email} (connection tested: ${added.status})`);
      await access.putSettings(principal, added.mailbox.id, {
        contacts: await contactSettingsFor(crm, adminPrincipal, person),
        meetings: ACTIVITY_SETTINGS,
        tasks: ACTIVITY_SETTINGS,
      });
    } catch (error) {
      if (!isMailboxError(error)) throw error;
      warnings.push(
        `${person.mailbox} could not be connected for ${user.email}: ${error.message} Add it in the web UI under Mailboxes once the cause is fixed.`,
      );
    }
  }

  const owners = new Map(users.map(({ user }) => [user.id, user.email]));
  const mailboxes = (await domain.mailboxes.list(SETUP_VIEW))
    .filter((m) => DEMO_PEOPLE.some((p) => p.mailbox === m.address))
    .map((m) => ({
      id: m.id,
      address: m.address,
      ownerEmail: owners.get(m.userId) ?? m.userId,
      status: m.status,
    }));
  return { firstStart, users, service, mailboxes, warnings };
}

/**
 * Meetings and tasks two-way from all calendars and task lists, every activity the user may see
 * exported, synced when the user asks: Ada's and Grace's calendars share meetings (Ada's with
 * Grace and the CRM contact Maria Schneider among them), which become one activity each.
 */
const ACTIVITY_SETTINGS = {
  direction: 'two_way',
  importFolders: 'all',
  autoSync: false,
  export: { all: true },
} as const;

/**
 * Contacts two-way from all folders, synced when the user presses "Sync now". The
 * administrator's mailbox exports customers and the "Key accounts" group, so the export filter
 * has something to decide; the sales user's exports everything she may see.
 */
async function contactSettingsFor(crm: Crm, adminPrincipal: Principal, person: DemoPerson) {
  const base = { direction: 'two_way', importFolders: 'all', autoSync: false } as const;
  if (person.key !== 'admin') return { ...base, export: { all: true } as const };
  const keyAccounts = await findGroup(crm, adminPrincipal, 'Key accounts');
  return {
    ...base,
    export: {
      all: false as const,
      types: ['customer' as const],
      groupIds: keyAccounts ? [keyAccounts] : [],
    },
  };
}

async function findGroup(crm: Crm, principal: Principal, name: string): Promise<string | undefined> {
  const page = await crm.contactGroups.list(principal, { filter: { q: name }, limit: 100 });
  return page.items.find((g) => g.name === name)?.id;
}

async function seedCrm(
  crm: Crm,
  adminPrincipal: Principal,
  userOf: (key: DemoPerson['key']) => User | undefined,
  say: (line: string) => void,
): Promise<void> {
  const ownerId = (key: DemoPerson['key']) => userOf(key)?.id ?? adminPrincipal.userId;
  let created = 0;

  const groupIds = new Map<string, string>();
  for (const name of DEMO_GROUPS) {
    let id = await findGroup(crm, adminPrincipal, name);
    if (!id) {
      id = (await crm.contactGroups.create(adminPrincipal, { name })).id;
      created++;
    }
    groupIds.set(name, id);
  }

  const accountIds = new Map<string, string>();
  for (const account of DEMO_ACCOUNTS) {
    const { all } = await crm.accounts.findByName(adminPrincipal, account.name);
    let id = all[0]?.id;
    if (!id) {
      id = (
        await crm.accounts.create(adminPrincipal, {
          name: account.name,
          website: account.website,
          industry: account.industry,
          phone: account.phone,
          address: { city: account.city, country: account.country },
          ownerId: ownerId(account.owner),
        })
      ).id;
      created++;
    }
    accountIds.set(account.name, id);
  }

  for (const contact of DEMO_CONTACTS) {
    const email = contact.data.emails[0].address;
    const existing = await crm.contacts.list(adminPrincipal, { filter: { email }, limit: 1 });
    if (existing.items.length > 0) continue;
    await crm.contacts.create(adminPrincipal, {
      ...contact.data,
      accountId: contact.account ? (accountIds.get(contact.account) ?? null) : null,
      groupIds: contact.groups.map((g) => groupIds.get(g)!),
      ownerId: ownerId(contact.owner),
    });
    created++;
  }
  if (created > 0)
    say(
      `created CRM records: ${DEMO_ACCOUNTS.length} accounts, ${DEMO_CONTACTS.length} contacts, groups ${DEMO_GROUPS.map((g) => `"${g}"`).join(' and ')}`,
    );
}

/**
 * The sandbox's port can differ between starts (--sandbox-port), and its certificate is new when
 * its data file was deleted: a service that points at a sandbox on this machine follows it.
 * Anything else about the service (its name, type, even a switch to Microsoft 365) is kept.
 */
async function pointAtSandbox(
  domain: MailboxDomain,
  principal: Principal,
  service: MailService,
  sandbox: Pick<RunningSandbox, 'httpsUrl' | 'caPem'>,
  say: (line: string) => void,
): Promise<MailService> {
  if (!isLoopbackHttps(service.serviceAddress)) return service;
  const patch: Parameters<MailboxDomain['services']['update']>[2] = {};
  const address = withOrigin(service.serviceAddress, sandbox.httpsUrl);
  if (address !== service.serviceAddress) patch.serviceAddress = address;
  if (isLoopbackHttps(service.authorityUrl)) {
    const authority = withOrigin(service.authorityUrl!, sandbox.httpsUrl);
    if (authority !== service.authorityUrl) patch.authorityUrl = authority;
  }
  if (service.caCertificate !== sandbox.caPem) patch.caCertificate = sandbox.caPem;
  if (Object.keys(patch).length === 0) return service;
  const updated = await domain.services.update(principal, service.id, patch);
  say(`pointed mail service "${updated.name}" at the sandbox on ${sandbox.httpsUrl}`);
  return updated;
}
