// The mail services that point at a running sandbox, as the API takes them: shared by the API
// tests and the browser tests, so that both add the same services.
import type { RunningSandbox } from '@exsync/sandbox';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT_ID } from '@exsync/sandbox/seed';

/** The sandbox's Exchange Server (EWS, basic sign-in with the email address), serving example.test. */
export function sandboxExchangeService(
  sandbox: RunningSandbox,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type: 'exchange',
    name: 'Sandbox Exchange',
    serviceAddress: `${sandbox.httpsUrl}/EWS/Exchange.asmx`,
    authMethod: 'basic',
    loginFormat: 'email',
    domains: ['example.test'],
    caCertificate: sandbox.caPem,
    allowPrivateAddresses: true,
    ...overrides,
  };
}

/** The sandbox's Microsoft 365 (Graph, the demo app with delegated sign-in), serving example.test. */
export function sandboxMicrosoft365Service(
  sandbox: RunningSandbox,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type: 'microsoft365',
    name: 'Sandbox Microsoft 365',
    serviceAddress: `${sandbox.httpsUrl}/v1.0`,
    authorityUrl: sandbox.httpsUrl,
    authMethod: 'oauth_delegated',
    clientId: DEMO_CLIENT_ID,
    clientSecret: DEMO_CLIENT_SECRET,
    tenant: DEMO_TENANT_ID,
    domains: ['example.test'],
    caCertificate: sandbox.caPem,
    allowPrivateAddresses: true,
    ...overrides,
  };
}
