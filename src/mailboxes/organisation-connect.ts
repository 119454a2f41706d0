// Connecting a mail service's organisation identity (SPEC A5): EWS impersonation with a service
// account, or Graph app-only access. The identity is tested on a named mailbox, and only then is
// the service locked to organisation mode and the account stored.
import type { MailServicesTable } from '../db/schema.ts';
import { testWith } from './connect.ts';
import { secretContext } from './connector-factory.ts';
import { loadService, type MailboxContext, nowIso } from './context.ts';
import { MailboxError } from './errors.ts';
import { allowedModes } from './rules.ts';
import { type MailService, organisationConnectSchema } from './schemas.ts';
import { type MailServices, toMailService } from './services.ts';
import { parseOrThrow } from './validate.ts';

/** Refuses a service whose sign-in cannot act for others, or that is locked to individual mode. */
export function assertOrganisationPossible(service: MailServicesTable): void {
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

/** The service with the Exchange service account of the input sealed in, not yet stored. */
function withServiceAccount(
  ctx: MailboxContext,
  service: MailServicesTable,
  login: string | undefined,
  password: string | undefined,
): MailServicesTable {
  if (!login || !password) {
    throw new MailboxError(
      'validation_failed',
      'Invalid input: the service account needs "login" and "password".',
      {
        details: [
          ...(login ? [] : [{ path: 'login', message: 'required for Exchange impersonation' }]),
          ...(password ? [] : [{ path: 'password', message: 'required for Exchange impersonation' }]),
        ],
      },
    );
  }
  return {
    ...service,
    service_login: login,
    service_secret_enc: ctx.secrets.seal(password, secretContext.serviceSecret(service.id)),
  };
}

export async function connectOrganisation(
  ctx: MailboxContext,
  services: MailServices,
  serviceId: string,
  input: unknown,
): Promise<MailService> {
  const data = parseOrThrow(organisationConnectSchema, input);
  const service = await loadService(ctx, serviceId);
  assertOrganisationPossible(service);
  const candidate =
    service.type === 'exchange' ? withServiceAccount(ctx, service, data.login, data.password) : service;
  // Without a named test mailbox, a service account that is an address is tested on itself.
  const testAddress = (
    data.testAddress ?? (data.login?.includes('@') ? data.login : undefined)
  )?.toLowerCase();
  if (!testAddress) {
    throw new MailboxError(
      'validation_failed',
      'Invalid input: testAddress: name a mailbox to test the organisation access on.',
      { details: [{ path: 'testAddress', message: 'required' }] },
    );
  }
  const outcome = await testWith(ctx, candidate, { address: testAddress, login: null, mode: 'organisation' });
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
  await ctx.db
    .updateTable('mail_services')
    .set({
      service_login: candidate.service_login,
      service_secret_enc: candidate.service_secret_enc,
      updated_at: nowIso(ctx),
    })
    .where('id', '=', service.id)
    .execute();
  ctx.log?.info({ serviceId: service.id }, 'mail service connected for the organisation');
  return toMailService(await loadService(ctx, service.id), services.redirectUri);
}
