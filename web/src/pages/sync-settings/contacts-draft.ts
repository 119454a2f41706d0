// The Contacts tab's form state and its translation to and from the API's ContactSyncSettings.
// The form keeps choices the stored settings cannot hold (the folders picked before switching
// back to "all contact folders", numbers being typed), so that switching an option back and
// forth loses nothing; `toSettings` decides what is actually saved.
import { type MessageKey, t } from '../../i18n.ts';
import type { ContactSyncSettings } from '../../types.ts';

type ContactType = 'employee' | 'customer' | 'other';

export interface ContactDraft {
  importOn: boolean;
  exportOn: boolean;
  importAll: boolean;
  folders: string[];
  exportAll: boolean;
  types: ContactType[];
  groupIds: string[];
  exportFolder: string | null;
  conflictPolicy: ContactSyncSettings['conflictPolicy'];
  fieldMerge: boolean;
  syncNotes: boolean;
  /** '' for none: the organisation's country applies. */
  defaultCountry: string;
  /** Set through the API; the screen keeps it as it is. */
  importType: ContactSyncSettings['importType'];
  autoSync: boolean;
  interval: string;
  /** The mass-delete share as a percentage, as typed. */
  massDeletePercent: string;
}

export function toDraft(s: ContactSyncSettings): ContactDraft {
  return {
    importOn: s.direction === 'import' || s.direction === 'two_way',
    exportOn: s.direction === 'export' || s.direction === 'two_way',
    importAll: s.importFolders === 'all',
    folders: s.importFolders === 'all' ? [] : [...s.importFolders],
    exportAll: s.export.all,
    types: s.export.all ? [] : [...s.export.types],
    groupIds: s.export.all ? [] : [...s.export.groupIds],
    exportFolder: s.exportFolder,
    conflictPolicy: s.conflictPolicy,
    fieldMerge: s.fieldMerge,
    syncNotes: s.syncNotes,
    defaultCountry: s.defaultCountry ?? '',
    importType: s.importType,
    autoSync: s.autoSync,
    interval: String(s.intervalMinutes),
    massDeletePercent: String(Math.round(s.massDeleteShare * 1000) / 10),
  };
}

export function directionOf(
  d: Pick<ContactDraft, 'importOn' | 'exportOn'>,
): ContactSyncSettings['direction'] {
  if (d.importOn && d.exportOn) return 'two_way';
  if (d.importOn) return 'import';
  if (d.exportOn) return 'export';
  return 'off';
}

/** The message that says what a direction does. */
export const DIRECTION_TEXT: Record<ContactSyncSettings['direction'], MessageKey> = {
  off: 'syncSettings.direction.off',
  import: 'syncSettings.direction.import',
  export: 'syncSettings.direction.export',
  two_way: 'syncSettings.direction.twoWay',
};

export type DraftErrors = Record<string, string>;

/** What the form problems are before anything is sent; keys are the settings' field names. */
export function draftProblems(d: ContactDraft): DraftErrors {
  const errors: DraftErrors = {};
  if (d.importOn && !d.importAll && d.folders.length === 0)
    errors.importFolders = t('syncSettings.problem.folders');
  const interval = Number(d.interval);
  if (!/^\d+$/.test(d.interval.trim()) || interval < 1 || interval > 1440)
    errors.intervalMinutes = t('syncSettings.problem.interval');
  const percent = Number(d.massDeletePercent);
  if (d.massDeletePercent.trim() === '' || !Number.isFinite(percent) || percent < 0 || percent > 100)
    errors.massDeleteShare = t('syncSettings.problem.percent');
  return errors;
}

/** The settings the draft stands for; only meaningful when draftProblems is empty. */
export function toSettings(d: ContactDraft): ContactSyncSettings {
  return {
    direction: directionOf(d),
    conflictPolicy: d.conflictPolicy,
    fieldMerge: d.fieldMerge,
    importFolders: d.importAll ? 'all' : [...d.folders],
    exportFolder: d.exportFolder,
    massDeleteShare: Number(d.massDeletePercent) / 100,
    autoSync: d.autoSync,
    intervalMinutes: Number(d.interval),
    export: d.exportAll ? { all: true } : { all: false, types: [...d.types], groupIds: [...d.groupIds] },
    syncNotes: d.syncNotes,
    importType: d.importType,
    defaultCountry:
      d.defaultCountry === '' ? null : (d.defaultCountry as ContactSyncSettings['defaultCountry']),
  };
}

const sortedJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v) =>
    Array.isArray(v) && v.every((x) => typeof x === 'string') ? [...v].sort() : v,
  );

/**
 * The fields that differ from what is stored: a PUT sends only those. A folder choice left
 * while "import" is off still counts, since it is what will be saved.
 */
export function changedFields(d: ContactDraft, saved: ContactSyncSettings): Partial<ContactSyncSettings> {
  const next = toSettings(d);
  const changes: Record<string, unknown> = {};
  for (const key of Object.keys(next) as Array<keyof ContactSyncSettings>) {
    if (sortedJson(next[key]) !== sortedJson(saved[key])) changes[key] = next[key];
  }
  return changes as Partial<ContactSyncSettings>;
}

/** Whether the form differs from what is stored (a half-typed number counts as a change). */
export function isDirty(d: ContactDraft, saved: ContactSyncSettings): boolean {
  if (Object.keys(draftProblems(d)).length > 0) {
    const stored = toDraft(saved);
    if (d.interval !== stored.interval || d.massDeletePercent !== stored.massDeletePercent) return true;
  }
  return Object.keys(changedFields(d, saved)).length > 0;
}
