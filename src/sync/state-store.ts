// Where the engine keeps its state: the sync state row of a mailbox and entity (claimed with a
// compare-and-set lease so two workers never sync one mailbox at once), links, run records,
// conflicts and export tags. Only this file speaks SQL for the engine.
import type { Kysely } from 'kysely';
import { newId } from '../crm/ids.ts';
import { chunk } from '../crm/rows.ts';
import type { Database, SyncLinksTable } from '../db/schema.ts';
import type { ConflictRecord, LinkState, UpdateIntent } from './planner.ts';
import type { NotExported, RunCounts, RunError, RunStatus, SkippedEntry, Snapshot } from './types.ts';

type Db = Kysely<Database>;

export interface SyncState {
  cursors: Record<string, string>;
  journalVersion: number | null;
  fullPassSince: number | null;
  scopeHash: string | null;
  held: string | null;
  holdDecision: 'approve' | 'unlink' | null;
}

/** A link row, whether settled or an intent waiting for the other side. */
export interface StoredLink {
  id: string;
  recordId: string | null;
  folderId: string;
  itemId: string | null;
  itemVersion: string | null;
  recordVersion: number | null;
  state: SyncLinksTable['state'];
  origin: 'import' | 'export';
  snapshot: Snapshot;
  fingerprint: string | null;
  intentJournalVersion: number | null;
  intentPosition: number | null;
  deleteMark: 'exchange' | 'crm' | null;
  notExported: NotExported[];
  /** An update begun but not recorded: the run writing it was interrupted (or its write failed). */
  updateIntent: UpdateIntent | null;
}

export function settled(link: StoredLink): LinkState {
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
  };
}

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

export interface RunRecord {
  id: string;
  mailboxId: string;
  entity: string;
  trigger: string;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  counts: RunCounts;
  conflicts: number;
  skipped: SkippedEntry[];
  errors: RunError[];
  exchangeRequests: number | null;
}

export class SyncStore {
  readonly db: Db;
  readonly mailboxId: string;
  readonly entity: string;

  constructor(db: Db, mailboxId: string, entity: string) {
    this.db = db;
    this.mailboxId = mailboxId;
    this.entity = entity;
  }

  private stateRow() {
    return this.db
      .updateTable('sync_states')
      .where('mailbox_id', '=', this.mailboxId)
      .where('entity', '=', this.entity);
  }

  // ---------- state and lease ----------

  async ensureState(now: string): Promise<void> {
    await this.db
      .insertInto('sync_states')
      .values({ mailbox_id: this.mailboxId, entity: this.entity, cursors: '{}', updated_at: now })
      .onConflict((oc) => oc.columns(['mailbox_id', 'entity']).doNothing())
      .execute();
  }

  /** Takes the lease when it is free or expired: one atomic update, so only one worker wins. */
  async claim(owner: string, now: Date, leaseMs: number): Promise<boolean> {
    await this.ensureState(now.toISOString());
    const result = await this.stateRow()
      .set({ lease_owner: owner, lease_until: new Date(now.getTime() + leaseMs).toISOString() })
      .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_until', '<', now.toISOString())]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async renew(owner: string, now: Date, leaseMs: number): Promise<boolean> {
    const result = await this.stateRow()
      .set({ lease_until: new Date(now.getTime() + leaseMs).toISOString() })
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async release(owner: string): Promise<void> {
    await this.stateRow()
      .set({ lease_owner: null, lease_until: null })
      .where('lease_owner', '=', owner)
      .execute();
  }

  /** Asks for a run (kept across restarts until a run claims the mailbox); `at`: not before. */
  async request(trigger: string, at: Date): Promise<void> {
    await this.ensureState(at.toISOString());
    await this.stateRow().set({ requested_at: at.toISOString(), requested_trigger: trigger }).execute();
  }

  /** A run started (or the request was refused): nothing waits any more. */
  async clearRequest(): Promise<void> {
    await this.stateRow().set({ requested_at: null, requested_trigger: null }).execute();
  }

  async state(): Promise<SyncState> {
    const row = await this.db
      .selectFrom('sync_states')
      .selectAll()
      .where('mailbox_id', '=', this.mailboxId)
      .where('entity', '=', this.entity)
      .executeTakeFirst();
    return {
      cursors: row ? (JSON.parse(row.cursors) as Record<string, string>) : {},
      journalVersion: row?.journal_version === null || row === undefined ? null : Number(row.journal_version),
      fullPassSince: row?.full_pass_since === null || row === undefined ? null : Number(row.full_pass_since),
      scopeHash: row?.scope_hash ?? null,
      held: row?.held ?? null,
      holdDecision: (row?.hold_decision as SyncState['holdDecision']) ?? null,
    };
  }

  async saveCursor(folderId: string, cursor: string | null): Promise<void> {
    const { cursors } = await this.state();
    if (cursor === null) delete cursors[folderId];
    else cursors[folderId] = cursor;
    await this.stateRow()
      .set({ cursors: JSON.stringify(cursors), updated_at: new Date().toISOString() })
      .execute();
  }

  async saveJournalVersion(version: number | null, scopeHash: string): Promise<void> {
    await this.stateRow()
      .set({
        journal_version: version,
        scope_hash: scopeHash,
        full_pass_since: null,
        updated_at: new Date().toISOString(),
      })
      .execute();
  }

  /** Remembers where a first full pass began, so that a resumed pass still sees later edits. */
  async beginFullPass(head: number): Promise<void> {
    await this.stateRow().set({ full_pass_since: head }).where('full_pass_since', 'is', null).execute();
  }

  async hold(reason: string): Promise<void> {
    await this.stateRow().set({ held: reason, hold_decision: null }).execute();
  }

  /** An administrator's answer to a held run: delete as planned, or unlink instead. */
  async decideHold(decision: 'approve' | 'unlink'): Promise<void> {
    await this.stateRow().set({ hold_decision: decision }).execute();
  }

  async clearHold(): Promise<void> {
    await this.stateRow().set({ held: null, hold_decision: null }).execute();
  }

  // ---------- links ----------

  private links() {
    return this.db
      .selectFrom('sync_links')
      .selectAll()
      .where('mailbox_id', '=', this.mailboxId)
      .where('entity', '=', this.entity);
  }

  async linksByItem(itemIds: string[]): Promise<Map<string, StoredLink>> {
    const out = new Map<string, StoredLink>();
    for (const part of chunk([...new Set(itemIds)], 500)) {
      for (const row of await this.links().where('item_id', 'in', part).execute())
        out.set(row.item_id!, fromRow(row));
    }
    return out;
  }

  async linksByRecord(recordIds: string[]): Promise<Map<string, StoredLink>> {
    const out = new Map<string, StoredLink>();
    for (const part of chunk([...new Set(recordIds)], 500)) {
      for (const row of await this.links().where('record_id', 'in', part).execute())
        out.set(row.record_id!, fromRow(row));
    }
    return out;
  }

  async linksInState(state: SyncLinksTable['state']): Promise<StoredLink[]> {
    return (await this.links().where('state', '=', state).execute()).map(fromRow);
  }

  async countLinked(): Promise<number> {
    const row = await this.db
      .selectFrom('sync_links')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('mailbox_id', '=', this.mailboxId)
      .where('entity', '=', this.entity)
      .where('state', '=', 'linked')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Drops the links of folders no longer synced (their records stay); returns how many. */
  /** Folders that linked items are in, other than these. */
  async linkedFoldersOutside(folderIds: string[]): Promise<string[]> {
    let q = this.db
      .selectFrom('sync_links')
      .select('folder_id')
      .distinct()
      .where('mailbox_id', '=', this.mailboxId)
      .where('entity', '=', this.entity)
      .where('state', '=', 'linked');
    if (folderIds.length > 0) q = q.where('folder_id', 'not in', folderIds);
    return (await q.execute()).map((r) => r.folder_id);
  }

  /** Drops the links of folders no longer synced; links marked for delete wait for the guard. */
  async deleteLinksOutside(folderIds: string[]): Promise<number> {
    let q = this.db
      .deleteFrom('sync_links')
      .where('mailbox_id', '=', this.mailboxId)
      .where('entity', '=', this.entity)
      .where('state', '=', 'linked')
      .where('delete_mark', 'is', null);
    if (folderIds.length > 0) q = q.where('folder_id', 'not in', folderIds);
    const result = await q.executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async countMarkedForDelete(): Promise<number> {
    const row = await this.db
      .selectFrom('sync_links')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('mailbox_id', '=', this.mailboxId)
      .where('entity', '=', this.entity)
      .where('delete_mark', 'is not', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Links marked for delete, a page at a time in id order (a run's memory must not grow with them). */
  async markedForDeleteAfter(afterId: string | null, limit: number): Promise<StoredLink[]> {
    let q = this.links().where('delete_mark', 'is not', null);
    if (afterId !== null) q = q.where('id', '>', afterId);
    return (await q.orderBy('id').limit(limit).execute()).map(fromRow);
  }

  // ---------- what the reads of a run listed ----------
  // Kept on the link rows, not in sets of ids, so that a run's memory does not grow with the
  // mailbox. A mark names one read of one run (see the engine's readFolder).

  /** Before a read from scratch: the folder's linked items carry `mark` until the read lists them. */
  async markUnlisted(folderId: string, mark: string): Promise<void> {
    await this.db
      .updateTable('sync_links')
      .set({ listed_in: mark })
      .where('mailbox_id', '=', this.mailboxId)
      .where('entity', '=', this.entity)
      .where('folder_id', '=', folderId)
      .where('state', '=', 'linked')
      .execute();
  }

  /** Notes that `read` listed these items; returns the records now linked to them. */
  async markListed(itemIds: string[], read: string): Promise<Set<string>> {
    const out = new Set<string>();
    for (const part of chunk([...new Set(itemIds)], 500)) {
      const rows = await this.db
        .updateTable('sync_links')
        .set({ listed_in: read })
        .where('mailbox_id', '=', this.mailboxId)
        .where('entity', '=', this.entity)
        .where('item_id', 'in', part)
        .returning('record_id')
        .execute();
      for (const row of rows) if (row.record_id !== null) out.add(row.record_id);
    }
    return out;
  }

  /** A page, in id order, of the folder's linked, unmarked-for-delete items still carrying `mark`. */
  async stillUnlisted(
    folderId: string,
    mark: string,
    afterId: string | null,
    limit: number,
  ): Promise<Array<{ id: string; itemId: string }>> {
    let q = this.db
      .selectFrom('sync_links')
      .select(['id', 'item_id'])
      .where('mailbox_id', '=', this.mailboxId)
      .where('entity', '=', this.entity)
      .where('listed_in', '=', mark)
      .where('folder_id', '=', folderId)
      .where('state', '=', 'linked')
      .where('delete_mark', 'is', null)
      .where('item_id', 'is not', null);
    if (afterId !== null) q = q.where('id', '>', afterId);
    const rows = await q.orderBy('id').limit(limit).execute();
    return rows.map((r) => ({ id: r.id, itemId: r.item_id! }));
  }

  /** Of these records, those whose link one of `reads` listed. */
  async listedRecords(recordIds: string[], reads: string[]): Promise<Set<string>> {
    const out = new Set<string>();
    if (reads.length === 0) return out;
    for (const part of chunk([...new Set(recordIds)], 500)) {
      const rows = await this.db
        .selectFrom('sync_links')
        .select('record_id')
        .where('mailbox_id', '=', this.mailboxId)
        .where('entity', '=', this.entity)
        .where('record_id', 'in', part)
        .where('listed_in', 'in', reads)
        .execute();
      for (const row of rows) if (row.record_id !== null) out.add(row.record_id);
    }
    return out;
  }

  async insertLinks(
    links: Array<
      Omit<StoredLink, 'id' | 'deleteMark' | 'notExported' | 'updateIntent'> & { notExported?: NotExported[] }
    >,
  ): Promise<string[]> {
    const now = new Date().toISOString();
    const ids = links.map(() => newId());
    for (const part of chunk(
      links.map((l, i) => ({
        id: ids[i],
        mailbox_id: this.mailboxId,
        entity: this.entity,
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
        created_at: now,
        updated_at: now,
      })),
      200,
    ))
      await this.db.insertInto('sync_links').values(part).execute();
    return ids;
  }

  async updateLink(
    id: string,
    patch: Partial<{
      recordId: string;
      itemId: string;
      itemVersion: string;
      recordVersion: number;
      state: SyncLinksTable['state'];
      snapshot: Snapshot;
      notExported: NotExported[];
      deleteMark: 'exchange' | 'crm' | null;
      folderId: string;
      intentJournalVersion: number | null;
      intentPosition: number | null;
      updateIntent: UpdateIntent | null;
    }>,
    db: Db = this.db,
  ): Promise<void> {
    const set: Partial<Record<keyof SyncLinksTable, unknown>> = { updated_at: new Date().toISOString() };
    if (patch.recordId !== undefined) set.record_id = patch.recordId;
    if (patch.itemId !== undefined) set.item_id = patch.itemId;
    if (patch.itemVersion !== undefined) set.item_version = patch.itemVersion;
    if (patch.recordVersion !== undefined) set.record_version = patch.recordVersion;
    if (patch.state !== undefined) {
      set.state = patch.state;
      if (patch.state === 'linked') {
        set.fingerprint = null;
        set.intent_journal_version = null;
        set.intent_position = null;
      }
    }
    if (patch.snapshot !== undefined) set.snapshot = JSON.stringify(patch.snapshot);
    if (patch.notExported !== undefined) set.not_exported = JSON.stringify(patch.notExported);
    if (patch.deleteMark !== undefined) set.delete_mark = patch.deleteMark;
    if (patch.folderId !== undefined) set.folder_id = patch.folderId;
    if (patch.intentJournalVersion !== undefined) set.intent_journal_version = patch.intentJournalVersion;
    if (patch.intentPosition !== undefined) set.intent_position = patch.intentPosition;
    if (patch.updateIntent !== undefined)
      set.update_intent = patch.updateIntent === null ? null : JSON.stringify(patch.updateIntent);
    await db
      .updateTable('sync_links')
      .set(set as Partial<SyncLinksTable>)
      .where('id', '=', id)
      .execute();
  }

  /**
   * Stores update intents, with the base each was planned against, before any of their writes:
   * one transaction for a batch of updates.
   */
  async recordUpdateIntents(
    intents: Array<{ id: string; snapshot: Snapshot; intent: UpdateIntent }>,
  ): Promise<void> {
    if (intents.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const i of intents)
        await this.updateLink(i.id, { snapshot: i.snapshot, updateIntent: i.intent }, trx);
    });
  }

  async deleteLinks(ids: string[]): Promise<void> {
    for (const part of chunk(ids, 500))
      await this.db.deleteFrom('sync_links').where('id', 'in', part).execute();
  }

  /** Marks deletes for the guard and saves the folder cursor in one transaction. */
  async markDeletesAndSaveCursor(
    marks: Array<{ id: string; side: 'exchange' | 'crm' }>,
    folderId: string | undefined,
    cursor: string | undefined,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const m of marks) await this.updateLink(m.id, { deleteMark: m.side }, trx);
      if (folderId !== undefined && cursor !== undefined) {
        const row = await trx
          .selectFrom('sync_states')
          .select('cursors')
          .where('mailbox_id', '=', this.mailboxId)
          .where('entity', '=', this.entity)
          .executeTakeFirstOrThrow();
        const cursors = JSON.parse(row.cursors) as Record<string, string>;
        cursors[folderId] = cursor;
        await trx
          .updateTable('sync_states')
          .set({ cursors: JSON.stringify(cursors), updated_at: new Date().toISOString() })
          .where('mailbox_id', '=', this.mailboxId)
          .where('entity', '=', this.entity)
          .execute();
      }
    });
  }

  /** What stayed in the CRM for a record (B4), with the reasons. */
  async notExported(recordId: string): Promise<NotExported[]> {
    const link = (await this.linksByRecord([recordId])).get(recordId);
    return link?.notExported ?? [];
  }

  // ---------- runs ----------

  async startRun(trigger: string, now: Date): Promise<string> {
    const id = newId(now.getTime());
    // A run still marked running was killed: it is over.
    await this.db
      .updateTable('sync_runs')
      .set({ status: 'abandoned', finished_at: now.toISOString() })
      .where('mailbox_id', '=', this.mailboxId)
      .where('entity', '=', this.entity)
      .where('status', '=', 'running')
      .execute();
    await this.db
      .insertInto('sync_runs')
      .values({
        id,
        mailbox_id: this.mailboxId,
        entity: this.entity,
        trigger,
        status: 'running',
        started_at: now.toISOString(),
        finished_at: null,
        duration_ms: null,
        counts: JSON.stringify(emptyCounts()),
        conflicts: 0,
        skipped: '[]',
        errors: '[]',
        exchange_requests: null,
      })
      .execute();
    return id;
  }

  async finishRun(
    id: string,
    result: {
      status: RunStatus;
      counts: RunCounts;
      conflicts: number;
      skipped: SkippedEntry[];
      errors: RunError[];
      /** Entries the run only counted (see RunTally). */
      unlisted?: { skipped: number; errors: number };
      startedAt: Date;
      exchangeRequests?: number;
    },
  ): Promise<void> {
    const finished = new Date();
    // A record lists so many entries and says how many more there were.
    const limit = 1000;
    const more = (list: unknown[], counted = 0) => Math.max(0, list.length - limit) + counted;
    const skipped: SkippedEntry[] = result.skipped.slice(0, limit);
    const moreSkipped = more(result.skipped, result.unlisted?.skipped);
    if (moreSkipped > 0)
      skipped.push({
        ref: 'run',
        reason: `${moreSkipped} more skipped values are not listed here; a run lists the first ${limit}.`,
      });
    const errors: RunError[] = result.errors.slice(0, limit);
    const moreErrors = more(result.errors, result.unlisted?.errors);
    if (moreErrors > 0)
      errors.push({
        ref: 'run',
        code: 'not_listed',
        message: `${moreErrors} more errors are not listed here; a run lists the first ${limit}.`,
      });
    await this.db
      .updateTable('sync_runs')
      .set({
        status: result.status,
        finished_at: finished.toISOString(),
        duration_ms: finished.getTime() - result.startedAt.getTime(),
        counts: JSON.stringify(result.counts),
        conflicts: result.conflicts,
        skipped: JSON.stringify(skipped),
        errors: JSON.stringify(errors),
        exchange_requests: result.exchangeRequests ?? null,
      })
      .where('id', '=', id)
      .execute();
  }

  /** The counts so far of a run in progress, saved after each page it applied. */
  async saveProgress(id: string, tally: { counts: RunCounts; conflicts: number }): Promise<void> {
    await this.db
      .updateTable('sync_runs')
      .set({ counts: JSON.stringify(tally.counts), conflicts: tally.conflicts })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .execute();
  }

  async runs(limit = 50): Promise<RunRecord[]> {
    const rows = await this.db
      .selectFrom('sync_runs')
      .selectAll()
      .where('mailbox_id', '=', this.mailboxId)
      .where('entity', '=', this.entity)
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      mailboxId: r.mailbox_id,
      entity: r.entity,
      trigger: r.trigger,
      status: r.status,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
      counts: JSON.parse(r.counts) as RunCounts,
      conflicts: Number(r.conflicts),
      skipped: JSON.parse(r.skipped) as SkippedEntry[],
      errors: JSON.parse(r.errors) as RunError[],
      exchangeRequests: r.exchange_requests === null ? null : Number(r.exchange_requests),
    }));
  }

  // ---------- conflicts ----------

  async recordConflict(
    runId: string,
    link: { recordId: string; itemId: string },
    conflict: ConflictRecord,
  ): Promise<void> {
    await this.db
      .insertInto('sync_conflicts')
      .values({
        id: newId(),
        mailbox_id: this.mailboxId,
        entity: this.entity,
        run_id: runId,
        record_id: link.recordId,
        item_id: link.itemId,
        fields: JSON.stringify(conflict.fields),
        base: JSON.stringify(conflict.base),
        crm_version: conflict.crm === null ? null : JSON.stringify(conflict.crm),
        exchange_version: conflict.exchange === null ? null : JSON.stringify(conflict.exchange),
        resolution: conflict.resolution,
        at: new Date().toISOString(),
      })
      .execute();
  }

  async conflicts(limit = 100): Promise<ConflictView[]> {
    const rows = await this.db
      .selectFrom('sync_conflicts')
      .selectAll()
      .where('mailbox_id', '=', this.mailboxId)
      .where('entity', '=', this.entity)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    const parse = (v: string | null) => (v === null ? null : (JSON.parse(v) as Snapshot));
    return rows.map((r) => ({
      id: r.id,
      runId: r.run_id,
      recordId: r.record_id,
      itemId: r.item_id,
      fields: JSON.parse(r.fields) as string[],
      base: parse(r.base),
      crm: parse(r.crm_version),
      exchange: parse(r.exchange_version),
      resolution: r.resolution,
      at: r.at,
    }));
  }

  // ---------- tags (B3) ----------

  async tag(recordIds: string[]): Promise<void> {
    const now = new Date().toISOString();
    for (const id of recordIds) {
      await this.db
        .insertInto('sync_tags')
        .values({ mailbox_id: this.mailboxId, entity: this.entity, record_id: id, created_at: now })
        .onConflict((oc) => oc.columns(['mailbox_id', 'entity', 'record_id']).doNothing())
        .execute();
    }
  }

  async untag(recordIds: string[]): Promise<void> {
    for (const part of chunk(recordIds, 500))
      await this.db
        .deleteFrom('sync_tags')
        .where('mailbox_id', '=', this.mailboxId)
        .where('entity', '=', this.entity)
        .where('record_id', 'in', part)
        .execute();
  }

  async tagged(recordIds: string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (const part of chunk([...new Set(recordIds)], 500)) {
      const rows = await this.db
        .selectFrom('sync_tags')
        .select('record_id')
        .where('mailbox_id', '=', this.mailboxId)
        .where('entity', '=', this.entity)
        .where('record_id', 'in', part)
        .execute();
      for (const r of rows) out.add(r.record_id);
    }
    return out;
  }
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

export function emptyCounts(): RunCounts {
  const zero = () => ({ created: 0, updated: 0, deleted: 0, unlinked: 0 });
  return { import: zero(), export: zero() };
}
