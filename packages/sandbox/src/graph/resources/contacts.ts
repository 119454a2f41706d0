// Contact folders and contacts. `/contacts` is the default Contacts folder; `/contactFolders`
// lists the contact folders below it and beside it (not the default folder itself, as Graph).
import type { Folder, Item } from '../../model.ts';
import { PERMISSIONS } from '../auth.ts';
import { folderDelta, itemDelta } from '../delta.ts';
import { contactDataFromGraph, contactPatchFromGraph, contactToGraph } from '../mappers/contact.ts';
import { contactFolderToGraph } from '../mappers/folders.ts';
import { entityResponse, listResponse, noContent } from '../paging.ts';
import type { Route, RouteCall } from '../types.ts';
import {
  childFolders,
  createItem,
  defaultFolder,
  deleteItem,
  folderById,
  itemById,
  jsonBody,
  listItems,
  patchItem,
  requireString,
} from './common.ts';

const read = PERMISSIONS.contactsRead;
const write = PERMISSIONS.contactsWrite;
const toGraph = (item: Item<'contact'>) => contactToGraph(item);

function contactFolder(call: RouteCall): Folder {
  return folderById(call, call.params.folderId, 'IPF.Contact');
}

function topLevelContactFolders(call: RouteCall): Folder[] {
  const contacts = defaultFolder(call, 'contacts');
  const folders = call.ctx.store.folders(call.mailbox.id);
  const byId = new Map(folders.map((f) => [f.id, f]));
  // A folder deleted in Outlook or over Graph waits in Deleted Items: no longer a contact folder
  // of the mailbox.
  const trash = defaultFolder(call, 'deleteditems').id;
  const inTrash = (f: Folder): boolean => {
    for (let at = f.parentId; at; at = byId.get(at)?.parentId ?? null) if (at === trash) return true;
    return false;
  };
  return folders.filter(
    (f) =>
      f.folderClass === 'IPF.Contact' &&
      f.id !== contacts.id &&
      (f.parentId === contacts.id || byId.get(f.parentId ?? '')?.folderClass !== 'IPF.Contact') &&
      !inTrash(f),
  );
}

function createFolder(call: RouteCall, parent: Folder) {
  const body = jsonBody(call);
  const displayName = requireString(body, 'displayName', 'A contact folder');
  const folder = call.ctx.store.createFolder(
    call.mailbox.id,
    { parentId: parent.id, displayName, folderClass: 'IPF.Contact' },
    'graph',
  );
  return entityResponse(call, contactFolderToGraph(folder), 'contactFolders/$entity', 201);
}

const contactsIn = (call: RouteCall, folder: Folder) =>
  listItems(call, [folder], 'contact', toGraph, `users('${call.mailbox.id}')/contacts`);

const contactCreate = (call: RouteCall, folder: Folder) =>
  createItem(call, folder, 'contact', contactDataFromGraph(jsonBody(call)), toGraph, 'contacts/$entity');

const contactDelta = (call: RouteCall, folder: Folder) =>
  itemDelta(call, { folder, kind: 'contact', toGraph, context: 'Collection(contact)' });

const contactPatch = (call: RouteCall, folderId?: string) => {
  const item = itemById(call, call.params.id, 'contact', folderId);
  return patchItem(call, item, contactPatchFromGraph(jsonBody(call), item.data), toGraph, 'contacts/$entity');
};

export const contactRoutes: Route[] = [
  {
    method: 'GET',
    pattern: 'contacts',
    scope: 'mailbox',
    name: 'contacts.list',
    permissions: read,
    handle: (c) => contactsIn(c, defaultFolder(c, 'contacts')),
  },
  {
    method: 'POST',
    pattern: 'contacts',
    scope: 'mailbox',
    name: 'contacts.create',
    permissions: write,
    handle: (c) => contactCreate(c, defaultFolder(c, 'contacts')),
  },
  {
    method: 'GET',
    pattern: 'contacts/delta',
    scope: 'mailbox',
    name: 'contacts.delta',
    permissions: read,
    handle: (c) => contactDelta(c, defaultFolder(c, 'contacts')),
  },
  {
    method: 'GET',
    pattern: 'contacts/{id}',
    scope: 'mailbox',
    name: 'contacts.get',
    permissions: read,
    handle: (c) => entityResponse(c, toGraph(itemById(c, c.params.id, 'contact')), 'contacts/$entity'),
  },
  {
    method: 'PATCH',
    pattern: 'contacts/{id}',
    scope: 'mailbox',
    name: 'contacts.update',
    permissions: write,
    handle: (c) => contactPatch(c),
  },
  {
    method: 'DELETE',
    pattern: 'contacts/{id}',
    scope: 'mailbox',
    name: 'contacts.delete',
    permissions: write,
    handle: (c) => deleteItem(c, itemById(c, c.params.id, 'contact'), 'moveToDeletedItems'),
  },

  {
    method: 'GET',
    pattern: 'contactFolders',
    scope: 'mailbox',
    name: 'contactFolders.list',
    permissions: read,
    handle: (c) => listResponse(c, topLevelContactFolders(c).map(contactFolderToGraph), 'contactFolders'),
  },
  {
    method: 'POST',
    pattern: 'contactFolders',
    scope: 'mailbox',
    name: 'contactFolders.create',
    permissions: write,
    handle: (c) => createFolder(c, defaultFolder(c, 'contacts')),
  },
  {
    method: 'GET',
    pattern: 'contactFolders/delta',
    scope: 'mailbox',
    name: 'contactFolders.delta',
    permissions: read,
    handle: (c) =>
      folderDelta(c, {
        include: (f) => f.folderClass === 'IPF.Contact',
        toGraph: contactFolderToGraph,
        context: 'Collection(contactFolder)',
      }),
  },
  {
    method: 'GET',
    pattern: 'contactFolders/{folderId}',
    scope: 'mailbox',
    name: 'contactFolders.get',
    permissions: read,
    handle: (c) => entityResponse(c, contactFolderToGraph(contactFolder(c)), 'contactFolders/$entity'),
  },
  {
    method: 'PATCH',
    pattern: 'contactFolders/{folderId}',
    scope: 'mailbox',
    name: 'contactFolders.update',
    permissions: write,
    handle: (c) => {
      const folder = contactFolder(c);
      const displayName = requireString(jsonBody(c), 'displayName', 'A contact folder');
      return entityResponse(
        c,
        contactFolderToGraph(c.ctx.store.updateFolder(c.mailbox.id, folder.id, { displayName }, 'graph')),
        'contactFolders/$entity',
      );
    },
  },
  {
    method: 'DELETE',
    pattern: 'contactFolders/{folderId}',
    scope: 'mailbox',
    name: 'contactFolders.delete',
    permissions: write,
    handle: (c) => {
      c.ctx.store.deleteFolder(c.mailbox.id, contactFolder(c).id, 'graph');
      return noContent();
    },
  },
  {
    method: 'GET',
    pattern: 'contactFolders/{folderId}/childFolders',
    scope: 'mailbox',
    name: 'contactFolders.childFolders',
    permissions: read,
    handle: (c) =>
      listResponse(
        c,
        childFolders(c, contactFolder(c).id, 'IPF.Contact').map(contactFolderToGraph),
        'contactFolders',
      ),
  },
  {
    method: 'POST',
    pattern: 'contactFolders/{folderId}/childFolders',
    scope: 'mailbox',
    name: 'contactFolders.create',
    permissions: write,
    handle: (c) => createFolder(c, contactFolder(c)),
  },
  {
    method: 'GET',
    pattern: 'contactFolders/{folderId}/contacts',
    scope: 'mailbox',
    name: 'contacts.list',
    permissions: read,
    handle: (c) => contactsIn(c, contactFolder(c)),
  },
  {
    method: 'POST',
    pattern: 'contactFolders/{folderId}/contacts',
    scope: 'mailbox',
    name: 'contacts.create',
    permissions: write,
    handle: (c) => contactCreate(c, contactFolder(c)),
  },
  {
    method: 'GET',
    pattern: 'contactFolders/{folderId}/contacts/delta',
    scope: 'mailbox',
    name: 'contacts.delta',
    permissions: read,
    handle: (c) => contactDelta(c, contactFolder(c)),
  },
  {
    method: 'GET',
    pattern: 'contactFolders/{folderId}/contacts/{id}',
    scope: 'mailbox',
    name: 'contacts.get',
    permissions: read,
    handle: (c) =>
      entityResponse(
        c,
        toGraph(itemById(c, c.params.id, 'contact', contactFolder(c).id)),
        'contacts/$entity',
      ),
  },
  {
    method: 'PATCH',
    pattern: 'contactFolders/{folderId}/contacts/{id}',
    scope: 'mailbox',
    name: 'contacts.update',
    permissions: write,
    handle: (c) => contactPatch(c, contactFolder(c).id),
  },
  {
    method: 'DELETE',
    pattern: 'contactFolders/{folderId}/contacts/{id}',
    scope: 'mailbox',
    name: 'contacts.delete',
    permissions: write,
    handle: (c) =>
      deleteItem(c, itemById(c, c.params.id, 'contact', contactFolder(c).id), 'moveToDeletedItems'),
  },
];
