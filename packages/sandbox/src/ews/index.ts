// The sandbox's EWS endpoint: SOAP 1.1 at /EWS/Exchange.asmx, plus Autodiscover.

import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FrontEnd, SandboxContext } from '../context.ts';
import type { Mailbox } from '../model.ts';
import { Authenticator, type Caller } from './auth.ts';
import { jsonAutodiscover, poxResponse, soapGetUserSettings } from './autodiscover.ts';
import { EwsError, EwsFault, schemaViolation } from './errors.ts';
import type { StreamingTiming } from './notifications/common.ts';
import { Notifications } from './notifications/registry.ts';
import type { OperationContext, StreamWriter } from './operations/context.ts';
import { operationName, operationTable } from './operations/index.ts';
import { type EwsEnvelope, readEnvelope } from './request.ts';
import { EWS_SCHEMA_FILES, ewsSchemaPath } from './schema-files.ts';
import { envelope, faultEnvelope } from './soap.ts';
import {
  ConcurrencyLimiter,
  DEFAULT_MAX_CONCURRENCY,
  exceededConnectionCount,
  serverBusy,
} from './throttling.ts';
import { DateTimeError } from './time/datetime.ts';

export interface EwsOptions {
  /** EWSMaxConcurrency: requests one account may have in flight (default 27). */
  maxConcurrency?: number;
  /** Largest request body accepted, in bytes (default 35 MB). */
  maxBodyBytes?: number;
  /** Streaming notification timing; tests shorten the minute. */
  streaming?: Partial<StreamingTiming>;
}

const XML = 'text/xml; charset=utf-8';
const DEFAULT_MAX_BODY = 35 * 1024 * 1024;

function origin(request: FastifyRequest, ctx: SandboxContext): string {
  const host = request.headers.host;
  return host ? `${request.protocol}://${host}` : ctx.baseUrl();
}

function sendFault(reply: FastifyReply, fault: EwsFault): FastifyReply {
  return reply.code(fault.httpStatus).type(XML).send(faultEnvelope(fault));
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Who the request acts on: the caller, or the mailbox named by ExchangeImpersonation. */
export function effectiveMailbox(
  ctx: SandboxContext,
  caller: Caller,
  env: EwsEnvelope,
  anchor: string | undefined,
): Mailbox {
  let mailbox: Mailbox | undefined;
  if (env.impersonation) {
    const allowed = caller.kind === 'app' || caller.mailbox.canImpersonate;
    if (!allowed) {
      throw new EwsFault(
        'ErrorImpersonateUserDenied',
        'The account does not have permission to impersonate the requested user.',
      );
    }
    const target = ctx.store.mailbox(env.impersonation.value);
    if (!target) {
      throw new EwsFault(
        'ErrorNonExistentMailbox',
        `The SMTP address "${env.impersonation.value}" has no mailbox associated with it.`,
      );
    }
    const tenantId = caller.kind === 'app' ? caller.tenantId : caller.mailbox.tenantId;
    if (target.tenantId !== tenantId) {
      throw new EwsFault(
        'ErrorImpersonateUserDenied',
        'The account does not have permission to impersonate a user of another organization.',
      );
    }
    mailbox = target;
  } else if (caller.kind === 'app') {
    throw new EwsFault(
      'ErrorInvalidExchangeImpersonationHeaderData',
      'ExchangeImpersonation SOAP header must be present for this type of OAuth token.',
    );
  } else {
    mailbox = caller.mailbox;
  }
  if (anchor) {
    const anchored = ctx.store.mailbox(anchor.replace(/^smtp:/i, '').trim());
    if (!anchored)
      throw new EwsFault('ErrorNonExistentMailbox', `The X-AnchorMailbox "${anchor}" names no mailbox.`);
  }
  return mailbox;
}

export function createEwsFrontEnd(options: EwsOptions = {}): FrontEnd {
  return (app: FastifyInstance, ctx: SandboxContext) => {
    const authenticator = new Authenticator(ctx);
    const limiter = new ConcurrencyLimiter(options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY);
    const notifications = new Notifications(ctx.store, ctx.now);
    const timing: StreamingTiming = { minuteMs: 60_000, keepAliveMs: 30_000, ...options.streaming };
    const operations = operationTable(timing);
    const openStreams = new Set<() => void>();
    const bodyLimit = options.maxBodyBytes ?? DEFAULT_MAX_BODY;

    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string', bodyLimit }, (_req, body, done) => done(null, body));
    app.addHook('preClose', (done) => {
      for (const end of openStreams) end();
      done();
    });
    app.addHook('onClose', (_app, done) => {
      notifications.close();
      done();
    });
    app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
      const status = error.statusCode ?? 500;
      const code =
        status === 413
          ? 'ErrorInvalidRequest'
          : status < 500
            ? 'ErrorInvalidRequest'
            : 'ErrorInternalServerError';
      const message =
        status === 413
          ? `The request is larger than ${bodyLimit} bytes; send fewer items per request.`
          : error.message;
      return sendFault(reply.code(status), new EwsFault(code, message, { httpStatus: status }));
    });

    const authenticate = (request: FastifyRequest, reply: FastifyReply): Caller | undefined => {
      const outcome = authenticator.authenticate(request.headers.authorization, request.raw.socket);
      if (outcome.ok) return outcome.caller;
      reply
        .code(401)
        .headers(outcome.headers)
        .header('x-exsync-auth-error', outcome.reason)
        .type('text/html')
        .send('');
      return undefined;
    };

    app.get('/EWS/Exchange.asmx', async (request, reply) => {
      if (!authenticate(request, reply)) return reply;
      return reply
        .type('text/html; charset=utf-8')
        .send(
          '<html><head><title>Service</title></head><body><h1>Service</h1><p>You have created a service.</p>' +
            `<p>To test this service, you will need to create a client and use it to call the service: ${origin(request, ctx)}/EWS/Services.wsdl</p></body></html>`,
        );
    });

    for (const file of EWS_SCHEMA_FILES) {
      // Read once, at start: the files are part of the sandbox.
      const text = readFileSync(ewsSchemaPath(file), 'utf8');
      app.get(`/EWS/${file}`, async (_request, reply) => reply.type(XML).send(text));
    }

    app.post('/EWS/Exchange.asmx', async (request, reply) => {
      const caller = authenticate(request, reply);
      if (!caller) return reply;
      let release: (() => void) | undefined;
      try {
        const env = readEnvelope(typeof request.body === 'string' ? request.body : '');
        const anchor = request.headers['x-anchormailbox'];
        const mailbox = effectiveMailbox(ctx, caller, env, typeof anchor === 'string' ? anchor : undefined);
        const name = operationName(env.operation.name);
        const handler = operations[env.operation.name];
        if (!handler) {
          throw new EwsFault(
            'ErrorInvalidRequest',
            `The operation ${env.operation.name} is not supported by the Exsync sandbox.`,
          );
        }
        const key =
          caller.kind === 'user' ? `user:${caller.mailbox.id}` : `app:${caller.appId}:${mailbox.id}`;
        release = limiter.acquire(key);
        let expireSyncState = false;
        let drop = false;
        for (const fault of ctx.faults.pick({
          protocol: 'ews',
          operation: name,
          tenantId: mailbox.tenantId,
          mailboxId: mailbox.id,
        })) {
          switch (fault.kind) {
            case 'latency':
              await sleep(fault.ms);
              break;
            case 'throttle':
              throw serverBusy(fault.retryAfterMs);
            case 'concurrency':
              throw exceededConnectionCount();
            case 'serverError':
              if (fault.retryAfterMs !== undefined)
                reply.header('retry-after', Math.ceil(fault.retryAfterMs / 1000));
              if (fault.status === 503) {
                return reply
                  .code(503)
                  .type('text/html')
                  .send(
                    '<html><body><h1>Service Unavailable</h1><p>HTTP Error 503. The service is unavailable.</p></body></html>',
                  );
              }
              throw new EwsFault(
                'ErrorInternalServerError',
                'An internal server error occurred. The operation failed.',
                { httpStatus: 500 },
              );
            case 'drop':
              drop = true;
              break;
            case 'expireSyncState':
              expireSyncState = true;
              break;
          }
        }
        const op: OperationContext = {
          sandbox: ctx,
          caller,
          mailbox,
          version: env.version,
          timeZone: env.timeZone,
          precision: env.precision,
          expireSyncState,
          notifications,
        };
        const result = await handler(op, env.operation);
        if (typeof result === 'string') {
          const xml = envelope(result);
          if (drop) return dropMidResponse(reply, xml);
          return reply.code(200).type(XML).send(xml);
        }
        release();
        release = undefined;
        return stream(reply, result.stream, openStreams);
      } catch (error) {
        if (error instanceof EwsFault) return sendFault(reply, error);
        if (error instanceof DateTimeError) return sendFault(reply, schemaViolation(error.message));
        if (error instanceof EwsError) {
          return sendFault(reply, new EwsFault(error.code, error.message, { messageXml: error.messageXml }));
        }
        request.log.error({ err: error }, 'EWS request failed');
        return sendFault(
          reply,
          new EwsFault(
            'ErrorInternalServerError',
            'An internal server error occurred. The operation failed.',
          ),
        );
      } finally {
        release?.();
      }
    });

    // Autodiscover
    const autodiscoverFaults = async (
      request: FastifyRequest,
      reply: FastifyReply,
      operation: string,
    ): Promise<boolean> => {
      for (const fault of ctx.faults.pick({ protocol: 'autodiscover', operation })) {
        if (fault.kind === 'latency') await sleep(fault.ms);
        else if (fault.kind === 'serverError' || fault.kind === 'throttle' || fault.kind === 'concurrency') {
          reply
            .code(fault.kind === 'serverError' ? fault.status : 503)
            .type('text/html')
            .send('<html><body>Service Unavailable</body></html>');
          return true;
        } else if (fault.kind === 'drop') {
          request.raw.socket.destroy();
          return true;
        }
      }
      return false;
    };
    const pox = async (request: FastifyRequest, reply: FastifyReply) => {
      if (!authenticate(request, reply)) return reply;
      if (await autodiscoverFaults(request, reply, 'autodiscover.xml')) return reply;
      const { status, xml } = poxResponse(
        ctx,
        typeof request.body === 'string' ? request.body : '',
        origin(request, ctx),
      );
      return reply.code(status).type(XML).send(xml);
    };
    app.post('/autodiscover/autodiscover.xml', pox);
    const svc = async (request: FastifyRequest, reply: FastifyReply) => {
      if (await autodiscoverFaults(request, reply, 'GetUserSettings')) return reply;
      const { status, xml } = soapGetUserSettings(
        ctx,
        typeof request.body === 'string' ? request.body : '',
        origin(request, ctx),
      );
      return reply.code(status).type(XML).send(xml);
    };
    app.post('/autodiscover/autodiscover.svc', svc);
    app.get<{ Params: { address: string }; Querystring: { Protocol?: string; protocol?: string } }>(
      '/autodiscover/autodiscover.json/v1.0/:address',
      async (request, reply) => {
        if (await autodiscoverFaults(request, reply, 'autodiscover.json')) return reply;
        const { status, body } = jsonAutodiscover(
          ctx,
          decodeURIComponent(request.params.address),
          request.query.Protocol ?? request.query.protocol,
          origin(request, ctx),
        );
        return reply.code(status).send(body);
      },
    );
  };
}

function dropMidResponse(reply: FastifyReply, xml: string): FastifyReply {
  reply.hijack();
  const res = reply.raw;
  const bytes = Buffer.from(xml, 'utf8');
  res.writeHead(200, { 'content-type': XML, 'content-length': bytes.length });
  res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
  return reply;
}

function stream(
  reply: FastifyReply,
  body: (writer: StreamWriter) => Promise<void>,
  openStreams: Set<() => void>,
): Promise<FastifyReply> {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': XML,
    'cache-control': 'private',
    'x-content-type-options': 'nosniff',
  });
  const closeListeners: Array<() => void> = [];
  let closed = false;
  const markClosed = () => {
    if (closed) return;
    closed = true;
    for (const l of closeListeners) l();
  };
  res.on('close', markClosed);
  const end = () => {
    markClosed();
    res.end();
  };
  openStreams.add(end);
  const writer: StreamWriter = {
    write: (chunk) => {
      if (closed) return false;
      res.write(chunk);
      return true;
    },
    closed: () => closed,
    onClose: (l) => closeListeners.push(l),
  };
  return body(writer)
    .then(() => {
      openStreams.delete(end);
      if (!res.writableEnded) res.end();
      return reply;
    })
    .catch((error) => {
      openStreams.delete(end);
      reply.log.error({ err: error }, 'EWS streaming failed');
      res.destroy();
      return reply;
    });
}

/** Mounts the EWS front end of the sandbox with Exchange's default limits. */
export const ewsFrontEnd: FrontEnd = createEwsFrontEnd();
