// DeleteItem, SendItem, MoveItem.

import type { Item } from '../../model.ts';
import { EwsError, EwsFault } from '../errors.ts';
import { readBool } from '../mapping/common.ts';
import { errorMessage, operationResponse, successMessage } from '../responses.ts';
import { childElement, type XElement } from '../xml/parse.ts';
import { el } from '../xml/write.ts';
import { type OperationContext, requiredList, resolveFolder, storeErrorToEws } from './context.ts';
import { idXml, sendMessage } from './create-item.ts';
import { resolveItemRef } from './item-refs.ts';
import { CREATE_OR_DELETE_MODES, cancelOccurrenceOnDelete, cancelOnDelete, checkMode } from './meetings.ts';

const DELETE_TYPES = ['HardDelete', 'SoftDelete', 'MoveToDeletedItems'];

export function deleteItem(op: OperationContext, request: XElement): string {
  const type = request.attrs.DeleteType;
  if (!type || !DELETE_TYPES.includes(type)) {
    throw new EwsFault(
      'ErrorSchemaValidation',
      `The request failed schema validation: DeleteType "${type ?? ''}" is not HardDelete, SoftDelete or MoveToDeletedItems.`,
    );
  }
  const cancellations = checkMode(
    'SendMeetingCancellations',
    request.attrs.SendMeetingCancellations,
    CREATE_OR_DELETE_MODES,
  );
  const taskOccurrences = request.attrs.AffectedTaskOccurrences;
  const store = op.sandbox.store;
  const messages = requiredList(request, 'ItemIds').map((ref) => {
    try {
      // Exchange ignores the ChangeKey on delete: deleting what the client saw, or a newer
      // version of it, is what the client asked for.
      const { item, occurrence } = resolveItemRef(op, ref);
      if (item.kind === 'event' && cancellations === undefined) {
        throw new EwsError(
          'ErrorSendMeetingCancellationsRequired',
          'Deleting a calendar item needs the SendMeetingCancellations attribute.',
        );
      }
      if (item.kind === 'task' && taskOccurrences === undefined) {
        throw new EwsError(
          'ErrorAffectedTaskOccurrencesRequired',
          'Deleting a task needs the AffectedTaskOccurrences attribute.',
        );
      }
      if (occurrence && item.kind === 'event') {
        const master = item as Item<'event'>;
        const iso = new Date(occurrence.originalStart).toISOString();
        store.updateItem(
          op.mailbox.id,
          master.id,
          {
            deletedOccurrences: [...master.data.deletedOccurrences, iso],
            modifiedOccurrences: master.data.modifiedOccurrences.filter(
              (o) => Date.parse(o.originalStart) !== occurrence.originalStart,
            ),
          },
          'ews',
        );
        if (cancellations) cancelOccurrenceOnDelete(op, master, occurrence, cancellations);
        return successMessage('DeleteItemResponseMessage');
      }
      if (cancellations) cancelOnDelete(op, item, cancellations);
      const inDeletedItems = store.distinguishedFolder(op.mailbox.id, 'deleteditems')?.id === item.folderId;
      const mode = type === 'MoveToDeletedItems' && !inDeletedItems ? 'moveToDeletedItems' : 'hard';
      store.deleteItem(op.mailbox.id, item.id, mode, 'ews');
      return successMessage('DeleteItemResponseMessage');
    } catch (error) {
      return errorMessage('DeleteItemResponseMessage', storeErrorToEws(error));
    }
  });
  return operationResponse('DeleteItem', messages);
}

export function sendItem(op: OperationContext, request: XElement): string {
  const save = readBool(request.attrs.SaveItemToFolder);
  if (save === undefined) {
    throw new EwsFault(
      'ErrorSchemaValidation',
      'The request failed schema validation: SaveItemToFolder is required.',
    );
  }
  const savedRef = childElement(request, 'SavedItemFolderId')?.children[0];
  const store = op.sandbox.store;
  const messages = requiredList(request, 'ItemIds').map((ref) => {
    try {
      if (!save && savedRef) {
        throw new EwsError(
          'ErrorInvalidSendItemSaveSettings',
          'SavedItemFolderId is only allowed with SaveItemToFolder="true".',
        );
      }
      const { item, changeKey } = resolveItemRef(op, ref);
      if (item.kind !== 'message')
        throw new EwsError('ErrorInvalidOperation', 'Only messages can be sent with SendItem.');
      if (changeKey !== undefined && changeKey !== item.changeKey) {
        throw new EwsError(
          'ErrorIrresolvableConflict',
          'The ChangeKey does not match the current version of the message. Get it again and retry.',
        );
      }
      const target = save
        ? savedRef
          ? (() => {
              const r = resolveFolder(op, savedRef);
              return { mailbox: r.mailbox, folderId: r.folder.id };
            })()
          : { mailbox: op.mailbox, folderId: store.distinguishedFolder(op.mailbox.id, 'sentitems')!.id }
        : undefined;
      sendMessage(op, item.data, target);
      store.deleteItem(op.mailbox.id, item.id, 'hard', 'ews');
      return successMessage('SendItemResponseMessage');
    } catch (error) {
      return errorMessage('SendItemResponseMessage', storeErrorToEws(error));
    }
  });
  return operationResponse('SendItem', messages);
}

export function moveItem(op: OperationContext, request: XElement): string {
  const store = op.sandbox.store;
  const toRef = childElement(request, 'ToFolderId')?.children[0];
  if (!toRef)
    throw new EwsFault(
      'ErrorSchemaValidation',
      'The request failed schema validation: ToFolderId is required.',
    );
  const messages = requiredList(request, 'ItemIds').map((ref) => {
    try {
      const { folder } = resolveFolder(op, toRef);
      const { item, occurrence } = resolveItemRef(op, ref);
      if (occurrence)
        throw new EwsError(
          'ErrorCalendarCannotMoveOrCopyOccurrence',
          'A single occurrence cannot be moved or copied; move its series.',
        );
      const moved = store.moveItem(op.mailbox.id, item.id, folder.id, 'ews');
      return successMessage('MoveItemResponseMessage', el('m:Items', null, idXml(moved)));
    } catch (error) {
      return errorMessage('MoveItemResponseMessage', storeErrorToEws(error), '<m:Items/>');
    }
  });
  return operationResponse('MoveItem', messages);
}
