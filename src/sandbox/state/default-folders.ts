import type { DistinguishedFolderId, FolderClass } from '../model.ts';

export interface DefaultFolder {
  distinguishedId: DistinguishedFolderId;
  /** Distinguished id of the parent; null for the root. */
  parent: DistinguishedFolderId | null;
  displayName: string;
  folderClass: FolderClass;
}

/** The folders Exchange creates in every mailbox, parents before children. */
export const DEFAULT_FOLDERS: readonly DefaultFolder[] = [
  { distinguishedId: 'root', parent: null, displayName: 'Root', folderClass: 'IPF' },
  {
    distinguishedId: 'msgfolderroot',
    parent: 'root',
    displayName: 'Top of Information Store',
    folderClass: 'IPF',
  },
  { distinguishedId: 'inbox', parent: 'msgfolderroot', displayName: 'Inbox', folderClass: 'IPF.Note' },
  {
    distinguishedId: 'sentitems',
    parent: 'msgfolderroot',
    displayName: 'Sent Items',
    folderClass: 'IPF.Note',
  },
  {
    distinguishedId: 'deleteditems',
    parent: 'msgfolderroot',
    displayName: 'Deleted Items',
    folderClass: 'IPF.Note',
  },
  { distinguishedId: 'drafts', parent: 'msgfolderroot', displayName: 'Drafts', folderClass: 'IPF.Note' },
  { distinguishedId: 'outbox', parent: 'msgfolderroot', displayName: 'Outbox', folderClass: 'IPF.Note' },
  {
    distinguishedId: 'contacts',
    parent: 'msgfolderroot',
    displayName: 'Contacts',
    folderClass: 'IPF.Contact',
  },
  {
    distinguishedId: 'calendar',
    parent: 'msgfolderroot',
    displayName: 'Calendar',
    folderClass: 'IPF.Appointment',
  },
  { distinguishedId: 'tasks', parent: 'msgfolderroot', displayName: 'Tasks', folderClass: 'IPF.Task' },
];
