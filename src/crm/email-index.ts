// "Who has this email address?" across users, contacts and leads: attendee matching (C8) and
// email linking (D1) start here. Contacts and leads are limited to those the principal sees.
// findByEmail reads one address's records; holdersOf answers a batch of addresses with ids only.
import type { Store } from '../db/database.ts';
import { visibleTo } from './access.ts';
import type { Contact } from './contacts.ts';
import type { AnyDb } from './definition.ts';
import type { Lead } from './leads.ts';
import type { Principal } from './principal.ts';
import type { RecordService } from './repository.ts';
import { chunk } from './rows.ts';
import type { User, UserService } from './users.ts';

export interface EmailMatches {
  users: User[];
  contacts: Contact[];
  leads: Lead[];
}

export function createEmailIndex(
  store: Store,
  services: { users: UserService; contacts: RecordService<Contact>; leads: RecordService<Lead> },
) {
  return async function findByEmail(principal: Principal, address: string): Promise<EmailMatches> {
    const rows = await store.db
      .selectFrom('email_index')
      .select(['record_type', 'record_id'])
      .where('address', '=', address.trim().toLowerCase())
      .orderBy('record_id')
      .execute();
    const ids = (type: string) => rows.filter((r) => r.record_type === type).map((r) => r.record_id);
    const users = await Promise.all(ids('user').map((id) => services.users.get(principal, id)));
    return {
      users,
      contacts: await services.contacts.getMany(principal, ids('contact')),
      leads: await services.leads.getMany(principal, ids('lead')),
    };
  };
}

/** A record holding an address: what an activity participant refers to. */
export interface AddressHolder {
  type: 'user' | 'contact' | 'lead';
  id: string;
}

/**
 * Who holds each of `addresses`, for attendee matching (C8): one indexed lookup per type and
 * batch of 500 addresses, whatever the size of the CRM. Keys are the addresses in lower case;
 * each list holds users, then contacts, then leads, each type oldest record first (ids are
 * time-ordered). A user holds the address they sign in with and those of their mailboxes (Exchange
 * names a colleague by mailbox address); contacts and leads count when the principal sees them,
 * by any of their addresses. Addresses nobody holds are absent.
 */
export function createAddressHolders(store: Store) {
  return async function holdersOf(
    principal: Principal,
    addresses: Iterable<string>,
  ): Promise<Map<string, AddressHolder[]>> {
    const wanted = [...new Set([...addresses].map((a) => a.trim().toLowerCase()).filter(Boolean))];
    const found: Array<{ address: string; type: AddressHolder['type']; id: string }> = [];
    const db = store.db;
    for (const part of chunk(wanted, 500)) {
      const users = await db
        .selectFrom('email_index')
        .select(['email_index.address as address', 'email_index.record_id as id'])
        .where('email_index.record_type', '=', 'user')
        .where('email_index.address', 'in', part)
        .execute();
      const mailboxes = await db
        .selectFrom('mailboxes')
        .select(['mailboxes.address as address', 'mailboxes.user_id as id'])
        .where('mailboxes.address', 'in', part)
        .execute();
      for (const r of [...users, ...mailboxes]) found.push({ address: r.address, type: 'user', id: r.id });
      for (const [type, table] of [
        ['contact', 'contacts'],
        ['lead', 'leads'],
      ] as const) {
        const rows: Array<{ address: string; id: string }> = await (db as unknown as AnyDb)
          .selectFrom('email_index')
          .innerJoin(table as string, `${table}.id`, 'email_index.record_id')
          .select(['email_index.address as address', `${table}.id as id`])
          .where('email_index.record_type', '=', type)
          .where('email_index.address', 'in', part)
          .where(visibleTo(principal, type, table))
          .execute();
        for (const r of rows) found.push({ address: r.address, type, id: r.id });
      }
    }
    const rank = { user: 0, contact: 1, lead: 2 };
    found.sort((a, b) => rank[a.type] - rank[b.type] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const out = new Map<string, AddressHolder[]>();
    for (const f of found) {
      const list = out.get(f.address) ?? [];
      if (!list.some((h) => h.type === f.type && h.id === f.id)) list.push({ type: f.type, id: f.id });
      out.set(f.address, list);
    }
    return out;
  };
}
