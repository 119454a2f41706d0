// One record per shared key (a meeting's), claimed across mailboxes (migration 0013). An import
// claims a key before it creates the record; a second import of the same key, in another
// mailbox's run going on at the same time, finds the claim and links its copy to the record
// the first one made. Claims stay after their record is deleted: tombstones, so that a deleted
// meeting's remaining copies are never imported again.
import { sql } from 'kysely';
import { chunk } from '../../crm/rows.ts';
import type { Snapshot } from '../types.ts';
import type { Db, SyncScope } from './scope.ts';

export interface SharedClaim {
  key: string;
  /** Null while the claiming import creates the record. */
  recordId: string | null;
  /** The import intent holding the claim while the record is made. */
  linkId: string | null;
  /**
   * A tombstone's: what an attendee's copy last agreed with the record when it let go of it,
   * deleted in the CRM while no organizer's copy was linked (see keepAgreed).
   */
  agreed?: Agreed;
}

/** What a copy last agreed with its record: its link's snapshot and record version. */
export interface Agreed {
  snapshot: Snapshot;
  recordVersion: number;
}

/** The claims of these keys. */
export async function claimsOf(db: Db, entity: string, keys: string[]): Promise<Map<string, SharedClaim>> {
  const out = new Map<string, SharedClaim>();
  for (const part of chunk([...new Set(keys)], 500)) {
    const rows = await db
      .selectFrom('sync_shared_records')
      .select(['shared_key', 'record_id', 'link_id', 'agreed'])
      .where('entity', '=', entity)
      .where('shared_key', 'in', part)
      .execute();
    for (const r of rows)
      out.set(r.shared_key, {
        key: r.shared_key,
        recordId: r.record_id,
        linkId: r.link_id,
        ...(r.agreed ? { agreed: JSON.parse(r.agreed) as Agreed } : {}),
      });
  }
  return out;
}

/**
 * Claims each key for the import intent `linkId` that is about to create its record. Returns the
 * keys this call claimed; a key someone else holds is left to them (one insert, atomic on both
 * databases: the first of two concurrent claims wins).
 */
export async function claimKeys(
  db: Db,
  entity: string,
  claims: Array<{ key: string; linkId: string }>,
  now: Date,
): Promise<Set<string>> {
  if (claims.length === 0) return new Set();
  await insertClaims(
    db,
    entity,
    claims.map((c) => ({ key: c.key, recordId: null, linkId: c.linkId })),
    now,
  );
  const held = await claimsOf(
    db,
    entity,
    claims.map((c) => c.key),
  );
  const mine = new Set(claims.map((c) => `${c.key}\u0000${c.linkId}`));
  return new Set(
    [...held.values()].filter((c) => c.linkId && mine.has(`${c.key}\u0000${c.linkId}`)).map((c) => c.key),
  );
}

/**
 * Takes over a claim whose holder is gone (an import killed before its record was made) or whose
 * record was deleted (an import that replaces it), only if it is still as `seen`. Returns
 * whether this call now holds it.
 */
export async function takeOverClaim(
  db: Db,
  entity: string,
  seen: SharedClaim,
  linkId: string,
  now: Date,
): Promise<boolean> {
  let q = db
    .updateTable('sync_shared_records')
    .set({ link_id: linkId, record_id: null, claimed_at: now.toISOString(), agreed: null })
    .where('entity', '=', entity)
    .where('shared_key', '=', seen.key);
  q = seen.linkId === null ? q.where('link_id', 'is', null) : q.where('link_id', '=', seen.linkId);
  q = seen.recordId === null ? q.where('record_id', 'is', null) : q.where('record_id', '=', seen.recordId);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Ties keys to records made without a claim (meetings the CRM wrote to a calendar, whose key
 * Exchange gave them on creation), unless the key is claimed already.
 */
export async function claimRecords(
  db: Db,
  entity: string,
  claims: Array<{ key: string; recordId: string }>,
  now: Date,
): Promise<void> {
  await insertClaims(
    db,
    entity,
    claims.map((c) => ({ ...c, linkId: null })),
    now,
  );
}

/** Inserts claims; a key claimed already keeps its claim (one insert: atomic on both databases). */
async function insertClaims(
  db: Db,
  entity: string,
  claims: Array<{ key: string; recordId: string | null; linkId: string | null }>,
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  for (const part of chunk(claims, 200))
    await db
      .insertInto('sync_shared_records')
      .values(
        part.map((c) => ({
          entity,
          shared_key: c.key,
          record_id: c.recordId,
          link_id: c.linkId,
          claimed_at: at,
        })),
      )
      .onConflict((oc) => oc.columns(['entity', 'shared_key']).doNothing())
      .execute();
}

/**
 * The attendees' links of a key that still tie it to a deleted record move to the record made
 * again for the key, current with it (it holds what Exchange holds).
 */
export async function repointAttendeeLinks(
  db: Db,
  entity: string,
  move: { key: string; from: string; to: string; version: number },
): Promise<void> {
  await db
    .updateTable('sync_links')
    .set({ record_id: move.to, record_version: move.version })
    .where('entity', '=', entity)
    .where('shared_key', '=', move.key)
    .where('shared_role', '=', 'attendee')
    .where('record_id', '=', move.from)
    .execute();
}

/**
 * An attendee's link lets go of its key's record, deleted in the CRM while no organizer's copy
 * was linked: what it last agreed with the record stays on the key's tombstone, so that an
 * organizer's copy a mailbox links later is treated as if it had been linked when the record was
 * deleted. The first link to let go keeps it.
 */
export async function keepAgreed(
  db: Db,
  entity: string,
  kept: { key: string; recordId: string; agreed: Agreed },
): Promise<void> {
  await db
    .updateTable('sync_shared_records')
    .set({ agreed: JSON.stringify(kept.agreed) })
    .where('entity', '=', entity)
    .where('shared_key', '=', kept.key)
    .where('record_id', '=', kept.recordId)
    .where('agreed', 'is', null)
    .execute();
}

/** The organizer's copy of these keys was linked to their deleted records: what was kept is used up. */
export async function forgetAgreed(db: Db, entity: string, keys: string[]): Promise<void> {
  for (const part of chunk([...new Set(keys)], 500))
    await db
      .updateTable('sync_shared_records')
      .set({ agreed: null })
      .where('entity', '=', entity)
      .where('shared_key', 'in', part)
      .execute();
}

/** The attendees' links to a record deleted in the CRM, in every mailbox, let go of it. */
export async function releaseAttendeeLinks(db: Db, entity: string, recordId: string): Promise<void> {
  await db
    .deleteFrom('sync_links')
    .where('entity', '=', entity)
    .where('record_id', '=', recordId)
    .where('shared_role', '=', 'attendee')
    .execute();
}

/**
 * For each record, what a mailbox's copy last agreed with it: the snapshot and record version
 * of its linked copy furthest behind (an attendee's copy keeps a CRM edit it could not write as
 * its record version staying behind).
 */
export async function agreedWith(db: Db, entity: string, recordIds: string[]): Promise<Map<string, Agreed>> {
  const out = new Map<string, Agreed>();
  for (const part of chunk([...new Set(recordIds)], 500)) {
    const rows = await db
      .selectFrom('sync_links')
      .select(['record_id', 'snapshot', 'record_version'])
      .where('entity', '=', entity)
      .where('record_id', 'in', part)
      .where('state', '=', 'linked')
      .where('delete_mark', 'is', null)
      .where('record_version', 'is not', null)
      .orderBy('record_version')
      .orderBy('id')
      .execute();
    for (const r of rows)
      if (!out.has(r.record_id!))
        out.set(r.record_id!, {
          snapshot: JSON.parse(r.snapshot) as Snapshot,
          recordVersion: Number(r.record_version),
        });
  }
  return out;
}

/** The claims held by these import intents get the records the imports made. */
export async function settleClaims(
  db: Db,
  entity: string,
  settled: Array<{ linkId: string; recordId: string }>,
): Promise<void> {
  for (const s of settled)
    await db
      .updateTable('sync_shared_records')
      .set({ record_id: s.recordId, link_id: null })
      .where('entity', '=', entity)
      .where('link_id', '=', s.linkId)
      .execute();
}

/** Claims of import intents that made no record are let go, for another copy to claim. */
export async function releaseClaims(db: Db, entity: string, linkIds: string[]): Promise<void> {
  for (const part of chunk(linkIds, 500))
    await db
      .deleteFrom('sync_shared_records')
      .where('entity', '=', entity)
      .where('link_id', 'in', part)
      .where('record_id', 'is', null)
      .execute();
}

/** Whether a link row still exists (a claim's holder is alive while its intent is). */
export async function linkExists(db: Db, linkId: string): Promise<boolean> {
  const row = await db.selectFrom('sync_links').select('id').where('id', '=', linkId).executeTakeFirst();
  return row !== undefined;
}

/**
 * The records this mailbox's attendee links still tie to although the CRM deleted them: links
 * that wait for the organizer's run (`recordTable`: the records' table, an identifier).
 */
export async function attendeeLinksOnDeletedRecords(
  db: Db,
  scope: SyncScope,
  recordTable: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('sync_links')
    .select('record_id')
    .where('mailbox_id', '=', scope.mailboxId)
    .where('entity', '=', scope.entity)
    .where('shared_role', '=', 'attendee')
    .where('state', '=', 'linked')
    .where('record_id', 'is not', null)
    .where(({ not, exists }) =>
      not(
        exists(
          sql`(select 1 from ${sql.table(recordTable)} r where r.id = ${sql.ref('sync_links.record_id')})`,
        ),
      ),
    )
    .execute();
  return rows.map((r) => r.record_id!);
}

/** The records among these that some mailbox has linked to its organizer's copy, with those mailboxes. */
export async function organizerCopyMailboxes(
  db: Db,
  entity: string,
  recordIds: string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const part of chunk([...new Set(recordIds)], 500)) {
    const rows = await db
      .selectFrom('sync_links')
      .select(['record_id', 'mailbox_id'])
      .where('entity', '=', entity)
      .where('record_id', 'in', part)
      // With or without its key: a meeting the CRM wrote is its organizer's copy before a read
      // has told its link the key Exchange gave it.
      .where('shared_role', '=', 'organizer')
      .where('state', '=', 'linked')
      .execute();
    for (const r of rows) out.set(r.record_id!, [...(out.get(r.record_id!) ?? []), r.mailbox_id]);
  }
  return out;
}

/**
 * A sync wrote a shared record (from Exchange, so no CRM edit is in it): the attendees' links
 * that were current with the record stay current. A link already behind (a CRM edit it could
 * not write) stays behind.
 */
export async function advanceCurrentAttendeeLinks(
  db: Db,
  entity: string,
  recordId: string,
  before: number,
  after: number,
): Promise<void> {
  await db
    .updateTable('sync_links')
    .set({ record_version: after })
    .where('entity', '=', entity)
    .where('record_id', '=', recordId)
    .where('shared_role', '=', 'attendee')
    .where('record_version', '=', before)
    .execute();
}

/** The records among these that came from Exchange: some mailbox's link imported them. */
export async function recordsImported(db: Db, entity: string, recordIds: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const part of chunk([...new Set(recordIds)], 500)) {
    const rows = await db
      .selectFrom('sync_links')
      .select('record_id')
      .where('entity', '=', entity)
      .where('record_id', 'in', part)
      .where('origin', '=', 'import')
      .execute();
    for (const r of rows) out.add(r.record_id!);
  }
  return out;
}
