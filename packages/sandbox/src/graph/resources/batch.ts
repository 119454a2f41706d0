// JSON batching: POST /$batch with up to 20 requests. Members without dependsOn run in parallel
// and each one counts against the mailbox's concurrency limit, so a batch of more than four
// requests to one mailbox sees 429s inside, with Retry-After in the member's headers. A member
// whose dependency failed answers 424.
import { badRequest } from '../errors.ts';
import type { Json } from '../mappers/common.ts';
import { jsonObject } from '../paging.ts';
import type { GraphResponse, Route, RouteCall } from '../types.ts';

export const MAX_BATCH_REQUESTS = 20;

interface Member {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  dependsOn: string[];
}

function parseMembers(body: Json): Member[] {
  const requests = body.requests;
  if (!Array.isArray(requests)) throw badRequest("A batch needs a 'requests' array.", 'BadRequest');
  if (requests.length === 0) throw badRequest('A batch needs at least one request.', 'BadRequest');
  if (requests.length > MAX_BATCH_REQUESTS) {
    throw badRequest(
      `The batch has ${requests.length} requests, more than the maximum of ${MAX_BATCH_REQUESTS}. Split it into batches of at most ${MAX_BATCH_REQUESTS}.`,
      'BadRequest',
    );
  }
  const ids = new Set<string>();
  const members = requests.map((r: unknown): Member => {
    if (!r || typeof r !== 'object') throw badRequest('Each batch request must be an object.', 'BadRequest');
    const m = r as Json;
    const id = m.id === undefined || m.id === null ? '' : String(m.id);
    if (!id) throw badRequest("Each batch request needs an 'id'.", 'BadRequest');
    if (ids.has(id)) throw badRequest(`The batch request id '${id}' is used more than once.`, 'BadRequest');
    ids.add(id);
    if (typeof m.method !== 'string' || typeof m.url !== 'string') {
      throw badRequest(`Batch request '${id}' needs 'method' and 'url'.`, 'BadRequest');
    }
    const headers: Record<string, string> = {};
    if (m.headers && typeof m.headers === 'object') {
      for (const [k, v] of Object.entries(m.headers as Json)) headers[k.toLowerCase()] = String(v);
    }
    if (m.body !== undefined && !headers['content-type']) {
      throw badRequest(`Batch request '${id}' has a body but no Content-Type header.`, 'BadRequest');
    }
    const dependsOn = Array.isArray(m.dependsOn) ? m.dependsOn.map(String) : [];
    return { id, method: m.method.toUpperCase(), url: m.url, headers, body: m.body, dependsOn };
  });
  for (const m of members) {
    for (const d of m.dependsOn) {
      if (!ids.has(d))
        throw badRequest(`Batch request '${m.id}' depends on unknown request '${d}'.`, 'BadRequest');
    }
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const byId = new Map(members.map((m) => [m.id, m]));
  const visit = (m: Member): void => {
    if (state.get(m.id) === 'done') return;
    if (state.get(m.id) === 'visiting')
      throw badRequest(`The dependsOn chain through request '${m.id}' is circular.`, 'BadRequest');
    state.set(m.id, 'visiting');
    for (const d of m.dependsOn) visit(byId.get(d)!);
    state.set(m.id, 'done');
  };
  for (const m of members) visit(m);
  return members;
}

function memberBody(m: Member): unknown {
  if (m.body === undefined) return undefined;
  const type = m.headers['content-type'] ?? '';
  if (/json/i.test(type)) return typeof m.body === 'string' ? JSON.parse(m.body) : m.body;
  return m.body;
}

function memberPath(url: string): { path: string; query: URLSearchParams } {
  const relative = url.replace(/^https?:\/\/[^/]+/i, '').replace(/^\/?v1\.0(?=\/)/i, '');
  const withSlash = relative.startsWith('/') ? relative : '/' + relative;
  const q = withSlash.indexOf('?');
  return q < 0
    ? { path: withSlash, query: new URLSearchParams() }
    : { path: withSlash.slice(0, q), query: new URLSearchParams(withSlash.slice(q + 1)) };
}

function responseBody(r: GraphResponse): unknown {
  if (r.body === undefined) return undefined;
  if (Buffer.isBuffer(r.body)) return r.body.toString('base64');
  return r.body;
}

async function runBatch(call: RouteCall): Promise<GraphResponse> {
  const members = parseMembers(jsonObject(call));
  const results = new Map<string, Promise<GraphResponse>>();
  let drop = false;
  const start = (m: Member): Promise<GraphResponse> => {
    const existing = results.get(m.id);
    if (existing) return existing;
    const promise = (async (): Promise<GraphResponse> => {
      const deps = await Promise.all(m.dependsOn.map((d) => start(members.find((x) => x.id === d)!)));
      if (deps.some((d) => d.status >= 400)) {
        return {
          status: 424,
          headers: {},
          body: { error: { code: 'FailedDependency', message: 'A request this one depends on failed.' } },
        };
      }
      const { path, query } = memberPath(m.url);
      const headers = { ...m.headers };
      if (call.req.headers.authorization) headers.authorization = call.req.headers.authorization;
      let body: unknown;
      try {
        body = memberBody(m);
      } catch {
        return {
          status: 400,
          headers: {},
          body: {
            error: {
              code: 'BadRequest',
              message: `Batch request '${m.id}' has a body that is not valid JSON.`,
            },
          },
        };
      }
      const response = await call.services.dispatch({
        method: m.method,
        path,
        query,
        headers,
        body,
        requestId: crypto.randomUUID(),
        clientRequestId: headers['client-request-id'] ?? call.req.clientRequestId,
        inBatch: true,
        origin: call.req.origin,
      });
      if (response.drop) drop = true;
      return response;
    })();
    results.set(m.id, promise);
    return promise;
  };
  const responses = await Promise.all(members.map(start));
  return {
    status: 200,
    headers: {},
    drop,
    body: {
      responses: members.map((m, i) => {
        const r = responses[i];
        const out: Json = { id: m.id, status: r.status, headers: r.headers };
        const body = responseBody(r);
        if (body !== undefined) out.body = body;
        return out;
      }),
    },
  };
}

export const batchRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '$batch',
    scope: 'anonymous',
    name: '$batch',
    permissions: [],
    handle: runBatch,
  },
];
