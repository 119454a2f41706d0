// GetItem.

import { itemXml } from '../mapping/item.ts';
import { readShape } from '../mapping/shape.ts';
import { errorMessage, operationResponse, successMessage } from '../responses.ts';
import { childElement, type XElement } from '../xml/parse.ts';
import { el } from '../xml/write.ts';
import { type OperationContext, requiredList, storeErrorToEws } from './context.ts';
import { resolveItemRef } from './item-refs.ts';

export function getItem(op: OperationContext, request: XElement): string {
  const shape = readShape(childElement(request, 'ItemShape'), op.precision, op.version);
  const messages = requiredList(request, 'ItemIds').map((ref) => {
    try {
      const { item, occurrence } = resolveItemRef(op, ref);
      return successMessage(
        'GetItemResponseMessage',
        el('m:Items', null, itemXml(item, shape, op.mailbox.address, occurrence)),
      );
    } catch (error) {
      return errorMessage('GetItemResponseMessage', storeErrorToEws(error), '<m:Items/>');
    }
  });
  return operationResponse('GetItem', messages);
}
