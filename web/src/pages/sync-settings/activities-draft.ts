// The Meetings and tasks tab's form state and its translation to and from the API's meetings and
// tasks blocks (SPEC C1–C5, E1–E3, E5). As in the seeds, the tab shows one "export activities"
// choice, one start date, one schedule and one mass-delete share for both blocks, and each
// block's own import, folders and conflict policy; saving writes the shared choices to both.
import type { SyncSettingsView } from '../../types.ts';

type Meetings = SyncSettingsView['meetings'];
type Tasks = SyncSettingsView['tasks'];
type Policy = Meetings['conflictPolicy'];

export interface ActivityDraft {
  meetingsOn: boolean;
  calendarsAll: boolean;
  calendars: string[];
  tasksOn: boolean;
  listsAll: boolean;
  lists: string[];
  exportOn: boolean;
  exportAll: boolean;
  groupIds: string[];
  /** `YYYY-MM-DD`, or '' for no start date. */
  importFrom: string;
  meetingsPolicy: Policy;
  tasksPolicy: Policy;
  fieldMerge: boolean;
  sendInvitations: boolean;
  autoSync: boolean;
  interval: string;
  massDeletePercent: string;
  /** Kept as stored: the screen has no control for them. */
  meetingsExportFolder: string | null;
  tasksExportFolder: string | null;
}

const imports = (d: Meetings['direction']) => d === 'import' || d === 'two_way';
const exports = (d: Meetings['direction']) => d === 'export' || d === 'two_way';

export function toActivityDraft(view: Pick<SyncSettingsView, 'meetings' | 'tasks'>): ActivityDraft {
  const { meetings: m, tasks: k } = view;
  // The export filter and the start date are one choice on this screen; the meetings block's
  // wins where the API was used to set them apart.
  return {
    meetingsOn: imports(m.direction),
    calendarsAll: m.importFolders === 'all',
    calendars: m.importFolders === 'all' ? [] : [...m.importFolders],
    tasksOn: imports(k.direction),
    listsAll: k.importFolders === 'all',
    lists: k.importFolders === 'all' ? [] : [...k.importFolders],
    exportOn: exports(m.direction) || exports(k.direction),
    exportAll: m.export.all,
    groupIds: m.export.all ? [] : [...m.export.groupIds],
    importFrom: m.importFrom ?? '',
    meetingsPolicy: m.conflictPolicy,
    tasksPolicy: k.conflictPolicy,
    fieldMerge: m.fieldMerge,
    sendInvitations: m.sendInvitations,
    autoSync: m.autoSync || k.autoSync,
    interval: String(m.intervalMinutes),
    massDeletePercent: String(Math.round(m.massDeleteShare * 1000) / 10),
    meetingsExportFolder: m.exportFolder,
    tasksExportFolder: k.exportFolder,
  };
}

function direction(importOn: boolean, exportOn: boolean): Meetings['direction'] {
  if (importOn && exportOn) return 'two_way';
  if (importOn) return 'import';
  if (exportOn) return 'export';
  return 'off';
}

export type DraftErrors = Record<string, string>;

/** Problems before anything is sent, by field name; the texts come from `text`. */
export function activityProblems(
  d: ActivityDraft,
  text: (problem: 'calendars' | 'lists' | 'groups' | 'date' | 'interval' | 'percent') => string,
): DraftErrors {
  const errors: DraftErrors = {};
  if (d.meetingsOn && !d.calendarsAll && d.calendars.length === 0) errors.calendars = text('calendars');
  if (d.tasksOn && !d.listsAll && d.lists.length === 0) errors.lists = text('lists');
  if (d.exportOn && !d.exportAll && d.groupIds.length === 0) errors.export = text('groups');
  if (d.importFrom !== '' && !/^\d{4}-\d{2}-\d{2}$/.test(d.importFrom)) errors.importFrom = text('date');
  const interval = Number(d.interval);
  if (!/^\d+$/.test(d.interval.trim()) || interval < 1 || interval > 1440)
    errors.intervalMinutes = text('interval');
  const percent = Number(d.massDeletePercent);
  if (d.massDeletePercent.trim() === '' || !Number.isFinite(percent) || percent < 0 || percent > 100)
    errors.massDeleteShare = text('percent');
  return errors;
}

/** The meetings and tasks blocks the draft stands for (meaningful when it has no problems). */
export function toActivitySettings(d: ActivityDraft, saved: Pick<SyncSettingsView, 'meetings' | 'tasks'>) {
  const common = {
    export: d.exportAll ? ({ all: true } as const) : { all: false as const, groupIds: [...d.groupIds] },
    importFrom: d.importFrom === '' ? null : d.importFrom,
    fieldMerge: d.fieldMerge,
    autoSync: d.autoSync,
    intervalMinutes: Number(d.interval),
    massDeleteShare: Number(d.massDeletePercent) / 100,
  };
  const meetings: Meetings = {
    ...common,
    direction: direction(d.meetingsOn, d.exportOn),
    conflictPolicy: d.meetingsPolicy,
    importFolders: d.calendarsAll ? 'all' : [...d.calendars],
    exportFolder: d.meetingsExportFolder,
    sendInvitations: d.sendInvitations,
    sendInvitationsSince: saved.meetings.sendInvitationsSince,
  };
  const tasks: Tasks = {
    ...common,
    direction: direction(d.tasksOn, d.exportOn),
    conflictPolicy: d.tasksPolicy,
    importFolders: d.listsAll ? 'all' : [...d.lists],
    exportFolder: d.tasksExportFolder,
  };
  return { meetings, tasks };
}

const sortedJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v) =>
    Array.isArray(v) && v.every((x) => typeof x === 'string') ? [...v].sort() : v,
  );

function changed<T extends object>(next: T, saved: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(next) as Array<keyof T>)
    if (sortedJson(next[key]) !== sortedJson(saved[key])) out[key] = next[key];
  return out;
}

/** What a PUT sends: per block, only the fields that differ from what is stored. */
export function activityChanges(d: ActivityDraft, saved: Pick<SyncSettingsView, 'meetings' | 'tasks'>) {
  const next = toActivitySettings(d, saved);
  const meetings = changed(next.meetings, saved.meetings);
  delete meetings.sendInvitationsSince;
  const tasks = changed(next.tasks, saved.tasks);
  return {
    ...(Object.keys(meetings).length > 0 ? { meetings } : {}),
    ...(Object.keys(tasks).length > 0 ? { tasks } : {}),
  };
}

/** Whether the form differs from what is stored (a half-typed number counts as a change). */
export function activityDirty(
  d: ActivityDraft,
  saved: Pick<SyncSettingsView, 'meetings' | 'tasks'>,
): boolean {
  const stored = toActivityDraft(saved);
  if (d.interval !== stored.interval || d.massDeletePercent !== stored.massDeletePercent) {
    const problems = activityProblems(d, () => 'x');
    if (problems.intervalMinutes || problems.massDeleteShare) return true;
  }
  return Object.keys(activityChanges(d, saved)).length > 0;
}
