// calendarView (occurrences and exceptions expanded in a window), its delta, and a series'
// instances. All of them need startDateTime and endDateTime, as Graph insists.
import type { Folder, Item } from '../../model.ts';
import { PERMISSIONS } from '../auth.ts';
import { deltaPageSize, deltaResponse, positionOf, requestToken } from '../delta.ts';
import { badRequest, itemNotFound, syncStateNotFound } from '../errors.ts';
import type { Json } from '../mappers/common.ts';
import { eventToGraph } from '../mappers/event.ts';
import { listResponse } from '../paging.ts';
import { option } from '../query/options.ts';
import { type EventInstance, expandEvent, occurrenceId } from '../recurrence.ts';
import { parseQueryInstant } from '../time.ts';
import type { Route, RouteCall } from '../types.ts';
import { defaultFolder, folderById, viewOf } from './common.ts';
import { eventsIn, findEvent } from './event-lookup.ts';

export function viewWindow(call: RouteCall): { start: number; end: number } {
  const start = parseQueryInstant(
    option(call.req.query, 'startDateTime') ?? option(call.req.query, 'startdatetime'),
  );
  const end = parseQueryInstant(
    option(call.req.query, 'endDateTime') ?? option(call.req.query, 'enddatetime'),
  );
  if (start === undefined || end === undefined) {
    throw badRequest(
      'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
      'ErrorInvalidParameter',
    );
  }
  if (end < start) throw badRequest('EndDateTime must not be before StartDateTime.', 'ErrorInvalidParameter');
  return { start, end };
}

function viewCalendar(call: RouteCall): Folder {
  return call.params.calendarId
    ? folderById(call, call.params.calendarId, 'IPF.Appointment')
    : defaultFolder(call, 'calendar');
}

interface Expanded {
  item: Item<'event'>;
  instance: EventInstance;
}

function expandAll(items: Item<'event'>[], start: number, end: number): Expanded[] {
  const out: Expanded[] = [];
  for (const item of items)
    for (const instance of expandEvent(item, start, end)) out.push({ item, instance });
  return out.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));
}

const sortKey = (e: Expanded): string => `${e.instance.start}|${e.instance.id}`;

function calendarView(call: RouteCall) {
  const { start, end } = viewWindow(call);
  const view = viewOf(call);
  const entities = expandAll(eventsIn(call, [viewCalendar(call)]), start, end).map((e) =>
    eventToGraph(e.item, view, e.instance),
  );
  return listResponse(call, entities, `users('${call.mailbox.id}')/calendarView`);
}

function instances(call: RouteCall) {
  const { start, end } = viewWindow(call);
  const target = findEvent(call, call.params.id);
  if (target.instance || !target.item.data.recurrence) throw itemNotFound();
  const view = viewOf(call);
  const entities = expandAll([target.item], start, end).map((e) => eventToGraph(e.item, view, e.instance));
  return listResponse(call, entities, `users('${call.mailbox.id}')/events('${target.item.id}')/instances`);
}

/**
 * calendarView/delta on the primary calendar or on one named calendar (each calendar is tracked
 * on its own, as Graph's delta query for events says). The first round lists the window's instances in
 * start order from a snapshot position; later rounds send, for each changed event, its instances
 * in the window, `@removed` for its deleted occurrences, or `@removed` for the event itself
 * when it is gone or has left the window. Like Graph, the view says `"reason": "deleted"` for
 * every event it no longer holds, one moved out of the window (or created or edited outside
 * it) included: the reason does not tell a deletion from a move
 * (microsoftgraph/microsoft-graph-docs-contrib#4258).
 */
export function calendarViewDelta(call: RouteCall) {
  const { store } = call.ctx;
  const calendar = viewCalendar(call);
  const token = requestToken(call);
  const selectText = option(call.req.query, 'select') ?? token?.s ?? undefined;
  const view = viewOf(call);
  const size = deltaPageSize(call);
  let window: { start: number; end: number };
  let head: string | undefined;
  let cursor: string | undefined;
  if (!token) {
    window = viewWindow(call);
    head = store.encodePosition(store.headPosition(call.mailbox.id, calendar.id));
  } else {
    if (!token.v) throw syncStateNotFound();
    window = { start: Date.parse(token.v.start), end: Date.parse(token.v.end) };
    head = token.v.head;
    cursor = token.v.cursor;
  }
  const windowText = { start: new Date(window.start).toISOString(), end: new Date(window.end).toISOString() };
  if (head !== undefined) {
    positionOf(call, head, calendar.id);
    const all = expandAll(eventsIn(call, [calendar]), window.start, window.end).filter(
      (e) => cursor === undefined || sortKey(e) > cursor,
    );
    const page = all.slice(0, size);
    const value = page.map((e) => eventToGraph(e.item, view, e.instance));
    if (all.length > size) {
      return deltaResponse(
        call,
        value,
        'Collection(event)',
        { p: head, s: selectText, v: { ...windowText, head, cursor: sortKey(page[page.length - 1]) } },
        false,
      );
    }
    return deltaResponse(call, value, 'Collection(event)', { p: head, s: selectText, v: windowText }, true);
  }
  const position = positionOf(call, token!.p, calendar.id);
  const page = store.itemChangesSince(position, size);
  const value: Json[] = [];
  for (const change of page.changes) {
    if (change.type === 'delete') {
      value.push({ id: change.itemId, '@removed': { reason: 'deleted' } });
      continue;
    }
    const item = change.type === 'readFlag' ? store.item(call.mailbox.id, change.itemId) : change.item;
    if (item?.kind !== 'event') continue;
    const event = item as Item<'event'>;
    const inWindow = expandEvent(event, window.start, window.end);
    for (const instance of inWindow) value.push(eventToGraph(event, view, instance));
    for (const t of event.data.deletedOccurrences) {
      const ms = Date.parse(t);
      if (ms >= window.start && ms < window.end)
        value.push({
          id: occurrenceId(event.id, new Date(ms).toISOString()),
          '@removed': { reason: 'deleted' },
        });
    }
    if (inWindow.length === 0) value.push({ id: event.id, '@removed': { reason: 'deleted' } });
  }
  return deltaResponse(
    call,
    value,
    'Collection(event)',
    { p: store.encodePosition(page.next), s: selectText, v: windowText },
    page.done,
  );
}

const read = PERMISSIONS.calendarsRead;

export const calendarViewRoutes: Route[] = [
  {
    method: 'GET',
    pattern: 'calendarView',
    scope: 'mailbox',
    name: 'calendarView.list',
    permissions: read,
    handle: calendarView,
  },
  {
    method: 'GET',
    pattern: 'calendar/calendarView',
    scope: 'mailbox',
    name: 'calendarView.list',
    permissions: read,
    handle: calendarView,
  },
  {
    method: 'GET',
    pattern: 'calendars/{calendarId}/calendarView',
    scope: 'mailbox',
    name: 'calendarView.list',
    permissions: read,
    handle: calendarView,
  },
  ...['calendarView/delta', 'calendar/calendarView/delta', 'calendars/{calendarId}/calendarView/delta'].map(
    (pattern): Route => ({
      method: 'GET',
      pattern,
      scope: 'mailbox',
      name: 'calendarView.delta',
      permissions: read,
      handle: calendarViewDelta,
    }),
  ),
  {
    method: 'GET',
    pattern: 'events/{id}/instances',
    scope: 'mailbox',
    name: 'events.instances',
    permissions: read,
    handle: instances,
  },
  {
    method: 'GET',
    pattern: 'calendar/events/{id}/instances',
    scope: 'mailbox',
    name: 'events.instances',
    permissions: read,
    handle: instances,
  },
];
