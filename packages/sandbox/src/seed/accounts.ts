// The demo tenant's fixed identities, so the docs can name them.

export const DEMO_TENANT_ID = '7e57a0b1-0000-4000-8000-00000000e5c1';
export const DEMO_DOMAIN = 'example.test';
export const DEMO_PASSWORD = 'Passw0rd!';
export const DEMO_CLIENT_ID = '00000000-0000-4000-8000-00000000e5c1';
export const DEMO_CLIENT_SECRET = 'exsync-sandbox-demo-secret';
export const DEMO_REDIRECT_URIS = [
  'http://localhost:8080/oauth/microsoft/callback',
  'http://127.0.0.1:8080/oauth/microsoft/callback',
];
export const DEMO_APP_PERMISSIONS = [
  'Contacts.ReadWrite',
  'Calendars.ReadWrite',
  'Tasks.ReadWrite',
  'Mail.ReadWrite',
  'Mail.Send',
  'User.Read.All',
];

export interface DemoUser {
  id: string;
  address: string;
  displayName: string;
  timeZone: string;
}

export const DEMO_USERS: readonly DemoUser[] = [
  {
    id: 'a0da0000-0000-4000-8000-000000000001',
    address: 'ada@example.test',
    displayName: 'Ada Lovelace',
    timeZone: 'GMT Standard Time',
  },
  {
    id: 'a0da0000-0000-4000-8000-000000000002',
    address: 'grace@example.test',
    displayName: 'Grace Hopper',
    timeZone: 'Eastern Standard Time',
  },
  {
    id: 'a0da0000-0000-4000-8000-000000000003',
    address: 'linus@example.test',
    displayName: 'Linus Torvalds',
    timeZone: 'Pacific Standard Time',
  },
];

export const DEMO_SERVICE_ACCOUNT: DemoUser = {
  id: 'a0da0000-0000-4000-8000-0000000000f0',
  address: 'svc-sync@example.test',
  displayName: 'Exsync Service Account',
  timeZone: 'UTC',
};

export interface DemoInfo {
  tenantId: string;
  domain: string;
  password: string;
  users: Array<{ id: string; address: string; displayName: string }>;
  serviceAccount: { id: string; address: string; displayName: string };
  app: { clientId: string; clientSecret: string; redirectUris: string[]; permissions: string[] };
}

export function demoInfo(): DemoInfo {
  return {
    tenantId: DEMO_TENANT_ID,
    domain: DEMO_DOMAIN,
    password: DEMO_PASSWORD,
    users: DEMO_USERS.map(({ id, address, displayName }) => ({ id, address, displayName })),
    serviceAccount: {
      id: DEMO_SERVICE_ACCOUNT.id,
      address: DEMO_SERVICE_ACCOUNT.address,
      displayName: DEMO_SERVICE_ACCOUNT.displayName,
    },
    app: {
      clientId: DEMO_CLIENT_ID,
      clientSecret: DEMO_CLIENT_SECRET,
      redirectUris: [...DEMO_REDIRECT_URIS],
      permissions: [...DEMO_APP_PERMISSIONS],
    },
  };
}
