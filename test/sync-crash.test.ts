// E6: a run killed at any step resumes without duplicates and without losing a change. For
// each protocol against the sandbox, a clean run first counts the step boundaries of a
// scenario; then, for every boundary in turn, the scenario is replayed on fresh mailboxes, the
// run is killed there (a SimulatedCrash from the checkpoint hook: nothing is cleaned up, the
// lease stays taken until it expires), and a second engine finishes from stored state.

import type { ContactData } from '@exsync/sandbox/model';
import { describe, expect, it } from 'vitest';
import type { Protocol } from '../src/connectors/types.ts';
import type { Contact } from '../src/crm/contacts.ts';
import { SimulatedCrash } from '../src/sync/executor.ts';
import { latestRuns } from '../src/sync/store/runs.ts';
import type { EntitySyncSettings } from '../src/sync/types.ts';
import { contactSettings, freshMailbox } from './support/sandbox-source.ts';
import { contactsEngine, useProtocolSource, useSandboxAndCrm } from './support/sync-sandbox.ts';

const world = useSandboxAndCrm();

const person = (given: string, family: string): ContactData => ({
  givenName: given,
  surname: family,
  displayName: `${given} ${family}`,
  emailAddresses: [{ address: `${given.toLowerCase()}@ex.test` }],
  phones: {},
  addresses: {},
  categories: [],
});

describe.each<Protocol>(['ews', 'graph'])('crash at every step over %s', (protocol) => {
  const exchange = useProtocolSource(world, protocol);

  const engine = (checkpoint?: (step: string) => void) =>
    contactsEngine(world, exchange, { pageSize: 2, batchSize: 2, leaseMs: 1, checkpoint });

  /** Builds the scenario; `second` runs the step under test. */
  async function scenario() {
    const settings = contactSettings({ massDelete: { share: 1, minimum: 1000 } });
    const m = await freshMailbox(
      world.sandbox,
      world.fx.crm,
      exchange.source,
      { contacts: settings as EntitySyncSettings },
      'crash',
    );
    const mbx = world.sandbox.store.mailbox(m.address)!;
    const folder = world.sandbox.store.distinguishedFolder(mbx.id, 'contacts')!;
    const create = (d: ContactData) =>
      world.sandbox.store.createItem(mbx.id, folder.id, 'contact', d, 'user').id;
    const crm = world.fx.crm.contacts;
    const p = m.userPrincipal;
    // Before the first run: three on each side.
    const a = create(person('Anna', 'Exchange'));
    const b = create(person('Bert', 'Exchange'));
    create(person('Carl', 'Exchange'));
    const x = await crm.create(p, { givenName: 'Xena', familyName: 'Crm' });
    const y = await crm.create(p, { givenName: 'Yuri', familyName: 'Crm' });
    await crm.create(p, { givenName: 'Zoe', familyName: 'Crm' });
    const changes = async () => {
      world.sandbox.store.updateItem(mbx.id, a, { jobTitle: 'Edited in Exchange' }, 'user');
      world.sandbox.store.deleteItem(mbx.id, b, 'hard', 'user');
      create(person('Dora', 'Exchange'));
      await crm.update(p, x.id, { jobTitle: 'Edited in CRM' });
      await crm.delete(p, y.id);
      await crm.create(p, { givenName: 'Walt', familyName: 'Crm' });
    };
    const state = async () => {
      const contacts = (await crm.list(p, { limit: 100 })).items as Contact[];
      const items = world.sandbox.store.items(mbx.id, folder.id) as Array<{ data: ContactData }>;
      return {
        crm: contacts.map((c) => `${c.givenName} ${c.familyName} ${c.jobTitle ?? ''}`.trim()).sort(),
        exchange: items
          .map((i) => `${i.data.givenName} ${i.data.surname} ${i.data.jobTitle ?? ''}`.trim())
          .sort(),
      };
    };
    return { m, changes, state };
  }

  const expectedFirst = [
    'Anna Exchange',
    'Bert Exchange',
    'Carl Exchange',
    'Xena Crm',
    'Yuri Crm',
    'Zoe Crm',
  ];
  const expectedSecond = [
    'Anna Exchange Edited in Exchange',
    'Carl Exchange',
    'Dora Exchange',
    'Walt Crm',
    'Xena Crm Edited in CRM',
    'Zoe Crm',
  ];

  async function countSteps(phase: 'first' | 'second'): Promise<string[]> {
    const { m, changes, state } = await scenario();
    const steps: string[] = [];
    if (phase === 'second') {
      await engine().syncMailbox(m.mailboxId, 'contacts');
      await changes();
    }
    await engine((s) => void steps.push(s)).syncMailbox(m.mailboxId, 'contacts');
    const after = await state();
    expect(after.crm).toEqual(phase === 'first' ? expectedFirst : expectedSecond);
    expect(after.exchange).toEqual(after.crm);
    return steps;
  }

  for (const phase of ['first', 'second'] as const) {
    it(`resumes after a kill at each step of the ${phase} run`, async () => {
      const steps = await countSteps(phase);
      expect(steps.length).toBeGreaterThan(10);
      expect(steps).toEqual(expect.arrayContaining(['export:created', 'import:created', 'export:intents']));
      let killed = 0;
      for (let n = 0; n < steps.length; n++) {
        const { m, changes, state } = await scenario();
        if (phase === 'second') {
          await engine().syncMailbox(m.mailboxId, 'contacts');
          await changes();
        }
        let seen = 0;
        // Graph delta pages do not always split the same way, so a replay may have a step
        // fewer than the counting run; such a run simply completes.
        const outcome = await engine((step) => {
          if (seen++ === n) throw new SimulatedCrash(step);
        })
          .syncMailbox(m.mailboxId, 'contacts')
          .then(
            () => 'completed',
            (error: unknown) => {
              expect(error).toBeInstanceOf(SimulatedCrash);
              return 'killed';
            },
          );
        if (outcome === 'killed') killed++;
        await new Promise((r) => setTimeout(r, 3));
        const resumed = await engine().syncMailbox(m.mailboxId, 'contacts');
        expect(resumed.status, `killed at step ${n} (${steps[n]})`).toBe('succeeded');
        const after = await state();
        const ctx = `killed at step ${n} (${steps[n]})`;
        expect(after.crm, ctx).toEqual(phase === 'first' ? expectedFirst : expectedSecond);
        expect(after.exchange, ctx).toEqual(after.crm);
        // Settled: one more run writes nothing.
        const quiet = await engine().syncMailbox(m.mailboxId, 'contacts');
        const writes = Object.values(quiet.tally!.counts).flatMap((c) => [c.created, c.updated, c.deleted]);
        expect(writes, ctx).toEqual([0, 0, 0, 0, 0, 0]);
        const runs = await latestRuns(engine().db, { mailboxId: m.mailboxId, entity: 'contacts' }, 10);
        if (outcome === 'killed')
          expect(
            runs.some((r) => r.status === 'abandoned'),
            ctx,
          ).toBe(true);
      }
      expect(killed).toBeGreaterThanOrEqual(steps.length - 2);
    }, 120_000);
  }
});
