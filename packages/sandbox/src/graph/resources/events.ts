// Calendars and events: CRUD, transactionId idempotency, occurrence edits, invitations.
import { randomBytes } from 'node:crypto';
import type { EventData, Folder, Item, Mailbox, OccurrenceOverride } from '../../model.ts';
import { PERMISSIONS } from '../auth.ts';
import { itemDelta } from '../delta.ts';
import { staleEtag } from '../errors.ts';
import { eventDataFromGraph, eventPatchFromGraph, eventToGraph } from '../mappers/event.ts';
import { calendarToGraph } from '../mappers/folders.ts';
import { entityResponse, listResponse, noContent } from '../paging.ts';
import type { Route, RouteCall } from '../types.ts';
import { defaultFolder, folderById, ifMatchChangeKey, jsonBody, requireString, viewOf } from './common.ts';
import { calendars, eventsIn, findEvent } from './event-lookup.ts';

const read = PERMISSIONS.calendarsRead;
const write = PERMISSIONS.calendarsWrite;

function calendarOf(call: RouteCall): Folder {
  return call.params.calendarId
    ? folderById(call, call.params.calendarId, 'IPF.Appointment')
    : defaultFolder(call, 'calendar');
}

export const eventJson = (call: RouteCall) => {
  const view = viewOf(call);
  return (item: Item<'event'>) => eventToGraph(item, view);
};

function listEvents(call: RouteCall) {
  const toGraph = eventJson(call);
  return listResponse(
    call,
    eventsIn(call, [calendarOf(call)]).map(toGraph),
    `users('${call.mailbox.id}')/events`,
  );
}

function getEvent(call: RouteCall) {
  const target = findEvent(call, call.params.id, call.params.calendarId ? calendarOf(call).id : undefined);
  return entityResponse(call, eventToGraph(target.item, viewOf(call), target.instance), 'events/$entity');
}

/** The copy of a meeting an attendee's mailbox receives with the invitation. */
function inviteAttendees(call: RouteCall, organizerCopy: Item<'event'>): void {
  const { store } = call.ctx;
  for (const attendee of organizerCopy.data.attendees) {
    const mailbox = store.mailbox(attendee.email.address);
    if (!mailbox || mailbox.id === call.mailbox.id || mailbox.tenantId !== call.mailbox.tenantId) continue;
    const calendar = store.distinguishedFolder(mailbox.id, 'calendar');
    if (!calendar) continue;
    const data: EventData = {
      ...structuredClone(organizerCopy.data),
      isOrganizer: false,
      responseRequested: true,
      transactionId: undefined,
    };
    data.attendees = data.attendees.map((a) =>
      a.email.address.toLowerCase() === mailbox.address ? { ...a, response: 'notResponded' } : a,
    );
    store.createItem(mailbox.id, calendar.id, 'event', data, 'system');
  }
}

/** Marks the attendees' copies of a meeting the organizer deleted as cancelled. */
function cancelAttendeeCopies(call: RouteCall, organizerCopy: Item<'event'>): void {
  const { store } = call.ctx;
  for (const attendee of organizerCopy.data.attendees) {
    const mailbox: Mailbox | undefined = store.mailbox(attendee.email.address);
    if (!mailbox || mailbox.id === call.mailbox.id || mailbox.tenantId !== call.mailbox.tenantId) continue;
    for (const folder of store.folders(mailbox.id)) {
      if (folder.folderClass !== 'IPF.Appointment') continue;
      for (const item of store.items(mailbox.id, folder.id)) {
        if (item.kind === 'event' && item.data.iCalUId === organizerCopy.data.iCalUId) {
          store.updateItem<'event'>(mailbox.id, item.id, { isCancelled: true }, 'system');
        }
      }
    }
  }
}

function createEvent(call: RouteCall) {
  const body = jsonBody(call);
  const calendar = calendarOf(call);
  const toGraph = eventJson(call);
  const transactionId = typeof body.transactionId === 'string' ? body.transactionId : undefined;
  if (transactionId) {
    // A retried create with the same transactionId answers with the event the first one made.
    const existing = eventsIn(call, calendars(call)).find((e) => e.data.transactionId === transactionId);
    if (existing) return entityResponse(call, toGraph(existing), 'events/$entity', 201);
  }
  const data = eventDataFromGraph(body, { address: call.mailbox.address, name: call.mailbox.displayName });
  const item = call.ctx.store.createItem(
    call.mailbox.id,
    calendar.id,
    'event',
    data,
    'graph',
  ) as Item<'event'>;
  if (item.data.attendees.length > 0) inviteAttendees(call, item);
  return entityResponse(call, toGraph(item), 'events/$entity', 201);
}

function newExceptionId(): string {
  return 'AAMkA' + randomBytes(36).toString('base64url');
}

function updateEvent(call: RouteCall) {
  const target = findEvent(call, call.params.id, call.params.calendarId ? calendarOf(call).id : undefined);
  const patch = eventPatchFromGraph(jsonBody(call), target.item.data);
  const { store } = call.ctx;
  if (!target.instance || target.instance.type === 'singleInstance') {
    const updated = store.updateItem<'event'>(
      call.mailbox.id,
      target.item.id,
      patch,
      'graph',
      ifMatchChangeKey(call),
    ) as Item<'event'>;
    return entityResponse(call, eventToGraph(updated, viewOf(call)), 'events/$entity');
  }
  // Editing one occurrence turns it into (or updates) an exception of the series.
  const instance = target.instance;
  const expected = ifMatchChangeKey(call);
  const current = instance.override?.changeKey ?? target.item.changeKey;
  if (expected !== undefined && expected !== current) throw staleEtag();
  const override: OccurrenceOverride = {
    ...(instance.override ?? { id: newExceptionId(), originalStart: instance.originalStart! }),
    changeKey: 'DwAAABYAAAA' + randomBytes(8).toString('base64url'),
  };
  if (patch.subject !== undefined) override.subject = patch.subject;
  if (patch.start !== undefined) override.start = patch.start;
  if (patch.end !== undefined) override.end = patch.end;
  if ('location' in patch) override.location = patch.location;
  if ('body' in patch) override.body = patch.body;
  if (patch.showAs !== undefined) override.showAs = patch.showAs;
  const others = target.item.data.modifiedOccurrences.filter(
    (o) => o.originalStart !== override.originalStart,
  );
  const updated = store.updateItem<'event'>(
    call.mailbox.id,
    target.item.id,
    { modifiedOccurrences: [...others, override] },
    'graph',
  ) as Item<'event'>;
  const fresh = findEvent(call, override.id);
  return entityResponse(call, eventToGraph(updated, viewOf(call), fresh.instance), 'events/$entity');
}

function deleteEvent(call: RouteCall) {
  const target = findEvent(call, call.params.id, call.params.calendarId ? calendarOf(call).id : undefined);
  const { store } = call.ctx;
  if (!target.instance || target.instance.type === 'singleInstance') {
    store.deleteItem(call.mailbox.id, target.item.id, 'moveToDeletedItems', 'graph', ifMatchChangeKey(call));
    if (target.item.data.isOrganizer) cancelAttendeeCopies(call, target.item);
    return noContent();
  }
  const originalStart = target.instance.originalStart!;
  const d = target.item.data;
  store.updateItem<'event'>(
    call.mailbox.id,
    target.item.id,
    {
      deletedOccurrences: [...d.deletedOccurrences, originalStart],
      modifiedOccurrences: d.modifiedOccurrences.filter((o) => o.originalStart !== originalStart),
    },
    'graph',
  );
  return noContent();
}

function createCalendar(call: RouteCall) {
  const name = requireString(jsonBody(call), 'name', 'A calendar');
  const parent = defaultFolder(call, 'calendar');
  const folder = call.ctx.store.createFolder(
    call.mailbox.id,
    { parentId: parent.id, displayName: name, folderClass: 'IPF.Appointment' },
    'graph',
  );
  return entityResponse(call, calendarToGraph(folder, call.mailbox), 'calendars/$entity', 201);
}

const eventDelta = (call: RouteCall) =>
  itemDelta(call, {
    folder: calendarOf(call),
    kind: 'event',
    toGraph: eventJson(call),
    context: 'Collection(event)',
  });

const byIdRoutes = (prefix: string): Route[] => [
  {
    method: 'GET',
    pattern: `${prefix}/{id}`,
    scope: 'mailbox',
    name: 'events.get',
    permissions: read,
    handle: getEvent,
  },
  {
    method: 'PATCH',
    pattern: `${prefix}/{id}`,
    scope: 'mailbox',
    name: 'events.update',
    permissions: write,
    handle: updateEvent,
  },
  {
    method: 'DELETE',
    pattern: `${prefix}/{id}`,
    scope: 'mailbox',
    name: 'events.delete',
    permissions: write,
    handle: deleteEvent,
  },
];

const collectionRoutes = (prefix: string): Route[] => [
  {
    method: 'GET',
    pattern: prefix,
    scope: 'mailbox',
    name: 'events.list',
    permissions: read,
    handle: listEvents,
  },
  {
    method: 'POST',
    pattern: prefix,
    scope: 'mailbox',
    name: 'events.create',
    permissions: write,
    handle: createEvent,
  },
  {
    method: 'GET',
    pattern: `${prefix}/delta`,
    scope: 'mailbox',
    name: 'events.delta',
    permissions: read,
    handle: eventDelta,
  },
  ...byIdRoutes(prefix),
];

export const eventRoutes: Route[] = [
  ...collectionRoutes('events'),
  ...collectionRoutes('calendar/events'),
  ...collectionRoutes('calendars/{calendarId}/events'),
  {
    method: 'GET',
    pattern: 'calendars',
    scope: 'mailbox',
    name: 'calendars.list',
    permissions: read,
    handle: (c) =>
      listResponse(
        c,
        calendars(c).map((f) => calendarToGraph(f, c.mailbox)),
        'calendars',
      ),
  },
  {
    method: 'POST',
    pattern: 'calendars',
    scope: 'mailbox',
    name: 'calendars.create',
    permissions: write,
    handle: createCalendar,
  },
  {
    method: 'GET',
    pattern: 'calendar',
    scope: 'mailbox',
    name: 'calendars.get',
    permissions: read,
    handle: (c) =>
      entityResponse(c, calendarToGraph(defaultFolder(c, 'calendar'), c.mailbox), 'calendars/$entity'),
  },
  {
    method: 'GET',
    pattern: 'calendars/{calendarId}',
    scope: 'mailbox',
    name: 'calendars.get',
    permissions: read,
    handle: (c) => entityResponse(c, calendarToGraph(calendarOf(c), c.mailbox), 'calendars/$entity'),
  },
  {
    method: 'PATCH',
    pattern: 'calendars/{calendarId}',
    scope: 'mailbox',
    name: 'calendars.update',
    permissions: write,
    handle: (c) => {
      const name = requireString(jsonBody(c), 'name', 'A calendar');
      const folder = c.ctx.store.updateFolder(c.mailbox.id, calendarOf(c).id, { displayName: name }, 'graph');
      return entityResponse(c, calendarToGraph(folder, c.mailbox), 'calendars/$entity');
    },
  },
  {
    method: 'DELETE',
    pattern: 'calendars/{calendarId}',
    scope: 'mailbox',
    name: 'calendars.delete',
    permissions: write,
    handle: (c) => {
      c.ctx.store.deleteFolder(c.mailbox.id, calendarOf(c).id, 'graph');
      return noContent();
    },
  },
];
