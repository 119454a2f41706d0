import { describe, expect, it } from 'vitest';
import {
  type Action,
  adoptItems,
  adoptRecords,
  type CrmSide,
  type ExchangeSide,
  type LinkState,
  massDeleteGuard,
  type PlanSettings,
  planPair,
} from './planner.ts';
import { fingerprint } from './snapshot.ts';
import type { ConflictPolicy, Direction } from './types.ts';

const base = { name: 'Ada', title: 'Engineer', phone: '+44 20 1234 5678' };
const link: LinkState = {
  id: 'L1',
  recordId: 'R1',
  folderId: 'F1',
  itemId: 'I1',
  itemVersion: 'v1',
  recordVersion: 10,
  origin: 'import',
  snapshot: base,
};
const settings = (over: Partial<PlanSettings> = {}): PlanSettings => ({
  direction: 'two_way',
  conflictPolicy: 'crm_wins',
  fieldMerge: false,
  exportFolder: 'contacts',
  ...over,
});
const exUpsert = (snapshot: Record<string, unknown>, version = 'v2'): ExchangeSide => ({
  kind: 'upsert',
  folderId: 'F1',
  itemId: 'I1',
  version,
  snapshot,
});
const exDeleted: ExchangeSide = { kind: 'deleted', folderId: 'F1', itemId: 'I1' };
const crmPresent = (snapshot: Record<string, unknown>, version = 11, inScope = true): CrmSide => ({
  kind: 'present',
  recordId: 'R1',
  version,
  projection: { snapshot, notExported: [] },
  inScope,
});
const crmDeleted: CrmSide = { kind: 'deleted', recordId: 'R1' };
const types = (actions: Action[]) => actions.map((a) => a.type);

const DIRECTIONS: Direction[] = ['off', 'import', 'export', 'two_way'];
const POLICIES: ConflictPolicy[] = ['crm_wins', 'exchange_wins'];

describe('unlinked items and records', () => {
  it.each(DIRECTIONS)('a new Exchange item in %s mode', (direction) => {
    const actions = planPair({ exchange: exUpsert(base) }, settings({ direction }));
    expect(types(actions)).toEqual(direction === 'import' || direction === 'two_way' ? ['importCreate'] : []);
  });
  it.each(DIRECTIONS)('a new CRM record in scope in %s mode goes to the export folder', (direction) => {
    const actions = planPair({ crm: crmPresent(base) }, settings({ direction }));
    expect(actions).toEqual(
      direction === 'export' || direction === 'two_way'
        ? [expect.objectContaining({ type: 'exportCreate', folderId: 'contacts', recordId: 'R1' })]
        : [],
    );
  });
  it('a new CRM record outside the export filter stays in the CRM', () => {
    expect(planPair({ crm: crmPresent(base, 1, false) }, settings())).toEqual([]);
  });
  it('unlinked deletes and inaccessible records need nothing', () => {
    expect(planPair({ crm: crmDeleted }, settings())).toEqual([]);
    expect(planPair({ exchange: exDeleted }, settings())).toEqual([]);
    expect(planPair({ crm: { kind: 'inaccessible', recordId: 'R1' } }, settings())).toEqual([]);
  });
});

describe('echoes of our own writes', () => {
  it.each(DIRECTIONS)('an Exchange change with the stored version is ignored (%s)', (direction) => {
    expect(
      planPair({ link, exchange: exUpsert({ ...base, title: 'x' }, 'v1') }, settings({ direction })),
    ).toEqual([]);
  });
  it('a CRM change that only moved the version refreshes the link', () => {
    const actions = planPair({ link, crm: crmPresent(base, 12) }, settings());
    expect(actions).toEqual([
      expect.objectContaining({ type: 'update', recordVersion: 12, itemVersion: 'v1', agreed: base }),
    ]);
    expect(actions[0]).not.toHaveProperty('toItem');
    expect(actions[0]).not.toHaveProperty('toRecord');
  });
  it('an Exchange version change with identical content refreshes the link only', () => {
    const [action] = planPair({ link, exchange: exUpsert(base, 'v9') }, settings());
    expect(action).toMatchObject({ type: 'update', itemVersion: 'v9' });
    expect(action).not.toHaveProperty('toRecord');
  });
  it('nothing changed: no action', () => {
    expect(planPair({ link }, settings())).toEqual([]);
  });
});

describe('edits on one side', () => {
  it.each(DIRECTIONS)('an Exchange edit in %s mode', (direction) => {
    const actions = planPair(
      { link, exchange: exUpsert({ ...base, title: 'CTO' }) },
      settings({ direction }),
    );
    if (direction === 'off') return expect(actions).toEqual([]);
    const update = actions.find((a) => a.type === 'update');
    if (direction === 'export') {
      expect(update).toBeDefined();
      expect(update).not.toHaveProperty('toRecord');
      expect(update).not.toHaveProperty('toItem');
      return;
    }
    expect(update).toMatchObject({ toRecord: { title: 'CTO' }, agreed: { ...base, title: 'CTO' } });
    expect(update).not.toHaveProperty('toItem');
  });
  it.each(DIRECTIONS)('a CRM edit in %s mode', (direction) => {
    const actions = planPair({ link, crm: crmPresent({ ...base, title: 'CTO' }) }, settings({ direction }));
    if (direction === 'off') return expect(actions).toEqual([]);
    const update = actions.find((a) => a.type === 'update');
    if (direction === 'import') {
      expect(update).not.toHaveProperty('toItem');
      expect(update).not.toHaveProperty('toRecord');
      return;
    }
    expect(update).toMatchObject({ toItem: { ...base, title: 'CTO' }, agreed: { ...base, title: 'CTO' } });
    expect(update).not.toHaveProperty('toRecord');
  });
  it('a field cleared in Exchange is cleared in the CRM', () => {
    const [update] = planPair({ link, exchange: exUpsert({ name: 'Ada', phone: base.phone }) }, settings());
    expect(update).toMatchObject({ type: 'update', toRecord: { title: null } });
  });
});

describe('conflicts (E2)', () => {
  const exchange = exUpsert({ ...base, title: 'CTO', phone: '+1 555 0100' });
  const crm = crmPresent({ ...base, title: 'CEO', name: 'Ada L.' });

  it.each(POLICIES)('whole-record %s', (conflictPolicy) => {
    const actions = planPair({ link, exchange, crm }, settings({ conflictPolicy }));
    expect(types(actions)).toEqual(['conflict', 'update']);
    const [conflict, update] = actions as [
      Extract<Action, { type: 'conflict' }>,
      Extract<Action, { type: 'update' }>,
    ];
    expect(conflict.conflict).toMatchObject({ fields: ['title'], resolution: conflictPolicy });
    expect(conflict.conflict.crm).toMatchObject({ title: 'CEO' });
    expect(conflict.conflict.exchange).toMatchObject({ title: 'CTO' });
    if (conflictPolicy === 'crm_wins') {
      expect(update.agreed).toEqual({ ...base, title: 'CEO', name: 'Ada L.' });
      expect(update.toItem).toEqual(update.agreed);
      expect(update).not.toHaveProperty('toRecord');
    } else {
      expect(update.agreed).toEqual({ ...base, title: 'CTO', phone: '+1 555 0100' });
      expect(update.toRecord).toEqual({ title: 'CTO', phone: '+1 555 0100', name: 'Ada' });
      expect(update).not.toHaveProperty('toItem');
    }
  });

  it.each(POLICIES)('field merge keeps both sides and applies %s to the overlap', (conflictPolicy) => {
    const actions = planPair({ link, exchange, crm }, settings({ conflictPolicy, fieldMerge: true }));
    const update = actions.find((a) => a.type === 'update') as Extract<Action, { type: 'update' }>;
    const title = conflictPolicy === 'crm_wins' ? 'CEO' : 'CTO';
    expect(update.agreed).toEqual({ name: 'Ada L.', title, phone: '+1 555 0100' });
    expect(update.toItem).toEqual(update.agreed);
    expect(update.toRecord).toEqual(
      conflictPolicy === 'crm_wins' ? { phone: '+1 555 0100' } : { phone: '+1 555 0100', title: 'CTO' },
    );
    expect(actions[0]).toMatchObject({
      type: 'conflict',
      conflict: { resolution: 'merged', fields: ['title'] },
    });
  });

  it('the same edit on both sides is no conflict', () => {
    const same = { ...base, title: 'CTO' };
    const actions = planPair({ link, exchange: exUpsert(same), crm: crmPresent(same) }, settings());
    expect(types(actions)).toEqual(['update']);
    expect(actions[0]).not.toHaveProperty('toItem');
    expect(actions[0]).not.toHaveProperty('toRecord');
  });

  it('a one-way mode never reports a conflict', () => {
    for (const direction of ['import', 'export'] as const)
      expect(types(planPair({ link, exchange, crm }, settings({ direction })))).toEqual(['update']);
  });
});

describe('deletes (E5)', () => {
  it.each(DIRECTIONS)('deleted in Exchange, %s mode', (direction) => {
    const actions = planPair({ link, exchange: exDeleted }, settings({ direction }));
    const expected = { off: [], import: ['deleteRecord'], export: ['unlink'], two_way: ['deleteRecord'] };
    expect(types(actions)).toEqual(expected[direction]);
  });
  it.each(DIRECTIONS)('deleted in the CRM, %s mode', (direction) => {
    const actions = planPair({ link, crm: crmDeleted }, settings({ direction }));
    const expected = { off: [], import: ['unlink'], export: ['deleteItem'], two_way: ['deleteItem'] };
    expect(types(actions)).toEqual(expected[direction]);
  });
  it('deleted on both sides: the link is forgotten', () => {
    expect(types(planPair({ link, exchange: exDeleted, crm: crmDeleted }, settings()))).toEqual(['forget']);
  });
  it('a record that left the export filter is unlinked, not deleted', () => {
    const exported = { ...link, origin: 'export' as const };
    expect(types(planPair({ link: exported, crm: crmPresent(base, 11, false) }, settings()))).toEqual([
      'unlink',
    ]);
    // An imported record stays linked whatever the export filter says.
    expect(types(planPair({ link, crm: crmPresent(base, 11, false) }, settings()))).toEqual(['update']);
  });
  it('losing access unlinks', () => {
    expect(types(planPair({ link, crm: { kind: 'inaccessible', recordId: 'R1' } }, settings()))).toEqual([
      'unlink',
    ]);
  });
  it.each(POLICIES)('deleted in Exchange but edited in the CRM (%s)', (conflictPolicy) => {
    const actions = planPair(
      { link, exchange: exDeleted, crm: crmPresent({ ...base, title: 'CEO' }) },
      settings({ conflictPolicy }),
    );
    expect(types(actions)).toEqual(
      conflictPolicy === 'crm_wins' ? ['conflict', 'exportCreate'] : ['conflict', 'deleteRecord'],
    );
    if (conflictPolicy === 'crm_wins')
      expect(actions[1]).toMatchObject({ replacesLink: link, folderId: 'F1' });
  });
  it.each(POLICIES)('deleted in the CRM but edited in Exchange (%s)', (conflictPolicy) => {
    const actions = planPair(
      { link, crm: crmDeleted, exchange: exUpsert({ ...base, title: 'CTO' }) },
      settings({ conflictPolicy }),
    );
    expect(types(actions)).toEqual(
      conflictPolicy === 'exchange_wins' ? ['conflict', 'importCreate'] : ['conflict', 'deleteItem'],
    );
  });
  it('an echo of our own write does not turn a delete into a conflict', () => {
    const actions = planPair(
      { link, crm: crmDeleted, exchange: exUpsert({ ...base, title: 'x' }, 'v1') },
      settings(),
    );
    expect(types(actions)).toEqual(['deleteItem']);
  });
});

describe('every combination', () => {
  const exchanges: Array<ExchangeSide | undefined> = [
    undefined,
    exUpsert(base, 'v1'),
    exUpsert(base),
    exUpsert({ ...base, title: 'CTO' }),
    exDeleted,
  ];
  const crms: Array<CrmSide | undefined> = [
    undefined,
    crmPresent(base, 10),
    crmPresent({ ...base, name: 'Ada L.' }),
    crmPresent({ ...base, title: 'CEO' }),
    crmPresent({ ...base, title: 'CEO' }, 11, false),
    crmDeleted,
    { kind: 'inaccessible', recordId: 'R1' },
  ];
  const cases: Array<
    [string, LinkState | undefined, ExchangeSide | undefined, CrmSide | undefined, PlanSettings]
  > = [];
  for (const l of [undefined, link, { ...link, origin: 'export' as const }])
    for (const e of exchanges)
      for (const c of crms)
        for (const direction of DIRECTIONS)
          for (const conflictPolicy of POLICIES)
            for (const fieldMerge of [false, true])
              cases.push([
                `${l?.origin ?? 'unlinked'} ${e?.kind ?? '-'} ${c?.kind ?? '-'} ${direction} ${conflictPolicy} ${fieldMerge}`,
                l,
                e,
                c,
                settings({ direction, conflictPolicy, fieldMerge }),
              ]);

  it(`holds the invariants in all ${cases.length} cases`, () => {
    for (const [name, l, e, c, s] of cases) {
      const actions = planPair({ link: l, exchange: e, crm: c }, s);
      const kinds = types(actions);
      const ctx = `${name}: ${kinds.join(',')}`;
      if (s.direction === 'off') expect(actions, ctx).toEqual([]);
      // Writes only go where the direction allows.
      for (const a of actions) {
        if (a.type === 'importCreate' || a.type === 'deleteRecord')
          expect(s.direction === 'import' || s.direction === 'two_way', ctx).toBe(true);
        if (a.type === 'exportCreate' || a.type === 'deleteItem')
          expect(s.direction === 'export' || s.direction === 'two_way', ctx).toBe(true);
        if (a.type === 'update') {
          if (a.toRecord) expect(s.direction === 'import' || s.direction === 'two_way', ctx).toBe(true);
          if (a.toItem) expect(s.direction === 'export' || s.direction === 'two_way', ctx).toBe(true);
        }
      }
      // At most one write action per pair, plus at most one logged conflict.
      expect(kinds.filter((k) => k !== 'conflict').length, ctx).toBeLessThanOrEqual(l ? 1 : 2);
      expect(kinds.filter((k) => k === 'conflict').length, ctx).toBeLessThanOrEqual(1);
      if (kinds.includes('conflict')) expect(s.direction, ctx).toBe('two_way');
      // Leaving the filter or losing access never deletes.
      if (c?.kind === 'inaccessible' && l && s.direction !== 'off') expect(kinds, ctx).toEqual(['unlink']);
      // A linked pair never creates without replacing its link.
      for (const a of actions)
        if (l && (a.type === 'importCreate' || a.type === 'exportCreate'))
          expect(a.replacesLink, ctx).toBe(l);
    }
  });
});

describe('adopting what an interrupted run created', () => {
  const snapshot = { name: 'Grace' };
  it('matches export intents to unlinked items by folder and content, one to one', () => {
    const fp = fingerprint(snapshot);
    const intents = [
      { linkId: 'a', folderId: 'F', fingerprint: fp, snapshot },
      { linkId: 'b', folderId: 'F', fingerprint: fp, snapshot },
      { linkId: 'c', folderId: 'G', fingerprint: fp, snapshot },
    ];
    const items = [
      { folderId: 'F', itemId: 'x', version: '1', snapshot },
      { folderId: 'F', itemId: 'y', version: '1', snapshot: { name: 'Other' } },
    ];
    const adopted = adoptItems(intents, items);
    expect(adopted.map((m) => [m.intent.linkId, m.item.itemId])).toEqual([['a', 'x']]);
  });
  it('adopts an item the user edited before the resume when most fields still agree', () => {
    const sent = { given: 'Ada', family: 'Lovelace', email: 'ada@x.test', title: null };
    const intents = [
      { linkId: 'a', folderId: 'F', fingerprint: fingerprint(sent), snapshot: sent },
      {
        linkId: 'b',
        folderId: 'F',
        fingerprint: 'x',
        snapshot: { given: 'Bob', family: 'B', email: 'b@x.test' },
      },
    ];
    const edited = { folderId: 'F', itemId: 'i1', version: '2', snapshot: { ...sent, title: 'Countess' } };
    const stranger = {
      folderId: 'F',
      itemId: 'i2',
      version: '1',
      snapshot: { given: 'Cy', family: 'C', email: 'c@x.test' },
    };
    expect(adoptItems(intents, [stranger, edited]).map((m) => [m.intent.linkId, m.item.itemId])).toEqual([
      ['a', 'i1'],
    ]);
  });
  it('finds the records an interrupted batch create made, by journal position', () => {
    const adopted = adoptRecords(
      [
        { linkId: 'a', journalVersion: 10, position: 0 },
        { linkId: 'b', journalVersion: 10, position: 1 },
        { linkId: 'c', journalVersion: 10, position: 2 },
        { linkId: 'd', journalVersion: null, position: 0 },
        { linkId: 'e', journalVersion: 14, position: 0 },
      ],
      [
        { version: 9, recordId: 'old' },
        { version: 12, recordId: 'r-b' },
        { version: 11, recordId: 'r-a' },
      ],
    );
    expect(adopted.map((m) => [m.intent.linkId, m.record.recordId])).toEqual([
      ['a', 'r-a'],
      ['b', 'r-b'],
    ]);
  });
});

describe('mass-delete guard', () => {
  const limit = { share: 0.2, minimum: 5 };
  it.each([
    [0, 100, false, true],
    [20, 100, false, true],
    [21, 100, false, false],
    [21, 100, true, true],
    [4, 4, false, true],
    [5, 5, false, false],
    [5, 0, false, false],
  ])('%i deletes of %i linked, approved %s → proceed %s', (deletes, linked, approved, proceed) => {
    const decision = massDeleteGuard(deletes, linked, limit, approved);
    expect(decision.proceed).toBe(proceed);
    if (!decision.proceed) expect(decision.reason).toMatch(/administrator/);
  });
});
