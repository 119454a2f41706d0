// Collection responses: $filter, $orderby, $count, $skip/$top paging with @odata.nextLink,
// and $select, applied to the entities' Graph JSON.
import { badRequest } from './errors.ts';
import type { Json } from './mappers/common.ts';
import { extendedToGraph, filterView, parseExtendedExpand, storedExtended } from './mappers/extended.ts';
import { canonicalPropertyNames } from './names.ts';
import { applySelect, option, parseQueryOptions, type QueryOptions, sortEntities } from './query/options.ts';
import type { GraphResponse, RouteCall } from './types.ts';

export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 1000;

/** An absolute link to the request's own path with the given query. */
export function selfLink(call: RouteCall, query: URLSearchParams): string {
  const qs = query.toString().replace(/%24/g, '$').replace(/%2C/gi, ',');
  return `${call.req.origin ?? call.ctx.baseUrl()}/v1.0${call.req.path}${qs ? '?' + qs : ''}`;
}

export function contextUrl(call: RouteCall, fragment: string): string {
  return `${call.req.origin ?? call.ctx.baseUrl()}/v1.0/$metadata#${fragment}`;
}

export function pageSizeFor(call: RouteCall, top: number | undefined): number {
  if (top !== undefined) return Math.max(1, top);
  if (call.prefs.maxPageSize !== undefined) {
    call.applied.add(`odata.maxpagesize=${Math.min(call.prefs.maxPageSize, MAX_PAGE_SIZE)}`);
    return Math.min(call.prefs.maxPageSize, MAX_PAGE_SIZE);
  }
  return DEFAULT_PAGE_SIZE;
}

export function listResponse(
  call: RouteCall,
  entities: Json[],
  context: string,
  options?: QueryOptions,
): GraphResponse {
  const opts = options ?? parseQueryOptions(call.req.query);
  const filter = opts.filter;
  let list = filter ? entities.filter((e) => filter(filterView(e))) : entities;
  list = sortEntities(list, opts.orderBy);
  const size = pageSizeFor(call, opts.top);
  const page = list.slice(opts.skip, opts.skip + size);
  const body: Json = { '@odata.context': contextUrl(call, context) };
  if (opts.count) body['@odata.count'] = list.length;
  const expand = parseExtendedExpand(option(call.req.query, 'expand'));
  body.value = page.map((e) => expanded(e, expand, opts.select));
  if (opts.skip + size < list.length) {
    const next = new URLSearchParams(call.req.query);
    next.delete('$skip');
    next.delete('skip');
    if (opts.top === undefined) next.set('$top', String(size));
    next.set('$skip', String(opts.skip + size));
    body['@odata.nextLink'] = selfLink(call, next);
  }
  return { status: 200, headers: {}, body };
}

export function entityResponse(call: RouteCall, entity: Json, context: string, status = 200): GraphResponse {
  const opts = parseQueryOptions(call.req.query);
  const headers: Record<string, string> = {};
  if (typeof entity['@odata.etag'] === 'string') headers.ETag = entity['@odata.etag'];
  return {
    status,
    headers,
    body: {
      '@odata.context': contextUrl(call, context),
      ...expanded(entity, parseExtendedExpand(option(call.req.query, 'expand')), opts.select),
    },
  };
}

/** The entity with the extended properties `$expand` asks for (Graph returns them only then). */
function expanded(
  entity: Json,
  expand: ReturnType<typeof parseExtendedExpand>,
  select: string[] | undefined,
): Json {
  const selected = applySelect(entity, select);
  if (expand.size === 0) return selected;
  return { ...selected, ...extendedToGraph(storedExtended(entity), expand) };
}

export const noContent = (): GraphResponse => ({ status: 204, headers: {} });

/** The request's JSON object as sent (for `$batch`, whose members are not Graph entities). */
export function jsonObject(call: RouteCall): Json {
  const body = call.req.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest(
      'Empty Payload. JSON content expected: send a JSON object with Content-Type: application/json.',
    );
  }
  return body as Json;
}

/** The request's JSON object with Graph property names spelled as Graph documents them. */
export function jsonBody(call: RouteCall): Json {
  return canonicalPropertyNames(jsonObject(call)) as Json;
}
