// CopyItem, MarkAsJunk, GetAttachment, CreateAttachment, DeleteAttachment.

import { randomUUID } from 'node:crypto';
import type { Attachment, Item } from '../../model.ts';
import { EwsError, EwsFault } from '../errors.ts';
import { attachmentId, readAttachmentId } from '../ids.ts';
import { readBool } from '../mapping/common.ts';
import { attachmentsXml } from '../mapping/item-base.ts';
import { readAttachments } from '../mapping/message.ts';
import { errorMessage, operationResponse, successMessage } from '../responses.ts';
import { childElement, type XElement } from '../xml/parse.ts';
import { el } from '../xml/write.ts';
import { findItem, type OperationContext, requiredList, resolveFolder, storeErrorToEws } from './context.ts';
import { idXml } from './create-item.ts';
import { resolveItemRef } from './item-refs.ts';

export function copyItem(op: OperationContext, request: XElement): string {
  const store = op.sandbox.store;
  const toRef = childElement(request, 'ToFolderId')?.children[0];
  if (!toRef)
    throw new EwsFault(
      'ErrorSchemaValidation',
      'The request failed schema validation: ToFolderId is required.',
    );
  const messages = requiredList(request, 'ItemIds').map((ref) => {
    try {
      const { mailbox, folder } = resolveFolder(op, toRef);
      const { item, occurrence } = resolveItemRef(op, ref);
      if (occurrence) {
        throw new EwsError(
          'ErrorCalendarCannotMoveOrCopyOccurrence',
          'A single occurrence cannot be moved or copied; copy its series.',
        );
      }
      const copy = store.createItem(mailbox.id, folder.id, item.kind, item.data, 'ews');
      // As Exchange: ReturnNewItemIds="false" answers without the new ids.
      const ids = request.attrs.ReturnNewItemIds === 'false' ? '' : idXml(copy);
      return successMessage('CopyItemResponseMessage', el('m:Items', null, ids));
    } catch (error) {
      return errorMessage('CopyItemResponseMessage', storeErrorToEws(error), '<m:Items/>');
    }
  });
  return operationResponse('CopyItem', messages);
}

export function markAsJunk(op: OperationContext, request: XElement): string {
  const isJunk = readBool(request.attrs.IsJunk);
  const move = readBool(request.attrs.MoveItem);
  if (isJunk === undefined || move === undefined) {
    throw new EwsFault(
      'ErrorSchemaValidation',
      'The request failed schema validation: IsJunk and MoveItem are required.',
    );
  }
  const store = op.sandbox.store;
  const messages = requiredList(request, 'ItemIds').map((ref) => {
    try {
      const { item } = resolveItemRef(op, ref);
      if (item.kind !== 'message')
        throw new EwsError('ErrorInvalidOperation', 'Only messages can be marked as junk.');
      if (!move) return successMessage('MarkAsJunkResponseMessage');
      // Junk goes to Junk Email; "not junk" brings it back to the Inbox, as Outlook's button does.
      const to = store.distinguishedFolder(op.mailbox.id, isJunk ? 'junkemail' : 'inbox')!;
      const moved = store.moveItem(op.mailbox.id, item.id, to.id, 'ews');
      return successMessage(
        'MarkAsJunkResponseMessage',
        el('m:MovedItemId', { Id: moved.id, ChangeKey: moved.changeKey }),
      );
    } catch (error) {
      return errorMessage('MarkAsJunkResponseMessage', storeErrorToEws(error));
    }
  });
  return operationResponse('MarkAsJunk', messages);
}

function attachmentOf(
  op: OperationContext,
  id: string | undefined,
): { item: Item<'message'>; attachment: Attachment } {
  const parsed = id ? readAttachmentId(id) : undefined;
  if (!parsed) throw new EwsError('ErrorInvalidAttachmentId', 'The attachment id is not valid.');
  const item = findItem(op, parsed.itemId);
  const attachment =
    item.kind === 'message' ? item.data.attachments.find((a) => a.id === parsed.attachmentId) : undefined;
  if (!attachment)
    throw new EwsError('ErrorInvalidAttachmentId', 'The attachment was not found; it may have been deleted.');
  return { item: item as Item<'message'>, attachment };
}

export function getAttachment(op: OperationContext, request: XElement): string {
  const messages = requiredList(request, 'AttachmentIds').map((ref) => {
    try {
      const { item, attachment } = attachmentOf(op, ref.attrs.Id);
      const xml = attachmentsXml(item.id, [attachment], true);
      return successMessage(
        'GetAttachmentResponseMessage',
        `<m:Attachments>${xml.slice('<t:Attachments>'.length, -'</t:Attachments>'.length)}</m:Attachments>`,
      );
    } catch (error) {
      return errorMessage('GetAttachmentResponseMessage', storeErrorToEws(error), '<m:Attachments/>');
    }
  });
  return operationResponse('GetAttachment', messages);
}

function rootItemId(item: { id: string; changeKey: string }): string {
  return el('m:RootItemId', { RootItemId: item.id, RootItemChangeKey: item.changeKey });
}

export function createAttachment(op: OperationContext, request: XElement): string {
  const store = op.sandbox.store;
  const parentId = childElement(request, 'ParentItemId')?.attrs.Id;
  const list = childElement(request, 'Attachments');
  if (!list || list.children.length === 0) {
    throw new EwsFault(
      'ErrorSchemaValidation',
      "The request failed schema validation: 'Attachments' needs at least one attachment.",
    );
  }
  const messages = list.children.map((a) => {
    try {
      if (a.name !== 'FileAttachment') {
        throw new EwsError(
          'ErrorInvalidOperation',
          'The sandbox stores file attachments only; send the item as a FileAttachment.',
        );
      }
      const item = findItem(op, parentId);
      if (item.kind !== 'message') {
        throw new EwsError('ErrorInvalidOperation', 'The sandbox keeps attachments on messages only.');
      }
      const [read] = readAttachments({ ...list, children: [a] }) ?? [];
      const attachment: Attachment = { ...read, id: randomUUID() };
      const updated = store.updateItem(
        op.mailbox.id,
        item.id,
        { attachments: [...item.data.attachments, attachment] },
        'ews',
      );
      const xml = el(
        'm:Attachments',
        null,
        el(
          't:FileAttachment',
          null,
          el('t:AttachmentId', {
            Id: attachmentId(updated.id, attachment.id),
            RootItemId: updated.id,
            RootItemChangeKey: updated.changeKey,
          }),
        ),
      );
      return successMessage('CreateAttachmentResponseMessage', xml);
    } catch (error) {
      return errorMessage('CreateAttachmentResponseMessage', storeErrorToEws(error), '<m:Attachments/>');
    }
  });
  return operationResponse('CreateAttachment', messages);
}

export function deleteAttachment(op: OperationContext, request: XElement): string {
  const store = op.sandbox.store;
  const messages = requiredList(request, 'AttachmentIds').map((ref) => {
    try {
      const { item, attachment } = attachmentOf(op, ref.attrs.Id);
      const updated = store.updateItem(
        op.mailbox.id,
        item.id,
        { attachments: item.data.attachments.filter((a) => a.id !== attachment.id) },
        'ews',
      );
      return successMessage('DeleteAttachmentResponseMessage', rootItemId(updated));
    } catch (error) {
      return errorMessage('DeleteAttachmentResponseMessage', storeErrorToEws(error));
    }
  });
  return operationResponse('DeleteAttachment', messages);
}
