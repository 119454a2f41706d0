// The ExchangeConnector over Microsoft Graph (Microsoft 365).
import { randomUUID } from 'node:crypto';
import { ConnectorError, isConnectorError } from '../errors.ts';
import type { HttpClient } from '../net/http.ts';
import type { KeyedLimiter } from '../net/limiter.ts';
import type { RetryPolicy } from '../net/retry.ts';
import { occurrenceWrites, type SeriesWrites, withOccurrences } from '../occurrence-writes.ts';
import { problemOf } from '../problems.ts';
import type {
  ChangePage,
  ConnectionTestResult,
  CreatedItem,
  CreateResult,
  ExchangeConnector,
  FolderKind,
  FolderNode,
  FolderRef,
  FreeBusyResult,
  ItemByKind,
  ItemResult,
  ItemVersion,
  NeutralEvent,
  NeutralMessage,
  ReadChangesOptions,
  SubscriptionHandle,
  SubscriptionRequest,
  TimeWindow,
  WriteOptions,
} from '../types.ts';
import type { TokenProvider } from './auth.ts';
import {
  type CalendarViewContext,
  confirmUnlisted as confirmCalendarUnlisted,
  readCalendarView,
  readEvents,
  SERIES_QUERY,
} from './calendar-view.ts';
import {
  type BatchOutcome,
  GRAPH_BATCH_LIMIT,
  type GraphAnswer,
  GraphClient,
  type GraphRequest,
  pageOfAtMost,
} from './client.ts';
import { bodyToGraph, versionOf, zonedToGraph } from './mapping/common.ts';
import { changedProperties, eventToGraph } from './mapping/event.ts';
import { GRAPH_MAPPINGS } from './mapping/index.ts';
import { arrayOrEmpty, isObject, type Json, nonEmptyString, objectOrEmpty } from './mapping/json.ts';
import { messageToGraph } from './mapping/message.ts';
import { collectionPath, DEFAULT_CONTACTS, itemPath, subscriptionResource } from './paths.ts';

export interface GraphConnectorOptions {
  http: HttpClient;
  tokens: TokenProvider;
  /** The mailbox's address (or object id). */
  mailbox: string;
  /** `delegated` reads `/me`; `app` (organisation mode) reads `/users/{mailbox}`. */
  mode: 'delegated' | 'app';
  graphBaseUrl?: string;
  limiter?: KeyedLimiter;
  retry?: RetryPolicy;
  /**
   * When Graph answers a series master read by id without its `exceptionOccurrences`, its
   * exceptions are looked up in its instances this far after it starts (default 400 days).
   */
  exceptionHorizonDays?: number;
}

const DEFAULT_PAGE_SIZE = 100;
/** The most entries asked of one delta page: Graph's largest page. */
const DELTA_PAGE_MAX = 1000;
/** Instances per page when a series' occurrences are looked up by their original starts. */
const INSTANCES_PAGE = 500;
const DAY_MS = 86_400_000;

/** An item as Graph takes it; an event's attendees only when the caller allows them. */
function toGraphForWrite<K extends FolderKind>(kind: K, item: ItemByKind[K], options: WriteOptions): Json {
  if (kind === 'calendar')
    return eventToGraph(item as NeutralEvent, { attendees: options.writeAttendees === true });
  return GRAPH_MAPPINGS[kind].toGraph(item as never);
}
/** Outlook lets change-notification subscriptions on mail, events and contacts live ~7 days. */
const MAX_SUBSCRIPTION_MINUTES = 10_070;

/**
 * Items one `createItems` call takes: its creates go in `$batch`es of 20 whatever their number,
 * and the new series' occurrence work (instance reads, writes, ETags) shares `$batch`es across
 * all of them, so a call of 500 pays for it about once where five calls of 100 paid five times.
 */
const CREATE_ITEMS_LIMIT = 500;

export class GraphConnector implements ExchangeConnector {
  readonly protocol = 'graph' as const;
  readonly mailbox: string;
  readonly createItemsLimit = CREATE_ITEMS_LIMIT;
  private readonly client: GraphClient;
  private readonly base: string;
  /** How the calendar is read, with the occurrences this connector deleted. */
  private readonly view: CalendarViewContext;
  private readonly options: GraphConnectorOptions;

  constructor(options: GraphConnectorOptions) {
    this.options = options;
    this.mailbox = options.mailbox;
    this.base = options.mode === 'delegated' ? '/me' : `/users/${encodeURIComponent(options.mailbox)}`;
    this.client = new GraphClient({
      http: options.http,
      tokens: options.tokens,
      baseUrl: options.graphBaseUrl ?? 'https://graph.microsoft.com/v1.0',
      mailboxKey: `graph:${options.mailbox.toLowerCase()}`,
      limiter: options.limiter,
      retry: options.retry,
    });
    this.view = { client: this.client, base: this.base, deletedOccurrences: new Set() };
  }

  async testConnection(): Promise<ConnectionTestResult> {
    try {
      const me = await this.client.request({
        method: 'GET',
        path: `${this.base}?$select=id,mail,userPrincipalName`,
      });
      const address = nonEmptyString(me.json.mail) ?? nonEmptyString(me.json.userPrincipalName);
      if (!address && !nonEmptyString(me.json.id)) {
        return {
          ok: false,
          problem: 'not_exchange',
          message: 'The service answered, but not like Microsoft Graph: check the Graph base URL.',
        };
      }
      // Reading a folder proves the mailbox itself is reachable, not only the directory.
      await this.client.request({ method: 'GET', path: `${this.base}/mailFolders/inbox?$select=id` });
      return {
        ok: true,
        mailbox: address ?? this.mailbox,
        message: `Connected to the Microsoft 365 mailbox ${address ?? this.mailbox}.`,
      };
    } catch (error) {
      return problemOf(error, 'Microsoft 365');
    }
  }

  private async *list(path: string): AsyncGenerator<Json> {
    let next: string | undefined = path;
    while (next) {
      const answer: GraphAnswer = await this.client.request({ method: 'GET', path: next });
      for (const v of arrayOrEmpty(answer.json.value)) if (isObject(v)) yield v;
      next = nonEmptyString(answer.json['@odata.nextLink']);
    }
  }

  private async collect(path: string): Promise<Json[]> {
    const out: Json[] = [];
    for await (const v of this.list(path)) out.push(v);
    return out;
  }

  async listFolders(kind: FolderKind): Promise<FolderNode[]> {
    const node = (
      json: Json,
      parentId: string | undefined,
      name: string,
      wellKnown?: string,
    ): FolderNode => ({
      id: nonEmptyString(json.id) ?? '',
      name,
      kind,
      ...(parentId ? { parentId } : {}),
      ...(wellKnown ? { wellKnown } : {}),
      children: [],
    });
    switch (kind) {
      case 'contacts': {
        const root: FolderNode = {
          id: DEFAULT_CONTACTS,
          name: 'Contacts',
          kind,
          wellKnown: 'contacts',
          children: [],
        };
        const walk = async (path: string, parent: FolderNode) => {
          for (const f of await this.collect(path)) {
            const child = node(f, parent.id, nonEmptyString(f.displayName) ?? '');
            parent.children.push(child);
            await walk(`${this.base}/contactFolders/${encodeURIComponent(child.id)}/childFolders`, child);
          }
        };
        await walk(`${this.base}/contactFolders`, root);
        return [root];
      }
      case 'calendar':
        return (await this.collect(`${this.base}/calendars?$select=id,name,isDefaultCalendar`)).map((c) =>
          node(
            c,
            undefined,
            nonEmptyString(c.name) ?? '',
            c.isDefaultCalendar === true ? 'calendar' : undefined,
          ),
        );
      case 'tasks':
        return (await this.collect(`${this.base}/todo/lists`)).map((l) => {
          const n = node(
            l,
            undefined,
            nonEmptyString(l.displayName) ?? '',
            l.wellknownListName === 'defaultList' ? 'tasks' : undefined,
          );
          // A list someone else shared with the user: its tasks are not the user's own (C2).
          return l.isOwner === false ? { ...n, sharedWithMe: true as const } : n;
        });
      case 'mail': {
        const wellKnown = new Map<string, string>();
        for (const name of ['inbox', 'sentitems', 'drafts', 'deleteditems']) {
          const f = await this.client
            .request({ method: 'GET', path: `${this.base}/mailFolders/${name}?$select=id` })
            .catch(() => undefined);
          const id = f && nonEmptyString(f.json.id);
          if (id) wellKnown.set(id, name);
        }
        const walk = async (path: string, parentId: string | undefined): Promise<FolderNode[]> => {
          const out: FolderNode[] = [];
          for (const f of await this.collect(path)) {
            const n = node(
              f,
              parentId,
              nonEmptyString(f.displayName) ?? '',
              wellKnown.get(nonEmptyString(f.id) ?? ''),
            );
            if (typeof f.childFolderCount !== 'number' || f.childFolderCount > 0) {
              n.children = await walk(
                `${this.base}/mailFolders/${encodeURIComponent(n.id)}/childFolders?$top=100`,
                n.id,
              );
            }
            out.push(n);
          }
          return out;
        };
        return walk(`${this.base}/mailFolders?$top=100`, undefined);
      }
    }
  }

  async *readChanges<K extends FolderKind>(
    folder: FolderRef & { kind: K },
    cursor: string | undefined,
    options: ReadChangesOptions = {},
  ): AsyncIterable<ChangePage<ItemByKind[K]>> {
    if (folder.kind === 'calendar') {
      const pages = readCalendarView(this.view, folder, cursor, {
        ...options,
        pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE,
      });
      yield* pages as AsyncIterable<ChangePage<ItemByKind[K]>>;
      return;
    }
    const mapping = GRAPH_MAPPINGS[folder.kind];
    const select = mapping.select ? `?$select=${mapping.select.join(',')}` : '';
    let url: string | undefined = cursor ?? `${collectionPath(this.base, folder)}/delta${select}`;
    // Pages of up to 1,000 (Graph's largest) carry every item whole: an answer too large to read
    // is asked again with half as many, and the smaller size kept for the rest of the read.
    let size = Math.max(1, Math.min(options.pageSize ?? DEFAULT_PAGE_SIZE, DELTA_PAGE_MAX));
    while (url) {
      options.signal?.throwIfAborted();
      const page = await pageOfAtMost(this.client, url, size, {
        one: `One item of the ${folder.kind} folder`,
        whole: 'the folder',
      });
      size = page.size;
      const answer = page.answer;
      const upserts: ChangePage<ItemByKind[K]>['upserts'] = [];
      const deletes: string[] = [];
      for (const v of arrayOrEmpty(answer.json.value)) {
        if (!isObject(v) || !nonEmptyString(v.id)) continue;
        if (v['@removed'] !== undefined) deletes.push(nonEmptyString(v.id)!);
        else
          upserts.push({
            id: nonEmptyString(v.id)!,
            version: versionOf(v),
            item: mapping.fromGraph(v) as ItemByKind[K],
          });
      }
      const deltaLink = nonEmptyString(answer.json['@odata.deltaLink']);
      const nextLink = nonEmptyString(answer.json['@odata.nextLink']);
      const next = deltaLink ?? nextLink;
      if (!next)
        throw new ConnectorError(
          'invalid_response',
          'A Graph delta page had neither @odata.nextLink nor @odata.deltaLink.',
        );
      // Validate before handing out: a cursor that points elsewhere would leak the token later.
      this.client.url(next);
      yield { upserts, deletes, cursor: next, done: deltaLink !== undefined };
      url = deltaLink ? undefined : nextLink;
    }
  }

  async getItems<K extends FolderKind>(
    folder: FolderRef & { kind: K },
    ids: string[],
  ): Promise<Array<ItemResult<ItemByKind[K]>>> {
    if (folder.kind === 'calendar') {
      // Read as the calendar view reads series: a master with its cancelled occurrences and all
      // its exceptions in one `$batch` member.
      const reads = await readEvents(
        this.view,
        ids,
        (id) => itemPath(this.base, folder, id) + SERIES_QUERY,
        (master) => this.exceptionSpan(master),
      );
      return reads.map((r, i) => (r.ok ? r : { ok: false, id: ids[i], error: r.error })) as Array<
        ItemResult<ItemByKind[K]>
      >;
    }
    const mapping = GRAPH_MAPPINGS[folder.kind];
    const select = mapping.select ? `?$select=${mapping.select.join(',')}` : '';
    const outcomes = await this.client.batch(
      ids.map((id) => ({ method: 'GET', path: itemPath(this.base, folder, id) + select })),
    );
    return outcomes.map((o, i): ItemResult<ItemByKind[K]> => {
      if (!o.ok) return { ok: false, id: ids[i], error: o.error };
      return {
        ok: true,
        id: nonEmptyString(o.answer.json.id) ?? ids[i],
        version: versionOf(o.answer.json),
        item: mapping.fromGraph(o.answer.json) as ItemByKind[K],
      };
    });
  }

  /**
   * Where a series' exceptions are looked for when Graph answers its master without the
   * expansion: from its start, `exceptionHorizonDays` on (or to its end).
   */
  private exceptionSpan(master: Json): TimeWindow {
    const range = objectOrEmpty(objectOrEmpty(master.recurrence).range);
    const from = Date.parse(`${nonEmptyString(range.startDate) ?? ''}T00:00:00Z`);
    const start = Number.isNaN(from) ? Date.now() : from;
    const endDate = nonEmptyString(range.endDate);
    const endLimit = endDate ? Date.parse(`${endDate}T23:59:59Z`) + DAY_MS : Number.POSITIVE_INFINITY;
    const end = Math.min(start + (this.options.exceptionHorizonDays ?? 400) * DAY_MS, endLimit);
    return { start: new Date(start).toISOString(), end: new Date(end).toISOString() };
  }

  /** Calendars only: they are read over a window (`calendarView/delta`); other folders whole. */
  async confirmUnlisted<K extends FolderKind>(
    folder: FolderRef & { kind: K },
    ids: string[],
    options: { window?: TimeWindow },
  ): Promise<Pick<ChangePage<ItemByKind[K]>, 'upserts' | 'deletes'> | undefined> {
    if (folder.kind !== 'calendar') return undefined;
    const found = await confirmCalendarUnlisted(this.view, folder, ids, options.window);
    return found as Pick<ChangePage<ItemByKind[K]>, 'upserts' | 'deletes'>;
  }

  async createItem<K extends FolderKind>(
    folder: FolderRef & { kind: K },
    item: ItemByKind[K],
    options: WriteOptions = {},
  ): Promise<CreatedItem> {
    const body = toGraphForWrite(folder.kind, item, options);
    // transactionId makes a retried create of the same event idempotent.
    if (folder.kind === 'calendar') body.transactionId = randomUUID();
    const answer = await this.client.request({
      method: 'POST',
      path: collectionPath(this.base, folder),
      body,
    });
    const created = createdOfAnswer(answer, this.versionOfAnswer(answer, 'created'));
    const [done] = await withOccurrences(folder, [item], [created], (series) =>
      this.writeOccurrences(folder, series),
    );
    return done ?? created;
  }

  async createItems<K extends FolderKind>(
    folder: FolderRef & { kind: K },
    items: Array<ItemByKind[K]>,
    options: WriteOptions = {},
  ): Promise<CreateResult[]> {
    const requests = items.map((item): GraphRequest => {
      const body = toGraphForWrite(folder.kind, item, options);
      if (folder.kind === 'calendar') body.transactionId = randomUUID();
      return { method: 'POST', path: collectionPath(this.base, folder), body };
    });
    // A `$batch` refused as a whole once another went through fails its own members, and is not
    // thrown: a caller told that the call failed would take it for one that wrote nothing and
    // send the items again (a call refused whole is split to find the item at fault), making
    // those of the earlier `$batch`es twice. Only a refusal of the first is thrown.
    const outcomes: BatchOutcome[] = [];
    for (let start = 0; start < requests.length; start += GRAPH_BATCH_LIMIT) {
      const group = requests.slice(start, start + GRAPH_BATCH_LIMIT);
      try {
        outcomes.push(...(await this.client.batch(group)));
      } catch (error) {
        if (start === 0 || !isConnectorError(error)) throw error;
        outcomes.push(...group.map((): BatchOutcome => ({ ok: false, error })));
      }
    }
    const results = outcomes.map((o): CreateResult => {
      if (!o.ok) return o;
      try {
        return { ok: true, ...createdOfAnswer(o.answer, this.versionOfAnswer(o.answer, 'created')) };
      } catch (error) {
        if (isConnectorError(error)) return { ok: false, error };
        throw error;
      }
    });
    // The new series' occurrences, all series together.
    const done = await withOccurrences(
      folder,
      items,
      results.map((r) => (r.ok ? r : undefined)),
      (series) => this.writeOccurrences(folder, series),
    );
    return results.map((r, k) => (r.ok ? { ok: true, ...(done[k] ?? r) } : r));
  }

  async updateItem<K extends FolderKind>(
    folder: FolderRef & { kind: K },
    id: string,
    version: string,
    item: ItemByKind[K],
    previous?: ItemByKind[K],
    options: WriteOptions = {},
  ): Promise<ItemVersion> {
    let body = toGraphForWrite(folder.kind, item, options);
    // Events and tasks: only what changed. (Contacts are written whole, as they always were.)
    if (previous && (folder.kind === 'calendar' || folder.kind === 'tasks'))
      body = changedProperties(toGraphForWrite(folder.kind, previous, options), body);
    // A series' changed occurrences are written on its instances, after the series itself.
    const writes =
      folder.kind === 'calendar'
        ? occurrenceWrites(
            item as NeutralEvent,
            previous as NeutralEvent | undefined,
            body.recurrence !== undefined && body.recurrence !== null,
          )
        : [];
    let written: ItemVersion = { id, version };
    if (Object.keys(body).length > 0 || !previous) {
      const answer = await this.client.request({
        method: 'PATCH',
        path: itemPath(this.base, folder, id),
        body,
        headers: { 'if-match': version },
      });
      written = this.versionOfAnswer(answer, 'updated');
    }
    if (writes.length === 0) return written;
    const [after] = await this.writeOccurrences(folder, [{ id, series: item as NeutralEvent, writes }]);
    if (isConnectorError(after)) throw after;
    return after;
  }

  /**
   * Several series' modified occurrences by PATCH and deleted ones by DELETE of the instance, in
   * `$batch`es, never by a series' pattern. An instance is addressed by its exception's id, else
   * found by its original start: one `instances` read per series over the span of the starts it
   * needs (a day either side), the series' first pages in `$batch`es. Inside a `$batch` one
   * series' writes run one after the other (Exchange keeps them on the series), other series'
   * beside them, and after its last write a GET of the series for its new ETag (its instances
   * are kept on it), in the same `$batch`es: a round of requests fewer than reading the ETags
   * after all the writes. Each series' answer is its own: its version, or the first failure
   * among its writes (a DELETE answered 404 is done); a series whose occurrence is not found
   * still gets its other writes.
   */
  private async writeOccurrences(
    folder: FolderRef,
    series: SeriesWrites[],
  ): Promise<Array<ItemVersion | ConnectorError>> {
    const failed: Array<ConnectorError | undefined> = series.map(() => undefined);
    const fail = (s: number, error: ConnectorError) => {
      failed[s] ??= error;
    };
    const found = await this.instancesAt(
      series.map((s) => ({
        masterId: s.id,
        starts: s.writes.filter((w) => !w.id).map((w) => w.originalStart),
      })),
    );
    const requests: GraphRequest[] = [];
    /** Per request: the series it is for, whether it reads the series' ETag, the instance it writes. */
    const owners: Array<{ series: number; etag: boolean; instanceId?: string }> = [];
    series.forEach((s, k) => {
      const ids = found[k];
      if (isConnectorError(ids)) {
        fail(k, ids);
        return;
      }
      for (const w of s.writes) {
        const instanceId = w.id ?? ids.get(Date.parse(w.originalStart));
        if (!instanceId) {
          fail(k, new ConnectorError('not_found', `The series has no occurrence at ${w.originalStart}.`));
          continue;
        }
        const path = `${this.base}/events/${encodeURIComponent(instanceId)}`;
        owners.push({ series: k, etag: false, instanceId });
        if (w.kind === 'delete') {
          requests.push({ method: 'DELETE', path, sequence: s.id });
          continue;
        }
        const o = w.change;
        const body: Json = {};
        if (w.fields.includes('subject')) body.subject = o.subject ?? '';
        if (w.fields.includes('body')) body.body = bodyToGraph(o.body);
        if (w.fields.includes('location')) body.location = { displayName: o.location ?? '' };
        if (w.fields.includes('times') && o.start && o.end) {
          body.start = zonedToGraph(o.start);
          body.end = zonedToGraph(o.end);
        }
        if (w.fields.includes('showAs') && o.showAs) body.showAs = o.showAs;
        if (w.fields.includes('reminder') && o.reminderMinutes !== undefined) {
          body.isReminderOn = o.reminderMinutes !== null;
          if (o.reminderMinutes !== null) body.reminderMinutesBeforeStart = o.reminderMinutes;
        }
        requests.push({ method: 'PATCH', path, body, sequence: s.id });
      }
      // The series' ETag once its writes are done: its sequence makes the GET wait for them (one
      // answered 424 after a failed write is sent again on its own, see GraphClient.batch). A
      // series that failed already answers with its failure, not a version.
      if (failed[k]) return;
      owners.push({ series: k, etag: true });
      requests.push({
        method: 'GET',
        path: `${itemPath(this.base, folder, s.id)}?$select=id`,
        sequence: s.id,
      });
    });
    const versions = new Map<number, ItemVersion>();
    const outcomes = requests.length > 0 ? await this.client.batch(requests) : [];
    outcomes.forEach((o, i) => {
      const { series: k, etag, instanceId } = owners[i];
      // An occurrence deleted, or already gone (what was asked for): the calendar view will
      // list it as removed, and need not read it again to know.
      const gone = requests[i].method === 'DELETE' && (o.ok || isConnectorError(o.error, 'not_found'));
      if (gone && instanceId) this.view.deletedOccurrences?.add(instanceId);
      if (!o.ok) {
        if (!gone) fail(k, o.error);
        return;
      }
      if (!etag) return;
      try {
        versions.set(k, this.versionOfAnswer(o.answer, 'written'));
      } catch (error) {
        if (!isConnectorError(error)) throw error;
        fail(k, error);
      }
    });
    return series.map((_, k) => failed[k] ?? versions.get(k)!);
  }

  /**
   * For each series, the ids of its occurrences at `starts` (original starts), keyed by instant,
   * from one `instances` read over their span, or why it could not be read.
   */
  private async instancesAt(
    wanted: Array<{ masterId: string; starts: string[] }>,
  ): Promise<Array<Map<number, string> | ConnectorError>> {
    const out: Array<Map<number, string> | ConnectorError> = wanted.map(() => new Map());
    const asked = wanted.flatMap((w, k) => (w.starts.length > 0 ? [k] : []));
    if (asked.length === 0) return out;
    const outcomes = await this.client.batch(
      asked.map((k) => {
        const times = wanted[k].starts.map((s) => Date.parse(s));
        const q = new URLSearchParams({
          startDateTime: new Date(Math.min(...times) - DAY_MS).toISOString(),
          endDateTime: new Date(Math.max(...times) + DAY_MS).toISOString(),
          $select: 'id,originalStart,type',
          $top: String(INSTANCES_PAGE),
        });
        return {
          method: 'GET',
          path: `${this.base}/events/${encodeURIComponent(wanted[k].masterId)}/instances?${q}`,
        };
      }),
    );
    for (const [i, outcome] of outcomes.entries()) {
      const k = asked[i];
      if (!outcome.ok) {
        out[k] = outcome.error;
        continue;
      }
      const ids = new Map<number, string>();
      try {
        let page: Json | undefined = outcome.answer.json;
        while (page) {
          for (const v of arrayOrEmpty(page.value).filter(isObject)) {
            const id = nonEmptyString(v.id);
            const at = Date.parse(String(v.originalStart ?? ''));
            if (id && !Number.isNaN(at)) ids.set(at, id);
          }
          const next = nonEmptyString(page['@odata.nextLink']);
          page = next ? (await this.client.request({ method: 'GET', path: next })).json : undefined;
        }
        out[k] = ids;
      } catch (error) {
        if (!isConnectorError(error)) throw error;
        out[k] = error;
      }
    }
    return out;
  }

  private versionOfAnswer(answer: GraphAnswer, what: string): ItemVersion {
    const id = nonEmptyString(answer.json.id);
    if (!id) throw new ConnectorError('invalid_response', `Graph did not return the ${what} item's id.`);
    return { id, version: versionOf(answer.json) || (answer.header('etag') ?? '') };
  }

  async deleteItem(folder: FolderRef, id: string): Promise<void> {
    try {
      await this.client.request({ method: 'DELETE', path: itemPath(this.base, folder, id) });
    } catch (error) {
      // Already gone is what was asked for.
      if (!isConnectorError(error, 'not_found')) throw error;
    }
  }

  async freeBusy(addresses: string[], window: TimeWindow, intervalMinutes = 30): Promise<FreeBusyResult[]> {
    const answer = await this.client.request({
      method: 'POST',
      path: `${this.base}/calendar/getSchedule`,
      // A read, sent as POST.
      repeatable: true,
      body: {
        schedules: addresses,
        startTime: { dateTime: window.start.replace(/Z$/, ''), timeZone: 'UTC' },
        endTime: { dateTime: window.end.replace(/Z$/, ''), timeZone: 'UTC' },
        availabilityViewInterval: intervalMinutes,
      },
      prefer: ['outlook.timezone="UTC"'],
    });
    const byAddress = new Map(
      arrayOrEmpty(answer.json.value)
        .filter(isObject)
        .map((s) => [nonEmptyString(s.scheduleId)?.toLowerCase(), s]),
    );
    return addresses.map((address) => {
      const s = byAddress.get(address.toLowerCase());
      if (!s) return { address, slots: [], error: 'Microsoft 365 returned no schedule for this address.' };
      const error = nonEmptyString(objectOrEmpty(s.error).message);
      const utc = (v: unknown) => {
        const dt = nonEmptyString(objectOrEmpty(v).dateTime) ?? '';
        return /Z$|[+-]\d\d:\d\d$/.test(dt)
          ? new Date(dt).toISOString()
          : new Date(`${dt.replace(/\.\d+$/, '')}Z`).toISOString();
      };
      const slots = arrayOrEmpty(s.scheduleItems)
        .filter(isObject)
        .map((i) => ({
          start: utc(i.start),
          end: utc(i.end),
          status: (['free', 'tentative', 'busy', 'oof', 'workingElsewhere'].includes(
            nonEmptyString(i.status) ?? '',
          )
            ? nonEmptyString(i.status)
            : 'unknown') as FreeBusyResult['slots'][number]['status'],
        }));
      return error ? { address, slots, error } : { address, slots };
    });
  }

  async sendMessage(message: NeutralMessage): Promise<void> {
    await this.client.request({
      method: 'POST',
      path: `${this.base}/sendMail`,
      body: { message: messageToGraph(message), saveToSentItems: true },
    });
  }

  async subscribe(request: SubscriptionRequest): Promise<SubscriptionHandle> {
    if (!request.notificationUrl)
      throw new ConnectorError('permanent', 'Graph change notifications need the public notification URL.');
    const expiresAt =
      request.expiresAt ?? new Date(Date.now() + (MAX_SUBSCRIPTION_MINUTES - 10) * 60_000).toISOString();
    const parts: SubscriptionHandle['parts'] = [];
    try {
      for (const folder of request.folders) {
        const answer = await this.client.request({
          method: 'POST',
          path: '/subscriptions',
          body: {
            changeType: 'created,updated,deleted',
            notificationUrl: request.notificationUrl,
            lifecycleNotificationUrl: request.notificationUrl,
            resource: subscriptionResource(this.base, folder),
            expirationDateTime: expiresAt,
            clientState: request.clientState,
          },
        });
        const id = nonEmptyString(answer.json.id);
        if (!id) throw new ConnectorError('invalid_response', 'Graph created a subscription without an id.');
        parts.push({ id, folder });
      }
    } catch (error) {
      await this.unsubscribe({ id: '', parts }).catch(() => {});
      throw error;
    }
    return { id: parts.map((p) => p.id).join(','), expiresAt, parts };
  }

  async renewSubscription(handle: SubscriptionHandle, expiresAt?: string): Promise<SubscriptionHandle> {
    const until = expiresAt ?? new Date(Date.now() + (MAX_SUBSCRIPTION_MINUTES - 10) * 60_000).toISOString();
    let earliest = until;
    for (const part of handle.parts) {
      const answer = await this.client.request({
        method: 'PATCH',
        path: `/subscriptions/${encodeURIComponent(part.id)}`,
        body: { expirationDateTime: until },
      });
      const granted = nonEmptyString(answer.json.expirationDateTime);
      if (granted && Date.parse(granted) < Date.parse(earliest)) earliest = granted;
    }
    return { ...handle, expiresAt: earliest };
  }

  async unsubscribe(handle: SubscriptionHandle): Promise<void> {
    for (const part of handle.parts) {
      try {
        await this.client.request({
          method: 'DELETE',
          path: `/subscriptions/${encodeURIComponent(part.id)}`,
        });
      } catch (error) {
        if (!isConnectorError(error, 'not_found')) throw error;
      }
    }
  }
}

/** A created item with the global id its create's answer carries (an event's iCalUId). */
function createdOfAnswer(answer: GraphAnswer, version: ItemVersion): CreatedItem {
  const globalId = nonEmptyString(answer.json.iCalUId);
  return globalId ? { ...version, globalId } : version;
}
