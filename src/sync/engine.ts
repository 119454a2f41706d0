// One sync run of one mailbox and entity (E1–E7): claim the state row, recover what an
// interrupted run left half done, read Exchange changes folder by folder (planning and applying
// each page, then saving its cursor), export the CRM changes not yet handled, run the deletes
// the mass-delete guard lets through, save the journal version, record the run.
import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ConnectorError, isConnectorError } from '../connectors/errors.ts';
import type { ExchangeConnector, FolderNode, FolderRef } from '../connectors/types.ts';
import type { Crm } from '../crm/index.ts';
import type { Principal } from '../crm/principal.ts';
import {
  type Checkpoint,
  type ExecutionContext,
  execute,
  executeDeletes,
  RunStopped,
  type RunTally,
  SimulatedCrash,
} from './executor.ts';
import {
  adoptItems,
  adoptRecords,
  type CrmSide,
  type ExchangeSide,
  massDeleteGuard,
  type Pair,
  type PlanSettings,
  planPair,
} from './planner.ts';
import * as linkStore from './store/links.ts';
import { type DeleteMark, type StoredLink, toLinkState } from './store/links.ts';
import * as runStore from './store/runs.ts';
import type { Db, SyncScope } from './store/scope.ts';
import * as stateStore from './store/states.ts';
import * as tagStore from './store/tags.ts';
import type { EntityDefinition, EntitySyncSettings, MailboxSource, RunStatus } from './types.ts';

export interface SyncEngineOptions {
  crm: Crm;
  source: MailboxSource;
  entities: EntityDefinition[];
  /** Identifies this worker in the lease (see `processLeaseOwner`). */
  owner?: string;
  /**
   * How long a claimed lease lasts without renewal (default 60 s). A run renews it every third of
   * that; when a renewal fails, the run stops. Short, so that a crashed holder's lease ends soon.
   */
  leaseMs?: number;
  /** A run stops after this long and the next one goes on from there (default 60 minutes). */
  maxRunMs?: number;
  /** A run stops after reading this many Exchange pages (default 5,000). */
  maxPages?: number;
  now?: () => Date;
  /** Changes per Exchange page (default 256). */
  pageSize?: number;
  /** Records per CRM batch (default 200). */
  batchSize?: number;
  /** Test hook: called at every step boundary; a SimulatedCrash thrown here abandons the run. */
  checkpoint?: (step: string) => void | Promise<void>;
}

export const DEFAULT_LEASE_MS = 60_000;
export const DEFAULT_MAX_RUN_MS = 60 * 60_000;
export const DEFAULT_MAX_PAGES = 5_000;

export interface RunResult {
  status: RunStatus | 'busy' | 'off';
  runId?: string;
  tally?: RunTally;
  held?: string;
  error?: { code: string; message: string };
}

const ADMIN_VIEW: Principal = { userId: '', roleIds: [], operations: new Set(), isAdmin: true };

export class SyncEngine {
  private readonly options: SyncEngineOptions;
  private readonly entities: Map<string, EntityDefinition>;

  constructor(options: SyncEngineOptions) {
    this.options = options;
    this.entities = new Map(options.entities.map((e) => [e.name, e]));
  }

  /** The database the engine keeps its state in (see src/sync/store/). */
  get db(): Db {
    return this.options.crm.store.db;
  }

  /** "Sync now" (E3) and the scheduled job both end here. */
  async syncMailbox(
    mailboxId: string,
    entityName: string,
    trigger = 'manual',
    options: { signal?: AbortSignal } = {},
  ): Promise<RunResult> {
    const entity = this.entities.get(entityName);
    if (!entity)
      throw new Error(
        `Exsync has no sync for "${entityName}"; use one of ${[...this.entities.keys()].join(', ')}.`,
      );
    const settings = (await this.options.source.settings(mailboxId))[entityName];
    if (!settings || settings.direction === 'off') return { status: 'off' };
    const now = this.options.now ?? (() => new Date());
    const owner = this.options.owner ?? `worker-${randomUUID()}`;
    const leaseMs = this.options.leaseMs ?? DEFAULT_LEASE_MS;
    const db = this.db;
    const scope: SyncScope = { mailboxId, entity: entityName };
    if (options.signal?.aborted) return { status: 'busy' };
    if (!(await stateStore.claimLease(db, scope, owner, now(), leaseMs))) return { status: 'busy' };
    // This run serves any run asked for until now.
    await stateStore.clearRunRequest(db, scope);
    const guard = new RunGuard({
      signal: options.signal,
      maxRunMs: this.options.maxRunMs ?? DEFAULT_MAX_RUN_MS,
      leaseMs,
      renew: () => stateStore.renewLease(db, scope, owner, now(), leaseMs),
    });

    const startedAt = now();
    const runId = await runStore.startRun(db, scope, trigger, startedAt);
    const tally: RunTally = {
      counts: runStore.emptyCounts(),
      conflicts: 0,
      skipped: [],
      errors: [],
      unlisted: { skipped: 0, errors: 0 },
      blocked: false,
    };
    let status: RunStatus = 'succeeded';
    let held: string | undefined;
    let failure: { code: string; message: string } | undefined;
    const counter = { requests: 0 };
    try {
      const connector = await this.options.source.connectorFor(mailboxId, { signal: guard.signal });
      const run = new Run({
        engine: this.options,
        entity,
        settings,
        db,
        scope,
        now,
        runId,
        tally,
        mailboxId,
        connector: guardConnector(connector, counter, guard.signal),
        principal: await this.options.source.principal(mailboxId),
        guard,
        maxPages: this.options.maxPages ?? DEFAULT_MAX_PAGES,
      });
      held = await run.run();
      if (held) status = 'held';
    } catch (caught) {
      if (caught instanceof SimulatedCrash) {
        await guard.end();
        throw caught;
      }
      // Whatever a stopped run's last call threw, the reason it stopped is what counts.
      const error = guard.signal.aborted ? guard.signal.reason : caught;
      status = error instanceof RunStopped && error.code === 'shutdown' ? 'abandoned' : 'failed';
      failure = isConnectorError(error)
        ? { code: `exchange_${error.code}`, message: error.message }
        : error instanceof RunStopped
          ? { code: error.code, message: error.message }
          : { code: 'internal', message: error instanceof Error ? error.message : String(error) };
      // First, so that the list's limit never hides why the run failed.
      tally.errors.unshift({ ref: 'run', ...failure });
    }
    await guard.end();
    // Stopped by a shutdown: asked for again, so that the next start runs it.
    if (status === 'abandoned') await stateStore.requestRun(db, scope, trigger, now());
    await runStore.finishRun(
      db,
      runId,
      {
        status,
        counts: tally.counts,
        conflicts: tally.conflicts,
        skipped: tally.skipped,
        errors: tally.errors,
        counted: tally.unlisted,
        startedAt,
        exchangeRequests: counter.requests,
      },
      now(),
    );
    await stateStore.releaseLease(db, scope, owner);
    await this.options.source.recordOutcome?.(mailboxId, {
      mailboxId,
      entity: entityName,
      runId,
      status,
      ...(failure ? { error: failure } : {}),
    });
    return { status, runId, tally, ...(held ? { held } : {}), ...(failure ? { error: failure } : {}) };
  }
}

/**
 * What bounds a run from outside its work: the caller's signal (shutdown), a time budget, and the
 * lease, renewed every third of its length; a failed renewal means another worker may have the
 * mailbox, so the run stops. `signal` aborts with a RunStopped saying which.
 */
class RunGuard {
  private readonly controller = new AbortController();
  private readonly timers: NodeJS.Timeout[] = [];
  private renewing: Promise<void> = Promise.resolve();
  private readonly onOuterAbort: () => void;
  private readonly outer?: AbortSignal;

  constructor(input: {
    signal?: AbortSignal;
    maxRunMs: number;
    leaseMs: number;
    renew: () => Promise<boolean>;
  }) {
    this.outer = input.signal;
    this.onOuterAbort = () =>
      this.stop(
        'shutdown',
        'Exsync is shutting down, so the run was stopped; it is queued again for when Exsync starts.',
      );
    this.outer?.addEventListener('abort', this.onOuterAbort, { once: true });
    const budget = setTimeout(
      () =>
        this.stop(
          'run_time_budget',
          `The run took longer than ${Math.round(input.maxRunMs / 60_000)} minutes and was stopped; the next run goes on from where it stopped. If this repeats, the Exchange server is answering very slowly.`,
        ),
      input.maxRunMs,
    );
    const heartbeat = setInterval(
      () => {
        this.renewing = this.renewing.then(async () => {
          if (this.signal.aborted) return;
          const held = await input.renew().catch(() => false);
          if (!held) this.leaseLost();
        });
      },
      Math.max(10, Math.floor(input.leaseMs / 3)),
    );
    budget.unref();
    heartbeat.unref();
    this.timers.push(budget, heartbeat);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  stop(code: RunStopped['code'], message: string): void {
    if (!this.signal.aborted) this.controller.abort(new RunStopped(code, message));
  }

  leaseLost(): void {
    this.stop(
      'lease_lost',
      'The run lost its hold on the mailbox (its lease could not be renewed), so it stopped to leave the mailbox to one run at a time; the next run goes on from there.',
    );
  }

  /** Throws why the run stopped, if it did. */
  check(): void {
    this.signal.throwIfAborted();
  }

  /** Stops the timers and waits for a renewal in flight. */
  async end(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.outer?.removeEventListener('abort', this.onOuterAbort);
    await this.renewing;
  }
}

/** `promise`, or the signal's reason as soon as it aborts (the promise's outcome is then ignored). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * The connector as a run uses it: each call counted (each readChanges page once), and each call
 * given up the moment the run stops, even if the connector itself does not notice the signal.
 */
function guardConnector(
  connector: ExchangeConnector,
  counter: { requests: number },
  signal: AbortSignal,
): ExchangeConnector {
  return new Proxy(connector, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      if (prop === 'readChanges') {
        return (...args: unknown[]) => {
          const pages = (value as (...a: unknown[]) => AsyncIterable<unknown>).apply(target, args);
          return {
            async *[Symbol.asyncIterator]() {
              const iterator = pages[Symbol.asyncIterator]();
              let finished = false;
              try {
                for (;;) {
                  counter.requests++;
                  const next = await untilAborted(iterator.next(), signal);
                  if (next.done) {
                    counter.requests--;
                    finished = true;
                    return;
                  }
                  yield next.value;
                }
              } finally {
                // An abandoned read is closed; after an abort its pending page is not waited for.
                if (!finished) {
                  const closing = iterator.return?.();
                  if (closing && signal.aborted) closing.catch(() => {});
                  else if (closing) await closing;
                }
              }
            },
          };
        };
      }
      return (...args: unknown[]) => {
        counter.requests++;
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        return result instanceof Promise ? untilAborted(result, signal) : result;
      };
    },
  });
}

interface RunInput {
  engine: SyncEngineOptions;
  entity: EntityDefinition;
  settings: EntitySyncSettings;
  db: Db;
  scope: SyncScope;
  now: () => Date;
  runId: string;
  tally: RunTally;
  mailboxId: string;
  connector: ExchangeConnector;
  principal: Principal;
  guard: RunGuard;
  maxPages: number;
}

/** What the CRM journal says changed since the last run (our own writes left out). */
interface CrmChanges {
  /** Record id → whether its last change was a delete. */
  changed: Map<string, boolean>;
  head: number;
  /** Every record is a candidate: first run, or the export filter changed. */
  full: boolean;
}

class Run {
  private readonly input: RunInput;
  private readonly db: Db;
  private readonly scope: SyncScope;
  private readonly ctx: ExecutionContext;
  private readonly plan: PlanSettings;
  /**
   * Records handled while reading Exchange, so the export pass skips them: those whose link a
   * read of this run marked as listed (`reads`), found in the database, and these, whose link the
   * read removed (unlinked, replaced). Neither grows with the mailbox, only with its changes.
   */
  private readonly consumedUnlinked = new Set<string>();
  /** The listing marks of this run's reads (one per folder read). */
  private readonly reads: string[] = [];
  private folders?: FolderNode[];
  private exportIntents: StoredLink[] = [];
  /** Exchange pages this run has read (its page budget). */
  private pages = 0;

  constructor(input: RunInput) {
    this.input = input;
    this.db = input.db;
    this.scope = input.scope;
    const hook = input.engine.checkpoint;
    const checkpoint: Checkpoint = async (step) => {
      input.guard.check();
      if (hook) await hook(step);
      // Counts as the run goes, so a run that is killed or stopped still shows what it did.
      if (step.startsWith('page:') || step.startsWith('export:'))
        await runStore.saveRunProgress(input.db, input.runId, input.tally);
    };
    this.ctx = {
      crm: input.engine.crm,
      principal: input.principal,
      connector: input.connector,
      entity: input.entity,
      options: input.entity.forProtocol
        ? input.entity.forProtocol(input.settings.options, input.connector.protocol)
        : input.settings.options,
      db: input.db,
      scope: input.scope,
      now: input.now,
      runId: input.runId,
      tally: input.tally,
      checkpoint,
      journalHead: () => input.engine.crm.journal.headVersion(),
      knownItems: new Map(),
      createdIn: new Set(),
    };
    this.plan = {
      direction: input.settings.direction,
      conflictPolicy: input.settings.conflictPolicy,
      fieldMerge: input.settings.fieldMerge,
      exportFolder: input.settings.exportFolder ?? input.entity.folderKind,
      importFolders: input.settings.importFolders,
    };
  }

  private get entity() {
    return this.input.entity;
  }

  private folder(id: string): FolderRef {
    return { kind: this.entity.folderKind, id };
  }

  /** Returns the hold reason when the mass-delete guard stopped the run. */
  async run(): Promise<string | undefined> {
    const { settings } = this.input;
    const state = await stateStore.readState(this.db, this.scope);
    const scopeHash = this.entity.scopeKey(settings.options);
    const changes = await this.readCrmChanges(
      state.journalVersion ?? state.fullPassSince,
      state.journalVersion === null || state.scopeHash !== scopeHash,
    );
    if (state.journalVersion === null && state.fullPassSince === null)
      await stateStore.beginFullPass(this.db, this.scope, changes.head);
    await this.ctx.checkpoint('start');

    await this.adoptImportedRecords();
    this.exportIntents = await linkStore.linksInState(this.db, this.scope, 'export_pending');

    const folders = await this.syncFolders();
    // Items of a folder deleted in Exchange went with it: deletes, not items to unlink and
    // export again. A folder that still exists but is no longer chosen is unlinked.
    for (const folderId of await linkStore.linkedFoldersOutside(this.db, this.scope, folders))
      if (!(await this.folderExists(folderId))) await this.folderGone(folderId, changes);
    this.input.tally.counts.import.unlinked += await linkStore.deleteLinksOutside(
      this.db,
      this.scope,
      folders,
    );
    for (const folderId of folders) {
      try {
        await this.readFolder(folderId, state.cursors[folderId], changes);
      } catch (error) {
        const gone =
          isConnectorError(error, 'not_found') &&
          folderId !== this.plan.exportFolder &&
          !(await this.folderExists(folderId));
        if (!gone) throw error;
        await this.folderGone(folderId, changes);
      }
    }
    // Export intents no item was found for: the create never reached Exchange. Drop them; the
    // export pass below creates the item again.
    const orphans = (await linkStore.linksInState(this.db, this.scope, 'export_pending')).map((l) => l.id);
    await linkStore.deleteLinks(this.db, orphans);

    await this.exportChanges(changes);
    // Move the folder cursors past our own creates: a server may leave out an item that was
    // created and deleted after a cursor, and then its delete would never reach the CRM.
    for (const folderId of this.ctx.createdIn) {
      const { cursors } = await stateStore.readState(this.db, this.scope);
      if (cursors[folderId] !== undefined) await this.readFolder(folderId, cursors[folderId], changes);
    }
    const held = await this.runDeletes();
    if (held) return held;
    if (!this.input.tally.blocked)
      await stateStore.saveJournalVersion(this.db, this.scope, changes.head, scopeHash, this.input.now());
    await this.ctx.checkpoint('journal');
    return undefined;
  }

  private async readCrmChanges(since: number | null, full: boolean): Promise<CrmChanges> {
    const { crm } = this.input.engine;
    const head = await crm.journal.headVersion();
    const changed = new Map<string, boolean>();
    if (since !== null) {
      let version = since;
      while (version < head) {
        const page = await crm.journal.changesSince(version, 1000);
        if (page.length === 0) break;
        for (const change of page) {
          if (change.version > head) break;
          if (change.recordType !== this.entity.recordType) continue;
          if (change.actorMailboxId === this.input.mailboxId) continue;
          changed.set(change.recordId, change.operation === 'delete');
        }
        version = page[page.length - 1].version;
      }
    }
    return { changed, head, full: since === null || full };
  }

  /** Import intents whose CRM record was created before the crash get that record. */
  private async adoptImportedRecords(): Promise<void> {
    const { engine, mailboxId } = this.input;
    const intents = await linkStore.linksInState(this.db, this.scope, 'import_pending');
    if (intents.length === 0) return;
    const attempted = intents.filter((i) => i.intentJournalVersion !== null);
    const ownCreates: Array<{ version: number; recordId: string }> = [];
    if (attempted.length > 0) {
      let version = Math.min(...attempted.map((i) => i.intentJournalVersion!));
      for (;;) {
        const page = await engine.crm.journal.changesSince(version, 1000);
        if (page.length === 0) break;
        for (const c of page)
          if (
            c.actorMailboxId === mailboxId &&
            c.operation === 'create' &&
            c.recordType === this.entity.recordType
          )
            ownCreates.push({ version: c.version, recordId: c.recordId });
        version = page[page.length - 1].version;
      }
    }
    const matches = adoptRecords(
      intents.map((i) => ({
        linkId: i.id,
        journalVersion: i.intentJournalVersion,
        position: i.intentPosition ?? 0,
      })),
      ownCreates,
    );
    // The record may have been edited, hidden or deleted since: the pass below sees to that.
    for (const m of matches)
      await linkStore.linkImported(
        this.db,
        m.intent.linkId,
        { recordId: m.record.recordId, recordVersion: m.record.version },
        this.input.now(),
      );
    const adopted = new Set(matches.map((m) => m.intent.linkId));
    // The rest never reached the CRM; their items are read again (the cursor was not saved).
    await linkStore.deleteLinks(
      this.db,
      intents.filter((i) => !adopted.has(i.id)).map((i) => i.id),
    );
    await this.ctx.checkpoint('recovered');
  }

  /**
   * The listing mark of a new read of a folder (each item it lists marks its link with `read`),
   * and the mark of the links it has yet to list (`unlisted`).
   */
  private newRead(): { read: string; unlisted: string } {
    const read = `${this.input.runId}/${this.reads.length}`;
    this.reads.push(read);
    return { read, unlisted: `${read}/unlisted` };
  }

  /** The mailbox's folders of the entity's kind, listed once a run. */
  private async listedFolders(): Promise<FolderNode[]> {
    if (!this.folders) {
      const flat = (nodes: FolderNode[]): FolderNode[] => nodes.flatMap((n) => [n, ...flat(n.children)]);
      this.folders = flat(await this.input.connector.listFolders(this.entity.folderKind));
    }
    return this.folders;
  }

  /** Whether a folder (by id, or by its well-known name as links of the default folder hold it) exists. */
  private async folderExists(folderId: string): Promise<boolean> {
    return (await this.listedFolders()).some((f) => f.id === folderId || f.wellKnown === folderId);
  }

  /**
   * A folder deleted in Exchange: every item linked in it is gone, as after a read from scratch
   * that listed nothing. The planner decides per direction (delete the record, or unlink), and
   * the deletes wait for the mass-delete guard like any others.
   */
  private async folderGone(folderId: string, changes: CrmChanges): Promise<void> {
    const { read, unlisted } = this.newRead();
    await linkStore.markAwaitingListing(this.db, this.scope, folderId, unlisted);
    await this.missingAfterFullRead(folderId, unlisted, changes, read);
    await stateStore.saveCursor(this.db, this.scope, folderId, null, this.input.now());
  }

  private async syncFolders(): Promise<string[]> {
    const { settings } = this.input;
    const out = new Set<string>();
    if (settings.direction === 'import' || settings.direction === 'two_way') {
      if (settings.importFolders === 'all') {
        for (const f of await this.listedFolders())
          out.add(f.wellKnown === this.plan.exportFolder ? this.plan.exportFolder : f.id);
      } else for (const id of settings.importFolders) out.add(id);
    }
    if (settings.direction === 'export' || settings.direction === 'two_way') out.add(this.plan.exportFolder);
    return [...out];
  }

  private async readFolder(folderId: string, cursor: string | undefined, changes: CrmChanges): Promise<void> {
    const { connector, engine } = this.input;
    const fromScratch = cursor === undefined;
    // Each item this read lists marks its link with `read`. Only links that existed before a
    // read from scratch can have lost their item unnoticed: they start out with `unlisted`, and
    // those still carrying it after the last page are gone from Exchange.
    const { read, unlisted } = this.newRead();
    if (fromScratch) await linkStore.markAwaitingListing(this.db, this.scope, folderId, unlisted);
    let page = 0;
    // A server that hands back a position it already gave in this read would be followed for
    // ever (a nextLink pointing at itself, a sync state that never moves on).
    const seen = new Set<string>(cursor === undefined ? [] : [cursor]);
    try {
      for await (const changePage of connector.readChanges(this.folder(folderId), cursor, {
        pageSize: engine.pageSize ?? 256,
      })) {
        if (++this.pages > this.input.maxPages)
          throw new RunStopped(
            'run_page_budget',
            `The run read ${this.input.maxPages} pages from Exchange and was stopped; the next run goes on from the last position saved. If this repeats, the server may never be saying that it has sent everything.`,
          );
        if (!changePage.done && seen.has(changePage.cursor))
          throw new ConnectorError(
            'invalid_response',
            `The Exchange server sent the same sync position twice while reading folder ${folderId}, so it would be read for ever; the run stopped. Check the server, or report it to its administrator.`,
          );
        seen.add(changePage.cursor);
        const upserts = new Map(changePage.upserts.map((u) => [u.id, u]));
        const deletes = changePage.deletes.filter((id) => !upserts.has(id));
        const blockedBefore = this.input.tally.blocked;
        this.input.tally.blocked = false;
        const marks = await this.applyInSlices(folderId, [...upserts.values()], deletes, changes, read);
        const pageBlocked = this.input.tally.blocked;
        this.input.tally.blocked = blockedBefore || pageBlocked;
        // A page that could not be fully applied is read again next run: keep the old cursor.
        // A read from scratch keeps no cursor until its last page: only a complete listing tells
        // which linked items are gone, so a run interrupted half-way reads from scratch again
        // (the pages it had applied are no-ops then) rather than resume without that sweep.
        const keep = pageBlocked || (fromScratch && !changePage.done) ? undefined : changePage.cursor;
        if (fromScratch && changePage.done && !pageBlocked) {
          await linkStore.markDeletes(this.db, marks, this.input.now());
          await this.missingAfterFullRead(folderId, unlisted, changes, read);
          await stateStore.saveCursor(this.db, this.scope, folderId, changePage.cursor, this.input.now());
        } else if (keep === undefined) {
          await linkStore.markDeletes(this.db, marks, this.input.now());
        } else {
          await this.markDeletesAndSaveCursor(marks, folderId, keep);
        }
        await this.ctx.checkpoint(`page:${folderId}:${page++}`);
        // Items are kept only while their page is applied, so memory does not grow with the
        // mailbox; a later phase that needs one fetches it again.
        this.ctx.knownItems.clear();
        if (pageBlocked) return;
      }
    } catch (error) {
      if (isConnectorError(error, 'resync_needed') && !fromScratch) {
        // The server forgot our position: read the folder again from the start.
        await stateStore.saveCursor(this.db, this.scope, folderId, null, this.input.now());
        return this.readFolder(folderId, undefined, changes);
      }
      throw error;
    }
  }

  /** Marks a page's deletes for the guard and saves the folder's cursor, in one transaction. */
  private async markDeletesAndSaveCursor(
    marks: DeleteMark[],
    folderId: string,
    cursor: string,
  ): Promise<void> {
    const now = this.input.now();
    await this.db.transaction().execute(async (trx) => {
      await linkStore.markDeletes(trx, marks, now);
      await stateStore.saveCursor(trx, this.scope, folderId, cursor, now);
    });
  }

  /**
   * After a read from scratch, linked items that were not listed are gone from Exchange. They
   * are read from the database a page at a time, so memory stays flat however many there are.
   */
  private async missingAfterFullRead(folderId: string, unlisted: string, changes: CrmChanges, read: string) {
    const { engine } = this.input;
    let after: string | null = null;
    for (;;) {
      const gone = await linkStore.stillAwaitingListing(
        this.db,
        this.scope,
        folderId,
        unlisted,
        after,
        engine.pageSize ?? 256,
      );
      if (gone.length === 0) return;
      after = gone[gone.length - 1].id;
      const marks = await this.applyExchangePage(
        folderId,
        [],
        gone.map((l) => l.itemId),
        changes,
        read,
      );
      await linkStore.markDeletes(this.db, marks, this.input.now());
    }
  }

  /**
   * A page as large as a server sends (thousands of items in 5 MB) is applied a slice of
   * `pageSize` items at a time, with a turn of the event loop between slices: on SQLite the CRM's
   * writes do not yield, and one write of thousands would hold up the server. The page's cursor
   * is still saved only after its last slice.
   */
  private async applyInSlices(
    folderId: string,
    upserts: Array<{ id: string; version: string; item: unknown }>,
    deletes: string[],
    changes: CrmChanges,
    read: string,
  ): Promise<DeleteMark[]> {
    const slice = this.input.engine.pageSize ?? 256;
    if (upserts.length + deletes.length <= slice)
      return this.applyExchangePage(folderId, upserts, deletes, changes, read);
    const marks: DeleteMark[] = [];
    for (let i = 0; i < upserts.length; i += slice) {
      marks.push(...(await this.applyExchangePage(folderId, upserts.slice(i, i + slice), [], changes, read)));
      await nextTurn();
    }
    for (let i = 0; i < deletes.length; i += slice) {
      marks.push(...(await this.applyExchangePage(folderId, [], deletes.slice(i, i + slice), changes, read)));
      await nextTurn();
    }
    return marks;
  }

  private async applyExchangePage(
    folderId: string,
    upserts: Array<{ id: string; version: string; item: unknown }>,
    deletes: string[],
    changes: CrmChanges,
    read: string,
  ): Promise<DeleteMark[]> {
    const links = await linkStore.linksByItem(this.db, this.scope, [...upserts.map((u) => u.id), ...deletes]);
    const observed = new Map<string, ExchangeSide>();
    for (const u of upserts) {
      this.ctx.knownItems.set(u.id, u.item);
      observed.set(u.id, {
        kind: 'upsert',
        folderId,
        itemId: u.id,
        version: u.version,
        snapshot: this.entity.fromItem(u.item, this.ctx.options),
      });
    }
    for (const id of deletes) observed.set(id, { kind: 'deleted', folderId, itemId: id });

    // Items an interrupted export created: adopt them instead of importing a copy.
    const unlinked = upserts.filter((u) => !links.has(u.id) || links.get(u.id)!.state !== 'linked');
    const adoptions = adoptItems(
      this.exportIntents.map((i) => ({
        linkId: i.id,
        folderId: i.folderId,
        fingerprint: i.fingerprint ?? '',
        snapshot: i.snapshot,
      })),
      unlinked.map((u) => {
        const side = observed.get(u.id) as Extract<ExchangeSide, { kind: 'upsert' }>;
        return { folderId, itemId: u.id, version: u.version, snapshot: side.snapshot };
      }),
    );
    for (const { intent, item } of adoptions) {
      const stored = this.exportIntents.find((i) => i.id === intent.linkId)!;
      // No version yet: the item is compared with what was sent, so an edit the user made to
      // it before the resume counts as an Exchange change.
      await linkStore.linkExported(
        this.db,
        intent.linkId,
        { itemId: item.itemId, itemVersion: '' },
        this.input.now(),
      );
      this.exportIntents = this.exportIntents.filter((i) => i.id !== intent.linkId);
      links.set(item.itemId, { ...stored, itemId: item.itemId, itemVersion: '', state: 'linked' });
    }

    const linked = [...links.values()].filter((l) => l.state === 'linked' && !l.deleteMark);
    const recordIds = linked.map((l) => l.recordId!).filter((id) => changes.full || changes.changed.has(id));
    const crmSides = await this.observeRecords(
      recordIds,
      changes,
      new Map(linked.map((l) => [l.recordId!, l])),
    );
    const pairs: Pair[] = [];
    const handled: string[] = [];
    for (const [itemId, exchange] of observed) {
      const link = links.get(itemId);
      if (link?.deleteMark || (link && link.state !== 'linked')) continue;
      const settledLink = link ? toLinkState(link) : undefined;
      const crm = settledLink ? crmSides.get(settledLink.recordId) : undefined;
      if (settledLink) handled.push(settledLink.recordId);
      pairs.push({ link: settledLink, exchange, crm });
    }
    const actions = pairs.flatMap((p) => planPair(p, this.plan));
    const marks = await execute(this.ctx, actions);
    // The listing mark tells the export pass which records this read handled, and the sweep
    // after a read from scratch which items it listed (newly linked ones included).
    const stillLinked = await linkStore.markListedBy(this.db, this.scope, [...observed.keys()], read);
    for (const recordId of handled) if (!stillLinked.has(recordId)) this.consumedUnlinked.add(recordId);
    return marks;
  }

  /** The CRM side of the given records: present (projected), deleted or no longer visible. */
  /**
   * The CRM side of the given records: present (projected), deleted or no longer visible. A
   * linked record the journal shows no user change for is taken as unedited, whatever the
   * sync itself wrote to it: only the user's edits may count as CRM edits.
   */
  private async observeRecords(
    recordIds: string[],
    changes: CrmChanges,
    links: Map<string, StoredLink>,
  ): Promise<Map<string, CrmSide>> {
    const out = new Map<string, CrmSide>();
    if (recordIds.length === 0) return out;
    const { engine, principal } = this.input;
    const service = this.entity.service(engine.crm);
    const records = await service.getMany(principal, recordIds);
    const tagged = await tagStore.taggedAmong(this.db, this.scope, recordIds);
    for (const r of records) {
      const projection = this.entity.fromRecord(r, this.ctx.options);
      const link = links.get(r.id);
      const unedited = link?.state === 'linked' && !changes.changed.has(r.id);
      out.set(r.id, {
        kind: 'present',
        recordId: r.id,
        version: unedited ? Number(link.recordVersion ?? r.version) : r.version,
        projection: unedited ? { snapshot: link.snapshot, notExported: projection.notExported } : projection,
        inScope: this.entity.inExportScope(r, this.ctx.options, tagged.has(r.id)),
        ...(unedited ? { unedited: true } : {}),
      });
    }
    const missing = recordIds.filter((id) => !out.has(id));
    if (missing.length > 0) {
      const existing = new Set((await service.getMany(ADMIN_VIEW, missing)).map((r) => r.id));
      for (const id of missing)
        out.set(
          id,
          existing.has(id) ? { kind: 'inaccessible', recordId: id } : { kind: 'deleted', recordId: id },
        );
    }
    return out;
  }

  private async exportChanges(changes: CrmChanges): Promise<void> {
    const { engine } = this.input;
    const batchSize = engine.batchSize ?? 200;
    let batch = 0;
    // Each record is handled once a run: not again after a read of this run handled it, nor,
    // once the changed records are done (`afterChanged`), when it is one of them.
    const handle = async (ids: string[], afterChanged = false) => {
      let todo = ids.filter(
        (id) => !this.consumedUnlinked.has(id) && !(afterChanged && changes.changed.has(id)),
      );
      if (todo.length === 0) return;
      const listed = await linkStore.recordsListedBy(this.db, this.scope, todo, this.reads);
      if (listed.size > 0) todo = todo.filter((id) => !listed.has(id));
      if (todo.length === 0) return;
      const links = await linkStore.linksByRecord(this.db, this.scope, todo);
      const sides = await this.observeRecords(todo, changes, links);
      const pairs: Pair[] = [];
      for (const id of todo) {
        const link = links.get(id);
        if (link && (link.state !== 'linked' || link.deleteMark)) continue;
        const crm = sides.get(id);
        if (!link && crm?.kind !== 'present') continue;
        pairs.push({ link: link ? toLinkState(link) : undefined, crm });
      }
      const actions = pairs.flatMap((p) => planPair(p, this.plan));
      const marks = await execute(this.ctx, actions);
      await linkStore.markDeletes(this.db, marks, this.input.now());
      this.ctx.knownItems.clear();
      await this.ctx.checkpoint(`export:${batch++}`);
    };

    const changedIds = [...changes.changed.keys()];
    for (let i = 0; i < changedIds.length; i += batchSize) await handle(changedIds.slice(i, i + batchSize));
    if (changes.full) {
      const service = this.entity.service(engine.crm);
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<typeof service.list>> = await service.list(this.input.principal, {
          cursor,
          limit: batchSize,
        });
        await handle(
          page.items.map((r) => r.id),
          true,
        );
        cursor = page.nextCursor;
      } while (cursor);
    } else {
      // Newly tagged records export even though they did not change.
      const ids = await tagStore.taggedNotLinked(this.db, this.scope);
      for (let i = 0; i < ids.length; i += batchSize) await handle(ids.slice(i, i + batchSize), true);
    }
  }

  /** The mass-delete guard (E5), then the deletes it allows. */
  private async runDeletes(): Promise<string | undefined> {
    const { settings } = this.input;
    const pending = await linkStore.countMarkedForDelete(this.db, this.scope);
    const state = await stateStore.readState(this.db, this.scope);
    if (pending === 0) {
      if (state.held) await stateStore.clearHold(this.db, this.scope);
      return undefined;
    }
    // The marked links are handled a page at a time, so memory does not grow with a mass delete.
    const eachPage = async (work: (marked: StoredLink[]) => Promise<unknown>) => {
      let after: string | null = null;
      for (;;) {
        const marked = await linkStore.markedForDeleteAfter(this.db, this.scope, after, 500);
        if (marked.length === 0) return;
        after = marked[marked.length - 1].id;
        await work(marked);
      }
    };
    if (state.holdDecision === 'unlink') {
      await eachPage(async (marked) => {
        await linkStore.deleteLinks(
          this.db,
          marked.map((l) => l.id),
        );
        for (const l of marked)
          this.input.tally.counts[l.deleteMark === 'crm' ? 'export' : 'import'].unlinked++;
      });
      await stateStore.clearHold(this.db, this.scope);
      return undefined;
    }
    const linkedCount = await linkStore.countLinked(this.db, this.scope);
    const decision = massDeleteGuard(
      pending,
      linkedCount,
      settings.massDelete,
      state.holdDecision === 'approve',
    );
    if (!decision.proceed) {
      await stateStore.holdRun(this.db, this.scope, decision.reason);
      return decision.reason;
    }
    await eachPage((marked) =>
      executeDeletes(
        this.ctx,
        marked.map((l) => ({ ...toLinkState(l), side: l.deleteMark! })),
      ),
    );
    if (state.held) await stateStore.clearHold(this.db, this.scope);
    return undefined;
  }
}
