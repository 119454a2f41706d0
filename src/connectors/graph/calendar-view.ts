// Reading a calendar over Graph v1.0: `calendarView/delta` over a time window, the only event
// delta v1.0 documents (the unwindowed `events/delta` is beta). The view lists occurrences and
// exceptions, not series: each series met in a round is fetched once, its master with its
// cancelled occurrences (`$select=cancelledOccurrences`) and its modified ones
// (`$expand=exceptionOccurrences`) in one `$batch` member, and handed out as one master carrying
// both. The masters are fetched in whole `$batch`es of 20 as a round's pages name them; a page
// whose series wait for a later batch says so (`partial`), so that its position is not saved
// before they are handed out. The connector's `getItems` reads events by id the same way
// (`readEvents`).
import { calendarWindow } from '../calendar-window.ts';
import { ConnectorError } from '../errors.ts';
import type { ChangePage, FolderRef, NeutralEvent, ReadChangesOptions, TimeWindow } from '../types.ts';
import {
  type BatchOutcome,
  GRAPH_BATCH_LIMIT,
  type GraphAnswer,
  type GraphClient,
  type GraphRequest,
  pageOfAtMost,
  tooLarge,
} from './client.ts';
import { versionOf } from './mapping/common.ts';
import { EVENT_SELECT, eventFromGraph, occurrenceChangeFromGraph } from './mapping/event.ts';
import { arrayOrEmpty, isObject, type Json, nonEmptyString } from './mapping/json.ts';

const INSTANCE_SELECT =
  'id,subject,start,end,location,body,type,originalStart,originalStartTimeZone,originalEndTimeZone,isAllDay,showAs,isReminderOn,reminderMinutesBeforeStart';

type EventPage = ChangePage<NeutralEvent>;

/**
 * The most entries asked of one calendarView/delta page, whatever page size the caller wants:
 * as many as the batched client's `calendarView` asks with `$top` (Graph's largest page). The
 * view takes no `$select`, so every entry carries its whole body, and the HTTP client refuses
 * an answer over 5 MB (`src/connectors/net/http.ts`) without reading it: such a page is asked
 * again with half the entries (`pageOfAtMost`), down to one, and the smaller size kept for the
 * rest of the read.
 */
export const VIEW_PAGE_MAX = 1000;

/** A calendar cursor: Graph's deltaLink and the window it is bound to. */
interface CalendarCursor {
  window: TimeWindow;
  link: string;
}

function parseCursor(cursor: string): CalendarCursor {
  try {
    const parsed = JSON.parse(cursor) as Partial<CalendarCursor>;
    if (parsed.window?.start && parsed.window.end && typeof parsed.link === 'string')
      return parsed as CalendarCursor;
  } catch {
    // Not one of ours: handled below.
  }
  // Cursors of the unwindowed events/delta that Exsync read calendars with before.
  throw new ConnectorError(
    'resync_needed',
    'The calendar cursor is not a calendarView cursor: the calendar is read afresh over its window.',
  );
}

const sameWindow = (a: TimeWindow, b: TimeWindow) =>
  Date.parse(a.start) === Date.parse(b.start) && Date.parse(a.end) === Date.parse(b.end);

export interface CalendarViewContext {
  client: GraphClient;
  /** `/me` or `/users/{address}`. */
  base: string;
  /**
   * Occurrences the connector deleted itself, each answered (204, or 404: already gone): the
   * view lists them as removed, and the answer to the DELETE already proves them gone, so each
   * is taken as deleted without being read again, once (see `recheckRemoved`).
   */
  deletedOccurrences?: Set<string>;
}

/**
 * An event of this calendar, read through the calendar: one deleted by a user sits in Deleted
 * Items, still there under `/events/{id}` but no longer in the calendar (404 here).
 */
const eventInCalendar = (ctx: CalendarViewContext, folder: FolderRef, id: string) =>
  `${ctx.base}/calendars/${encodeURIComponent(folder.id)}/events/${encodeURIComponent(id)}?$select=${EVENT_SELECT.join(',')}`;

/**
 * The query that reads an event with everything the CRM needs of it in one answer. Graph returns
 * `cancelledOccurrences` and `exceptionOccurrences` only in a GET of a series master by its id,
 * the first when `$select` names it (EVENT_SELECT does), the second when `$select` and `$expand`
 * both name it; the `$select` applies to the exceptions too, and holds all an exception can
 * change. Of an event that is not a series master both are empty.
 */
export const SERIES_QUERY = `?$select=${[...EVENT_SELECT, 'exceptionOccurrences'].join(',')}&$expand=exceptionOccurrences`;

/** A series master (and its exceptions) read through the calendar. */
const seriesInCalendar = (ctx: CalendarViewContext, folder: FolderRef, id: string) =>
  `${ctx.base}/calendars/${encodeURIComponent(folder.id)}/events/${encodeURIComponent(id)}${SERIES_QUERY}`;

/** What one page of the view asks for besides the entries it hands out as they are. */
interface PageWork {
  upserts: EventPage['upserts'];
  deletes: string[];
  /** Series whose master (and exceptions) must be fetched. */
  masters: Set<string>;
  /**
   * Entries removed from the view. Graph says `"reason": "deleted"` also for an event that left
   * the window (moved before its start or past its end), so a removal is only a hint: each is
   * read through the calendar, and only one that is no longer there (404) is deleted.
   */
  recheck: string[];
}

/**
 * Sorts one entry of the view. An occurrence or exception only names its series: the master is
 * fetched once a round (`scheduled`), with all its exceptions, so the view's own exception
 * entries are not needed.
 */
function sortEntry(v: Json, work: PageWork, scheduled: Set<string>): void {
  const id = nonEmptyString(v.id);
  if (!id) return;
  if (v['@removed'] !== undefined) {
    work.recheck.push(id);
    return;
  }
  const master = nonEmptyString(v.seriesMasterId) ?? (v.type === 'seriesMaster' ? id : undefined);
  if (master) {
    if (!scheduled.has(master)) work.masters.add(master);
    return;
  }
  work.upserts.push({ id, version: versionOf(v), item: eventFromGraph(v) });
}

export async function* readCalendarView(
  ctx: CalendarViewContext,
  folder: FolderRef,
  cursor: string | undefined,
  options: ReadChangesOptions & { pageSize: number },
): AsyncIterable<EventPage> {
  const window = options.window ?? calendarWindow();
  let url: string | undefined;
  if (cursor) {
    const saved = parseCursor(cursor);
    if (!sameWindow(saved.window, window))
      throw new ConnectorError(
        'resync_needed',
        `The calendar window moved (${saved.window.start}–${saved.window.end} to ${window.start}–${window.end}): the calendar is read afresh.`,
      );
    url = saved.link;
  } else {
    const q = new URLSearchParams({ startDateTime: window.start, endDateTime: window.end });
    url = `${ctx.base}/calendars/${encodeURIComponent(folder.id)}/calendarView/delta?${q}`;
  }
  let size = Math.max(1, Math.min(options.pageSize, VIEW_PAGE_MAX));
  /** Series met this round: each is fetched once. */
  const scheduled = new Set<string>();
  /** Series met on the pages so far and not fetched yet, waiting to fill a `$batch`. */
  const waiting: string[] = [];
  while (url) {
    options.signal?.throwIfAborted();
    const page = await pageOfAtMost(ctx.client, url, size, {
      one: 'One event of the calendar',
      whole: 'the calendar',
    });
    size = page.size;
    const answer = page.answer;
    const work: PageWork = { upserts: [], deletes: [], masters: new Set(), recheck: [] };
    for (const v of arrayOrEmpty(answer.json.value)) if (isObject(v)) sortEntry(v, work, scheduled);
    await recheckRemoved(ctx, folder, work, scheduled);
    for (const id of work.masters) {
      scheduled.add(id);
      waiting.push(id);
    }
    const deltaLink = nonEmptyString(answer.json['@odata.deltaLink']);
    const nextLink = nonEmptyString(answer.json['@odata.nextLink']);
    const next = deltaLink ?? nextLink;
    if (!next)
      throw new ConnectorError(
        'invalid_response',
        'A Graph calendarView/delta page had neither @odata.nextLink nor @odata.deltaLink.',
      );
    // Validate before handing out: a cursor that points elsewhere would leak the token later.
    ctx.client.url(next);
    const done = deltaLink !== undefined;
    // Whole $batches as soon as they fill; on the round's last page, all that wait.
    const due = done ? waiting.length : waiting.length - (waiting.length % GRAPH_BATCH_LIMIT);
    await fetchSeries(ctx, folder, waiting.splice(0, due), window, work);
    const nextCursor: CalendarCursor = { window, link: next };
    yield {
      upserts: work.upserts,
      deletes: work.deletes,
      cursor: JSON.stringify(nextCursor),
      done,
      ...(waiting.length > 0 ? { partial: true } : {}),
    };
    url = deltaLink ? undefined : nextLink;
  }
}

/**
 * An entry removed from the view, whatever reason Graph gives, may still exist (it moved out of
 * the window, or its series changed): read it, in `$batch`es of 20, and hand it out as it is now
 * (outside the window too: the engine decides what that means) or, when the calendar no longer
 * holds it, as deleted. An entry removed twice in one page is read once. An occurrence the
 * connector deleted itself is not read: the answer to its DELETE proves it gone (a deleted
 * occurrence cannot move; only its series' pattern written again brings it back, and then the
 * view lists it, not as removed), so it is deleted as a 404 would have it, which the caller
 * ignores as it ignores any occurrence's id, and taken off `deletedOccurrences`: listed as
 * removed again, it is read. Reading it costs more than one GET: in a `$batch` a member answered
 * 404 fails the rest of its `dependsOn` chain with 424, sent again, so 404s settle four a
 * `$batch`.
 */
async function recheckRemoved(
  ctx: CalendarViewContext,
  folder: FolderRef,
  work: PageWork,
  scheduled: Set<string>,
): Promise<void> {
  const ids: string[] = [];
  for (const id of new Set(work.recheck)) {
    if (ctx.deletedOccurrences?.delete(id)) work.deletes.push(id);
    else ids.push(id);
  }
  if (ids.length === 0) return;
  const outcomes = await ctx.client.batch(
    ids.map((id) => ({ method: 'GET', path: eventInCalendar(ctx, folder, id) })),
  );
  outcomes.forEach((o, i) => {
    if (o.ok) sortEntry(o.answer.json, work, scheduled);
    else if (o.error.code === 'not_found') work.deletes.push(ids[i]);
    else throw o.error;
  });
}

/**
 * Events a read from scratch of the view did not list, read again through the calendar (in
 * `$batch`es of 20): one the calendar still holds has left the window and is handed out as it
 * is now (a series with its exceptions), one it no longer holds (404: deleted, or in Deleted
 * Items) is deleted.
 */
export async function confirmUnlisted(
  ctx: CalendarViewContext,
  folder: FolderRef,
  ids: string[],
  window: TimeWindow = calendarWindow(),
): Promise<Pick<EventPage, 'upserts' | 'deletes'>> {
  const work: PageWork = { upserts: [], deletes: [], masters: new Set(), recheck: [...ids] };
  await recheckRemoved(ctx, folder, work, new Set());
  await fetchSeries(ctx, folder, [...work.masters], window, work);
  return { upserts: work.upserts, deletes: work.deletes };
}

/**
 * `$batch`es of at most 20; a batch whose answer is too large to read is sent again as two
 * halves, down to one member (whose failure then stands).
 */
async function batchInParts(ctx: CalendarViewContext, requests: GraphRequest[]): Promise<BatchOutcome[]> {
  const out: BatchOutcome[] = [];
  const send = async (part: GraphRequest[]): Promise<BatchOutcome[]> => {
    try {
      return await ctx.client.batch(part);
    } catch (error) {
      if (!tooLarge(error) || part.length === 1) throw error;
      const half = Math.ceil(part.length / 2);
      return [...(await send(part.slice(0, half))), ...(await send(part.slice(half)))];
    }
  };
  for (let i = 0; i < requests.length; i += GRAPH_BATCH_LIMIT)
    out.push(...(await send(requests.slice(i, i + GRAPH_BATCH_LIMIT))));
  return out;
}

/**
 * Each series once, as `readEvents` reads it; a series the calendar no longer holds (404) is
 * deleted.
 */
async function fetchSeries(
  ctx: CalendarViewContext,
  folder: FolderRef,
  masterIds: string[],
  window: TimeWindow,
  work: PageWork,
): Promise<void> {
  if (masterIds.length === 0) return;
  const reads = await readEvents(
    ctx,
    masterIds,
    (id) => seriesInCalendar(ctx, folder, id),
    () => window,
  );
  for (const [k, read] of reads.entries()) {
    if (read.ok) work.upserts.push({ id: read.id, version: read.version, item: read.item });
    else if (read.error.code === 'not_found') work.deletes.push(masterIds[k]);
    else throw read.error;
  }
}

/** One event read by `readEvents`: its id, version and item, or why not. */
export type EventRead =
  | { ok: true; id: string; version: string; item: NeutralEvent }
  | { ok: false; error: ConnectorError };

/**
 * Events by id, read at `pathOf(id)` (which ends in SERIES_QUERY), one `$batch` member each,
 * in `$batch`es of at most 20 (halved when an answer is too large to read): a series master
 * comes with its cancelled occurrences and all its exceptions (`exceptionOccurrences`, wherever
 * they lie; the engine keeps those in its window), in that one member. Should Graph leave the
 * expansion out of a master's answer, that series' exceptions are read from its instances over
 * `fallback(master)` instead, as Exsync did before. A member's failure is that event's answer;
 * a failed instances read or `$batch` is thrown.
 */
export async function readEvents(
  ctx: CalendarViewContext,
  ids: string[],
  pathOf: (id: string) => string,
  fallback: (master: Json) => TimeWindow,
): Promise<EventRead[]> {
  if (ids.length === 0) return [];
  const outcomes = await batchInParts(
    ctx,
    ids.map((id) => ({ method: 'GET', path: pathOf(id) })),
  );
  const out: EventRead[] = [];
  const unexpanded: Array<{ k: number; json: Json }> = [];
  for (const [k, o] of outcomes.entries()) {
    if (!o.ok) {
      out[k] = { ok: false, error: o.error };
      continue;
    }
    const json = o.answer.json;
    if (!Array.isArray(json.exceptionOccurrences)) {
      if (json.type === 'seriesMaster') unexpanded.push({ k, json });
      else out[k] = eventRead(ids[k], json, []);
      continue;
    }
    // An expanded collection may come in pages, as OData allows, the rest behind its nextLink.
    const first: GraphAnswer = {
      status: 200,
      json: {
        value: json.exceptionOccurrences,
        '@odata.nextLink': json['exceptionOccurrences@odata.nextLink'],
      },
      header: () => undefined,
    };
    out[k] = eventRead(ids[k], json, await allPages(ctx, first));
  }
  if (unexpanded.length === 0) return out;
  const instances = await batchInParts(
    ctx,
    unexpanded.map(({ k, json }) => ({
      method: 'GET',
      path: instancesPath(ctx.base, ids[k], fallback(json)),
    })),
  );
  for (const [i, { k, json }] of unexpanded.entries()) {
    const answer = instances[i];
    if (!answer.ok) throw answer.error;
    const exceptions = (await allPages(ctx, answer.answer)).filter((v) => v.type === 'exception');
    out[k] = eventRead(ids[k], json, exceptions);
  }
  return out;
}

/** An event as one item; a series master with its modified occurrences. */
function eventRead(id: string, json: Json, exceptions: Json[]): EventRead {
  const item = eventFromGraph(json);
  if (json.type === 'seriesMaster')
    item.modifiedOccurrences = exceptions.map(occurrenceChangeFromGraph).filter((c) => c !== undefined);
  return { ok: true, id: nonEmptyString(json.id) ?? id, version: versionOf(json), item };
}

export function instancesPath(base: string, id: string, window: TimeWindow): string {
  const q = new URLSearchParams({
    startDateTime: window.start,
    endDateTime: window.end,
    $select: INSTANCE_SELECT,
    $top: '500',
  });
  return `${base}/events/${encodeURIComponent(id)}/instances?${q}`;
}

/** The entries of one answer and of the pages after it (a daily series over 18 months has ~550). */
async function allPages(ctx: CalendarViewContext, first: GraphAnswer): Promise<Json[]> {
  const out: Json[] = [];
  let answer: GraphAnswer | undefined = first;
  while (answer) {
    for (const v of arrayOrEmpty(answer.json.value)) if (isObject(v)) out.push(v);
    const next = nonEmptyString(answer.json['@odata.nextLink']);
    answer = next ? await ctx.client.request({ method: 'GET', path: next }) : undefined;
  }
  return out;
}
