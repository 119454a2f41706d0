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
import type { EntityDefinition, Projection } from '../types.ts';
import { linkParticipants, participantLists } from './attendees.ts';
import {
  activityCreate,
  activityPatch,
  answerPatch,
  itemOfSnapshot,
  projectActivity,
  RESPONSE_CRM,
  sendsInvitations,
  snapshotOfItem,
  withoutAttendees,
} from './mapping.ts';
import { seriesKey } from './meeting-key.ts';
import { cancelledOccurrences, isOccurrenceField, OCCURRENCE_PREFIX } from './occurrences.ts';
import {
  type ActivitySyncOptions,
  activityScopeKey,
  afterReadWindow,
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

/**
 * What attendees see of a meeting: changing any of these on Graph (as organizer) mails them an
 * update. Reminder, show-as and categories are the organizer's own and change silently. A series'
 * moved and cancelled occurrences (`occurrence:<original start>`, every field with that prefix)
 * are held whole: moving an occurrence back mails an update, cancelling one a cancellation.
 */
export const GRAPH_SENDING_FIELDS = [
  OCCURRENCE_PREFIX,
  'subject',
  'body',
  'allDay',
  'start',
  'end',
  'timeZone',
  'location',
  'attendees',
  'recurrence',
  'importance',
] as const;

/** On Graph, a meeting that may not send is written without attendees (Graph would invite them). */
function meetingProjection(record: Activity, options: ActivitySyncOptions): Projection {
  const projection = projectActivity(record, options);
  if (sendsInvitations(record, options.protocol, options.sendInvitationsSince, new Date()))
    return { ...projection, sends: true };
  return options.protocol === 'graph' ? withoutAttendees(projection) : projection;
}

export const meetingsEntity: EntityDefinition<Activity, NeutralEvent, ActivitySyncOptions> = {
  name: 'meetings',
  folderKind: 'calendar',
  recordType: 'activity',
  service: (crm) => crm.activities,
  fromRecord: meetingProjection,
  withoutSending: (projection, options) => {
    const { sends: _sends, ...rest } = projection;
    return options.protocol === 'graph' ? withoutAttendees(rest) : rest;
  },
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
  // EWS: pages of 500, five full GetItems of 100 per SyncFolderItems page. Graph: calendarView/
  // delta pages of up to 1,000 entries (occurrences, each with its body; a page too large to
  // read is asked again smaller, src/connectors/graph/calendar-view.ts).
  readPageSize: { ews: 500, graph: 1000 },
  toCreate: (snapshot, options) => activityCreate(snapshot, options),
  // A meeting whose item never held the CRM's attendees (kept: Graph, not sending) takes the
  // item's change of them since the link: the CRM's own participants stay beside those the
  // Outlook user added, and only those the item held go when the item drops them.
  toPatch: (changed, record, options, linked) =>
    activityPatch(
      changed,
      record,
      options,
      linked && meetingProjection(record, options).keeps?.includes('attendees') ? linked : undefined,
    ),
  // Graph reads a calendar over a window: a series' occurrences are kept in sync inside it only (occurrences.ts).
  forProtocol: (options, protocol) =>
    protocol === 'graph'
      ? { ...options, protocol, occurrenceWindow: calendarWindow({ from: calendarWindowFrom(options) }) }
      : { ...options, protocol },
  // A new series' occurrences are written after it, on the occurrences (occurrences.ts).
  createdAlone: (snapshot) =>
    Object.fromEntries(Object.entries(snapshot).filter(([field]) => !isOccurrenceField(field))),
  // C4: only activities shown in the calendar are meetings, tagged or not; C3 and C5 decide the rest.
  inExportScope: (record, options, tagged) =>
    isMeetingActivity(record) &&
    inActivityExport(record, options.export, tagged) &&
    !beforeImportStart(projectActivity(record, options).snapshot, options),
  scopeKey: activityScopeKey,
  importsItem: (_item, snapshot, options) => !beforeImportStart(snapshot, options),
  // Graph reads calendars over a window from the start date; EWS reads whole folders.
  readWindow: (options, now) => calendarWindow({ from: calendarWindowFrom(options), now }),
  // Before the start date, or (Graph) past the window's end: not listed by a read, and not gone.
  outsideReads: (snapshot, options) =>
    beforeImportStart(snapshot, options) || afterReadWindow(snapshot, options.occurrenceWindow),
  // A single meeting or a series is one activity, whichever calendar it is read from. A lone
  // occurrence or exception read without its series has no original start here: it stays apart.
  // Only the organizer's copy is written; an attendee's copy brings back the attendee's answer
  // (accepted, tentative, declined: an unanswered copy says nothing).
  sharedIdentity: (item, _options, mailbox) => {
    if (!item.iCalUId || (item.type !== 'single' && item.type !== 'seriesMaster')) return undefined;
    const key = seriesKey(item.iCalUId);
    if (item.isOrganizer) return { key, role: 'organizer' };
    const response = item.myResponse ? RESPONSE_CRM[item.myResponse] : 'none';
    return {
      key,
      role: 'attendee',
      ...(item.isCancelled ? { cancelled: true } : {}),
      ...(response !== 'none' && response !== undefined ? { answer: { address: mailbox, response } } : {}),
    };
  },
  createdKey: (globalId) => seriesKey(globalId),
  answerPatch: (record, answer) => answerPatch(record, answer),
  sharedFields: GRAPH_SENDING_FIELDS,
  sendingFields: (snapshot, options) =>
    options.protocol === 'graph' &&
    snapshot.kind === 'meeting' &&
    ((snapshot.attendees as unknown[]) ?? []).length > 0
      ? GRAPH_SENDING_FIELDS
      : [],
  // A cancelled occurrence cannot be brought back from the CRM: it stands whatever the policy.
  cancelledParts: (snapshot) => cancelledOccurrences(snapshot),
  // C8: the organizer and attendees, address participants after the mapping, are linked to the
  // users, contacts and leads holding their addresses (as the importing user sees them).
  async beforeImport(inputs, crm, principal) {
    await linkParticipants(participantLists(inputs), (addresses) => crm.holdersOf(principal, addresses));
  },
  async beforeImportUpdate(patch, _changed, crm, principal) {
    await linkParticipants(participantLists([patch]), (addresses) => crm.holdersOf(principal, addresses));
  },
};
