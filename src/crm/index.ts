// The CRM core's public face: createCrm(store) gives every service; recordTypes lists the
// record types with their schemas so that the HTTP layer can build routes and OpenAPI from it.
import type { z } from 'zod';
import type { Store } from '../db/database.ts';
import {
  type Account,
  type AccountCreate,
  type AccountFilter,
  type AccountMatch,
  type AccountUpdate,
  accountDefinition,
} from './accounts.ts';
import {
  type Activity,
  type ActivityCreate,
  type ActivityFilter,
  type ActivityUpdate,
  activityDefinition,
} from './activities.ts';
import {
  type Contact,
  type ContactCreate,
  type ContactFilter,
  type ContactUpdate,
  contactDefinition,
} from './contacts.ts';
import { type Deal, type DealCreate, type DealFilter, type DealUpdate, dealDefinition } from './deals.ts';
import type { RecordDefinition } from './definition.ts';
import { createAddressHolders, createEmailIndex } from './email-index.ts';
import {
  type Email,
  type EmailCreate,
  type EmailFilter,
  type EmailUpdate,
  emailDefinition,
} from './emails.ts';
import {
  type Group,
  type GroupCreate,
  type GroupFilter,
  type GroupUpdate,
  groupDefinition,
} from './groups.ts';
import { changesSince, headVersion, type SyncedRecordType } from './journal.ts';
import { type Lead, type LeadCreate, type LeadFilter, type LeadUpdate, leadDefinition } from './leads.ts';
import type { Principal } from './principal.ts';
import { createRepository, type RecordService, sortValues } from './repository.ts';
import { createRoles } from './roles.ts';
import { createShares } from './shares.ts';
import { createUsers } from './users.ts';

export type ContactService = RecordService<Contact, ContactCreate, ContactUpdate, ContactFilter>;
export type AccountService = RecordService<Account, AccountCreate, AccountUpdate, AccountFilter> & {
  /**
   * Company-name matching for contact import (B2): accounts whose name equals `companyName`
   * after normaliseAccountName. `all` ignores access (the B2 rule needs the total count) and is
   * for the sync only, never for display; `visible` is what the principal may see.
   */
  findByName(principal: Principal, companyName: string): Promise<AccountMatch>;
};
export type LeadService = RecordService<Lead, LeadCreate, LeadUpdate, LeadFilter>;
export type DealService = RecordService<Deal, DealCreate, DealUpdate, DealFilter>;
export type ActivityService = RecordService<Activity, ActivityCreate, ActivityUpdate, ActivityFilter>;
export type EmailService = RecordService<Email, EmailCreate, EmailUpdate, EmailFilter>;
export type GroupService = RecordService<Group, GroupCreate, GroupUpdate, GroupFilter>;

const ADMIN_VIEW: Principal = { userId: '', roleIds: [], operations: new Set(), isAdmin: true };

export function createCrm(store: Store) {
  const roles = createRoles(store.db);
  const users = createUsers(store.db, roles);
  const accountRepository = createRepository<Account, AccountCreate, AccountUpdate, AccountFilter>(
    store,
    accountDefinition,
  );
  const accounts: AccountService = {
    ...accountRepository,
    async findByName(principal, companyName) {
      const all: Account[] = [];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<AccountService['list']>> = await accountRepository.list(ADMIN_VIEW, {
          filter: { name: companyName },
          cursor,
          limit: 500,
        });
        all.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      const visibleIds = new Set(
        (
          await accountRepository.getMany(
            principal,
            all.map((a) => a.id),
          )
        ).map((a) => a.id),
      );
      return { all, visible: all.filter((a) => visibleIds.has(a.id)) };
    },
  };
  const contacts: ContactService = createRepository(store, contactDefinition);
  const leads: LeadService = createRepository(store, leadDefinition);
  const deals: DealService = createRepository(store, dealDefinition);
  const activities: ActivityService = createRepository(store, activityDefinition);
  const emails: EmailService = createRepository(store, emailDefinition);
  const contactGroups: GroupService = createRepository(store, groupDefinition('contact'));
  const activityGroups: GroupService = createRepository(store, groupDefinition('activity'));
  const shares = createShares(store);
  const findByEmail = createEmailIndex(store, { users, contacts, leads });
  const holdersOf = createAddressHolders(store);
  const journal = {
    /** Changes after `version`, oldest first; see journal.ts for why no change is ever skipped. */
    changesSince: (version: number, limit?: number) => changesSince(store.db, version, limit),
    headVersion: () => headVersion(store.db),
  };
  return {
    store,
    users,
    roles,
    accounts,
    contacts,
    leads,
    deals,
    activities,
    emails,
    contactGroups,
    activityGroups,
    shares,
    journal,
    findByEmail,
    holdersOf,
  };
}

export type Crm = ReturnType<typeof createCrm>;

export interface RecordTypeEntry {
  /** Route and service name, e.g. `contacts`, `contactGroups`. */
  name: string;
  recordType: SyncedRecordType;
  schemas: { output: z.ZodType; create: z.ZodType; update: z.ZodType; filter: z.ZodType };
  /** The values a list's `sort` accepts (empty: listed by id only). */
  sorts: string[];
  service: (crm: Crm) => RecordService;
}

function entry(definition: RecordDefinition, service: (crm: Crm) => RecordService): RecordTypeEntry {
  return {
    name: definition.name,
    recordType: definition.recordType,
    schemas: definition.schemas,
    sorts: sortValues(definition),
    service,
  };
}

export const recordTypes: RecordTypeEntry[] = [
  entry(contactDefinition, (crm) => crm.contacts as unknown as RecordService),
  entry(accountDefinition, (crm) => crm.accounts as unknown as RecordService),
  entry(leadDefinition, (crm) => crm.leads as unknown as RecordService),
  entry(dealDefinition, (crm) => crm.deals as unknown as RecordService),
  entry(activityDefinition, (crm) => crm.activities as unknown as RecordService),
  entry(emailDefinition, (crm) => crm.emails as unknown as RecordService),
  entry(groupDefinition('contact'), (crm) => crm.contactGroups as unknown as RecordService),
  entry(groupDefinition('activity'), (crm) => crm.activityGroups as unknown as RecordService),
];

export * from './accounts.ts';
export * from './activities.ts';
export * from './contacts.ts';
export type { Page } from './cursor.ts';
export * from './deals.ts';
export type { AddressHolder, EmailMatches } from './email-index.ts';
export * from './email-links.ts';
export * from './emails.ts';
export * from './errors.ts';
export * from './fields.ts';
export * from './groups.ts';
export {
  appendChanges,
  type Change,
  type ChangeEntry,
  SYNCED_RECORD_TYPES,
  type SyncedRecordType,
} from './journal.ts';
export * from './leads.ts';
export * from './participants.ts';
export type { Principal, SystemOperation } from './principal.ts';
export { SYSTEM_OPERATIONS } from './principal.ts';
export * from './recurrence.ts';
export type { ListOptions, RecordService } from './repository.ts';
export * from './roles.ts';
export * from './shares.ts';
export * from './users.ts';
