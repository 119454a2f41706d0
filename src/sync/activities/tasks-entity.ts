// Tasks plugged into the generic engine: Exchange tasks (EWS task folders, Graph To Do lists)
// become CRM activities not shown in the calendar, through the activity mapping (mapping.ts).
// What a mailbox covers (scope.ts): task folders all or chosen, and only the user's own tasks
// (C2: on EWS by the task's Owner against the owner's name as Exchange reports it, on Graph by
// the list, a list shared by someone else holding theirs); activities not shown in the calendar exported as tasks (C4); all the user can see or
// chosen groups (C3); nothing completed before the import start date (C5).
import type { NeutralTask } from '../../connectors/types.ts';
import type { Activity } from '../../crm/activities.ts';
import type { EntityDefinition } from '../types.ts';
import { activityCreate, activityPatch, itemOfSnapshot, projectActivity, snapshotOfItem } from './mapping.ts';
import {
  type ActivitySyncOptions,
  activityScopeKey,
  beforeImportStart,
  DEFAULT_ACTIVITY_SYNC_OPTIONS,
  inActivityExport,
  isMeetingActivity,
  ownedByUser,
  ownerNeedsExchangeName,
  ownTaskFolder,
} from './scope.ts';

export const DEFAULT_TASK_OPTIONS: ActivitySyncOptions = DEFAULT_ACTIVITY_SYNC_OPTIONS;

/**
 * How long a listing of the task folders serves later runs: a new task list is read at the
 * latest by the first run an hour after the last listing (at once on "Sync now").
 */
export const TASK_FOLDER_LISTING_MAX_AGE_MS = 60 * 60_000;

export const tasksEntity: EntityDefinition<Activity, NeutralTask, ActivitySyncOptions> = {
  name: 'tasks',
  folderKind: 'tasks',
  recordType: 'activity',
  service: (crm) => crm.activities,
  fromRecord: projectActivity,
  fromItem: snapshotOfItem,
  // Task dates carry no zone of their own (mapping.ts): written as dates.
  toItem: (snapshot, options, current) => itemOfSnapshot(snapshot, 'UTC', options, current) as NeutralTask,
  needsCurrentItem: () => false,
  // EWS: pages of 500 ids, read by five full GetItems of 100 (pages of 256 took 100 + 100 + 56).
  // Graph: delta pages of 1,000 tasks (Graph's largest page), as calendars are read; a page
  // carries every task whole, and one whose answer is over 5 MB is asked again with half as
  // many (GraphConnector.readChanges).
  readPageSize: { ews: 500, graph: 1000 },
  toCreate: (snapshot, options) => activityCreate(snapshot, options),
  toPatch: activityPatch,
  forProtocol: (options, protocol) => ({ ...options, protocol }),
  // C2 on EWS: whose tasks are the user's is read from the mailbox: Exchange's name for its owner,
  // asked (one ResolveNames) only in a run that reads a task naming an owner.
  withMailbox: async (options, connector) => {
    if (connector.protocol !== 'ews' || !connector.ownerDisplayName) return options;
    return { ...options, exchangeOwnerName: await connector.ownerDisplayName() };
  },
  needsMailbox: ownerNeedsExchangeName,
  // C4: activities not shown in the calendar (or with no start to be a meeting) are tasks.
  inExportScope: (record, options, tagged) =>
    !isMeetingActivity(record) &&
    inActivityExport(record, options.export, tagged) &&
    !beforeImportStart(projectActivity(record, options).snapshot, options),
  scopeKey: activityScopeKey,
  importsItem: (item, snapshot, options) =>
    ownedByUser(item, options) && !beforeImportStart(snapshot, options),
  importsFolder: (folder) => ownTaskFolder(folder),
  // Only Graph says a folder is someone else's (a shared To Do list); an EWS folder is the
  // mailbox's own, so chosen EWS task folders are read without listing the folders first.
  refusesFolders: (options) => options.protocol === 'graph',
  // The task folders change seldom: the listing serves the runs of the next hour (engine.ts
  // `keptFolders`), so an unchanged task folder costs its one read, as a calendar does.
  folderListingMaxAgeMs: TASK_FOLDER_LISTING_MAX_AGE_MS,
};
