// /subscriptions: create (with the validation handshake), list, get, renew by PATCH, delete,
// and reauthorize.

import { contextUrl, entityResponse, jsonBody, noContent } from '../paging.ts';
import { subscriptionToGraph } from '../subscriptions/manager.ts';
import type { Route, RouteCall } from '../types.ts';

function bearer(call: RouteCall): string {
  return (call.req.headers.authorization ?? '').replace(/^Bearer\s+/i, '').trim();
}

export const subscriptionRoutes: Route[] = [
  {
    method: 'POST',
    pattern: 'subscriptions',
    scope: 'tenant',
    name: 'subscriptions.create',
    permissions: [],
    handle: async (c) => {
      const s = await c.services.subscriptions.create(jsonBody(c), c.claims, bearer(c), c.req.requestId);
      return entityResponse(c, subscriptionToGraph(s), 'subscriptions/$entity', 201);
    },
  },
  {
    method: 'GET',
    pattern: 'subscriptions',
    scope: 'tenant',
    name: 'subscriptions.list',
    permissions: [],
    handle: (c) => ({
      status: 200,
      headers: {},
      body: {
        '@odata.context': contextUrl(c, 'subscriptions'),
        value: c.services.subscriptions.list(c.claims).map(subscriptionToGraph),
      },
    }),
  },
  {
    method: 'GET',
    pattern: 'subscriptions/{id}',
    scope: 'tenant',
    name: 'subscriptions.get',
    permissions: [],
    handle: (c) =>
      entityResponse(
        c,
        subscriptionToGraph(c.services.subscriptions.get(c.params.id, c.claims)),
        'subscriptions/$entity',
      ),
  },
  {
    method: 'PATCH',
    pattern: 'subscriptions/{id}',
    scope: 'tenant',
    name: 'subscriptions.update',
    permissions: [],
    handle: (c) =>
      entityResponse(
        c,
        subscriptionToGraph(c.services.subscriptions.update(c.params.id, c.claims, jsonBody(c), bearer(c))),
        'subscriptions/$entity',
      ),
  },
  {
    method: 'DELETE',
    pattern: 'subscriptions/{id}',
    scope: 'tenant',
    name: 'subscriptions.delete',
    permissions: [],
    handle: (c) => {
      c.services.subscriptions.delete(c.params.id, c.claims);
      return noContent();
    },
  },
  {
    method: 'POST',
    pattern: 'subscriptions/{id}/reauthorize',
    scope: 'tenant',
    name: 'subscriptions.reauthorize',
    permissions: [],
    handle: (c) => {
      c.services.subscriptions.reauthorizeById(c.params.id, c.claims, bearer(c));
      return noContent();
    },
  },
];
