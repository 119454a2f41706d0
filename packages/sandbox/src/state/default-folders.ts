import type { DistinguishedFolderId, FolderClass } from '../model.ts';

export interface DefaultFolder {
  distinguishedId: DistinguishedFolderId;
  /** Distinguished id of the parent; null for the root. */
  parent: DistinguishedFolderId | null;
  displayName: string;
  folderClass: FolderClass;
}

type Row = [DistinguishedFolderId, DistinguishedFolderId | null, string, FolderClass];

/**
 * The folders Exchange 2016/2019 creates in every mailbox, parents before children: the IPM
 * subtree under msgfolderroot (what Outlook shows), and beside it under root the search folder
 * root (Finder) and the Recoverable Items tree. Distinguished ids of folders a mailbox does not
 * have on-premises (archive, public folders, Microsoft 365 services) are answered with
 * ErrorFolderNotFound, as Exchange does for a folder that does not exist.
 */
const ROWS: Row[] = [
  ['root', null, 'Root', 'IPF'],
  ['msgfolderroot', 'root', 'Top of Information Store', 'IPF'],
  ['inbox', 'msgfolderroot', 'Inbox', 'IPF.Note'],
  ['sentitems', 'msgfolderroot', 'Sent Items', 'IPF.Note'],
  ['deleteditems', 'msgfolderroot', 'Deleted Items', 'IPF.Note'],
  ['drafts', 'msgfolderroot', 'Drafts', 'IPF.Note'],
  ['outbox', 'msgfolderroot', 'Outbox', 'IPF.Note'],
  ['contacts', 'msgfolderroot', 'Contacts', 'IPF.Contact'],
  ['calendar', 'msgfolderroot', 'Calendar', 'IPF.Appointment'],
  ['tasks', 'msgfolderroot', 'Tasks', 'IPF.Task'],
  ['junkemail', 'msgfolderroot', 'Junk Email', 'IPF.Note'],
  ['notes', 'msgfolderroot', 'Notes', 'IPF.StickyNote'],
  ['journal', 'msgfolderroot', 'Journal', 'IPF.Journal'],
  ['conversationhistory', 'msgfolderroot', 'Conversation History', 'IPF.Note'],
  ['syncissues', 'msgfolderroot', 'Sync Issues', 'IPF.Note'],
  ['conflicts', 'syncissues', 'Conflicts', 'IPF.Note'],
  ['localfailures', 'syncissues', 'Local Failures', 'IPF.Note'],
  ['serverfailures', 'syncissues', 'Server Failures', 'IPF.Note'],
  ['recipientcache', 'contacts', 'Recipient Cache', 'IPF.Contact.RecipientCache'],
  ['quickcontacts', 'contacts', '{06967759-274D-40B2-A3EB-D7F9E73727D7}', 'IPF.Contact.MOC.QuickContacts'],
  ['imcontactlist', 'contacts', '{A9E2BC46-B3A0-4243-B315-60D991004455}', 'IPF.Contact.MOC.ImContactList'],
  ['searchfolders', 'root', 'Finder', 'IPF'],
  ['recoverableitemsroot', 'root', 'Recoverable Items', 'IPF'],
  ['recoverableitemsdeletions', 'recoverableitemsroot', 'Deletions', 'IPF'],
  ['recoverableitemsversions', 'recoverableitemsroot', 'Versions', 'IPF'],
  ['recoverableitemspurges', 'recoverableitemsroot', 'Purges', 'IPF'],
  ['recoverableitemsdiscoveryholds', 'recoverableitemsroot', 'DiscoveryHolds', 'IPF'],
];

export const DEFAULT_FOLDERS: readonly DefaultFolder[] = ROWS.map(
  ([distinguishedId, parent, displayName, folderClass]) => ({
    distinguishedId,
    parent,
    displayName,
    folderClass,
  }),
);
