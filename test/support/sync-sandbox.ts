// Shared by the sync engine tests against the sandbox: one sandbox (demo seed) and one CRM store
// per test file, and per protocol the connectors to the sandbox with a mailbox source over them.
// Each function registers its own beforeAll/afterAll, so it is called where the hooks belong
// (at the top of the file, or inside the protocol's describe); the returned object is filled in
// once those hooks have run.

import { type RunningSandbox, startSandbox } from '@exsync/sandbox/server';
import { afterAll, beforeAll } from 'vitest';
import type { ExchangeConnector, Protocol } from '../../src/connectors/types.ts';
import { DEFAULT_MEETING_OPTIONS } from '../../src/sync/activities/entity.ts';
import { contactsEntity } from '../../src/sync/contacts/entity.ts';
import { SyncEngine, type SyncEngineOptions } from '../../src/sync/engine.ts';
import type { ConflictPolicy, EntitySyncSettings } from '../../src/sync/types.ts';
import { ConnectorTrafficRecorder } from './connector-traffic.ts';
import { type CrmFixture, setupCrm } from './crm-fixture.ts';
import { MemoryMailboxSource, sandboxConnectors } from './sandbox-source.ts';

export interface SandboxAndCrm {
  sandbox: RunningSandbox;
  fx: CrmFixture;
}

/** `prepare` runs on the started sandbox before the CRM store is set up (e.g. fault rules). */
export function useSandboxAndCrm(prepare?: (sandbox: RunningSandbox) => void): SandboxAndCrm {
  const world = {} as SandboxAndCrm;
  beforeAll(async () => {
    world.sandbox = await startSandbox({ port: 0, seed: 'demo' });
    prepare?.(world.sandbox);
    world.fx = await setupCrm();
  });
  afterAll(async () => {
    await world.fx?.close();
    await world.sandbox?.close();
  });
  return world;
}

export interface ProtocolSource {
  connectors: ReturnType<typeof sandboxConnectors>;
  source: MemoryMailboxSource;
  /** Everything the connectors sent and received; checked against Microsoft's schemas in afterAll. */
  traffic: ConnectorTrafficRecorder;
}

/**
 * Connectors over `protocol` to the sandbox of `world`, and a mailbox source handing them out;
 * `wrap` sees every connector the source hands out (to count calls, say). The connectors' EWS
 * traffic is validated against messages.xsd and their Graph traffic against the CSDL's schemas
 * once the file's tests have run, as the protocol suites' own traffic is.
 */
export function useProtocolSource(
  world: SandboxAndCrm,
  protocol: Protocol,
  wrap?: (connector: ExchangeConnector) => ExchangeConnector,
): ProtocolSource {
  const side = { traffic: new ConnectorTrafficRecorder(protocol) } as ProtocolSource;
  beforeAll(() => {
    const connectors = sandboxConnectors(world.sandbox, protocol, { onRequest: side.traffic.onRequest });
    side.connectors = connectors;
    side.source = new MemoryMailboxSource(
      wrap ? (address) => wrap(connectors.connect(address)) : connectors.connect,
    );
  });
  afterAll(async () => {
    side.connectors?.close();

    if (side.traffic.count === 0) return;
    await side.traffic.expectAllValid();
  });
  return side;
}

/** A contact sync engine between the mailboxes of `side` and the CRM of `world`. */
export function contactsEngine(
  world: SandboxAndCrm,
  side: ProtocolSource,
  options: Omit<SyncEngineOptions, 'crm' | 'source' | 'entities'> = {},
): SyncEngine {
  return new SyncEngine({ crm: world.fx.crm, source: side.source, entities: [contactsEntity], ...options });
}

/**
 * Two-way meeting settings for tests of meetings shared by mailboxes: the given conflict policy,
 * no mass-delete hold, and an export scope of no groups, so that with administrators (who see
 * every activity) only what a mailbox's own sync tagged goes out.
 */
export const sharedMeetingSettings = (policy: ConflictPolicy, fieldMerge: boolean): EntitySyncSettings => ({
  direction: 'two_way',
  conflictPolicy: policy,
  fieldMerge,
  importFolders: 'all',
  massDelete: { share: 1, minimum: 1_000_000 },
  autoSync: false,
  intervalMinutes: 15,
  options: { ...DEFAULT_MEETING_OPTIONS, export: { all: false, groupIds: [] } },
});
