// Organisation mode (SPEC A5): one service identity syncs many users' mailboxes — EWS
// ExchangeImpersonation with a service account, or Graph app-only access. The choice against
// individual credentials is made once per service and then locked; the administrator picks the
// users, and inactive users are never synced.
import { newId } from '../crm/ids.ts';
import type { Principal } from '../crm/principal.ts';
import type { MailboxesTable, MailServicesTable } from '../db/schema.ts';
import { testWith } from './connect.ts';
import { secretContext } from './connector-factory.ts';
import { flag, loadService, type MailboxContext, nowIso } from './context.ts';
import { MailboxError, requireAdministration } from './errors.ts';
import { healthyPatch, statusAfterTest } from './health.ts';
import { allowedModes } from './rules.ts';
import { type MailService, organisationConnectSchema, organisationUsersUpdateSchema } from './schemas.ts';
import { type MailServices, toMailService } from './services.ts';
import { parseOrThrow } from './validate.ts';

export interface OrganisationUser {
  userId: string;
  email: string;
  displayName: string;
  active: boolean;
  selected: boolean;
  synced: boolean;
  mailboxId: string | null;
  mailboxStatus: MailboxesTable['status'] | null;
  lastError: string | null;
}

/** Impersonation checks run this many at once, to stay under Exchange's concurrency limits. */
const TEST_CONCURRENCY = 4;

export function createOrganisation(ctx: MailboxContext, services: MailServices) {
  function assertAdmin(principal: Principal, what: string) {
    if (!principal.isAdmin) throw requireAdministration(what);
  }

  function assertOrganisationPossible(service: MailServicesTable) {
    if (!allowedModes(service.type, service.auth_method).includes('organisation')) {
      throw new MailboxError(
        'validation_failed',
        service.type === 'microsoft365'
          ? `The mail service "${service.name}" uses delegated sign-in; organisation mode needs app-only access (authMethod app_only).`
          : `The mail service "${service.name}" uses OAuth; organisation mode on Exchange Server needs a service account with Basic or NTLM authentication.`,
      );
    }
    if (service.access_mode === 'individual') {
      throw new MailboxError(
        'mode_locked',
        `The mail service "${service.name}" was set up for individual credentials when its first mailbox was added; that choice is final. Create another mail service for organisation mode.`,
      );
    }
  }

  async function testMailboxes(service: MailServicesTable, rows: MailboxesTable[]): Promise<void> {
    const queue = [...rows];
    const worker = async () => {
      for (let row = queue.shift(); row; row = queue.shift()) {
        const outcome = await testWith(ctx, service, {
          address: row.address,
          login: null,
          mode: 'organisation',
        });
        const now = nowIso(ctx);
        await ctx.db
          .updateTable('mailboxes')
          .set(
            outcome.ok
              ? {
                  ...healthyPatch(),
                  last_tested_at: now,
                  connected_at: row.connected_at ?? now,
                  updated_at: now,
                }
              : {
                  status: statusAfterTest(outcome.problem),
                  failing_since: row.failing_since ?? now,
                  last_error_code: outcome.problem ?? 'other',
                  last_error_message: outcome.message,
                  last_tested_at: now,
                  updated_at: now,
                },
          )
          .where('id', '=', row.id)
          .where('status', '<>', 'disconnected')
          .execute();
      }
    };
    await Promise.all(Array.from({ length: Math.min(TEST_CONCURRENCY, rows.length) }, worker));
  }

  async function users(serviceId: string): Promise<OrganisationUser[]> {
    const all = await ctx.db
      .selectFrom('users')
      .select(['id', 'email', 'display_name', 'active'])
      .orderBy('email')
      .execute();
    const selected = new Set(
      (
        await ctx.db
          .selectFrom('organisation_users')
          .select('user_id')
          .where('service_id', '=', serviceId)
          .execute()
      ).map((r) => r.user_id),
    );
    const mailboxes = new Map(
      (
        await ctx.db
          .selectFrom('mailboxes')
          .selectAll()
          .where('service_id', '=', serviceId)
          .where('access_mode', '=', 'organisation')
          .where('status', '<>', 'disconnected')
          .execute()
      ).map((m) => [m.user_id, m]),
    );
    return all.map((u) => {
      const mailbox = mailboxes.get(u.id);
      const active = flag(u.active);
      return {
        userId: u.id,
        email: u.email,
        displayName: u.display_name,
        active,
        selected: selected.has(u.id),
        synced: active && selected.has(u.id) && mailbox?.status === 'active',
        mailboxId: mailbox?.id ?? null,
        mailboxStatus: mailbox?.status ?? null,
        lastError: mailbox?.last_error_message ?? null,
      };
    });
  }

  return {
    /** Connects the service identity and locks the service to organisation mode. */
    async connect(principal: Principal, serviceId: string, input: unknown): Promise<MailService> {
      assertAdmin(principal, 'connect a mail service for the organisation');
      const data = parseOrThrow(organisationConnectSchema, input);
      const service = await loadService(ctx, serviceId);
      assertOrganisationPossible(service);
      let candidate: MailServicesTable = service;
      if (service.type === 'exchange') {
        if (!data.login || !data.password) {
          throw new MailboxError(
            'validation_failed',
            'Invalid input: the service account needs "login" and "password".',
            {
              details: [
                ...(data.login ? [] : [{ path: 'login', message: 'required for Exchange impersonation' }]),
                ...(data.password
                  ? []
                  : [{ path: 'password', message: 'required for Exchange impersonation' }]),
              ],
            },
          );
        }
        candidate = {
          ...service,
          service_login: data.login,
          service_secret_enc: ctx.secrets.seal(data.password, secretContext.serviceSecret(service.id)),
        };
      }
      const testAddress = (
        data.testAddress ?? (data.login?.includes('@') ? data.login : undefined)
      )?.toLowerCase();
      if (!testAddress) {
        throw new MailboxError(
          'validation_failed',
          'Invalid input: testAddress: name a mailbox to test the organisation access on.',
          {
            details: [{ path: 'testAddress', message: 'required' }],
          },
        );
      }
      const outcome = await testWith(ctx, candidate, {
        address: testAddress,
        login: null,
        mode: 'organisation',
      });
      if (!outcome.ok) {
        throw new MailboxError('connection_failed', `Test connection failed: ${outcome.message}`, {
          details: [{ path: 'connection', message: outcome.problem ?? 'other' }],
        });
      }
      if (!(await services.lockMode(service.id, 'organisation'))) {
        throw new MailboxError(
          'mode_locked',
          `The mail service "${service.name}" was set up for individual credentials meanwhile; that choice is final.`,
        );
      }
      const now = nowIso(ctx);
      await ctx.db
        .updateTable('mail_services')
        .set({
          service_login: candidate.service_login,
          service_secret_enc: candidate.service_secret_enc,
          updated_at: now,
        })
        .where('id', '=', service.id)
        .execute();
      ctx.log?.info({ serviceId: service.id }, 'mail service connected for the organisation');
      return toMailService(await loadService(ctx, service.id), services.redirectUri);
    },

    async getUsers(principal: Principal, serviceId: string) {
      assertAdmin(principal, 'see which users a mail service syncs');
      const service = await loadService(ctx, serviceId);
      return { serviceId, accessMode: service.access_mode, users: await users(serviceId) };
    },

    /** Replaces the selection; inactive or unknown users are refused, naming them. */
    async setUsers(principal: Principal, serviceId: string, input: unknown) {
      assertAdmin(principal, 'choose which users a mail service syncs');
      const { userIds } = parseOrThrow(organisationUsersUpdateSchema, input);
      const service = await loadService(ctx, serviceId);
      if (service.access_mode !== 'organisation') {
        throw new MailboxError(
          'conflict',
          `The mail service "${service.name}" is not in organisation mode. Connect its organisation identity first (POST /api/v1/mail-services/${serviceId}/organisation).`,
        );
      }
      const wanted = [...new Set(userIds)];
      const rows = wanted.length
        ? await ctx.db
            .selectFrom('users')
            .select(['id', 'email', 'active'])
            .where('id', 'in', wanted)
            .execute()
        : [];
      const known = new Map(rows.map((r) => [r.id, r]));
      const problems = [
        ...wanted
          .filter((id) => !known.has(id))
          .map((id) => ({ path: 'userIds', message: `no user with id ${id}` })),
        ...rows
          .filter((r) => !flag(r.active))
          .map((r) => ({ path: 'userIds', message: `${r.email} is inactive` })),
      ];
      if (problems.length > 0) {
        throw new MailboxError(
          'validation_failed',
          `Only active users can be synced: ${problems.map((p) => p.message).join('; ')}. Remove them from the selection or reactivate them.`,
          { details: problems },
        );
      }
      const now = nowIso(ctx);
      const toTest: MailboxesTable[] = [];
      await ctx.db.transaction().execute(async (trx) => {
        await trx.deleteFrom('organisation_users').where('service_id', '=', serviceId).execute();
        if (wanted.length) {
          await trx
            .insertInto('organisation_users')
            .values(wanted.map((userId) => ({ service_id: serviceId, user_id: userId, created_at: now })))
            .execute();
        }
        const live = await trx
          .selectFrom('mailboxes')
          .selectAll()
          .where('service_id', '=', serviceId)
          .where('access_mode', '=', 'organisation')
          .where('status', '<>', 'disconnected')
          .execute();
        for (const mailbox of live) {
          if (!known.has(mailbox.user_id)) {
            await trx
              .updateTable('mailboxes')
              .set({ status: 'disconnected', disconnected_at: now, updated_at: now })
              .where('id', '=', mailbox.id)
              .execute();
          } else if (mailbox.status !== 'active') {
            toTest.push(mailbox);
          }
        }
        for (const user of rows) {
          if (live.some((m) => m.user_id === user.id)) continue;
          const row: MailboxesTable = {
            id: newId(),
            user_id: user.id,
            service_id: serviceId,
            address: user.email,
            login: null,
            access_mode: 'organisation',
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
          await trx.insertInto('mailboxes').values(row).execute();
          toTest.push(row);
        }
      });
      await testMailboxes(service, toTest);
      return { serviceId, accessMode: service.access_mode, users: await users(serviceId) };
    },
  };
}

export type Organisation = ReturnType<typeof createOrganisation>;
