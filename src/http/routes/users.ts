// The user directory and its administration. Every signed-in user may read the directory
// (sharing a record needs a colleague's id); creating and changing users needs CanManageUsers
// or administration rights, which the CRM core enforces.
import { z } from 'zod';
import {
  roleSchema,
  userCreateSchema,
  userFilterSchema,
  userSchema,
  userUpdateSchema,
} from '../../crm/index.ts';
import { accountKey, type LoginLimiter } from '../auth/login-limiter.ts';
import type { CrmBackend } from '../crm-backend.ts';
import { type Operation, operation } from '../operation.ts';
import { credentialsEndedMessage, passwordChangedSchema } from './auth.ts';
import { idParams } from './records.ts';

const pagingQuery = {
  cursor: z.string().max(512).optional().meta({ description: 'nextCursor of the previous page.' }),
  limit: z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .optional()
    .meta({ description: '1 to 500 (default 50).' }),
};

const userPage = z
  .strictObject({ items: z.array(userSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'UserPage' });

const roleList = z.strictObject({ items: z.array(roleSchema.meta({ id: 'Role' })) }).meta({ id: 'RoleList' });

const passwordSchema = z
  .strictObject({ password: z.string().min(8, 'must be at least 8 characters').max(1024) })
  .meta({ id: 'PasswordReset' });

export function userRoutes(backend: CrmBackend, loginLimiter: LoginLimiter): Operation[] {
  const users = backend.crm.users;
  return [
    operation({
      method: 'GET',
      path: '/api/v1/roles',
      operationId: 'listRoles',
      tag: 'Users',
      summary:
        'List the roles, by name, with the system operations each grants (the choices for a user’s roles).',
      auth: 'user',
      response: { status: 200, description: 'Every role.', schema: roleList },
      errors: [],
      handler: async ({ principal }) => ({ items: await backend.crm.roles.list(principal!) }),
    }),
    operation({
      method: 'GET',
      path: '/api/v1/users',
      operationId: 'listUsers',
      tag: 'Users',
      summary: 'List users.',
      auth: 'user',
      query: userFilterSchema.extend(pagingQuery),
      response: { status: 200, description: 'One page.', schema: userPage },
      errors: [],
      handler: async ({ principal, query }) => {
        const { cursor, limit, ...filter } = query;
        return users.list(principal!, { filter, cursor: cursor ?? null, limit });
      },
    }),
    operation({
      method: 'POST',
      path: '/api/v1/users',
      operationId: 'createUser',
      tag: 'Users',
      summary: 'Create a user (needs CanManageUsers or administration rights).',
      auth: 'user',
      body: userCreateSchema,
      bodyName: 'UserCreate',
      response: { status: 201, description: 'The new user.', schema: userSchema, name: 'User' },
      errors: [403, 409],
      handler: async ({ principal, request }) => users.create(principal!, request.body as never),
    }),
    operation({
      method: 'GET',
      path: '/api/v1/users/{id}',
      operationId: 'getUser',
      tag: 'Users',
      summary: 'Read one user.',
      auth: 'user',
      params: idParams,
      response: { status: 200, description: 'The user.', schema: userSchema, name: 'User' },
      errors: [404],
      handler: async ({ principal, params }) => users.get(principal!, params.id),
    }),
    operation({
      method: 'PATCH',
      path: '/api/v1/users/{id}',
      operationId: 'updateUser',
      tag: 'Users',
      summary: 'Change a user: your own name, time zone and language, or anything with CanManageUsers.',
      description:
        'Setting active to false ends the user’s sessions and revokes their API tokens, like POST /api/v1/users/{id}/deactivate.',
      auth: 'user',
      params: idParams,
      body: userUpdateSchema,
      bodyName: 'UserUpdate',
      response: { status: 200, description: 'The user after the change.', schema: userSchema, name: 'User' },
      errors: [403, 404, 409],
      handler: async ({ principal, params, request }) =>
        users.update(principal!, params.id, request.body as never),
    }),
    operation({
      method: 'PUT',
      path: '/api/v1/users/{id}/password',
      operationId: 'resetUserPassword',
      tag: 'Users',
      summary:
        'Reset another user’s password (needs CanManageUsers; an administrator’s only by administrators).',
      description:
        'Signs the user out of every session, revokes every API token of theirs and lifts the sign-in slow-down of the account. Your own password is changed with POST /api/v1/me/password instead (403 here).',
      auth: 'user',
      params: idParams,
      body: passwordSchema,
      response: { status: 200, description: 'Password reset.', schema: passwordChangedSchema },
      errors: [403, 404],
      handler: async ({ request, principal, params, body }) => {
        const { user, ...ended } = await users.resetPassword(principal!, params.id, body.password);
        loginLimiter.clearAccount(accountKey(user.email));
        request.log.info({ userId: user.id, by: principal!.userId, ...ended }, 'password reset');
        return { ...ended, message: credentialsEndedMessage(false, ended) };
      },
    }),
    operation({
      method: 'POST',
      path: '/api/v1/users/{id}/deactivate',
      operationId: 'deactivateUser',
      tag: 'Users',
      summary:
        'Deactivate a user: they can no longer sign in, all their sessions end and all their API tokens are revoked.',
      description:
        'Needs CanManageUsers (an administrator only by administrators); not for your own account. The same happens with PATCH {"active": false}. Reactivating does not bring old sessions or tokens back.',
      auth: 'user',
      params: idParams,
      response: { status: 200, description: 'The user, now inactive.', schema: userSchema, name: 'User' },
      errors: [403, 404],
      handler: async ({ principal, params }) => users.deactivate(principal!, params.id),
    }),
    operation({
      method: 'POST',
      path: '/api/v1/users/{id}/reactivate',
      operationId: 'reactivateUser',
      tag: 'Users',
      summary: 'Reactivate a user: they sign in again with their password; nothing from before comes back.',
      description: 'Needs CanManageUsers (an administrator only by administrators).',
      auth: 'user',
      params: idParams,
      response: { status: 200, description: 'The user, now active.', schema: userSchema, name: 'User' },
      errors: [403, 404],
      handler: async ({ principal, params }) => users.reactivate(principal!, params.id),
    }),
  ];
}
