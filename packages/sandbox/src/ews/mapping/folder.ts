// Folders ⇄ EWS folder types (Folder, ContactsFolder, CalendarFolder, TasksFolder).

import type { Folder } from '../../model.ts';
import { el, leaf } from '../xml/write.ts';
import type { Shape } from './shape.ts';

export interface FolderCounts {
  total: number;
  unread: number;
  childFolders: number;
}

export function folderElementName(folder: Folder): string {
  // Exchange picks the element by class prefix: IPF.Contact.MOC.QuickContacts is a contacts folder.
  if (folder.folderClass.startsWith('IPF.Contact')) return 't:ContactsFolder';
  switch (folder.folderClass) {
    case 'IPF.Appointment':
      return 't:CalendarFolder';
    case 'IPF.Task':
      return 't:TasksFolder';
    default:
      return 't:Folder';
  }
}

export function folderXml(
  folder: Folder,
  counts: FolderCounts,
  shape: Pick<Shape, 'base' | 'additional'>,
): string {
  const name = folderElementName(folder);
  const all = shape.base === 'AllProperties';
  const want = (uri: string, inDefault: boolean) =>
    all || (shape.base === 'Default' && inDefault) || shape.additional.has(uri);
  const hasUnread = name === 't:Folder' || name === 't:TasksFolder';
  return el(
    name,
    null,
    el('t:FolderId', { Id: folder.id, ChangeKey: folder.changeKey }),
    want('folder:ParentFolderId', false) && folder.parentId
      ? el('t:ParentFolderId', { Id: folder.parentId })
      : '',
    want('folder:FolderClass', true) ? leaf('t:FolderClass', folder.folderClass) : '',
    want('folder:DisplayName', true) ? leaf('t:DisplayName', folder.displayName) : '',
    want('folder:TotalCount', true) ? leaf('t:TotalCount', counts.total) : '',
    want('folder:ChildFolderCount', true) ? leaf('t:ChildFolderCount', counts.childFolders) : '',
    want('folder:DistinguishedFolderId', false) && folder.distinguishedId
      ? leaf('t:DistinguishedFolderId', folder.distinguishedId)
      : '',
    hasUnread && want('folder:UnreadCount', true) ? leaf('t:UnreadCount', counts.unread) : '',
  );
}
