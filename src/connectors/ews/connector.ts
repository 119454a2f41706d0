// The ExchangeConnector over EWS (Exchange Server 2013 and later, on-premises).
import { ConnectorError, isConnectorError } from '../errors.ts';
import {
  instanceIndex,
  type OccurrenceWrite,
  occurrenceWrites,
  type SeriesWrites,
  withOccurrences,
} from '../occurrence-writes.ts';
import { problemOf } from '../problems.ts';
import type {
  ChangePage,
  ChangeSignal,
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
  OccurrenceChange,
  ReadChangesOptions,
  SubscriptionHandle,
  SubscriptionRequest,
  TimeWindow,
  WriteOptions,
} from '../types.ts';
import { parseEwsError, responseMessageFailure } from './errors.ts';
import { type FieldChange, updateChangesXml } from './mapping/common.ts';
import { contactChanges, contactFromEws, contactToEws } from './mapping/contact.ts';
import {
  eventChanges,
  eventFromEws,
  eventToEws,
  occurrenceChanges,
  occurrenceDetailsFromEws,
} from './mapping/event.ts';
import { messageChanges, messageFromEws, messageToEws } from './mapping/message.ts';
import { taskChanges, taskFromEws, taskToEws } from './mapping/task.ts';
import { readSoap } from './soap.ts';
import { type EwsTransport, responseMessages, singleMessage } from './transport.ts';
import { attr, child, children, el, isNode, leaf, text, type XNode } from './xml.ts';

/** GetItem ids per request. */
// GetItem with AllProperties for 100 items stays well under Exchange's response limits; with
// pages of 256 changes an import costs one request per 64 contacts instead of one per 37.
const GET_BATCH = 100;
const DEFAULT_PAGE = 256;
/** Occurrences per UpdateItem or DeleteItem when several series' are written together. */
const OCCURRENCE_BATCH = 100;
const FOLDER_CLASSES: Record<FolderKind, RegExp> = {
  contacts: /^IPF\.Contact/i,
  calendar: /^IPF\.Appointment/i,
  tasks: /^IPF\.Task/i,
  mail: /^IPF\.Note/i,
};
/**
 * Contact folders Exchange fills by itself, hidden in Outlook: the Recipient Cache (everyone the
 * user ever wrote to), Skype/Lync quick contacts and IM lists, GAL and organisational contacts.
 * Importing "all contact folders" must not bring thousands of such addresses into the CRM.
 */
const SYSTEM_FOLDER_CLASSES = /^IPF\.Contact\.(RecipientCache|MOC\.|GalContacts|OrganizationalContacts)/i;
const WELL_KNOWN: Record<FolderKind, string[]> = {
  contacts: ['contacts'],
  calendar: ['calendar'],
  tasks: ['tasks'],
  mail: ['inbox', 'sentitems', 'drafts', 'deleteditems'],
};
const ITEM_TAGS: Record<FolderKind, string> = {
  contacts: 't:Contact',
  calendar: 't:CalendarItem',
  tasks: 't:Task',
  mail: 't:Message',
};
const FROM_EWS: { [K in FolderKind]: (n: XNode) => ItemByKind[K] } = {
  contacts: contactFromEws,
  calendar: eventFromEws,
  tasks: taskFromEws,
  mail: messageFromEws,
};
const TO_EWS: { [K in FolderKind]: (i: ItemByKind[K]) => string } = {
  contacts: contactToEws,
  calendar: eventToEws,
  tasks: taskToEws,
  mail: messageToEws,
};
const CHANGES: { [K in FolderKind]: (i: ItemByKind[K]) => FieldChange[] } = {
  contacts: contactChanges,
  calendar: eventChanges,
  tasks: taskChanges,
  mail: messageChanges,
};
const ITEM_ELEMENTS = [
  'Item',
  'Message',
  'CalendarItem',
  'Contact',
  'Task',
  'MeetingRequest',
  'MeetingResponse',
  'MeetingCancellation',
  'DistributionList',
  'PostItem',
];
const FOLDER_ELEMENTS = ['Folder', 'CalendarFolder', 'ContactsFolder', 'SearchFolder', 'TasksFolder'];

export interface EwsConnectorOptions {
  transport: EwsTransport;
  /** The mailbox's SMTP address. */
  mailbox: string;
}

/**
 * CreateItem's attributes: a sync run never sends a meeting request (the attendees' copies are
 * theirs to sync), so calendar items are saved with `SendToNone`; mail is saved, not sent.
 */
function createAttributes(kind: FolderKind): Record<string, string> {
  if (kind === 'calendar') return { SendMeetingInvitations: 'SendToNone' };
  if (kind === 'mail') return { MessageDisposition: 'SaveOnly' };
  return {};
}

/** What GetItem asks for beyond AllProperties, by kind: a meeting's identity, series and zones. */
const EXTRA_PROPERTIES: Partial<Record<FolderKind, string[]>> = {
  calendar: [
    'calendar:UID',
    'calendar:IsOrganizer',
    'calendar:MyResponseType',
    'calendar:IsCancelled',
    'calendar:Recurrence',
    'calendar:ModifiedOccurrences',
    'calendar:DeletedOccurrences',
    'calendar:StartTimeZoneId',
    'calendar:EndTimeZoneId',
  ],
};

/** A folder id element: distinguished names pass as DistinguishedFolderId. */
export function folderIdXml(id: string, tag = 't:FolderId'): string {
  return /^[a-z]+$/.test(id) ? el('t:DistinguishedFolderId', { Id: id }) : el(tag, { Id: id });
}

function firstItem(n: XNode | undefined): XNode | undefined {
  for (const name of ITEM_ELEMENTS) {
    const item = child(n, name);
    if (item) return item;
  }
  return undefined;
}

function versionOf(item: XNode | undefined): ItemVersion | undefined {
  const id = child(item, 'ItemId');
  const value = attr(id, 'Id');
  return value ? { id: ownString(value), version: ownString(attr(id, 'ChangeKey') ?? '') } : undefined;
}

/**
 * The parser hands out substrings of the whole answer, and V8 keeps an answer (half a megabyte
 * for 100 contacts) alive as long as any of its substrings lives. Ids and change keys outlive
 * the page they came in (the sync keeps the ids it has seen), so they get storage of their own.
 */
function ownString(value: string): string {
  return Buffer.from(value, 'utf8').toString('utf8');
}

/**
 * The GetItem work of one list of ids (a page of changes, or a getItems call): which ids are
 * asked for already, the exceptions of the series read so far still to read, and each id's
 * result in the order of `ids`.
 */
class ItemFetch<T> {
  readonly ids: string[];
  /** How many of `ids` have been asked for, in order. */
  asked = 0;
  readonly exceptions: OccurrenceChange[] = [];
  readonly results: Array<ItemResult<T> | undefined>;

  constructor(ids: string[]) {
    this.ids = ids;
    this.results = new Array(ids.length);
  }

  get done(): boolean {
    return this.asked === this.ids.length && this.exceptions.length === 0;
  }
}

/** One id of a GetItem: an item of a fetch (by its place), or an exception a series of it needs. */
type FetchRef<T> =
  | { fetch: ItemFetch<T>; index: number; exception?: undefined }
  | { fetch: ItemFetch<T>; index?: undefined; exception: OccurrenceChange };

/**
 * Up to `room` ids of `fetch` for one GetItem: its items first, in full requests, then, once all
 * are asked for, the exceptions they brought. Exceptions found by the last items still need one
 * more request; items first keeps that to one (exceptions first would spread the items over one
 * request more).
 */
function takeRefs<T>(fetch: ItemFetch<T>, room: number): Array<FetchRef<T>> {
  const refs: Array<FetchRef<T>> = [];
  while (refs.length < room && fetch.asked < fetch.ids.length) refs.push({ fetch, index: fetch.asked++ });
  while (refs.length < room && fetch.asked === fetch.ids.length && fetch.exceptions.length > 0)
    refs.push({ fetch, exception: fetch.exceptions.shift()! });
  return refs;
}

/** What one SyncFolderItems call listed, and the GetItem work of its changed items. */
interface ListedChanges<T> {
  fetch: ItemFetch<T>;
  deletes: string[];
  cursor: string;
  done: boolean;
}

/** One GetItem answer message as the result for `id` (the `k`th id of the request). */
function itemResult<T>(kind: FolderKind, id: string, m: XNode | undefined, k: number): ItemResult<T> {
  if (!m)
    return {
      ok: false,
      id,
      error: new ConnectorError('invalid_response', `GetItem returned no answer for item ${k + 1}.`),
    };
  const failure = responseMessageFailure(m);
  if (failure) return { ok: false, id, error: parseEwsError(failure, 'GetItem') };
  const item = firstItem(child(m, 'Items'));
  const v = versionOf(item);
  if (!item || !v)
    return {
      ok: false,
      id,
      error: new ConnectorError('invalid_response', 'GetItem returned an item without an ItemId.'),
    };
  try {
    return { ok: true, id: v.id, version: v.version, item: FROM_EWS[kind](item) as T };
  } catch (error) {
    return {
      ok: false,
      id,
      error: new ConnectorError(
        'invalid_response',
        `Item ${id} could not be read: ${(error as Error).message}`,
      ),
    };
  }
}

export class EwsConnector implements ExchangeConnector {
  readonly protocol = 'ews' as const;
  readonly mailbox: string;
  private readonly transport: EwsTransport;

  constructor(options: EwsConnectorOptions) {
    this.transport = options.transport;
    this.mailbox = options.mailbox;
  }

  async testConnection(): Promise<ConnectionTestResult> {
    try {
      const response = await this.transport.call(
        'GetFolder',
        el(
          'm:GetFolder',
          null,
          el('m:FolderShape', null, leaf('t:BaseShape', 'IdOnly')),
          el('m:FolderIds', null, el('t:DistinguishedFolderId', { Id: 'inbox' })),
        ),
      );
      singleMessage(response, 'GetFolder');
      return {
        ok: true,
        mailbox: this.mailbox,
        message: `Connected to the Exchange mailbox ${this.mailbox}.`,
      };
    } catch (error) {
      return problemOf(error, 'Exchange');
    }
  }

  /**
   * The mailbox owner's display name as Exchange knows it: ResolveNames of the mailbox's own
   * address in the directory (MS-OXWSRSLNM). Exchange writes this name into a task's Owner. Null
   * when the directory does not resolve the address to a mailbox.
   */
  async ownerDisplayName(): Promise<string | null> {
    const response = await this.transport.call(
      'ResolveNames',
      el(
        'm:ResolveNames',
        { ReturnFullContactData: 'false', SearchScope: 'ActiveDirectory' },
        leaf('m:UnresolvedEntry', `SMTP:${this.mailbox}`),
      ),
    );
    const [message] = responseMessages(response);
    // No match is an error message (ErrorNameResolutionNoResults): Exchange does not say.
    if (!message || responseMessageFailure(message)) return null;
    const own = this.mailbox.toLowerCase();
    for (const resolution of children(child(message, 'ResolutionSet'), 'Resolution')) {
      const mailbox = child(resolution, 'Mailbox');
      if (text(mailbox, 'EmailAddress')?.toLowerCase() !== own) continue;
      return text(mailbox, 'Name')?.trim() || null;
    }
    return null;
  }

  async listFolders(kind: FolderKind): Promise<FolderNode[]> {
    const folders = new Map<string, { parentId?: string; name: string; folderClass?: string }>();
    let syncState: string | undefined;
    for (;;) {
      const response = await this.transport.call(
        'SyncFolderHierarchy',
        el(
          'm:SyncFolderHierarchy',
          null,
          el(
            'm:FolderShape',
            null,
            leaf('t:BaseShape', 'IdOnly'),
            el(
              't:AdditionalProperties',
              null,
              el('t:FieldURI', { FieldURI: 'folder:DisplayName' }),
              el('t:FieldURI', { FieldURI: 'folder:FolderClass' }),
              el('t:FieldURI', { FieldURI: 'folder:ParentFolderId' }),
            ),
          ),
          leaf('m:SyncState', syncState),
        ),
      );
      const message = singleMessage(response, 'SyncFolderHierarchy');
      const changes = child(message, 'Changes');
      for (const tag of ['Create', 'Update']) {
        for (const change of children(changes, tag)) {
          for (const ft of FOLDER_ELEMENTS) {
            const f = child(change, ft);
            const id = attr(child(f, 'FolderId'), 'Id');
            if (!f || !id) continue;
            folders.set(id, {
              parentId: attr(child(f, 'ParentFolderId'), 'Id'),
              name: typeof f.DisplayName === 'string' ? f.DisplayName : '',
              folderClass:
                typeof f.FolderClass === 'string' ? f.FolderClass : ft === 'Folder' ? 'IPF.Note' : undefined,
            });
          }
        }
      }
      for (const d of children(changes, 'Delete')) {
        const id = attr(child(d, 'FolderId'), 'Id');
        if (id) folders.delete(id);
      }
      syncState = typeof message.SyncState === 'string' ? message.SyncState : undefined;
      if (message.IncludesLastFolderInRange !== 'false' || !syncState) break;
    }
    const wellKnown = await this.wellKnownIds([...new Set([...WELL_KNOWN[kind], 'deleteditems'])]);
    // A folder deleted in Outlook lands in Deleted Items with its items: for contacts, calendars
    // and tasks it is gone, not one more folder to sync.
    const trash = [...wellKnown].find(([, name]) => name === 'deleteditems')?.[0];
    const inTrash = (id: string): boolean => {
      for (let at = folders.get(id)?.parentId, hops = 0; at && hops < 64; hops++) {
        if (at === trash) return true;
        at = folders.get(at)?.parentId;
      }
      return false;
    };
    const nodes = new Map<string, FolderNode>();
    for (const [id, f] of folders) {
      if (!FOLDER_CLASSES[kind].test(f.folderClass ?? '') || SYSTEM_FOLDER_CLASSES.test(f.folderClass ?? ''))
        continue;
      if (kind !== 'mail' && inTrash(id)) continue;
      const known = wellKnown.get(id);
      nodes.set(id, {
        id,
        name: f.name,
        kind,
        ...(f.parentId ? { parentId: f.parentId } : {}),
        ...(known ? { wellKnown: known } : {}),
        children: [],
      });
    }
    const roots: FolderNode[] = [];
    for (const node of nodes.values()) {
      const parent = node.parentId ? nodes.get(node.parentId) : undefined;
      if (parent) parent.children.push(node);
      else roots.push(node);
    }
    return roots;
  }

  private async wellKnownIds(names: string[]): Promise<Map<string, string>> {
    const response = await this.transport.call(
      'GetFolder',
      el(
        'm:GetFolder',
        null,
        el('m:FolderShape', null, leaf('t:BaseShape', 'IdOnly')),
        el(
          'm:FolderIds',
          null,
          names.map((n) => el('t:DistinguishedFolderId', { Id: n })),
        ),
      ),
    );
    const out = new Map<string, string>();
    responseMessages(response).forEach((m, i) => {
      const folders = child(m, 'Folders');
      for (const ft of FOLDER_ELEMENTS) {
        const id = attr(child(child(folders, ft), 'FolderId'), 'Id');
        if (id) out.set(id, names[i]);
      }
    });
    return out;
  }

  async *readChanges<K extends FolderKind>(
    folder: FolderRef & { kind: K },
    cursor: string | undefined,
    options: ReadChangesOptions = {},
  ): AsyncIterable<ChangePage<ItemByKind[K]>> {
    const max = Math.min(512, Math.max(1, options.pageSize ?? DEFAULT_PAGE));
    const list = (state: string | undefined) => {
      options.signal?.throwIfAborted();
      return this.listChanges<ItemByKind[K]>(folder, state, max);
    };
    let page = await list(cursor);
    /** The next page, listed early to fill a request the page's exceptions need anyway. */
    let ahead: ListedChanges<ItemByKind[K]> | undefined;
    for (;;) {
      while (!page.fetch.done) {
        options.signal?.throwIfAborted();
        const refs = takeRefs(page.fetch, GET_BATCH);
        // The page's last request carries exceptions of series read in its earlier requests
        // (a calendar's): what room is left reads the next page's first items, instead of each
        // page paying a request of its own for its exceptions. The page is still handed out
        // only once all its items and exceptions are in, with its own cursor, so a run stopped
        // after it resumes from there and lists the next page again.
        if (
          refs.length < GET_BATCH &&
          !page.done &&
          page.fetch.asked === page.fetch.ids.length &&
          refs.some((r) => r.exception)
        ) {
          ahead ??= await list(page.cursor);
          refs.push(...takeRefs(ahead.fetch, GET_BATCH - refs.length));
        }
        await this.getItemRound(folder, refs);
      }
      const upserts: ChangePage<ItemByKind[K]>['upserts'] = [];
      const deletes = [...page.deletes];
      for (const r of page.fetch.results as Array<ItemResult<ItemByKind[K]>>) {
        if (r.ok) upserts.push({ id: r.id, version: r.version, item: r.item });
        else if (r.error.code === 'not_found') deletes.push(r.id);
        else throw r.error;
      }
      yield { upserts, deletes, cursor: page.cursor, done: page.done };
      if (page.done) return;
      page = ahead ?? (await list(page.cursor));
      ahead = undefined;
    }
  }

  /** One SyncFolderItems call: the ids changed since `syncState` (to read), those deleted, where it ends. */
  private async listChanges<T>(
    folder: FolderRef,
    syncState: string | undefined,
    max: number,
  ): Promise<ListedChanges<T>> {
    const response = await this.transport.call(
      'SyncFolderItems',
      el(
        'm:SyncFolderItems',
        null,
        el('m:ItemShape', null, leaf('t:BaseShape', 'IdOnly')),
        el('m:SyncFolderId', null, folderIdXml(folder.id)),
        leaf('m:SyncState', syncState),
        leaf('m:MaxChangesReturned', max),
      ),
    );
    const message = singleMessage(response, 'SyncFolderItems');
    const changes = child(message, 'Changes');
    const changed = new Set<string>();
    const deletes: string[] = [];
    for (const tag of ['Create', 'Update']) {
      for (const c of children(changes, tag)) {
        const v = versionOf(firstItem(c));
        if (v) changed.add(v.id);
      }
    }
    for (const c of children(changes, 'ReadFlagChange')) {
      const id = attr(child(c, 'ItemId'), 'Id');
      if (id) changed.add(id);
    }
    for (const c of children(changes, 'Delete')) {
      const id = attr(child(c, 'ItemId'), 'Id');
      if (id) {
        deletes.push(id);
        changed.delete(id);
      }
    }
    const next = typeof message.SyncState === 'string' ? message.SyncState : undefined;
    if (!next) throw new ConnectorError('invalid_response', 'SyncFolderItems answered without a SyncState.');
    return {
      fetch: new ItemFetch<T>([...changed]),
      deletes,
      cursor: next,
      done: message.IncludesLastItemInRange !== 'false',
    };
  }

  async getItems<K extends FolderKind>(
    folder: FolderRef & { kind: K },
    ids: string[],
  ): Promise<Array<ItemResult<ItemByKind[K]>>> {
    const fetch = new ItemFetch<ItemByKind[K]>(ids);
    while (!fetch.done) await this.getItemRound(folder, takeRefs(fetch, GET_BATCH));
    return fetch.results as Array<ItemResult<ItemByKind[K]>>;
  }

  /**
   * One GetItem of items and exceptions together (Exchange takes any item ids in one request):
   * each item's result is kept in its fetch, and a series' exceptions join that fetch's
   * exceptions still to read. A series master's ModifiedOccurrences carry only times: what else
   * an exception changes (subject, location, body, free/busy status, reminder) is read from the
   * exception itself, with the items' shape (AllProperties holds them all).
   */
  private async getItemRound<T>(folder: FolderRef, refs: Array<FetchRef<T>>): Promise<void> {
    const response = await this.getItemXml(
      refs.map((r) => (r.exception ? r.exception.id! : r.fetch.ids[r.index])),
      EXTRA_PROPERTIES[folder.kind] ?? [],
    );
    const messages = responseMessages(response);
    refs.forEach((ref, k) => {
      const m = messages[k];
      if (ref.exception) {
        // An exception that cannot be read keeps what its series says of it (its times).
        if (!m || responseMessageFailure(m)) return;
        const occurrence = firstItem(child(m, 'Items'));
        if (occurrence) Object.assign(ref.exception, occurrenceDetailsFromEws(occurrence));
        return;
      }
      const result = itemResult<T>(folder.kind, ref.fetch.ids[ref.index], m, k);
      ref.fetch.results[ref.index] = result;
      if (result.ok && folder.kind === 'calendar')
        for (const o of (result.item as NeutralEvent).modifiedOccurrences ?? [])
          if (o.id !== undefined) ref.fetch.exceptions.push(o);
    });
  }

  /** GetItem of `ids` with AllProperties, the body as stored and `extra` fields. */
  private getItemXml(ids: string[], extra: string[], baseShape = 'AllProperties'): Promise<XNode> {
    return this.transport.call(
      'GetItem',
      el(
        'm:GetItem',
        null,
        el(
          'm:ItemShape',
          null,
          leaf('t:BaseShape', baseShape),
          leaf('t:BodyType', 'Best'),
          extra.length
            ? el(
                't:AdditionalProperties',
                null,
                extra.map((uri) => el('t:FieldURI', { FieldURI: uri })),
              )
            : '',
        ),
        el(
          'm:ItemIds',
          null,
          ids.map((id) => el('t:ItemId', { Id: id })),
        ),
      ),
    );
  }

  async createItem<K extends FolderKind>(
    folder: FolderRef & { kind: K },
    item: ItemByKind[K],
    _options?: WriteOptions,
  ): Promise<CreatedItem> {
    const response = await this.transport.call(
      'CreateItem',
      el(
        'm:CreateItem',
        createAttributes(folder.kind),
        el('m:SavedItemFolderId', null, folderIdXml(folder.id)),
        el('m:Items', null, TO_EWS[folder.kind](item as never)),
      ),
    );
    const v = versionOf(firstItem(child(singleMessage(response, 'CreateItem'), 'Items')));
    if (!v) throw new ConnectorError('invalid_response', 'CreateItem did not return the new item id.');
    const [done] = await withOccurrences(folder, [item], [v], (series) => this.writeOccurrences(series));
    return done ?? v;
  }

  async createItems<K extends FolderKind>(
    folder: FolderRef & { kind: K },
    items: Array<ItemByKind[K]>,
    _options?: WriteOptions,
  ): Promise<CreateResult[]> {
    if (items.length === 0) return [];
    const response = await this.transport.call(
      'CreateItem',
      el(
        'm:CreateItem',
        createAttributes(folder.kind),
        el('m:SavedItemFolderId', null, folderIdXml(folder.id)),
        el(
          'm:Items',
          null,
          items.map((item) => TO_EWS[folder.kind](item as never)),
        ),
      ),
    );
    const messages = responseMessages(response);
    const results = items.map((_, k): CreateResult => {
      const m = messages[k];
      if (!m)
        return {
          ok: false,
          error: new ConnectorError('invalid_response', `CreateItem returned no answer for item ${k + 1}.`),
        };
      const failure = responseMessageFailure(m);
      if (failure) return { ok: false, error: parseEwsError(failure, 'CreateItem') };
      const v = versionOf(firstItem(child(m, 'Items')));
      if (!v)
        return {
          ok: false,
          error: new ConnectorError('invalid_response', 'CreateItem did not return the new item id.'),
        };
      return { ok: true, ...v };
    });
    // The new series' occurrences, all series together.
    const done = await withOccurrences(
      folder,
      items,
      results.map((r) => (r.ok ? r : undefined)),
      (series) => this.writeOccurrences(series),
    );
    return results.map((r, k) => (r.ok ? { ok: true, ...(done[k] ?? r) } : r));
  }

  async updateItem<K extends FolderKind>(
    folder: FolderRef & { kind: K },
    id: string,
    version: string,
    item: ItemByKind[K],
    previous?: ItemByKind[K],
    _options?: WriteOptions,
  ): Promise<ItemVersion> {
    const attrs: Record<string, string> = { ConflictResolution: 'NeverOverwrite' };
    // A sync writes what the organizer already decided: Exchange must not mail the attendees.
    if (folder.kind === 'calendar') attrs.SendMeetingInvitationsOrCancellations = 'SendToNone';
    if (folder.kind === 'mail') attrs.MessageDisposition = 'SaveOnly';
    let fields = CHANGES[folder.kind](item as never);
    if (previous) {
      // Only what differs: a field set or deleted that the caller did not change could be one
      // it has no value for at all (a radio phone number), and would be wiped.
      const key = (c: FieldChange) => `${c.uri}#${c.index ?? ''}`;
      const before = new Map(CHANGES[folder.kind](previous as never).map((c) => [key(c), c.xml]));
      fields = fields.filter((c) => !before.has(key(c)) || before.get(key(c)) !== c.xml);
      // A series made a single meeting: its pattern is deleted (eventChanges sets it only when there is one).
      if (
        folder.kind === 'calendar' &&
        before.has('calendar:Recurrence#') &&
        !(item as NeutralEvent).recurrence
      )
        fields.push({ uri: 'calendar:Recurrence' });
    }
    // A series' changed occurrences are written on the occurrences, after the series itself.
    const writes =
      folder.kind === 'calendar'
        ? occurrenceWrites(
            item as NeutralEvent,
            previous as NeutralEvent | undefined,
            fields.some((f) => f.uri === 'calendar:Recurrence' && f.xml),
          )
        : [];
    if (previous && fields.length === 0 && writes.length === 0) return { id, version };
    let written: ItemVersion = { id, version };
    if (fields.length > 0 || !previous) written = await this.updateFields(folder, id, version, fields, attrs);
    if (writes.length === 0) return written;
    const [after] = await this.writeOccurrences([{ id, series: item as NeutralEvent, writes }]);
    if (isConnectorError(after)) throw after;
    return after;
  }

  private async updateFields(
    folder: FolderRef,
    id: string,
    version: string,
    fields: FieldChange[],
    attrs: Record<string, string>,
  ): Promise<ItemVersion> {
    const changes = updateChangesXml(ITEM_TAGS[folder.kind], fields);
    const response = await this.transport.call(
      'UpdateItem',
      el(
        'm:UpdateItem',
        attrs,
        el(
          'm:ItemChanges',
          null,
          el(
            't:ItemChange',
            null,
            el('t:ItemId', { Id: id, ChangeKey: version }),
            el('t:Updates', null, changes),
          ),
        ),
      ),
    );
    const v = versionOf(firstItem(child(singleMessage(response, 'UpdateItem'), 'Items')));
    if (!v) throw new ConnectorError('invalid_response', 'UpdateItem did not return the item id.');
    return v;
  }

  /**
   * Several series' modified occurrences by UpdateItem and deleted ones by DeleteItem, each
   * request carrying many series' occurrences, each occurrence addressed as itself (its
   * exception's ItemId, else OccurrenceItemId by InstanceIndex), never by a series' pattern;
   * nothing is sent to attendees (SendToNone). Then the series' new ChangeKeys (the occurrences
   * are kept on the series) by GetItem. Each series' answer is its own: its version, or the
   * first failure among its writes. As when each series went alone, a series' deletions wait
   * for its updates: one whose updates failed (or one of which has no occurrence there) gets
   * no deletions.
   */
  private async writeOccurrences(series: SeriesWrites[]): Promise<Array<ItemVersion | ConnectorError>> {
    const failed: Array<ConnectorError | undefined> = series.map(() => undefined);
    const fail = (k: number, error: ConnectorError) => {
      failed[k] ??= error;
    };
    /** A series' writes of one kind with their addresses; undefined when one has none. */
    const addressed = (k: number, kind: OccurrenceWrite['kind']) => {
      const out: Array<{ k: number; w: OccurrenceWrite; ref: string }> = [];
      for (const w of series[k].writes.filter((x) => x.kind === kind)) {
        if (w.id) {
          out.push({ k, w, ref: el('t:ItemId', { Id: w.id }) });
          continue;
        }
        const index = instanceIndex(series[k].series, w.originalStart);
        if (index === undefined) {
          fail(k, new ConnectorError('not_found', `The series has no occurrence at ${w.originalStart}.`));
          return [];
        }
        out.push({
          k,
          w,
          ref: el('t:OccurrenceItemId', { RecurringMasterId: series[k].id, InstanceIndex: String(index) }),
        });
      }
      return out;
    };
    /** Sends `writes` in requests of OCCURRENCE_BATCH; a failure is its series'. */
    const send = async (
      writes: Array<{ k: number; w: OccurrenceWrite; ref: string }>,
      operation: 'UpdateItem' | 'DeleteItem',
      body: (batch: typeof writes) => string,
    ) => {
      for (let i = 0; i < writes.length; i += OCCURRENCE_BATCH) {
        const batch = writes.slice(i, i + OCCURRENCE_BATCH);
        let messages: XNode[];
        try {
          messages = responseMessages(await this.transport.call(operation, body(batch)));
        } catch (error) {
          if (!isConnectorError(error)) throw error;
          for (const x of batch) fail(x.k, error);
          continue;
        }
        batch.forEach((x, j) => {
          const m = messages[j];
          const failure = m && responseMessageFailure(m);
          if (!m)
            fail(
              x.k,
              new ConnectorError(
                'invalid_response',
                `${operation} returned no answer for occurrence ${j + 1}.`,
              ),
            );
          else if (failure) fail(x.k, parseEwsError(failure, operation));
        });
      }
    };
    const all = series.map((_, k) => k);
    await send(
      all.flatMap((k) => addressed(k, 'update')),
      'UpdateItem',
      (batch) =>
        el(
          'm:UpdateItem',
          { ConflictResolution: 'AlwaysOverwrite', SendMeetingInvitationsOrCancellations: 'SendToNone' },
          el(
            'm:ItemChanges',
            null,
            batch.map(({ w, ref }) =>
              el(
                't:ItemChange',
                null,
                ref,
                el(
                  't:Updates',
                  null,
                  w.kind === 'update'
                    ? updateChangesXml('t:CalendarItem', occurrenceChanges(w.change, w.fields))
                    : '',
                ),
              ),
            ),
          ),
        ),
    );
    await send(
      all.filter((k) => !failed[k]).flatMap((k) => addressed(k, 'delete')),
      'DeleteItem',
      (batch) =>
        el(
          'm:DeleteItem',
          { DeleteType: 'MoveToDeletedItems', SendMeetingCancellations: 'SendToNone' },
          el(
            'm:ItemIds',
            null,
            batch.map((x) => x.ref),
          ),
        ),
    );
    // The series' ChangeKeys once their occurrences are written.
    const read = all.filter((k) => !failed[k]);
    const versions = new Map<number, ItemVersion>();
    for (let i = 0; i < read.length; i += GET_BATCH) {
      const batch = read.slice(i, i + GET_BATCH);
      let messages: XNode[];
      try {
        messages = responseMessages(
          await this.getItemXml(
            batch.map((k) => series[k].id),
            [],
            'IdOnly',
          ),
        );
      } catch (error) {
        if (!isConnectorError(error)) throw error;
        for (const k of batch) fail(k, error);
        continue;
      }
      batch.forEach((k, j) => {
        const m = messages[j];
        const v = m && !responseMessageFailure(m) ? versionOf(firstItem(child(m, 'Items'))) : undefined;
        if (v) versions.set(k, v);
        else
          fail(
            k,
            new ConnectorError(
              'invalid_response',
              'GetItem did not return the series after its occurrences were written.',
            ),
          );
      });
    }
    return series.map((_, k) => failed[k] ?? versions.get(k)!);
  }

  async deleteItem(folder: FolderRef, id: string): Promise<void> {
    const attrs: Record<string, string> = { DeleteType: 'MoveToDeletedItems' };
    if (folder.kind === 'calendar') attrs.SendMeetingCancellations = 'SendToNone';
    if (folder.kind === 'tasks') attrs.AffectedTaskOccurrences = 'AllOccurrences';
    try {
      const response = await this.transport.call(
        'DeleteItem',
        el('m:DeleteItem', attrs, el('m:ItemIds', null, el('t:ItemId', { Id: id }))),
      );
      singleMessage(response, 'DeleteItem');
    } catch (error) {
      if (!isConnectorError(error, 'not_found')) throw error;
    }
  }

  async freeBusy(addresses: string[], window: TimeWindow, intervalMinutes = 30): Promise<FreeBusyResult[]> {
    const zero = (tag: string) =>
      el(
        tag,
        null,
        leaf('t:Bias', 0),
        leaf('t:Time', '02:00:00'),
        leaf('t:DayOrder', 1),
        leaf('t:Month', 1),
        leaf('t:DayOfWeek', 'Sunday'),
      );
    const response = await this.transport.call(
      'GetUserAvailability',
      el(
        'm:GetUserAvailabilityRequest',
        null,
        el('t:TimeZone', null, leaf('t:Bias', 0), zero('t:StandardTime'), zero('t:DaylightTime')),
        el(
          'm:MailboxDataArray',
          null,
          addresses.map((a) =>
            el(
              't:MailboxData',
              null,
              el('t:Email', null, leaf('t:Address', a)),
              leaf('t:AttendeeType', 'Required'),
            ),
          ),
        ),
        el(
          't:FreeBusyViewOptions',
          null,
          el(
            't:TimeWindow',
            null,
            leaf('t:StartTime', window.start.replace(/Z$/, '')),
            leaf('t:EndTime', window.end.replace(/Z$/, '')),
          ),
          leaf('t:MergedFreeBusyIntervalInMinutes', intervalMinutes),
          leaf('t:RequestedView', 'FreeBusy'),
        ),
      ),
    );
    const list = children(child(response, 'FreeBusyResponseArray'), 'FreeBusyResponse');
    const STATUS: Record<string, FreeBusyResult['slots'][number]['status']> = {
      Free: 'free',
      Tentative: 'tentative',
      Busy: 'busy',
      OOF: 'oof',
      WorkingElsewhere: 'workingElsewhere',
      NoData: 'unknown',
    };
    const utc = (v: unknown) => new Date(`${String(v).replace(/Z$/, '')}Z`).toISOString();
    return addresses.map((address, i) => {
      const r = list[i];
      const message = child(r, 'ResponseMessage');
      const failure = message ? responseMessageFailure(message) : undefined;
      if (!r || failure)
        return {
          address,
          slots: [],
          error: failure?.message ?? 'Exchange returned no availability for this address.',
        };
      const events = children(child(child(r, 'FreeBusyView'), 'CalendarEventArray'), 'CalendarEvent');
      return {
        address,
        slots: events.map((e) => ({
          start: utc(e.StartTime),
          end: utc(e.EndTime),
          status: STATUS[String(e.BusyType)] ?? 'unknown',
        })),
      };
    });
  }

  async sendMessage(message: NeutralMessage): Promise<void> {
    const response = await this.transport.call(
      'CreateItem',
      el(
        'm:CreateItem',
        { MessageDisposition: 'SendAndSaveCopy' },
        el('m:SavedItemFolderId', null, el('t:DistinguishedFolderId', { Id: 'sentitems' })),
        el('m:Items', null, messageToEws(message)),
      ),
    );
    singleMessage(response, 'CreateItem');
  }

  async subscribe(request: SubscriptionRequest): Promise<SubscriptionHandle> {
    const response = await this.transport.call(
      'Subscribe',
      el(
        'm:Subscribe',
        null,
        el(
          'm:StreamingSubscriptionRequest',
          null,
          el(
            't:FolderIds',
            null,
            request.folders.map((f) => folderIdXml(f.id)),
          ),
          el(
            't:EventTypes',
            null,
            [
              'NewMailEvent',
              'CreatedEvent',
              'DeletedEvent',
              'ModifiedEvent',
              'MovedEvent',
              'CopiedEvent',
            ].map((e) => leaf('t:EventType', e)),
          ),
        ),
      ),
    );
    const message = singleMessage(response, 'Subscribe');
    const id = typeof message.SubscriptionId === 'string' ? message.SubscriptionId : undefined;
    if (!id) throw new ConnectorError('invalid_response', 'Subscribe returned no SubscriptionId.');
    return { id, parts: request.folders.map((folder) => ({ id, folder })) };
  }

  /** Streaming subscriptions live as long as a connection is open (and 30 minutes after): nothing to renew. */
  async renewSubscription(handle: SubscriptionHandle): Promise<SubscriptionHandle> {
    return handle;
  }

  async unsubscribe(handle: SubscriptionHandle): Promise<void> {
    try {
      const response = await this.transport.call(
        'Unsubscribe',
        el('m:Unsubscribe', null, leaf('m:SubscriptionId', handle.id)),
      );
      singleMessage(response, 'Unsubscribe');
    } catch (error) {
      if (
        !isConnectorError(error, 'not_found') &&
        !(isConnectorError(error) && error.serverCode === 'ErrorSubscriptionNotFound')
      )
        throw error;
    }
  }

  async *streamSignals(
    handle: SubscriptionHandle,
    options: { signal?: AbortSignal; timeoutMinutes?: number } = {},
  ): AsyncIterable<ChangeSignal> {
    const minutes = Math.min(30, Math.max(1, options.timeoutMinutes ?? 30));
    const body = el(
      'm:GetStreamingEvents',
      null,
      el('m:SubscriptionIds', null, leaf('t:SubscriptionId', handle.id)),
      leaf('m:ConnectionTimeout', minutes),
    );
    for await (const envelopeText of this.transport.stream(
      'GetStreamingEvents',
      body,
      minutes,
      options.signal,
    )) {
      const answer = readSoap(envelopeText);
      if (answer.fault)
        throw parseEwsError(
          { responseCode: answer.fault.responseCode, message: answer.fault.message },
          'GetStreamingEvents',
        );
      for (const message of responseMessages(answer.body)) {
        const failure = responseMessageFailure(message);
        if (failure) {
          const error = parseEwsError(failure, 'GetStreamingEvents');
          if (failure.responseCode === 'ErrorSubscriptionNotFound' || error.code === 'resync_needed') {
            yield { type: 'resync', reason: failure.responseCode ?? 'subscription lost' };
            return;
          }
          throw error;
        }
        for (const n of children(child(message, 'Notifications'), 'Notification')) {
          for (const [name, value] of Object.entries(n)) {
            if (!name.endsWith('Event') || name === 'StatusEvent') continue;
            for (const event of Array.isArray(value) ? value : [value]) {
              if (!isNode(event)) continue;
              const folderId =
                attr(child(event, 'ParentFolderId'), 'Id') ?? attr(child(event, 'FolderId'), 'Id');
              yield folderId ? { type: 'changed', folderId } : { type: 'changed' };
            }
          }
        }
        if (message.ConnectionStatus === 'Closed') return;
      }
    }
  }
}
