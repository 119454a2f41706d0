// The sync dashboard's views over all the mailboxes a user may see (SPEC E5, E7): activity per
// hour or day for the chart, counts per mailbox and entity, conflicts and held runs across mailboxes. A user sees their own
// mailboxes, administrators everyone's — the same rule as GET /api/v1/mailboxes, so the
// dashboard never asks once per mailbox for what one query answers.
import type { Crm } from '../crm/index.ts';
import type { Principal } from '../crm/principal.ts';
import { MailboxError } from '../mailboxes/errors.ts';
import type { MailboxDomain } from '../mailboxes/index.ts';
import {
  type ConflictUserResolution,
  conflictsIn,
  findConflict,
  type LoggedConflict,
  markConflictResolved,
  openConflictCounts,
} from '../sync/store/conflicts.ts';
import { linkedCountsIn, pendingDeletes } from '../sync/store/links.ts';
import { latestRunPerEntity, type RunRecord, runsStartedBetween } from '../sync/store/runs.ts';
import { heldRunsIn } from '../sync/store/states.ts';
import type { MailboxSync } from './runtime.ts';
import { assertEntity } from './runtime.ts';
import { type ContactSyncSettings, engineSettings, SYNC_ENTITIES, type SyncEntity } from './settings.ts';

/** `crm_wins` or `exchange_wins`. */
export type ConflictPolicy = ContactSyncSettings['conflictPolicy'];

export type ActivityBucket = 'hour' | 'day';

const BUCKET_MS: Record<ActivityBucket, number> = { hour: 3_600_000, day: 86_400_000 };
/** More buckets than a chart can show legibly; the caller picks a coarser bucket instead. */
export const MAX_BUCKETS = 400;

export interface DirectionTotals {
  created: number;
  updated: number;
  deleted: number;
  unlinked: number;
}

export interface ActivityPoint {
  start: string;
  end: string;
  runs: number;
  failedRuns: number;
  heldRuns: number;
  import: DirectionTotals;
  export: DirectionTotals;
  conflicts: number;
  skipped: number;
  errors: number;
}

export interface Activity {
  from: string;
  to: string;
  bucket: ActivityBucket;
  entity: string;
  mailboxes: number;
  points: ActivityPoint[];
}

export interface DashboardConflict {
  id: string;
  mailboxId: string;
  address: string;
  /** What the conflict is about: contacts (a contact), meetings or tasks (an activity). */
  entity: SyncEntity;
  runId: string;
  recordId: string | null;
  itemId: string | null;
  fields: string[];
  base: Record<string, unknown> | null;
  crm: Record<string, unknown> | null;
  exchange: Record<string, unknown> | null;
  resolution: string;
  /** The mailbox's conflict policy now: it decided the fields edited on both sides of a merge. */
  policy: ConflictPolicy;
  at: string;
  /** What a user did about it; null while it is open. */
  userResolution: ConflictUserResolution | null;
  resolvedAt: string | null;
}

export type { ConflictUserResolution };
export type ConflictAction = 'use_other_value' | 'acknowledge';

/**
 * The side whose values lost: the other side of the one that won. A merge decided the fields
 * edited on both sides by the mailbox's policy.
 */
export function losingSide(resolution: string, policy: ConflictPolicy): 'crm' | 'exchange' {
  const winner = resolution === 'merged' ? policy : resolution;
  return winner === 'exchange_wins' ? 'crm' : 'exchange';
}

export interface DashboardHold {
  id: string;
  mailboxId: string;
  address: string;
  entity: string;
  reason: string;
  decision: 'approve' | 'unlink' | null;
  pendingDeletes: number;
  /** Where the held deletes would happen: records in the CRM, items in Exchange. */
  deletes: { crm: number; exchange: number };
}

/** One mailbox's figures for one entity (contacts, meetings, tasks): linked items, its latest run, open conflicts. */
export interface EntityCounts {
  mailboxId: string;
  address: string;
  entity: SyncEntity;
  linked: number;
  openConflicts: number;
  latestRun: Pick<RunRecord, 'id' | 'status' | 'startedAt' | 'counts' | 'conflicts'> | null;
}

const zero = (): DirectionTotals => ({ created: 0, updated: 0, deleted: 0, unlinked: 0 });

function invalid(path: string, message: string): MailboxError {
  return new MailboxError('validation_failed', `Invalid input: ${path}: ${message}`, {
    details: [{ path: `query.${path}`, message }],
  });
}

export function createSyncDashboard(crm: Crm, domain: MailboxDomain, sync: MailboxSync) {
  const db = crm.store.db;

  /** The mailboxes the principal may see, optionally narrowed to one (404 when not visible). */
  async function mailboxesOf(principal: Principal, mailboxId?: string) {
    if (mailboxId) {
      const mailbox = await domain.mailboxes.get(principal, mailboxId);
      return new Map([[mailbox.id, mailbox.address]]);
    }
    return new Map((await domain.mailboxes.list(principal)).map((m) => [m.id, m.address]));
  }

  return {
    /**
     * Runs that started in [from, to), summed per bucket. Buckets are counted from `from`, so a
     * caller that starts at its own local midnight gets its own days.
     */
    async activity(
      principal: Principal,
      query: { from?: string; to?: string; bucket: ActivityBucket; entity: string; mailboxId?: string },
      now = new Date(),
    ): Promise<Activity> {
      const entity = assertEntity(query.entity);
      const size = BUCKET_MS[query.bucket];
      const to = query.to ? new Date(query.to) : now;
      const from = query.from ? new Date(query.from) : new Date(to.getTime() - 14 * BUCKET_MS.day);
      if (from.getTime() >= to.getTime()) throw invalid('from', 'must be before "to"');
      const count = Math.ceil((to.getTime() - from.getTime()) / size);
      if (count > MAX_BUCKETS)
        throw invalid(
          'bucket',
          `the range holds ${count} ${query.bucket}s, more than ${MAX_BUCKETS}; choose a shorter range or bucket=day`,
        );
      const mailboxes = await mailboxesOf(principal, query.mailboxId);
      const points: ActivityPoint[] = Array.from({ length: count }, (_, i) => ({
        start: new Date(from.getTime() + i * size).toISOString(),
        end: new Date(Math.min(from.getTime() + (i + 1) * size, to.getTime())).toISOString(),
        runs: 0,
        failedRuns: 0,
        heldRuns: 0,
        import: zero(),
        export: zero(),
        conflicts: 0,
        skipped: 0,
        errors: 0,
      }));
      for (const run of await runsStartedBetween(db, [...mailboxes.keys()], entity, from, to)) {
        const index = Math.floor((new Date(run.startedAt).getTime() - from.getTime()) / size);
        const point = points[index];
        if (!point) continue;
        point.runs++;
        if (run.status === 'failed') point.failedRuns++;
        if (run.status === 'held') point.heldRuns++;
        for (const side of ['import', 'export'] as const)
          for (const key of ['created', 'updated', 'deleted', 'unlinked'] as const)
            point[side][key] += run.counts[side]?.[key] ?? 0;
        point.conflicts += run.conflicts;
        point.skipped += run.skipped;
        point.errors += run.errors;
      }
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        bucket: query.bucket,
        entity,
        mailboxes: mailboxes.size,
        points,
      };
    },

    /**
     * Per visible mailbox and entity (contacts, meetings, tasks): how many items are linked, the
     * latest run and how many conflicts are open. Entities nothing happened for count zero.
     */
    async entities(principal: Principal, query: { mailboxId?: string } = {}): Promise<EntityCounts[]> {
      const mailboxes = await mailboxesOf(principal, query.mailboxId);
      const ids = [...mailboxes.keys()];
      const key = (mailboxId: string, entity: string) => `${mailboxId}\u0000${entity}`;
      const linked = new Map(
        (await linkedCountsIn(db, ids)).map((c) => [key(c.mailboxId, c.entity), c.linked]),
      );
      const open = new Map(
        (await openConflictCounts(db, ids)).map((c) => [key(c.mailboxId, c.entity), c.open]),
      );
      const runs = new Map((await latestRunPerEntity(db, ids)).map((r) => [key(r.mailboxId, r.entity), r]));
      return ids.flatMap((mailboxId) =>
        SYNC_ENTITIES.map((entity) => {
          const run = runs.get(key(mailboxId, entity));
          return {
            mailboxId,
            address: mailboxes.get(mailboxId) ?? '',
            entity,
            linked: linked.get(key(mailboxId, entity)) ?? 0,
            openConflicts: open.get(key(mailboxId, entity)) ?? 0,
            latestRun: run
              ? {
                  id: run.id,
                  status: run.status,
                  startedAt: run.startedAt,
                  counts: run.counts,
                  conflicts: run.conflicts,
                }
              : null,
          };
        }),
      );
    },

    /** Logged conflicts of every visible mailbox, newest first. */
    async conflicts(
      principal: Principal,
      query: { entity: string; limit: number; mailboxId?: string; state?: 'open' | 'all' },
    ): Promise<DashboardConflict[]> {
      const entity = assertEntity(query.entity);
      const mailboxes = await mailboxesOf(principal, query.mailboxId);
      const logged = await conflictsIn(db, [...mailboxes.keys()], entity, {
        limit: query.limit,
        open: query.state === 'open',
      });
      const policies = new Map<string, ConflictPolicy>();
      for (const id of new Set(logged.map((c) => c.mailboxId)))
        policies.set(id, (await sync.settings.read(id))[entity].conflictPolicy);
      return logged.map((c) =>
        dashboardConflict(c, mailboxes.get(c.mailboxId) ?? '', policies.get(c.mailboxId)),
      );
    },

    /**
     * Settles a logged conflict. "use_other_value" writes the losing side's value of each
     * conflicting field to the CRM record as the principal's own edit (journaled, so the next
     * sync exports it); "acknowledge" only marks it handled. Both need the record to be editable
     * by the principal, and neither applies twice.
     */
    async resolve(
      principal: Principal,
      conflictId: string,
      action: ConflictAction,
    ): Promise<DashboardConflict> {
      const row = await findConflict(db, conflictId);
      const notFound = () =>
        new MailboxError('not_found', 'The conflict does not exist or is not in a mailbox you can see.');
      if (!row) throw notFound();
      const mailboxes = await mailboxesOf(principal);
      if (!mailboxes.has(row.mailboxId)) throw notFound();
      if (row.userResolution !== null)
        throw new MailboxError(
          'conflict',
          'The conflict was already settled; reload the dashboard to see its state.',
        );
      // The conflict's entity decides the record type, its service and how a value is written.
      const name = assertEntity(row.entity);
      const definition = sync.engine.definition(name);
      if (!definition) throw new Error(`the sync engine has no definition of "${name}"`);
      const settings = engineSettings(await sync.settings.read(row.mailboxId))[name];
      if (row.recordId !== null) {
        // Reading and, for the other value, writing go through the CRM service, so a record
        // the principal may not see or edit answers as on the record routes.
        const service = definition.service(crm);
        const current = await service.get(principal, row.recordId);
        if (action === 'use_other_value') {
          const side = losingSide(row.resolution, settings.conflictPolicy);
          const other = side === 'crm' ? row.crm : row.exchange;
          if (other === null)
            throw new MailboxError(
              'conflict',
              'The other side deleted the record, so there is no value to take; acknowledge the conflict instead.',
            );
          const changed = Object.fromEntries(row.fields.map((f) => [f, other[f] ?? null]));
          const patch = definition.toPatch(changed, current, settings.options);
          await service.update(principal, row.recordId, { ...patch, ifVersion: current.version });
        }
      } else if (action === 'use_other_value') {
        throw new MailboxError(
          'conflict',
          'The conflict has no CRM record to write to; acknowledge it instead.',
        );
      }
      await markConflictResolved(
        db,
        row.id,
        action === 'acknowledge' ? 'acknowledged' : 'use_other_value',
        principal.userId,
        new Date(),
      );
      const [view] = (
        await this.conflicts(principal, { entity: row.entity, limit: 500, mailboxId: row.mailboxId })
      ).filter((c) => c.id === row.id);
      if (!view) throw notFound();
      return view;
    },

    /** Runs held by the mass-delete guard in every visible mailbox. */
    async holds(principal: Principal): Promise<DashboardHold[]> {
      const mailboxes = await mailboxesOf(principal);
      const out: DashboardHold[] = [];
      for (const held of await heldRunsIn(db, [...mailboxes.keys()])) {
        const deletes = await pendingDeletes(db, held);
        out.push({
          id: held.entity,
          mailboxId: held.mailboxId,
          address: mailboxes.get(held.mailboxId) ?? '',
          entity: held.entity,
          reason: held.reason,
          decision: held.decision,
          pendingDeletes: deletes.crm + deletes.exchange,
          deletes,
        });
      }
      return out;
    },
  };
}

/** A logged conflict as the dashboard shows it: with its mailbox's address and conflict policy. */
function dashboardConflict(
  c: LoggedConflict,
  address: string,
  policy: ConflictPolicy = 'crm_wins',
): DashboardConflict {
  return {
    id: c.id,
    mailboxId: c.mailboxId,
    address,
    entity: assertEntity(c.entity),
    runId: c.runId,
    recordId: c.recordId,
    itemId: c.itemId,
    fields: c.fields,
    base: c.base,
    crm: c.crm,
    exchange: c.exchange,
    resolution: c.resolution,
    policy,
    at: c.at,
    userResolution: c.userResolution,
    resolvedAt: c.resolvedAt,
  };
}

export type SyncDashboard = ReturnType<typeof createSyncDashboard>;
