// A MailboxSource for tests and benchmarks: mailboxes made directly in a running sandbox, reached
// over EWS (Basic, as the mailbox user) or Graph (app-only), with settings held in memory.

import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD, DEMO_TENANT_ID } from '@exsync/sandbox/seed';
import type { RunningSandbox } from '@exsync/sandbox/server';
import { createEwsConnector } from '../../src/connectors/ews/factory.ts';
import { AppOnlyTokens } from '../../src/connectors/graph/auth.ts';
import { GraphConnector } from '../../src/connectors/graph/connector.ts';
import { HttpClient, type HttpTraceEvent } from '../../src/connectors/net/http.ts';
import type { ExchangeConnector, Protocol } from '../../src/connectors/types.ts';
import type { Crm } from '../../src/crm/index.ts';
import type { Principal } from '../../src/crm/principal.ts';
import { type ContactSyncOptions, DEFAULT_CONTACT_OPTIONS } from '../../src/sync/contacts/mapping.ts';
import type {
  EntitySyncSettings,
  MailboxSource,
  MailboxSyncSettings,
  RunOutcome,
} from '../../src/sync/types.ts';

export function contactSettings(
  over: Partial<Omit<EntitySyncSettings<ContactSyncOptions>, 'options'>> & {
    options?: Partial<ContactSyncOptions>;
  } = {},
): EntitySyncSettings<ContactSyncOptions> {
  const { options, ...rest } = over;
  return {
    direction: 'two_way',
    conflictPolicy: 'crm_wins',
    fieldMerge: true,
    importFolders: ['contacts'],
    massDelete: { share: 0.2, minimum: 5 },
    autoSync: false,
    intervalMinutes: 15,
    ...rest,
    options: { ...DEFAULT_CONTACT_OPTIONS, ...options },
  };
}

interface TestMailbox {
  address: string;
  principal: Principal;
  settings: MailboxSyncSettings;
}

export class MemoryMailboxSource implements MailboxSource {
  readonly mailboxes = new Map<string, TestMailbox>();
  readonly outcomes: RunOutcome[] = [];
  private readonly connect: (address: string) => ExchangeConnector;

  constructor(connect: (address: string) => ExchangeConnector) {
    this.connect = connect;
  }

  add(mailboxId: string, mailbox: TestMailbox): void {
    this.mailboxes.set(mailboxId, mailbox);
  }

  private get(mailboxId: string): TestMailbox {
    const m = this.mailboxes.get(mailboxId);
    if (!m) throw new Error(`no mailbox ${mailboxId}`);
    return m;
  }

  async connectorFor(mailboxId: string) {
    return this.connect(this.get(mailboxId).address);
  }
  async settings(mailboxId: string) {
    return this.get(mailboxId).settings;
  }
  async principal(mailboxId: string) {
    return this.get(mailboxId).principal;
  }
  async recordOutcome(_mailboxId: string, outcome: RunOutcome) {
    this.outcomes.push(outcome);
  }
}

const fastRetry = { attempts: 4, maxWaitMs: 2_000, baseDelayMs: 10 };

/**
 * Connectors to the sandbox's mailboxes over one protocol; `onRequest` sees every request and
 * response with their bodies (tests validate the traffic against Microsoft's schemas with it).
 */
export function sandboxConnectors(
  sandbox: RunningSandbox,
  protocol: Protocol,
  options: { onRequest?: (event: HttpTraceEvent) => void } = {},
) {
  const http = new HttpClient({
    ca: sandbox.caPem,
    allowPrivateAddresses: true,
    timeoutMs: 20_000,
    onRequest: options.onRequest,
  });
  const config = {
    clientId: DEMO_CLIENT_ID,
    clientSecret: DEMO_CLIENT_SECRET,
    tenant: DEMO_TENANT_ID,
    authorityHost: sandbox.httpsUrl,
    graphBaseUrl: `${sandbox.httpsUrl}/v1.0`,
  };
  const tokens = new AppOnlyTokens(config, http);
  const connect = (address: string): ExchangeConnector =>
    protocol === 'ews'
      ? createEwsConnector({
          http,
          serviceAddress: `${sandbox.httpsUrl}/EWS/Exchange.asmx`,
          auth: { kind: 'basic', login: address, password: DEMO_PASSWORD },
          mailbox: address,
          retry: fastRetry,
        })
      : new GraphConnector({
          http,
          tokens,
          mailbox: address,
          mode: 'app',
          graphBaseUrl: config.graphBaseUrl,
          retry: fastRetry,
        });
  return { connect, close: () => http.close() };
}

let counter = 0;

/**
 * A new, empty sandbox mailbox and a CRM user owning its sync. `displayName` names both (the
 * organizer or attendee a meeting shows); `administrator` makes the user one, so that each
 * user's sync may change what another user's sync made (tests of meetings shared by mailboxes).
 */
export async function freshMailbox(
  sandbox: RunningSandbox,
  crm: Crm,
  source: MemoryMailboxSource,
  settings: MailboxSyncSettings,
  name = 'user',
  options: { displayName?: string; administrator?: boolean } = {},
): Promise<{ mailboxId: string; address: string; principal: Principal; userPrincipal: Principal }> {
  const n = `${name}${Date.now().toString(36)}${(counter++).toString(36)}`;
  const address = `${n}@example.test`;
  const displayName = options.displayName ?? n;
  sandbox.store.addMailbox({ tenantId: DEMO_TENANT_ID, address, displayName, password: DEMO_PASSWORD });
  const user = await crm.users.createUser({
    email: `${n}@crm.test`,
    displayName,
    ...(options.administrator ? { roles: ['Administrators'] } : {}),
  });
  const mailboxId = `mbx-${n}`;
  const principal = await crm.users.principalFor(user.id, { mailboxId });
  source.add(mailboxId, { address, principal, settings });
  return { mailboxId, address, principal, userPrincipal: await crm.users.principalFor(user.id) };
}
