// What a contact sync costs in Exchange requests, counted as the sandbox receives them: an
// import reads at least 50 contacts per request, an export creates contacts in batches (EWS
// CreateItem with many items, Graph $batch) instead of one request each, and an unchanged
// mailbox costs one request. `npm run bench:contacts` measures the same at scale.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Protocol } from '../src/connectors/types.ts';
import type { SyncEngine } from '../src/sync/engine.ts';
import { contactSettings, freshMailbox } from './support/sandbox-source.ts';
import { contactsEngine, useProtocolSource, useSandboxAndCrm } from './support/sync-sandbox.ts';

const world = useSandboxAndCrm((sandbox) => {
  // A zero latency rule per protocol counts the operations the sandbox serves.
  for (const protocol of ['ews', 'graph'] as const)
    sandbox.faults.add({ id: `count-${protocol}`, protocol, fault: { kind: 'latency', ms: 0 } });
});

/** Exchange operations served while `work` runs (Graph: $batch members each count). */
async function counted<T>(
  protocol: Protocol,
  work: () => Promise<T>,
): Promise<{ result: T; requests: number }> {
  const applied = () => world.sandbox.faults.list().find((r) => r.id === `count-${protocol}`)!.applied;
  const before = applied();
  const result = await work();
  return { result, requests: applied() - before };
}

describe.each<Protocol>(['ews', 'graph'])('request cost over %s', (protocol) => {
  const calls = { createItem: 0, createItems: 0 };
  const exchange = useProtocolSource(
    world,
    protocol,
    (connector) =>
      new Proxy(connector, {
        get(target, prop, receiver) {
          if (prop === 'createItem' || prop === 'createItems') calls[prop]++;
          return Reflect.get(target, prop, receiver);
        },
      }),
  );
  let engine: SyncEngine;

  beforeAll(() => {
    engine = contactsEngine(world, exchange);
  });

  it('imports 300 contacts in at most 6 requests, then syncs the unchanged mailbox in one', async () => {
    const m = await freshMailbox(world.sandbox, world.fx.crm, exchange.source, {
      contacts: contactSettings(),
    });
    const mbx = world.sandbox.store.mailbox(m.address)!;
    const folder = world.sandbox.store.distinguishedFolder(mbx.id, 'contacts')!;
    for (let i = 0; i < 300; i++)
      world.sandbox.store.createItem(
        mbx.id,
        folder.id,
        'contact',
        {
          givenName: `G${i}`,
          surname: `S${i}`,
          displayName: `G${i} S${i}`,
          emailAddresses: [],
          phones: {},
          addresses: {},
          categories: [],
        },
        'user',
      );
    const first = await counted(protocol, () => engine.syncMailbox(m.mailboxId, 'contacts'));
    expect(first.result.tally?.counts.import.created).toBe(300);
    expect(first.requests).toBeLessThanOrEqual(6);
    const again = await counted(protocol, () => engine.syncMailbox(m.mailboxId, 'contacts'));
    expect(again.result.status).toBe('succeeded');
    expect(again.requests).toBe(1);
  });

  it('exports 250 contacts in batches, not one request each', async () => {
    const m = await freshMailbox(world.sandbox, world.fx.crm, exchange.source, {
      contacts: contactSettings(),
    });
    await world.fx.crm.contacts.createMany(
      m.userPrincipal,
      Array.from({ length: 250 }, (_, i) => ({ givenName: `E${i}`, familyName: 'Export' })),
    );
    const run = await counted(protocol, () => engine.syncMailbox(m.mailboxId, 'contacts'));
    expect(run.result.tally?.errors).toEqual([]);
    expect(run.result.tally?.counts.export.created).toBe(250);
    const mbx = world.sandbox.store.mailbox(m.address)!;
    const items = world.sandbox.store.items(
      mbx.id,
      world.sandbox.store.distinguishedFolder(mbx.id, 'contacts')!.id,
    );
    expect(items).toHaveLength(250);
    expect(calls.createItem).toBe(0);
    expect(calls.createItems).toBeGreaterThan(0);
    if (protocol === 'ews') {
      // 3 CreateItem, then the folder read past the creates (SyncFolderItems, GetItem by 100s).
      expect(run.requests).toBeLessThanOrEqual(12);
    }

    // Linked: the next run writes nothing.
    const quiet = await engine.syncMailbox(m.mailboxId, 'contacts');
    expect(quiet.tally?.counts.export).toMatchObject({ created: 0, updated: 0 });
  });
});
