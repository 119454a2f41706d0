// Users' mailboxes (SPEC A3, A4, A6): add by address, test, update the password, sign in with
// Microsoft, disconnect, and look inside (folders, first items) through the connector.
import { z } from 'zod';
import {
  detectionSchema,
  detectSchema,
  folderKindSchema,
  folderSchema,
  itemPreviewSchema,
  type MailboxDomain,
  mailboxAddedSchema,
  mailboxCreateSchema,
  mailboxSchema,
  passwordUpdateSchema,
  testResultSchema,
} from '../../mailboxes/index.ts';
import { type Operation, operation } from '../operation.ts';
import { answer } from './mailbox-errors.ts';
import { idParams } from './records.ts';

const TAG = 'Mailboxes';

const folderQuery = z.strictObject({ kind: folderKindSchema.default('mail') });
const itemsQuery = z.strictObject({
  kind: folderKindSchema,
  folderId: z.string().min(1).max(1024).meta({ description: 'Folder id from the folder tree.' }),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
const signInBody = z
  .strictObject({ returnTo: z.string().max(2048).optional() })
  .meta({ id: 'MailboxSignIn' });

type FolderNodeLike = {
  id: string;
  name: string;
  kind: string;
  wellKnown?: string;
  children: FolderNodeLike[];
};
const folderView = (f: FolderNodeLike): FolderNodeLike => ({
  id: f.id,
  name: f.name,
  kind: f.kind,
  ...(f.wellKnown ? { wellKnown: f.wellKnown } : {}),
  children: f.children.map(folderView),
});

export function mailboxRoutes(domain: MailboxDomain): Operation[] {
  const { mailboxes } = domain;
  return [
    operation({
      method: 'POST',
      path: '/api/v1/mailboxes/detect',
      operationId: 'detectMailbox',
      tag: TAG,
      summary: 'Find the mail service of an email address and what it needs.',
      description:
        'The service is found from the domain lists, else (Exchange) by Autodiscover. `needs` says whether to send a password, follow OAuth consent, or whether an administrator syncs it (organisation mode).',
      auth: 'user',
      body: detectSchema,
      response: { status: 200, description: 'The service found.', schema: detectionSchema },
      errors: [422],
      handler: ({ principal, body }) => answer(() => mailboxes.detect(principal!, body)),
    }),
    operation({
      method: 'POST',
      path: '/api/v1/mailboxes',
      operationId: 'addMailbox',
      tag: TAG,
      summary: 'Add a mailbox by email address.',
      description:
        'Password services: the connection is tested first and the mailbox is stored (active) only if the test passes; otherwise 422 connection_failed says what happened and nothing is stored. OAuth services: answers status pending with authorizationUrl; the mailbox is enabled after consent. Administrators may add a password mailbox for another user (ownerId); anyone else naming another user gets 403.',
      auth: 'user',
      body: mailboxCreateSchema,
      response: {
        status: 201,
        description: 'The mailbox, active or waiting for consent.',
        schema: mailboxAddedSchema,
      },
      errors: [403, 409, 422],
      handler: ({ principal, body }) => answer(() => mailboxes.add(principal!, body)),
    }),
    operation({
      method: 'GET',
      path: '/api/v1/mailboxes',
      operationId: 'listMailboxes',
      tag: TAG,
      summary: 'Your mailboxes (administrators: everyone’s).',
      auth: 'user',
      response: {
        status: 200,
        description: 'The mailboxes.',
        schema: z.strictObject({ items: z.array(mailboxSchema) }).meta({ id: 'MailboxList' }),
      },
      errors: [],
      handler: ({ principal }) => answer(async () => ({ items: await mailboxes.list(principal!) })),
    }),
    operation({
      method: 'GET',
      path: '/api/v1/mailboxes/{id}',
      operationId: 'getMailbox',
      tag: TAG,
      summary: 'Read one mailbox with its health.',
      auth: 'user',
      params: idParams,
      response: { status: 200, description: 'The mailbox.', schema: mailboxSchema },
      errors: [404],
      handler: ({ principal, params }) => answer(() => mailboxes.get(principal!, params.id)),
    }),
    operation({
      method: 'POST',
      path: '/api/v1/mailboxes/{id}/test',
      operationId: 'testMailbox',
      tag: TAG,
      summary: 'Test the connection of a mailbox.',
      description:
        'Always 200: `ok` and `problem` say what happened (does not resolve, refuses TLS, 401, not Exchange, private address refused, …). A refused password or grant marks the mailbox needs_sign_in.',
      auth: 'user',
      params: idParams,
      response: {
        status: 200,
        description: 'The test result and the mailbox after it.',
        schema: testResultSchema,
      },
      errors: [404, 409],
      handler: ({ principal, params }) => answer(() => mailboxes.test(principal!, params.id)),
    }),
    operation({
      method: 'PUT',
      path: '/api/v1/mailboxes/{id}/password',
      operationId: 'updateMailboxPassword',
      tag: TAG,
      summary: 'Update the password of a mailbox.',
      description:
        'The new password is tested first; if the test fails nothing changes (422 connection_failed).',
      auth: 'user',
      params: idParams,
      body: passwordUpdateSchema,
      response: { status: 200, description: 'The mailbox.', schema: mailboxSchema },
      errors: [404, 409, 422],
      handler: ({ principal, params, body }) =>
        answer(() => mailboxes.updatePassword(principal!, params.id, body)),
    }),
    operation({
      method: 'POST',
      path: '/api/v1/mailboxes/{id}/disconnect',
      operationId: 'disconnectMailbox',
      tag: TAG,
      summary: 'Disconnect a mailbox: sync stops, its secrets are erased, synced data is kept on both sides.',
      auth: 'user',
      params: idParams,
      response: { status: 200, description: 'The disconnected mailbox.', schema: mailboxSchema },
      errors: [404],
      handler: ({ principal, params }) => answer(() => mailboxes.disconnect(principal!, params.id)),
    }),
    operation({
      method: 'POST',
      path: '/api/v1/mailboxes/{id}/sign-in',
      operationId: 'signInMailbox',
      tag: TAG,
      summary: 'Start a new Microsoft sign-in (OAuth consent) for a mailbox, e.g. one that needs sign-in.',
      auth: 'user',
      params: idParams,
      body: signInBody,
      response: {
        status: 200,
        description: 'Where to send the browser.',
        schema: z
          .strictObject({ authorizationUrl: z.string(), mailbox: mailboxSchema })
          .meta({ id: 'MailboxSignInStarted' }),
      },
      errors: [403, 404, 409],
      handler: ({ principal, params, body }) =>
        answer(() => mailboxes.signIn(principal!, params.id, body.returnTo)),
    }),
    operation({
      method: 'GET',
      path: '/api/v1/mailboxes/{id}/folders',
      operationId: 'listMailboxFolders',
      tag: TAG,
      summary: 'The folder tree of a mailbox, for one kind of folder.',
      auth: 'user',
      params: idParams,
      query: folderQuery,
      response: {
        status: 200,
        description: 'The folder tree.',
        schema: z.strictObject({ items: z.array(folderSchema) }).meta({ id: 'MailboxFolderTree' }),
      },
      errors: [404, 409, 502],
      handler: ({ principal, params, query }) =>
        answer(async () => ({
          items: (await mailboxes.folders(principal!, params.id, query.kind)).map(folderView),
        })),
    }),
    operation({
      method: 'GET',
      path: '/api/v1/mailboxes/{id}/items',
      operationId: 'listMailboxItems',
      tag: TAG,
      summary:
        'The first items of a folder of the mailbox (contacts, events, tasks or messages), read through its connector.',
      auth: 'user',
      params: idParams,
      query: itemsQuery,
      response: { status: 200, description: 'The first page.', schema: itemPreviewSchema },
      errors: [404, 409, 502],
      handler: ({ principal, params, query }) => answer(() => mailboxes.items(principal!, params.id, query)),
    }),
  ];
}
