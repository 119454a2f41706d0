// The sync engine's own state (SPEC E4–E7): one state row per mailbox and entity (cursors,
// journal version, run lease, mass-delete hold), the link table tying a CRM record to an
// Exchange item, run records, logged conflicts and per-mailbox export tags (B3).
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('sync_states')
    .addColumn('mailbox_id', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    /** JSON: folder id → Exchange cursor, saved only after the page it ends was applied. */
    .addColumn('cursors', 'text', (c) => c.notNull().defaultTo('{}'))
    /** Journal version whose changes have all been handled; null before the first full export. */
    .addColumn('journal_version', 'bigint')
    /** Journal head when an unfinished full pass began: its changes are read on resume. */
    .addColumn('full_pass_since', 'bigint')
    /** Hash of the settings that decide what is in scope: a change forces a full pass. */
    .addColumn('scope_hash', 'text')
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'text')
    /** Set when the mass-delete guard stopped a run; cleared by an administrator's decision. */
    .addColumn('held', 'text')
    /** The administrator's decision on a held run: `approve` or `unlink`. */
    .addColumn('hold_decision', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_states_pk', ['mailbox_id', 'entity'])
    .execute();

  await db.schema
    .createTable('sync_links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('mailbox_id', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    /** Null while an import intent waits for its CRM record. */
    .addColumn('record_id', 'text')
    .addColumn('folder_id', 'text', (c) => c.notNull())
    /** Null while an export intent waits for its Exchange item. */
    .addColumn('item_id', 'text')
    .addColumn('item_version', 'text')
    .addColumn('record_version', 'bigint')
    /** `linked`, `export_pending` or `import_pending`. */
    .addColumn('state', 'text', (c) => c.notNull())
    /** `import` or `export`: which side the pair started on. */
    .addColumn('origin', 'text', (c) => c.notNull())
    /** JSON of the mapped fields as both sides last agreed. */
    .addColumn('snapshot', 'text', (c) => c.notNull())
    /** Identifies the item an intent is about to create (see docs/mapping.md, idempotency). */
    .addColumn('fingerprint', 'text')
    /** Journal version before an import intent's CRM create: where adoption looks. */
    .addColumn('intent_journal_version', 'bigint')
    /** Index of an import intent within its CRM batch create (its journal entries are consecutive). */
    .addColumn('intent_position', 'integer')
    /** `exchange` or `crm`: the side whose delete waits for the mass-delete guard. */
    .addColumn('delete_mark', 'text')
    /** JSON array of values that did not fit into Exchange, with the reason (B4). */
    .addColumn('not_exported', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('sync_links_record')
    .unique()
    .on('sync_links')
    .columns(['mailbox_id', 'entity', 'record_id'])
    .execute();
  await db.schema
    .createIndex('sync_links_item')
    .unique()
    .on('sync_links')
    .columns(['mailbox_id', 'entity', 'item_id'])
    .execute();

  await db.schema
    .createTable('sync_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('mailbox_id', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    /** `running`, `succeeded`, `failed`, `held` or `abandoned`. */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('duration_ms', 'integer')
    /** JSON: per direction created/updated/deleted/unlinked counts. */
    .addColumn('counts', 'text', (c) => c.notNull())
    .addColumn('conflicts', 'integer', (c) => c.notNull().defaultTo(0))
    /** JSON array of { ref, reason }. */
    .addColumn('skipped', 'text', (c) => c.notNull().defaultTo('[]'))
    /** JSON array of { ref, code, message }. */
    .addColumn('errors', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('exchange_requests', 'integer')
    .execute();
  await db.schema
    .createIndex('sync_runs_mailbox')
    .on('sync_runs')
    .columns(['mailbox_id', 'entity', 'started_at'])
    .execute();

  await db.schema
    .createTable('sync_conflicts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('mailbox_id', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text')
    .addColumn('item_id', 'text')
    /** JSON array of the fields edited on both sides (empty when a delete met an edit). */
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('base', 'text')
    .addColumn('crm_version', 'text')
    .addColumn('exchange_version', 'text')
    .addColumn('resolution', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('sync_conflicts_mailbox')
    .on('sync_conflicts')
    .columns(['mailbox_id', 'entity', 'at'])
    .execute();

  await db.schema
    .createTable('sync_tags')
    .addColumn('mailbox_id', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_tags_pk', ['mailbox_id', 'entity', 'record_id'])
    .execute();
  await db.schema.createIndex('sync_tags_record').on('sync_tags').column('record_id').execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of ['sync_tags', 'sync_conflicts', 'sync_runs', 'sync_links', 'sync_states'])
    await db.schema.dropTable(table).ifExists().execute();
}
