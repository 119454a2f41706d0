// "Who has this email address?" across users, contacts and leads: attendee matching (C8) and
// email linking (D1) start here. Contacts and leads are limited to those the principal sees.
import type { Store } from '../db/database.ts';
import type { Contact } from './contacts.ts';
import type { Lead } from './leads.ts';
import type { Principal } from './principal.ts';
import type { RecordService } from './repository.ts';
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
