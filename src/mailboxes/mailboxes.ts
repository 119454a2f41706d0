// Users' mailboxes (SPEC A3, A4, A6): found from the address, tested before they are enabled,
// password updates, OAuth consent, disconnect (which keeps every synced record), and a look into
// the mailbox (folder tree, first items) through its connector.
import { autodiscover, type FolderKind, HttpClient } from '../connectors/index.ts';
import { newId } from '../crm/ids.ts';
import type { Principal } from '../crm/principal.ts';
import type { MailboxesTable, MailServicesTable } from '../db/schema.ts';
import { credentialsOf, testWith, withConnector } from './connect.ts';
import type { TestOutcome } from './connection-test.ts';
import { ewsUrlOf, secretContext } from './connector-factory.ts';
import { loadMailboxRow, loadService, type MailboxContext, nowIso, parseDomains } from './context.ts';
import { MailboxError } from './errors.ts';
import { healthyPatch, statusAfterTest } from './health.ts';
import { toMailbox } from './mailbox-view.ts';
import { redeemSignIn, startSignIn } from './oauth.ts';
import { allowedModes, deriveLogin, domainOf, matchServiceByDomain, usesOAuth } from './rules.ts';
import {
  type Detection,
  detectSchema,
  type Mailbox,
  mailboxCreateSchema,
  passwordUpdateSchema,
} from './schemas.ts';
import type { MailServices } from './services.ts';
import { parseOrThrow } from './validate.ts';

export interface AddResult {
  mailbox: Mailbox;
  status: Mailbox['status'];
  message: string;
  authorizationUrl?: string;
}

export interface TestAnswer {
  ok: boolean;
  problem?: string;
  message: string;
  mailbox: Mailbox;
}

export interface SignInFinished {
  mailbox: Mailbox;
  ok: boolean;
  message: string;
  returnTo: string | null;
}

export interface MailboxOptions {
  /** Per-request timeout of Autodiscover at autodiscover.<domain> and <domain> (default 5 s). */
  autodiscoverTimeoutMs?: number;
}

function needsOf(service: MailServicesTable): Detection['needs'] {
  if (
    service.access_mode === 'organisation' ||
    !allowedModes(service.type, service.auth_method).includes('individual')
  ) {
    return 'administrator';
  }
  return usesOAuth(service.auth_method) ? 'oauth' : 'password';
}

const sameUrl = (a: string, b: string) =>
  a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase();

export function createMailboxes(ctx: MailboxContext, services: MailServices, options: MailboxOptions = {}) {
  async function serviceOf(row: MailboxesTable): Promise<MailServicesTable> {
    if (!row.service_id) {
      throw new MailboxError(
        'conflict',
        `The mail service of ${row.address} was deleted. Add the mailbox again with another service.`,
      );
    }
    return loadService(ctx, row.service_id);
  }

  async function view(row: MailboxesTable): Promise<Mailbox> {
    const service = row.service_id
      ? await ctx.db
          .selectFrom('mail_services')
          .select(['name', 'type'])
          .where('id', '=', row.service_id)
          .executeTakeFirst()
      : undefined;
    return toMailbox(row, service);
  }

  /** The mailbox if the principal owns it or administers; not_found otherwise (no leak of ids). */
  async function visible(principal: Principal, id: string): Promise<MailboxesTable> {
    const row = await loadMailboxRow(ctx, id);
    if (row.user_id !== principal.userId && !principal.isAdmin) {
      throw new MailboxError('not_found', `No mailbox with id "${id}" exists or you have no access to it.`);
    }
    return row;
  }

  function assertConnected(row: MailboxesTable): void {
    if (row.status === 'disconnected') {
      throw new MailboxError(
        'conflict',
        `The mailbox ${row.address} is disconnected. Add it again to reconnect it.`,
      );
    }
  }

  async function autodiscovered(
    address: string,
    exchangeServices: MailServicesTable[],
  ): Promise<MailServicesTable | undefined> {
    if (exchangeServices.length === 0) return undefined;
    const domain = domainOf(address);
    const attempts: Array<{ http: HttpClient; origins: string[] }> = [
      {
        http: new HttpClient({ timeoutMs: options.autodiscoverTimeoutMs ?? 5_000 }),
        origins: [`https://autodiscover.${domain}`, `https://${domain}`],
      },
      // The organisation's own Exchange servers know their mailboxes whatever the domain.
      ...exchangeServices.map((s) => ({
        http: ctx.factory.httpFor(s),
        origins: [new URL(s.ews_url ?? ewsUrlOf(s.service_address)).origin],
      })),
    ];
    for (const attempt of attempts) {
      try {
        const found = await autodiscover(address, { http: attempt.http, origins: attempt.origins });
        const service = exchangeServices.find((s) =>
          sameUrl(s.ews_url ?? ewsUrlOf(s.service_address), found.ewsUrl),
        );
        if (service) return service;
      } catch {
        // Nothing found there; the next origin may know.
      } finally {
        attempt.http.close();
      }
    }
    return undefined;
  }

  async function detectService(
    address: string,
  ): Promise<{ service: MailServicesTable; foundBy: 'domain' | 'autodiscover' }> {
    const rows = await ctx.db.selectFrom('mail_services').selectAll().execute();
    const byDomain = matchServiceByDomain(
      rows.map((row) => ({ row, domains: parseDomains(row.domains) })),
      address,
    );
    if (byDomain) return { service: byDomain.row, foundBy: 'domain' };
    const found = await autodiscovered(
      address,
      rows.filter((r) => r.type === 'exchange'),
    );
    if (found) return { service: found, foundBy: 'autodiscover' };
    throw new MailboxError(
      'no_service',
      `No mail service serves ${domainOf(address)}, and Autodiscover found no known Exchange server for ${address}. Ask an administrator to add the domain to a mail service.`,
    );
  }

  function detection(
    address: string,
    service: MailServicesTable,
    foundBy: 'domain' | 'autodiscover',
  ): Detection {
    const login = service.login_format === 'manual' ? null : deriveLogin(service.login_format, address);
    return {
      address,
      serviceId: service.id,
      serviceName: service.name,
      type: service.type,
      foundBy,
      ewsUrl: service.ews_url,
      login: login?.ok ? login.login : null,
      loginFormat: service.login_format,
      needs: needsOf(service),
    };
  }

  async function liveMailbox(serviceId: string, address: string): Promise<MailboxesTable | undefined> {
    return ctx.db
      .selectFrom('mailboxes')
      .selectAll()
      .where('service_id', '=', serviceId)
      .where('address', '=', address)
      .where('status', '<>', 'disconnected')
      .executeTakeFirst();
  }

  async function setTestOutcome(row: MailboxesTable, outcome: TestOutcome) {
    const now = nowIso(ctx);
    const status = statusAfterTest(outcome.problem);
    const patch: Partial<MailboxesTable> = outcome.ok
      ? { ...healthyPatch(), last_tested_at: now }
      : {
          status,
          failing_since: row.failing_since ?? now,
          last_error_code: outcome.problem ?? 'other',
          last_error_message: outcome.message,
          last_tested_at: now,
        };
    if (outcome.ok && !row.connected_at) patch.connected_at = now;
    await ctx.db
      .updateTable('mailboxes')
      .set({ ...patch, updated_at: now })
      .where('id', '=', row.id)
      .where('status', '<>', 'disconnected')
      .execute();
    if (!outcome.ok)
      ctx.log?.info({ mailboxId: row.id, problem: outcome.problem }, 'mailbox connection test failed');
  }

  return {
    async detect(_principal: Principal, input: unknown): Promise<Detection> {
      const { address } = parseOrThrow(detectSchema, input);
      const normalised = address.trim().toLowerCase();
      const { service, foundBy } = await detectService(normalised);
      return detection(normalised, service, foundBy);
    },

    async add(principal: Principal, input: unknown): Promise<AddResult> {
      const data = parseOrThrow(mailboxCreateSchema, input);
      const address = data.address.trim().toLowerCase();
      const { service } = await detectService(address);
      const needs = needsOf(service);
      if (needs === 'administrator') {
        throw new MailboxError(
          'mode_locked',
          `The mail service "${service.name}" syncs mailboxes in organisation mode: an administrator chooses whose mailboxes are synced (mail service users). No personal credentials are needed.`,
        );
      }
      const existing = await liveMailbox(service.id, address);
      if (
        existing &&
        !(existing.user_id === principal.userId && needs === 'oauth' && existing.status !== 'active')
      ) {
        throw new MailboxError(
          'conflict',
          existing.user_id === principal.userId
            ? `You have already connected ${address} (mailbox ${existing.id}). Test it or update its password instead.`
            : `${address} is already connected by another user. Ask an administrator if it should move to you.`,
        );
      }
      const login = deriveLogin(service.login_format, address, data.login);
      if (!login.ok) {
        throw new MailboxError('validation_failed', `Invalid input: login: ${login.message}.`, {
          details: [{ path: 'login', message: login.message }],
        });
      }
      const now = nowIso(ctx);

      if (needs === 'oauth') {
        const row: MailboxesTable = existing ?? {
          id: newId(),
          user_id: principal.userId,
          service_id: service.id,
          address,
          login: login.login,
          access_mode: 'individual',
          secret_enc: null,
          token_cache_enc: null,
          status: 'pending',
          throttled_until: null,
          failing_since: null,
          last_error_code: null,
          last_error_message: null,
          last_tested_at: null,
          connected_at: null,
          disconnected_at: null,
          created_at: now,
          updated_at: now,
        };
        if (!existing) await ctx.db.insertInto('mailboxes').values(row).execute();
        const authorizationUrl = await startSignIn(ctx, service, row, data.returnTo);
        return {
          mailbox: await view(row),
          status: row.status,
          message:
            'Open authorizationUrl to sign in to Microsoft and give consent; the mailbox is enabled once the connection test passes.',
          authorizationUrl,
        };
      }

      if (data.password === undefined) {
        throw new MailboxError(
          'validation_failed',
          'Invalid input: password: this mail service needs the mailbox password.',
          {
            details: [{ path: 'password', message: 'required for this mail service' }],
          },
        );
      }
      const outcome = await testWith(ctx, service, {
        address,
        login: login.login,
        password: data.password,
        mode: 'individual',
      });
      if (!outcome.ok) {
        throw new MailboxError('connection_failed', `Test connection failed: ${outcome.message}`, {
          problem: outcome.problem === 'throttled' ? 'other' : outcome.problem,
          details: [{ path: 'connection', message: outcome.problem ?? 'other' }],
        });
      }
      if (!(await services.lockMode(service.id, 'individual'))) {
        throw new MailboxError(
          'mode_locked',
          `The mail service "${service.name}" was switched to organisation mode meanwhile.`,
        );
      }
      const id = newId();
      const row: MailboxesTable = {
        id,
        user_id: principal.userId,
        service_id: service.id,
        address,
        login: login.login,
        access_mode: 'individual',
        secret_enc: ctx.secrets.seal(data.password, secretContext.password(id)),
        token_cache_enc: null,
        status: 'active',
        throttled_until: null,
        failing_since: null,
        last_error_code: null,
        last_error_message: null,
        last_tested_at: now,
        connected_at: now,
        disconnected_at: null,
        created_at: now,
        updated_at: now,
      };
      try {
        await ctx.db.insertInto('mailboxes').values(row).execute();
      } catch (error) {
        if (await liveMailbox(service.id, address)) {
          throw new MailboxError(
            'conflict',
            `${address} was connected meanwhile. Refresh the list of mailboxes.`,
          );
        }
        throw error;
      }
      ctx.log?.info({ mailboxId: id, serviceId: service.id }, 'mailbox connected');
      return { mailbox: await view(row), status: 'active', message: outcome.message };
    },

    async list(principal: Principal): Promise<Mailbox[]> {
      let query = ctx.db.selectFrom('mailboxes').selectAll();
      if (!principal.isAdmin) query = query.where('user_id', '=', principal.userId);
      const rows = await query.orderBy('address').orderBy('created_at').execute();
      const names = new Map(
        (await ctx.db.selectFrom('mail_services').select(['id', 'name', 'type']).execute()).map((s) => [
          s.id,
          s,
        ]),
      );
      return rows.map((r) => toMailbox(r, r.service_id ? names.get(r.service_id) : undefined));
    },

    async get(principal: Principal, id: string): Promise<Mailbox> {
      return view(await visible(principal, id));
    },

    async test(principal: Principal, id: string): Promise<TestAnswer> {
      const row = await visible(principal, id);
      assertConnected(row);
      const service = await serviceOf(row);
      if (row.status === 'pending') {
        throw new MailboxError(
          'conflict',
          `The mailbox ${row.address} waits for its Microsoft sign-in. Finish it first.`,
        );
      }
      const outcome = await testWith(ctx, service, credentialsOf(ctx, row));
      await setTestOutcome(row, outcome);
      return {
        ok: outcome.ok,
        ...(outcome.problem ? { problem: outcome.problem } : {}),
        message: outcome.message,
        mailbox: await view(await loadMailboxRow(ctx, id)),
      };
    },

    async updatePassword(principal: Principal, id: string, input: unknown): Promise<Mailbox> {
      const data = parseOrThrow(passwordUpdateSchema, input);
      const row = await visible(principal, id);
      assertConnected(row);
      const service = await serviceOf(row);
      if (row.access_mode === 'organisation' || usesOAuth(service.auth_method)) {
        throw new MailboxError(
          'conflict',
          row.access_mode === 'organisation'
            ? 'This mailbox is synced through the organisation identity; an administrator updates that password.'
            : 'This mailbox signs in with Microsoft (OAuth), not a password. Use sign-in instead.',
        );
      }
      let login = row.login;
      if (data.login !== undefined) {
        const derived = deriveLogin(service.login_format, row.address, data.login);
        if (derived.ok) login = service.login_format === 'manual' ? derived.login : login;
      }
      const outcome = await testWith(ctx, service, {
        address: row.address,
        login,
        password: data.password,
        mode: 'individual',
      });
      if (!outcome.ok) {
        throw new MailboxError(
          'connection_failed',
          `Test connection with the new password failed: ${outcome.message}`,
          {
            details: [{ path: 'connection', message: outcome.problem ?? 'other' }],
          },
        );
      }
      const now = nowIso(ctx);
      await ctx.db
        .updateTable('mailboxes')
        .set({
          login,
          secret_enc: ctx.secrets.seal(data.password, secretContext.password(id)),
          ...healthyPatch(),
          last_tested_at: now,
          updated_at: now,
        })
        .where('id', '=', id)
        .execute();
      ctx.log?.info({ mailboxId: id }, 'mailbox password updated');
      return view(await loadMailboxRow(ctx, id));
    },

    async disconnect(principal: Principal, id: string): Promise<Mailbox> {
      const row = await visible(principal, id);
      if (row.status !== 'disconnected') {
        const now = nowIso(ctx);
        await ctx.db.transaction().execute(async (trx) => {
          await trx
            .updateTable('mailboxes')
            .set({
              status: 'disconnected',
              secret_enc: null,
              token_cache_enc: null,
              disconnected_at: now,
              updated_at: now,
            })
            .where('id', '=', id)
            .execute();
          await trx.deleteFrom('oauth_sign_ins').where('mailbox_id', '=', id).execute();
          if (row.access_mode === 'organisation' && row.service_id) {
            await trx
              .deleteFrom('organisation_users')
              .where('service_id', '=', row.service_id)
              .where('user_id', '=', row.user_id)
              .execute();
          }
        });
        ctx.log?.info({ mailboxId: id }, 'mailbox disconnected; synced data kept');
      }
      return view(await loadMailboxRow(ctx, id));
    },

    async signIn(
      principal: Principal,
      id: string,
      returnTo?: string,
    ): Promise<{ authorizationUrl: string; mailbox: Mailbox }> {
      const row = await visible(principal, id);
      assertConnected(row);
      const service = await serviceOf(row);
      if (!usesOAuth(service.auth_method) || row.access_mode === 'organisation') {
        throw new MailboxError(
          'conflict',
          'This mailbox does not sign in with Microsoft; update its password instead.',
        );
      }
      if (row.user_id !== principal.userId) {
        throw new MailboxError('forbidden', 'Only the owner of a mailbox can sign in to it with Microsoft.');
      }
      return { authorizationUrl: await startSignIn(ctx, service, row, returnTo), mailbox: await view(row) };
    },

    /** The OAuth callback: redeems the code, tests, enables. `userId` is the signed-in caller, if any. */
    async finishSignIn(
      input: { state: string; code?: string; error?: string; errorDescription?: string },
      userId: string | null,
    ): Promise<SignInFinished> {
      const redeemed = await redeemSignIn(ctx, input, (sid) => loadService(ctx, sid));
      if (userId !== null && userId !== redeemed.userId) {
        throw new MailboxError(
          'sign_in_failed',
          'This sign-in was started by another Exsync user. Start it again while signed in as yourself.',
        );
      }
      const row = await loadMailboxRow(ctx, redeemed.mailboxId);
      const service = await serviceOf(row);
      const outcome = await testWith(ctx, service, credentialsOf(ctx, row));
      if (outcome.ok && !(await services.lockMode(service.id, 'individual'))) {
        throw new MailboxError(
          'mode_locked',
          `The mail service "${service.name}" was switched to organisation mode meanwhile.`,
        );
      }
      await setTestOutcome(row, outcome);
      return {
        mailbox: await view(await loadMailboxRow(ctx, row.id)),
        ok: outcome.ok,
        message: outcome.message,
        returnTo: redeemed.returnTo,
      };
    },

    async folders(principal: Principal, id: string, kind: FolderKind) {
      const row = await visible(principal, id);
      assertConnected(row);
      const service = await serviceOf(row);
      return withConnector(ctx, service, row, (c) => c.listFolders(kind));
    },

    async items(
      principal: Principal,
      id: string,
      query: { kind: FolderKind; folderId: string; limit: number },
    ) {
      const row = await visible(principal, id);
      assertConnected(row);
      const service = await serviceOf(row);
      return withConnector(ctx, service, row, async (c) => {
        const pages = c.readChanges({ kind: query.kind, id: query.folderId }, undefined, {
          pageSize: query.limit,
        });
        for await (const page of pages) {
          return {
            folderId: query.folderId,
            kind: query.kind,
            items: page.upserts.slice(0, query.limit).map((u) => ({
              id: u.id,
              version: u.version,
              item: u.item as unknown as Record<string, unknown>,
            })),
            more: !page.done || page.upserts.length > query.limit,
          };
        }
        return { folderId: query.folderId, kind: query.kind, items: [], more: false };
      });
    },

    /** Mailboxes the sync engine should run now: connected, owner active, selected, not throttled. */
    async syncable(): Promise<Array<{ id: string; userId: string; serviceId: string; address: string }>> {
      const now = nowIso(ctx);
      const rows = await ctx.db
        .selectFrom('mailboxes')
        .innerJoin('users', 'users.id', 'mailboxes.user_id')
        .select([
          'mailboxes.id',
          'mailboxes.user_id',
          'mailboxes.service_id',
          'mailboxes.address',
          'mailboxes.access_mode',
          'mailboxes.throttled_until',
        ])
        .where('mailboxes.status', 'in', ['active', 'failing'])
        .where('users.active', '=', true)
        .where('mailboxes.service_id', 'is not', null)
        .where((eb) =>
          eb.or([
            eb('mailboxes.access_mode', '=', 'individual'),
            eb.exists(
              eb
                .selectFrom('organisation_users')
                .select('organisation_users.user_id')
                .whereRef('organisation_users.service_id', '=', 'mailboxes.service_id')
                .whereRef('organisation_users.user_id', '=', 'mailboxes.user_id'),
            ),
          ]),
        )
        .orderBy('mailboxes.id')
        .execute();
      return rows
        .filter((r) => !r.throttled_until || r.throttled_until <= now)
        .map((r) => ({ id: r.id, userId: r.user_id, serviceId: r.service_id!, address: r.address }));
    },
  };
}

export type Mailboxes = ReturnType<typeof createMailboxes>;
