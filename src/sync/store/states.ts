// Owner of `sync_states`: one row per mailbox and entity holding the run lease (claimed by
// compare-and-set, so two workers never sync one mailbox at once), the run asked for and not
// started yet, the folder cursors, the CRM journal version synced up to, and a run held by the
// mass-delete guard, and the folder listing a run may reuse. Every change of such a row is one
// function here.
import type { FolderNode } from '../../connectors/types.ts';
import type { Db, SyncScope } from './scope.ts';

export interface SyncState {
  cursors: Record<string, string>;
  journalVersion: number | null;
  fullPassSince: number | null;
  scopeHash: string | null;
  held: string | null;
  holdDecision: 'approve' | 'unlink' | null;
  /** The entity's folders as a run last listed them, kept for the runs after it (engine.ts). */
  folderListing: FolderListing | null;
}

/** A folder listing kept with the state: the folders flat (children empty), and when it was taken. */
export interface FolderListing {
  listedAt: string;
  folders: FolderNode[];
}

export type HoldDecision = 'approve' | 'unlink';

function stateRow(db: Db, scope: SyncScope) {
  return db
    .updateTable('sync_states')
    .where('mailbox_id', '=', scope.mailboxId)
    .where('entity', '=', scope.entity);
}

/** Creates the scope's row when it has none yet. */
async function ensureState(db: Db, scope: SyncScope, now: Date): Promise<void> {
  await db
    .insertInto('sync_states')
    .values({
      mailbox_id: scope.mailboxId,
      entity: scope.entity,
      cursors: '{}',
      updated_at: now.toISOString(),
    })
    .onConflict((oc) => oc.columns(['mailbox_id', 'entity']).doNothing())
    .execute();
}

/** Takes the lease when it is free or expired: one atomic update, so only one worker wins. */
export async function claimLease(
  db: Db,
  scope: SyncScope,
  owner: string,
  now: Date,
  leaseMs: number,
): Promise<boolean> {
  await ensureState(db, scope, now);
  const result = await stateRow(db, scope)
    .set({ lease_owner: owner, lease_until: new Date(now.getTime() + leaseMs).toISOString() })
    .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_until', '<', now.toISOString())]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Extends the lease `owner` holds; false when it no longer holds it. */
export async function renewLease(
  db: Db,
  scope: SyncScope,
  owner: string,
  now: Date,
  leaseMs: number,
): Promise<boolean> {
  const result = await stateRow(db, scope)
    .set({ lease_until: new Date(now.getTime() + leaseMs).toISOString() })
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Frees the lease if `owner` still holds it. */
export async function releaseLease(db: Db, scope: SyncScope, owner: string): Promise<void> {
  await stateRow(db, scope)
    .set({ lease_owner: null, lease_until: null })
    .where('lease_owner', '=', owner)
    .execute();
}

/** The owners of every lease held now, whatever its mailbox. */
export async function leaseOwners(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('sync_states')
    .select('lease_owner')
    .distinct()
    .where('lease_owner', 'is not', null)
    .execute();
  return rows.map((r) => r.lease_owner!);
}

/** Frees every lease `owner` holds (its process is known to be gone); returns how many. */
export async function releaseLeasesOf(db: Db, owner: string): Promise<number> {
  const result = await db
    .updateTable('sync_states')
    .set({ lease_owner: null, lease_until: null })
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Asks for a run (kept across restarts until a run claims the mailbox); `at`: not before. */
export async function requestRun(db: Db, scope: SyncScope, trigger: string, at: Date): Promise<void> {
  await ensureState(db, scope, at);
  await stateRow(db, scope).set({ requested_at: at.toISOString(), requested_trigger: trigger }).execute();
}

/** A run started (or the request was refused): nothing waits any more. */
export async function clearRunRequest(db: Db, scope: SyncScope): Promise<void> {
  await stateRow(db, scope).set({ requested_at: null, requested_trigger: null }).execute();
}

/** Runs asked for and not started yet (queued before a restart, or retries). */
export async function requestedRuns(
  db: Db,
): Promise<Array<{ mailboxId: string; entity: string; trigger: string; at: string }>> {
  const rows = await db
    .selectFrom('sync_states')
    .select(['mailbox_id', 'entity', 'requested_trigger', 'requested_at'])
    .where('requested_at', 'is not', null)
    .execute();
  return rows.map((r) => ({
    mailboxId: r.mailbox_id,
    entity: r.entity,
    trigger: r.requested_trigger ?? 'manual',
    at: r.requested_at!,
  }));
}

/** The scope's state; a scope never synced has no cursors and no journal version. */
export async function readState(db: Db, scope: SyncScope): Promise<SyncState> {
  const row = await db
    .selectFrom('sync_states')
    .selectAll()
    .where('mailbox_id', '=', scope.mailboxId)
    .where('entity', '=', scope.entity)
    .executeTakeFirst();
  return {
    cursors: row ? (JSON.parse(row.cursors) as Record<string, string>) : {},
    journalVersion: row?.journal_version === null || row === undefined ? null : Number(row.journal_version),
    fullPassSince: row?.full_pass_since === null || row === undefined ? null : Number(row.full_pass_since),
    scopeHash: row?.scope_hash ?? null,
    held: row?.held ?? null,
    holdDecision: (row?.hold_decision as SyncState['holdDecision']) ?? null,
    folderListing:
      row?.folders && row.folders_listed_at
        ? { listedAt: row.folders_listed_at, folders: JSON.parse(row.folders) as FolderNode[] }
        : null,
  };
}

/** Keeps the folders a run listed (flat, without children), for the runs after it. */
export async function saveFolderListing(db: Db, scope: SyncScope, listing: FolderListing): Promise<void> {
  const flat = listing.folders.map(({ children: _children, ...folder }) => ({ ...folder, children: [] }));
  await stateRow(db, scope)
    .set({ folders: JSON.stringify(flat), folders_listed_at: listing.listedAt })
    .execute();
}

/**
 * Saves (or, with null, forgets) the position a folder was read up to. Pass a transaction to save
 * it together with what the read of the page changed.
 */
export async function saveCursor(
  db: Db,
  scope: SyncScope,
  folderId: string,
  cursor: string | null,
  now: Date,
): Promise<void> {
  const { cursors } = await readState(db, scope);
  if (cursor === null) delete cursors[folderId];
  else cursors[folderId] = cursor;
  await stateRow(db, scope)
    .set({ cursors: JSON.stringify(cursors), updated_at: now.toISOString() })
    .execute();
}

/** The CRM journal is synced up to `version` for this export scope; a full pass is over. */
export async function saveJournalVersion(
  db: Db,
  scope: SyncScope,
  version: number | null,
  scopeHash: string,
  now: Date,
): Promise<void> {
  await stateRow(db, scope)
    .set({
      journal_version: version,
      scope_hash: scopeHash,
      full_pass_since: null,
      updated_at: now.toISOString(),
    })
    .execute();
}

/** Remembers where a first full pass began, so that a resumed pass still sees later edits. */
export async function beginFullPass(db: Db, scope: SyncScope, head: number): Promise<void> {
  await stateRow(db, scope).set({ full_pass_since: head }).where('full_pass_since', 'is', null).execute();
}

/** The mass-delete guard stopped the run: it waits for an administrator's decision. */
export async function holdRun(db: Db, scope: SyncScope, reason: string): Promise<void> {
  await stateRow(db, scope).set({ held: reason, hold_decision: null }).execute();
}

/** An administrator's answer to a held run: delete as planned, or unlink instead. */
export async function decideHold(db: Db, scope: SyncScope, decision: HoldDecision): Promise<void> {
  await stateRow(db, scope).set({ hold_decision: decision }).execute();
}

/** The held run was carried out (or nothing is held any more). */
export async function clearHold(db: Db, scope: SyncScope): Promise<void> {
  await stateRow(db, scope).set({ held: null, hold_decision: null }).execute();
}

/** Runs held in any of these mailboxes, by mailbox and entity. */
export async function heldRunsIn(
  db: Db,
  mailboxIds: string[],
): Promise<Array<SyncScope & { reason: string; decision: HoldDecision | null }>> {
  if (mailboxIds.length === 0) return [];
  const rows = await db
    .selectFrom('sync_states')
    .select(['mailbox_id', 'entity', 'held', 'hold_decision'])
    .where('mailbox_id', 'in', mailboxIds)
    .where('held', 'is not', null)
    .orderBy('mailbox_id')
    .orderBy('entity')
    .execute();
  return rows.map((r) => ({
    mailboxId: r.mailbox_id,
    entity: r.entity,
    reason: r.held ?? '',
    decision: (r.hold_decision as HoldDecision | null) ?? null,
  }));
}
