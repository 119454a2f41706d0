// Mailbox sync through the API (SPEC B3, B4, E1–E3, E5, E7): settings per mailbox and entity,
// "sync now" (queued, or run in the foreground with ?wait=true), run history (of one entity, or
// of contacts, meetings and tasks side by side), conflicts with both versions, a contact's and an
// activity's sync status per mailbox, "sync with this mailbox" tags and the decisions on runs
// held by the mass-delete guard; and the dashboard's views across all visible mailboxes
// (activity per hour or day, counts per entity, conflicts, holds).
import { z } from 'zod';
import {
  isSyncError,
  SYNC_ENTITIES,
  SYNC_ERROR_STATUS,
  type SyncAccess,
  syncPolicySchema,
  syncPolicyUpdateSchema,
  syncSettingsSchema,
  syncSettingsUpdateSchema,
} from '../../mailbox-sync/index.ts';
import { ApiError } from '../errors.ts';
import { type Operation, operation } from '../operation.ts';
import { toApiError } from './mailbox-errors.ts';
import { idParams } from './records.ts';

const TAG = 'Sync';

async function answer<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isSyncError(error)) throw new ApiError(SYNC_ERROR_STATUS[error.code], error.code, error.message);
    throw toApiError(error);
  }
}

const entity = z
  .enum(SYNC_ENTITIES)
  .default('contacts')
  .meta({ description: 'What to sync: contacts, meetings or tasks (emails follow).' });
const entityQuery = z.strictObject({
  entity,
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
const syncBody = z.strictObject({ entity }).meta({ id: 'SyncNowRequest' });
const syncQuery = z.strictObject({
  wait: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .meta({ description: 'Run in the foreground and answer with the run record.' }),
});

const directionCounts = z.strictObject({
  created: z.number(),
  updated: z.number(),
  deleted: z.number(),
  unlinked: z.number(),
});
export const runSchema = z
  .strictObject({
    id: z.string(),
    mailboxId: z.string(),
    entity: z.string(),
    trigger: z.string(),
    status: z.enum(['running', 'succeeded', 'failed', 'held', 'abandoned']),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    durationMs: z.number().nullable(),
    counts: z.strictObject({ import: directionCounts, export: directionCounts }),
    conflicts: z.number(),
    skipped: z.array(
      z.strictObject({
        ref: z.string(),
        reason: z.string(),
        recordId: z.string().optional().meta({
          description: 'The CRM record a left-out value belongs to (runs before this field lack it).',
        }),
        field: z.string().optional().meta({ description: 'The record field of the left-out value.' }),
      }),
    ),
    errors: z.array(z.strictObject({ ref: z.string(), code: z.string(), message: z.string() })),
    exchangeRequests: z.number().nullable(),
  })
  .meta({ id: 'SyncRun' });
export const runsPerEntitySchema = z
  .strictObject({
    items: z.array(
      z.strictObject({
        entity: z.enum(SYNC_ENTITIES),
        runs: z
          .array(runSchema)
          .meta({ description: 'The entity’s latest runs, newest first; empty when it never ran.' }),
      }),
    ),
  })
  .meta({ id: 'SyncRunsPerEntity' });
const snapshot = z.record(z.string(), z.unknown()).nullable();
export const conflictSchema = z
  .strictObject({
    id: z.string(),
    runId: z.string(),
    recordId: z.string().nullable(),
    itemId: z.string().nullable(),
    fields: z.array(z.string()),
    base: snapshot,
    crm: snapshot,
    exchange: snapshot,
    resolution: z.string(),
    at: z.string(),
  })
  .meta({ id: 'SyncConflict' });
const notExported = z.strictObject({ field: z.string(), value: z.unknown(), reason: z.string() });
export const statusSchema = z
  .strictObject({
    contactId: z.string(),
    mailboxes: z.array(
      z.strictObject({
        mailboxId: z.string(),
        address: z.string(),
        tagged: z.boolean(),
        linked: z.boolean(),
        itemId: z.string().nullable(),
        folderId: z.string().nullable(),
        lastSyncedAt: z.string().nullable(),
        notExported: z.array(notExported),
      }),
    ),
  })
  .meta({ id: 'ContactSyncStatus' });
export const activityStatusSchema = z
  .strictObject({
    activityId: z.string(),
    mailboxes: z.array(
      z.strictObject({
        mailboxId: z.string(),
        address: z.string(),
        entity: z.enum(['meetings', 'tasks']).meta({ description: 'Synced as a meeting or as a task.' }),
        role: z.enum(['organizer', 'attendee']).nullable().meta({
          description:
            'Whose copy of the meeting the mailbox holds; null for a task (the mailbox’s own item).',
        }),
        readOnly: z.boolean().meta({
          description: 'An attendee’s copy: only the organizer’s copy of a meeting is written to.',
        }),
        itemId: z.string().nullable(),
        folderId: z.string().nullable(),
        lastSyncedAt: z.string(),
        notWritten: z.strictObject({ reason: z.string() }).nullable().meta({
          description:
            'CRM edits no copy could carry to Exchange: the copy is an attendee’s, it is behind the activity, and no synced mailbox holds the organizer’s copy.',
        }),
      }),
    ),
  })
  .meta({ id: 'ActivitySyncStatus' });
export const holdSchema = z
  .strictObject({
    id: z.string(),
    entity: z.string(),
    reason: z.string(),
    decision: z.enum(['approve', 'unlink']).nullable(),
    pendingDeletes: z.number(),
    deletes: z
      .strictObject({ crm: z.number(), exchange: z.number() })
      .meta({ description: 'Where the held deletes would happen: records in the CRM, items in Exchange.' }),
  })
  .meta({ id: 'SyncHold' });
const mailboxRef = {
  mailboxId: z.string(),
  address: z.string().meta({ description: 'The mailbox’s email address.' }),
};
export const dashboardConflictSchema = conflictSchema
  .extend({
    ...mailboxRef,
    entity: z.enum(SYNC_ENTITIES).meta({
      description:
        'What the conflict is about: contacts (recordId is a contact) or meetings and tasks (recordId is an activity).',
    }),
    policy: z.enum(['crm_wins', 'exchange_wins']).meta({
      description:
        'The mailbox’s conflict policy now; with resolution "merged" it decided the fields edited on both sides.',
    }),
    userResolution: z.enum(['use_other_value', 'acknowledged']).nullable().meta({
      description: 'What a user did about the conflict; null while it is open.',
    }),
    resolvedAt: z.string().nullable(),
  })
  .meta({ id: 'SyncDashboardConflict' });
export const dashboardHoldSchema = holdSchema.extend(mailboxRef).meta({ id: 'SyncDashboardHold' });
const directionTotals = directionCounts.meta({ id: 'SyncDirectionTotals' });
export const activitySchema = z
  .strictObject({
    from: z.string(),
    to: z.string(),
    bucket: z.enum(['hour', 'day']),
    entity: z.string(),
    mailboxes: z.number().meta({ description: 'How many mailboxes the totals cover.' }),
    points: z.array(
      z.strictObject({
        start: z.string(),
        end: z.string(),
        runs: z.number(),
        failedRuns: z.number(),
        heldRuns: z.number(),
        import: directionTotals,
        export: directionTotals,
        conflicts: z.number(),
        skipped: z.number(),
        errors: z.number(),
      }),
    ),
  })
  .meta({ id: 'SyncActivity' });
export const entityCountsSchema = z
  .strictObject({
    items: z.array(
      z.strictObject({
        ...mailboxRef,
        entity: z.enum(SYNC_ENTITIES),
        linked: z.number().meta({ description: 'Items of the mailbox linked to CRM records.' }),
        openConflicts: z.number().meta({ description: 'Logged conflicts no one has settled yet.' }),
        latestRun: z
          .strictObject({
            id: z.string(),
            status: runSchema.shape.status,
            startedAt: z.string(),
            counts: runSchema.shape.counts,
            conflicts: z.number(),
          })
          .nullable()
          .meta({ description: 'The latest run of the entity in the mailbox; null when it never ran.' }),
      }),
    ),
  })
  .meta({ id: 'SyncEntityCounts' });
const instantQuery = z.iso.datetime({ offset: true });
const activityQuery = z.strictObject({
  from: instantQuery.optional().meta({ description: 'Start (inclusive); default 14 days before "to".' }),
  to: instantQuery.optional().meta({ description: 'End (exclusive); default now.' }),
  bucket: z.enum(['hour', 'day']).default('day'),
  entity,
  mailboxId: z.string().min(1).max(64).optional().meta({ description: 'Only this mailbox.' }),
});
const dashboardConflictQuery = z.strictObject({
  entity,
  limit: z.coerce.number().int().min(1).max(500).default(50),
  mailboxId: z.string().min(1).max(64).optional().meta({ description: 'Only this mailbox.' }),
  state: z
    .enum(['open', 'all'])
    .default('all')
    .meta({ description: 'open: only conflicts no one has settled yet.' }),
});
const conflictResolveBody = z
  .strictObject({
    action: z.enum(['use_other_value', 'acknowledge']).meta({
      description:
        'use_other_value: write the losing side’s value of each conflicting field to the CRM record (the contact or activity) as your edit (the next sync exports it); acknowledge: accept the outcome as it is.',
    }),
  })
  .meta({ id: 'SyncConflictResolveRequest' });
const holdParams = z.strictObject({ id: idParams.shape.id, holdId: z.string().min(1).max(64) });
const tagParams = z.strictObject({ id: idParams.shape.id, mailboxId: z.string().min(1).max(64) });

export function syncRoutes(access: SyncAccess): Operation[] {
  return [
    operation({
      method: 'GET',
      path: '/api/v1/mailboxes/{id}/sync-settings',
      operationId: 'getMailboxSyncSettings',
      tag: TAG,
      summary: 'The sync settings of a mailbox, per entity (defaults until saved).',
      auth: 'user',
      params: idParams,
      response: { status: 200, description: 'The settings.', schema: syncSettingsSchema },
      errors: [404],
      handler: ({ principal, params }) => answer(() => access.getSettings(principal!, params.id)),
    }),
    operation({
      method: 'PUT',
      path: '/api/v1/mailboxes/{id}/sync-settings',
      operationId: 'updateMailboxSyncSettings',
      tag: TAG,
      summary: 'Change the sync settings of a mailbox; fields left out keep their value.',
      description:
        'Folder ids must come from the mailbox’s contact folder tree (GET /api/v1/mailboxes/{id}/folders?kind=contacts). Automatic sync is rescheduled at once.',
      auth: 'user',
      params: idParams,
      body: syncSettingsUpdateSchema,
      response: { status: 200, description: 'The settings now.', schema: syncSettingsSchema },
      errors: [404, 422],
      handler: ({ principal, params, body }) => answer(() => access.putSettings(principal!, params.id, body)),
    }),
    operation({
      method: 'GET',
      path: '/api/v1/sync/policy',
      operationId: 'getSyncPolicy',
      tag: TAG,
      summary: 'The organisation’s sync policy: limits no mailbox may loosen.',
      auth: 'user',
      response: { status: 200, description: 'The policy.', schema: syncPolicySchema },
      errors: [],
      handler: () => answer(() => access.getPolicy()),
    }),
    operation({
      method: 'PUT',
      path: '/api/v1/sync/policy',
      operationId: 'updateSyncPolicy',
      tag: TAG,
      summary: 'Administrators: change the organisation’s sync policy; fields left out keep their value.',
      description:
        'massDeleteShare is the highest mass-delete share any mailbox may use; mailboxes saved with a higher share use this one from their next run.',
      auth: 'user',
      body: syncPolicyUpdateSchema,
      response: { status: 200, description: 'The policy now.', schema: syncPolicySchema },
      errors: [403, 422],
      handler: ({ principal, body }) => answer(() => access.putPolicy(principal!, body)),
    }),
    operation({
      method: 'POST',
      path: '/api/v1/mailboxes/{id}/runs',
      operationId: 'syncMailboxNow',
      tag: TAG,
      summary: 'Sync now: start a run (queued), or with ?wait=true run it and answer with its run record.',
      description:
        'Refused with 409 and a code when the mailbox may not sync: mailbox_disconnected, mailbox_needs_sign_in, mailbox_throttled, user_not_selected, user_inactive; sync_off when the direction is off; sync_busy when a run is going on.',
      auth: 'user',
      params: idParams,
      query: syncQuery,
      body: syncBody,
      response: {
        status: 200,
        description: 'Queued (job id), already queued, or the finished run.',
        schema: z
          .strictObject({
            queued: z.boolean(),
            jobId: z.string().nullable(),
            message: z.string(),
            run: runSchema.optional(),
          })
          .meta({ id: 'SyncNowAnswer' }),
      },
      errors: [404, 409, 422],
      handler: ({ principal, params, query, body }) =>
        answer(() => access.syncNow(principal!, params.id, body.entity, query.wait)),
    }),
    operation({
      method: 'GET',
      path: '/api/v1/mailboxes/{id}/runs',
      operationId: 'listMailboxSyncRuns',
      tag: TAG,
      summary: 'Run history: counts per direction, conflicts, skipped items with reasons, errors, duration.',
      auth: 'user',
      params: idParams,
      query: entityQuery,
      response: {
        status: 200,
        description: 'Newest first.',
        schema: z.strictObject({ items: z.array(runSchema) }).meta({ id: 'SyncRunList' }),
      },
      errors: [404],
      handler: ({ principal, params, query }) =>
        answer(async () => ({ items: await access.runs(principal!, params.id, query.entity, query.limit) })),
    }),
    operation({
      method: 'GET',
      path: '/api/v1/mailboxes/{id}/latest-runs',
      operationId: 'listMailboxLatestRuns',
      tag: TAG,
      summary:
        'The latest runs of each entity (contacts, meetings, tasks) side by side: what each part of a sync did and how it ended.',
      description:
        'As the run history, `limit` runs of each entity, so one synced often never hides the latest run of another. The dashboard’s mailbox cards show these.',
      auth: 'user',
      params: idParams,
      query: z.strictObject({
        limit: z.coerce
          .number()
          .int()
          .min(1)
          .max(100)
          .default(10)
          .meta({ description: 'Runs of each entity.' }),
      }),
      response: {
        status: 200,
        description: 'Contacts, meetings and tasks in this order, each with its runs newest first.',
        schema: runsPerEntitySchema,
      },
      errors: [404, 422],
      handler: ({ principal, params, query }) =>
        answer(async () => ({ items: await access.runsPerEntity(principal!, params.id, query.limit) })),
    }),
    operation({
      method: 'GET',
      path: '/api/v1/mailboxes/{id}/conflicts',
      operationId: 'listMailboxSyncConflicts',
      tag: TAG,
      summary: 'Logged conflicts with the CRM and Exchange versions and how each was resolved.',
      auth: 'user',
      params: idParams,
      query: entityQuery,
      response: {
        status: 200,
        description: 'Newest first.',
        schema: z.strictObject({ items: z.array(conflictSchema) }).meta({ id: 'SyncConflictList' }),
      },
      errors: [404],
      handler: ({ principal, params, query }) =>
        answer(async () => ({
          items: await access.conflicts(principal!, params.id, query.entity, query.limit),
        })),
    }),
    operation({
      method: 'GET',
      path: '/api/v1/contacts/{id}/sync-status',
      operationId: 'getContactSyncStatus',
      tag: TAG,
      summary: 'Per mailbox you can see: linked item, last synced, values not exported and why.',
      auth: 'user',
      params: idParams,
      response: { status: 200, description: 'The status.', schema: statusSchema },
      errors: [404],
      handler: ({ principal, params }) =>
        answer(async () => ({
          contactId: params.id,
          mailboxes: await access.contactSyncStatus(principal!, params.id),
        })),
    }),
    operation({
      method: 'GET',
      path: '/api/v1/activities/{id}/sync-status',
      operationId: 'getActivitySyncStatus',
      tag: TAG,
      summary:
        'Per mailbox you can see that holds a copy: organizer or attendee copy (read-only), linked item, last synced, edits not written to Exchange and why.',
      description:
        'Only the organizer’s copy of a meeting is written. When the activity changed in the CRM after an attendee’s copy was last synced and no synced mailbox holds the organizer’s copy, the attendee’s entry says the edits were not written to Exchange. Mailboxes with no copy are not listed.',
      auth: 'user',
      params: idParams,
      response: { status: 200, description: 'The status.', schema: activityStatusSchema },
      errors: [404],
      handler: ({ principal, params }) =>
        answer(async () => ({
          activityId: params.id,
          mailboxes: (await access.activitySyncStatus(principal!, params.id)).map((m) => ({
            ...m,
            entity: m.entity === 'tasks' ? ('tasks' as const) : ('meetings' as const),
          })),
        })),
    }),
    operation({
      method: 'PUT',
      path: '/api/v1/contacts/{id}/mailbox-tags/{mailboxId}',
      operationId: 'tagContactForMailbox',
      tag: TAG,
      summary: '“Sync with this mailbox”: the contact is exported to the mailbox whatever its filter says.',
      auth: 'user',
      params: tagParams,
      response: { status: 204, description: 'Tagged.' },
      errors: [404],
      handler: ({ principal, params }) =>
        answer(() => access.tag(principal!, params.id, params.mailboxId, true)),
    }),
    operation({
      method: 'DELETE',
      path: '/api/v1/contacts/{id}/mailbox-tags/{mailboxId}',
      operationId: 'untagContactForMailbox',
      tag: TAG,
      summary: 'Remove the “sync with this mailbox” tag.',
      auth: 'user',
      params: tagParams,
      response: { status: 204, description: 'Untagged.' },
      errors: [404],
      handler: ({ principal, params }) =>
        answer(() => access.tag(principal!, params.id, params.mailboxId, false)),
    }),
    operation({
      method: 'GET',
      path: '/api/v1/mailboxes/{id}/holds',
      operationId: 'listMailboxSyncHolds',
      tag: TAG,
      summary: 'Runs stopped by the mass-delete guard, waiting for an administrator.',
      auth: 'user',
      params: idParams,
      response: {
        status: 200,
        description: 'The holds.',
        schema: z.strictObject({ items: z.array(holdSchema) }).meta({ id: 'SyncHoldList' }),
      },
      errors: [404],
      handler: ({ principal, params }) =>
        answer(async () => ({ items: await access.holds(principal!, params.id) })),
    }),
    operation({
      method: 'GET',
      path: '/api/v1/sync/activity',
      operationId: 'getSyncActivity',
      tag: TAG,
      summary: 'Runs summed per hour or day over the mailboxes you can see (administrators: all).',
      description:
        'Buckets are counted from "from", so a client starting at its local midnight gets its own days. At most 400 buckets (422 otherwise).',
      auth: 'user',
      query: activityQuery,
      response: { status: 200, description: 'One point per bucket, oldest first.', schema: activitySchema },
      errors: [404, 422],
      handler: ({ principal, query }) => answer(() => access.dashboard.activity(principal!, query)),
    }),
    operation({
      method: 'GET',
      path: '/api/v1/sync/entities',
      operationId: 'getSyncEntityCounts',
      tag: TAG,
      summary:
        'Per mailbox you can see (administrators: all) and entity (contacts, meetings, tasks): linked items, the latest run, open conflicts.',
      auth: 'user',
      query: z.strictObject({
        mailboxId: z.string().min(1).max(64).optional().meta({ description: 'Only this mailbox.' }),
      }),
      response: {
        status: 200,
        description: 'Mailboxes by address, each with contacts, meetings and tasks in this order.',
        schema: entityCountsSchema,
      },
      errors: [404, 422],
      handler: ({ principal, query }) =>
        answer(async () => ({ items: await access.dashboard.entities(principal!, query) })),
    }),
    operation({
      method: 'GET',
      path: '/api/v1/sync/conflicts',
      operationId: 'listSyncConflicts',
      tag: TAG,
      summary: 'Logged conflicts of all the mailboxes you can see (administrators: all), newest first.',
      auth: 'user',
      query: dashboardConflictQuery,
      response: {
        status: 200,
        description: 'Newest first.',
        schema: z
          .strictObject({ items: z.array(dashboardConflictSchema) })
          .meta({ id: 'SyncDashboardConflictList' }),
      },
      errors: [404, 422],
      handler: ({ principal, query }) =>
        answer(async () => ({ items: await access.dashboard.conflicts(principal!, query) })),
    }),
    operation({
      method: 'POST',
      path: '/api/v1/sync/conflicts/{id}/resolve',
      operationId: 'resolveSyncConflict',
      tag: TAG,
      summary: 'Settle a conflict: take the other side’s value, or acknowledge the outcome.',
      description:
        'Allowed to whoever sees the conflict and may edit its record (contact or activity). 409 when it was already settled or the other side deleted the record (then acknowledge it).',
      auth: 'user',
      params: idParams,
      body: conflictResolveBody,
      response: { status: 200, description: 'The settled conflict.', schema: dashboardConflictSchema },
      errors: [403, 404, 409, 412, 422],
      handler: ({ principal, params, body }) =>
        answer(() => access.dashboard.resolve(principal!, params.id, body.action)),
    }),
    operation({
      method: 'GET',
      path: '/api/v1/sync/holds',
      operationId: 'listSyncHolds',
      tag: TAG,
      summary: 'Runs held by the mass-delete guard in all the mailboxes you can see (administrators: all).',
      auth: 'user',
      response: {
        status: 200,
        description: 'The holds.',
        schema: z.strictObject({ items: z.array(dashboardHoldSchema) }).meta({ id: 'SyncDashboardHoldList' }),
      },
      errors: [],
      handler: ({ principal }) => answer(async () => ({ items: await access.dashboard.holds(principal!) })),
    }),
    operation({
      method: 'POST',
      path: '/api/v1/mailboxes/{id}/holds/{holdId}',
      operationId: 'decideMailboxSyncHold',
      tag: TAG,
      summary: 'Administrators: carry the held deletes out (approve) or only unlink the records (unlink).',
      auth: 'user',
      params: holdParams,
      body: z.strictObject({ decision: z.enum(['approve', 'unlink']) }).meta({ id: 'SyncHoldDecision' }),
      response: {
        status: 200,
        description: 'The decision; a run is queued to carry it out.',
        schema: z
          .strictObject({ hold: holdSchema, jobId: z.string().nullable() })
          .meta({ id: 'SyncHoldDecided' }),
      },
      errors: [403, 404],
      handler: ({ principal, params, body }) =>
        answer(() => access.decideHold(principal!, params.id, params.holdId, body.decision)),
    }),
  ];
}
