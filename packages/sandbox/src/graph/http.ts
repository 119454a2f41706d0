// HTTP adapter: turns Fastify requests into GraphRequests and GraphResponses into replies,
// including a `drop` fault (the connection closes halfway through the body).
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { badRequest, errorBody, type GraphError, toGraphError } from './errors.ts';
import type { Pipeline } from './router.ts';
import { JSON_CONTENT_TYPE } from './router.ts';
import type { GraphRequest, GraphResponse } from './types.ts';

/** Graph accepts request bodies up to 4 MB. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

function headersOf(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(request.headers)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function originOf(request: FastifyRequest): string | undefined {
  const host = request.headers.host;
  if (!host || !/^[A-Za-z0-9.\-[\]:]+$/.test(host)) return undefined;
  const encrypted = (request.raw.socket as { encrypted?: boolean }).encrypted === true;
  return `${encrypted ? 'https' : 'http'}://${host}`;
}

function parseBody(raw: unknown): unknown {
  if (!Buffer.isBuffer(raw) || raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw badRequest(
      `Unable to read JSON request payload: ${(error as Error).message}. Send a valid JSON document.`,
      'BadRequest',
    );
  }
}

export function errorReply(
  reply: FastifyReply,
  request: FastifyRequest,
  error: GraphError,
  now: Date,
): FastifyReply {
  const requestId = randomUUID();
  const clientRequestId = (request.headers['client-request-id'] as string | undefined) ?? requestId;
  return reply
    .code(error.status)
    .headers({
      ...error.headers,
      'request-id': requestId,
      'client-request-id': clientRequestId,
      'Content-Type': JSON_CONTENT_TYPE,
    })
    .send(JSON.stringify(errorBody(error.code, error.message, requestId, clientRequestId, now)));
}

function serialize(response: GraphResponse): Buffer | undefined {
  const body = response.body;
  if (body === undefined) return undefined;
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.from(JSON.stringify(body), 'utf8');
}

export async function handleHttp(
  pipeline: Pipeline,
  request: FastifyRequest,
  reply: FastifyReply,
  now: () => number,
): Promise<void> {
  const url = new URL(request.url, 'http://sandbox.invalid');
  const headers = headersOf(request);
  const requestId = randomUUID();
  let body: unknown;
  try {
    body = parseBody(request.body);
  } catch (error) {
    await errorReply(reply, request, toGraphError(error), new Date(now()));
    return;
  }
  const graphRequest: GraphRequest = {
    method: request.method,
    path: url.pathname.replace(/^\/v1\.0/i, '') || '/',
    query: url.searchParams,
    headers,
    body,
    requestId,
    clientRequestId: headers['client-request-id'] ?? requestId,
    inBatch: false,
    origin: originOf(request),
  };
  const response = await pipeline.dispatch(graphRequest);
  const payload = serialize(response);
  if (response.drop) {
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(response.status, response.headers);
    const part = payload
      ? payload.subarray(0, Math.max(1, Math.floor(payload.length / 2)))
      : Buffer.from('{');
    raw.write(part, () => raw.socket?.destroy());
    return;
  }
  reply.code(response.status).headers(response.headers);
  if (payload === undefined) await reply.send();
  else await reply.send(payload);
}
