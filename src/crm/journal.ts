// The change journal (SPEC E4, E6). Every write to a record that can sync takes the next
// versions from the single journal_head row and records, in the same transaction, which record
// changed, which API fields were written and who wrote it. The sync engine reads "changes
// since version N" and recognises its own writes by actor_mailbox_id.
//
// Why there are never gaps a reader could step over: versions come from
// `update journal_head set version = version + n … returning version`. On PostgreSQL that
// update takes the row lock on journal_head and keeps it until commit, so the next writer
// only gets its versions after this transaction has committed (or rolled back, in which case
// the counter rolls back too). Versions therefore become visible in increasing order: once a
// reader has seen version v, no transaction can still commit a version below v. SQLite has a
// single writer at a time, which gives the same order. Write transactions also take that lock
// first (lockJournal) so that everything they read is current and concurrent writers cannot
// deadlock on each other.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Principal } from './principal.ts';
import { insertRows } from './rows.ts';

export const SYNCED_RECORD_TYPES = [
  'contact',
  'account',
  'activity',
  'email',
  'lead',
  'deal',
  'group',
] as const;
export type SyncedRecordType = (typeof SYNCED_RECORD_TYPES)[number];

export type ChangeOperation = 'create' | 'update' | 'delete';

export interface ChangeEntry {
  recordType: SyncedRecordType;
  recordId: string;
  operation: ChangeOperation;
  /** API field names written (empty for deletes). */
  fields: string[];
}

export interface Change extends ChangeEntry {
  version: number;
  actorUserId: string | null;
  /** Set when the write came from the sync of this mailbox. */
  actorMailboxId: string | null;
  at: string;
}

type Db = Kysely<Database>;

/**
 * Takes the journal lock for the rest of the transaction (a no-op update of the head row):
 * call it first in every write transaction.
 */
export async function lockJournal(trx: Db): Promise<void> {
  await trx
    .updateTable('journal_head')
    .set((eb) => ({ version: eb.ref('version') }))
    .where('id', '=', 1)
    .execute();
}

/**
 * Records one change per entry and returns the version given to each, in entry order.
 * Must run inside the transaction that makes the writes.
 */
export async function appendChanges(
  trx: Db,
  entries: ChangeEntry[],
  principal: Principal,
): Promise<number[]> {
  if (entries.length === 0) return [];
  const head = await trx
    .updateTable('journal_head')
    .set((eb) => ({ version: eb('version', '+', entries.length) }))
    .where('id', '=', 1)
    .returning('version')
    .executeTakeFirstOrThrow();
  const last = Number(head.version);
  const first = last - entries.length + 1;
  const at = new Date().toISOString();
  const rows = entries.map((entry, i) => ({
    version: first + i,
    record_type: entry.recordType,
    record_id: entry.recordId,
    operation: entry.operation,
    fields: JSON.stringify(entry.fields),
    actor_user_id: principal.userId,
    actor_mailbox_id: principal.mailboxId ?? null,
    at,
  }));
  await insertRows(trx, 'changes', rows);
  return rows.map((r) => r.version);
}

/** Changes after `version`, oldest first, at most `limit`. */
export async function changesSince(db: Db, version: number, limit = 1000): Promise<Change[]> {
  const rows = await db
    .selectFrom('changes')
    .selectAll()
    .where('version', '>', version)
    .orderBy('version')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    version: Number(row.version),
    recordType: row.record_type as SyncedRecordType,
    recordId: row.record_id,
    operation: row.operation,
    fields: JSON.parse(row.fields) as string[],
    actorUserId: row.actor_user_id,
    actorMailboxId: row.actor_mailbox_id,
    at: row.at,
  }));
}

/** The last version handed out (0 on a fresh store). */
export async function headVersion(db: Db): Promise<number> {
  const row = await db
    .selectFrom('journal_head')
    .select('version')
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(row.version);
}
