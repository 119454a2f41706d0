// The organisation's sync policy, set by administrators (one JSON row: the mass-delete limit no
// mailbox may loosen), and "sync now" requests kept with the sync state, so that a run queued
// before a crash or restart is queued again when the server starts.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('sync_policy')
    .addColumn('id', 'text', (c) => c.primaryKey())
    /** JSON of the policy as the API shows it (docs/sync.md). */
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .execute();
  /** When a queued run was asked for, and by what (manual, retry); null when none waits. */
  await db.schema.alterTable('sync_states').addColumn('requested_at', 'text').execute();
  await db.schema.alterTable('sync_states').addColumn('requested_trigger', 'text').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('sync_states').dropColumn('requested_trigger').execute();
  await db.schema.alterTable('sync_states').dropColumn('requested_at').execute();
  await db.schema.dropTable('sync_policy').ifExists().execute();
}
