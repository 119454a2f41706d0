// A recurring event as Graph shows it: occurrences and exceptions of the shared expansion, each
// with the id Graph gives it (occurrence ids name the series and the original start).
import { occurrences, occurrencesBetween, overlapsWithInstants } from '@exsync/common/recurrence';
import type { Item, Occurrence, OccurrenceOverride } from '../model.ts';

export interface EventInstance {
  /** The item id (single instance), an occurrence id, or the exception's own id. */
  id: string;
  type: 'singleInstance' | 'occurrence' | 'exception';
  masterId?: string;
  /** UTC instants. */
  originalStart?: string;
  start: string;
  end: string;
  override?: OccurrenceOverride;
}

const DAY_MS = 86_400_000;

/** Occurrence ids: the series id and the occurrence's original start, so they stay stable. */
export function occurrenceId(masterId: string, originalStart: string): string {
  return `${masterId}.${originalStart.replace(/\.\d+/, '').replace(/[-:]/g, '')}`;
}

export function parseOccurrenceId(id: string): { masterId: string; originalStart: string } | undefined {
  const m = /^(.+)\.(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(id);
  if (!m) return undefined;
  return { masterId: m[1], originalStart: `${m[2]}-${m[3]}-${m[4]}T${m[5]}:${m[6]}:${m[7]}.000Z` };
}

function instance(item: Item<'event'>, o: Occurrence): EventInstance {
  const originalStart = new Date(o.originalStart).toISOString();
  return {
    id: o.override ? o.override.id : occurrenceId(item.id, originalStart),
    type: o.override ? 'exception' : 'occurrence',
    masterId: item.id,
    originalStart,
    start: new Date(o.start).toISOString(),
    end: new Date(o.end).toISOString(),
    ...(o.override ? { override: o.override } : {}),
  };
}

/** The instances of an event that overlap [fromMs, toMs). */
export function expandEvent(item: Item<'event'>, fromMs: number, toMs: number): EventInstance[] {
  const d = item.data;
  if (!d.recurrence) {
    return overlapsWithInstants(Date.parse(d.start), Date.parse(d.end), fromMs, toMs)
      ? [{ id: item.id, type: 'singleInstance', start: d.start, end: d.end }]
      : [];
  }
  return occurrencesBetween(d, fromMs, toMs, overlapsWithInstants)
    .map((o) => instance(item, o))
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || (a.id < b.id ? -1 : 1));
}

/** The occurrence (or exception) of a series with this original start, if the pattern has it. */
export function findOccurrence(item: Item<'event'>, originalStart: string): EventInstance | undefined {
  const ms = Date.parse(originalStart);
  if (!item.data.recurrence) return undefined;
  const found = occurrences(item.data, ms + 1, undefined, ms - DAY_MS).find((o) => o.originalStart === ms);
  return found && !found.deleted ? instance(item, found) : undefined;
}

/**
 * Every exception of a series, wherever it lies (Graph's `exceptionOccurrences`): its modified
 * occurrences whose original start the pattern still has and that were not cancelled since.
 */
export function exceptionInstances(item: Item<'event'>): EventInstance[] {
  if (!item.data.recurrence) return [];
  return item.data.modifiedOccurrences
    .map((o) => findOccurrence(item, o.originalStart))
    .filter((i): i is EventInstance => i?.type === 'exception')
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || (a.id < b.id ? -1 : 1));
}
