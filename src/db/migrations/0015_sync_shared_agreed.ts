// What a shared key's copies last agreed with its record when the CRM deleted it. An attendee's
// link to a record deleted in the CRM lets go at once when no mailbox has linked the organizer's
// copy; a mailbox that links the organizer's copy later (its first run was killed or failed
// after the attendee's run had imported the meeting) treats it from this as if it had been
// linked when the record was deleted (src/sync/engine.ts, `sharedRecordsOf`). Null: nothing kept,
// or used up by the organizer's copy.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  /** JSON: `{ snapshot, recordVersion }` of the link that let go of the deleted record. */
  await db.schema.alterTable('sync_shared_records').addColumn('agreed', 'text').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('sync_shared_records').dropColumn('agreed').execute();
}
