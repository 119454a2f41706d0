// Calendars and events: CRUD, transactionId idempotency, occurrence edits, invitations.
import { randomBytes } from 'node:crypto';
import {
  attendeeChanges,
  type MeetingResponse,
  MeetingResponseError,
  respondToMeeting,
  sendMeetingCancellations,
  sendMeetingRequests,
  sendOccurrenceCancellations,
  updateKind,
} from '../../calendar/meetings.ts';
import type { EventData, Folder, Item, OccurrenceOverride } from '../../model.ts';
import { PERMISSIONS } from '../auth.ts';
import { badRequest, staleEtag } from '../errors.ts';
import type { Json } from '../mappers/common.ts';
import {
  cancelledOccurrences,
  eventDataFromGraph,
  eventPatchFromGraph,
  eventToGraph,
} from '../mappers/event.ts';
import { calendarToGraph } from '../mappers/folders.ts';
import { entityResponse, listResponse, noContent } from '../paging.ts';
import { applySelect, nestedSelect, option, parseExpand, parseQueryOptions } from '../query/options.ts';
import { exceptionInstances } from '../recurrence.ts';
import type { Route, RouteCall } from '../types.ts';
import { calendarViewDelta } from './calendar-view.ts';
import {
  defaultFolder,
  folderById,
  ifMatchChangeKey,
  jsonBody,
  requireString,
  type ViewOptions,
  viewOf,
} from './common.ts';
import { calendars, type EventTarget, eventsIn, findEvent } from './event-lookup.ts';

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
  const view = viewOf(call);
  return entityResponse(
    call,
    { ...eventToGraph(target.item, view, target.instance), ...seriesDetails(call, target, view) },
    'events/$entity',
  );
}

/**
 * What Graph v1.0 returns only in a GET of one event by its id: `cancelledOccurrences` when
 * `$select` names it, and `exceptionOccurrences` (the series' exceptions as events of type
 * `exception`, wherever they lie: no window) when `$expand` names it and `$select`, if any, does
 * too. Both are empty for an event that is not a series master. The top-level `$select` applies
 * to the exceptions as well as to the master (id always kept), as Graph's "expand a series
 * master" example shows; a `$select` nested in the expansion (`exceptionOccurrences($select=…)`)
 * chooses their properties instead.
 */
function seriesDetails(call: RouteCall, target: EventTarget, view: ViewOptions): Json {
  const opts = parseQueryOptions(call.req.query);
  const selected = (name: string) => opts.select?.some((s) => s.toLowerCase() === name.toLowerCase());
  const master = !target.instance && target.item.data.recurrence ? target.item : undefined;
  const out: Json = {};
  if (selected('cancelledOccurrences')) out.cancelledOccurrences = master ? cancelledOccurrences(master) : [];
  const expand = parseExpand(option(call.req.query, 'expand')).find(
    (e) => e.name.toLowerCase() === 'exceptionoccurrences',
  );
  if (expand && (!opts.select || selected('exceptionOccurrences'))) {
    const select = nestedSelect(expand.options) ?? opts.select;
    out.exceptionOccurrences = master
      ? exceptionInstances(master).map((instance) =>
          applySelect(eventToGraph(master, view, instance), select),
        )
      : [];
  }
  return out;
}

// Graph has no switch against meeting messages: creating an event with attendees invites them,
// and changing a meeting the mailbox organizes sends the change (Outlook's "Send update"),
// each saved in Sent Items as Outlook saves what it sends.
const SEND = { saveCopy: true, actor: 'graph' as const };

/** Fields of a meeting that attendees see; changing only others (reminder, categories) sends nothing. */
const SHARED_FIELDS: ReadonlyArray<keyof EventData> = [
  'subject',
  'body',
  'start',
  'end',
  'startTimeZone',
  'endTimeZone',
  'isAllDay',
  'location',
  'attendees',
  'recurrence',
  'importance',
  'sensitivity',
  'responseRequested',
  'modifiedOccurrences',
  'deletedOccurrences',
];

function sharedFieldsChanged(before: EventData, after: EventData): boolean {
  return SHARED_FIELDS.some((f) => JSON.stringify(before[f] ?? null) !== JSON.stringify(after[f] ?? null));
}

/** Whether the organizer's change goes out to attendees (as it always does on Graph when it can). */
function sendsUpdate(before: EventData, after: EventData): boolean {
  const attendees = before.attendees.length + after.attendees.length;
  return after.isOrganizer && attendees > 0 && sharedFieldsChanged(before, after);
}

/** After an organizer's change: requests to added attendees, cancellations to removed ones, updates to the rest. */
function notifyAttendees(call: RouteCall, before: EventData, after: EventData): void {
  if (!sendsUpdate(before, after)) return;
  const { added, removed, kept } = attendeeChanges(before.attendees, after.attendees);
  sendMeetingRequests(call.ctx, call.mailbox, after, added, 'newMeetingRequest', SEND);
  sendMeetingCancellations(call.ctx, call.mailbox, after, removed, SEND);
  sendMeetingRequests(call.ctx, call.mailbox, after, kept, updateKind(before, after), SEND);
}

function createEvent(call: RouteCall) {
  const body = jsonBody(call);
  const calendar = calendarOf(call);
  const toGraph = eventJson(call);
  const transactionId = typeof body.transactionId === 'string' ? body.transactionId : undefined;
  if (transactionId) {
    // A retried create with the same transactionId answers with the event the first one made.
    // Searched without copying every event: a copy per event made each create cost the whole
    // mailbox, and a large import's creates grow quadratically slower.
    const calendarIds = new Set(calendars(call).map((f) => f.id));
    const existing = call.ctx.store.findItem(
      call.mailbox.id,
      (i) => i.kind === 'event' && calendarIds.has(i.folderId) && i.data.transactionId === transactionId,
    ) as Item<'event'> | undefined;
    if (existing) return entityResponse(call, toGraph(existing), 'events/$entity', 201);
  }
  const data = eventDataFromGraph(body, { address: call.mailbox.address, name: call.mailbox.displayName });
  // Graph sends the invitations of every event with attendees.
  data.meetingRequestWasSent = data.attendees.length > 0;
  const item = call.ctx.store.createItem(
    call.mailbox.id,
    calendar.id,
    'event',
    data,
    'graph',
  ) as Item<'event'>;
  sendMeetingRequests(call.ctx, call.mailbox, item.data, item.data.attendees, 'newMeetingRequest', SEND);
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
    // A recurrence written to a series rebuilds it: its exceptions and cancelled occurrences go.
    if ('recurrence' in patch) Object.assign(patch, { modifiedOccurrences: [], deletedOccurrences: [] });
    if (sendsUpdate(target.item.data, { ...target.item.data, ...patch })) patch.meetingRequestWasSent = true;
    const updated = store.updateItem<'event'>(
      call.mailbox.id,
      target.item.id,
      patch,
      'graph',
      ifMatchChangeKey(call),
    ) as Item<'event'>;
    notifyAttendees(call, target.item.data, updated.data);
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
  if (patch.isReminderOn !== undefined) override.isReminderOn = patch.isReminderOn;
  if (patch.reminderMinutesBeforeStart !== undefined)
    override.reminderMinutesBeforeStart = patch.reminderMinutesBeforeStart;
  const others = target.item.data.modifiedOccurrences.filter(
    (o) => o.originalStart !== override.originalStart,
  );
  const updated = store.updateItem<'event'>(
    call.mailbox.id,
    target.item.id,
    { modifiedOccurrences: [...others, override] },
    'graph',
  ) as Item<'event'>;
  notifyAttendees(call, target.item.data, updated.data);
  const fresh = findEvent(call, override.id);
  return entityResponse(call, eventToGraph(updated, viewOf(call), fresh.instance), 'events/$entity');
}

function deleteEvent(call: RouteCall) {
  const target = findEvent(call, call.params.id, call.params.calendarId ? calendarOf(call).id : undefined);
  const { store } = call.ctx;
  if (!target.instance || target.instance.type === 'singleInstance') {
    store.deleteItem(call.mailbox.id, target.item.id, 'moveToDeletedItems', 'graph', ifMatchChangeKey(call));
    // Deleting a meeting from the organizer's calendar cancels it for the attendees.
    if (target.item.data.isOrganizer)
      sendMeetingCancellations(call.ctx, call.mailbox, target.item.data, target.item.data.attendees, SEND);
    return noContent();
  }
  const originalStart = target.instance.originalStart!;
  const d = target.item.data;
  if (d.isOrganizer) {
    sendOccurrenceCancellations(
      call.ctx,
      call.mailbox,
      d,
      { originalStart, start: target.instance.start, end: target.instance.end },
      SEND,
    );
  }
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

const ACTION_KEYS = new Set(['comment', 'sendResponse', 'proposedNewTime']);

/** The optional body of accept, tentativelyAccept, decline and cancel. */
function actionBody(call: RouteCall): { comment?: string; sendResponse: boolean } {
  const body = call.req.body === undefined || call.req.body === null ? {} : jsonBody(call);
  for (const key of Object.keys(body)) {
    if (!ACTION_KEYS.has(key))
      throw badRequest(
        `The parameter '${key}' is not expected by this action; send comment and sendResponse only.`,
      );
  }
  if (body.comment !== undefined && body.comment !== null && typeof body.comment !== 'string')
    throw badRequest("The parameter 'comment' must be a string.", 'ErrorInvalidParameter');
  if (body.sendResponse !== undefined && typeof body.sendResponse !== 'boolean')
    throw badRequest("The parameter 'sendResponse' must be true or false.", 'ErrorInvalidParameter');
  return { comment: body.comment ?? undefined, sendResponse: body.sendResponse !== false };
}

/** POST /events/{id}/accept | tentativelyAccept | decline: the attendee answers the organizer. */
const respond = (response: MeetingResponse) => (call: RouteCall) => {
  const target = findEvent(call, call.params.id, call.params.calendarId ? calendarOf(call).id : undefined);
  const { comment, sendResponse } = actionBody(call);
  try {
    respondToMeeting(call.ctx, call.mailbox, target.item, response, {
      disposition: sendResponse ? 'sendAndSaveCopy' : 'none',
      comment: comment ? { contentType: 'text', content: comment } : undefined,
      actor: 'graph',
    });
  } catch (error) {
    if (error instanceof MeetingResponseError) throw badRequest(error.message, 'ErrorInvalidRequest');
    throw error;
  }
  return { status: 202, headers: {} };
};

/** POST /events/{id}/cancel: the organizer cancels the meeting; the event leaves the calendar. */
function cancelEvent(call: RouteCall) {
  const target = findEvent(call, call.params.id, call.params.calendarId ? calendarOf(call).id : undefined);
  const { comment } = actionBody(call);
  const d = target.item.data;
  if (!d.isOrganizer) {
    throw badRequest(
      'Your request cannot be completed: only the organizer can cancel a meeting. An attendee declines it instead.',
      'ErrorAccessDenied',
    );
  }
  const body = comment ? { contentType: 'text' as const, content: comment } : d.body;
  const { store } = call.ctx;
  if (target.instance && target.instance.type !== 'singleInstance') {
    const originalStart = target.instance.originalStart!;
    store.updateItem<'event'>(
      call.mailbox.id,
      target.item.id,
      {
        deletedOccurrences: [...d.deletedOccurrences, originalStart],
        modifiedOccurrences: d.modifiedOccurrences.filter((o) => o.originalStart !== originalStart),
      },
      'graph',
    );
    sendOccurrenceCancellations(
      call.ctx,
      call.mailbox,
      { ...d, body },
      { originalStart, start: target.instance.start, end: target.instance.end },
      SEND,
    );
    return { status: 202, headers: {} };
  }
  store.deleteItem(call.mailbox.id, target.item.id, 'moveToDeletedItems', 'graph');
  sendMeetingCancellations(call.ctx, call.mailbox, { ...d, body }, d.attendees, SEND);
  return { status: 202, headers: {} };
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

/**
 * events/delta on v1.0. Graph v1.0 tracks events only in a calendar view: without a window the
 * request is refused as calendarView/delta refuses it, and with one it is that calendar's view.
 * The unwindowed delta over a whole calendar exists on beta only, which the sandbox does not serve.
 */
const eventDelta = (call: RouteCall) => calendarViewDelta(call);

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
  ...(
    [
      ['accept', respond('accepted')],
      ['tentativelyAccept', respond('tentativelyAccepted')],
      ['decline', respond('declined')],
      ['cancel', cancelEvent],
    ] as const
  ).map(
    ([action, handle]): Route => ({
      method: 'POST',
      pattern: `${prefix}/{id}/${action}`,
      scope: 'mailbox',
      name: `events.${action}`,
      permissions: write,
      handle,
    }),
  ),
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
