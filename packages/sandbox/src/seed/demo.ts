// The demo tenant: three colleagues, a service account, an app registration, and realistic
// mailbox content, the same on every run.
import type { SandboxStore } from '../store-api.ts';
import {
  DEMO_APP_PERMISSIONS,
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_DOMAIN,
  DEMO_PASSWORD,
  DEMO_REDIRECT_URIS,
  DEMO_SERVICE_ACCOUNT,
  DEMO_TENANT_ID,
  DEMO_USERS,
  type DemoInfo,
  demoInfo,
} from './accounts.ts';
import { fillDemoMailboxes, mondayOf } from './demo-content.ts';

export interface SeedDemoOptions {
  /** Monday (`YYYY-MM-DD`) the calendar is laid around; the current week's Monday by default. */
  baseDate?: string;
  /** Accounts and app only, no mailbox content. */
  accountsOnly?: boolean;
}

export function seedDemo(store: SandboxStore, options: SeedDemoOptions = {}): DemoInfo {
  const tenant = store.addTenant({ id: DEMO_TENANT_ID, domain: DEMO_DOMAIN, displayName: 'Example Ltd' });
  for (const user of [...DEMO_USERS, DEMO_SERVICE_ACCOUNT]) {
    store.addMailbox({
      id: user.id,
      tenantId: tenant.id,
      address: user.address,
      displayName: user.displayName,
      password: DEMO_PASSWORD,
      timeZone: user.timeZone,
      canImpersonate: user === DEMO_SERVICE_ACCOUNT,
    });
  }
  store.addApp({
    clientId: DEMO_CLIENT_ID,
    clientSecret: DEMO_CLIENT_SECRET,
    tenantId: tenant.id,
    displayName: 'Exsync (demo)',
    redirectUris: [...DEMO_REDIRECT_URIS],
    applicationPermissions: [...DEMO_APP_PERMISSIONS],
    allowPublicClient: true,
  });
  if (!options.accountsOnly) {
    fillDemoMailboxes(store, DEMO_USERS, { baseDate: options.baseDate ?? mondayOf(Date.now()) });
  }
  return demoInfo();
}
