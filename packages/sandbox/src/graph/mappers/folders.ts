// The four Graph views of an Exchange folder: contactFolder, calendar, todoTaskList, mailFolder.
import type { Folder, Mailbox } from '../../model.ts';
import { etagOf, type Json } from './common.ts';

export function contactFolderToGraph(folder: Folder): Json {
  return { id: folder.id, displayName: folder.displayName, parentFolderId: folder.parentId };
}

export function calendarToGraph(folder: Folder, mailbox: Mailbox): Json {
  const isDefault = folder.distinguishedId === 'calendar';
  return {
    '@odata.etag': etagOf(folder.changeKey),
    id: folder.id,
    name: folder.displayName,
    color: 'auto',
    hexColor: '',
    isDefaultCalendar: isDefault,
    changeKey: folder.changeKey,
    canShare: true,
    canViewPrivateItems: true,
    canEdit: true,
    allowedOnlineMeetingProviders: ['teamsForBusiness'],
    defaultOnlineMeetingProvider: 'teamsForBusiness',
    isTallyingResponses: true,
    isRemovable: !isDefault,
    owner: { name: mailbox.displayName, address: mailbox.address },
  };
}

export function todoListToGraph(folder: Folder): Json {
  return {
    '@odata.etag': etagOf(folder.changeKey),
    id: folder.id,
    displayName: folder.displayName,
    isOwner: folder.sharedBy === undefined,
    isShared: folder.sharedBy !== undefined,
    wellknownListName: folder.distinguishedId === 'tasks' ? 'defaultList' : 'none',
  };
}

export function mailFolderToGraph(
  folder: Folder,
  counts: { childFolderCount: number; totalItemCount: number; unreadItemCount: number },
): Json {
  return {
    id: folder.id,
    displayName: folder.displayName,
    parentFolderId: folder.parentId,
    childFolderCount: counts.childFolderCount,
    unreadItemCount: counts.unreadItemCount,
    totalItemCount: counts.totalItemCount,
    isHidden: false,
  };
}

export function userToGraph(mailbox: Mailbox): Json {
  const [local] = mailbox.address.split('@');
  const parts = mailbox.displayName.split(' ');
  return {
    id: mailbox.id,
    displayName: mailbox.displayName,
    givenName: parts.length > 1 ? parts[0] : null,
    surname: parts.length > 1 ? parts.slice(1).join(' ') : null,
    mail: mailbox.address,
    userPrincipalName: mailbox.address,
    businessPhones: [],
    jobTitle: null,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: 'en-US',
    mailNickname: local,
  };
}
