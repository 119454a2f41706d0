// Owner of `sync_tags`: records a user asked to sync with a mailbox whatever its export filter
// says (SPEC B3).
import { chunk } from '../../crm/rows.ts';
import type { Db, SyncScope } from './scope.ts';

export async function tagRecords(db: Db, scope: SyncScope, recordIds: string[], now: Date): Promise<void> {
  for (const id of recordIds) {
    await db
      .insertInto('sync_tags')
      .values({
        mailbox_id: scope.mailboxId,
        entity: scope.entity,
        record_id: id,
        created_at: now.toISOString(),
      })
      .onConflict((oc) => oc.columns(['mailbox_id', 'entity', 'record_id']).doNothing())
      .execute();
  }
}

export async function untagRecords(db: Db, scope: SyncScope, recordIds: string[]): Promise<void> {
  for (const part of chunk(recordIds, 500))
    await db
      .deleteFrom('sync_tags')
      .where('mailbox_id', '=', scope.mailboxId)
      .where('entity', '=', scope.entity)
      .where('record_id', 'in', part)
      .execute();
}

/** Of these records, those tagged. */
export async function taggedAmong(db: Db, scope: SyncScope, recordIds: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const part of chunk([...new Set(recordIds)], 500)) {
    const rows = await db
      .selectFrom('sync_tags')
      .select('record_id')
      .where('mailbox_id', '=', scope.mailboxId)
      .where('entity', '=', scope.entity)
      .where('record_id', 'in', part)
      .execute();
    for (const r of rows) out.add(r.record_id);
  }
  return out;
}

/** Tagged records with no link yet: they export even though they did not change. */
export async function taggedNotLinked(db: Db, scope: SyncScope): Promise<string[]> {
  const rows = await db
    .selectFrom('sync_tags')
    .leftJoin('sync_links', (join) =>
      join
        .onRef('sync_links.record_id', '=', 'sync_tags.record_id')
        .onRef('sync_links.mailbox_id', '=', 'sync_tags.mailbox_id')
        .onRef('sync_links.entity', '=', 'sync_tags.entity'),
    )
    .select('sync_tags.record_id')
    .where('sync_tags.mailbox_id', '=', scope.mailboxId)
    .where('sync_tags.entity', '=', scope.entity)
    .where('sync_links.id', 'is', null)
    .execute();
  return rows.map((t) => t.record_id);
}

/** Which of these mailboxes tag the record. */
export async function mailboxesTagging(
  db: Db,
  entity: string,
  recordId: string,
  mailboxIds: string[],
): Promise<Set<string>> {
  if (mailboxIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('sync_tags')
    .select('mailbox_id')
    .where('entity', '=', entity)
    .where('record_id', '=', recordId)
    .where('mailbox_id', 'in', mailboxIds)
    .execute();
  return new Set(rows.map((t) => t.mailbox_id));
}
