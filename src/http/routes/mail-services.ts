// Mail services (SPEC A1, A2, A5): for holders of CanManageAdministration only.
import { z } from 'zod';
import {
  type MailboxDomain,
  mailServiceCreateSchema,
  mailServiceSchema,
  mailServiceUpdateSchema,
  organisationConnectSchema,
  organisationUsersSchema,
  organisationUsersUpdateSchema,
} from '../../mailboxes/index.ts';
import { type Operation, operation } from '../operation.ts';
import { answer } from './mailbox-errors.ts';
import { idParams } from './records.ts';

const TAG = 'Mail services';
const ADMIN = ' Needs the system operation CanManageAdministration.';

export function mailServiceRoutes(domain: MailboxDomain): Operation[] {
  const { services, organisation } = domain;
  return [
    operation({
      method: 'GET',
      path: '/api/v1/mail-services/redirect-uri',
      operationId: 'getMailServiceRedirectUri',
      tag: TAG,
      summary:
        'The redirect URI to register in a Microsoft 365 app registration, known before any service is saved.',
      description: `The same value every mail service's redirectUri shows.${ADMIN}`,
      auth: 'user',
      response: {
        status: 200,
        description: 'The redirect URI.',
        schema: z
          .strictObject({ redirectUri: z.string().meta({ description: 'Register exactly this address.' }) })
          .meta({ id: 'MailServiceRedirectUri' }),
      },
      errors: [403],
      handler: ({ principal }) =>
        answer(async () => {
          // Admins only, as every mail-service answer: listing checks the right.
          await services.list(principal!);
          return { redirectUri: services.redirectUri };
        }),
    }),
    operation({
      method: 'GET',
      path: '/api/v1/mail-services',
      operationId: 'listMailServices',
      tag: TAG,
      summary: 'List mail services.',
      description: `Secrets are never returned; hasClientSecret says whether one is set.${ADMIN}`,
      auth: 'user',
      response: {
        status: 200,
        description: 'All mail services.',
        schema: z.strictObject({ items: z.array(mailServiceSchema) }).meta({ id: 'MailServiceList' }),
      },
      errors: [403],
      handler: ({ principal }) => answer(async () => ({ items: await services.list(principal!) })),
    }),
    operation({
      method: 'POST',
      path: '/api/v1/mail-services',
      operationId: 'createMailService',
      tag: TAG,
      summary: 'Add a mail service (Exchange Server over EWS, or Microsoft 365 over Graph).',
      description: `At least one of loadEmails and sendEmails must be on; a domain can belong to one service only.${ADMIN}`,
      auth: 'user',
      body: mailServiceCreateSchema,
      response: { status: 201, description: 'The new mail service.', schema: mailServiceSchema },
      errors: [403, 409, 422],
      handler: ({ principal, body }) => answer(() => services.create(principal!, body)),
    }),
    operation({
      method: 'GET',
      path: '/api/v1/mail-services/{id}',
      operationId: 'getMailService',
      tag: TAG,
      summary: 'Read one mail service.',
      auth: 'user',
      params: idParams,
      response: { status: 200, description: 'The mail service.', schema: mailServiceSchema },
      errors: [403, 404],
      handler: ({ principal, params }) => answer(() => services.get(principal!, params.id)),
    }),
    operation({
      method: 'PATCH',
      path: '/api/v1/mail-services/{id}',
      operationId: 'updateMailService',
      tag: TAG,
      summary: 'Change a mail service.',
      description: `Send only the fields to change; clientSecret null removes it. The authentication method cannot change once the access mode is locked (409 mode_locked).${ADMIN}`,
      auth: 'user',
      params: idParams,
      body: mailServiceUpdateSchema,
      response: { status: 200, description: 'The changed mail service.', schema: mailServiceSchema },
      errors: [403, 404, 409, 422],
      handler: ({ principal, params, body }) => answer(() => services.update(principal!, params.id, body)),
    }),
    operation({
      method: 'DELETE',
      path: '/api/v1/mail-services/{id}',
      operationId: 'deleteMailService',
      tag: TAG,
      summary: 'Delete a mail service no mailbox uses.',
      description: `Refused with 409 service_in_use while mailboxes use it; details list them with their owners.${ADMIN}`,
      auth: 'user',
      params: idParams,
      response: { status: 204, description: 'Deleted.' },
      errors: [403, 404, 409],
      handler: ({ principal, params }) => answer(() => services.delete(principal!, params.id)),
    }),
    operation({
      method: 'POST',
      path: '/api/v1/mail-services/{id}/organisation',
      operationId: 'connectMailServiceOrganisation',
      tag: TAG,
      summary: 'Connect the service identity for organisation mode (impersonation / app-only).',
      description: `Exchange: the service account's login and password (it needs the ApplicationImpersonation role). Microsoft 365 (app_only): the app's client credentials. The connection is tested on testAddress first. Choosing organisation mode is final: a service already used with individual credentials answers 409 mode_locked.${ADMIN}`,
      auth: 'user',
      params: idParams,
      body: organisationConnectSchema,
      response: {
        status: 200,
        description: 'The mail service, now in organisation mode.',
        schema: mailServiceSchema,
      },
      errors: [403, 404, 409, 422],
      handler: ({ principal, params, body }) =>
        answer(() => organisation.connect(principal!, params.id, body)),
    }),
    operation({
      method: 'GET',
      path: '/api/v1/mail-services/{id}/users',
      operationId: 'listMailServiceUsers',
      tag: TAG,
      summary: 'The users an organisation-mode service syncs, and who could be chosen.',
      auth: 'user',
      params: idParams,
      response: {
        status: 200,
        description: 'Every CRM user with their selection.',
        schema: organisationUsersSchema,
      },
      errors: [403, 404],
      handler: ({ principal, params }) => answer(() => organisation.getUsers(principal!, params.id)),
    }),
    operation({
      method: 'PUT',
      path: '/api/v1/mail-services/{id}/users',
      operationId: 'setMailServiceUsers',
      tag: TAG,
      summary: 'Choose the users whose mailboxes an organisation-mode service syncs.',
      description: `Replaces the selection. Inactive users are refused (422, naming them); a user deactivated later is no longer synced. Each newly chosen user's mailbox is tested through the service identity.${ADMIN}`,
      auth: 'user',
      params: idParams,
      body: organisationUsersUpdateSchema,
      response: {
        status: 200,
        description: 'The selection after the change.',
        schema: organisationUsersSchema,
      },
      errors: [403, 404, 409, 422],
      handler: ({ principal, params, body }) =>
        answer(() => organisation.setUsers(principal!, params.id, body)),
    }),
  ];
}
