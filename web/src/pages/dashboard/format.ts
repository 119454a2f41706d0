// How the dashboard words runs, conflicts and held deletes.
import type { SyncDashboardConflict, SyncDashboardHold, SyncRun } from '../../types.ts';

export type Counts = SyncRun['counts']['import'];

export const DIRECTIONS = [
  { key: 'export', label: 'CRM → Exchange' },
  { key: 'import', label: 'Exchange → CRM' },
] as const;

export const COUNT_KEYS = ['created', 'updated', 'deleted', 'unlinked'] as const;

/** A run's totals as the run history and the activity table show them, in this order. */
export const RUN_TOTALS = [...DIRECTIONS.map((d) => d.label), 'Conflicts', 'Skipped', 'Errors'];

export const total = (c: Counts) => c.created + c.updated + c.deleted + c.unlinked;

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export const RUN_STATUS: Record<SyncRun['status'], { label: string; kind: 'ok' | 'warn' | 'error' | 'off' }> =
  {
    running: { label: 'running', kind: 'warn' },
    succeeded: { label: 'succeeded', kind: 'ok' },
    failed: { label: 'failed', kind: 'error' },
    held: { label: 'held for an administrator', kind: 'warn' },
    abandoned: { label: 'interrupted', kind: 'off' },
  };

export const TRIGGERS: Record<string, string> = {
  manual: 'started with “Sync now”',
  schedule: 'automatic sync',
  push: 'after a change in Exchange',
};

/** One line about a run's outcome, for the status message after "Sync now". */
export function runSummary(run: SyncRun): string {
  const parts: string[] = [];
  for (const d of DIRECTIONS) {
    const c = run.counts[d.key];
    const n = total(c);
    if (n > 0)
      parts.push(
        `${d.label}: ${COUNT_KEYS.filter((k) => c[k] > 0)
          .map((k) => `${c[k]} ${k}`)
          .join(', ')}`,
      );
  }
  if (run.conflicts) parts.push(plural(run.conflicts, 'conflict'));
  if (run.skipped.length) parts.push(`${run.skipped.length} skipped`);
  if (run.errors.length) parts.push(plural(run.errors.length, 'error'));
  const what = parts.length ? parts.join('; ') : 'nothing to change';
  if (run.status === 'held')
    return `The run was held: it would delete more than the mailbox allows at once. An administrator decides under “Deletes waiting for confirmation”. Done so far: ${what}.`;
  return `The run ${RUN_STATUS[run.status].label}: ${what}.`;
}

const LABELS: Record<string, string> = {
  givenName: 'First name',
  middleName: 'Middle name',
  familyName: 'Last name',
  displayName: 'Display name',
  companyName: 'Company',
  jobTitle: 'Job title',
  department: 'Department',
  birthday: 'Birthday',
  emails: 'Email addresses',
  phones: 'Phone numbers',
  addresses: 'Addresses',
  website: 'Website',
  categories: 'Categories',
  notes: 'Notes',
};

export function fieldLabel(field: string): string {
  if (LABELS[field]) return LABELS[field];
  const words = field.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A snapshot value as text: lists joined, phone and address slots named. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  if (Array.isArray(value)) return value.map(formatValue).filter(Boolean).join(', ');
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    const flat = entries.every(([, v]) => v === null || typeof v !== 'object');
    // An address: its parts in reading order; phone or address slots: "business: …".
    if (flat && entries.some(([k]) => k === 'street' || k === 'city'))
      return entries
        .map(([, v]) => formatValue(v))
        .filter(Boolean)
        .join(', ');
    return entries
      .map(([k, v]) => [k, formatValue(v)])
      .filter(([, v]) => v)
      .map(([k, v]) => `${k}: ${v}`)
      .join('; ');
  }
  return String(value);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export type Side = 'crm' | 'exchange';

export interface ConflictRow {
  field: string;
  crm: string;
  exchange: string;
  /** Edited on both sides (the policy decided). */
  both: boolean;
  kept: Side;
}

export const SIDE_LABEL: Record<Side, string> = { crm: 'CRM', exchange: 'Exchange' };

export const policySide = (policy: SyncDashboardConflict['policy']): Side =>
  policy === 'exchange_wins' ? 'exchange' : 'crm';

/** The fields where the two versions differ, and which one was kept. */
export function conflictRows(c: SyncDashboardConflict): ConflictRow[] {
  const crm = c.crm ?? {};
  const exchange = c.exchange ?? {};
  const base = c.base ?? {};
  const keys = [...new Set([...c.fields, ...Object.keys(crm), ...Object.keys(exchange)])];
  const winner: Side =
    c.resolution === 'crm_wins'
      ? 'crm'
      : c.resolution === 'exchange_wins'
        ? 'exchange'
        : policySide(c.policy);
  const rows: ConflictRow[] = [];
  for (const field of keys) {
    const both = c.fields.includes(field);
    if (!both && same(crm[field], exchange[field])) continue;
    // Exchange derives its display name from the other names; comparing it says nothing.
    if (!both && field === 'displayName') continue;
    let kept = winner;
    // A merge keeps each side's edit of a field only it changed.
    if (c.resolution === 'merged' && !both) kept = same(crm[field], base[field]) ? 'exchange' : 'crm';
    rows.push({ field, crm: formatValue(crm[field]), exchange: formatValue(exchange[field]), both, kept });
  }
  return rows;
}

/** Why the conflict ended as it did, in a sentence. */
export function conflictWhy(c: SyncDashboardConflict): string {
  const policy = `the mailbox’s conflict policy (${SIDE_LABEL[policySide(c.policy)]} wins)`;
  const fields = c.fields.map(fieldLabel).join(', ');
  if (c.crm === null)
    return c.resolution === 'exchange_wins'
      ? 'Deleted in the CRM but edited in Exchange: Exchange wins, so the contact was brought back to the CRM.'
      : 'Deleted in the CRM but edited in Exchange: the CRM wins, so the item was deleted in Exchange.';
  if (c.exchange === null)
    return c.resolution === 'crm_wins'
      ? 'Deleted in Exchange but edited in the CRM: the CRM wins, so the contact was exported again.'
      : 'Deleted in Exchange but edited in the CRM: Exchange wins, so the contact was deleted in the CRM.';
  if (c.resolution === 'merged')
    return `${fields || 'Some fields'} edited on both sides: ${policy} decided; edits to different fields were kept from both sides.`;
  return `${fields || 'The contact'} edited on both sides: ${SIDE_LABEL[c.resolution === 'exchange_wins' ? 'exchange' : 'crm']} wins by the mailbox’s conflict policy, so its version was kept.`;
}

/** A name for the contact a conflict is about. */
export function conflictTitle(c: SyncDashboardConflict): string {
  for (const s of [c.crm, c.exchange, c.base]) {
    if (!s) continue;
    if (typeof s.displayName === 'string' && s.displayName) return s.displayName;
    const name = [s.givenName, s.familyName].filter((v) => typeof v === 'string' && v).join(' ');
    if (name) return name;
  }
  return 'A contact';
}

/** What each decision on a held run does, e.g. "delete 6 contacts in the CRM". */
export function holdOutcomes(hold: SyncDashboardHold): { approve: string; unlink: string } {
  const what = hold.entity === 'contacts' ? 'contact' : 'item';
  const parts: string[] = [];
  if (hold.deletes.crm > 0) parts.push(`${plural(hold.deletes.crm, what)} in the CRM`);
  if (hold.deletes.exchange > 0) parts.push(`${plural(hold.deletes.exchange, what)} in Exchange`);
  const n = hold.pendingDeletes;
  return {
    approve: `delete ${parts.join(' and ') || plural(n, what)}`,
    unlink: `keep ${n === 1 ? 'it' : `the ${plural(n, what)}`} and unlink ${n === 1 ? 'it' : 'them'}`,
  };
}
