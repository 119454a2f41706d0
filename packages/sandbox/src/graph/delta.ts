// Delta queries. A delta token wraps the store's signed sync position plus what the client
// asked for ($select, a calendar view's window), so the links carry the whole request state:
//   …/delta?$skiptoken=…   more pages of this round follow (@odata.nextLink)
//   …/delta?$deltatoken=…  the round is complete; call it later for changes (@odata.deltaLink)
// Paging walks the folder's change log, so an item changed after it was sent on an earlier page
// is sent again on a later page of the same round: the same item may appear more than once, as
// Graph warns. Removed items come as { id, "@removed": { reason } }: "deleted" when the item is
// gone from the mailbox, "changed" when it still exists elsewhere (moved out, or to Deleted Items).
import type { Folder, ItemKind } from '../model.ts';
import type { SyncPosition } from '../store-api.ts';
import { syncStateNotFound } from './errors.ts';
import type { Json } from './mappers/common.ts';
import { contextUrl, MAX_PAGE_SIZE, selfLink } from './paging.ts';
import { applySelect, option, parseSelect } from './query/options.ts';
import type { GraphResponse, RouteCall } from './types.ts';

/** Outlook's default page size for delta rounds. */
export const DEFAULT_DELTA_PAGE_SIZE = 10;

export interface ViewWindow {
  /** ISO instants. */
  start: string;
  end: string;
  /** Head position (store token) taken when an initial calendar view round began. */
  head?: string;
  /** Sort key of the last instance sent in the initial round. */
  cursor?: string;
}

export interface DeltaToken {
  /** The store's encoded position. */
  p: string;
  /** $select as the client first sent it. */
  s?: string;
  /** Calendar view window and initial-round progress. */
  v?: ViewWindow;
}

export function encodeDeltaToken(token: DeltaToken): string {
  return Buffer.from(JSON.stringify(token), 'utf8').toString('base64url');
}

export function decodeDeltaToken(text: string): DeltaToken {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as DeltaToken;
    if (typeof token?.p !== 'string') throw new Error('no position');
    return token;
  } catch {
    throw syncStateNotFound();
  }
}

/** The token of a request to a delta function, if it carries one. */
export function requestToken(call: RouteCall): DeltaToken | undefined {
  const text = option(call.req.query, 'deltatoken') ?? option(call.req.query, 'skiptoken');
  if (text === null) return undefined;
  if (call.expireSyncState) throw syncStateNotFound();
  return decodeDeltaToken(text);
}

/** Decodes the position and checks it belongs to this mailbox and folder. */
export function positionOf(call: RouteCall, encoded: string, folderId: string | null): SyncPosition {
  const position = call.ctx.store.decodePosition(encoded);
  if (position.mailboxId !== call.mailbox.id || position.folderId !== folderId) throw syncStateNotFound();
  return position;
}

export function deltaPageSize(call: RouteCall): number {
  if (call.prefs.maxPageSize === undefined) return DEFAULT_DELTA_PAGE_SIZE;
  const size = Math.min(call.prefs.maxPageSize, MAX_PAGE_SIZE);
  call.applied.add(`odata.maxpagesize=${size}`);
  return size;
}

export function removedEntry(call: RouteCall, id: string): Json {
  const stillExists = call.ctx.store.item(call.mailbox.id, id) !== undefined;
  return { id, '@removed': { reason: stillExists ? 'changed' : 'deleted' } };
}

/** A delta response page: nextLink while `done` is false, deltaLink at the end. */
export function deltaResponse(
  call: RouteCall,
  value: Json[],
  context: string,
  token: DeltaToken,
  done: boolean,
): GraphResponse {
  const query = new URLSearchParams();
  query.set(done ? '$deltatoken' : '$skiptoken', encodeDeltaToken(token));
  if (token.s) query.set('$select', token.s);
  const select = parseSelect(token.s);
  return {
    status: 200,
    headers: {},
    body: {
      '@odata.context': contextUrl(call, context),
      value: value.map((v) => (v['@removed'] ? v : applySelect(v, select))),
      [done ? '@odata.deltaLink' : '@odata.nextLink']: selfLink(call, query),
    },
  };
}

export interface ItemDeltaSpec {
  folder: Folder;
  kind: ItemKind;
  toGraph(item: never): Json;
  context: string;
}

/** Delta of the items of one folder (contacts, events, tasks, messages). */
export function itemDelta(call: RouteCall, spec: ItemDeltaSpec): GraphResponse {
  const { store } = call.ctx;
  const token = requestToken(call);
  const selectText = option(call.req.query, 'select') ?? token?.s ?? undefined;
  const position = token
    ? positionOf(call, token.p, spec.folder.id)
    : store.startPosition(call.mailbox.id, spec.folder.id);
  const page = store.itemChangesSince(position, deltaPageSize(call));
  const value: Json[] = [];
  for (const change of page.changes) {
    if (change.type === 'delete') {
      value.push(removedEntry(call, change.itemId));
      continue;
    }
    const item = change.type === 'readFlag' ? store.item(call.mailbox.id, change.itemId) : change.item;
    if (!item || item.kind !== spec.kind) continue;
    value.push(spec.toGraph(item as never));
  }
  return deltaResponse(
    call,
    value,
    spec.context,
    { p: store.encodePosition(page.next), s: selectText },
    page.done,
  );
}

export interface FolderDeltaSpec {
  include(folder: Folder): boolean;
  toGraph(folder: Folder): Json;
  context: string;
}

/** Delta of the folder hierarchy, narrowed to one kind of folder. */
export function folderDelta(call: RouteCall, spec: FolderDeltaSpec): GraphResponse {
  const { store } = call.ctx;
  const token = requestToken(call);
  const selectText = option(call.req.query, 'select') ?? token?.s ?? undefined;
  const position = token ? positionOf(call, token.p, null) : store.startPosition(call.mailbox.id, null);
  const page = store.folderChangesSince(position, deltaPageSize(call));
  const value: Json[] = [];
  for (const change of page.changes) {
    if (change.type === 'delete') value.push({ id: change.folderId, '@removed': { reason: 'deleted' } });
    else if (spec.include(change.folder)) value.push(spec.toGraph(change.folder));
  }
  return deltaResponse(
    call,
    value,
    spec.context,
    { p: store.encodePosition(page.next), s: selectText },
    page.done,
  );
}
