// A CRM user's connected mailbox as the mailboxes domain stores it (a row of `mailboxes`), for
// engine tests whose mailboxes come from a MemoryMailboxSource: the mailbox's address is one of
// the user's addresses for attendee matching (C8).
import type { Crm } from '../../src/crm/index.ts';

export async function giveMailbox(crm: Crm, userId: string, address: string): Promise<void> {
  const now = new Date().toISOString();
  await crm.store.db
    .insertInto('mailboxes')
    .values({
      id: `row-${address.toLowerCase()}`,
      user_id: userId,
      service_id: null,
      address: address.toLowerCase(),
      login: null,
      access_mode: 'individual',
      secret_enc: null,
      token_cache_enc: null,
      status: 'active',
      throttled_until: null,
      failing_since: null,
      last_error_code: null,
      last_error_message: null,
      last_tested_at: null,
      connected_at: now,
      disconnected_at: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
}
