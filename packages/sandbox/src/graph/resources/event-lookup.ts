// Finding events: series masters and single instances are store items; occurrences and
// exceptions live inside their series and are addressed by derived or stored ids.
import type { Folder, Item } from '../../model.ts';
import { itemNotFound } from '../errors.ts';
import { type EventInstance, findOccurrence, parseOccurrenceId } from '../recurrence.ts';
import type { RouteCall } from '../types.ts';

export interface EventTarget {
  item: Item<'event'>;
  /** Set when the id names an occurrence or exception of `item`. */
  instance?: EventInstance;
}

export function calendars(call: RouteCall): Folder[] {
  return call.ctx.store.folders(call.mailbox.id).filter((f) => f.folderClass === 'IPF.Appointment');
}

export function eventsIn(call: RouteCall, folders: Folder[]): Item<'event'>[] {
  const out: Item<'event'>[] = [];
  for (const f of folders) {
    for (const item of call.ctx.store.items(call.mailbox.id, f.id))
      if (item.kind === 'event') out.push(item as Item<'event'>);
  }
  return out;
}

export function findEvent(call: RouteCall, id: string, calendarId?: string): EventTarget {
  const inCalendar = (item: Item<'event'>) => calendarId === undefined || item.folderId === calendarId;
  const direct = call.ctx.store.item(call.mailbox.id, id);
  if (direct) {
    if (direct.kind !== 'event' || !inCalendar(direct as Item<'event'>)) throw itemNotFound();
    return { item: direct as Item<'event'> };
  }
  const occurrence = parseOccurrenceId(id);
  if (occurrence) {
    const master = call.ctx.store.item(call.mailbox.id, occurrence.masterId);
    if (master?.kind === 'event' && inCalendar(master as Item<'event'>)) {
      const instance = findOccurrence(master as Item<'event'>, occurrence.originalStart);
      if (instance) return { item: master as Item<'event'>, instance };
    }
    throw itemNotFound();
  }
  for (const item of eventsIn(call, calendars(call))) {
    const o = item.data.modifiedOccurrences.find((m) => m.id === id);
    if (o && inCalendar(item)) {
      const instance = findOccurrence(item, o.originalStart);
      if (instance) return { item, instance };
    }
  }
  throw itemNotFound();
}
