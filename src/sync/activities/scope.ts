// Which meetings and tasks a mailbox's activity sync covers (C1–C5): the import start date, whose
// tasks are imported, and which CRM activities go to Exchange as meetings and which as tasks.
// Pure: the engine asks these questions through the entity definitions (entity.ts, tasks-entity.ts).
import { patternDates, type Recurrence } from '@exsync/common/recurrence';
import type { FolderNode, NeutralTask, TimeWindow } from '../../connectors/types.ts';
import type { Activity } from '../../crm/activities.ts';
import type { Snapshot } from '../types.ts';
import type { ActivityMappingOptions } from './mapping.ts';
import type { SeriesPattern } from './recurrence.ts';

/** Which CRM activities a mailbox exports (C3): all it can see, or those in these activity groups. */
export type ActivityExportFilter = { all: true } | { all: false; groupIds: string[] };

/** What the meetings and tasks entities read beyond the mapping's options. */
export interface ActivitySyncOptions extends ActivityMappingOptions {
  /**
   * C5: `YYYY-MM-DD`; meetings and tasks that ended before this day (UTC) are left alone: not
   * imported, not exported, and not taken as deleted when a read does not list them. Null: no
   * start date.
   */
  importFrom: string | null;
  export: ActivityExportFilter;
  /**
   * C2 on EWS: what the CRM knows of the mailbox's owner, the user's display name and the mailbox
   * address. Only the address counts once Exchange's own name is known (`exchangeOwnerName`);
   * the CRM name is the fallback when Exchange does not say.
   */
  ownerNames: string[];
  /**
   * C2 on EWS: the mailbox owner's display name as Exchange knows it (ResolveNames of the
   * mailbox's own address), the name Exchange writes into the Owner of the mailbox's own tasks.
   * Read from the mailbox at the start of each tasks run; null when not known.
   */
  exchangeOwnerName: string | null;
  /**
   * Graph only: when the mailbox's "send invitations for meetings created in the CRM" was
   * switched on (ISO instant), or null while it is off. The rule that uses it is the meetings
   * export's (docs/sync.md "Invitations").
   */
  sendInvitationsSince: string | null;
}

export const DEFAULT_ACTIVITY_SYNC_OPTIONS: ActivitySyncOptions = {
  protocol: 'ews',
  addresses: new Map(),
  importFrom: null,
  export: { all: true },
  ownerNames: [],
  exchangeOwnerName: null,
  sendInvitationsSince: null,
};

/**
 * Where Graph's calendar window opens when the mailbox has no start date. Graph v1.0 reads
 * calendar changes only over a window (calendarView/delta); a window that moved with the date
 * would drop older meetings from the listing, and a meeting not listed would look deleted.
 */
export const NO_START_WINDOW_FROM = '2000-01-01';

const dayStart = (date: string) => `${date}T00:00:00.000Z`;

/** The last pattern date of a numbered series (`YYYY-MM-DD`), or undefined when there is none. */
function lastNumberedDate(recurrence: SeriesPattern): string | undefined {
  const count = recurrence.range.numberOfOccurrences ?? 1;
  let index = 0;
  let last: string | undefined;
  for (const d of patternDates(recurrence as unknown as Recurrence)) {
    last = `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
    if (++index >= count) break;
  }
  return last;
}

/**
 * Whether a meeting (snapshot) is over before `from`: a single meeting when it ends before that
 * day begins (UTC); a series when its last occurrence's day is before it. A series with no end
 * always has occurrences after the date.
 */
function meetingEndsBefore(s: Snapshot, from: string): boolean {
  const recurrence = s.recurrence as SeriesPattern | null | undefined;
  if (recurrence) {
    if (recurrence.range.type === 'noEnd') return false;
    const last =
      recurrence.range.type === 'endDate' ? recurrence.range.endDate : lastNumberedDate(recurrence);
    // The last occurrence's day, in the series' own zone: a day's margin on either side of UTC.
    return last !== undefined && last < addDay(from, -1);
  }
  const end = s.end as string | null | undefined;
  if (!end) return false;
  // All-day meetings carry dates (end exclusive), others instants.
  return end.length === 10 ? end <= from : Date.parse(end) <= Date.parse(dayStart(from));
}

function addDay(date: string, days: number): string {
  return new Date(Date.parse(dayStart(date)) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Whether a task (snapshot) is over before `from`: a completed task done before that day (by its
 * completion date, else its due or start date). A task still to do is never "older": it is
 * imported whatever its dates, and so is a completed task with no date at all.
 */
function taskEndsBefore(s: Snapshot, from: string): boolean {
  if (s.status !== 'completed') return false;
  const completed = s.completedAt as string | null | undefined;
  if (completed) return Date.parse(completed) < Date.parse(dayStart(from));
  const date = (s.due ?? s.start) as string | null | undefined;
  return date ? date < from : false;
}

/** C5: whether a meeting or task snapshot lies wholly before the import start date. */
export function beforeImportStart(snapshot: Snapshot, options: Pick<ActivitySyncOptions, 'importFrom'>) {
  if (!options.importFrom) return false;
  return snapshot.kind === 'meeting'
    ? meetingEndsBefore(snapshot, options.importFrom)
    : taskEndsBefore(snapshot, options.importFrom);
}

/**
 * Whether a meeting (snapshot) begins at or after the end of the window Graph reads its calendar
 * over, so that a read of the window does not list it (it is not gone). All-day meetings carry
 * their local date: a day's margin, so that one in a zone ahead of UTC counts as well.
 */
export function afterReadWindow(snapshot: Snapshot, window: TimeWindow | undefined): boolean {
  if (!window || snapshot.kind !== 'meeting') return false;
  const start = snapshot.start as string | null | undefined;
  if (!start) return false;
  return start.length === 10
    ? Date.parse(dayStart(start)) >= Date.parse(window.end) - 86_400_000
    : Date.parse(start) >= Date.parse(window.end);
}

/**
 * C2 on EWS: a task is the user's own when it names no owner, or names the mailbox's owner as
 * Exchange knows them. Exchange writes the owner's display name into a task's Owner; a task
 * naming someone else is theirs (one assigned to them, whose copy stays in this mailbox). The
 * CRM user's display name may differ from Exchange's and may be another person's Exchange name,
 * so it decides only while Exchange's name is not known; the mailbox address, which names no one
 * else, always counts.
 */
export function ownedByUser(
  task: NeutralTask,
  options: Pick<ActivitySyncOptions, 'ownerNames' | 'exchangeOwnerName'>,
): boolean {
  const owner = comparable(task.owner);
  if (!owner) return true;
  const exchangeName = comparable(options.exchangeOwnerName);
  if (exchangeName)
    return owner === exchangeName || options.ownerNames.some((n) => isAddress(n) && comparable(n) === owner);
  return options.ownerNames.some((n) => comparable(n) === owner);
}

/**
 * C2 on EWS: whether telling if a task is the user's needs Exchange's name for the mailbox's
 * owner (`exchangeOwnerName`): only a task naming an owner other than by the mailbox address.
 * A task naming no one, or the address, is the user's whatever Exchange calls them.
 */
export function ownerNeedsExchangeName(
  task: NeutralTask,
  options: Pick<ActivitySyncOptions, 'protocol' | 'ownerNames'>,
): boolean {
  if (options.protocol !== 'ews') return false;
  const owner = comparable(task.owner);
  return owner !== '' && !options.ownerNames.some((n) => isAddress(n) && comparable(n) === owner);
}

const comparable = (name: string | null | undefined) => name?.trim().toLowerCase() ?? '';
const isAddress = (name: string) => name.includes('@');

/** C2 on Graph: a To Do list someone else shared with the user holds their tasks, not the user's. */
export function ownTaskFolder(folder: FolderNode): boolean {
  return folder.sharedWithMe !== true;
}

/**
 * C4: an activity shown in the calendar goes to Exchange as a meeting, any other as a task. A
 * calendar activity without a start cannot be a meeting (projectActivity sends it as a task).
 */
export function isMeetingActivity(activity: Pick<Activity, 'showInCalendar' | 'startsAt'>): boolean {
  return activity.showInCalendar && activity.startsAt !== null;
}

/** C3: all the user can see, or only activities in one of the chosen groups. */
export function inActivityExport(
  activity: Pick<Activity, 'groupIds'>,
  filter: ActivityExportFilter,
  tagged: boolean,
): boolean {
  if (tagged || filter.all) return true;
  return activity.groupIds.some((g) => filter.groupIds.includes(g));
}

/** The export scope's key: a change of filter or start date makes every activity a candidate again. */
export function activityScopeKey(options: Pick<ActivitySyncOptions, 'export' | 'importFrom'>): string {
  return JSON.stringify({
    ...(options.export.all ? { all: true } : { groups: [...options.export.groupIds].sort() }),
    from: options.importFrom,
  });
}

/** The Graph calendar window's start: the import date, or a fixed early day (NO_START_WINDOW_FROM). */
export function calendarWindowFrom(options: Pick<ActivitySyncOptions, 'importFrom'>): string {
  return dayStart(options.importFrom ?? NO_START_WINDOW_FROM);
}

export type { TimeWindow };
