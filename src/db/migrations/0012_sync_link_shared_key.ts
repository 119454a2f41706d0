// A meeting sits in the organizer's calendar and in each attendee's, every copy carrying the
// same global object id. `shared_key` holds the key the copies share (a series key, or series
// key and original start for an occurrence) so that a mailbox's sync finds the CRM record
// another mailbox's copy is already linked to, and links its own copy to it instead of creating
// a second record. `shared_role` says whether the link's copy is the organizer's ('organizer')
// or an attendee's ('attendee'): an attendee's copy going away unlinks only that mailbox.
// Contacts have no shared key: both columns stay null for them.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('sync_links').addColumn('shared_key', 'text').execute();
  await db.schema.alterTable('sync_links').addColumn('shared_role', 'text').execute();
  // Finding the record a shared key is linked to, across every mailbox.
  await db.schema
    .createIndex('sync_links_shared_key')
    .on('sync_links')
    .columns(['entity', 'shared_key'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('sync_links_shared_key').ifExists().execute();
  await db.schema.alterTable('sync_links').dropColumn('shared_role').execute();
  await db.schema.alterTable('sync_links').dropColumn('shared_key').execute();
}
