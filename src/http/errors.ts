// Every error the API returns has the shape { error: { code, message, details? } }: `code` is
// for programs, `message` says what went wrong and what to do, `details` names each bad field.
// Stack traces and internal messages never leave the server.

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CrmError, type CrmErrorCode, detailsFromZod } from '../crm/errors.ts';
import type { SyncErrorCode } from '../mailbox-sync/errors.ts';
import type { MailboxErrorCode } from '../mailboxes/errors.ts';

export type ApiErrorCode =
  | CrmErrorCode
  | 'malformed_json'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'route_not_found'
  | 'method_not_allowed'
  | 'unauthenticated'
  | 'csrf_failed'
  | 'session_required'
  | 'too_many_attempts'
  | 'bad_request'
  | 'not_ready'
  | 'internal_error'
  | MailboxErrorCode
  | SyncErrorCode;

export interface ErrorDetail {
  path: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly details?: ErrorDetail[];
  readonly headers?: Record<string, string>;

  constructor(
    status: number,
    code: ApiErrorCode,
    message: string,
    extra: { details?: ErrorDetail[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    if (extra.details) this.details = extra.details;
    if (extra.headers) this.headers = extra.headers;
  }
}

export const CRM_ERROR_STATUS: Record<CrmErrorCode, number> = {
  not_found: 404,
  forbidden: 403,
  validation_failed: 422,
  conflict: 409,
  invalid_reference: 422,
};

/** The error body as a zod schema, for the OpenAPI document. */
export const errorBodySchema = z
  .strictObject({
    error: z.strictObject({
      code: z.string().meta({ description: 'Machine-readable error code, e.g. validation_failed.' }),
      message: z.string().meta({ description: 'What went wrong and what to do about it.' }),
      details: z
        .array(z.strictObject({ path: z.string(), message: z.string() }))
        .optional()
        .meta({ description: 'One entry per offending field; path is dotted, e.g. emails.0.address.' }),
    }),
  })
  .meta({ id: 'Error' });

/** Every status an operation can answer with an error, with what it means. */
export const ERROR_STATUS_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed request (for example invalid JSON).',
  401: 'Not signed in: send a session cookie or an `Authorization: Bearer` token.',
  403: 'Not allowed, or the CSRF token is missing or wrong.',
  404: 'No such record, or it is not visible to you.',
  409: 'The record changed or already exists.',
  413: 'The request body is larger than the server accepts.',
  414: 'A part of the URL (an id in the path) is far too long.',
  415: 'The body is not JSON.',
  422: 'The input is invalid; `details` names each field and the reason.',
  429: 'Too many failed sign-ins; wait for the time in Retry-After.',
  503: 'The database cannot be reached.',
};

export function validationError(error: z.ZodError, prefix: PropertyKey[] = []): ApiError {
  const details = detailsFromZod(error, prefix);
  const summary = details
    .slice(0, 5)
    .map((d) => (d.path ? `${d.path}: ${d.message}` : d.message))
    .join('; ');
  return new ApiError(
    422,
    'validation_failed',
    `Invalid input: ${summary}. Correct these fields and send again.`,
    {
      details,
    },
  );
}

interface ErrorBody {
  status: number;
  code: ApiErrorCode;
  message: string;
  details?: ErrorDetail[];
  headers?: Record<string, string>;
}

/** Turns anything thrown into the answer the client gets; unknown errors become a bare 500. */
export function describeError(error: unknown, bodyLimit: number): ErrorBody {
  if (error instanceof ApiError) {
    return {
      status: error.status,
      code: error.code,
      message: error.message,
      details: error.details,
      headers: error.headers,
    };
  }
  if (error instanceof CrmError) {
    return {
      status: CRM_ERROR_STATUS[error.code],
      code: error.code,
      message: error.message,
      details: error.details,
    };
  }
  if (error instanceof z.ZodError) {
    const api = validationError(error);
    return { status: api.status, code: api.code, message: api.message, details: api.details };
  }
  const fastifyError = error as Partial<FastifyError>;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return {
        status: 400,
        code: 'malformed_json',
        message: `The request body is not valid JSON (${fastifyError.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'it is empty' : 'it could not be parsed'}). Send a JSON object with Content-Type: application/json.`,
      };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        code: 'payload_too_large',
        message: `The request body is larger than the ${formatBytes(bodyLimit)} this server accepts. Send less data per request.`,
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return {
        status: fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 415 : 400,
        code:
          fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'unsupported_media_type' : 'bad_request',
        message:
          fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
            ? 'This endpoint only accepts JSON. Send the body with Content-Type: application/json.'
            : 'The Content-Length header does not match the body. Send the request again.',
      };
  }
  if (fastifyError.code === 'FST_ERR_BAD_URL') {
    return {
      status: 400,
      code: 'bad_request',
      message: 'The URL is not validly percent-encoded. Encode it and send again.',
    };
  }
  if (fastifyError.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return {
      status: 414,
      code: 'bad_request',
      message: 'A part of the URL is far too long to be an id. Check the URL.',
    };
  }
  // Other client errors Fastify detects on its own.
  if (
    typeof fastifyError.statusCode === 'number' &&
    fastifyError.statusCode >= 400 &&
    fastifyError.statusCode < 500
  ) {
    return {
      status: fastifyError.statusCode,
      code: 'bad_request',
      message: 'The request could not be understood. Check the URL, headers and body against /api/docs.',
    };
  }
  return {
    status: 500,
    code: 'internal_error',
    message:
      'Something went wrong on the server. The error is logged; try again, and report it if it persists.',
  };
}

function formatBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}

export function sendError(reply: FastifyReply, body: ErrorBody): FastifyReply {
  if (body.headers) reply.headers(body.headers);
  const error: { code: string; message: string; details?: ErrorDetail[] } = {
    code: body.code,
    message: body.message,
  };
  if (body.details && body.details.length > 0) error.details = body.details;
  return reply.code(body.status).type('application/json; charset=utf-8').send({ error });
}

/** For Fastify's `frameworkErrors` option: errors found while routing, before any hook runs. */
export function frameworkErrorHandler(bodyLimit: number) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply): void => {
    const body = describeError(error, bodyLimit);
    request.log.info({ code: body.code, status: body.status }, 'request rejected');
    sendError(reply, body);
  };
}

/** Answers a request no route matched with a page of the web UI, or returns null to get the API's 404. */
export type PageFallback = (request: FastifyRequest, reply: FastifyReply) => FastifyReply | null;

export function installErrorHandlers(app: FastifyInstance, bodyLimit: number, pages?: PageFallback): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const body = describeError(error, bodyLimit);
    if (body.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: body.code, status: body.status }, 'request rejected');
    return sendError(reply, body);
  });
  app.setNotFoundHandler(
    (request: FastifyRequest, reply: FastifyReply) =>
      pages?.(request, reply) ??
      sendError(reply, {
        status: 404,
        code: 'route_not_found',
        message: `There is no ${request.method} ${request.url.split('?')[0]}. The API's operations are listed at /api/docs.`,
      }),
  );
}
