// /me, /users/{id} and /users (the tenant's mailboxes, for picking users in organisation mode).
import { PERMISSIONS } from '../auth.ts';
import { GraphError } from '../errors.ts';
import { userToGraph } from '../mappers/folders.ts';
import { entityResponse, listResponse } from '../paging.ts';
import type { Route } from '../types.ts';

export const userRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '',
    scope: 'mailbox',
    name: 'users.get',
    permissions: PERMISSIONS.userRead,
    handle: (c) => {
      // Reading another user needs more than User.Read, which covers only the signed-in user.
      if (c.claims.mailboxId !== c.mailbox.id && c.claims.mailboxId !== undefined) {
        const scopes = new Set(c.claims.scopes.map((s) => s.toLowerCase()));
        if (!PERMISSIONS.usersRead.some((p) => scopes.has(p.toLowerCase()))) {
          throw new GraphError(
            403,
            'Authorization_RequestDenied',
            'Insufficient privileges to complete the operation: reading other users needs User.ReadBasic.All or User.Read.All.',
          );
        }
      }
      return entityResponse(c, userToGraph(c.mailbox), 'users/$entity');
    },
  },
  {
    method: 'GET',
    pattern: 'users',
    scope: 'tenant',
    name: 'users.list',
    permissions: PERMISSIONS.usersRead,
    handle: (c) => listResponse(c, c.ctx.store.mailboxes(c.claims.tenantId).map(userToGraph), 'users'),
  },
];
