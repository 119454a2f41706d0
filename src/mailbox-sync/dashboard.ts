// The sync dashboard's views over all the mailboxes a user may see (SPEC E5, E7): activity per
// hour or day for the chart, conflicts and held runs across mailboxes. A user sees their own
// mailboxes, administrators everyone's — the same rule as GET /api/v1/mailboxes, so the
// dashboard never asks once per mailbox for what one query answers.
import type { Crm } from '../crm/index.ts';
import type { Principal } from '../crm/principal.ts';
import { MailboxError } from '../mailboxes/errors.ts';
import type { MailboxDomain } from '../mailboxes/index.ts';
import { contactPatch } from '../sync/contacts/mapping.ts';
import type { RunCounts, RunError, SkippedEntry } from '../sync/types.ts';
import type { MailboxSync } from './runtime.ts';
import { assertEntity } from './runtime.ts';
import { type ContactSyncSettings, contactEngineSettings } from './settings.ts';

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

export type ConflictUserResolution = 'use_other_value' | 'acknowledged';
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

  async function markResolved(id: string, outcome: ConflictUserResolution, userId: string | null) {
    await db
      .updateTable('sync_conflicts')
      .set({ user_resolution: outcome, resolved_at: new Date().toISOString(), resolved_by: userId })
      .where('id', '=', id)
      .execute();
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
      const ids = [...mailboxes.keys()];
      if (ids.length > 0) {
        const rows = await db
          .selectFrom('sync_runs')
          .select(['started_at', 'status', 'counts', 'conflicts', 'skipped', 'errors'])
          .where('mailbox_id', 'in', ids)
          .where('entity', '=', entity)
          .where('started_at', '>=', from.toISOString())
          .where('started_at', '<', to.toISOString())
          .execute();
        for (const row of rows) {
          const index = Math.floor((new Date(row.started_at).getTime() - from.getTime()) / size);
          const point = points[index];
          if (!point) continue;
          point.runs++;
          if (row.status === 'failed') point.failedRuns++;
          if (row.status === 'held') point.heldRuns++;
          const counts = JSON.parse(row.counts) as RunCounts;
          for (const side of ['import', 'export'] as const)
            for (const key of ['created', 'updated', 'deleted', 'unlinked'] as const)
              point[side][key] += counts[side]?.[key] ?? 0;
          point.conflicts += Number(row.conflicts);
          point.skipped += (JSON.parse(row.skipped) as SkippedEntry[]).length;
          point.errors += (JSON.parse(row.errors) as RunError[]).length;
        }
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

    /** Logged conflicts of every visible mailbox, newest first. */
    async conflicts(
      principal: Principal,
      query: { entity: string; limit: number; mailboxId?: string; state?: 'open' | 'all' },
    ): Promise<DashboardConflict[]> {
      const entity = assertEntity(query.entity);
      const mailboxes = await mailboxesOf(principal, query.mailboxId);
      const ids = [...mailboxes.keys()];
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('sync_conflicts')
        .selectAll()
        .where('mailbox_id', 'in', ids)
        .where('entity', '=', entity)
        .$if(query.state === 'open', (q) => q.where('user_resolution', 'is', null))
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(query.limit)
        .execute();
      const policies = new Map<string, ConflictPolicy>();
      for (const id of new Set(rows.map((r) => r.mailbox_id)))
        policies.set(id, (await sync.settings.read(id)).contacts.conflictPolicy);
      const parse = (v: string | null) => (v === null ? null : (JSON.parse(v) as Record<string, unknown>));
      return rows.map((r) => ({
        id: r.id,
        mailboxId: r.mailbox_id,
        address: mailboxes.get(r.mailbox_id) ?? '',
        runId: r.run_id,
        recordId: r.record_id,
        itemId: r.item_id,
        fields: JSON.parse(r.fields) as string[],
        base: parse(r.base),
        crm: parse(r.crm_version),
        exchange: parse(r.exchange_version),
        resolution: r.resolution,
        policy: policies.get(r.mailbox_id) ?? 'crm_wins',
        at: r.at,
        userResolution: (r.user_resolution as ConflictUserResolution | null) ?? null,
        resolvedAt: r.resolved_at ?? null,
      }));
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
      const row = await db
        .selectFrom('sync_conflicts')
        .selectAll()
        .where('id', '=', conflictId)
        .executeTakeFirst();
      const notFound = () =>
        new MailboxError('not_found', 'The conflict does not exist or is not in a mailbox you can see.');
      if (!row) throw notFound();
      const mailboxes = await mailboxesOf(principal);
      if (!mailboxes.has(row.mailbox_id)) throw notFound();
      if (row.user_resolution !== null)
        throw new MailboxError(
          'conflict',
          'The conflict was already settled; reload the dashboard to see its state.',
        );
      const settings = (await sync.settings.read(row.mailbox_id)).contacts;
      if (row.record_id !== null) {
        // Reading and, for the other value, writing go through the CRM service, so a record
        // the principal may not see or edit answers as on the record routes.
        const current = await crm.contacts.get(principal, row.record_id);
        if (action === 'use_other_value') {
          const side = losingSide(row.resolution, settings.conflictPolicy);
          const version = side === 'crm' ? row.crm_version : row.exchange_version;
          if (version === null)
            throw new MailboxError(
              'conflict',
              'The other side deleted the record, so there is no value to take; acknowledge the conflict instead.',
            );
          const other = JSON.parse(version) as Record<string, unknown>;
          const fields = JSON.parse(row.fields) as string[];
          const changed = Object.fromEntries(fields.map((f) => [f, other[f] ?? null]));
          const patch = contactPatch(changed, current, contactEngineSettings(settings).options);
          await crm.contacts.update(principal, row.record_id, { ...patch, ifVersion: current.version });
        }
      } else if (action === 'use_other_value') {
        throw new MailboxError(
          'conflict',
          'The conflict has no CRM record to write to; acknowledge it instead.',
        );
      }
      await markResolved(
        row.id,
        action === 'acknowledge' ? 'acknowledged' : 'use_other_value',
        principal.userId,
      );
      const [view] = (
        await this.conflicts(principal, { entity: row.entity, limit: 500, mailboxId: row.mailbox_id })
      ).filter((c) => c.id === row.id);
      if (!view) throw notFound();
      return view;
    },

    /** Runs held by the mass-delete guard in every visible mailbox. */
    async holds(principal: Principal): Promise<DashboardHold[]> {
      const mailboxes = await mailboxesOf(principal);
      const ids = [...mailboxes.keys()];
      if (ids.length === 0) return [];
      const held = await db
        .selectFrom('sync_states')
        .select(['mailbox_id', 'entity', 'held', 'hold_decision'])
        .where('mailbox_id', 'in', ids)
        .where('held', 'is not', null)
        .orderBy('mailbox_id')
        .orderBy('entity')
        .execute();
      const out: DashboardHold[] = [];
      for (const state of held) {
        const deletes = await pendingDeletesIn(crm, state.mailbox_id, state.entity);
        out.push({
          id: state.entity,
          mailboxId: state.mailbox_id,
          address: mailboxes.get(state.mailbox_id) ?? '',
          entity: state.entity,
          reason: state.held ?? '',
          decision: (state.hold_decision as DashboardHold['decision']) ?? null,
          pendingDeletes: deletes.crm + deletes.exchange,
          deletes,
        });
      }
      return out;
    },
  };
}

/** How many held deletes would remove records in the CRM and items in Exchange. */
export async function pendingDeletesIn(
  crm: Crm,
  mailboxId: string,
  entity: string,
): Promise<{ crm: number; exchange: number }> {
  const rows = await crm.store.db
    .selectFrom('sync_links')
    .select(['delete_mark'])
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('mailbox_id', '=', mailboxId)
    .where('entity', '=', entity)
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

export type SyncDashboard = ReturnType<typeof createSyncDashboard>;
