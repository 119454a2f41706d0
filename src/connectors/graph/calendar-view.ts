// Reading a calendar over Graph v1.0: `calendarView/delta` over a time window, the only event
// delta v1.0 documents (the unwindowed `events/delta` is beta). The view lists occurrences and
// exceptions, not series: each series met in a round is fetched once, master and exceptions
// in the window, and handed out as one master carrying its modified and deleted occurrences.
import { calendarWindow } from '../calendar-window.ts';
import { ConnectorError } from '../errors.ts';
import type { ChangePage, FolderRef, NeutralEvent, ReadChangesOptions, TimeWindow } from '../types.ts';
import type { GraphAnswer, GraphClient, GraphRequest } from './client.ts';
import { versionOf } from './mapping/common.ts';
import { EVENT_SELECT, eventFromGraph, occurrenceChangeFromGraph } from './mapping/event.ts';
import { arrayOrEmpty, isObject, type Json, nonEmptyString } from './mapping/json.ts';

const INSTANCE_SELECT =
  'id,subject,start,end,location,body,type,originalStart,originalStartTimeZone,originalEndTimeZone,isAllDay,showAs,isReminderOn,reminderMinutesBeforeStart';

type EventPage = ChangePage<NeutralEvent>;

/**
 * The most entries asked of one calendarView/delta page, whatever page size the caller wants:
 * the view takes no `$select`, so every entry carries its whole body, and an answer over 5 MB
 * is refused (`src/connectors/net/http.ts`). 256 bodies of 20 KB already reach that.
 */
export const VIEW_PAGE_MAX = 256;

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
}

/**
 * An event of this calendar, read through the calendar: one deleted by a user sits in Deleted
 * Items, still there under `/events/{id}` but no longer in the calendar (404 here).
 */
const eventInCalendar = (ctx: CalendarViewContext, folder: FolderRef, id: string) =>
  `${ctx.base}/calendars/${encodeURIComponent(folder.id)}/events/${encodeURIComponent(id)}?$select=${EVENT_SELECT.join(',')}`;

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

function sortEntry(v: Json, work: PageWork, fetched: Set<string>): void {
  const id = nonEmptyString(v.id);
  if (!id) return;
  if (v['@removed'] !== undefined) {
    work.recheck.push(id);
    return;
  }
  const master = nonEmptyString(v.seriesMasterId) ?? (v.type === 'seriesMaster' ? id : undefined);
  if (master) {
    if (!fetched.has(master)) work.masters.add(master);
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
  const fetched = new Set<string>();
  while (url) {
    options.signal?.throwIfAborted();
    const answer: GraphAnswer = await ctx.client.request({
      method: 'GET',
      path: url,
      prefer: [`odata.maxpagesize=${Math.min(options.pageSize, VIEW_PAGE_MAX)}`],
    });
    const work: PageWork = { upserts: [], deletes: [], masters: new Set(), recheck: [] };
    for (const v of arrayOrEmpty(answer.json.value)) if (isObject(v)) sortEntry(v, work, fetched);
    await recheckRemoved(ctx, folder, work, fetched);
    await fetchSeries(ctx, folder, [...work.masters], window, work);
    for (const id of work.masters) fetched.add(id);
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
    const nextCursor: CalendarCursor = { window, link: next };
    yield {
      upserts: work.upserts,
      deletes: work.deletes,
      cursor: JSON.stringify(nextCursor),
      done: deltaLink !== undefined,
    };
    url = deltaLink ? undefined : nextLink;
  }
}

/**
 * An entry removed from the view, whatever reason Graph gives, may still exist (it moved out of
 * the window, or its series changed): read it, in `$batch`es of 20, and hand it out as it is now
 * (outside the window too: the engine decides what that means) or, when the calendar no longer
 * holds it, as deleted. An entry removed twice in one page is read once.
 */
async function recheckRemoved(
  ctx: CalendarViewContext,
  folder: FolderRef,
  work: PageWork,
  fetched: Set<string>,
): Promise<void> {
  const ids = [...new Set(work.recheck)];
  if (ids.length === 0) return;
  const outcomes = await ctx.client.batch(
    ids.map((id) => ({ method: 'GET', path: eventInCalendar(ctx, folder, id) })),
  );
  outcomes.forEach((o, i) => {
    if (o.ok) sortEntry(o.answer.json, work, fetched);
    else if (o.error.code === 'not_found') work.deletes.push(ids[i]);
    else throw o.error;
  });
}

/**
 * Events a read from scratch of the view did not list, read again through the calendar (in
 * `$batch`es of 20): one the calendar still holds has left the window and is handed out as it
 * is now (a series with its exceptions in the window), one it no longer holds (404: deleted, or
 * in Deleted Items) is deleted.
 */
export async function confirmUnlisted(
  ctx: CalendarViewContext,
  folder: FolderRef,
  ids: string[],
  window: TimeWindow = calendarWindow(),
): Promise<Pick<EventPage, 'upserts' | 'deletes'>> {
  const work: PageWork = { upserts: [], deletes: [], masters: new Set(), recheck: [...ids] };
  const fetched = new Set<string>();
  await recheckRemoved(ctx, folder, work, fetched);
  await fetchSeries(ctx, folder, [...work.masters], window, work);
  return { upserts: work.upserts, deletes: work.deletes };
}

/**
 * Each series once: its master for the pattern and `cancelledOccurrences`, its instances in the
 * window for the exceptions, two members of the same `$batch`.
 */
async function fetchSeries(
  ctx: CalendarViewContext,
  folder: FolderRef,
  masterIds: string[],
  window: TimeWindow,
  work: PageWork,
): Promise<void> {
  if (masterIds.length === 0) return;
  const requests: GraphRequest[] = masterIds.flatMap((id) => [
    { method: 'GET', path: eventInCalendar(ctx, folder, id) },
    { method: 'GET', path: instancesPath(ctx.base, id, window) },
  ]);
  const outcomes = await ctx.client.batch(requests);
  for (const [k, id] of masterIds.entries()) {
    const master = outcomes[2 * k];
    const instances = outcomes[2 * k + 1];
    if (!master.ok) {
      if (master.error.code === 'not_found') work.deletes.push(id);
      else throw master.error;
      continue;
    }
    if (!instances.ok) throw instances.error;
    const item = eventFromGraph(master.answer.json);
    const exceptions = await allInstances(ctx, instances.answer);
    item.modifiedOccurrences = exceptions
      .filter((v) => v.type === 'exception')
      .map(occurrenceChangeFromGraph)
      .filter((c) => c !== undefined);
    work.upserts.push({
      id: nonEmptyString(master.answer.json.id) ?? id,
      version: versionOf(master.answer.json),
      item,
    });
  }
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

/** The instances of one answer and of the pages after it (a daily series over 18 months has ~550). */
async function allInstances(ctx: CalendarViewContext, first: GraphAnswer): Promise<Json[]> {
  const out: Json[] = [];
  let answer: GraphAnswer | undefined = first;
  while (answer) {
    for (const v of arrayOrEmpty(answer.json.value)) if (isObject(v)) out.push(v);
    const next = nonEmptyString(answer.json['@odata.nextLink']);
    answer = next ? await ctx.client.request({ method: 'GET', path: next }) : undefined;
  }
  return out;
}
