// Organisation mode (SPEC A5): one service identity syncs many users' mailboxes — EWS
// ExchangeImpersonation with a service account, or Graph app-only access. The choice against
// individual credentials is made once per service and then locked; the administrator picks the
// users, and inactive users are never synced.
//
// The façade the API calls; connecting the identity is in organisation-connect.ts, the selection
// of users and their mailboxes in organisation-users.ts. Every call is for administrators.
import type { Principal } from '../crm/principal.ts';
import { loadService, type MailboxContext } from './context.ts';
import { requireAdministration } from './errors.ts';
import { connectOrganisation } from './organisation-connect.ts';
import { organisationUsers, selectOrganisationUsers } from './organisation-users.ts';
import { organisationUsersUpdateSchema } from './schemas.ts';
import type { MailServices } from './services.ts';
import { parseOrThrow } from './validate.ts';

export type { OrganisationUser } from './organisation-users.ts';

function assertAdmin(principal: Principal, what: string) {
  if (!principal.isAdmin) throw requireAdministration(what);
}

export function createOrganisation(ctx: MailboxContext, services: MailServices) {
  return {
    /** Connects the service identity and locks the service to organisation mode. */
    async connect(principal: Principal, serviceId: string, input: unknown) {
      assertAdmin(principal, 'connect a mail service for the organisation');
      return connectOrganisation(ctx, services, serviceId, input);
    },

    async getUsers(principal: Principal, serviceId: string) {
      assertAdmin(principal, 'see which users a mail service syncs');
      const service = await loadService(ctx, serviceId);
      return { serviceId, accessMode: service.access_mode, users: await organisationUsers(ctx, serviceId) };
    },

    /** Replaces the selection; inactive or unknown users are refused, naming them. */
    async setUsers(principal: Principal, serviceId: string, input: unknown) {
      assertAdmin(principal, 'choose which users a mail service syncs');
      const { userIds } = parseOrThrow(organisationUsersUpdateSchema, input);
      const service = await loadService(ctx, serviceId);
      await selectOrganisationUsers(ctx, service, userIds);
      return { serviceId, accessMode: service.access_mode, users: await organisationUsers(ctx, serviceId) };
    },
  };
}

export type Organisation = ReturnType<typeof createOrganisation>;
