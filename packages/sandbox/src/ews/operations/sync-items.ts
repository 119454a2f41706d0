// SyncFolderItems: the folder's change log since the client's SyncState, at most
// MaxChangesReturned (1–512) per call.

import { EwsError, EwsFault } from '../errors.ts';
import { itemXml } from '../mapping/item.ts';
import { readShape } from '../mapping/shape.ts';
import { errorMessage, operationResponse, successMessage } from '../responses.ts';
import { childElement, childElements, childText, type XElement } from '../xml/parse.ts';
import { el, esc, leaf } from '../xml/write.ts';
import { type OperationContext, resolveFolder, storeErrorToEws } from './context.ts';
import { invalidSyncState } from './folders.ts';
import { decodeSyncState, encodeSyncState } from './sync-state.ts';

export const MAX_SYNC_CHANGES = 512;

export function readMaxChanges(request: XElement): number {
  const text = childText(request, 'MaxChangesReturned');
  const n = Number(text);
  if (text === undefined || text === '' || !Number.isInteger(n) || n < 1 || n > MAX_SYNC_CHANGES) {
    throw new EwsFault(
      'ErrorSchemaValidation',
      `The request failed schema validation: MaxChangesReturned must be a whole number from 1 to ${MAX_SYNC_CHANGES}, not "${text ?? ''}".`,
      {
        messageXml:
          '<t:LineNumber>1</t:LineNumber><t:LinePosition>1</t:LinePosition>' +
          `<t:Violation>${esc(`The 'MaxChangesReturned' element is invalid - The value '${text ?? ''}' is invalid according to its datatype 'MaxSyncChangesReturnedType'.`)}</t:Violation>`,
      },
    );
  }
  return n;
}

export function syncFolderItems(op: OperationContext, request: XElement): string {
  const shape = readShape(childElement(request, 'ItemShape'), op.precision, op.version);
  const max = readMaxChanges(request);
  const scope = childText(request, 'SyncScope');
  if (scope !== undefined && scope !== 'NormalItems' && scope !== 'NormalAndAssociatedItems') {
    throw new EwsFault(
      'ErrorSchemaValidation',
      `The request failed schema validation: SyncScope "${scope}" is not valid.`,
    );
  }
  const store = op.sandbox.store;
  try {
    const ref = childElement(request, 'SyncFolderId')?.children[0];
    if (!ref)
      throw new EwsFault(
        'ErrorSchemaValidation',
        'The request failed schema validation: SyncFolderId is required.',
      );
    const { mailbox, folder } = resolveFolder(op, ref);
    if (shape.includeMimeContent) {
      throw new EwsError(
        'ErrorInvalidPropertyForOperation',
        'SyncFolderItems cannot return MIME content; fetch it with GetItem.',
      );
    }
    const state = childText(request, 'SyncState');
    let position = store.startPosition(mailbox.id, folder.id);
    if (state) {
      if (op.expireSyncState) throw invalidSyncState();
      position = decodeSyncState(store, state);
      if (position.mailboxId !== mailbox.id || position.folderId !== folder.id) throw invalidSyncState();
    }
    const ignore = new Set(childElements(childElement(request, 'Ignore'), 'ItemId').map((i) => i.attrs.Id));
    const page = store.itemChangesSince(position, max);
    const changes = page.changes
      .map((c) => {
        switch (c.type) {
          case 'create':
          case 'update':
            if (ignore.has(c.item.id)) return '';
            return el(
              c.type === 'create' ? 't:Create' : 't:Update',
              null,
              itemXml(c.item, shape, mailbox.address),
            );
          case 'delete':
            return el('t:Delete', null, el('t:ItemId', { Id: c.itemId }));
          case 'readFlag':
            if (ignore.has(c.itemId)) return '';
            return el('t:ReadFlagChange', null, el('t:ItemId', { Id: c.itemId }), leaf('t:IsRead', c.isRead));
          default:
            return '';
        }
      })
      .join('');
    return operationResponse('SyncFolderItems', [
      successMessage(
        'SyncFolderItemsResponseMessage',
        leaf('m:SyncState', encodeSyncState(store, page.next)),
        leaf('m:IncludesLastItemInRange', page.done),
        `<m:Changes>${changes}</m:Changes>`,
      ),
    ]);
  } catch (error) {
    if (error instanceof EwsFault) throw error;
    return operationResponse('SyncFolderItems', [
      errorMessage('SyncFolderItemsResponseMessage', storeErrorToEws(error)),
    ]);
  }
}
