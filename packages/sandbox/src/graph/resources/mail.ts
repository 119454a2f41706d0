// Mail folders and messages, attachments, sending (sendMail and drafts' send) with delivery to
// the Inboxes of recipients that are sandbox mailboxes.
import type { EmailAddress, Folder, Item, MessageData } from '../../model.ts';
import { PERMISSIONS } from '../auth.ts';
import { folderDelta, itemDelta } from '../delta.ts';
import { badRequest, itemNotFound } from '../errors.ts';
import type { Json } from '../mappers/common.ts';
import { mailFolderToGraph } from '../mappers/folders.ts';
import {
  attachmentFromGraph,
  attachmentToGraph,
  messageDataFromGraph,
  messagePatchFromGraph,
  messageToGraph,
} from '../mappers/message.ts';
import { entityResponse, listResponse, noContent } from '../paging.ts';
import { parseQueryOptions } from '../query/options.ts';
import type { GraphResponse, Route, RouteCall } from '../types.ts';
import {
  createItem,
  defaultFolder,
  deleteItem,
  folderById,
  itemById,
  jsonBody,
  listItems,
  patchItem,
  requireString,
  viewOf,
} from './common.ts';

const read = PERMISSIONS.mailRead;
const write = PERMISSIONS.mailWrite;

const isMailFolder = (f: Folder) => f.folderClass === 'IPF.Note';
const mailFolder = (call: RouteCall): Folder => folderById(call, call.params.folderId, 'IPF.Note');
const messageJson = (call: RouteCall) => {
  const select = parseQueryOptions(call.req.query).select;
  const view = { ...viewOf(call), select: new Set(select?.map((s) => s.toLowerCase())) };
  return (item: Item<'message'>) => messageToGraph(item, view);
};

function folderJson(call: RouteCall) {
  const all = call.ctx.store.folders(call.mailbox.id);
  return (folder: Folder): Json => {
    const messages = call.ctx.store
      .items(call.mailbox.id, folder.id)
      .filter((i) => i.kind === 'message') as Item<'message'>[];
    return mailFolderToGraph(folder, {
      childFolderCount: all.filter((f) => f.parentId === folder.id && isMailFolder(f)).length,
      totalItemCount: messages.length,
      unreadItemCount: messages.filter((m) => !m.data.isRead).length,
    });
  };
}

function childMailFolders(call: RouteCall, parentId: string): Folder[] {
  return call.ctx.store.folders(call.mailbox.id).filter((f) => f.parentId === parentId && isMailFolder(f));
}

function createMailFolder(call: RouteCall, parent: Folder): GraphResponse {
  const displayName = requireString(jsonBody(call), 'displayName', 'A mail folder');
  const folder = call.ctx.store.createFolder(
    call.mailbox.id,
    { parentId: parent.id, displayName, folderClass: 'IPF.Note' },
    'graph',
  );
  return entityResponse(call, folderJson(call)(folder), 'mailFolders/$entity', 201);
}

const author = (call: RouteCall): EmailAddress => ({
  address: call.mailbox.address,
  name: call.mailbox.displayName,
});

/** Puts a copy of a sent message into the Inbox of each recipient that is a sandbox mailbox. */
function deliver(call: RouteCall, sent: MessageData): void {
  const { store } = call.ctx;
  const seen = new Set<string>();
  const now = new Date(call.ctx.now()).toISOString();
  for (const r of [...sent.toRecipients, ...sent.ccRecipients, ...sent.bccRecipients]) {
    const mailbox = store.mailbox(r.address);
    if (!mailbox || seen.has(mailbox.id)) continue;
    seen.add(mailbox.id);
    const inbox = store.distinguishedFolder(mailbox.id, 'inbox');
    if (!inbox) continue;
    const copy: MessageData = {
      ...structuredClone(sent),
      bccRecipients: [],
      isRead: false,
      isDraft: false,
      receivedDateTime: now,
    };
    store.createItem(mailbox.id, inbox.id, 'message', copy, 'system');
  }
}

function requireRecipients(data: MessageData): void {
  if (data.toRecipients.length + data.ccRecipients.length + data.bccRecipients.length === 0) {
    throw badRequest(
      "At least one recipient is not valid: a message can't be sent because it contains no recipients.",
      'ErrorInvalidRecipients',
    );
  }
}

function sendMail(call: RouteCall): GraphResponse {
  const body = jsonBody(call);
  if (!body.message || typeof body.message !== 'object')
    throw badRequest("sendMail needs a 'message' object.", 'ErrorInvalidArgument');
  const save =
    body.saveToSentItems === undefined
      ? true
      : body.saveToSentItems === true || body.saveToSentItems === 'true';
  const now = new Date(call.ctx.now()).toISOString();
  const data = messageDataFromGraph(body.message as Json, author(call));
  Object.assign(data, {
    isDraft: false,
    isRead: true,
    sentDateTime: now,
    receivedDateTime: now,
    from: author(call),
    sender: author(call),
  });
  requireRecipients(data);
  if (save)
    call.ctx.store.createItem(call.mailbox.id, defaultFolder(call, 'sentitems').id, 'message', data, 'graph');
  deliver(call, data);
  return { status: 202, headers: {} };
}

function sendDraft(call: RouteCall): GraphResponse {
  const item = itemById(call, call.params.id, 'message');
  if (!item.data.isDraft)
    throw badRequest('Only a draft can be sent; this message was already sent.', 'ErrorInvalidOperation');
  requireRecipients(item.data);
  const now = new Date(call.ctx.now()).toISOString();
  const { store } = call.ctx;
  const updated = store.updateItem<'message'>(
    call.mailbox.id,
    item.id,
    { isDraft: false, sentDateTime: now, receivedDateTime: now },
    'graph',
  );
  store.moveItem(call.mailbox.id, item.id, defaultFolder(call, 'sentitems').id, 'graph');
  deliver(call, updated.data as MessageData);
  return { status: 202, headers: {} };
}

function message(call: RouteCall): Item<'message'> {
  return itemById(call, call.params.id, 'message', call.params.folderId ? mailFolder(call).id : undefined);
}

function attachment(call: RouteCall) {
  const item = message(call);
  const a = item.data.attachments.find((x) => x.id === call.params.attachmentId);
  if (!a) throw itemNotFound();
  return { item, a };
}

const messageRoutesUnder = (prefix: string): Route[] => [
  {
    method: 'GET',
    pattern: `${prefix}/{id}`,
    scope: 'mailbox',
    name: 'messages.get',
    permissions: read,
    handle: (c) => entityResponse(c, messageJson(c)(message(c)), 'messages/$entity'),
  },
  {
    method: 'PATCH',
    pattern: `${prefix}/{id}`,
    scope: 'mailbox',
    name: 'messages.update',
    permissions: write,
    handle: (c) => {
      const item = message(c);
      return patchItem(
        c,
        item,
        messagePatchFromGraph(jsonBody(c), item.data),
        messageJson(c),
        'messages/$entity',
      );
    },
  },
  {
    method: 'DELETE',
    pattern: `${prefix}/{id}`,
    scope: 'mailbox',
    name: 'messages.delete',
    permissions: write,
    handle: (c) => deleteItem(c, message(c), 'moveToDeletedItems'),
  },
  {
    method: 'GET',
    pattern: `${prefix}/{id}/attachments`,
    scope: 'mailbox',
    name: 'attachments.list',
    permissions: read,
    handle: (c) => {
      const item = message(c);
      return listResponse(
        c,
        item.data.attachments.map((a) => attachmentToGraph(a, item.lastModifiedDateTime)),
        'attachments',
      );
    },
  },
  {
    method: 'POST',
    pattern: `${prefix}/{id}/attachments`,
    scope: 'mailbox',
    name: 'attachments.create',
    permissions: write,
    handle: (c) => {
      const item = message(c);
      const a = attachmentFromGraph(jsonBody(c));
      const updated = c.ctx.store.updateItem<'message'>(
        c.mailbox.id,
        item.id,
        { attachments: [...item.data.attachments, a] },
        'graph',
      );
      return entityResponse(
        c,
        attachmentToGraph(a, updated.lastModifiedDateTime),
        'attachments/$entity',
        201,
      );
    },
  },
  {
    method: 'GET',
    pattern: `${prefix}/{id}/attachments/{attachmentId}`,
    scope: 'mailbox',
    name: 'attachments.get',
    permissions: read,
    handle: (c) => {
      const { item, a } = attachment(c);
      return entityResponse(c, attachmentToGraph(a, item.lastModifiedDateTime), 'attachments/$entity');
    },
  },
  {
    method: 'GET',
    pattern: `${prefix}/{id}/attachments/{attachmentId}/$value`,
    scope: 'mailbox',
    name: 'attachments.content',
    permissions: read,
    handle: (c) => {
      const { a } = attachment(c);
      return {
        status: 200,
        headers: { 'Content-Type': a.contentType },
        body: Buffer.from(a.contentBytes, 'base64'),
      };
    },
  },
  {
    method: 'POST',
    pattern: `${prefix}/{id}/send`,
    scope: 'mailbox',
    name: 'messages.send',
    permissions: PERMISSIONS.mailSend,
    handle: sendDraft,
  },
  {
    method: 'POST',
    pattern: `${prefix}/{id}/move`,
    scope: 'mailbox',
    name: 'messages.move',
    permissions: write,
    handle: (c) => {
      const item = message(c);
      const destination = folderById(c, requireString(jsonBody(c), 'destinationId', 'A move'));
      const moved = c.ctx.store.moveItem(c.mailbox.id, item.id, destination.id, 'graph') as Item<'message'>;
      return entityResponse(c, messageJson(c)(moved), 'messages/$entity', 201);
    },
  },
];

function allMailFolders(call: RouteCall): Folder[] {
  return call.ctx.store.folders(call.mailbox.id).filter(isMailFolder);
}

function createMessage(call: RouteCall, folder: Folder): GraphResponse {
  return createItem(
    call,
    folder,
    'message',
    messageDataFromGraph(jsonBody(call), author(call)),
    messageJson(call),
    'messages/$entity',
  );
}

export const mailRoutes: Route[] = [
  {
    method: 'GET',
    pattern: 'mailFolders',
    scope: 'mailbox',
    name: 'mailFolders.list',
    permissions: read,
    handle: (c) =>
      listResponse(
        c,
        childMailFolders(c, defaultFolder(c, 'msgfolderroot').id).map(folderJson(c)),
        'mailFolders',
      ),
  },
  {
    method: 'POST',
    pattern: 'mailFolders',
    scope: 'mailbox',
    name: 'mailFolders.create',
    permissions: write,
    handle: (c) => createMailFolder(c, defaultFolder(c, 'msgfolderroot')),
  },
  {
    method: 'GET',
    pattern: 'mailFolders/delta',
    scope: 'mailbox',
    name: 'mailFolders.delta',
    permissions: read,
    handle: (c) =>
      folderDelta(c, { include: isMailFolder, toGraph: folderJson(c), context: 'Collection(mailFolder)' }),
  },
  {
    method: 'GET',
    pattern: 'mailFolders/{folderId}',
    scope: 'mailbox',
    name: 'mailFolders.get',
    permissions: read,
    handle: (c) => entityResponse(c, folderJson(c)(mailFolder(c)), 'mailFolders/$entity'),
  },
  {
    method: 'PATCH',
    pattern: 'mailFolders/{folderId}',
    scope: 'mailbox',
    name: 'mailFolders.update',
    permissions: write,
    handle: (c) => {
      const displayName = requireString(jsonBody(c), 'displayName', 'A mail folder');
      return entityResponse(
        c,
        folderJson(c)(c.ctx.store.updateFolder(c.mailbox.id, mailFolder(c).id, { displayName }, 'graph')),
        'mailFolders/$entity',
      );
    },
  },
  {
    method: 'DELETE',
    pattern: 'mailFolders/{folderId}',
    scope: 'mailbox',
    name: 'mailFolders.delete',
    permissions: write,
    handle: (c) => {
      c.ctx.store.deleteFolder(c.mailbox.id, mailFolder(c).id, 'graph');
      return noContent();
    },
  },
  {
    method: 'GET',
    pattern: 'mailFolders/{folderId}/childFolders',
    scope: 'mailbox',
    name: 'mailFolders.childFolders',
    permissions: read,
    handle: (c) => listResponse(c, childMailFolders(c, mailFolder(c).id).map(folderJson(c)), 'mailFolders'),
  },
  {
    method: 'POST',
    pattern: 'mailFolders/{folderId}/childFolders',
    scope: 'mailbox',
    name: 'mailFolders.create',
    permissions: write,
    handle: (c) => createMailFolder(c, mailFolder(c)),
  },
  {
    method: 'GET',
    pattern: 'mailFolders/{folderId}/messages',
    scope: 'mailbox',
    name: 'messages.list',
    permissions: read,
    handle: (c) => listItems(c, [mailFolder(c)], 'message', messageJson(c), 'messages'),
  },
  {
    method: 'POST',
    pattern: 'mailFolders/{folderId}/messages',
    scope: 'mailbox',
    name: 'messages.create',
    permissions: write,
    handle: (c) => createMessage(c, mailFolder(c)),
  },
  {
    method: 'GET',
    pattern: 'mailFolders/{folderId}/messages/delta',
    scope: 'mailbox',
    name: 'messages.delta',
    permissions: read,
    handle: (c) =>
      itemDelta(c, {
        folder: mailFolder(c),
        kind: 'message',
        toGraph: messageJson(c),
        context: 'Collection(message)',
      }),
  },
  ...messageRoutesUnder('mailFolders/{folderId}/messages'),
  {
    method: 'GET',
    pattern: 'messages',
    scope: 'mailbox',
    name: 'messages.list',
    permissions: read,
    handle: (c) => listItems(c, allMailFolders(c), 'message', messageJson(c), 'messages'),
  },
  {
    method: 'POST',
    pattern: 'messages',
    scope: 'mailbox',
    name: 'messages.create',
    permissions: write,
    handle: (c) => createMessage(c, defaultFolder(c, 'drafts')),
  },
  ...messageRoutesUnder('messages'),
  {
    method: 'POST',
    pattern: 'sendMail',
    scope: 'mailbox',
    name: 'sendMail',
    permissions: PERMISSIONS.mailSend,
    handle: sendMail,
  },
];
