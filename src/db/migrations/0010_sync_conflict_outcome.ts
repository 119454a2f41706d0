// What a user did about a logged conflict: took the losing side's value ("use_other_value") or
// accepted the outcome ("acknowledged"); null while it is open on the dashboard.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('sync_conflicts').addColumn('user_resolution', 'text').execute();
  await db.schema.alterTable('sync_conflicts').addColumn('resolved_at', 'text').execute();
  await db.schema.alterTable('sync_conflicts').addColumn('resolved_by', 'text').execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const column of ['resolved_by', 'resolved_at', 'user_resolution'])
    await db.schema.alterTable('sync_conflicts').dropColumn(column).execute();
}
