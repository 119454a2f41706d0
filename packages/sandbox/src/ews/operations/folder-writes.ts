// CreateFolder, UpdateFolder, DeleteFolder, MoveFolder, CopyFolder, EmptyFolder.

import type { Folder, FolderClass, Mailbox } from '../../model.ts';
import { StoreError } from '../../model.ts';
import { EwsError, EwsFault } from '../errors.ts';
import { errorMessage, operationResponse, successMessage } from '../responses.ts';
import { childElement, childText, type XElement } from '../xml/parse.ts';
import { el } from '../xml/write.ts';
import { type OperationContext, requiredList, resolveFolder, storeErrorToEws } from './context.ts';
import { descendants } from './folders.ts';

const CLASS_BY_ELEMENT: Record<string, FolderClass> = {
  Folder: 'IPF.Note',
  ContactsFolder: 'IPF.Contact',
  CalendarFolder: 'IPF.Appointment',
  TasksFolder: 'IPF.Task',
};
const KNOWN_CLASSES: FolderClass[] = [
  'IPF.Note',
  'IPF.Contact',
  'IPF.Appointment',
  'IPF.Task',
  'IPF.StickyNote',
  'IPF.Journal',
];

function folderIdXml(folder: Folder): string {
  return el(
    'm:Folders',
    null,
    el('t:Folder', null, el('t:FolderId', { Id: folder.id, ChangeKey: folder.changeKey })),
  );
}

/** Exchange's codes for what the store refuses about folders. */
function folderStoreError(error: unknown, folder?: Folder): EwsError {
  if (error instanceof StoreError && error.code === 'invalidArgument') {
    if (/exists already/.test(error.message))
      return new EwsError('ErrorFolderExists', 'A folder with the specified name already exists.');
    if (folder?.distinguishedId)
      return new EwsError('ErrorMoveDistinguishedFolder', 'Distinguished folders cannot be moved.');
    return new EwsError('ErrorInvalidOperation', error.message);
  }
  return storeErrorToEws(error);
}

function target(op: OperationContext, request: XElement, name: string): { mailbox: Mailbox; folder: Folder } {
  const ref = childElement(request, name)?.children[0];
  if (!ref)
    throw new EwsFault('ErrorSchemaValidation', `The request failed schema validation: ${name} is required.`);
  return resolveFolder(op, ref);
}

export function createFolder(op: OperationContext, request: XElement): string {
  const store = op.sandbox.store;
  let parent: { mailbox: Mailbox; folder: Folder };
  try {
    parent = target(op, request, 'ParentFolderId');
  } catch (error) {
    if (error instanceof EwsFault) throw error;
    return operationResponse('CreateFolder', [
      errorMessage('CreateFolderResponseMessage', storeErrorToEws(error), '<m:Folders/>'),
    ]);
  }
  const messages = requiredList(request, 'Folders').map((f) => {
    try {
      if (f.name === 'SearchFolder') {
        throw new EwsError(
          'ErrorInvalidFolderTypeForOperation',
          'The sandbox does not create search folders.',
        );
      }
      const given = childText(f, 'FolderClass') as FolderClass | undefined;
      const folderClass =
        given && KNOWN_CLASSES.includes(given) ? given : (CLASS_BY_ELEMENT[f.name] ?? 'IPF.Note');
      const created = store.createFolder(
        parent.mailbox.id,
        { parentId: parent.folder.id, displayName: childText(f, 'DisplayName') ?? '', folderClass },
        'ews',
      );
      return successMessage('CreateFolderResponseMessage', folderIdXml(created));
    } catch (error) {
      return errorMessage('CreateFolderResponseMessage', folderStoreError(error), '<m:Folders/>');
    }
  });
  return operationResponse('CreateFolder', messages);
}

export function updateFolder(op: OperationContext, request: XElement): string {
  const store = op.sandbox.store;
  const messages = requiredList(request, 'FolderChanges').map((change) => {
    try {
      const ref = change.children.find((c) => c.name === 'FolderId' || c.name === 'DistinguishedFolderId');
      if (!ref) throw new EwsError('ErrorInvalidFolderId', 'The FolderChange names no folder.');
      const { mailbox, folder } = resolveFolder(op, ref);
      let updated = folder;
      for (const u of childElement(change, 'Updates')?.children ?? []) {
        if (u.name === 'AppendToFolderField') {
          throw new EwsError(
            'ErrorInvalidPropertyAppend',
            'Folder properties cannot be appended to; use SetFolderField.',
          );
        }
        const uri = childElement(u, 'FieldURI')?.attrs.FieldURI;
        if (uri !== 'folder:DisplayName') {
          throw new EwsError(
            'ErrorInvalidPropertyRequest',
            `The sandbox updates folder:DisplayName only, not ${uri ?? 'this property'}.`,
          );
        }
        if (u.name === 'DeleteFolderField')
          throw new EwsError('ErrorInvalidPropertyDelete', 'A folder’s DisplayName cannot be deleted.');
        const name =
          childText(
            u.children.find((c) => c.name.endsWith('Folder')),
            'DisplayName',
          ) ?? '';
        updated = store.updateFolder(mailbox.id, folder.id, { displayName: name }, 'ews');
      }
      return successMessage('UpdateFolderResponseMessage', folderIdXml(updated));
    } catch (error) {
      return errorMessage('UpdateFolderResponseMessage', folderStoreError(error), '<m:Folders/>');
    }
  });
  return operationResponse('UpdateFolder', messages);
}

const DELETE_TYPES = ['HardDelete', 'SoftDelete', 'MoveToDeletedItems'];

function deleteType(request: XElement): string {
  const type = request.attrs.DeleteType;
  if (!type || !DELETE_TYPES.includes(type)) {
    throw new EwsFault(
      'ErrorSchemaValidation',
      `The request failed schema validation: DeleteType "${type ?? ''}" is not valid.`,
    );
  }
  return type;
}

export function deleteFolder(op: OperationContext, request: XElement): string {
  const type = deleteType(request);
  const store = op.sandbox.store;
  const messages = requiredList(request, 'FolderIds').map((ref) => {
    try {
      const { mailbox, folder } = resolveFolder(op, ref);
      if (folder.distinguishedId)
        throw new EwsError('ErrorDeleteDistinguishedFolder', 'Distinguished folders cannot be deleted.');
      const deletedItems = store.distinguishedFolder(mailbox.id, 'deleteditems')!;
      const inDeletedItems = isBelow(store.folders(mailbox.id), folder, deletedItems.id);
      if (type === 'MoveToDeletedItems' && !inDeletedItems)
        store.moveFolder(mailbox.id, folder.id, deletedItems.id, 'ews');
      else store.deleteFolder(mailbox.id, folder.id, 'ews');
      return successMessage('DeleteFolderResponseMessage');
    } catch (error) {
      return errorMessage('DeleteFolderResponseMessage', folderStoreError(error));
    }
  });
  return operationResponse('DeleteFolder', messages);
}

function isBelow(all: Folder[], folder: Folder, ancestorId: string): boolean {
  const byId = new Map(all.map((f) => [f.id, f]));
  for (let p = folder.parentId; p; p = byId.get(p)?.parentId ?? null) if (p === ancestorId) return true;
  return false;
}

export function moveFolder(op: OperationContext, request: XElement): string {
  return moveOrCopy(op, request, 'Move');
}

export function copyFolder(op: OperationContext, request: XElement): string {
  return moveOrCopy(op, request, 'Copy');
}

function moveOrCopy(op: OperationContext, request: XElement, verb: 'Move' | 'Copy'): string {
  const store = op.sandbox.store;
  const name = `${verb}FolderResponseMessage`;
  let to: { mailbox: Mailbox; folder: Folder } | undefined;
  let toError: EwsError | undefined;
  try {
    to = target(op, request, 'ToFolderId');
  } catch (error) {
    if (error instanceof EwsFault) throw error;
    toError = storeErrorToEws(error);
  }
  const messages = requiredList(request, 'FolderIds').map((ref) => {
    let folder: Folder | undefined;
    try {
      if (!to) throw toError;
      const source = resolveFolder(op, ref);
      folder = source.folder;
      if (source.mailbox.id !== to.mailbox.id)
        throw new EwsError('ErrorMoveCopyFailed', 'Folders move and copy within one mailbox only.');
      if (verb === 'Move') {
        if (folder.distinguishedId)
          throw new EwsError('ErrorMoveDistinguishedFolder', 'Distinguished folders cannot be moved.');
        return successMessage(
          name,
          folderIdXml(store.moveFolder(to.mailbox.id, folder.id, to.folder.id, 'ews')),
        );
      }
      return successMessage(name, folderIdXml(copyTree(op, to.mailbox.id, folder, to.folder.id)));
    } catch (error) {
      return errorMessage(name, folderStoreError(error, folder), '<m:Folders/>');
    }
  });
  return operationResponse(`${verb}Folder`, messages);
}

/** Copies a folder, its items and its subfolders; the copies get new ids. */
function copyTree(op: OperationContext, mailboxId: string, folder: Folder, parentId: string): Folder {
  const store = op.sandbox.store;
  const all = store.folders(mailboxId);
  const siblings = new Set(
    all.filter((f) => f.parentId === parentId).map((f) => f.displayName.toLowerCase()),
  );
  let displayName = folder.displayName;
  // As Outlook names a copy beside a folder of the same name.
  for (let n = 2; siblings.has(displayName.toLowerCase()); n++) displayName = `${folder.displayName} (${n})`;
  const copy = store.createFolder(
    mailboxId,
    { parentId, displayName, folderClass: folder.folderClass },
    'ews',
  );
  for (const item of store.items(mailboxId, folder.id))
    store.createItem(mailboxId, copy.id, item.kind, item.data, 'ews');
  for (const child of descendants(all, folder.id, false)) copyTree(op, mailboxId, child, copy.id);
  return store.folder(mailboxId, copy.id)!;
}

export function emptyFolder(op: OperationContext, request: XElement): string {
  const type = deleteType(request);
  const subfolders = request.attrs.DeleteSubFolders;
  if (subfolders !== 'true' && subfolders !== 'false' && subfolders !== '1' && subfolders !== '0') {
    throw new EwsFault(
      'ErrorSchemaValidation',
      'The request failed schema validation: DeleteSubFolders is required.',
    );
  }
  const store = op.sandbox.store;
  const messages = requiredList(request, 'FolderIds').map((ref) => {
    try {
      const { mailbox, folder } = resolveFolder(op, ref);
      if (
        folder.distinguishedId === 'root' ||
        folder.distinguishedId === 'msgfolderroot' ||
        folder.distinguishedId === 'searchfolders'
      ) {
        throw new EwsError(
          'ErrorCannotEmptyFolder',
          `The ${folder.distinguishedId} folder cannot be emptied.`,
        );
      }
      const mode =
        type === 'MoveToDeletedItems' && folder.distinguishedId !== 'deleteditems'
          ? 'moveToDeletedItems'
          : 'hard';
      for (const item of store.items(mailbox.id, folder.id))
        store.deleteItem(mailbox.id, item.id, mode, 'ews');
      if (subfolders === 'true' || subfolders === '1') {
        for (const child of descendants(store.folders(mailbox.id), folder.id, false)) {
          if (!child.distinguishedId) store.deleteFolder(mailbox.id, child.id, 'ews');
        }
      }
      return successMessage('EmptyFolderResponseMessage');
    } catch (error) {
      return errorMessage('EmptyFolderResponseMessage', folderStoreError(error));
    }
  });
  return operationResponse('EmptyFolder', messages);
}
