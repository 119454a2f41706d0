// The intent of a link's update (SPEC E6): what the sync was about to write to the CRM record
// and the Exchange item, stored before either write and cleared with the link's new state. A
// run killed between the writes and the link leaves it behind, and the next run tells from each
// side's content whether our write landed, so that it does not read its own write back as the
// user's edit (docs/mapping.md, Idempotency).
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  /** JSON { agreed, recordFields, itemFields }; null when no update is under way. */
  await db.schema.alterTable('sync_links').addColumn('update_intent', 'text').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('sync_links').dropColumn('update_intent').execute();
}
