// Meetings plugged into the generic engine: the calendar's items become CRM activities through
// the activity mapping (mapping.ts), and every copy of a meeting (the organizer's and each
// attendee's) shares one activity, keyed by its clean global object id (meeting-key.ts). Attendees
// and the organizer are linked to the CRM's users, contacts and leads on import (C8), by a lookup
// of just the batch's addresses (attendees.ts). What a mailbox covers (scope.ts): calendars all or
// chosen (C1), activities shown in the calendar exported as meetings (C4), all the user can see or
// chosen groups (C3), and nothing that ended before the import start date (C5).
import { calendarWindow } from '../../connectors/calendar-window.ts';
import type { NeutralEvent } from '../../connectors/types.ts';
import type { Activity } from '../../crm/activities.ts';
import type { EntityDefinition } from '../types.ts';
import { linkParticipants, participantLists } from './attendees.ts';
import { activityCreate, activityPatch, itemOfSnapshot, projectActivity, snapshotOfItem } from './mapping.ts';
import { seriesKey } from './meeting-key.ts';
import {
  type ActivitySyncOptions,
  activityScopeKey,
  beforeImportStart,
  calendarWindowFrom,
  DEFAULT_ACTIVITY_SYNC_OPTIONS,
  inActivityExport,
  isMeetingActivity,
} from './scope.ts';

/**
 * No address index in the options: the import hooks below link participants from a lookup of each
 * batch's addresses instead of an index of the whole CRM (C8).
 */
export const DEFAULT_MEETING_OPTIONS: ActivitySyncOptions = DEFAULT_ACTIVITY_SYNC_OPTIONS;

export const meetingsEntity: EntityDefinition<Activity, NeutralEvent, ActivitySyncOptions> = {
  name: 'meetings',
  folderKind: 'calendar',
  recordType: 'activity',
  service: (crm) => crm.activities,
  fromRecord: projectActivity,
  fromItem: snapshotOfItem,
  toItem: (snapshot, options, current) =>
    itemOfSnapshot(
      snapshot,
      (snapshot.timeZone as string | undefined) ?? 'UTC',
      options,
      current,
    ) as NeutralEvent,
  // The snapshot does not carry the UID or the join link: an item is written over its current state.
  needsCurrentItem: () => true,
  // Pages of 500: on EWS five full GetItems of 100 per SyncFolderItems page. Graph's
  // calendarView/delta keeps to pages of 256 entries (each carries its whole body).
  readPageSize: 500,
  toCreate: (snapshot, options) => activityCreate(snapshot, options),
  toPatch: activityPatch,
  // Graph reads a series' exceptions only inside the calendar's window (occurrences.ts).
  forProtocol: (options, protocol) =>
    protocol === 'graph'
      ? { ...options, protocol, occurrenceWindow: calendarWindow({ from: calendarWindowFrom(options) }) }
      : { ...options, protocol },
  // C4: only activities shown in the calendar are meetings, tagged or not; C3 and C5 decide the rest.
  inExportScope: (record, options, tagged) =>
    isMeetingActivity(record) &&
    inActivityExport(record, options.export, tagged) &&
    !beforeImportStart(projectActivity(record, options).snapshot, options),
  scopeKey: activityScopeKey,
  importsItem: (_item, snapshot, options) => !beforeImportStart(snapshot, options),
  // Graph reads calendars over a window from the start date; EWS reads whole folders.
  readWindow: (options, now) => calendarWindow({ from: calendarWindowFrom(options), now }),
  outsideReads: (snapshot, options) => beforeImportStart(snapshot, options),
  // A single meeting or a series is one activity, whichever calendar it is read from. A lone
  // occurrence or exception read without its series has no original start here: it stays apart.
  sharedIdentity: (item) =>
    item.iCalUId && (item.type === 'single' || item.type === 'seriesMaster')
      ? { key: seriesKey(item.iCalUId), role: item.isOrganizer ? 'organizer' : 'attendee' }
      : undefined,
  // C8: the organizer and attendees, address participants after the mapping, are linked to the
  // users, contacts and leads holding their addresses (as the importing user sees them).
  async beforeImport(inputs, crm, principal) {
    await linkParticipants(participantLists(inputs), (addresses) => crm.holdersOf(principal, addresses));
  },
  async beforeImportUpdate(patch, _changed, crm, principal) {
    await linkParticipants(participantLists([patch]), (addresses) => crm.holdersOf(principal, addresses));
  },
};
