// Mail services (SPEC A1, A2): created, changed and deleted by holders of
// CanManageAdministration only. Secrets are encrypted before they reach the store and are never
// handed back; a service still used by mailboxes cannot be deleted.
import { sql } from 'kysely';
import { newId } from '../crm/ids.ts';
import type { Principal } from '../crm/principal.ts';
import type { MailServicesTable } from '../db/schema.ts';
import { DEFAULT_GRAPH_BASE_URL, ewsUrlOf, secretContext } from './connector-factory.ts';
import { flag, loadService, type MailboxContext, nowIso, parseDomains } from './context.ts';
import { MailboxError, type MailboxErrorDetail, requireAdministration } from './errors.ts';
import { canDeleteService, normaliseDomain, serviceProblems } from './rules.ts';
import {
  type MailService,
  type MailServiceCreate,
  type MailServiceUpdate,
  mailServiceCreateSchema,
  mailServiceUpdateSchema,
} from './schemas.ts';
import { parseOrThrow } from './validate.ts';

export function toMailService(row: MailServicesTable, redirectUri: string): MailService {
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    serviceAddress: row.service_address,
    ewsUrl: row.ews_url,
    authorityUrl: row.authority_url,
    loadEmails: flag(row.load_emails),
    sendEmails: flag(row.send_emails),
    loginFormat: row.login_format,
    authMethod: row.auth_method,
    clientId: row.client_id,
    hasClientSecret: row.client_secret_enc !== null,
    tenant: row.tenant,
    domains: parseDomains(row.domains),
    accessMode: row.access_mode,
    serviceLogin: row.service_login,
    hasServicePassword: row.service_secret_enc !== null,
    caCertificate: row.ca_bundle,
    allowPrivateAddresses: flag(row.allow_private_addresses),
    redirectUri,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function assertAdmin(principal: Principal, what: string): void {
  if (!principal.isAdmin) throw requireAdministration(what);
}

function normaliseDomains(domains: readonly string[]): string[] {
  const out: string[] = [];
  const bad: MailboxErrorDetail[] = [];
  domains.forEach((d, i) => {
    const value = normaliseDomain(d);
    if (value === undefined) bad.push({ path: `domains.${i}`, message: `"${d}" is not a domain name` });
    else if (!out.includes(value)) out.push(value);
  });
  if (bad.length > 0)
    throw new MailboxError('validation_failed', `Invalid domains: ${bad.map((b) => b.message).join('; ')}.`, {
      details: bad,
    });
  return out;
}

/** The address as stored: exchange keeps a host or an https EWS URL; Graph needs an https URL. */
function normaliseAddress(type: MailServiceRowType, address: string | undefined): string {
  const value = (address ?? (type === 'microsoft365' ? DEFAULT_GRAPH_BASE_URL : ''))
    .trim()
    .replace(/\/+$/, '');
  const fail = (message: string) =>
    new MailboxError('validation_failed', `serviceAddress: ${message}.`, {
      details: [{ path: 'serviceAddress', message }],
    });
  if (!value)
    throw fail('an exchange service needs its address (host such as mail.example.com, or the EWS URL)');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw fail(`"${value}" is not a valid URL`);
    }
    // Passwords and tokens travel in every request: plain HTTP is refused.
    if (url.protocol !== 'https:') throw fail('must use https://');
    return value;
  }
  if (type === 'microsoft365')
    throw fail('must be the Graph base URL, e.g. https://graph.microsoft.com/v1.0');
  if (!/^[a-z0-9.-]+(:\d{1,5})?$/i.test(value)) throw fail(`"${value}" is neither a host name nor a URL`);
  return value.toLowerCase();
}

type MailServiceRowType = MailServicesTable['type'];

async function assertDomainsFree(ctx: MailboxContext, domains: string[], exceptId?: string): Promise<void> {
  if (domains.length === 0) return;
  const rows = await ctx.db.selectFrom('mail_services').select(['id', 'name', 'domains']).execute();
  const clashes: MailboxErrorDetail[] = [];
  for (const row of rows) {
    if (row.id === exceptId) continue;
    for (const d of parseDomains(row.domains)) {
      if (domains.includes(d))
        clashes.push({ path: 'domains', message: `${d} is already served by "${row.name}"` });
    }
  }
  if (clashes.length > 0) {
    throw new MailboxError(
      'conflict',
      `A domain can be served by one mail service only: ${clashes.map((c) => c.message).join('; ')}. Remove it there first.`,
      { details: clashes },
    );
  }
}

function checkShape(row: MailServicesTable): void {
  const problems = serviceProblems({
    type: row.type,
    authMethod: row.auth_method,
    loadEmails: flag(row.load_emails),
    sendEmails: flag(row.send_emails),
    clientId: row.client_id,
    tenant: row.tenant,
    hasClientSecret: row.client_secret_enc !== null,
  });
  if (problems.length > 0) {
    throw new MailboxError(
      'validation_failed',
      `Invalid mail service: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}.`,
      {
        details: problems,
      },
    );
  }
}

export function createMailServices(ctx: MailboxContext) {
  const redirectUri = ctx.factory.redirectUri;

  async function mailboxesUsing(serviceId: string) {
    return ctx.db
      .selectFrom('mailboxes')
      .innerJoin('users', 'users.id', 'mailboxes.user_id')
      .select(['mailboxes.id', 'mailboxes.address', 'mailboxes.status', 'users.email as ownerEmail'])
      .where('mailboxes.service_id', '=', serviceId)
      .orderBy('mailboxes.address')
      .execute();
  }

  return {
    redirectUri,

    async list(principal: Principal): Promise<MailService[]> {
      assertAdmin(principal, 'see the mail services');
      const rows = await ctx.db.selectFrom('mail_services').selectAll().orderBy('name').execute();
      return rows.map((r) => toMailService(r, redirectUri));
    },

    async get(principal: Principal, id: string): Promise<MailService> {
      assertAdmin(principal, 'see the mail services');
      return toMailService(await loadService(ctx, id), redirectUri);
    },

    async create(principal: Principal, input: MailServiceCreate): Promise<MailService> {
      assertAdmin(principal, 'add mail services');
      const data = parseOrThrow(mailServiceCreateSchema, input);
      const id = newId();
      const serviceAddress = normaliseAddress(data.type, data.serviceAddress);
      const domains = normaliseDomains(data.domains);
      const now = nowIso(ctx);
      const row: MailServicesTable = {
        id,
        type: data.type,
        name: data.name ?? serviceAddress,
        service_address: serviceAddress,
        ews_url: data.type === 'exchange' ? ewsUrlOf(serviceAddress) : null,
        authority_url: data.authorityUrl?.replace(/\/+$/, '') ?? null,
        load_emails: data.loadEmails,
        send_emails: data.sendEmails,
        login_format: data.loginFormat,
        auth_method: data.authMethod,
        client_id: data.clientId ?? null,
        client_secret_enc: data.clientSecret
          ? ctx.secrets.seal(data.clientSecret, secretContext.clientSecret(id))
          : null,
        tenant: data.tenant ?? null,
        domains: JSON.stringify(domains),
        access_mode: null,
        service_login: null,
        service_secret_enc: null,
        ca_bundle: data.caCertificate ?? null,
        allow_private_addresses: data.allowPrivateAddresses,
        created_at: now,
        updated_at: now,
      };
      checkShape(row);
      await assertDomainsFree(ctx, domains);
      await ctx.db.insertInto('mail_services').values(row).execute();
      ctx.log?.info({ serviceId: id, type: row.type }, 'mail service created');
      return toMailService(row, redirectUri);
    },

    async update(principal: Principal, id: string, patch: MailServiceUpdate): Promise<MailService> {
      assertAdmin(principal, 'change mail services');
      const data = parseOrThrow(mailServiceUpdateSchema, patch);
      const current = await loadService(ctx, id);
      const next: MailServicesTable = { ...current, updated_at: nowIso(ctx) };
      if (
        data.authMethod !== undefined &&
        data.authMethod !== current.auth_method &&
        current.access_mode !== null
      ) {
        throw new MailboxError(
          'mode_locked',
          `The authentication of "${current.name}" cannot change: the service is locked to ${current.access_mode} mode since its first connection. Create a new mail service instead.`,
        );
      }
      if (data.name !== undefined) next.name = data.name;
      if (data.serviceAddress !== undefined) {
        next.service_address = normaliseAddress(current.type, data.serviceAddress);
        next.ews_url = current.type === 'exchange' ? ewsUrlOf(next.service_address) : null;
      }
      if (data.authorityUrl !== undefined)
        next.authority_url = data.authorityUrl?.replace(/\/+$/, '') ?? null;
      if (data.loadEmails !== undefined) next.load_emails = data.loadEmails;
      if (data.sendEmails !== undefined) next.send_emails = data.sendEmails;
      if (data.loginFormat !== undefined) next.login_format = data.loginFormat;
      if (data.authMethod !== undefined) next.auth_method = data.authMethod;
      if (data.clientId !== undefined) next.client_id = data.clientId;
      if (data.clientSecret !== undefined) {
        next.client_secret_enc =
          data.clientSecret === null
            ? null
            : ctx.secrets.seal(data.clientSecret, secretContext.clientSecret(id));
      }
      if (data.tenant !== undefined) next.tenant = data.tenant;
      if (data.domains !== undefined) {
        const domains = normaliseDomains(data.domains);
        await assertDomainsFree(ctx, domains, id);
        next.domains = JSON.stringify(domains);
      }
      if (data.caCertificate !== undefined) next.ca_bundle = data.caCertificate;
      if (data.allowPrivateAddresses !== undefined) next.allow_private_addresses = data.allowPrivateAddresses;
      checkShape(next);
      const { id: _id, created_at: _created, ...set } = next;
      await ctx.db.updateTable('mail_services').set(set).where('id', '=', id).execute();
      return toMailService(next, redirectUri);
    },

    async delete(principal: Principal, id: string): Promise<void> {
      assertAdmin(principal, 'delete mail services');
      const service = await loadService(ctx, id);
      const uses = await mailboxesUsing(id);
      const verdict = canDeleteService(uses);
      if (!verdict.ok) {
        const listed = verdict.inUse.map((m) => `${m.address} (owner ${m.ownerEmail})`);
        throw new MailboxError(
          'service_in_use',
          `The mail service "${service.name}" is used by ${listed.length} mailbox${listed.length === 1 ? '' : 'es'}: ${listed.join(', ')}. Disconnect them first.`,
          {
            details: verdict.inUse.map((m, i) => ({
              path: `mailboxes.${i}`,
              message: `${m.address} (owner ${m.ownerEmail}, id ${m.id})`,
            })),
          },
        );
      }
      await ctx.db.transaction().execute(async (trx) => {
        // Disconnected mailboxes stay as history, without their service.
        await trx.updateTable('mailboxes').set({ service_id: null }).where('service_id', '=', id).execute();
        await trx.deleteFrom('organisation_users').where('service_id', '=', id).execute();
        await trx.deleteFrom('mail_services').where('id', '=', id).execute();
      });
      ctx.log?.info({ serviceId: id }, 'mail service deleted');
    },

    /** Locks the access mode unless another was chosen first; true when `mode` is (now) in force. */
    async lockMode(serviceId: string, mode: 'individual' | 'organisation'): Promise<boolean> {
      await ctx.db
        .updateTable('mail_services')
        .set({ access_mode: mode, updated_at: nowIso(ctx) })
        .where('id', '=', serviceId)
        .where(sql<boolean>`access_mode is null`)
        .execute();
      const row = await loadService(ctx, serviceId);
      return row.access_mode === mode;
    },
  };
}

export type MailServices = ReturnType<typeof createMailServices>;
