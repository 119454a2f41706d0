// The folder listing a sync keeps with its state: an entity that judges folders before reading
// them (tasks: only the user's own To Do lists) would otherwise list the mailbox's folders on
// every run, which costs more than reading an unchanged folder. The listing is taken again when
// it is older than the entity allows, on a first run, on "Sync now", and whenever a folder it
// names cannot be read (src/sync/engine.ts, `listedFolders`).
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  /** JSON: the folders of the entity's kind as last listed (flat, without children); null: none kept. */
  await db.schema.alterTable('sync_states').addColumn('folders', 'text').execute();
  /** When `folders` was listed (ISO instant). */
  await db.schema.alterTable('sync_states').addColumn('folders_listed_at', 'text').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('sync_states').dropColumn('folders_listed_at').execute();
  await db.schema.alterTable('sync_states').dropColumn('folders').execute();
}
