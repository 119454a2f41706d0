// How the dashboard words runs, conflicts and held deletes, in the user's language.
import { formatList, hasMessage, type MessageKey, t } from '../../i18n.ts';
import type { SyncDashboardConflict, SyncDashboardHold, SyncRun } from '../../types.ts';

export type Counts = SyncRun['counts']['import'];

export const DIRECTIONS = [
  { key: 'export', label: 'run.direction.export' },
  { key: 'import', label: 'run.direction.import' },
] as const satisfies ReadonlyArray<{ key: string; label: MessageKey }>;

export const COUNT_KEYS = ['created', 'updated', 'deleted', 'unlinked'] as const;
type CountKey = (typeof COUNT_KEYS)[number];

const COUNT_HEADS: Record<CountKey, MessageKey> = {
  created: 'run.head.created',
  updated: 'run.head.updated',
  deleted: 'run.head.deleted',
  unlinked: 'run.head.unlinked',
};
const COUNT_PHRASES: Record<CountKey, MessageKey> = {
  created: 'run.count.created',
  updated: 'run.count.updated',
  deleted: 'run.count.deleted',
  unlinked: 'run.count.unlinked',
};

export const countHead = (k: CountKey) => t(COUNT_HEADS[k]);

/** A run's totals as the run history and the activity table show them, in this order. */
export const runTotals = () => [
  ...DIRECTIONS.map((d) => t(d.label)),
  t('run.head.conflicts'),
  t('run.head.skipped'),
  t('run.head.errors'),
];

export const total = (c: Counts) => c.created + c.updated + c.deleted + c.unlinked;

const RUN_STATUS_KIND: Record<SyncRun['status'], 'ok' | 'warn' | 'error' | 'off'> = {
  running: 'warn',
  succeeded: 'ok',
  failed: 'error',
  held: 'warn',
  abandoned: 'off',
};

export function runStatus(status: SyncRun['status']): {
  label: string;
  kind: 'ok' | 'warn' | 'error' | 'off';
} {
  return { label: t('run.status', { status }), kind: RUN_STATUS_KIND[status] };
}

export function trigger(name: string): string {
  return t('run.trigger', { trigger: name });
}

/** "3 created, 1 updated" for one direction; empty when nothing changed. */
export function countPhrases(c: Counts): string[] {
  return COUNT_KEYS.filter((k) => c[k] > 0).map((k) => t(COUNT_PHRASES[k], { count: c[k] }));
}

/** A run error in plain words: the catalogue's text for its code, else the server's message. */
export function runErrorText(error: { code: string; message: string }): string {
  const key = `runError.${error.code}`;
  return hasMessage(key) ? t(key) : error.message;
}

/** What a run changed, as a list: "CRM → Exchange: 3 created; 2 conflicts". */
export function runChanges(run: SyncRun): string {
  const parts: string[] = [];
  for (const d of DIRECTIONS) {
    const phrases = countPhrases(run.counts[d.key]);
    if (phrases.length > 0)
      parts.push(t('run.summary.direction', { direction: t(d.label), counts: formatList(phrases) }));
  }
  if (run.conflicts) parts.push(t('run.summary.conflicts', { count: run.conflicts }));
  if (run.skipped.length) parts.push(t('run.summary.skipped', { count: run.skipped.length }));
  return parts.length ? formatList(parts) : t('run.summary.nothing');
}

/** One line about a run's outcome, for the status message after "Sync now". */
export function runSummary(run: SyncRun): string {
  const changes = runChanges(run);
  if (run.status === 'held') return t('run.summary.held', { changes });
  if (run.errors.length > 0)
    return t('run.summary.withErrors', {
      status: run.status,
      error: runErrorText(run.errors[0]),
      more: run.errors.length - 1,
      changes,
    });
  return t('run.summary.done', { status: run.status, changes });
}

const LABELS: Record<string, MessageKey> = {
  givenName: 'field.givenName',
  middleName: 'field.middleName',
  familyName: 'field.familyName',
  displayName: 'field.displayName',
  companyName: 'field.companyName',
  jobTitle: 'field.jobTitle',
  department: 'field.department',
  birthday: 'field.birthday',
  emails: 'field.emails',
  phones: 'field.phones',
  addresses: 'field.addresses',
  website: 'field.website',
  websites: 'field.website',
  categories: 'field.categories',
  notes: 'field.notes',
  namePrefix: 'field.namePrefix',
  nameSuffix: 'field.nameSuffix',
  nickname: 'field.nickname',
  accountId: 'field.account',
};

export function fieldLabel(field: string): string {
  if (LABELS[field]) return t(LABELS[field]);
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
/** The side whose version of the fields edited on both sides was kept. */
export function conflictWinner(c: SyncDashboardConflict): Side {
  if (c.resolution === 'crm_wins') return 'crm';
  if (c.resolution === 'exchange_wins') return 'exchange';
  return policySide(c.policy);
}

export function conflictRows(c: SyncDashboardConflict): ConflictRow[] {
  const crm = c.crm ?? {};
  const exchange = c.exchange ?? {};
  const base = c.base ?? {};
  const keys = [...new Set([...c.fields, ...Object.keys(crm), ...Object.keys(exchange)])];
  const winner = conflictWinner(c);
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
  const fields = formatList(c.fields.map(fieldLabel));
  if (c.crm === null)
    return t('conflict.why.deletedInCrm', { winner: c.resolution === 'exchange_wins' ? 'exchange' : 'crm' });
  if (c.exchange === null)
    return t('conflict.why.deletedInExchange', { winner: c.resolution === 'crm_wins' ? 'crm' : 'exchange' });
  if (c.resolution === 'merged')
    return t('conflict.why.merged', { fields, count: c.fields.length, policy: policySide(c.policy) });
  return t('conflict.why.kept', {
    fields,
    count: c.fields.length,
    winner: c.resolution === 'exchange_wins' ? 'exchange' : 'crm',
  });
}

/** A name for the record a conflict is about: a contact's name, a meeting's or task's subject. */
export function conflictTitle(c: SyncDashboardConflict): string {
  for (const s of [c.crm, c.exchange, c.base]) {
    if (!s) continue;
    if (c.entity !== 'contacts') {
      if (typeof s.subject === 'string' && s.subject) return s.subject;
      continue;
    }
    if (typeof s.displayName === 'string' && s.displayName) return s.displayName;
    const name = [s.givenName, s.familyName].filter((v) => typeof v === 'string' && v).join(' ');
    if (name) return name;
  }
  return t('conflict.aRecord', { entity: c.entity });
}

/** Where the record a conflict is about opens: a contact's page, or a meeting's or task's activity page. */
export function conflictRecordHref(c: SyncDashboardConflict): string | null {
  if (c.recordId === null) return null;
  return c.entity === 'contacts' ? `/contacts/${c.recordId}` : `/activities/${c.recordId}`;
}

/** The values every message about a held run takes. */
export function holdValues(hold: SyncDashboardHold) {
  return {
    entity: hold.entity === 'contacts' ? 'contacts' : 'other',
    count: hold.pendingDeletes,
    crm: hold.deletes.crm,
    exchange: hold.deletes.exchange,
    address: hold.address,
  };
}
