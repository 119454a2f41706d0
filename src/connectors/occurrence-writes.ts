// Which occurrences of a series an update writes, and how, on either protocol: each modified or
// deleted occurrence that differs from what the server holds is written on the occurrence itself
// (EWS UpdateItem/DeleteItem of the occurrence, Graph PATCH/DELETE of the instance), never by
// sending the series' pattern again, which would drop the series' other exceptions.
import { occurrences } from '@exsync/common/recurrence';
import { utcToZoned, zonedToUtc } from '@exsync/common/time';
import { type ConnectorError, isConnectorError } from './errors.ts';
import type { CreatedItem, FolderRef, ItemVersion, NeutralEvent, OccurrenceChange } from './types.ts';

export type OccurrenceField = 'subject' | 'body' | 'location' | 'times' | 'showAs' | 'reminder';

export type OccurrenceWrite =
  | {
      kind: 'update';
      originalStart: string;
      id?: string;
      change: OccurrenceChange;
      fields: OccurrenceField[];
    }
  | { kind: 'delete'; originalStart: string; id?: string };

const ms = (instant: string) => Date.parse(instant);
const utcOf = (z: { dateTime: string; timeZone: string } | undefined) =>
  z ? zonedToUtc(z.dateTime, z.timeZone) : undefined;

/**
 * The fields `next` writes over `before`. Show-as and reminder are written only when `next` has
 * them (undefined: a protocol that does not carry them, src/sync/activities/occurrences.ts).
 */
function differing(next: OccurrenceChange, before: OccurrenceChange | undefined): OccurrenceField[] {
  const out: OccurrenceField[] = [];
  if (!before) out.push('subject', 'body', 'location', 'times');
  else {
    if ((next.subject ?? '') !== (before.subject ?? '')) out.push('subject');
    if (JSON.stringify(next.body ?? null) !== JSON.stringify(before.body ?? null)) out.push('body');
    if ((next.location ?? '') !== (before.location ?? '')) out.push('location');
    if (utcOf(next.start) !== utcOf(before.start) || utcOf(next.end) !== utcOf(before.end)) out.push('times');
  }
  if (next.showAs !== undefined && next.showAs !== before?.showAs) out.push('showAs');
  if (next.reminderMinutes !== undefined && next.reminderMinutes !== before?.reminderMinutes)
    out.push('reminder');
  return out;
}

/**
 * The occurrence writes that turn `previous` (what the server holds) into `item`. After a write
 * of the pattern (`patternSent`) the server holds no exceptions at all: every one is written
 * again. A deleted occurrence cannot come back without the pattern being sent: it is left.
 */
export function occurrenceWrites(
  item: NeutralEvent,
  previous: NeutralEvent | undefined,
  patternSent: boolean,
): OccurrenceWrite[] {
  if (item.type !== 'seriesMaster' || !item.recurrence) return [];
  const held = patternSent ? undefined : previous;
  const heldChanges = new Map((held?.modifiedOccurrences ?? []).map((o) => [ms(o.originalStart), o]));
  const heldDeleted = new Set((held?.deletedOccurrences ?? []).map(ms));
  const deleted = new Set((item.deletedOccurrences ?? []).map(ms));
  const changes = new Map((item.modifiedOccurrences ?? []).map((o) => [ms(o.originalStart), o]));
  const idOf = (o: OccurrenceChange | undefined) => (patternSent ? undefined : o?.id);
  const writes: OccurrenceWrite[] = [];
  for (const d of item.deletedOccurrences ?? []) {
    if (heldDeleted.has(ms(d))) continue;
    const id = idOf(heldChanges.get(ms(d)));
    writes.push({ kind: 'delete', originalStart: d, ...(id ? { id } : {}) });
  }
  for (const [at, change] of changes) {
    if (deleted.has(at) || heldDeleted.has(at)) continue;
    const before = heldChanges.get(at);
    const fields = differing(change, before);
    const id = idOf(change) ?? idOf(before);
    if (fields.length > 0)
      writes.push({
        kind: 'update',
        originalStart: change.originalStart,
        change,
        fields,
        ...(id ? { id } : {}),
      });
  }
  // An exception the item no longer has goes back to what the series gives it.
  for (const [at, before] of heldChanges) {
    if (changes.has(at) || deleted.has(at)) continue;
    const length = ms(utcOf(item.end)!) - ms(utcOf(item.start)!);
    const start = new Date(at).toISOString().replace('.000Z', 'Z');
    const zone = item.start.timeZone;
    const change: OccurrenceChange = {
      originalStart: before.originalStart,
      subject: item.subject,
      start: { dateTime: utcToZoned(start, zone), timeZone: zone },
      end: { dateTime: utcToZoned(new Date(at + length).toISOString(), zone), timeZone: zone },
      ...(item.location ? { location: item.location } : {}),
      ...(item.body ? { body: item.body } : {}),
      // The series' show-as and reminder, where the protocol read the occurrence's own.
      ...(before.showAs !== undefined ? { showAs: item.showAs } : {}),
      ...(before.reminderMinutes !== undefined ? { reminderMinutes: item.reminderMinutes ?? null } : {}),
    };
    writes.push({
      kind: 'update',
      originalStart: before.originalStart,
      change,
      fields: differing(change, before),
      ...(before.id ? { id: before.id } : {}),
    });
  }
  return writes;
}

/**
 * EWS's InstanceIndex of an occurrence: its 1-based place in the series, deleted occurrences
 * counted, as the series stands after the write (`item`).
 */
export function instanceIndex(item: NeutralEvent, originalStart: string): number | undefined {
  if (!item.recurrence) return undefined;
  const at = ms(originalStart);
  const found = occurrences(
    {
      start: utcOf(item.start)!,
      end: utcOf(item.end)!,
      startTimeZone: item.start.timeZone,
      recurrence: item.recurrence,
      modifiedOccurrences: [],
      deletedOccurrences: [],
    },
    at + 1,
    undefined,
    at - 1,
  ).find((o) => o.originalStart === at);
  return found?.index;
}

/** A series and the occurrence writes it needs. */
export interface SeriesWrites {
  /** The series' (master's) id. */
  id: string;
  series: NeutralEvent;
  writes: OccurrenceWrite[];
}

/**
 * New series' modified and deleted occurrences, written once the series exist, all together by
 * `write`, which answers for each series it is given, in order, its version after them or why
 * they failed (a series' failure is its own: the others' writes go on). A series is made whatever
 * happens to its occurrences: their failure is its `unwritten`, not the create's. `created` is
 * one entry per item, undefined for one not created; so is the answer.
 */
export async function withOccurrences(
  folder: FolderRef,
  items: unknown[],
  created: Array<CreatedItem | undefined>,
  write: (series: SeriesWrites[]) => Promise<Array<ItemVersion | ConnectorError>>,
): Promise<Array<CreatedItem | undefined>> {
  const out: Array<CreatedItem | undefined> = [...created];
  if (folder.kind !== 'calendar') return out;
  const at: number[] = [];
  const series: SeriesWrites[] = [];
  created.forEach((c, k) => {
    if (!c) return;
    const writes = occurrenceWrites(items[k] as NeutralEvent, undefined, true);
    if (writes.length === 0) return;
    at.push(k);
    series.push({ id: c.id, series: items[k] as NeutralEvent, writes });
  });
  if (series.length === 0) return out;
  let answers: Array<ItemVersion | ConnectorError>;
  try {
    answers = await write(series);
  } catch (error) {
    if (!isConnectorError(error)) throw error;
    answers = series.map(() => error);
  }
  at.forEach((k, i) => {
    const answer = answers[i];
    // What the create's answer told (the global id) stays; the version is the latest.
    out[k] = isConnectorError(answer) ? { ...created[k]!, unwritten: answer } : { ...created[k]!, ...answer };
  });
  return out;
}
