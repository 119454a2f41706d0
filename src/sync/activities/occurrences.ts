// Modified and deleted occurrences of a series as their own snapshot fields (C6). Each one is a
// field `occurrence:<original start>` of the series' snapshot, apart from the series' fields, so
// the engine's field-level diff and field merge take each occurrence as a unit: an occurrence
// edited in the CRM and another edited in Exchange both survive, and a changed occurrence is
// written to Exchange alone (the connectors write it on the occurrence, never by sending the
// pattern again, which would drop the series' other exceptions). docs/decisions.md has why.
//
// The original start names the occurrence as RECURRENCE-ID does: a UTC instant
// (`2025-03-04T09:00:00Z`) for a timed series, the date (`2025-03-04`) for an all-day one, whose
// occurrences are days. A unit holds where the occurrence lies (start, end: instants, or dates
// with an exclusive end for all-day) and the subject, location, body, free/busy status (showAs,
// in the CRM's words) and reminder (minutes before its start, null for none) it has of its own
// (only when they differ from the series'); a deleted occurrence is `{ deleted: true }`. An
// "exception" that changes nothing is no unit, on either side. Its attendees are not synced: on
// Graph, writing an occurrence's attendees mails them.
import { utcToZoned, zonedToEpochMs } from '@exsync/common/time';
import type { ItemBody, NeutralEvent, OccurrenceChange, ZonedDateTime } from '../../connectors/types.ts';
import type { Activity } from '../../crm/activities.ts';
import type { Recurrence } from '../../crm/recurrence.ts';
import { sameValue } from '../snapshot.ts';
import type { Snapshot } from '../types.ts';
import { addDays } from './recurrence.ts';
import { SHOW_AS_CRM, SHOW_AS_ITEM } from './show-as.ts';

export const OCCURRENCE_PREFIX = 'occurrence:';

type CrmShowAs = Activity['showAs'];

export interface OccurrenceUnit {
  deleted?: true;
  start?: string;
  end?: string;
  subject?: string;
  location?: string;
  body?: { type: 'text' | 'html'; content: string };
  showAs?: CrmShowAs;
  /** Minutes before the occurrence's start; null: none, where the series has one. */
  reminderMinutes?: number | null;
}

export const isOccurrenceField = (field: string) => field.startsWith(OCCURRENCE_PREFIX);

export interface OccurrenceWindow {
  start: string;
  end: string;
}

/** The fields whose occurrence lies in the window the mailbox reads (all, without one). */
function within(fields: Snapshot, window: OccurrenceWindow | undefined): Snapshot {
  if (!window) return fields;
  const from = Date.parse(window.start);
  const to = Date.parse(window.end);
  return Object.fromEntries(
    Object.entries(fields).filter(([field]) => {
      const key = field.slice(OCCURRENCE_PREFIX.length);
      const at = Date.parse(/T/.test(key) ? key : `${key}T00:00:00Z`);
      return at >= from && at < to;
    }),
  );
}

const utcKey = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** What the series gives every occurrence: its own fields and its length. */
interface SeriesValues {
  allDay: boolean;
  subject: string;
  location: string | null;
  body: { type: 'text' | 'html'; content: string } | null;
  showAs: CrmShowAs;
  reminderMinutes: number | null;
  /** ms for a timed series, days for an all-day one. */
  length: number;
}

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** The plain occurrence at `key`: where the pattern puts it. */
function plainTimes(key: string, series: SeriesValues): { start: string; end: string } {
  if (series.allDay) return { start: key, end: addDays(key, Math.max(1, series.length)) };
  const ms = Date.parse(key);
  return { start: iso(ms), end: iso(ms + series.length) };
}

/** The unit of a modified occurrence, or undefined when it changes nothing. */
function unitOf(
  key: string,
  series: SeriesValues,
  values: {
    start?: string;
    end?: string;
    subject?: string | null;
    location?: string | null;
    body?: SeriesValues['body'];
    /** Undefined: not carried by this side (the unit then has none). */
    showAs?: CrmShowAs;
    reminderMinutes?: number | null;
  },
): OccurrenceUnit | undefined {
  const plain = plainTimes(key, series);
  const start = values.start ?? plain.start;
  let end = values.end;
  if (end === undefined)
    end = series.allDay ? addDays(start, Math.max(1, series.length)) : iso(Date.parse(start) + series.length);
  const unit: OccurrenceUnit = { start, end };
  if (values.subject && values.subject !== series.subject) unit.subject = values.subject;
  if (values.location && values.location !== series.location) unit.location = values.location;
  if (values.body?.content && !sameValue(values.body, series.body)) unit.body = values.body;
  if (values.showAs !== undefined && values.showAs !== series.showAs) unit.showAs = values.showAs;
  if (values.reminderMinutes !== undefined && values.reminderMinutes !== series.reminderMinutes)
    unit.reminderMinutes = values.reminderMinutes;
  const changesNothing =
    start === plain.start &&
    end === plain.end &&
    !unit.subject &&
    !unit.location &&
    !unit.body &&
    unit.showAs === undefined &&
    unit.reminderMinutes === undefined;
  return changesNothing ? undefined : unit;
}

// ---------- CRM → snapshot ----------

/** The key of a CRM original start: an instant, or for an all-day series its (UTC) date. */
export function crmOccurrenceKey(originalStart: string, allDay: boolean): string {
  if (allDay) return /T/.test(originalStart) ? iso(Date.parse(originalStart)).slice(0, 10) : originalStart;
  return utcKey(Date.parse(originalStart));
}

/** The occurrence fields of an activity's series (none for a single activity). */
export function activityOccurrenceFields(
  activity: Activity,
  times: { start: string; end: string },
  window?: OccurrenceWindow,
): Snapshot {
  const recurrence = activity.recurrence;
  if (!recurrence) return {};
  const allDay = activity.allDay;
  const series: SeriesValues = {
    allDay,
    subject: activity.subject,
    location: activity.location || null,
    body: activity.body ? { type: activity.bodyType, content: activity.body } : null,
    showAs: activity.showAs,
    reminderMinutes: activity.reminderMinutes,
    length: allDay ? daysBetween(times.start, times.end) : Date.parse(times.end) - Date.parse(times.start),
  };
  const at = (instant: string | undefined) =>
    instant === undefined
      ? undefined
      : allDay
        ? iso(Date.parse(instant)).slice(0, 10)
        : iso(Date.parse(instant));
  const out: Snapshot = {};
  for (const e of recurrence.exceptions ?? []) {
    const key = crmOccurrenceKey(e.originalStart, allDay);
    const unit = unitOf(key, series, {
      start: at(e.startsAt),
      end: at(e.endsAt),
      subject: e.subject,
      location: e.location,
      body: e.body ? { type: activity.bodyType, content: e.body } : null,
      showAs: e.showAs,
      reminderMinutes: e.reminderMinutes,
    });
    if (unit) out[OCCURRENCE_PREFIX + key] = unit;
  }
  for (const d of recurrence.deletedOccurrences ?? [])
    out[OCCURRENCE_PREFIX + crmOccurrenceKey(d, allDay)] = { deleted: true };
  return within(out, window);
}

// ---------- item → snapshot ----------

const bodyOf = (b: ItemBody | undefined) => (b?.content ? { type: b.contentType, content: b.content } : null);

/** The key of an Exchange original start (a UTC instant): the instant, or the series' local date. */
function itemKey(originalStart: string, event: NeutralEvent): string {
  const ms = Date.parse(originalStart);
  return event.isAllDay ? utcToZoned(ms, event.start.timeZone).slice(0, 10) : utcKey(ms);
}

/**
 * The occurrence fields of a series master read from Exchange. An occurrence's show-as or
 * reminder the read did not bring (undefined) is none of its own.
 */
export function itemOccurrenceFields(
  event: NeutralEvent,
  times: { start: string; end: string },
  window?: OccurrenceWindow,
): Snapshot {
  if (event.type !== 'seriesMaster' || !event.recurrence) return {};
  const allDay = event.isAllDay;
  const series: SeriesValues = {
    allDay,
    subject: event.subject,
    location: event.location || null,
    body: bodyOf(event.body),
    showAs: SHOW_AS_CRM[event.showAs],
    reminderMinutes: event.reminderMinutes ?? null,
    length: allDay ? daysBetween(times.start, times.end) : Date.parse(times.end) - Date.parse(times.start),
  };
  const at = (z: ZonedDateTime | undefined) =>
    z === undefined
      ? undefined
      : allDay
        ? z.dateTime.slice(0, 10)
        : iso(zonedToEpochMs(z.dateTime, z.timeZone));
  const out: Snapshot = {};
  for (const o of event.modifiedOccurrences ?? []) {
    const key = itemKey(o.originalStart, event);
    const unit = unitOf(key, series, {
      start: at(o.start),
      end: at(o.end),
      subject: o.subject,
      location: o.location,
      body: bodyOf(o.body),
      showAs: o.showAs && SHOW_AS_CRM[o.showAs],
      reminderMinutes: o.reminderMinutes,
    });
    if (unit) out[OCCURRENCE_PREFIX + key] = unit;
  }
  for (const d of event.deletedOccurrences ?? [])
    out[OCCURRENCE_PREFIX + itemKey(d, event)] = { deleted: true };
  return within(out, window);
}

/**
 * The series' occurrences a snapshot holds cancelled, each field with the occurrence named in
 * plain words by its date in the series' zone ("the occurrence on 12 March 2027"). Exchange
 * brings a cancelled occurrence back only by sending the pattern again, which drops every other
 * exception, so no write from the CRM can (docs/mapping.md, Occurrences).
 */
export function cancelledOccurrences(s: Snapshot): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, value] of Object.entries(s)) {
    if (!isOccurrenceField(field) || !(value as OccurrenceUnit | null)?.deleted) continue;
    const key = field.slice(OCCURRENCE_PREFIX.length);
    const timed = /T/.test(key);
    const zone = timed && typeof s.timeZone === 'string' ? s.timeZone : 'UTC';
    const at = new Date(timed ? key : `${key}T00:00:00Z`);
    let day: string;
    try {
      day = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: zone }).format(at);
    } catch {
      day = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(at);
    }
    out[field] = `the occurrence on ${day}`;
  }
  return out;
}

// ---------- snapshot → item ----------

/**
 * The series' modified and deleted occurrences for the item, each with the values it has on
 * Exchange (the series' subject, location, body, show-as and reminder where it has none of its
 * own); ids of the exceptions Exchange already holds come from `current`.
 */
export function occurrencesOfSnapshot(
  s: Snapshot,
  zone: string,
  current?: NeutralEvent,
): Pick<NeutralEvent, 'modifiedOccurrences' | 'deletedOccurrences'> {
  const allDay = s.allDay === true;
  const modified: OccurrenceChange[] = [];
  const deleted: string[] = [];
  const originalOf = (key: string) => (allDay ? zonedToEpochMs(`${key}T00:00:00`, zone) : Date.parse(key));
  const zoned = (v: string): ZonedDateTime =>
    allDay
      ? { dateTime: `${v}T00:00:00`, timeZone: zone }
      : { dateTime: utcToZoned(v, zone), timeZone: zone };
  const ids = new Map((current?.modifiedOccurrences ?? []).map((o) => [Date.parse(o.originalStart), o.id]));
  for (const [field, value] of Object.entries(s)) {
    if (!isOccurrenceField(field) || !value) continue;
    const unit = value as OccurrenceUnit;
    const ms = originalOf(field.slice(OCCURRENCE_PREFIX.length));
    if (unit.deleted) {
      deleted.push(utcKey(ms));
      continue;
    }
    const body = unit.body ?? (s.body as OccurrenceUnit['body'] | null);
    const change: OccurrenceChange = {
      originalStart: utcKey(ms),
      subject: unit.subject ?? (s.subject as string),
      start: zoned(unit.start!),
      end: zoned(unit.end!),
    };
    const id = ids.get(ms);
    if (id) change.id = id;
    const location = unit.location ?? (s.location as string | null);
    if (location) change.location = location;
    if (body) change.body = { contentType: body.type, content: body.content };
    change.showAs = SHOW_AS_ITEM[unit.showAs ?? (s.showAs as CrmShowAs)] ?? 'busy';
    change.reminderMinutes =
      unit.reminderMinutes !== undefined
        ? unit.reminderMinutes
        : ((s.reminderMinutes as number | null) ?? null);
    modified.push(change);
  }
  const byStart = (a: string, b: string) => Date.parse(a) - Date.parse(b);
  modified.sort((a, b) => byStart(a.originalStart, b.originalStart));
  deleted.sort(byStart);
  return { modifiedOccurrences: modified, deletedOccurrences: deleted };
}

// ---------- snapshot → CRM ----------

/**
 * The CRM recurrence with the changed occurrence fields written over `recurrence`'s exceptions
 * and deleted occurrences; a field without a value takes the occurrence back to the series.
 */
export function recurrenceWithOccurrences(
  recurrence: Recurrence,
  changed: Snapshot,
  allDay: boolean,
): Recurrence {
  const exceptions = [...(recurrence.exceptions ?? [])];
  const deletedOccurrences = [...(recurrence.deletedOccurrences ?? [])];
  const instant = (v: string) => (allDay ? `${v}T00:00:00.000Z` : iso(Date.parse(v)));
  for (const [field, value] of Object.entries(changed)) {
    if (!isOccurrenceField(field)) continue;
    const key = field.slice(OCCURRENCE_PREFIX.length);
    const same = (originalStart: string) => crmOccurrenceKey(originalStart, allDay) === key;
    for (let i = exceptions.length - 1; i >= 0; i--)
      if (same(exceptions[i].originalStart)) exceptions.splice(i, 1);
    for (let i = deletedOccurrences.length - 1; i >= 0; i--)
      if (same(deletedOccurrences[i])) deletedOccurrences.splice(i, 1);
    const unit = value as OccurrenceUnit | null | undefined;
    if (!unit) continue;
    const originalStart = allDay ? key : iso(Date.parse(key));
    if (unit.deleted) {
      deletedOccurrences.push(originalStart);
      continue;
    }
    exceptions.push({
      originalStart,
      ...(unit.start ? { startsAt: instant(unit.start) } : {}),
      ...(unit.end ? { endsAt: instant(unit.end) } : {}),
      ...(unit.subject ? { subject: unit.subject } : {}),
      ...(unit.location ? { location: unit.location } : {}),
      ...(unit.body ? { body: unit.body.content } : {}),
      ...(unit.showAs ? { showAs: unit.showAs } : {}),
      ...(unit.reminderMinutes !== undefined ? { reminderMinutes: unit.reminderMinutes } : {}),
    });
  }
  const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  exceptions.sort((a, b) => order(a.originalStart, b.originalStart));
  deletedOccurrences.sort(order);
  return { ...recurrence, exceptions, deletedOccurrences };
}
