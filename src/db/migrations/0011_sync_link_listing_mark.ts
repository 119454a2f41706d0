// `sync_links.listed_in` is renamed `listing_mark` for what it holds: the mark of the read of a
// sync run that last listed the link's Exchange item or, before a read from scratch lists it,
// that read's "awaiting listing" mark (migration 0005 explains why it is kept on the link rows).
// Both SQLite and PostgreSQL rename a column in place, with the index on it.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('sync_links').renameColumn('listed_in', 'listing_mark').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('sync_links').renameColumn('listing_mark', 'listed_in').execute();
}
