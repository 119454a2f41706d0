// Test fixture: a fresh migrated store (engine from EXSYNC_TEST_DB) with the CRM services, the
// built-in roles, an administrator and two sales users.

import { type Crm, createCrm } from '../../src/crm/index.ts';
import type { Principal } from '../../src/crm/principal.ts';
import { createTestStore, type TestStore } from './db.ts';

export interface CrmFixture {
  store: TestStore;
  crm: Crm;
  admin: Principal;
  alice: Principal;
  bob: Principal;
  /** A principal with the given mailbox, acting as alice (a sync write). */
  aliceSync: Principal;
  salesRoleId: string;
  close(): Promise<void>;
}

export async function setupCrm(): Promise<CrmFixture> {
  const store = await createTestStore();
  const crm = createCrm(store);
  const { sales } = await crm.users.ensureAdministratorsRole();
  const admin = await crm.users.createUser({
    email: 'admin@example.test',
    displayName: 'Admin',
    roles: ['Administrators'],
  });
  const alice = await crm.users.createUser({
    email: 'alice@example.test',
    displayName: 'Alice',
    roles: ['Sales'],
  });
  const bob = await crm.users.createUser({ email: 'bob@example.test', displayName: 'Bob' });
  return {
    store,
    crm,
    admin: await crm.users.principalFor(admin.id),
    alice: await crm.users.principalFor(alice.id),
    bob: await crm.users.principalFor(bob.id),
    aliceSync: await crm.users.principalFor(alice.id, { mailboxId: 'mailbox-alice' }),
    salesRoleId: sales.id,
    close: () => store.destroy(),
  };
}
