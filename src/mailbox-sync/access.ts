// What users may see and do with a mailbox's sync (SPEC E3, E5, E7, B3, B4, F2): the owner of a
// mailbox and administrators read its settings, runs and conflicts and sync it now; only
// administrators decide on a run held by the mass-delete guard. Each function checks access
// through the mailbox and CRM services, so ids of others' mailboxes and records never leak.
import type { FolderNode } from '../connectors/types.ts';
import type { Crm } from '../crm/index.ts';
import type { Principal } from '../crm/principal.ts';
import { MailboxError, requireAdministration } from '../mailboxes/errors.ts';
import type { MailboxDomain } from '../mailboxes/index.ts';
import { findMailboxRow } from '../mailboxes/mailbox-rows.ts';
import {
  ACTIVITY_ENTITIES,
  type ActivityLinkFacts,
  type ActivityStatusEntry,
  activitySyncStatus,
} from '../sync/activities/sync-status.ts';
import { latestConflicts } from '../sync/store/conflicts.ts';
import { pendingDeletes, recordLinksAcross, recordLinksIn } from '../sync/store/links.ts';
import { latestRuns, type RunRecord } from '../sync/store/runs.ts';
import { decideHold, readState } from '../sync/store/states.ts';
import { mailboxesTagging, tagRecords, untagRecords } from '../sync/store/tags.ts';
import type { NotExported } from '../sync/types.ts';
import { createSyncDashboard } from './dashboard.ts';
import { assertSyncable } from './eligibility.ts';
import { percent, type SyncPolicy, syncPolicySchema } from './policy.ts';
import type { MailboxSync } from './runtime.ts';
import { assertEntity } from './runtime.ts';
import {
  contactSyncSettingsSchema,
  type MeetingSyncSettings,
  meetingSyncSettingsSchema,
  SYNC_ENTITIES,
  type SyncEntity,
  type SyncSettingsUpdate,
  type SyncSettingsView,
  stampInvitations,
  type TaskSyncSettings,
  taskSyncSettingsSchema,
} from './settings.ts';

export interface SyncStatusEntry {
  mailboxId: string;
  address: string;
  tagged: boolean;
  linked: boolean;
  itemId: string | null;
  folderId: string | null;
  lastSyncedAt: string | null;
  notExported: NotExported[];
}

export interface HoldView {
  id: string;
  entity: string;
  reason: string;
  decision: 'approve' | 'unlink' | null;
  pendingDeletes: number;
  /** Where the held deletes would happen: records in the CRM, items in Exchange. */
  deletes: { crm: number; exchange: number };
}

/** The folders each entity's settings name, and what the answer calls one. */
const FOLDER_KINDS = {
  contacts: { kind: 'contacts', noun: 'contact folder' },
  meetings: { kind: 'calendar', noun: 'calendar' },
  tasks: { kind: 'tasks', noun: 'task folder or list' },
} as const;

const flatten = (nodes: FolderNode[]): FolderNode[] => nodes.flatMap((n) => [n, ...flatten(n.children)]);

export function createSyncAccess(crm: Crm, domain: MailboxDomain, sync: MailboxSync) {
  const db = crm.store.db;

  async function visible(principal: Principal, mailboxId: string) {
    return domain.mailboxes.get(principal, mailboxId);
  }

  /**
   * Folder ids must be in the mailbox's contact folder tree; the default folder is stored by its
   * well-known name so that it is never read twice under two ids. An unreachable mailbox keeps
   * the ids as given (they are checked when it syncs).
   */
  async function normaliseFolders(
    principal: Principal,
    mailboxId: string,
    ids: string[],
    field: string,
    entity: SyncEntity = 'contacts',
  ): Promise<string[]> {
    const kind = FOLDER_KINDS[entity];
    let tree: FolderNode[];
    try {
      tree = flatten(await domain.mailboxes.folders(principal, mailboxId, kind.kind));
    } catch {
      return ids;
    }
    return ids.map((id, index) => {
      const folder = tree.find((f) => f.id === id || f.wellKnown === id);
      if (!folder)
        throw new MailboxError(
          'validation_failed',
          `Invalid input: ${field}: the mailbox has no ${kind.noun} "${id}". Pick folders from GET /api/v1/mailboxes/${mailboxId}/folders?kind=${kind.kind}.`,
          {
            details: [
              {
                path: `${entity}.${field}${field === 'importFolders' ? `.${index}` : ''}`,
                message: 'unknown folder',
              },
            ],
          },
        );
      return folder.wellKnown === kind.kind ? kind.kind : folder.id;
    });
  }

  /** The organisation's limit on the mass-delete share, applied to a merged block. */
  async function limitShare(entity: SyncEntity, merged: { massDeleteShare: number }, asked: boolean) {
    const { massDeleteShare: limit } = await sync.policy.read();
    if (merged.massDeleteShare <= limit) return;
    if (asked)
      throw new MailboxError(
        'validation_failed',
        `Invalid input: massDeleteShare: at most ${percent(limit)}, the administrator's limit for every mailbox. A mailbox may hold runs at a lower share, never a higher one; ask an administrator to raise the limit.`,
        { details: [{ path: `${entity}.massDeleteShare`, message: `at most ${limit}` }] },
      );
    // Saved before the limit was lowered: it follows the limit.
    merged.massDeleteShare = limit;
  }

  /** A meetings or tasks block merged over the stored one, its folders checked (C1, C2). */
  async function mergeActivities<S extends MeetingSyncSettings | TaskSyncSettings>(
    principal: Principal,
    mailboxId: string,
    entity: 'meetings' | 'tasks',
    merged: S,
    update: Partial<S>,
  ): Promise<S> {
    const kind = FOLDER_KINDS[entity].kind;
    if (update.importFolders && merged.importFolders !== 'all')
      merged.importFolders = [
        ...new Set(
          await normaliseFolders(principal, mailboxId, merged.importFolders, 'importFolders', entity),
        ),
      ];
    if (update.exportFolder && merged.exportFolder)
      [merged.exportFolder] = await normaliseFolders(
        principal,
        mailboxId,
        [merged.exportFolder],
        'exportFolder',
        entity,
      );
    if (merged.exportFolder === kind) merged.exportFolder = null;
    await limitShare(entity, merged, update.massDeleteShare !== undefined);
    return merged;
  }

  return {
    /** Views across all visible mailboxes: activity, conflicts, holds. */
    dashboard: createSyncDashboard(crm, domain, sync),

    async getSettings(principal: Principal, mailboxId: string): Promise<SyncSettingsView> {
      await visible(principal, mailboxId);
      return sync.settings.read(mailboxId);
    },

    async putSettings(
      principal: Principal,
      mailboxId: string,
      update: SyncSettingsUpdate,
    ): Promise<SyncSettingsView> {
      await visible(principal, mailboxId);
      const current = await sync.settings.read(mailboxId);
      const next: Partial<SyncSettingsView> = {};
      if (update.contacts) {
        const merged = contactSyncSettingsSchema.parse({ ...current.contacts, ...update.contacts });
        if (update.contacts.importFolders && merged.importFolders !== 'all')
          merged.importFolders = [
            ...new Set(await normaliseFolders(principal, mailboxId, merged.importFolders, 'importFolders')),
          ];
        if (update.contacts.exportFolder && merged.exportFolder)
          [merged.exportFolder] = await normaliseFolders(
            principal,
            mailboxId,
            [merged.exportFolder],
            'exportFolder',
          );
        if (update.contacts.importType) {
          const { folders } = merged.importType;
          const ids = Object.keys(folders);
          const known = await normaliseFolders(principal, mailboxId, ids, 'importType.folders');
          merged.importType.folders = Object.fromEntries(known.map((id, i) => [id, folders[ids[i]]]));
        }
        if (merged.exportFolder === 'contacts') merged.exportFolder = null;
        await limitShare('contacts', merged, update.contacts.massDeleteShare !== undefined);
        next.contacts = merged;
      }
      if (update.meetings) {
        const merged = meetingSyncSettingsSchema.parse({ ...current.meetings, ...update.meetings });
        // The time the invitation setting was switched on is the server's, never the client's.
        merged.sendInvitationsSince = stampInvitations(current.meetings, merged.sendInvitations, new Date());
        next.meetings = await mergeActivities(principal, mailboxId, 'meetings', merged, update.meetings);
      }
      if (update.tasks) {
        const merged = taskSyncSettingsSchema.parse({ ...current.tasks, ...update.tasks });
        next.tasks = await mergeActivities(principal, mailboxId, 'tasks', merged, update.tasks);
      }
      await sync.settings.write(mailboxId, next, principal.userId);
      await sync.reschedule(mailboxId);
      return sync.settings.read(mailboxId);
    },

    /** The organisation's sync policy: everyone may read it (the settings screen shows the limit). */
    getPolicy(): Promise<SyncPolicy> {
      return sync.policy.read();
    },

    async putPolicy(principal: Principal, update: Partial<SyncPolicy>): Promise<SyncPolicy> {
      if (!principal.isAdmin) throw requireAdministration("change the organisation's sync policy");
      const next = syncPolicySchema.parse({ ...(await sync.policy.read()), ...update });
      await sync.policy.write(next, principal.userId);
      return next;
    },

    async syncNow(
      principal: Principal,
      mailboxId: string,
      entity: string,
      wait: boolean,
    ): Promise<{ queued: boolean; jobId: string | null; message: string; run?: RunRecord }> {
      await visible(principal, mailboxId);
      const name = assertEntity(entity);
      if (wait) {
        await assertSyncable(db, mailboxId, new Date());
        const run = await sync.runNow(mailboxId, name, 'manual');
        return { queued: false, jobId: null, message: `The run ${run.status}.`, run };
      }
      const jobId = await sync.queueSync(mailboxId, name);
      return jobId
        ? { queued: true, jobId, message: 'Sync queued; its run appears in the history when done.' }
        : { queued: false, jobId: null, message: 'A sync of this mailbox is already queued.' };
    },

    async runs(principal: Principal, mailboxId: string, entity: string, limit: number): Promise<RunRecord[]> {
      await visible(principal, mailboxId);
      return latestRuns(db, { mailboxId, entity: assertEntity(entity) }, limit);
    },

    /**
     * The latest runs of each entity (contacts, meetings, tasks), newest first, `limit` of each:
     * the dashboard shows every entity's latest run and history side by side, so an entity
     * synced often never pushes a rarely synced one's last run out of sight.
     */
    async runsPerEntity(
      principal: Principal,
      mailboxId: string,
      limit: number,
    ): Promise<Array<{ entity: SyncEntity; runs: RunRecord[] }>> {
      await visible(principal, mailboxId);
      const out: Array<{ entity: SyncEntity; runs: RunRecord[] }> = [];
      for (const entity of SYNC_ENTITIES)
        out.push({ entity, runs: await latestRuns(db, { mailboxId, entity }, limit) });
      return out;
    },

    async conflicts(principal: Principal, mailboxId: string, entity: string, limit: number) {
      await visible(principal, mailboxId);
      return latestConflicts(db, { mailboxId, entity: assertEntity(entity) }, limit);
    },

    /** Per mailbox the user may see: linked item, last sync, what stayed in the CRM and why. */
    async contactSyncStatus(principal: Principal, contactId: string): Promise<SyncStatusEntry[]> {
      await crm.contacts.get(principal, contactId);
      const own = (await domain.mailboxes.list(principal)).filter(
        (m) => m.status !== 'disconnected' || principal.isAdmin,
      );
      const mailboxIds = own.map((m) => m.id);
      if (mailboxIds.length === 0) return [];
      const links = await recordLinksIn(db, 'contacts', contactId, mailboxIds);
      const tagged = await mailboxesTagging(db, 'contacts', contactId, mailboxIds);
      return own
        .filter((m) => m.status !== 'disconnected' || links.some((l) => l.mailboxId === m.id))
        .map((m) => {
          const link = links.find((l) => l.mailboxId === m.id);
          return {
            mailboxId: m.id,
            address: m.address,
            tagged: tagged.has(m.id),
            linked: link?.state === 'linked',
            itemId: link?.itemId ?? null,
            folderId: link?.folderId ?? null,
            lastSyncedAt: link?.updatedAt ?? null,
            notExported: link ? link.notExported : [],
          };
        });
    },

    /**
     * Per mailbox the user may see that holds a copy of the activity: organizer's or attendee's
     * copy (read-only), linked item, last sync, and CRM edits no copy could carry to Exchange.
     * Whether an organizer's copy is linked is asked of every mailbox, seen or not.
     */
    async activitySyncStatus(principal: Principal, activityId: string): Promise<ActivityStatusEntry[]> {
      const activity = await crm.activities.get(principal, activityId);
      const links = await recordLinksAcross(db, ACTIVITY_ENTITIES, activityId);
      if (links.length === 0) return [];
      const seen = new Map(
        (await domain.mailboxes.list(principal))
          .filter((m) => m.status !== 'disconnected' || principal.isAdmin)
          .map((m) => [m.id, m]),
      );
      const facts: ActivityLinkFacts[] = [];
      for (const link of links) {
        const mailbox = seen.get(link.mailboxId) ?? (await findMailboxRow(db, link.mailboxId));
        facts.push({
          mailboxId: link.mailboxId,
          address: mailbox?.address ?? '',
          entity: link.entity,
          role: link.shared?.role ?? null,
          linked: link.state === 'linked' && link.deleteMark === null,
          recordVersion: link.recordVersion,
          itemId: link.itemId,
          folderId: link.folderId,
          updatedAt: link.updatedAt,
          mailboxSyncs: mailbox !== undefined && mailbox.status !== 'disconnected',
          visible: seen.has(link.mailboxId),
        });
      }
      return activitySyncStatus(activity.version, facts);
    },

    async tag(principal: Principal, contactId: string, mailboxId: string, on: boolean): Promise<void> {
      await crm.contacts.get(principal, contactId);
      const mailbox = await visible(principal, mailboxId);
      if (mailbox.userId !== principal.userId && !principal.isAdmin)
        throw new MailboxError(
          'not_found',
          `No mailbox with id "${mailboxId}" exists or you have no access to it.`,
        );
      const scope = { mailboxId, entity: 'contacts' };
      if (on) await tagRecords(db, scope, [contactId], new Date());
      else await untagRecords(db, scope, [contactId]);
    },

    async holds(principal: Principal, mailboxId: string): Promise<HoldView[]> {
      await visible(principal, mailboxId);
      const out: HoldView[] = [];
      for (const entity of SYNC_ENTITIES) {
        const state = await readState(db, { mailboxId, entity });
        if (!state.held) continue;
        const deletes = await pendingDeletes(db, { mailboxId, entity });
        out.push({
          id: entity,
          entity,
          reason: state.held,
          decision: state.holdDecision,
          pendingDeletes: deletes.crm + deletes.exchange,
          deletes,
        });
      }
      return out;
    },

    async decideHold(
      principal: Principal,
      mailboxId: string,
      holdId: string,
      decision: 'approve' | 'unlink',
    ): Promise<{ hold: HoldView; jobId: string | null }> {
      if (!principal.isAdmin)
        throw new MailboxError(
          'forbidden',
          'Only administrators (CanManageAdministration) decide on deletes held by the mass-delete guard.',
        );
      await visible(principal, mailboxId);
      const entity = SYNC_ENTITIES.find((e) => e === holdId);
      const state = entity ? await readState(db, { mailboxId, entity }) : undefined;
      if (!entity || !state?.held)
        throw new MailboxError(
          'not_found',
          `The mailbox has no held run "${holdId}"; list them with GET /api/v1/mailboxes/${mailboxId}/holds.`,
        );
      await decideHold(db, { mailboxId, entity }, decision);
      const deletes = await pendingDeletes(db, { mailboxId, entity });
      // The next run carries the decision out; queue it now rather than wait for the schedule.
      let jobId: string | null = null;
      try {
        jobId = await sync.queueSync(mailboxId, entity);
      } catch {
        jobId = null;
      }
      return {
        hold: {
          id: entity,
          entity,
          reason: state.held,
          decision,
          pendingDeletes: deletes.crm + deletes.exchange,
          deletes,
        },
        jobId,
      };
    },
  };
}

export type SyncAccess = ReturnType<typeof createSyncAccess>;
