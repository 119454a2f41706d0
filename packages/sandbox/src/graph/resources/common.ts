// Lookups and item operations shared by the resource modules.
import type { AnyItem, Folder, FolderClass, ItemDataByKind, ItemKind } from '../../model.ts';
import { badRequest, itemNotFound } from '../errors.ts';
import type { Json } from '../mappers/common.ts';
import { entityResponse, jsonBody, listResponse, noContent } from '../paging.ts';
import type { GraphResponse, RouteCall } from '../types.ts';

/** A folder by id or Graph well-known name (`inbox`, `sentitems`, `contacts`, …). */
export function folderById(call: RouteCall, id: string, folderClass?: FolderClass): Folder {
  const { store } = call.ctx;
  const folder =
    store.folder(call.mailbox.id, id) ?? store.distinguishedFolder(call.mailbox.id, id.toLowerCase());
  if (!folder || (folderClass && folder.folderClass !== folderClass)) throw itemNotFound();
  return folder;
}

export function defaultFolder(call: RouteCall, distinguishedId: string): Folder {
  const folder = call.ctx.store.distinguishedFolder(call.mailbox.id, distinguishedId);
  if (!folder) throw itemNotFound();
  return folder;
}

export function itemById<K extends ItemKind>(
  call: RouteCall,
  id: string,
  kind: K,
  folderId?: string,
): Extract<AnyItem, { kind: K }> {
  const item = call.ctx.store.item(call.mailbox.id, id);
  if (!item || item.kind !== kind || (folderId !== undefined && item.folderId !== folderId))
    throw itemNotFound();
  return item as Extract<AnyItem, { kind: K }>;
}

/** The change key an `If-Match` header names; undefined for none or `*`. */
export function ifMatchChangeKey(call: RouteCall): string | undefined {
  const header = call.req.headers['if-match'];
  if (!header || header.trim() === '*') return undefined;
  const m = /^(?:W\/)?"?([^"]*)"?$/.exec(header.trim());
  return m ? m[1] : header.trim();
}

export interface ViewOptions {
  timeZone?: string;
  bodyContentType?: 'text' | 'html';
  ownAddress: string;
}

export function viewOf(call: RouteCall): ViewOptions {
  if (call.prefs.bodyContentType)
    call.applied.add(`outlook.body-content-type="${call.prefs.bodyContentType}"`);
  return {
    timeZone: call.prefs.timeZone,
    bodyContentType: call.prefs.bodyContentType,
    ownAddress: call.mailbox.address,
  };
}

export function listItems<K extends ItemKind>(
  call: RouteCall,
  folders: Folder[],
  kind: K,
  toGraph: (item: Extract<AnyItem, { kind: K }>) => Json,
  context: string,
): GraphResponse {
  const entities: Json[] = [];
  for (const folder of folders) {
    for (const item of call.ctx.store.items(call.mailbox.id, folder.id)) {
      if (item.kind === kind) entities.push(toGraph(item as Extract<AnyItem, { kind: K }>));
    }
  }
  return listResponse(call, entities, context);
}

export function createItem<K extends ItemKind>(
  call: RouteCall,
  folder: Folder,
  kind: K,
  data: ItemDataByKind[K],
  toGraph: (item: Extract<AnyItem, { kind: K }>) => Json,
  context: string,
): GraphResponse {
  const item = call.ctx.store.createItem(call.mailbox.id, folder.id, kind, data, 'graph');
  return entityResponse(call, toGraph(item as Extract<AnyItem, { kind: K }>), context, 201);
}

export function patchItem<K extends ItemKind>(
  call: RouteCall,
  item: Extract<AnyItem, { kind: K }>,
  patch: Partial<ItemDataByKind[K]>,
  toGraph: (item: Extract<AnyItem, { kind: K }>) => Json,
  context: string,
): GraphResponse {
  const updated = call.ctx.store.updateItem<K>(
    call.mailbox.id,
    item.id,
    patch,
    'graph',
    ifMatchChangeKey(call),
  );
  return entityResponse(call, toGraph(updated as Extract<AnyItem, { kind: K }>), context);
}

export function deleteItem(
  call: RouteCall,
  item: AnyItem,
  mode: 'hard' | 'moveToDeletedItems',
): GraphResponse {
  call.ctx.store.deleteItem(call.mailbox.id, item.id, mode, 'graph', ifMatchChangeKey(call));
  return noContent();
}

export { jsonBody };

export function requireString(json: Json, key: string, what: string): string {
  const v = json[key];
  if (typeof v !== 'string' || !v.trim())
    throw badRequest(`${what} needs a non-empty '${key}'.`, 'ErrorInvalidArgument');
  return v;
}

/** Children of `parent` of the given class, and — recursively — whether they exist. */
export function childFolders(call: RouteCall, parentId: string, folderClass: FolderClass): Folder[] {
  return call.ctx.store
    .folders(call.mailbox.id)
    .filter((f) => f.parentId === parentId && f.folderClass === folderClass);
}
