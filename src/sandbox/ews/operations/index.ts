// The operations the sandbox answers, by SOAP body element name.

import {
  getStreamingEvents,
  type StreamingTiming,
  subscribe,
  unsubscribe,
} from '../notifications/operations.ts';
import type { XElement } from '../xml/parse.ts';
import { getUserAvailability } from './availability.ts';
import type { Operation, OperationContext } from './context.ts';
import { createItem } from './create-item.ts';
import { deleteItem, moveItem, sendItem } from './delete-send-move.ts';
import { findItem } from './find-item.ts';
import { findFolder, getFolder, syncFolderHierarchy } from './folders.ts';
import { getItem } from './get-item.ts';
import { syncFolderItems } from './sync-items.ts';
import { updateItem } from './update-item.ts';

export function operationTable(timing: StreamingTiming): Record<string, Operation> {
  return {
    GetFolder: getFolder,
    FindFolder: findFolder,
    SyncFolderHierarchy: syncFolderHierarchy,
    SyncFolderItems: syncFolderItems,
    FindItem: findItem,
    GetItem: getItem,
    CreateItem: createItem,
    UpdateItem: updateItem,
    DeleteItem: deleteItem,
    SendItem: sendItem,
    MoveItem: moveItem,
    GetUserAvailabilityRequest: getUserAvailability,
    Subscribe: subscribe,
    Unsubscribe: unsubscribe,
    GetStreamingEvents: (op: OperationContext, request: XElement) => getStreamingEvents(op, request, timing),
  };
}

/** The name fault rules and logs use: GetUserAvailability, not its request element's name. */
export function operationName(element: string): string {
  return element === 'GetUserAvailabilityRequest' ? 'GetUserAvailability' : element;
}
