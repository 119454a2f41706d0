// Owner of `sync_links`: which CRM record is paired with which Exchange item, in which folder,
// and the base (snapshot) both were last agreed on. A link row is also the intent a create
// leaves before its write (`import_pending`, `export_pending`) and the note an update leaves
// before its writes (`update_intent`); the engine's recovery reads them back (see engine.ts,
// RECOVERY). Every change of a link is one function here.
import { newId } from '../../crm/ids.ts';
import { chunk } from '../../crm/rows.ts';
import type { SyncLinksTable } from '../../db/schema.ts';
import type { LinkState, SharedIdentity, UpdateIntent } from '../planner.ts';
import type { NotExported, Snapshot } from '../types.ts';
import type { Db, SyncScope } from './scope.ts';

export type LinkRowState = SyncLinksTable['state'];
/** The side a delete was seen on; it is carried out on the other side. */
export type DeleteSide = 'exchange' | 'crm';

/** A link row, whether linked or an intent waiting for the other side. */
export interface StoredLink {
  id: string;
  recordId: string | null;
  folderId: string;
  itemId: string | null;
  itemVersion: string | null;
  recordVersion: number | null;
  state: LinkRowState;
  origin: 'import' | 'export';
  snapshot: Snapshot;
  fingerprint: string | null;
  intentJournalVersion: number | null;
  intentPosition: number | null;
  deleteMark: DeleteSide | null;
  notExported: NotExported[];
  /** An update begun but not recorded: the run writing it was interrupted (or its write failed). */
  updateIntent: UpdateIntent | null;
  /** The identity the item shares with its copies in other mailboxes (meetings); null for contacts. */
  shared: SharedIdentity | null;
}

/** A linked row as the planner sees it (record and item both known). */
export function toLinkState(link: StoredLink): LinkState {
  return {
    id: link.id,
    recordId: link.recordId!,
    folderId: link.folderId,
    itemId: link.itemId!,
    itemVersion: link.itemVersion ?? '',
    recordVersion: Number(link.recordVersion ?? 0),
    origin: link.origin,
    snapshot: link.snapshot,
    ...(link.updateIntent ? { intent: link.updateIntent } : {}),
    ...(link.shared ? { shared: link.shared } : {}),
  };
}

function fromRow(row: SyncLinksTable): StoredLink {
  return {
    id: row.id,
    recordId: row.record_id,
    folderId: row.folder_id,
    itemId: row.item_id,
    itemVersion: row.item_version,
    recordVersion: row.record_version === null ? null : Number(row.record_version),
    state: row.state,
    origin: row.origin,
    snapshot: JSON.parse(row.snapshot) as Snapshot,
    fingerprint: row.fingerprint,
    intentJournalVersion: row.intent_journal_version === null ? null : Number(row.intent_journal_version),
    intentPosition: row.intent_position === null ? null : Number(row.intent_position),
    deleteMark: row.delete_mark,
    notExported: JSON.parse(row.not_exported) as NotExported[],
    updateIntent: row.update_intent === null ? null : (JSON.parse(row.update_intent) as UpdateIntent),
    shared:
      row.shared_key === null || row.shared_role === null
        ? null
        : { key: row.shared_key, role: row.shared_role },
  };
}

function inScope(db: Db, scope: SyncScope) {
  return db
    .selectFrom('sync_links')
    .selectAll()
    .where('mailbox_id', '=', scope.mailboxId)
    .where('entity', '=', scope.entity);
}

// ---------- reading ----------

export async function linksByItem(
  db: Db,
  scope: SyncScope,
  itemIds: string[],
): Promise<Map<string, StoredLink>> {
  const out = new Map<string, StoredLink>();
  for (const part of chunk([...new Set(itemIds)], 500)) {
    for (const row of await inScope(db, scope).where('item_id', 'in', part).execute())
      out.set(row.item_id!, fromRow(row));
  }
  return out;
}

export async function linksByRecord(
  db: Db,
  scope: SyncScope,
  recordIds: string[],
): Promise<Map<string, StoredLink>> {
  const out = new Map<string, StoredLink>();
  for (const part of chunk([...new Set(recordIds)], 500)) {
    for (const row of await inScope(db, scope).where('record_id', 'in', part).execute())
      out.set(row.record_id!, fromRow(row));
  }
  return out;
}

export async function linksInState(db: Db, scope: SyncScope, state: LinkRowState): Promise<StoredLink[]> {
  return (await inScope(db, scope).where('state', '=', state).execute()).map(fromRow);
}

export async function countLinked(db: Db, scope: SyncScope): Promise<number> {
  const row = await db
    .selectFrom('sync_links')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('mailbox_id', '=', scope.mailboxId)
    .where('entity', '=', scope.entity)
    .where('state', '=', 'linked')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** How many items are linked in each of these mailboxes, per entity (the dashboard's counts). */
export async function linkedCountsIn(
  db: Db,
  mailboxIds: string[],
): Promise<Array<{ mailboxId: string; entity: string; linked: number }>> {
  if (mailboxIds.length === 0) return [];
  const out: Array<{ mailboxId: string; entity: string; linked: number }> = [];
  for (const part of chunk(mailboxIds, 500)) {
    const rows = await db
      .selectFrom('sync_links')
      .select(['mailbox_id', 'entity'])
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('mailbox_id', 'in', part)
      .where('state', '=', 'linked')
      .groupBy(['mailbox_id', 'entity'])
      .execute();
    for (const r of rows) out.push({ mailboxId: r.mailbox_id, entity: r.entity, linked: Number(r.n) });
  }
  return out;
}

/** Folders that linked items are in, other than these. */
export async function linkedFoldersOutside(db: Db, scope: SyncScope, folderIds: string[]): Promise<string[]> {
  let q = db
    .selectFrom('sync_links')
    .select('folder_id')
    .distinct()
    .where('mailbox_id', '=', scope.mailboxId)
    .where('entity', '=', scope.entity)
    .where('state', '=', 'linked');
  if (folderIds.length > 0) q = q.where('folder_id', 'not in', folderIds);
  return (await q.execute()).map((r) => r.folder_id);
}

/** What stayed in the CRM for a record (B4), with the reasons. */
export async function notExportedOf(db: Db, scope: SyncScope, recordId: string): Promise<NotExported[]> {
  const link = (await linksByRecord(db, scope, [recordId])).get(recordId);
  return link?.notExported ?? [];
}

/**
 * The records that links of any mailbox tie these shared keys to (only complete links, not
 * marked for delete): a mailbox's copy of a meeting joins the record another copy made.
 */
export async function recordsBySharedKey(
  db: Db,
  entity: string,
  keys: string[],
): Promise<Map<string, { recordId: string; recordVersion: number }>> {
  const out = new Map<string, { recordId: string; recordVersion: number }>();
  for (const part of chunk([...new Set(keys)], 500)) {
    const rows = await db
      .selectFrom('sync_links')
      .select(['shared_key', 'record_id', 'record_version'])
      .where('entity', '=', entity)
      .where('shared_key', 'in', part)
      .where('state', '=', 'linked')
      .where('delete_mark', 'is', null)
      .where('record_id', 'is not', null)
      // The oldest link first, so that every mailbox picks the same record.
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    for (const row of rows)
      if (!out.has(row.shared_key!))
        out.set(row.shared_key!, {
          recordId: row.record_id!,
          recordVersion: Number(row.record_version ?? 0),
        });
  }
  return out;
}

/** The links of one record in each of these mailboxes (a record's sync status across mailboxes). */
export async function recordLinksIn(
  db: Db,
  entity: string,
  recordId: string,
  mailboxIds: string[],
): Promise<Array<StoredLink & { mailboxId: string; updatedAt: string }>> {
  if (mailboxIds.length === 0) return [];
  const rows = await db
    .selectFrom('sync_links')
    .selectAll()
    .where('entity', '=', entity)
    .where('record_id', '=', recordId)
    .where('mailbox_id', 'in', mailboxIds)
    .execute();
  return rows.map((r) => ({ ...fromRow(r), mailboxId: r.mailbox_id, updatedAt: r.updated_at }));
}

/**
 * Every link of one record under these entities, in every mailbox: whose copies of a meeting
 * are linked, whether or not the reader may see each mailbox (an activity's sync status).
 */
export async function recordLinksAcross(
  db: Db,
  entities: readonly string[],
  recordId: string,
): Promise<Array<StoredLink & { mailboxId: string; entity: string; updatedAt: string }>> {
  if (entities.length === 0) return [];
  const rows = await db
    .selectFrom('sync_links')
    .selectAll()
    .where('entity', 'in', [...entities])
    .where('record_id', '=', recordId)
    .execute();
  return rows.map((r) => ({
    ...fromRow(r),
    mailboxId: r.mailbox_id,
    entity: r.entity,
    updatedAt: r.updated_at,
  }));
}

// ---------- intents and links (see engine.ts, RECOVERY) ----------

export type NewLink = Omit<StoredLink, 'id' | 'deleteMark' | 'notExported' | 'updateIntent' | 'shared'> & {
  /** An id given beforehand (a shared key's claim names the intent before it is inserted). */
  id?: string;
  notExported?: NotExported[];
  shared?: SharedIdentity;
  /**
   * A meeting the CRM writes to the mailbox's own calendar is the organizer's copy before
   * Exchange has given it a key (the first read that lists it tells the link: learnShared).
   */
  organizerCopy?: boolean;
};

/** Inserts links (create intents, most of them); returns their ids in order. */
export async function insertLinks(db: Db, scope: SyncScope, links: NewLink[], now: Date): Promise<string[]> {
  const at = now.toISOString();
  const ids = links.map((l) => l.id ?? newId());
  for (const part of chunk(
    links.map((l, i) => ({
      id: ids[i],
      mailbox_id: scope.mailboxId,
      entity: scope.entity,
      record_id: l.recordId,
      folder_id: l.folderId,
      item_id: l.itemId,
      item_version: l.itemVersion,
      record_version: l.recordVersion,
      state: l.state,
      origin: l.origin,
      snapshot: JSON.stringify(l.snapshot),
      fingerprint: l.fingerprint,
      intent_journal_version: l.intentJournalVersion,
      intent_position: l.intentPosition,
      delete_mark: null,
      not_exported: JSON.stringify(l.notExported ?? []),
      shared_key: l.shared?.key ?? null,
      shared_role: l.shared?.role ?? (l.organizerCopy ? 'organizer' : null),
      created_at: at,
      updated_at: at,
    })),
    200,
  ))
    await db.insertInto('sync_links').values(part).execute();
  return ids;
}

function patchLink(db: Db, id: string, set: Partial<SyncLinksTable>, now: Date) {
  return db
    .updateTable('sync_links')
    .set({ ...set, updated_at: now.toISOString() })
    .where('id', '=', id)
    .execute();
}

/** Links that learnt the key and role their item shares with its copies (see the engine). */
export async function learnShared(
  db: Db,
  learnt: Array<{ id: string; key: string; role: 'organizer' | 'attendee' }>,
  now: Date,
): Promise<void> {
  for (const l of learnt) await patchLink(db, l.id, { shared_key: l.key, shared_role: l.role }, now);
}

/** Linked: the intent's record or item exists; what identified the intent is cleared. */
const LINKED = {
  state: 'linked',
  fingerprint: null,
  intent_journal_version: null,
  intent_position: null,
} as const satisfies Partial<SyncLinksTable>;

/**
 * Where an import intent's create will show in the CRM journal: after `journalVersion`, the
 * `position`-th of the batch. Null: no create of it was attempted yet.
 */
export async function noteImportAttempt(
  db: Db,
  id: string,
  at: { journalVersion: number | null; position?: number },
  now: Date,
): Promise<void> {
  await patchLink(
    db,
    id,
    {
      intent_journal_version: at.journalVersion,
      ...(at.position !== undefined ? { intent_position: at.position } : {}),
    },
    now,
  );
}

/**
 * An import intent's record exists: the link is complete. `listingMark`: the mark its item
 * carries until a read lists it (an intent recovery adopted: ADOPTED_AWAITING_LISTING).
 */
export async function linkImported(
  db: Db,
  id: string,
  record: { recordId: string; recordVersion: number },
  now: Date,
  listingMark?: string,
): Promise<void> {
  await patchLink(
    db,
    id,
    {
      ...LINKED,
      record_id: record.recordId,
      record_version: record.recordVersion,
      ...(listingMark !== undefined ? { listing_mark: listingMark } : {}),
    },
    now,
  );
}

/** An export intent's item exists: the link is complete. */
export async function linkExported(
  db: Db,
  id: string,
  item: { itemId: string; itemVersion: string; written?: Snapshot; sharedKey?: string },
  now: Date,
): Promise<void> {
  await patchLink(
    db,
    id,
    {
      ...LINKED,
      item_id: item.itemId,
      item_version: item.itemVersion,
      ...(item.sharedKey ? { shared_key: item.sharedKey } : {}),
      // Not all of the snapshot sent was written: what was is the base, and the record counts
      // as changed (no record version) until an update has written the rest.
      ...(item.written ? { snapshot: JSON.stringify(item.written), record_version: null } : {}),
    },
    now,
  );
}

/** Records whose item has yet to be written all the record holds (see `linkExported`). */
export async function recordsNotWrittenWhole(db: Db, scope: SyncScope): Promise<string[]> {
  const rows = await inScope(db, scope)
    .where('state', '=', 'linked')
    .where('record_version', 'is', null)
    .execute();
  return rows.flatMap((r) => (r.record_id ? [r.record_id] : []));
}

/**
 * Stores update intents, with the base each was planned against, before any of their writes:
 * one transaction for a batch of updates.
 */
export async function recordUpdateIntents(
  db: Db,
  intents: Array<{ id: string; snapshot: Snapshot; intent: UpdateIntent }>,
  now: Date,
): Promise<void> {
  if (intents.length === 0) return;
  await db.transaction().execute(async (trx) => {
    for (const i of intents)
      await patchLink(
        trx,
        i.id,
        { snapshot: JSON.stringify(i.snapshot), update_intent: JSON.stringify(i.intent) },
        now,
      );
  });
}

/** An update's writes are done: the new base and versions, and no intent any more. */
export async function completeUpdate(
  db: Db,
  id: string,
  done: { agreed: Snapshot; itemVersion: string; recordVersion: number; notExported?: NotExported[] },
  now: Date,
): Promise<void> {
  await patchLink(
    db,
    id,
    {
      snapshot: JSON.stringify(done.agreed),
      item_version: done.itemVersion,
      record_version: done.recordVersion,
      update_intent: null,
      ...(done.notExported ? { not_exported: JSON.stringify(done.notExported) } : {}),
    },
    now,
  );
}

export async function deleteLinks(db: Db, ids: string[]): Promise<void> {
  for (const part of chunk(ids, 500)) await db.deleteFrom('sync_links').where('id', 'in', part).execute();
}

/** Drops the links of folders no longer synced; links marked for delete wait for the guard. */
export async function deleteLinksOutside(db: Db, scope: SyncScope, folderIds: string[]): Promise<number> {
  let q = db
    .deleteFrom('sync_links')
    .where('mailbox_id', '=', scope.mailboxId)
    .where('entity', '=', scope.entity)
    .where('state', '=', 'linked')
    .where('delete_mark', 'is', null);
  if (folderIds.length > 0) q = q.where('folder_id', 'not in', folderIds);
  const result = await q.executeTakeFirst();
  return Number(result.numDeletedRows);
}

// ---------- deletes waiting for the mass-delete guard ----------

export interface DeleteMark {
  id: string;
  side: DeleteSide;
}

/**
 * Marks links for a delete the guard must let through first. Pass a transaction to mark them
 * together with something else (a folder's cursor); otherwise they are marked in one of their own.
 */
export async function markDeletes(db: Db, marks: DeleteMark[], now: Date): Promise<void> {
  if (db.isTransaction) {
    for (const m of marks) await patchLink(db, m.id, { delete_mark: m.side }, now);
    return;
  }
  await db.transaction().execute((trx) => markDeletes(trx, marks, now));
}

export async function countMarkedForDelete(db: Db, scope: SyncScope): Promise<number> {
  const row = await db
    .selectFrom('sync_links')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('mailbox_id', '=', scope.mailboxId)
    .where('entity', '=', scope.entity)
    .where('delete_mark', 'is not', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Links marked for delete, a page at a time in id order (a run's memory must not grow with them). */
export async function markedForDeleteAfter(
  db: Db,
  scope: SyncScope,
  afterId: string | null,
  limit: number,
): Promise<StoredLink[]> {
  let q = inScope(db, scope).where('delete_mark', 'is not', null);
  if (afterId !== null) q = q.where('id', '>', afterId);
  return (await q.orderBy('id').limit(limit).execute()).map(fromRow);
}

/** How many held deletes would remove records in the CRM and items in Exchange. */
export async function pendingDeletes(db: Db, scope: SyncScope): Promise<{ crm: number; exchange: number }> {
  const rows = await db
    .selectFrom('sync_links')
    .select(['delete_mark'])
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('mailbox_id', '=', scope.mailboxId)
    .where('entity', '=', scope.entity)
    .where('delete_mark', 'is not', null)
    .groupBy('delete_mark')
    .execute();
  // A link's mark names the side the delete was made on; it is carried out on the other.
  const out = { crm: 0, exchange: 0 };
  for (const r of rows) {
    if (r.delete_mark === 'exchange') out.crm += Number(r.n);
    else if (r.delete_mark === 'crm') out.exchange += Number(r.n);
  }
  return out;
}

// ---------- what the reads of a run listed ----------
// Kept on the link rows, not in sets of ids, so that a run's memory does not grow with the
// mailbox. A mark names one read of one run (see the engine's readFolder): `listing_mark` holds the
// mark of the read that last listed the link's item or, before a read from scratch lists it, the
// read's "awaiting listing" mark.

/**
 * The mark of an import intent's link that recovery adopted: its item was listed after the
 * folder's saved cursor by the killed run, so a complete read from that cursor lists it again
 * unless it is gone (created and deleted since, which a server may leave out of its changes).
 */
export const ADOPTED_AWAITING_LISTING = 'adopted/awaiting';

/** Before a read from scratch: the folder's linked items carry `awaiting` until the read lists them. */
export async function markAwaitingListing(
  db: Db,
  scope: SyncScope,
  folderId: string,
  awaiting: string,
): Promise<void> {
  await db
    .updateTable('sync_links')
    .set({ listing_mark: awaiting })
    .where('mailbox_id', '=', scope.mailboxId)
    .where('entity', '=', scope.entity)
    .where('folder_id', '=', folderId)
    .where('state', '=', 'linked')
    .execute();
}

/** Notes that `read` listed these items; returns the records now linked to them. */
export async function markListedBy(
  db: Db,
  scope: SyncScope,
  itemIds: string[],
  read: string,
): Promise<Set<string>> {
  const out = new Set<string>();
  for (const part of chunk([...new Set(itemIds)], 500)) {
    const rows = await db
      .updateTable('sync_links')
      .set({ listing_mark: read })
      .where('mailbox_id', '=', scope.mailboxId)
      .where('entity', '=', scope.entity)
      .where('item_id', 'in', part)
      .returning('record_id')
      .execute();
    for (const row of rows) if (row.record_id !== null) out.add(row.record_id);
  }
  return out;
}

/** A page, in id order, of the folder's linked, unmarked-for-delete items still `awaiting` listing. */
export async function stillAwaitingListing(
  db: Db,
  scope: SyncScope,
  folderId: string,
  awaiting: string,
  afterId: string | null,
  limit: number,
): Promise<Array<{ id: string; itemId: string; snapshot: Snapshot }>> {
  let q = db
    .selectFrom('sync_links')
    .select(['id', 'item_id', 'snapshot'])
    .where('mailbox_id', '=', scope.mailboxId)
    .where('entity', '=', scope.entity)
    .where('listing_mark', '=', awaiting)
    .where('folder_id', '=', folderId)
    .where('state', '=', 'linked')
    .where('delete_mark', 'is', null)
    .where('item_id', 'is not', null);
  if (afterId !== null) q = q.where('id', '>', afterId);
  const rows = await q.orderBy('id').limit(limit).execute();
  return rows.map((r) => ({
    id: r.id,
    itemId: r.item_id!,
    snapshot: JSON.parse(r.snapshot) as Snapshot,
  }));
}

/** Of these records, those whose link one of `reads` listed. */
export async function recordsListedBy(
  db: Db,
  scope: SyncScope,
  recordIds: string[],
  reads: readonly string[],
): Promise<Set<string>> {
  const out = new Set<string>();
  if (reads.length === 0) return out;
  for (const part of chunk([...new Set(recordIds)], 500)) {
    const rows = await db
      .selectFrom('sync_links')
      .select('record_id')
      .where('mailbox_id', '=', scope.mailboxId)
      .where('entity', '=', scope.entity)
      .where('record_id', 'in', part)
      .where('listing_mark', 'in', [...reads])
      .execute();
    for (const row of rows) if (row.record_id !== null) out.add(row.record_id);
  }
  return out;
}
