// The operations the sandbox answers, by SOAP body element name.

import type { StreamingTiming } from '../notifications/common.ts';
import { getStreamingEvents, subscribe, unsubscribe } from '../notifications/operations.ts';
import { getEvents } from '../notifications/pull-push.ts';
import type { XElement } from '../xml/parse.ts';
import { getUserAvailability } from './availability.ts';
import type { Operation, OperationContext } from './context.ts';
import { createItem } from './create-item.ts';
import { deleteItem, moveItem, sendItem } from './delete-send-move.ts';
import { convertId, getServerTimeZones, resolveNames } from './directory.ts';
import { findItem } from './find-item.ts';
import {
  copyFolder,
  createFolder,
  deleteFolder,
  emptyFolder,
  moveFolder,
  updateFolder,
} from './folder-writes.ts';
import { findFolder, getFolder, syncFolderHierarchy } from './folders.ts';
import { getItem } from './get-item.ts';
import { copyItem, createAttachment, deleteAttachment, getAttachment, markAsJunk } from './item-extras.ts';
import { syncFolderItems } from './sync-items.ts';
import { UNIMPLEMENTED, unimplemented } from './unimplemented.ts';
import { updateItem } from './update-item.ts';

export function operationTable(timing: StreamingTiming): Record<string, Operation> {
  const fallback = Object.fromEntries(
    Object.entries(UNIMPLEMENTED).map(([name, spec]) => [name, unimplemented(spec)]),
  );
  return {
    ...fallback,
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
    Subscribe: (op: OperationContext, request: XElement) => subscribe(op, request, timing),
    GetEvents: getEvents,
    CreateFolder: createFolder,
    UpdateFolder: updateFolder,
    DeleteFolder: deleteFolder,
    MoveFolder: moveFolder,
    CopyFolder: copyFolder,
    EmptyFolder: emptyFolder,
    CopyItem: copyItem,
    MarkAsJunk: markAsJunk,
    GetAttachment: getAttachment,
    CreateAttachment: createAttachment,
    DeleteAttachment: deleteAttachment,
    ConvertId: convertId,
    GetServerTimeZones: getServerTimeZones,
    ResolveNames: resolveNames,
    Unsubscribe: unsubscribe,
    GetStreamingEvents: (op: OperationContext, request: XElement) => getStreamingEvents(op, request, timing),
  };
}

/** The name fault rules and logs use: GetUserAvailability, not its request element's name. */
export function operationName(element: string): string {
  if (element === 'GetUserAvailabilityRequest') return 'GetUserAvailability';
  return UNIMPLEMENTED[element]?.operation ?? element;
}
