// Which read of a sync run last listed a link's Exchange item. A read from scratch needs to know
// which linked items it did not list (they are gone from Exchange), and the export pass which
// records the read already handled; keeping both on the link rows rather than in sets of ids
// is what keeps a run's memory independent of the mailbox's size (docs/benchmarks.md).
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('sync_links').addColumn('listed_in', 'text').execute();
  // The sweep after a read from scratch pages through the links its read did not list.
  await db.schema
    .createIndex('sync_links_listed')
    .on('sync_links')
    .columns(['mailbox_id', 'entity', 'listed_in', 'id'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('sync_links_listed').ifExists().execute();
  await db.schema.alterTable('sync_links').dropColumn('listed_in').execute();
}
