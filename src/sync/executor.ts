// Carries out the planner's actions against the CRM, Exchange and the link table, in the order
// that lets an interrupted run resume without duplicates or mistaking its own writes for edits:
// an intent (a row before every create, a note on the link before every update), the writes
// next, the link last. Deletes are only marked here; the engine runs
// them after the mass-delete guard. RECOVERY at the top of engine.ts says how the next run
// resumes from each of these steps; docs/mapping.md ("Idempotency") gives the reasons.
import { setTimeout as sleep } from 'node:timers/promises';
import { type ConnectorError, isConnectorError } from '../connectors/errors.ts';
import type { CreateResult, ExchangeConnector, FolderRef } from '../connectors/types.ts';
import { isCrmError, notFound } from '../crm/errors.ts';
import { newId } from '../crm/ids.ts';
import type { Crm } from '../crm/index.ts';
import type { Principal } from '../crm/principal.ts';
import type { Action, LinkState } from './planner.ts';
import { fingerprint } from './snapshot.ts';
import { recordConflict } from './store/conflicts.ts';
import type { DeleteMark } from './store/links.ts';
import * as linkStore from './store/links.ts';
import type { Db, SyncScope } from './store/scope.ts';
import * as sharedStore from './store/shared.ts';
import type { EntityDefinition, RunCounts, RunError, SkippedEntry } from './types.ts';

/** Sees every record, deleted ones aside: to tell a shared key's record from a tombstone. */
const ADMIN_VIEW: Principal = { userId: '', roleIds: [], operations: new Set(), isAdmin: true };

/** How long an import waits for another mailbox's run to make the record of a key it claimed. */
const CLAIM_WAIT_MS = 3_000;

/** Thrown by the test hook to simulate a killed process: nothing is cleaned up. */
export class SimulatedCrash extends Error {
  readonly step: string;
  constructor(step: string) {
    super(`simulated crash at ${step}`);
    this.name = 'SimulatedCrash';
    this.step = step;
  }
}

/**
 * A run stopped from outside its work: its time or page budget ran out, its lease was lost, or
 * the server is shutting down. Never an item's failure: it ends the run.
 */
export class RunStopped extends Error {
  readonly code: 'run_time_budget' | 'run_page_budget' | 'lease_lost' | 'shutdown';
  constructor(code: RunStopped['code'], message: string) {
    super(message);
    this.name = 'RunStopped';
    this.code = code;
  }
}

/**
 * Creates per `createItems` call unless the connector takes more (`createItemsLimit`): one EWS
 * CreateItem of many items.
 */
const CREATE_BATCH = 100;

export type Checkpoint = (step: string) => Promise<void>;

/** Skipped values and errors a run lists, in memory and in its record; the rest are counted. */
export const LISTED_PER_RUN = 1000;

export interface RunTally {
  counts: RunCounts;
  conflicts: number;
  skipped: SkippedEntry[];
  errors: RunError[];
  /** How many skipped values and errors there were beyond the first LISTED_PER_RUN. */
  beyondListed: { skipped: number; errors: number };
  /** A change could not be applied and must be read again next run. */
  blocked: boolean;
}

/** Lists an entry while there is room, so that a run's memory does not grow with its failures. */
function note<K extends 'skipped' | 'errors'>(tally: RunTally, list: K, entry: RunTally[K][number]): void {
  if (tally[list].length < LISTED_PER_RUN) (tally[list] as Array<RunTally[K][number]>).push(entry);
  else tally.beyondListed[list]++;
}

export interface ExecutionContext {
  crm: Crm;
  principal: Principal;
  connector: ExchangeConnector;
  entity: EntityDefinition;
  options: unknown;
  /** The database and the run's mailbox and entity, for the link table and the conflict log. */
  db: Db;
  scope: SyncScope;
  /** The engine's clock. */
  now: () => Date;
  runId: string;
  tally: RunTally;
  checkpoint: Checkpoint;
  /** Journal head before this batch's CRM writes (where import adoption looks). */
  journalHead(): Promise<number>;
  /** Items already read this run, to spare a GetItem when writing back. */
  knownItems: Map<string, unknown>;
  /** Folders this run created items in. */
  createdIn: Set<string>;
}

export type { DeleteMark };

const folderRef = (ctx: ExecutionContext, id: string) =>
  ({ kind: ctx.entity.folderKind, id }) as FolderRef & { kind: typeof ctx.entity.folderKind };

function describe(error: unknown): { code: string; message: string } {
  if (isConnectorError(error))
    return { code: `exchange_${(error as ConnectorError).code}`, message: error.message };
  if (isCrmError(error)) return { code: `crm_${error.code}`, message: error.message };
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}

/** A failure that a later run can fix (busy server, concurrent edit): read the change again. */
function isRetryableFailure(error: unknown): boolean {
  if (isConnectorError(error))
    return ['throttled', 'transient', 'conflict', 'not_found', 'needs_sign_in'].includes(error.code);
  return isCrmError(error, 'conflict') || isCrmError(error, 'not_found');
}

/** The server refused the request as such, before writing anything: retrying it whole cannot help. */
function refusedWhole(error: unknown): boolean {
  return isConnectorError(error, 'permanent');
}

function fail(ctx: ExecutionContext, ref: string, error: unknown): void {
  if (error instanceof SimulatedCrash || error instanceof RunStopped) throw error;
  const { code, message } = describe(error);
  note(ctx.tally, 'errors', { ref, code, message });
  if (isRetryableFailure(error)) ctx.tally.blocked = true;
  else note(ctx.tally, 'skipped', { ref, reason: message });
}

/** Applies one batch of actions; returns the deletes to mark for the guard. */
export async function execute(ctx: ExecutionContext, actions: Action[]): Promise<DeleteMark[]> {
  const marks: DeleteMark[] = [];
  const { counts } = ctx.tally;
  const imports = actions.filter((a) => a.type === 'importCreate');
  const exports = actions.filter((a) => a.type === 'exportCreate');
  const updates = actions.filter((a) => a.type === 'update');
  const joins = actions.filter((a) => a.type === 'linkExisting');

  for (const action of actions) {
    switch (action.type) {
      case 'conflict':
        ctx.tally.conflicts++;
        await recordConflict(ctx.db, ctx.scope, ctx.runId, action.link, action.conflict, ctx.now());
        break;
      case 'unlink':
        if (action.keepsAgreed && action.link.shared)
          await sharedStore.keepAgreed(ctx.db, ctx.scope.entity, {
            key: action.link.shared.key,
            recordId: action.link.recordId,
            agreed: { snapshot: action.link.snapshot, recordVersion: action.link.recordVersion },
          });
        await linkStore.deleteLinks(ctx.db, [action.link.id]);
        if (action.recordDeleted) await releaseAttendeeCopies(ctx, action.link);
        if (action.side === 'crm') counts.export.unlinked++;
        else counts.import.unlinked++;
        break;
      case 'forget':
        await linkStore.deleteLinks(ctx.db, [action.link.id]);
        await releaseAttendeeCopies(ctx, action.link);
        break;
      case 'deleteRecord':
        marks.push({ id: action.link.id, side: 'exchange' });
        break;
      case 'deleteItem':
        marks.push({ id: action.link.id, side: 'crm' });
        break;
      case 'notWritten':
        // The organizer's cancellation stands, and the update takes it into the record.
        if (action.why === 'cancelled') {
          for (const part of action.parts ?? [])
            note(ctx.tally, 'skipped', {
              ref: `record ${action.link.recordId}`,
              reason: `not written to Exchange: ${part} was cancelled in ${ctx.connector.mailbox}'s calendar; Exchange cannot bring back a single cancelled occurrence, so it is cancelled in the CRM too`,
              recordId: action.link.recordId,
            });
          break;
        }
        // The edit stays in the CRM; the record page tells it from the link (docs/mapping.md).
        note(ctx.tally, 'skipped', {
          ref: `record ${action.link.recordId}`,
          reason:
            action.why === 'attendee'
              ? `not written to Exchange: ${ctx.connector.mailbox} is an attendee, not the organizer`
              : `not written to Exchange (${action.fields.join(', ')}): on Microsoft 365, changing a meeting with attendees sends them an update`,
          recordId: action.link.recordId,
        });
        break;
      default:
        break;
    }
  }
  const replaced = [...imports, ...exports].flatMap((a) => (a.replacesLink ? [a.replacesLink.id] : []));
  if (replaced.length > 0) await linkStore.deleteLinks(ctx.db, replaced);

  if (joins.length > 0) await linkExisting(ctx, joins);
  if (imports.length > 0) await importCreates(ctx, imports);
  if (exports.length > 0) await exportCreates(ctx, exports);
  if (updates.length > 0) await applyUpdates(ctx, updates);
  return marks;
}

type ImportCreate = Extract<Action, { type: 'importCreate' }>;
type ExportCreate = Extract<Action, { type: 'exportCreate' }>;
type Update = Extract<Action, { type: 'update' }>;
type LinkExisting = Extract<Action, { type: 'linkExisting' }>;

/**
 * Links each item to the record another mailbox's copy of it is linked to. Nothing is written
 * to either side, so the link is its own intent and record at once (RECOVERY, 1): a run killed
 * before it reads the item again and plans the same link.
 */
async function linkExisting(ctx: ExecutionContext, all: LinkExisting[]): Promise<void> {
  // One link per record in a mailbox: a second new copy of the same record waits for a later run.
  const seen = new Set<string>();
  const actions = all.filter((a) => !seen.has(a.recordId) && seen.add(a.recordId));
  // A link this mailbox still holds to the record is a stale copy (its item went away unseen, as
  // when a declined meeting comes back with a new item id): the new copy takes its place.
  const stale = [...(await linkStore.linksByRecord(ctx.db, ctx.scope, [...seen])).values()].filter(
    (l) => !actions.some((a) => a.itemId === l.itemId),
  );
  if (stale.length > 0) {
    await linkStore.deleteLinks(
      ctx.db,
      stale.map((l) => l.id),
    );
    ctx.tally.counts.import.unlinked += stale.length;
  }
  const insert = (db: Db) =>
    linkStore.insertLinks(
      db,
      ctx.scope,
      actions.map((a) => ({
        recordId: a.recordId,
        folderId: a.folderId,
        itemId: a.itemId,
        itemVersion: a.itemVersion,
        recordVersion: a.recordVersion,
        state: 'linked' as const,
        origin: 'import' as const,
        snapshot: a.snapshot,
        fingerprint: null,
        intentJournalVersion: null,
        intentPosition: null,
        shared: a.shared,
      })),
      ctx.now(),
    );
  // An organizer's copy linked to its deleted record uses up what the tombstone kept for it, in
  // the same transaction: a later read of the copy, once its link has let go, leaves it alone.
  const usedUp = actions.flatMap((a) => (a.recordDeleted ? [a.shared.key] : []));
  if (usedUp.length === 0) await insert(ctx.db);
  else
    await ctx.db.transaction().execute(async (trx) => {
      await insert(trx);
      await sharedStore.forgetAgreed(trx, ctx.scope.entity, usedUp);
    });
  await ctx.checkpoint('import:joined');
  for (const a of actions) {
    if (!a.shared.answer) continue;
    try {
      await carryAnswer(ctx, a.recordId, a.shared.answer);
    } catch (error) {
      fail(ctx, `record ${a.recordId} / item ${a.itemId}`, error);
    }
  }
}

async function importCreates(ctx: ExecutionContext, all: ImportCreate[]): Promise<void> {
  const { entity, options, db } = ctx;
  const claimed = await claimSharedKeys(ctx, all);
  if (claimed.length === 0) return;
  const actions = claimed.map((c) => c.action);
  const head = await ctx.journalHead();
  const inputs = actions.map((a) => entity.toCreate(a.snapshot, options, a.folderId));
  const intentIds = await linkStore.insertLinks(
    db,
    ctx.scope,
    actions.map((a, i) => ({
      id: claimed[i].linkId,
      recordId: null,
      folderId: a.folderId,
      itemId: a.itemId,
      itemVersion: a.itemVersion,
      recordVersion: null,
      state: 'import_pending' as const,
      origin: 'import' as const,
      snapshot: a.snapshot,
      fingerprint: null,
      intentJournalVersion: head,
      intentPosition: i,
      ...(a.shared ? { shared: a.shared } : {}),
    })),
    ctx.now(),
  );
  await ctx.checkpoint('import:intents');
  if (entity.beforeImport) await entity.beforeImport(inputs, ctx.crm, ctx.principal);
  const service = entity.service(ctx.crm);
  let created: Array<{ id: string; version: number } | undefined>;
  try {
    created = await service.createMany(ctx.principal, inputs);
  } catch (error) {
    if (error instanceof SimulatedCrash) throw error;
    // One bad item must not stop the others: fall back to one at a time. Each intent gets the
    // journal head of its own create, so recovery can still find exactly its record.
    created = [];
    for (const id of intentIds)
      await linkStore.noteImportAttempt(db, id, { journalVersion: null }, ctx.now());
    for (const [i, input] of inputs.entries()) {
      try {
        await linkStore.noteImportAttempt(
          db,
          intentIds[i],
          { journalVersion: await ctx.journalHead(), position: 0 },
          ctx.now(),
        );
        created.push(await service.create(ctx.principal, input));
      } catch (single) {
        fail(ctx, `item ${actions[i].itemId}`, single);
        created.push(undefined);
      }
    }
  }
  await ctx.checkpoint('import:created');
  for (const [i, record] of created.entries()) {
    if (!record) {
      await linkStore.deleteLinks(db, [intentIds[i]]);
      if (actions[i].shared) await sharedStore.releaseClaims(db, ctx.scope.entity, [intentIds[i]]);
      continue;
    }
    await linkStore.linkImported(
      db,
      intentIds[i],
      { recordId: record.id, recordVersion: record.version },
      ctx.now(),
    );
    if (actions[i].shared)
      await sharedStore.settleClaims(db, ctx.scope.entity, [{ linkId: intentIds[i], recordId: record.id }]);
    // The meeting made again after a CRM delete (its organizer's later change won): the copies
    // other mailboxes still tie to the deleted record are copies of this one.
    const replaced = actions[i].replacesLink;
    if (actions[i].shared && replaced)
      await sharedStore.repointAttendeeLinks(db, ctx.scope.entity, {
        key: actions[i].shared!.key,
        from: replaced.recordId,
        to: record.id,
        version: record.version,
      });
    ctx.tally.counts.import.created++;
  }
  await ctx.checkpoint('import:linked');
  // An attendee's copy: its answer as the attendee gave it (a copy's attendee list may not say).
  for (const [i, record] of created.entries()) {
    const answer = actions[i].shared?.answer;
    if (record && answer) await carryAnswer(ctx, record.id, answer);
  }
}

/**
 * Claims the shared keys of the items about to be imported (one record per key, whichever
 * mailbox's run gets there first). Returns the imports to carry out, each with the id its intent
 * is to have; an item whose key another import holds is linked to that import's record instead
 * (waiting a little while it is being made), or, when the key's record was deleted, left out:
 * a deleted meeting's copy is not imported again.
 */
async function claimSharedKeys(
  ctx: ExecutionContext,
  actions: ImportCreate[],
): Promise<Array<{ action: ImportCreate; linkId: string }>> {
  const all = actions.map((action) => ({ action, linkId: newId() }));
  const shared = all.filter((a) => a.action.shared);
  if (shared.length === 0) return all;
  await ctx.checkpoint('import:claiming');
  const entityName = ctx.scope.entity;
  // One claim per key, even when a mailbox holds two copies of one meeting.
  const first = new Map<string, string>();
  for (const a of shared) if (!first.has(a.action.shared!.key)) first.set(a.action.shared!.key, a.linkId);
  const won = await sharedStore.claimKeys(
    ctx.db,
    entityName,
    [...first].map(([key, linkId]) => ({ key, linkId })),
    ctx.now(),
  );
  const out: Array<{ action: ImportCreate; linkId: string }> = [];
  for (const a of all) {
    const key = a.action.shared?.key;
    if (key === undefined || (won.has(key) && first.get(key) === a.linkId)) {
      out.push(a);
      continue;
    }
    if ((await joinClaimed(ctx, a.action, a.linkId)) === 'claimed') out.push(a);
  }
  return out;
}

/** An import whose key another holds: link to its record, take over a dead claim, or wait. */
async function joinClaimed(
  ctx: ExecutionContext,
  action: ImportCreate,
  linkId: string,
): Promise<'claimed' | 'joined' | 'deleted' | 'waiting'> {
  const { db } = ctx;
  const entityName = ctx.scope.entity;
  const key = action.shared!.key;
  const deadline = Date.now() + CLAIM_WAIT_MS;
  for (;;) {
    const claim = (await sharedStore.claimsOf(db, entityName, [key])).get(key);
    if (!claim) {
      // Let go meanwhile (its import made nothing): claim it again.
      const got = await sharedStore.claimKeys(db, entityName, [{ key, linkId }], ctx.now());
      if (got.has(key)) return 'claimed';
      continue;
    }
    if (claim.recordId !== null) {
      const [record] = await ctx.entity.service(ctx.crm).getMany(ADMIN_VIEW, [claim.recordId]);
      if (record) {
        await linkExisting(ctx, [
          {
            type: 'linkExisting',
            folderId: action.folderId,
            itemId: action.itemId,
            itemVersion: action.itemVersion,
            snapshot: action.snapshot,
            shared: action.shared!,
            recordId: record.id,
            recordVersion: record.version,
          },
        ]);
        return 'joined';
      }
      // The key's record was deleted. Only an import that replaces its own link to it (the
      // organizer's copy edited while the record was deleted, Exchange winning) makes it again.
      if (action.replacesLink && (await sharedStore.takeOverClaim(db, entityName, claim, linkId, ctx.now())))
        return 'claimed';
      return 'deleted';
    }
    if (Date.now() >= deadline) {
      // A holder whose intent is gone was killed before making the record.
      if (
        claim.linkId !== null &&
        !(await sharedStore.linkExists(db, claim.linkId)) &&
        (await sharedStore.takeOverClaim(db, entityName, claim, linkId, ctx.now()))
      )
        return 'claimed';
      note(ctx.tally, 'errors', {
        ref: `item ${action.itemId}`,
        code: 'shared_key_busy',
        message:
          "Another mailbox's sync is importing this meeting right now; this mailbox's copy is linked to it on the next run.",
      });
      ctx.tally.blocked = true;
      return 'waiting';
    }
    await sleep(50);
  }
}

/**
 * Writes a mailbox user's answer (an attendee's response) into the record, when it differs.
 * Returns the record's versions before and after the write; undefined when nothing was written.
 */
async function carryAnswer(
  ctx: ExecutionContext,
  recordId: string,
  answer: NonNullable<ImportCreate['shared']>['answer'] & object,
): Promise<{ before: number; after: number } | undefined> {
  const { entity } = ctx;
  if (!entity.answerPatch) return undefined;
  const service = entity.service(ctx.crm);
  const [record] = await service.getMany(ctx.principal, [recordId]);
  if (!record) return undefined;
  const patch = entity.answerPatch(record, answer, ctx.options);
  if (!patch) return undefined;
  const updated = await service.update(ctx.principal, recordId, { ...patch, ifVersion: record.version });
  ctx.tally.counts.import.updated++;
  await sharedStore.advanceCurrentAttendeeLinks(
    ctx.db,
    ctx.scope.entity,
    recordId,
    record.version,
    updated.version,
  );
  return { before: record.version, after: updated.version };
}

async function exportCreates(ctx: ExecutionContext, planned: ExportCreate[]): Promise<void> {
  const { entity, options, db } = ctx;
  // Never invite to a meeting that came from Exchange: its organizer invited whom they meant to.
  const sending = planned.filter((a) => a.sends).map((a) => a.recordId);
  const imported = sending.length
    ? await sharedStore.recordsImported(db, ctx.scope.entity, sending)
    : new Set<string>();
  // What a create without sending writes is what its link records (a Graph meeting: no attendees).
  const actions = planned.map((a) => {
    if (!a.sends || !imported.has(a.recordId)) return a;
    const { snapshot: s, notExported: n } = a;
    const written = entity.withoutSending?.({ snapshot: s, notExported: n }, options) ?? {
      snapshot: s,
      notExported: n,
    };
    return { ...a, snapshot: written.snapshot, notExported: written.notExported, sends: false };
  });
  const intentIds = await linkStore.insertLinks(
    db,
    ctx.scope,
    actions.map((a) => ({
      recordId: a.recordId,
      folderId: a.folderId,
      itemId: null,
      itemVersion: null,
      recordVersion: a.recordVersion,
      state: 'export_pending' as const,
      // A meeting written anew over a delete in Exchange (the CRM won) is still the one that
      // came from Exchange: never an invitation, and kept whatever the export filter says.
      origin: a.replacesLink?.origin ?? ('export' as const),
      snapshot: a.snapshot,
      // What the create writes by itself: an interrupted create is found by it (RECOVERY, 4).
      fingerprint: fingerprint(entity.createdAlone?.(a.snapshot) ?? a.snapshot),
      intentJournalVersion: null,
      intentPosition: null,
      notExported: a.notExported,
      // What the CRM writes goes to the mailbox's own calendar: the organizer's copy.
      organizerCopy: entity.sharedIdentity !== undefined,
    })),
    ctx.now(),
  );
  await ctx.checkpoint('export:intents');
  const linkCreated = async (i: number, result: CreateResult) => {
    const action = actions[i];
    // The intent stays on failure: if the item was made after all, the next run adopts it.
    if (!result.ok) return fail(ctx, `record ${action.recordId}`, result.error);
    ctx.createdIn.add(action.folderId);
    // The key is tied to the record as soon as the item exists: its copies may reach other
    // mailboxes at once (Graph mails invitations as it creates), and they must join the record
    // even if this run stops here. A claim without its link is taken up by the read that lists
    // the item, or by the adoption of the intent.
    const sharedKey = result.globalId ? entity.createdKey?.(result.globalId) : undefined;
    if (sharedKey)
      await sharedStore.claimRecords(
        db,
        ctx.scope.entity,
        [{ key: sharedKey, recordId: action.recordId }],
        ctx.now(),
      );
    await ctx.checkpoint('export:created');
    // The item exists even when what is written after its create failed: it is linked, never
    // made again, with what the create wrote alone as its base, so the rest is a CRM change
    // the next run writes (a failure a later run cannot fix is listed as skipped).
    const alone = result.unwritten ? entity.createdAlone?.(action.snapshot) : undefined;
    await linkStore.linkExported(
      db,
      intentIds[i],
      {
        itemId: result.id,
        itemVersion: result.version,
        ...(alone ? { written: alone } : {}),
        ...(sharedKey ? { sharedKey } : {}),
      },
      ctx.now(),
    );
    ctx.tally.counts.export.created++;
    noteNotExported(ctx, action.recordId, action.notExported);
    if (result.unwritten) fail(ctx, `record ${action.recordId}`, result.unwritten);
  };
  const createMany = ctx.connector.createItems?.bind(ctx.connector);
  const writeOptions = (a: ExportCreate) => (a.sends ? { writeAttendees: true } : undefined);
  if (!createMany) {
    for (const [i, action] of actions.entries()) {
      let result: CreateResult;
      try {
        const item = entity.toItem(action.snapshot, options) as never;
        result = {
          ok: true,
          ...(await ctx.connector.createItem(folderRef(ctx, action.folderId), item, writeOptions(action))),
        };
      } catch (error) {
        result = { ok: false, error: error as ConnectorError };
      }
      await linkCreated(i, result);
    }
  } else {
    // One request per chunk of one folder; a failed item fails alone. A failure of the request
    // as a whole says nothing about each item: a request refused before anything was written
    // (one item Exchange cannot read makes it refuse them all) is split until the item that
    // causes it stands alone; any other failure may have created some items, so the chunk is
    // left to the next run, which adopts what was made and creates the rest.
    const createChunk = async (start: number, end: number): Promise<void> => {
      const chunk = actions.slice(start, end);
      let results: CreateResult[];
      try {
        results = await createMany(
          folderRef(ctx, chunk[0].folderId),
          chunk.map((a) => entity.toItem(a.snapshot, options) as never),
          writeOptions(chunk[0]),
        );
      } catch (error) {
        if (error instanceof SimulatedCrash) throw error;
        if (chunk.length > 1 && refusedWhole(error)) {
          const middle = start + Math.ceil(chunk.length / 2);
          await createChunk(start, middle);
          await createChunk(middle, end);
          return;
        }
        if (chunk.length > 1) {
          note(ctx.tally, 'errors', { ref: `${chunk.length} records`, ...describe(error) });
          ctx.tally.blocked = true;
          return;
        }
        results = [{ ok: false, error: error as ConnectorError }];
      }
      for (const [k, result] of results.entries()) await linkCreated(start + k, result);
    };
    const limit = Math.max(1, ctx.connector.createItemsLimit ?? CREATE_BATCH);
    for (let start = 0, end = 0; start < actions.length; start = end) {
      end = start + 1;
      while (
        end < actions.length &&
        end - start < limit &&
        actions[end].folderId === actions[start].folderId &&
        actions[end].sends === actions[start].sends
      )
        end++;
      await createChunk(start, end);
    }
  }
  await ctx.checkpoint('export:linked');
}

function noteNotExported(
  ctx: ExecutionContext,
  recordId: string,
  items: Array<{ field: string; reason: string }>,
) {
  for (const n of items)
    note(ctx.tally, 'skipped', {
      ref: `record ${recordId} ${n.field}`,
      reason: n.reason,
      recordId,
      field: n.field,
    });
}

async function applyUpdates(ctx: ExecutionContext, actions: Update[]): Promise<void> {
  const { entity, options, db } = ctx;
  const service = entity.service(ctx.crm);
  const needRecords = actions.filter((a) => a.toRecord).map((a) => a.link.recordId);
  const records = new Map(
    (needRecords.length ? await service.getMany(ctx.principal, needRecords) : []).map((r) => [r.id, r]),
  );
  const needItems = entity.needsCurrentItem(options)
    ? actions.filter((a) => a.toItem && !ctx.knownItems.has(a.link.itemId)).map((a) => a.link)
    : [];
  await loadItems(ctx, needItems);
  // The intents go first: a run killed after a write but before the link records it leaves the
  // intent, from which the next run recognises what it finds as its own write, not an edit.
  const intents = actions.flatMap((a) =>
    a.intent ? [{ id: a.link.id, snapshot: a.link.snapshot, intent: a.intent }] : [],
  );
  if (intents.length > 0) {
    await linkStore.recordUpdateIntents(db, intents, ctx.now());
    await ctx.checkpoint('update:intents');
  }

  for (const action of actions) {
    const { link } = action;
    let recordVersion = action.recordVersion;
    let itemVersion = action.itemVersion;
    try {
      if (action.toRecord) {
        const current = records.get(link.recordId);
        if (!current) throw notFound(entity.recordType, link.recordId);
        const patch = entity.toPatch(action.toRecord, current, options, link.snapshot);
        if (entity.beforeImportUpdate)
          await entity.beforeImportUpdate(patch, action.toRecord, ctx.crm, ctx.principal);
        const updated = await service.update(ctx.principal, link.recordId, {
          ...patch,
          ifVersion: current.version,
        });
        // A read-only link keeps its place behind a CRM edit it could not write.
        if (!action.trailing || current.version === recordVersion) recordVersion = updated.version;
        if (link.shared)
          await sharedStore.advanceCurrentAttendeeLinks(
            db,
            ctx.scope.entity,
            link.recordId,
            current.version,
            updated.version,
          );
        ctx.tally.counts.import.updated++;
        await ctx.checkpoint('update:record');
      }
      if (action.answer) {
        const written = await carryAnswer(ctx, link.recordId, action.answer);
        if (written && written.before === recordVersion) recordVersion = written.after;
      }
      if (action.toItem) {
        const current = ctx.knownItems.get(link.itemId);
        const written = await ctx.connector.updateItem(
          folderRef(ctx, link.folderId),
          link.itemId,
          itemVersion,
          entity.toItem(action.toItem, options, current) as never,
          action.itemHolds ? (entity.toItem(action.itemHolds, options, current) as never) : undefined,
          action.sends ? { writeAttendees: true } : undefined,
        );
        itemVersion = written.version;
        ctx.tally.counts.export.updated++;
        if (action.notExported) noteNotExported(ctx, link.recordId, action.notExported);
        await ctx.checkpoint('update:item');
      }
      await linkStore.completeUpdate(
        db,
        link.id,
        {
          agreed: action.agreed,
          itemVersion,
          recordVersion,
          ...(action.notExported ? { notExported: action.notExported } : {}),
        },
        ctx.now(),
      );
    } catch (error) {
      fail(ctx, `record ${link.recordId} / item ${link.itemId}`, error);
    }
  }
  await ctx.checkpoint('update:linked');
}

async function loadItems(ctx: ExecutionContext, links: LinkState[]): Promise<void> {
  const byFolder = new Map<string, string[]>();
  for (const l of links) byFolder.set(l.folderId, [...(byFolder.get(l.folderId) ?? []), l.itemId]);
  for (const [folderId, ids] of byFolder) {
    const results = await ctx.connector.getItems(folderRef(ctx, folderId), ids);
    for (const r of results) if (r.ok) ctx.knownItems.set(r.id, r.item);
  }
}

/**
 * The organizer's copy of a record deleted in the CRM is gone or let go: the attendees' copies
 * in other mailboxes, which waited on it, let go of the record too.
 */
async function releaseAttendeeCopies(ctx: ExecutionContext, link: LinkState): Promise<void> {
  if (link.shared?.role === 'organizer')
    await sharedStore.releaseAttendeeLinks(ctx.db, ctx.scope.entity, link.recordId);
}

/** Runs the deletes the guard let through. */
export async function executeDeletes(
  ctx: ExecutionContext,
  links: Array<LinkState & { side: 'exchange' | 'crm' }>,
) {
  const service = ctx.entity.service(ctx.crm);
  for (const link of links) {
    try {
      if (link.side === 'exchange') {
        try {
          await service.delete(ctx.principal, link.recordId);
        } catch (error) {
          if (!isCrmError(error, 'not_found')) throw error;
        }
        ctx.tally.counts.import.deleted++;
      } else {
        await ctx.connector.deleteItem(folderRef(ctx, link.folderId), link.itemId);
        ctx.tally.counts.export.deleted++;
      }
      await ctx.checkpoint('delete:done');
      await linkStore.deleteLinks(ctx.db, [link.id]);
      if (link.side === 'crm') await releaseAttendeeCopies(ctx, link);
    } catch (error) {
      fail(ctx, `record ${link.recordId} / item ${link.itemId}`, error);
    }
  }
}
