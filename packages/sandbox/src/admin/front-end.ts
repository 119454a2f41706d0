// The sandbox's admin API (S5, S6) under /sandbox/api: tenants, mailboxes, apps, faults,
// sync-state expiry, grant revocation, and item operations made as the mailbox's user, so a
// sync sees them as a person's edits.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { meetingMessages } from '../calendar/meetings.ts';
import type { FrontEnd, SandboxContext } from '../context.ts';
import { FaultRuleError, type RuleBasedFaults } from '../faults/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { AnyItem, Mailbox, StoreErrorCode } from '../model.ts';
import { StoreError } from '../model.ts';
import { generate } from '../seed/index.ts';
import {
  createAppBody,
  createFaultBody,
  createFolderBody,
  createItemBody,
  createMailboxBody,
  createTenantBody,
  expireBody,
  generateBody,
  moveItemBody,
  patchSchema,
  revokeTokenBody,
  syncStateRuleBody,
  updateFolderBody,
} from './schemas.ts';
import { mailboxState } from './state-dump.ts';

export interface AdminDeps {
  adminKey: string;
  faults: RuleBasedFaults;
  identity: IdentityService;
  caPem: string;
}

const PREFIX = '/sandbox/api';

const STATUS_BY_CODE: Record<StoreErrorCode, number> = {
  notFound: 404,
  folderNotFound: 404,
  mailboxNotFound: 404,
  staleChangeKey: 412,
  invalidSyncState: 400,
  invalidArgument: 400,
  quotaExceeded: 507,
};

class BadRequest extends Error {
  readonly details: unknown;
  constructor(message: string, details?: unknown) {
    super(message);
    this.details = details;
  }
}

function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
    throw new BadRequest(`The ${what} is not valid: ${issues.join('; ')}.`, result.error.issues);
  }
  return result.data;
}

export function createAdminFrontEnd(deps: AdminDeps): FrontEnd {
  return (app, ctx) => {
    const { store } = ctx;
    const expectedKey = Buffer.from(deps.adminKey);

    app.setErrorHandler((error, _request, reply) => {
      if (error instanceof BadRequest) {
        return reply
          .code(400)
          .send({ error: { code: 'badRequest', message: error.message, details: error.details } });
      }
      if (error instanceof StoreError) {
        return reply
          .code(STATUS_BY_CODE[error.code])
          .send({ error: { code: error.code, message: error.message } });
      }
      if (error instanceof FaultRuleError) {
        return reply.code(400).send({ error: { code: error.code, message: error.message } });
      }
      const status = (error as { statusCode?: number }).statusCode;
      if (status && status < 500) {
        return reply.code(status).send({ error: { code: 'badRequest', message: (error as Error).message } });
      }
      reply.log.error({ err: error }, 'admin API request failed');
      return reply
        .code(500)
        .send({ error: { code: 'internal', message: 'The sandbox failed on this request; see its log.' } });
    });

    // The CA is public information: clients fetch it before they can trust anything else.
    app.get(`${PREFIX}/ca.pem`, async (_request, reply) =>
      reply.type('application/x-pem-file').send(deps.caPem),
    );

    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      if (!request.url.startsWith(PREFIX) || request.url.startsWith(`${PREFIX}/ca.pem`)) return;
      const match = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '');
      const given = Buffer.from(match?.[1] ?? '');
      if (given.length !== expectedKey.length || !timingSafeEqual(given, expectedKey)) {
        return reply.code(401).send({
          error: {
            code: 'unauthorized',
            message:
              'Send the sandbox admin key as "Authorization: Bearer <key>"; it is printed when the sandbox starts.',
          },
        });
      }
    });

    const mailboxOf = (idOrAddress: string): Mailbox => {
      const mailbox = store.mailbox(decodeURIComponent(idOrAddress));
      if (!mailbox) throw new StoreError('mailboxNotFound', `No mailbox ${idOrAddress} in the sandbox.`);
      return mailbox;
    };
    const tenantIdOf = (idOrDomain: string): string => {
      const tenant = store.tenantByIdOrDomain(idOrDomain);
      if (!tenant)
        throw new StoreError('notFound', `No tenant ${idOrDomain}; list them at GET ${PREFIX}/tenants.`);
      return tenant.id;
    };
    const publicMailbox = ({ password: _password, ...rest }: Mailbox) => rest;

    type P<T extends string> = FastifyRequest<{ Params: Record<T, string> }>;

    // ---- tenants, mailboxes, apps ----
    app.get(`${PREFIX}/tenants`, async () => ({ tenants: store.tenants() }));
    app.post(`${PREFIX}/tenants`, async (request, reply) =>
      reply.code(201).send(store.addTenant(parse(createTenantBody, request.body, 'tenant'))),
    );
    app.get(`${PREFIX}/mailboxes`, async (request) => {
      const tenant = (request.query as { tenant?: string }).tenant;
      return { mailboxes: store.mailboxes(tenant ? tenantIdOf(tenant) : undefined).map(publicMailbox) };
    });
    app.post(`${PREFIX}/mailboxes`, async (request, reply) => {
      const { tenant, ...input } = parse(createMailboxBody, request.body, 'mailbox');
      return reply
        .code(201)
        .send(publicMailbox(store.addMailbox({ ...input, tenantId: tenantIdOf(tenant) })));
    });
    app.get(`${PREFIX}/mailboxes/:m`, async (request: P<'m'>) => publicMailbox(mailboxOf(request.params.m)));
    app.get(`${PREFIX}/apps`, async () => ({ apps: store.apps() }));
    app.post(`${PREFIX}/apps`, async (request, reply) => {
      const { tenant, ...input } = parse(createAppBody, request.body, 'app registration');
      return reply.code(201).send(store.addApp({ ...input, tenantId: tenantIdOf(tenant) }));
    });
    app.post(`${PREFIX}/generate`, async (request, reply) =>
      reply.code(201).send(generate(store, parse(generateBody, request.body, 'generate spec'))),
    );

    // ---- faults ----
    app.get(`${PREFIX}/faults`, async () => ({ faults: deps.faults.list() }));
    app.post(`${PREFIX}/faults`, async (request, reply) => {
      const { tenant, mailbox, ...rule } = parse(createFaultBody, request.body, 'fault rule');
      return reply.code(201).send(
        deps.faults.add({
          ...rule,
          tenantId: tenant ? tenantIdOf(tenant) : undefined,
          mailboxId: mailbox ? mailboxOf(mailbox).id : undefined,
        }),
      );
    });
    app.delete(`${PREFIX}/faults/:id`, async (request: P<'id'>, reply) => {
      if (!deps.faults.remove(request.params.id)) {
        throw new StoreError(
          'notFound',
          `No fault rule ${request.params.id}; list them at GET ${PREFIX}/faults.`,
        );
      }
      return reply.code(204).send();
    });
    app.delete(`${PREFIX}/faults`, async (_request, reply) => {
      deps.faults.clear();
      return reply.code(204).send();
    });

    // ---- sync states and grants ----
    app.post(`${PREFIX}/syncstates/expire`, async (request) => {
      const { mailbox } = parse(expireBody, request.body, 'expiry request');
      const target = mailbox ? mailboxOf(mailbox) : undefined;
      store.expireSyncStates(target?.id);
      return { expired: target ? [target.address] : store.mailboxes().map((m) => m.address) };
    });
    app.get(`${PREFIX}/syncstates/rule`, async () => syncStateRule(ctx));
    app.put(`${PREFIX}/syncstates/rule`, async (request) => {
      store.setSyncStateRule(parse(syncStateRuleBody, request.body, 'sync state rule'));
      return syncStateRule(ctx);
    });
    app.post(`${PREFIX}/mailboxes/:m/revoke-grants`, async (request: P<'m'>) => {
      const mailbox = mailboxOf(request.params.m);
      return { mailbox: mailbox.address, revokedSessions: deps.identity.revokeMailbox(mailbox.id) };
    });
    app.post(`${PREFIX}/grants/revoke`, async (request) => {
      const { refreshToken } = parse(revokeTokenBody, request.body, 'revocation request');
      const revoked = deps.identity.revokeRefreshToken(refreshToken);
      if (!revoked)
        throw new StoreError(
          'notFound',
          'No active refresh token matches; it may be used, expired or revoked already.',
        );
      return { revoked };
    });

    // ---- acting as the user ----
    app.get(`${PREFIX}/mailboxes/:m/folders`, async (request: P<'m'>) => ({
      folders: store.folders(mailboxOf(request.params.m).id),
    }));
    app.post(`${PREFIX}/mailboxes/:m/folders`, async (request: P<'m'>, reply) => {
      const mailbox = mailboxOf(request.params.m);
      const input = parse(createFolderBody, request.body, 'folder');
      return reply.code(201).send(store.createFolder(mailbox.id, input, 'user'));
    });
    app.patch(`${PREFIX}/mailboxes/:m/folders/:f`, async (request: P<'m' | 'f'>) => {
      const mailbox = mailboxOf(request.params.m);
      return store.updateFolder(
        mailbox.id,
        folderIdOf(ctx, mailbox, request.params.f),
        parse(updateFolderBody, request.body, 'folder update'),
        'user',
      );
    });
    app.delete(`${PREFIX}/mailboxes/:m/folders/:f`, async (request: P<'m' | 'f'>, reply) => {
      const mailbox = mailboxOf(request.params.m);
      store.deleteFolder(mailbox.id, folderIdOf(ctx, mailbox, request.params.f), 'user');
      return reply.code(204).send();
    });
    app.get(`${PREFIX}/mailboxes/:m/folders/:f/items`, async (request: P<'m' | 'f'>) => {
      const mailbox = mailboxOf(request.params.m);
      return { items: store.items(mailbox.id, folderIdOf(ctx, mailbox, request.params.f)) };
    });
    app.post(`${PREFIX}/mailboxes/:m/folders/:f/items`, async (request: P<'m' | 'f'>, reply) => {
      const mailbox = mailboxOf(request.params.m);
      const folderId = folderIdOf(ctx, mailbox, request.params.f);
      const { kind, data } = parse(createItemBody, request.body, 'item');
      return reply.code(201).send(store.createItem(mailbox.id, folderId, kind, data as never, 'user'));
    });
    app.get(`${PREFIX}/mailboxes/:m/items/:i`, async (request: P<'m' | 'i'>) =>
      itemOf(ctx, mailboxOf(request.params.m), request.params.i),
    );
    app.patch(`${PREFIX}/mailboxes/:m/items/:i`, async (request: P<'m' | 'i'>) => {
      const mailbox = mailboxOf(request.params.m);
      const item = itemOf(ctx, mailbox, request.params.i);
      const patch = parse(patchSchema(item.kind), request.body, `${item.kind} update`) as Record<
        string,
        unknown
      >;
      for (const key of Object.keys(patch)) if (patch[key] === null) patch[key] = undefined;
      return store.updateItem(mailbox.id, item.id, patch, 'user', ifMatch(request));
    });
    app.delete(`${PREFIX}/mailboxes/:m/items/:i`, async (request: P<'m' | 'i'>, reply) => {
      const mailbox = mailboxOf(request.params.m);
      const mode = (request.query as { mode?: string }).mode ?? 'hard';
      if (mode !== 'hard' && mode !== 'moveToDeletedItems') {
        throw new BadRequest('mode must be hard or moveToDeletedItems.');
      }
      store.deleteItem(mailbox.id, itemOf(ctx, mailbox, request.params.i).id, mode, 'user', ifMatch(request));
      return reply.code(204).send();
    });
    app.post(`${PREFIX}/mailboxes/:m/items/:i/move`, async (request: P<'m' | 'i'>) => {
      const mailbox = mailboxOf(request.params.m);
      const { folderId } = parse(moveItemBody, request.body, 'move request');
      return store.moveItem(
        mailbox.id,
        itemOf(ctx, mailbox, request.params.i).id,
        folderIdOf(ctx, mailbox, folderId),
        'user',
      );
    });

    // Meeting requests, updates, cancellations and responses in every folder of the mailbox, so
    // a test can assert what a client sent (or that it sent nothing).
    app.get(`${PREFIX}/mailboxes/:m/meeting-messages`, async (request: P<'m'>) => {
      const mailbox = mailboxOf(request.params.m);
      return { mailbox: mailbox.address, ...meetingMessages(ctx, mailbox) };
    });

    app.get(`${PREFIX}/state/:m`, async (request: P<'m'>) =>
      mailboxState(store, mailboxOf(request.params.m)),
    );
  };
}

function folderIdOf(ctx: SandboxContext, mailbox: Mailbox, idOrDistinguished: string): string {
  const folder =
    ctx.store.folder(mailbox.id, idOrDistinguished) ??
    ctx.store.distinguishedFolder(mailbox.id, idOrDistinguished);
  if (!folder)
    throw new StoreError('folderNotFound', `No folder ${idOrDistinguished} in mailbox ${mailbox.address}.`);
  return folder.id;
}

function itemOf(ctx: SandboxContext, mailbox: Mailbox, itemId: string): AnyItem {
  const item = ctx.store.item(mailbox.id, itemId);
  if (!item) throw new StoreError('notFound', `No item ${itemId} in mailbox ${mailbox.address}.`);
  return item;
}

function ifMatch(request: FastifyRequest): string | undefined {
  const header = request.headers['if-match'];
  if (typeof header !== 'string' || header === '*') return undefined;
  return header.replace(/^W\//, '').replace(/^"|"$/g, '');
}

function syncStateRule(ctx: SandboxContext) {
  const store = ctx.store as { syncStateRule?: () => unknown };
  return store.syncStateRule ? store.syncStateRule() : {};
}
