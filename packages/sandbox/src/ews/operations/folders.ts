// GetFolder, FindFolder, SyncFolderHierarchy.

import type { Folder, Mailbox } from '../../model.ts';
import { EwsError, EwsFault } from '../errors.ts';
import { type FolderCounts, folderXml } from '../mapping/folder.ts';
import { readShape, type Shape } from '../mapping/shape.ts';
import { errorMessage, operationResponse, successMessage } from '../responses.ts';
import { childElement, childText, type XElement } from '../xml/parse.ts';
import { el, leaf } from '../xml/write.ts';
import { type OperationContext, requiredList, resolveFolder, storeErrorToEws } from './context.ts';
import { folderAccessor, readRestriction } from './restriction.ts';
import { decodeSyncState, encodeSyncState } from './sync-state.ts';

export function folderCounts(op: OperationContext, mailbox: Mailbox, folder: Folder): FolderCounts {
  const store = op.sandbox.store;
  const items = store.items(mailbox.id, folder.id);
  return {
    total: items.length,
    unread: items.filter((i) => i.kind === 'message' && !i.data.isRead).length,
    childFolders: store.folders(mailbox.id).filter((f) => f.parentId === folder.id).length,
  };
}

export function getFolder(op: OperationContext, request: XElement): string {
  const shape = readShape(childElement(request, 'FolderShape'), op.precision, op.version);
  const messages = requiredList(request, 'FolderIds').map((ref) => {
    try {
      const { mailbox, folder } = resolveFolder(op, ref);
      return successMessage(
        'GetFolderResponseMessage',
        el('m:Folders', null, folderXml(folder, folderCounts(op, mailbox, folder), shape)),
      );
    } catch (error) {
      return errorMessage('GetFolderResponseMessage', storeErrorToEws(error));
    }
  });
  return operationResponse('GetFolder', messages);
}

/** Folders below `parent`, depth-first in display order (Deep) or its children (Shallow). */
export function descendants(all: Folder[], parentId: string, deep: boolean): Folder[] {
  const children = all
    .filter((f) => f.parentId === parentId)
    .sort((a, b) => a.displayName.localeCompare(b.displayName));
  if (!deep) return children;
  return children.flatMap((c) => [c, ...descendants(all, c.id, true)]);
}

export interface Page {
  offset: number;
  max?: number;
  fromEnd: boolean;
}

export function readIndexedPage(view: XElement | undefined): Page | undefined {
  if (!view) return undefined;
  const max = view.attrs.MaxEntriesReturned !== undefined ? Number(view.attrs.MaxEntriesReturned) : undefined;
  const offset = Number(view.attrs.Offset ?? 0);
  if ((max !== undefined && (!Number.isInteger(max) || max < 1)) || !Number.isInteger(offset) || offset < 0) {
    throw new EwsFault(
      'ErrorSchemaValidation',
      'The request failed schema validation: MaxEntriesReturned must be at least 1 and Offset at least 0.',
    );
  }
  return { offset, max, fromEnd: view.attrs.BasePoint === 'End' };
}

/** Applies an IndexedPageView; returns the page and the RootFolder paging attributes. */
export function paginate<T>(
  all: T[],
  page: Page | undefined,
): { items: T[]; attrs: Record<string, string | number | boolean> } {
  if (!page) return { items: all, attrs: { TotalItemsInView: all.length, IncludesLastItemInRange: true } };
  const max = page.max ?? all.length;
  let start: number;
  let end: number;
  if (page.fromEnd) {
    end = Math.max(0, all.length - page.offset);
    start = Math.max(0, end - max);
  } else {
    start = Math.min(page.offset, all.length);
    end = Math.min(all.length, start + max);
  }
  const items = all.slice(start, end);
  const last = page.fromEnd ? start === 0 : end >= all.length;
  return {
    items,
    attrs: {
      IndexedPagingOffset: page.fromEnd ? all.length - start : end,
      TotalItemsInView: all.length,
      IncludesLastItemInRange: last,
    },
  };
}

export function findFolder(op: OperationContext, request: XElement): string {
  const shape = readShape(childElement(request, 'FolderShape'), op.precision, op.version);
  const traversal = request.attrs.Traversal ?? 'Shallow';
  if (traversal !== 'Shallow' && traversal !== 'Deep' && traversal !== 'SoftDeleted') {
    throw new EwsFault(
      'ErrorSchemaValidation',
      `The request failed schema validation: Traversal "${traversal}" is not Shallow, Deep or SoftDeleted.`,
    );
  }
  const page = readIndexedPage(childElement(request, 'IndexedPageFolderView'));
  const messages = requiredList(request, 'ParentFolderIds').map((ref) => {
    try {
      const { mailbox, folder } = resolveFolder(op, ref);
      const restriction = readRestriction(
        childElement(request, 'Restriction'),
        folderAccessor((f) => folderCounts(op, mailbox, f)),
      );
      const below =
        traversal === 'SoftDeleted'
          ? []
          : descendants(op.sandbox.store.folders(mailbox.id), folder.id, traversal === 'Deep');
      const found = restriction ? below.filter(restriction) : below;
      const { items, attrs } = paginate(found, page);
      return successMessage(
        'FindFolderResponseMessage',
        el(
          'm:RootFolder',
          attrs,
          el('t:Folders', null, ...items.map((f) => folderXml(f, folderCounts(op, mailbox, f), shape))),
        ),
      );
    } catch (error) {
      return errorMessage('FindFolderResponseMessage', storeErrorToEws(error));
    }
  });
  return operationResponse('FindFolder', messages);
}

export function syncFolderHierarchy(op: OperationContext, request: XElement): string {
  const shape: Shape = readShape(childElement(request, 'FolderShape'), op.precision, op.version);
  const store = op.sandbox.store;
  try {
    const syncRef = childElement(request, 'SyncFolderId')?.children[0];
    const { mailbox, folder: root } = syncRef
      ? resolveFolder(op, syncRef)
      : { mailbox: op.mailbox, folder: store.distinguishedFolder(op.mailbox.id, 'root')! };
    const state = childText(request, 'SyncState');
    let position = store.startPosition(mailbox.id, null);
    if (state) {
      if (op.expireSyncState) throw invalidSyncState();
      position = decodeSyncState(store, state);
      if (position.mailboxId !== mailbox.id || position.folderId !== null) throw invalidSyncState();
    }
    const page = store.folderChangesSince(position, 100000);
    const inScope = new Set(descendants(store.folders(mailbox.id), root.id, true).map((f) => f.id));
    const changes = page.changes
      .map((c) => {
        if (c.type === 'delete') return el('t:Delete', null, el('t:FolderId', { Id: c.folderId }));
        if (!inScope.has(c.folder.id)) return '';
        const xml = folderXml(c.folder, folderCounts(op, mailbox, c.folder), shape);
        return el(c.type === 'create' ? 't:Create' : 't:Update', null, xml);
      })
      .join('');
    return operationResponse('SyncFolderHierarchy', [
      successMessage(
        'SyncFolderHierarchyResponseMessage',
        leaf('m:SyncState', encodeSyncState(store, page.next)),
        leaf('m:IncludesLastFolderInRange', page.done),
        `<m:Changes>${changes}</m:Changes>`,
      ),
    ]);
  } catch (error) {
    return operationResponse('SyncFolderHierarchy', [
      errorMessage('SyncFolderHierarchyResponseMessage', storeErrorToEws(error)),
    ]);
  }
}

export function invalidSyncState(): EwsError {
  return new EwsError(
    'ErrorInvalidSyncStateData',
    'Synchronization state data is corrupt or otherwise invalid. Discard the sync state and synchronize again from the start.',
  );
}
