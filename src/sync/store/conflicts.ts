// Owner of `sync_conflicts`: the log of items changed on both sides since the last sync, with
// both versions and how the run resolved them, and what a user later did about each.
import { newId } from '../../crm/ids.ts';
import { chunk } from '../../crm/rows.ts';
import type { SyncConflictsTable } from '../../db/schema.ts';
import type { ConflictRecord } from '../planner.ts';
import type { Snapshot } from '../types.ts';
import type { Db, SyncScope } from './scope.ts';

/** A logged conflict as the mailbox's conflict list shows it. */
export interface ConflictView {
  id: string;
  runId: string;
  recordId: string | null;
  itemId: string | null;
  fields: string[];
  base: Snapshot | null;
  crm: Snapshot | null;
  exchange: Snapshot | null;
  resolution: string;
  at: string;
}

export type ConflictUserResolution = 'use_other_value' | 'acknowledged';

/** A logged conflict with where it happened and what a user did about it. */
export interface LoggedConflict extends ConflictView {
  mailboxId: string;
  entity: string;
  /** Null while it is open. */
  userResolution: ConflictUserResolution | null;
  resolvedAt: string | null;
}

const parse = (v: string | null) => (v === null ? null : (JSON.parse(v) as Snapshot));

function fromRow(r: SyncConflictsTable): LoggedConflict {
  return {
    id: r.id,
    mailboxId: r.mailbox_id,
    entity: r.entity,
    runId: r.run_id,
    recordId: r.record_id,
    itemId: r.item_id,
    fields: JSON.parse(r.fields) as string[],
    base: parse(r.base),
    crm: parse(r.crm_version),
    exchange: parse(r.exchange_version),
    resolution: r.resolution,
    at: r.at,
    userResolution: (r.user_resolution as ConflictUserResolution | null) ?? null,
    resolvedAt: r.resolved_at ?? null,
  };
}

export async function recordConflict(
  db: Db,
  scope: SyncScope,
  runId: string,
  link: { recordId: string; itemId: string },
  conflict: ConflictRecord,
  now: Date,
): Promise<void> {
  await db
    .insertInto('sync_conflicts')
    .values({
      id: newId(),
      mailbox_id: scope.mailboxId,
      entity: scope.entity,
      run_id: runId,
      record_id: link.recordId,
      item_id: link.itemId,
      fields: JSON.stringify(conflict.fields),
      base: JSON.stringify(conflict.base),
      crm_version: conflict.crm === null ? null : JSON.stringify(conflict.crm),
      exchange_version: conflict.exchange === null ? null : JSON.stringify(conflict.exchange),
      resolution: conflict.resolution,
      at: now.toISOString(),
    })
    .execute();
}

/** The scope's latest conflicts, newest first. */
export async function latestConflicts(db: Db, scope: SyncScope, limit = 100): Promise<ConflictView[]> {
  const rows = await db
    .selectFrom('sync_conflicts')
    .selectAll()
    .where('mailbox_id', '=', scope.mailboxId)
    .where('entity', '=', scope.entity)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => {
    const { mailboxId: _m, entity: _e, userResolution: _u, resolvedAt: _r, ...view } = fromRow(r);
    return view;
  });
}

/** The latest conflicts of these mailboxes, newest first; `open`: only those nobody handled yet. */
export async function conflictsIn(
  db: Db,
  mailboxIds: string[],
  entity: string,
  query: { limit: number; open: boolean },
): Promise<LoggedConflict[]> {
  if (mailboxIds.length === 0) return [];
  const rows = await db
    .selectFrom('sync_conflicts')
    .selectAll()
    .where('mailbox_id', 'in', mailboxIds)
    .where('entity', '=', entity)
    .$if(query.open, (q) => q.where('user_resolution', 'is', null))
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit)
    .execute();
  return rows.map(fromRow);
}

/** How many conflicts nobody handled yet each of these mailboxes has, per entity. */
export async function openConflictCounts(
  db: Db,
  mailboxIds: string[],
): Promise<Array<{ mailboxId: string; entity: string; open: number }>> {
  if (mailboxIds.length === 0) return [];
  const out: Array<{ mailboxId: string; entity: string; open: number }> = [];
  for (const part of chunk(mailboxIds, 500)) {
    const rows = await db
      .selectFrom('sync_conflicts')
      .select(['mailbox_id', 'entity'])
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('mailbox_id', 'in', part)
      .where('user_resolution', 'is', null)
      .groupBy(['mailbox_id', 'entity'])
      .execute();
    for (const r of rows) out.push({ mailboxId: r.mailbox_id, entity: r.entity, open: Number(r.n) });
  }
  return out;
}

export async function findConflict(db: Db, id: string): Promise<LoggedConflict | undefined> {
  const row = await db.selectFrom('sync_conflicts').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

/** A user handled the conflict (`userId` null: nobody signed in, as from the command line). */
export async function markConflictResolved(
  db: Db,
  id: string,
  outcome: ConflictUserResolution,
  userId: string | null,
  now: Date,
): Promise<void> {
  await db
    .updateTable('sync_conflicts')
    .set({ user_resolution: outcome, resolved_at: now.toISOString(), resolved_by: userId })
    .where('id', '=', id)
    .execute();
}
