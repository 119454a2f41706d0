// An API operation is declared once — method, path, zod schemas, handler — and that one
// declaration both registers the Fastify route and feeds the OpenAPI document, so the
// documentation cannot drift from what the server accepts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Principal } from '../crm/principal.ts';
import { ApiError, validationError } from './errors.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Who may call: anyone, or a signed-in user (finer rights are checked by the handler or the CRM). */
export type AuthRequirement = 'public' | 'user';

export interface OperationContext<P, Q, B> {
  request: FastifyRequest;
  reply: FastifyReply;
  params: P;
  query: Q;
  body: B;
  /** Null only for public operations. */
  principal: Principal | null;
}

export interface SuccessResponse {
  status: 200 | 201 | 204;
  description: string;
  schema?: z.ZodType;
  /** application/json unless said otherwise (e.g. the Prometheus text format). */
  contentType?: string;
}

export interface Operation<P = unknown, Q = unknown, B = unknown> {
  method: HttpMethod;
  /** OpenAPI style: /api/v1/contacts/{id}. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  auth: AuthRequirement;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Names under which request and response schemas appear in components/schemas. */
  bodyName?: string;
  response: SuccessResponse & { name?: string };
  /** Error statuses beyond those every operation can return. */
  errors: number[];
  handler(context: OperationContext<P, Q, B>): Promise<unknown>;
}

/** Keeps P, Q and B inferred at the declaration while letting lists hold any operation. */
export function operation<P, Q, B>(op: Operation<P, Q, B>): Operation {
  return op as unknown as Operation;
}

export type Authenticate = (request: FastifyRequest) => Promise<Principal>;

function parsePart<T>(
  schema: z.ZodType<T> | undefined,
  value: unknown,
  part: 'params' | 'query' | 'body',
): T {
  if (!schema) return undefined as T;
  if (part === 'body' && value === undefined) {
    throw new ApiError(
      422,
      'validation_failed',
      'This operation needs a JSON body. Send one with Content-Type: application/json.',
      {
        details: [{ path: '', message: 'request body is required' }],
      },
    );
  }
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error, part === 'body' ? [] : []);
  return result.data;
}

export function toFastifyPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

export function registerOperations(
  app: FastifyInstance,
  operations: Operation[],
  authenticate: Authenticate,
): void {
  // Authentication runs before the body is read, so that anonymous callers cannot make the
  // server parse large bodies and get a 401 rather than a body error.
  // API answers carry personal data, tokens and CSRF tokens: no cache, shared or private, keeps
  // them (set before authentication, so that errors carry it too).
  const principals = new WeakMap<FastifyRequest, Principal>();
  const noStore = async (_request: FastifyRequest, reply: FastifyReply) => {
    reply.header('cache-control', 'no-store');
  };
  const onRequest = async (request: FastifyRequest, reply: FastifyReply) => {
    await noStore(request, reply);
    principals.set(request, await authenticate(request));
  };
  for (const op of operations) {
    app.route({
      method: op.method,
      url: toFastifyPath(op.path),
      ...(op.auth === 'user' ? { onRequest } : op.path.startsWith('/api/') ? { onRequest: noStore } : {}),
      handler: async (request, reply) => {
        const principal = principals.get(request) ?? null;
        const context: OperationContext<unknown, unknown, unknown> = {
          request,
          reply,
          principal,
          params: parsePart(op.params, request.params, 'params'),
          query: parsePart(op.query, request.query, 'query'),
          body: parsePart(op.body, request.body, 'body'),
        };
        const result = await op.handler(context);
        reply.code(op.response.status);
        if (op.response.status === 204) return reply.send();
        if (op.response.contentType) reply.type(op.response.contentType);
        return reply.send(result);
      },
    });
  }
}
