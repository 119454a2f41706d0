// Who may manage users (F1). Creating users, changing roles and deactivating are for
// administrators and holders of CanManageUsers; only administrators may hand out (or take away)
// roles that carry CanManageAdministration, or act on an administrator's account.
import { forbidden } from './errors.ts';
import type { Principal } from './principal.ts';
import type { Role } from './roles.ts';

export const canManageUsers = (p: Principal) => p.isAdmin || p.operations.has('CanManageUsers');

export const carriesAdministration = (role: Role) => role.operations.includes('CanManageAdministration');

/** Refuses a non-administrator granting a role that carries administration. */
export function assertMayGrant(principal: Principal | undefined, resolved: Role[]): void {
  if (principal && !principal.isAdmin && resolved.some(carriesAdministration)) {
    throw forbidden('grant a role carrying CanManageAdministration (only administrators may)');
  }
}
