// The request pipeline every Graph call goes through, from HTTP or from a batch: route match,
// token, mailbox, permission, Outlook's per-mailbox limits, injected faults, handler, and the
// Graph error shape for anything that goes wrong.
import { setTimeout as sleep } from 'node:timers/promises';
import { ianaZone } from '@exsync/common/time';
import type { SandboxContext, TokenClaims } from '../context.ts';
import type { Mailbox } from '../model.ts';
import { authenticate, hasPermission, resolveMailbox } from './auth.ts';
import { accessDenied, badRequest, errorBody, GraphError, toGraphError } from './errors.ts';
import { MailboxLimits, mailboxConcurrency } from './limits.ts';
import { pathSegments } from './path.ts';
import { parsePrefer } from './prefer.ts';
import type { GraphRequest, GraphResponse, GraphServices, Route, RouteCall } from './types.ts';

export const JSON_CONTENT_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

function matchPattern(pattern: string, segments: string[]): Record<string, string> | undefined {
  const parts = pattern ? pattern.split('/') : [];
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (p.startsWith('{')) params[p.slice(1, -1)] = segments[i];
    else if (p.toLowerCase() !== segments[i].toLowerCase()) return undefined;
  }
  return params;
}

interface Target {
  route: Route;
  params: Record<string, string>;
  principal?: string;
  principalPath: string;
}

function findTarget(routes: readonly Route[], method: string, segments: string[]): Target {
  const candidates: Array<{
    scope: Route['scope'];
    rest: string[];
    principal?: string;
    principalPath: string;
  }> = [];
  if (segments[0]?.toLowerCase() === 'me') {
    candidates.push({ scope: 'mailbox', rest: segments.slice(1), principal: 'me', principalPath: '/me' });
  } else if (segments[0]?.toLowerCase() === 'users' && segments.length >= 2) {
    candidates.push({
      scope: 'mailbox',
      rest: segments.slice(2),
      principal: segments[1],
      principalPath: `/users/${encodeURIComponent(segments[1])}`,
    });
  }
  candidates.push({ scope: 'tenant', rest: segments, principalPath: '' });
  candidates.push({ scope: 'anonymous', rest: segments, principalPath: '' });
  let pathMatched = false;
  for (const c of candidates) {
    // Literal segments win over captures: `contacts/delta` is the function, not a contact id.
    let best: { route: Route; params: Record<string, string>; captures: number } | undefined;
    for (const route of routes) {
      if (route.scope !== c.scope) continue;
      const params = matchPattern(route.pattern, c.rest);
      if (!params) continue;
      pathMatched = true;
      const captures = Object.keys(params).length;
      if (route.method === method && (!best || captures < best.captures)) best = { route, params, captures };
    }
    if (best)
      return {
        route: best.route,
        params: best.params,
        principal: c.principal,
        principalPath: c.principalPath,
      };
  }
  if (pathMatched)
    throw new GraphError(
      405,
      'Request_BadRequest',
      `The ${method} method is not supported on this resource.`,
    );
  throw badRequest(`Resource not found for the segment '${segments.at(-1) ?? ''}'.`);
}

export interface Pipeline {
  dispatch(req: GraphRequest): Promise<GraphResponse>;
}

export function createPipeline(
  ctx: SandboxContext,
  routes: readonly Route[],
  services: () => GraphServices,
): Pipeline {
  const limits = new MailboxLimits();

  async function run(req: GraphRequest, applied: Set<string>): Promise<GraphResponse> {
    const method = req.method.toUpperCase();
    const target = findTarget(routes, method, pathSegments(req.path));
    const { route } = target;
    const prefs = parsePrefer(req.headers.prefer);
    if (prefs.immutableId) applied.add('IdType="ImmutableId"');
    if (prefs.timeZone) {
      if (ianaZone(prefs.timeZone)) applied.add(`outlook.timezone="${prefs.timeZone}"`);
      else prefs.timeZone = undefined;
    }
    let claims: TokenClaims | undefined;
    if (route.scope !== 'anonymous') claims = authenticate(ctx, req.headers.authorization);
    let mailbox: Mailbox | undefined;
    if (route.scope === 'mailbox') mailbox = resolveMailbox(ctx, claims!, target.principal!);
    if (claims && !hasPermission(claims, route.permissions)) throw accessDenied();
    const release = mailbox && claims ? limits.acquire(claims.appId, mailbox.id, ctx.now()) : () => {};
    try {
      let expireSyncState = false;
      let drop = false;
      for (const fault of ctx.faults.pick({
        protocol: 'graph',
        operation: route.name,
        tenantId: mailbox?.tenantId ?? claims?.tenantId,
        mailboxId: mailbox?.id,
      })) {
        switch (fault.kind) {
          case 'latency':
            await sleep(fault.ms);
            break;
          case 'throttle':
            throw new GraphError(
              429,
              'TooManyRequests',
              'Too many requests. Retry after the interval in the Retry-After header.',
              {
                'Retry-After': String(Math.max(1, Math.ceil(fault.retryAfterMs / 1000))),
              },
            );
          case 'concurrency':
            throw mailboxConcurrency();
          case 'serverError':
            throw new GraphError(
              fault.status,
              fault.status === 503 ? 'ServiceUnavailable' : 'InternalServerError',
              fault.status === 503
                ? 'The service is temporarily unavailable. Retry after the interval in the Retry-After header.'
                : 'An internal server error occurred while processing the request. Retry the request later.',
              fault.retryAfterMs !== undefined || fault.status === 503
                ? { 'Retry-After': String(Math.max(1, Math.ceil((fault.retryAfterMs ?? 1000) / 1000))) }
                : {},
            );
          case 'drop':
            drop = true;
            break;
          case 'expireSyncState':
            expireSyncState = true;
            break;
        }
      }
      const call: RouteCall = {
        ctx,
        req,
        claims: claims!,
        mailbox: mailbox!,
        params: target.params,
        prefs,
        principalPath: target.principalPath,
        expireSyncState,
        applied,
        services: services(),
      };
      const response = await route.handle(call);
      return drop ? { ...response, drop: true } : response;
    } finally {
      release();
    }
  }

  async function dispatch(req: GraphRequest): Promise<GraphResponse> {
    const applied = new Set<string>();
    let response: GraphResponse;
    try {
      response = await run(req, applied);
    } catch (error) {
      const e = toGraphError(error);
      response = {
        status: e.status,
        headers: { ...e.headers },
        body: errorBody(e.code, e.message, req.requestId, req.clientRequestId, new Date(ctx.now())),
      };
    }
    const headers: Record<string, string> = {
      'request-id': req.requestId,
      'client-request-id': req.clientRequestId,
      'Cache-Control': 'no-cache',
      ...response.headers,
    };
    if (response.body !== undefined && typeof response.body === 'object' && !Buffer.isBuffer(response.body)) {
      headers['Content-Type'] ??= JSON_CONTENT_TYPE;
      headers['OData-Version'] = '4.0';
    }
    if (applied.size > 0 && response.status < 400) headers['Preference-Applied'] = [...applied].join(',');
    return { ...response, headers };
  }

  return { dispatch };
}
