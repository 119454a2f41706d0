// Meetings plugged into the generic engine: the calendar's items become CRM activities through
// the activity mapping (mapping.ts), and every copy of a meeting (the organizer's and each
// attendee's) shares one activity, keyed by its clean global object id (meeting-key.ts). Attendees
// and the organizer are linked to the CRM's users, contacts and leads on import (C8), by a lookup
// of just the batch's addresses (attendees.ts). Not offered in a mailbox's settings yet: only
// code that names it syncs it.
import type { NeutralEvent } from '../../connectors/types.ts';
import type { Activity } from '../../crm/activities.ts';
import type { EntityDefinition } from '../types.ts';
import { linkParticipants, participantLists } from './attendees.ts';
import {
  type ActivityMappingOptions,
  activityCreate,
  activityPatch,
  itemOfSnapshot,
  projectActivity,
  snapshotOfItem,
} from './mapping.ts';
import { seriesKey } from './meeting-key.ts';

/**
 * No address index in the options: the import hooks below link participants from a lookup of each
 * batch's addresses instead of an index of the whole CRM (C8).
 */
export const DEFAULT_MEETING_OPTIONS: ActivityMappingOptions = { protocol: 'ews', addresses: new Map() };

export const meetingsEntity: EntityDefinition<Activity, NeutralEvent, ActivityMappingOptions> = {
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
  // Pages of 500: on EWS five full GetItems of 100 per SyncFolderItems page; on Graph
  // calendarView/delta lists every occurrence of a series, which become one change here, and each
  // page's series are fetched in one round of $batches. Fewer, fuller requests for a calendar.
  readPageSize: 500,
  toCreate: (snapshot, options) => activityCreate(snapshot, options),
  toPatch: activityPatch,
  forProtocol: (options, protocol) => ({ ...options, protocol }),
  // Nothing goes to Exchange but what is tagged for the mailbox: meetings are imported.
  inExportScope: (_record, _options, tagged) => tagged,
  scopeKey: () => 'tagged',
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
