// One sync run of one mailbox and entity (E1–E7): claim the state row, recover what an
// interrupted run left half done, read Exchange changes folder by folder (planning and applying
// each page, then saving its cursor), export the CRM changes not yet handled, run the deletes
// the mass-delete guard lets through, save the journal version, record the run.
//
// RECOVERY — how a run killed at any point is resumed without losing or doubling anything.
// (docs/mapping.md, "Idempotency", gives the reasons; the executor carries the writes out.)
//
//  1. Intent, write, link. Every write to the other side is preceded by a row saying what is
//     about to be written, and followed by the link that records it (executor.ts):
//     - import create: an `import_pending` link with the CRM journal head before the batch
//       (`intent_journal_version`) and the item's place in the batch (`intent_position`); then
//       the CRM create; then the link gets its record (`linkImported`).
//     - export create: an `export_pending` link with the snapshot sent and its fingerprint; then
//       the Exchange create; then the link gets its item (`linkExported`), also when what follows
//       the create (a series' occurrences) failed: its base is then what was written, with no
//       record version, so the record is compared in full until the rest is written.
//     - update: the link's `update_intent` and the base it was planned against, for the whole
//       batch in one transaction (`recordUpdateIntents`); then the writes; then the new base and
//       versions, intent cleared (`completeUpdate`).
//     - link to an existing record (`linkExisting`: an item whose shared key, a meeting's, another
//       mailbox's copy already ties to a record): no write to either side, so the link row,
//       inserted whole, is intent and link at once; a run killed before it reads the item again
//       (its cursor was not saved) and plans the same link.
//     - delete: only marked on the link, in the same transaction as the page's cursor; carried
//       out after the mass-delete guard, and the link deleted after the delete.
//  2. Journal numbering. A CRM batch create journals its records at consecutive versions in
//     input order, under this mailbox's name, and no one else writes in that name. So the
//     records an import batch created are the mailbox's own creates after the intent's journal
//     version, in intent position order (`recoverImports`, planner's `adoptRecords`). When a
//     batch falls back to one create at a time, each intent first gets the journal head of its
//     own create and position 0. The run's own writes are left out of the CRM changes it reads
//     (their actor is the mailbox), and the journal version is saved only at the end of a run
//     none of whose changes was blocked; a first full pass saves where it began
//     (`full_pass_since`) so that a resumed pass still reads the edits made meanwhile.
//  3. Cursors. A page's cursor is saved only after its changes are applied (a read from scratch
//     saves none before its last page), so a killed run's next read lists again every item the
//     killed one may have half handled.
//  4. Order of a run (Run.run): recover import intents first (adopt the record the journal shows,
//     marked until a read lists its item: a complete read that does not finds the item gone;
//     drop the rest: their items are read again); keep the export intents while the folders are
//     read, adopting the item a read finds for one (`adoptItems`, by the fingerprint of what
//     the create writes by itself, `createdAlone`: a series without its occurrences) instead of
//     importing it as new; drop the export intents no read found (the export pass creates them
//     again); a link that still carries an update intent is planned against the base the
//     planner's `resumedBase` derives from it and from what each side holds now, so what
//     the killed run wrote is recognised as its own write, not as the user's edit.
//
// Proved by test/sync-crash.test.ts (a kill at every checkpoint of a run, then the next run),
// test/sync-crash-echo.test.ts (a killed update's writes are not taken for edits),
// test/sync-property.test.ts (random histories with kills, faults and expired cursors), and in
// src/sync/planner.test.ts the adoption of records and items.
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
  type Action,
  adoptItems,
  adoptRecords,
  type CrmSide,
  type ExchangeSide,
  type LinkState,
  massDeleteGuard,
  type Pair,
  type PlanSettings,
  planPair,
} from './planner.ts';
import { sameValue } from './snapshot.ts';
import * as linkStore from './store/links.ts';
import { type DeleteMark, type StoredLink, toLinkState } from './store/links.ts';
import * as runStore from './store/runs.ts';
import type { Db, SyncScope } from './store/scope.ts';
import * as sharedStore from './store/shared.ts';
import type { SyncState } from './store/states.ts';
import * as stateStore from './store/states.ts';
import * as tagStore from './store/tags.ts';
import type {
  EntityDefinition,
  EntitySyncSettings,
  MailboxSource,
  Projection,
  RunStatus,
  Snapshot,
} from './types.ts';

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

  /** The definition of an entity the engine syncs (its CRM service, patch, …); undefined if none. */
  definition(entityName: string): EntityDefinition | undefined {
    return this.entities.get(entityName);
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
      beyondListed: { skipped: 0, errors: 0 },
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
        trigger,
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
        beyondListed: tally.beyondListed,
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

/**
 * Runs `work` and tells whether a change it applied was blocked (could not be applied, and must
 * be read again next run). The run's own flag keeps every block of the run, this one's included.
 */
async function noteBlocked<T>(
  tally: RunTally,
  work: () => Promise<T>,
): Promise<{ result: T; blocked: boolean }> {
  const blockedBefore = tally.blocked;
  tally.blocked = false;
  const result = await work();
  const blocked = tally.blocked;
  tally.blocked = blockedBefore || blocked;
  return { result, blocked };
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
  /** What asked for the run (`manual`: a person, "Sync now"; `schedule`, `push`, `retry`). */
  trigger: string;
}

/** What the CRM journal says changed since the last run (our own writes left out). */
interface CrmChanges {
  /** Record id → whether its last change was a delete. */
  changed: Map<string, boolean>;
  head: number;
  /** Every record is a candidate: first run, or the export filter changed. */
  full: boolean;
}

/**
 * What a run has learnt so far. It is created by the first phase and handed to each next one
 * (see Run.run), never kept in fields a method reads behind the caller's back: besides it, a
 * phase reads only the run's settings, context and scope, which do not change during the run.
 */
interface RunState {
  /** The state row as the run found it: the cursors to resume from, the export scope last synced. */
  readonly stored: SyncState;
  /** The export scope now (its hash); a change means every record is a candidate again. */
  readonly scopeHash: string;
  /** What the CRM journal says changed since the last run. */
  readonly changes: CrmChanges;
  /**
   * The listing marks of this run's reads, one per folder read (see store/links.ts). A record
   * whose link carries one of them was handled by a read of this run; the export pass skips it.
   */
  readonly reads: string[];
  /**
   * Records a read of this run handled and then removed the link of (unlinked, or replaced by a
   * new link): no listing mark tells of them, so they are kept here for the export pass to skip.
   * It grows with the changes a run reads, not with the mailbox.
   */
  readonly handledThenUnlinked: Set<string>;
  /** Export intents an interrupted run left whose item no read of this run has found yet. */
  exportIntents: StoredLink[];
  /** Exchange pages this run has read (its page budget). */
  pages: number;
  /**
   * The mailbox's folders of the entity's kind: listed by this run (at most once), or the listing
   * an earlier run kept, while the entity lets it serve (`folderListingMaxAgeMs`).
   */
  folders?: FolderNode[];
  /** Whether `folders` was listed by this run, rather than kept from an earlier one. */
  foldersListedNow: boolean;
  /** Whether `withMailbox` has been asked in this run. */
  mailboxLearnt: boolean;
  /**
   * The items of the page being applied, to spare a GetItem when writing back. Cleared after
   * each page and export batch, so memory does not grow with the mailbox.
   */
  readonly knownItems: Map<string, unknown>;
  /** Folders this run created items in: read once more at the end (see readOwnCreates). */
  readonly createdIn: Set<string>;
}

/**
 * A key's claim as another mailbox's copy left it: the record it made, or `deleted` (a
 * tombstone), naming the record and what that copy last agreed with it when known.
 */
type ClaimedRecord =
  | NonNullable<Pair['sharedRecord']>
  | { deleted: NonNullable<Pair['deletedRecord']> | true };

class Run {
  private readonly input: RunInput;
  private readonly db: Db;
  private readonly scope: SyncScope;
  private readonly plan: PlanSettings;
  /** The entity's options for the connector's protocol (and the mailbox, once the run began). */
  private options: unknown;
  private readonly checkpoint: Checkpoint;
  /** Other mailboxes' answer to whether they sync this entity, asked at most once a run. */
  private readonly syncingMailboxes = new Map<string, boolean>();

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
    this.checkpoint = checkpoint;
    this.options = input.entity.forProtocol
      ? input.entity.forProtocol(input.settings.options, input.connector.protocol)
      : input.settings.options;
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

  /** What the executor works with: the run's settings, and the parts of its state it adds to. */
  private context(state: RunState): ExecutionContext {
    const { input } = this;
    return {
      crm: input.engine.crm,
      principal: input.principal,
      connector: input.connector,
      entity: input.entity,
      options: this.options,
      db: input.db,
      scope: input.scope,
      now: input.now,
      runId: input.runId,
      tally: input.tally,
      checkpoint: this.checkpoint,
      journalHead: () => input.engine.crm.journal.headVersion(),
      knownItems: state.knownItems,
      createdIn: state.createdIn,
    };
  }

  private folder(id: string): FolderRef {
    return { kind: this.entity.folderKind, id };
  }

  /**
   * The phases of a run, in the order recovery depends on (see RECOVERY at the top of this
   * file); each is handed the run's state. Returns the hold reason when the mass-delete guard
   * stopped the run.
   */
  async run(): Promise<string | undefined> {
    const state = await this.begin();
    // Without `needsMailbox`, what the mailbox tells is learnt before anything is read.
    if (!this.entity.needsMailbox) await this.learnMailbox(state);
    await this.recover(state);
    await this.readExchange(state);
    await this.dropUnfoundExports();
    await this.exportChanges(state);
    await this.readOwnCreates(state);
    const held = await this.runDeletes(state);
    if (held) return held;
    await this.finish(state);
    return undefined;
  }

  /**
   * What changed in the CRM since the journal version saved, and, on a first run, where
   * the full pass begins (so that a pass resumed after a crash still sees later edits).
   */
  private async begin(): Promise<RunState> {
    const stored = await stateStore.readState(this.db, this.scope);
    const scopeHash = this.entity.scopeKey(this.input.settings.options);
    const changes = await this.readCrmChanges(
      stored.journalVersion ?? stored.fullPassSince,
      stored.journalVersion === null || stored.scopeHash !== scopeHash,
    );
    if (stored.journalVersion === null && stored.fullPassSince === null)
      await stateStore.beginFullPass(this.db, this.scope, changes.head);
    await this.checkpoint('start');
    const kept = this.keptFolders(stored);
    return {
      stored,
      scopeHash,
      changes,
      reads: [],
      handledThenUnlinked: new Set(),
      exportIntents: [],
      pages: 0,
      ...(kept ? { folders: kept } : {}),
      foldersListedNow: false,
      mailboxLearnt: false,
      knownItems: new Map(),
      createdIn: new Set(),
    };
  }

  /**
   * The folder listing an earlier run kept, when it may serve this run: the entity keeps
   * listings, this is no first run (a first run looks at the mailbox as it is) and no "Sync now"
   * (whoever asks has likely just made a folder), and the listing is younger than the entity
   * allows. A listing dated after now (the clock went back) is not trusted.
   */
  private keptFolders(stored: SyncState): FolderNode[] | undefined {
    const maxAge = this.entity.folderListingMaxAgeMs;
    const listing = stored.folderListing;
    if (maxAge === undefined || !listing || stored.journalVersion === null || this.input.trigger === 'manual')
      return undefined;
    const age = this.input.now().getTime() - Date.parse(listing.listedAt);
    return age >= 0 && age < maxAge ? listing.folders : undefined;
  }

  /** What the entity learns from the mailbox (`withMailbox`), once a run. */
  private async learnMailbox(state: RunState): Promise<void> {
    if (state.mailboxLearnt || !this.entity.withMailbox) return;
    state.mailboxLearnt = true;
    this.options = await this.entity.withMailbox(this.options, this.input.connector);
  }

  /**
   * Exchange's changes, folder by folder and page by page. Links of folders no longer
   * synced go first: items of a folder deleted in Exchange went with it (deletes, not items to
   * unlink and export again); a folder that still exists but is no longer chosen is unlinked.
   */
  private async readExchange(state: RunState): Promise<void> {
    let folders = await this.syncFolders(state);
    let outside = await linkStore.linkedFoldersOutside(this.db, this.scope, folders);
    // Links in a folder left out are unlinked or taken for gone: that is decided on a listing of
    // this run, never on one kept from an earlier run, which may predate the folder.
    if (outside.length > 0 && state.folders && !state.foldersListedNow) {
      await this.listedFolders(state, true);
      folders = await this.syncFolders(state);
      outside = await linkStore.linkedFoldersOutside(this.db, this.scope, folders);
    }
    for (const folderId of outside)
      if (!(await this.folderExists(state, folderId))) await this.folderGone(state, folderId);
    this.input.tally.counts.import.unlinked += await linkStore.deleteLinksOutside(
      this.db,
      this.scope,
      folders,
    );
    for (const folderId of folders) {
      try {
        await this.readFolder(state, folderId, state.stored.cursors[folderId]);
      } catch (error) {
        // A folder deleted since it was listed: EWS answers ErrorFolderNotFound (`not_found`) or
        // ErrorSyncFolderNotFound (`resync_needed`, also after a read from scratch), Graph 404.
        // Gone only if a listing taken now no longer has it.
        const gone =
          (isConnectorError(error, 'not_found') || isConnectorError(error, 'resync_needed')) &&
          folderId !== this.plan.exportFolder &&
          !(await this.folderExists(state, folderId));
        if (!gone) throw error;
        await this.folderGone(state, folderId);
      }
    }
  }

  /**
   * Recovery of exports, after the reads: export intents no read found an item for are creates that
   * never reached Exchange. They are dropped; the export pass creates the item again.
   */
  private async dropUnfoundExports(): Promise<void> {
    const orphans = (await linkStore.linksInState(this.db, this.scope, 'export_pending')).map((l) => l.id);
    await linkStore.deleteLinks(this.db, orphans);
  }

  /**
   * Moves the folder cursors past the run's own creates. A server may leave out an item
   * that was created and deleted after a cursor, and then its delete would never reach the CRM.
   */
  private async readOwnCreates(state: RunState): Promise<void> {
    for (const folderId of state.createdIn) {
      const { cursors } = await stateStore.readState(this.db, this.scope);
      if (cursors[folderId] !== undefined) await this.readFolder(state, folderId, cursors[folderId]);
    }
  }

  /**
   * The CRM journal is synced up to the head the run began at, unless a change could
   * not be applied (then the next run reads the same CRM changes again).
   */
  private async finish(state: RunState): Promise<void> {
    if (!this.input.tally.blocked)
      await stateStore.saveJournalVersion(
        this.db,
        this.scope,
        state.changes.head,
        state.scopeHash,
        this.input.now(),
      );
    await this.checkpoint('journal');
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
          // A record shared by several mailboxes' copies changes in each through Exchange, not
          // through another mailbox's sync: that sync's write is no edit here (no amplification).
          if (this.entity.sharedIdentity && change.actorMailboxId !== null) continue;
          changed.set(change.recordId, change.operation === 'delete');
        }
        version = page[page.length - 1].version;
      }
    }
    // A record whose item was created without all it holds (what follows the create failed)
    // is compared in full until the rest is written.
    for (const id of await linkStore.recordsNotWrittenWhole(this.db, this.scope))
      if (!changed.has(id)) changed.set(id, false);
    // An attendee's link to a record the CRM deleted waits for the organizer's run, which may
    // never come (its sync switched off): it is looked at again on every run until it lets go.
    if (this.entity.sharedIdentity)
      for (const id of await sharedStore.attendeeLinksOnDeletedRecords(
        this.db,
        this.scope,
        this.entity.service(this.input.engine.crm).definition.table,
      ))
        changed.set(id, true);
    return { changed, head, full: since === null || full };
  }

  /**
   * What an interrupted run left half done. Its export intents wait for the reads to
   * find their items (see applyExchangePage); its import intents are settled now.
   */
  private async recover(state: RunState): Promise<void> {
    await this.recoverImports();
    state.exportIntents = await linkStore.linksInState(this.db, this.scope, 'export_pending');
  }

  /**
   * Import intents whose CRM record was created before the crash get that record, found by their
   * place in the CRM journal; the rest are dropped.
   */
  private async recoverImports(): Promise<void> {
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
    // Each carries a mark until a read lists its item: a complete read that does not has found
    // it gone (see readFolder).
    for (const m of matches)
      await linkStore.linkImported(
        this.db,
        m.intent.linkId,
        { recordId: m.record.recordId, recordVersion: m.record.version },
        this.input.now(),
        linkStore.ADOPTED_AWAITING_LISTING,
      );
    // A shared key claimed for an adopted record is settled on it.
    await sharedStore.settleClaims(
      this.db,
      this.scope.entity,
      matches.map((m) => ({ linkId: m.intent.linkId, recordId: m.record.recordId })),
    );
    const adopted = new Set(matches.map((m) => m.intent.linkId));
    // The rest never reached the CRM; their items are read again (the cursor was not saved),
    // and the keys they claimed are let go.
    const dropped = intents.filter((i) => !adopted.has(i.id)).map((i) => i.id);
    await linkStore.deleteLinks(this.db, dropped);
    await sharedStore.releaseClaims(this.db, this.scope.entity, dropped);
    await this.checkpoint('recovered');
  }

  /**
   * The listing mark of a new read of a folder (each item it lists marks its link with `read`),
   * and the mark of the links it has yet to list (`awaiting`).
   */
  private newRead(state: RunState): { read: string; awaiting: string } {
    const read = `${this.input.runId}/${state.reads.length}`;
    state.reads.push(read);
    return { read, awaiting: `${read}/awaiting` };
  }

  /**
   * The mailbox's folders of the entity's kind: the listing an earlier run kept (see
   * keptFolders) unless `now` asks for one taken by this run; listed at most once a run. A new
   * listing is kept for the runs after this one when the entity allows it.
   */
  private async listedFolders(state: RunState, now = false): Promise<FolderNode[]> {
    if (state.folders && (state.foldersListedNow || !now)) return state.folders;
    const flat = (nodes: FolderNode[]): FolderNode[] => nodes.flatMap((n) => [n, ...flat(n.children)]);
    const listedAt = this.input.now().toISOString();
    state.folders = flat(await this.input.connector.listFolders(this.entity.folderKind));
    state.foldersListedNow = true;
    if (this.entity.folderListingMaxAgeMs !== undefined)
      await stateStore.saveFolderListing(this.db, this.scope, { listedAt, folders: state.folders });
    return state.folders;
  }

  /**
   * Whether a folder (by id, or by its well-known name as links of the default folder hold it)
   * exists, by a listing of this run: a kept listing may predate the folder.
   */
  private async folderExists(state: RunState, folderId: string): Promise<boolean> {
    return (await this.listedFolders(state, true)).some((f) => f.id === folderId || f.wellKnown === folderId);
  }

  /**
   * A folder deleted in Exchange: every item linked in it is gone, as after a read from scratch
   * that listed nothing. The planner decides per direction (delete the record, or unlink), and
   * the deletes wait for the mass-delete guard like any others.
   */
  private async folderGone(state: RunState, folderId: string): Promise<void> {
    const { read, awaiting } = this.newRead(state);
    await linkStore.markAwaitingListing(this.db, this.scope, folderId, awaiting);
    await this.missingAfterFullRead(state, folderId, awaiting, read);
    await stateStore.saveCursor(this.db, this.scope, folderId, null, this.input.now());
  }

  private async syncFolders(state: RunState): Promise<string[]> {
    const { settings } = this.input;
    const out = new Set<string>();
    if (settings.direction === 'import' || settings.direction === 'two_way') {
      const importsFolder = this.entity.importsFolder;
      if (settings.importFolders === 'all') {
        for (const f of await this.listedFolders(state))
          if (!importsFolder || importsFolder(f, this.options))
            out.add(f.wellKnown === this.plan.exportFolder ? this.plan.exportFolder : f.id);
      } else if (importsFolder && this.entity.refusesFolders?.(this.options) !== false) {
        // A chosen folder the entity refuses (a list shared by someone else) is not read; one
        // not listed is left to the reads, which find it gone. A kept listing that lacks a
        // chosen folder may predate it: the folders are listed again.
        let listed = await this.listedFolders(state);
        const known = (id: string) => listed.some((n) => n.id === id || n.wellKnown === id);
        if (!settings.importFolders.every(known)) listed = await this.listedFolders(state, true);
        for (const id of settings.importFolders) {
          const f = listed.find((n) => n.id === id || n.wellKnown === id);
          if (!f || importsFolder(f, this.options)) out.add(id);
        }
      } else for (const id of settings.importFolders) out.add(id);
    }
    if (settings.direction === 'export' || settings.direction === 'two_way') out.add(this.plan.exportFolder);
    return [...out];
  }

  private async readFolder(state: RunState, folderId: string, cursor: string | undefined): Promise<void> {
    const { connector, engine } = this.input;
    const fromScratch = cursor === undefined;
    // Each item this read lists marks its link with `read`. Only links that existed before a
    // read from scratch can have lost their item unnoticed: they start out with `awaiting`, and
    // those still carrying it after the last page are gone from Exchange.
    const { read, awaiting } = this.newRead(state);
    if (fromScratch) await linkStore.markAwaitingListing(this.db, this.scope, folderId, awaiting);
    let page = 0;
    // A server that hands back a position it already gave in this read would be followed for
    // ever (a nextLink pointing at itself, a sync state that never moves on).
    const seen = new Set<string>(cursor === undefined ? [] : [cursor]);
    try {
      const window = this.entity.readWindow?.(this.options, this.input.now());
      for await (const changePage of connector.readChanges(this.folder(folderId), cursor, {
        pageSize: engine.pageSize ?? this.entityPageSize() ?? 256,
        ...(window ? { window } : {}),
      })) {
        if (++state.pages > this.input.maxPages)
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
        const { result: marks, blocked: pageBlocked } = await noteBlocked(this.input.tally, () =>
          this.applyInSlices(state, folderId, [...upserts.values()], deletes, read),
        );
        // A page that could not be fully applied is read again next run: keep the old cursor;
        // so is one whose changes are not all handed out yet (`partial`: they follow on a later
        // page). A read from scratch keeps no cursor until its last page: only a complete
        // listing tells which linked items are gone, so a run interrupted half-way reads from
        // scratch again (the pages it had applied are no-ops then) rather than resume without
        // that sweep.
        const keep =
          pageBlocked || changePage.partial || (fromScratch && !changePage.done)
            ? undefined
            : changePage.cursor;
        if (fromScratch && changePage.done && !pageBlocked) {
          await linkStore.markDeletes(this.db, marks, this.input.now());
          await this.missingAfterFullRead(state, folderId, awaiting, read);
          await stateStore.saveCursor(this.db, this.scope, folderId, changePage.cursor, this.input.now());
        } else if (keep === undefined) {
          await linkStore.markDeletes(this.db, marks, this.input.now());
        } else {
          await this.markDeletesAndSaveCursor(marks, folderId, keep);
        }
        await this.checkpoint(`page:${folderId}:${page++}`);
        // Items are kept only while their page is applied, so memory does not grow with the
        // mailbox; a later phase that needs one fetches it again.
        state.knownItems.clear();
        if (pageBlocked) return;
      }
      // A complete read lists every item an adopted import intent's link has, unless it is gone.
      await this.missingAfterFullRead(state, folderId, linkStore.ADOPTED_AWAITING_LISTING, read);
    } catch (error) {
      if (isConnectorError(error, 'resync_needed') && !fromScratch) {
        // The server forgot our position: read the folder again from the start.
        await stateStore.saveCursor(this.db, this.scope, folderId, null, this.input.now());
        return this.readFolder(state, folderId, undefined);
      }
      throw error;
    }
  }

  /** The entity's own page size for the connector's protocol, if it has one. */
  private entityPageSize(): number | undefined {
    const own = this.entity.readPageSize;
    return typeof own === 'number' ? own : own?.[this.input.connector.protocol];
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
   * After a read from scratch, linked items that were not listed are gone from Exchange; after
   * any complete read, so are those of import intents recovery adopted (`awaiting`: the mark
   * they carry). They are read from the database a page at a time, so memory stays flat however
   * many there are.
   */
  private async missingAfterFullRead(state: RunState, folderId: string, awaiting: string, read: string) {
    const { engine } = this.input;
    let after: string | null = null;
    for (;;) {
      const gone = await linkStore.stillAwaitingListing(
        this.db,
        this.scope,
        folderId,
        awaiting,
        after,
        engine.pageSize ?? 256,
      );
      if (gone.length === 0) return;
      after = gone[gone.length - 1].id;
      // Items before the window a protocol reads over (C5) are not listed, and not gone.
      const outside = this.entity.outsideReads;
      const deleted = outside ? gone.filter((l) => !outside(l.snapshot, this.options)) : gone;
      if (deleted.length === 0) continue;
      const { upserts, deletes } = await this.confirmUnlisted(
        folderId,
        deleted.map((l) => l.itemId),
      );
      const marks = await this.applyExchangePage(state, folderId, upserts, deletes, read);
      await linkStore.markDeletes(this.db, marks, this.input.now());
    }
  }

  /**
   * A folder read over a window (meetings on Graph) does not list an item that moved out of it
   * since it was last seen: the connector reads each one again through the folder, and only those
   * the folder no longer holds are gone. A folder read whole lists all it holds: unlisted is gone.
   */
  private async confirmUnlisted(
    folderId: string,
    ids: string[],
  ): Promise<{ upserts: Array<{ id: string; version: string; item: unknown }>; deletes: string[] }> {
    const window = this.entity.readWindow?.(this.options, this.input.now());
    const confirm = this.input.connector.confirmUnlisted;
    if (!window || !confirm) return { upserts: [], deletes: ids };
    const found = await confirm.call(this.input.connector, this.folder(folderId), ids, { window });
    if (!found) return { upserts: [], deletes: ids };
    const upserts = found.upserts.filter((u) => !found.deletes.includes(u.id));
    return { upserts, deletes: found.deletes };
  }

  /**
   * A page as large as a server sends (thousands of items in 5 MB) is applied a slice of
   * `pageSize` items at a time, with a turn of the event loop between slices: on SQLite the CRM's
   * writes do not yield, and one write of thousands would hold up the server. The page's cursor
   * is still saved only after its last slice.
   */
  private async applyInSlices(
    state: RunState,
    folderId: string,
    upserts: Array<{ id: string; version: string; item: unknown }>,
    deletes: string[],
    read: string,
  ): Promise<DeleteMark[]> {
    const slice = this.input.engine.pageSize ?? 256;
    if (upserts.length + deletes.length <= slice)
      return this.applyExchangePage(state, folderId, upserts, deletes, read);
    const marks: DeleteMark[] = [];
    for (let i = 0; i < upserts.length; i += slice) {
      marks.push(...(await this.applyExchangePage(state, folderId, upserts.slice(i, i + slice), [], read)));
      await nextTurn();
    }
    for (let i = 0; i < deletes.length; i += slice) {
      marks.push(...(await this.applyExchangePage(state, folderId, [], deletes.slice(i, i + slice), read)));
      await nextTurn();
    }
    return marks;
  }

  /**
   * One slice of a page: plan each item against its link and record, carry the actions out
   * (intent, write, link: see RECOVERY), and note what the read listed. Returns the deletes to
   * mark for the guard.
   */
  private async applyExchangePage(
    state: RunState,
    folderId: string,
    upserts: Array<{ id: string; version: string; item: unknown }>,
    deletes: string[],
    read: string,
  ): Promise<DeleteMark[]> {
    const { changes } = state;
    const links = await linkStore.linksByItem(this.db, this.scope, [...upserts.map((u) => u.id), ...deletes]);
    const observed = new Map<string, ExchangeSide>();
    /** Items outside the import scope (C2, C5): left alone unless already linked. */
    const outOfScope = new Set<string>();
    const needsMailbox = this.entity.needsMailbox;
    if (needsMailbox && upserts.some((u) => needsMailbox(u.item, this.options)))
      await this.learnMailbox(state);
    for (const u of upserts) {
      state.knownItems.set(u.id, u.item);
      const shared = this.entity.sharedIdentity?.(u.item, this.options, this.input.connector.mailbox);
      const snapshot = this.entity.fromItem(u.item, this.options);
      if (this.entity.importsItem && !this.entity.importsItem(u.item, snapshot, this.options))
        outOfScope.add(u.id);
      observed.set(u.id, {
        kind: 'upsert',
        folderId,
        itemId: u.id,
        version: u.version,
        snapshot,
        ...(shared ? { shared } : {}),
      });
    }
    for (const id of deletes) observed.set(id, { kind: 'deleted', folderId, itemId: id });

    // Items an interrupted export created: adopt them instead of importing a copy. They are
    // matched by what the create writes by itself (a series without its occurrences, which the
    // killed run may not have written yet).
    const unlinked = upserts.filter((u) => !links.has(u.id) || links.get(u.id)!.state !== 'linked');
    const alone = (snapshot: Snapshot) => this.entity.createdAlone?.(snapshot) ?? snapshot;
    const adoptions = adoptItems(
      state.exportIntents.map((i) => ({
        linkId: i.id,
        folderId: i.folderId,
        fingerprint: i.fingerprint ?? '',
        snapshot: alone(i.snapshot),
      })),
      unlinked.map((u) => {
        const side = observed.get(u.id) as Extract<ExchangeSide, { kind: 'upsert' }>;
        return { folderId, itemId: u.id, version: u.version, snapshot: alone(side.snapshot) };
      }),
    );
    for (const { intent, item } of adoptions) {
      const stored = state.exportIntents.find((i) => i.id === intent.linkId)!;
      // No version yet: the item is compared with what was sent, so an edit the user made to
      // it before the resume counts as an Exchange change. Of what is written after a create,
      // only what the item holds as sent counts as written; the rest is a CRM change to write.
      const held = (observed.get(item.itemId) as Extract<ExchangeSide, { kind: 'upsert' }>).snapshot;
      const sentAlone = alone(stored.snapshot);
      const base = this.entity.createdAlone
        ? Object.fromEntries(
            Object.entries(stored.snapshot).filter(
              ([field, value]) => field in sentAlone || sameValue(held[field], value),
            ),
          )
        : stored.snapshot;
      const whole = sameValue(base, stored.snapshot);
      await linkStore.linkExported(
        this.db,
        intent.linkId,
        { itemId: item.itemId, itemVersion: '', ...(whole ? {} : { written: base }) },
        this.input.now(),
      );
      state.exportIntents = state.exportIntents.filter((i) => i.id !== intent.linkId);
      links.set(item.itemId, {
        ...stored,
        snapshot: base,
        ...(whole ? {} : { recordVersion: null }),
        itemId: item.itemId,
        itemVersion: '',
        state: 'linked',
      });
    }

    await this.learnSharedIdentity(observed, links);

    const linked = [...links.values()].filter((l) => l.state === 'linked' && !l.deleteMark);
    // An attendee's copy that changed is compared with the record as it is: a CRM edit it could
    // not write (made in an earlier run) must not be overwritten by the copy. A link without a
    // record version has yet to write all its record holds (linkExported).
    const recordIds = linked
      .filter(
        (l) =>
          changes.full ||
          changes.changed.has(l.recordId!) ||
          l.shared?.role === 'attendee' ||
          l.recordVersion === null,
      )
      .map((l) => l.recordId!);
    const crmSides = await this.observeRecords(
      recordIds,
      changes,
      new Map(linked.map((l) => [l.recordId!, l])),
      state,
    );
    const sharedRecords = await this.sharedRecordsOf(observed, links);
    const withOrganizer = await this.organizerCopies(linked);
    const pairs: Pair[] = [];
    const handled: string[] = [];
    for (const [itemId, exchange] of observed) {
      const link = links.get(itemId);
      if (link?.deleteMark || (link && link.state !== 'linked')) continue;
      if (!link && outOfScope.has(itemId)) continue;
      const linkState = link ? toLinkState(link) : undefined;
      const crm = linkState ? crmSides.get(linkState.recordId) : undefined;
      if (linkState) handled.push(linkState.recordId);
      const sharedRecord =
        !link && exchange.kind === 'upsert' && exchange.shared
          ? sharedRecords.get(exchange.shared.key)
          : undefined;
      pairs.push({
        link: linkState,
        exchange,
        crm,
        ...(sharedRecord ? this.claimFields(sharedRecord, exchange) : {}),
        ...(linkState?.shared?.role === 'attendee'
          ? { organizerLinked: withOrganizer.has(linkState.recordId) }
          : {}),
        ...this.heldOf(linkState, exchange, crm),
      });
    }
    const actions = pairs.flatMap((p) => planPair(p, this.plan));
    const marks = await execute(this.context(state), actions);
    const joins = actions.flatMap((a) => (a.type === 'linkExisting' && a.reconcile ? [a] : []));
    if (joins.length > 0) marks.push(...(await this.reconcileJoins(state, joins, observed)));
    // The listing mark tells the export pass which records this read handled, and the sweep
    // after a read from scratch which items it listed (newly linked ones included).
    const stillLinked = await linkStore.markListedBy(this.db, this.scope, [...observed.keys()], read);
    for (const recordId of handled) if (!stillLinked.has(recordId)) state.handledThenUnlinked.add(recordId);
    return marks;
  }

  /**
   * A meeting the CRM wrote to a calendar gets its key from Exchange on creation: the first read
   * that lists it tells its link the key and role, and ties the key to the record, so that the
   * attendees' copies join that record instead of making another.
   */
  private async learnSharedIdentity(
    observed: Map<string, ExchangeSide>,
    links: Map<string, StoredLink>,
  ): Promise<void> {
    const learnt: Array<{ link: StoredLink; shared: { key: string; role: 'organizer' | 'attendee' } }> = [];
    for (const [itemId, side] of observed) {
      const link = links.get(itemId);
      if (side.kind !== 'upsert' || !side.shared || !link || link.shared || link.state !== 'linked') continue;
      learnt.push({ link, shared: { key: side.shared.key, role: side.shared.role } });
    }
    if (learnt.length === 0) return;
    const now = this.input.now();
    await linkStore.learnShared(
      this.db,
      learnt.map((l) => ({ id: l.link.id, ...l.shared })),
      now,
    );
    await sharedStore.claimRecords(
      this.db,
      this.scope.entity,
      learnt.map((l) => ({ key: l.shared.key, recordId: l.link.recordId! })),
      now,
    );
    for (const { link, shared } of learnt) links.set(link.itemId!, { ...link, shared });
  }

  /**
   * The records other copies of the unlinked items (meetings in other mailboxes) made, by the
   * keys' claims: the record, or `deleted` when the key's record is gone (a tombstone). For an
   * organizer's copy, `deleted` names the record and what another copy last agreed with it (its
   * link's, or the one kept on the tombstone when that link let go), when known: the copy is then
   * treated as if it had been linked when the CRM deleted the record. A key whose record is still
   * being made is absent: its import waits on the claim (executor.ts).
   */
  private async sharedRecordsOf(
    observed: Map<string, ExchangeSide>,
    links: Map<string, StoredLink>,
  ): Promise<Map<string, ClaimedRecord>> {
    const keys: string[] = [];
    const organizerKeys = new Set<string>();
    for (const [itemId, side] of observed)
      if (!links.has(itemId) && side.kind === 'upsert' && side.shared) {
        keys.push(side.shared.key);
        if (side.shared.role === 'organizer') organizerKeys.add(side.shared.key);
      }
    if (keys.length === 0) return new Map();
    const claims = await sharedStore.claimsOf(this.db, this.scope.entity, keys);
    const recordIds = [...claims.values()].flatMap((c) => (c.recordId ? [c.recordId] : []));
    const records = new Map(
      (recordIds.length
        ? await this.entity.service(this.input.engine.crm).getMany(ADMIN_VIEW, recordIds)
        : []
      ).map((r) => [r.id, r]),
    );
    // What the other copies last agreed with the records an organizer's copy joins.
    const agreed = await sharedStore.agreedWith(
      this.db,
      this.scope.entity,
      [...claims.values()].flatMap((c) => (c.recordId && organizerKeys.has(c.key) ? [c.recordId] : [])),
    );
    const out = new Map<string, ClaimedRecord>();
    for (const claim of claims.values()) {
      if (!claim.recordId) continue;
      const record = records.get(claim.recordId);
      const base = agreed.get(claim.recordId);
      if (record)
        out.set(claim.key, {
          recordId: record.id,
          recordVersion: record.version,
          ...(base ? { agreed: base } : {}),
        });
      else {
        const kept = organizerKeys.has(claim.key) ? (base ?? claim.agreed) : undefined;
        out.set(claim.key, { deleted: kept ? { recordId: claim.recordId, agreed: kept } : true });
      }
    }
    return out;
  }

  /** A key's claim as the pair of an unlinked copy holds it. */
  private claimFields(
    claim: ClaimedRecord,
    exchange: ExchangeSide,
  ): Pick<Pair, 'sharedRecord' | 'sharedDeleted' | 'deletedRecord'> {
    if (!('deleted' in claim)) return { sharedRecord: claim };
    if (claim.deleted === true || exchange.kind !== 'upsert') return { sharedDeleted: true };
    return { sharedDeleted: true, deletedRecord: this.fromOtherCopy(claim.deleted, exchange.snapshot) };
  }

  /**
   * What another mailbox's copy agreed with a deleted record, as the base of this mailbox's copy:
   * the fields all copies hold alike from the other copy, this copy's own (a meeting's show-as,
   * reminder, categories) as it holds them, so that they do not count as changed since.
   */
  private fromOtherCopy(
    deleted: NonNullable<Pair['deletedRecord']>,
    holds: Snapshot,
  ): NonNullable<Pair['deletedRecord']> {
    const shared = this.entity.sharedFields;
    if (!shared) return deleted;
    const snapshot = { ...holds };
    for (const field of shared)
      if (field in deleted.agreed.snapshot) snapshot[field] = deleted.agreed.snapshot[field];
      else delete snapshot[field];
    return { ...deleted, agreed: { ...deleted.agreed, snapshot } };
  }

  /**
   * An organizer's copy that joined a record another copy made is planned again at once, from
   * what that copy last agreed with the record: a CRM edit made since is written to the
   * organizer's copy, and what the organizer's copy holds beyond it comes to the record, by the
   * mailbox's conflict policy (the join alone would take both sides as agreed).
   */
  private async reconcileJoins(
    state: RunState,
    joins: Array<Extract<Action, { type: 'linkExisting' }>>,
    observed: Map<string, ExchangeSide>,
  ): Promise<DeleteMark[]> {
    const links = await linkStore.linksByItem(
      this.db,
      this.scope,
      joins.map((j) => j.itemId),
    );
    const joined = [...links.values()].filter((l) => l.state === 'linked' && l.recordId !== null);
    if (joined.length === 0) return [];
    // Taken as edited whatever the journal says: the join's record version is the other copy's.
    const edited: CrmChanges = {
      ...state.changes,
      changed: new Map([...state.changes.changed, ...joined.map((l) => [l.recordId!, false] as const)]),
    };
    const crmSides = await this.observeRecords(
      joined.map((l) => l.recordId!),
      edited,
      new Map(joined.map((l) => [l.recordId!, l])),
      state,
    );
    const pairs: Pair[] = joined.map((l) => {
      const link = toLinkState(l);
      const exchange = observed.get(l.itemId!);
      const crm = crmSides.get(l.recordId!);
      return { link, exchange, crm, ...this.heldOf(link, exchange, crm) };
    });
    return execute(
      this.context(state),
      pairs.flatMap((p) => planPair(p, this.plan)),
    );
  }

  /**
   * The linked item's fields a write of which would mail people (a Graph meeting with attendees),
   * unless the record may send (a meeting made in the CRM for which the mailbox sends invitations);
   * and those it holds cancelled, which no write can bring back (a series' cancelled occurrence).
   */
  private heldOf(
    link: LinkState | undefined,
    exchange: ExchangeSide | undefined,
    crm: CrmSide | undefined,
  ): { held?: readonly string[]; cancelled?: Readonly<Record<string, string>> } {
    if (!link) return {};
    const holds = exchange?.kind === 'upsert' ? exchange.snapshot : link.snapshot;
    const parts = this.entity.cancelledParts?.(holds, this.options) ?? {};
    const cancelled = Object.keys(parts).length > 0 ? { cancelled: parts } : {};
    if (!this.entity.sendingFields) return cancelled;
    if (link.origin === 'export' && crm?.kind === 'present' && crm.projection.sends) return cancelled;
    const held = this.entity.sendingFields(holds, this.options);
    return held.length > 0 ? { held, ...cancelled } : cancelled;
  }

  /** The projection as written without sending (Projection.sends withdrawn). */
  private withoutSending(projection: Projection): Projection {
    if (this.entity.withoutSending) return this.entity.withoutSending(projection, this.options);
    const { sends: _sends, ...rest } = projection;
    return rest;
  }

  /** The records among these attendee links' that some mailbox has linked to its organizer's copy. */
  private async organizerCopies(links: StoredLink[]): Promise<Set<string>> {
    const ids = links.filter((l) => l.shared?.role === 'attendee').map((l) => l.recordId!);
    if (ids.length === 0) return new Set();
    const copies = await sharedStore.organizerCopyMailboxes(this.db, this.scope.entity, ids);
    // Only a mailbox that still syncs the entity speaks for the organizer's copy: one whose sync
    // was switched off never runs to decide what the attendees' links wait for.
    const syncing = new Map<string, boolean>();
    for (const mailboxId of new Set([...copies.values()].flat()))
      syncing.set(mailboxId, await this.syncsEntity(mailboxId));
    const out = new Set<string>();
    for (const [recordId, mailboxIds] of copies)
      if (mailboxIds.some((m) => syncing.get(m))) out.add(recordId);
    return out;
  }

  /** Whether a mailbox syncs this entity, asked once a run (the answer is kept in `syncingMailboxes`). */
  private async syncsEntity(mailboxId: string): Promise<boolean> {
    if (mailboxId === this.scope.mailboxId) return true;
    let syncing = this.syncingMailboxes.get(mailboxId);
    if (syncing === undefined) {
      const settings = (await this.input.engine.source.settings(mailboxId))[this.scope.entity];
      syncing = settings !== undefined && settings.direction !== 'off';
      this.syncingMailboxes.set(mailboxId, syncing);
    }
    return syncing;
  }

  /**
   * The CRM side of the given records: present (projected), deleted or no longer visible. A
   * linked record the journal shows no user change for is taken as unedited, whatever the
   * sync itself wrote to it: only the user's edits may count as CRM edits.
   */
  private async observeRecords(
    recordIds: string[],
    changes: CrmChanges,
    links: Map<string, StoredLink>,
    state: RunState,
  ): Promise<Map<string, CrmSide>> {
    const out = new Map<string, CrmSide>();
    if (recordIds.length === 0) return out;
    const { engine, principal } = this.input;
    const service = this.entity.service(engine.crm);
    const records = await service.getMany(principal, recordIds);
    const tagged = await tagStore.taggedAmong(this.db, this.scope, recordIds);
    for (const r of records) {
      let projection = this.entity.fromRecord(r, this.options);
      const link = links.get(r.id);
      // An attendee's link is behind the record while a CRM edit it could not write stands
      // (its record version stays behind: see the planner's planReadOnly). A link without a
      // record version has yet to write all its record holds (linkExported).
      const unedited =
        link?.state === 'linked' &&
        link.recordVersion !== null &&
        (link.shared?.role === 'attendee'
          ? Number(link.recordVersion) === r.version
          : !changes.changed.has(r.id));
      // Nothing a first sync writes sends anything (invitations).
      if (projection.sends && state.stored.journalVersion === null)
        projection = this.withoutSending(projection);
      out.set(r.id, {
        kind: 'present',
        recordId: r.id,
        version: unedited ? Number(link.recordVersion ?? r.version) : r.version,
        projection: unedited
          ? {
              snapshot: link.snapshot,
              notExported: projection.notExported,
              ...(projection.sends ? { sends: true } : {}),
              ...(projection.keeps ? { keeps: projection.keeps } : {}),
            }
          : projection,
        inScope: this.entity.inExportScope(r, this.options, tagged.has(r.id)),
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

  /**
   * The CRM changes the reads did not handle, a batch at a time; on a full pass every
   * record, and otherwise also the records newly tagged for the mailbox.
   */
  private async exportChanges(state: RunState): Promise<void> {
    const { changes } = state;
    const { engine } = this.input;
    const batchSize = engine.batchSize ?? 200;
    let batch = 0;
    // Each record is handled once a run: not again after a read of this run handled it, nor,
    // once the changed records are done (`afterChanged`), when it is one of them.
    const handle = async (ids: string[], afterChanged = false) => {
      let todo = ids.filter(
        (id) => !state.handledThenUnlinked.has(id) && !(afterChanged && changes.changed.has(id)),
      );
      if (todo.length === 0) return;
      const listed = await linkStore.recordsListedBy(this.db, this.scope, todo, state.reads);
      if (listed.size > 0) todo = todo.filter((id) => !listed.has(id));
      if (todo.length === 0) return;
      const links = await linkStore.linksByRecord(this.db, this.scope, todo);
      const sides = await this.observeRecords(todo, changes, links, state);
      const withOrganizer = await this.organizerCopies([...links.values()]);
      const pairs: Pair[] = [];
      for (const id of todo) {
        const link = links.get(id);
        if (link && (link.state !== 'linked' || link.deleteMark)) continue;
        const crm = sides.get(id);
        if (!link && crm?.kind !== 'present') continue;
        const linkState = link ? toLinkState(link) : undefined;
        pairs.push({
          link: linkState,
          crm,
          ...(link?.shared?.role === 'attendee' ? { organizerLinked: withOrganizer.has(id) } : {}),
          ...this.heldOf(linkState, undefined, crm),
        });
      }
      const actions = pairs.flatMap((p) => planPair(p, this.plan));
      const marks = await execute(this.context(state), actions);
      await linkStore.markDeletes(this.db, marks, this.input.now());
      state.knownItems.clear();
      await this.checkpoint(`export:${batch++}`);
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

  /**
   * The mass-delete guard (E5), then the deletes it allows. The hold is read again here: an
   * administrator may have decided on it since the run began.
   */
  private async runDeletes(state: RunState): Promise<string | undefined> {
    const { settings } = this.input;
    const pending = await linkStore.countMarkedForDelete(this.db, this.scope);
    const { held, holdDecision } = await stateStore.readState(this.db, this.scope);
    if (pending === 0) {
      if (held) await stateStore.clearHold(this.db, this.scope);
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
    if (holdDecision === 'unlink') {
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
    const decision = massDeleteGuard(pending, linkedCount, settings.massDelete, holdDecision === 'approve');
    if (!decision.proceed) {
      await stateStore.holdRun(this.db, this.scope, decision.reason);
      return decision.reason;
    }
    await eachPage((marked) =>
      executeDeletes(
        this.context(state),
        marked.map((l) => ({ ...toLinkState(l), side: l.deleteMark! })),
      ),
    );
    if (held) await stateStore.clearHold(this.db, this.scope);
    return undefined;
  }
}
