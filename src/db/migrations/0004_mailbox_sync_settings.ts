// A mailbox's sync settings (SPEC B1, B3, B4, E1–E3, E5), one row per mailbox and entity
// (contacts now; meetings, tasks and emails later), so that each entity keeps its own shape.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('mailbox_sync_settings')
    .addColumn('mailbox_id', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    /** JSON of the entity's settings as the API shows them (docs/sync.md). */
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .addPrimaryKeyConstraint('mailbox_sync_settings_pk', ['mailbox_id', 'entity'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('mailbox_sync_settings').ifExists().execute();
}
