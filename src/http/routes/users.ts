// The user directory and its administration. Every signed-in user may read the directory
// (sharing a record needs a colleague's id); creating and changing users needs CanManageUsers
// or administration rights, which the CRM core enforces.
import { z } from 'zod';
import { userCreateSchema, userFilterSchema, userSchema, userUpdateSchema } from '../../crm/index.ts';
import type { CrmBackend } from '../crm-backend.ts';
import { type Operation, operation } from '../operation.ts';
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

const passwordSchema = z
  .strictObject({ password: z.string().min(8, 'must be at least 8 characters').max(1024) })
  .meta({ id: 'PasswordChange' });

export function userRoutes(backend: CrmBackend): Operation[] {
  const users = backend.crm.users;
  return [
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
      summary: 'Change a user: your own name and time zone, or anything with CanManageUsers.',
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
      operationId: 'setUserPassword',
      tag: 'Users',
      summary: 'Set a password: your own, or anyone’s with CanManageUsers.',
      auth: 'user',
      params: idParams,
      body: passwordSchema,
      response: { status: 204, description: 'Password changed.' },
      errors: [403, 404],
      handler: async ({ principal, params, body }) => {
        await users.setPassword(principal!, params.id, body.password);
      },
    }),
  ];
}
