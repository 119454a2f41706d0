// On the first start with an empty database Exsync creates an administrator, so that a fresh
// install can be signed into at once. The password is random unless EXSYNC_ADMIN_PASSWORD gives
// one; it is printed once by the caller and stored only as a hash.
import type { Config } from '../config.ts';
import { type Crm, isCrmError } from '../crm/index.ts';
import type { Principal } from '../crm/principal.ts';
import { randomSecret } from './auth/secrets.ts';

export interface FirstAdministrator {
  email: string;
  /** Null when it came from EXSYNC_ADMIN_PASSWORD (the operator knows it; never echo it). */
  generatedPassword: string | null;
}

/** Sees every user; used only to find out whether any exists. */
const SETUP_VIEW: Principal = { userId: '', roleIds: [], operations: new Set(), isAdmin: true };

export async function ensureFirstAdministrator(
  crm: Crm,
  config: Pick<Config, 'adminEmail' | 'adminPassword'>,
): Promise<FirstAdministrator | null> {
  const { administrators } = await crm.users.ensureAdministratorsRole();
  const existing = await crm.users.list(SETUP_VIEW, { limit: 1 });
  if (existing.items.length > 0) return null;
  const generatedPassword = config.adminPassword ? null : randomSecret(18);
  try {
    await crm.users.createUser({
      email: config.adminEmail,
      displayName: 'Administrator',
      password: config.adminPassword ?? generatedPassword!,
      roles: [administrators.id],
    });
  } catch (error) {
    // Another server process sharing the database created it first.
    if (isCrmError(error, 'conflict')) return null;
    throw error;
  }
  return { email: config.adminEmail, generatedPassword };
}
