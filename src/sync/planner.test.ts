import { describe, expect, it } from 'vitest';
import {
  type Action,
  adoptItems,
  adoptRecords,
  type CrmSide,
  type ExchangeSide,
  type LinkState,
  massDeleteGuard,
  type Pair,
  type PlanSettings,
  planPair,
  resumedBase,
  type SharedIdentity,
  similarity,
  type UpdateIntent,
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
/** A record the journal shows no user edit for: whatever it holds counts as the link's state. */
const crmUnedited = (snapshot: Record<string, unknown>): CrmSide => ({
  ...(crmPresent(snapshot, 10) as Extract<CrmSide, { kind: 'present' }>),
  unedited: true,
});
const crmDeleted: CrmSide = { kind: 'deleted', recordId: 'R1' };
/** A meeting's copies: the organizer's and an attendee's share one key. */
const organizerCopy: SharedIdentity = { key: 'series-1', role: 'organizer' };
const attendeeCopy: SharedIdentity = { key: 'series-1', role: 'attendee' };
const sharedUpsert = (shared: SharedIdentity, snapshot: Record<string, unknown> = base): ExchangeSide => ({
  ...(exUpsert(snapshot) as Extract<ExchangeSide, { kind: 'upsert' }>),
  shared,
});
/** Grace's answer, as her copy of the meeting carries it. */
const graceDeclines = { address: 'grace@example.com', response: 'declined' };
/** The record another mailbox's copy of the meeting is linked to. */
const sharedRecord = { recordId: 'R9', recordVersion: 5 };
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
  it('a new item in the export folder is imported only when that folder is an import folder', () => {
    const inExportFolder: ExchangeSide = { ...exUpsert(base), folderId: 'contacts' };
    // Two-way with "import from F1 only": the export folder is read for the exported items'
    // edits, but the user's own new contacts there were not chosen for import.
    expect(planPair({ exchange: inExportFolder }, settings({ importFolders: ['F1'] }))).toEqual([]);
    expect(types(planPair({ exchange: exUpsert(base) }, settings({ importFolders: ['F1'] })))).toEqual([
      'importCreate',
    ]);
    expect(
      types(planPair({ exchange: inExportFolder }, settings({ importFolders: ['F1', 'contacts'] }))),
    ).toEqual(['importCreate']);
    expect(types(planPair({ exchange: inExportFolder }, settings({ importFolders: 'all' })))).toEqual([
      'importCreate',
    ]);
  });
  it('an edit of a linked item is imported whatever the import folders', () => {
    const linked = { ...link, folderId: 'contacts' };
    const edited: ExchangeSide = { ...exUpsert({ ...base, jobTitle: 'CTO' }), folderId: 'contacts' };
    expect(types(planPair({ link: linked, exchange: edited }, settings({ importFolders: ['F1'] })))).toEqual([
      'update',
    ]);
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

describe('one record per meeting across mailboxes', () => {
  it("an attendee's new copy of a meeting already linked elsewhere is linked to that record, not imported", () => {
    for (const direction of ['import', 'two_way'] as const) {
      const actions = planPair(
        { exchange: sharedUpsert(attendeeCopy), sharedRecord },
        settings({ direction }),
      );
      expect(actions).toEqual([
        {
          type: 'linkExisting',
          folderId: 'F1',
          itemId: 'I1',
          itemVersion: 'v2',
          snapshot: base,
          shared: attendeeCopy,
          recordId: 'R9',
          recordVersion: 5,
        },
      ]);
    }
  });
  it("an organizer's copy joins from what another copy last agreed, its item taken as changed, to be planned again", () => {
    const agreed = { snapshot: { ...base, title: 'Agreed' }, recordVersion: 3 };
    const organizer = sharedUpsert(organizerCopy, { ...base, title: 'Organizer' });
    expect(planPair({ exchange: organizer, sharedRecord: { ...sharedRecord, agreed } }, settings())).toEqual([
      {
        type: 'linkExisting',
        folderId: 'F1',
        itemId: 'I1',
        itemVersion: '',
        snapshot: agreed.snapshot,
        shared: organizerCopy,
        recordId: 'R9',
        recordVersion: 3,
        reconcile: true,
      },
    ]);
    // An attendee's copy only follows: it joins the record as it is.
    expect(
      planPair(
        { exchange: sharedUpsert(attendeeCopy), sharedRecord: { ...sharedRecord, agreed } },
        settings(),
      ),
    ).toEqual([
      expect.objectContaining({ type: 'linkExisting', itemVersion: 'v2', snapshot: base, recordVersion: 5 }),
    ]);
  });
  it('the first copy seen is imported and carries its key to the link', () => {
    const [action] = planPair({ exchange: sharedUpsert(organizerCopy) }, settings());
    expect(action).toMatchObject({ type: 'importCreate', itemId: 'I1', shared: organizerCopy });
  });
  it('an item without a shared key is imported even when a record is offered', () => {
    expect(types(planPair({ exchange: exUpsert(base), sharedRecord }, settings()))).toEqual(['importCreate']);
  });
  it('no link is made where nothing is imported', () => {
    expect(
      planPair({ exchange: sharedUpsert(attendeeCopy), sharedRecord }, settings({ direction: 'export' })),
    ).toEqual([]);
  });
  it("an attendee's copy going away unlinks that mailbox only, even after a CRM edit", () => {
    for (const crm of [undefined, crmUnedited(base), crmPresent({ ...base, title: 'CEO' })]) {
      const actions = planPair(
        { link: { ...link, shared: attendeeCopy }, exchange: exDeleted, crm },
        settings(),
      );
      expect(actions).toEqual([
        {
          type: 'unlink',
          link: { ...link, shared: attendeeCopy },
          reason: "the meeting left this attendee's calendar; the record the other calendars share stays",
          side: 'exchange',
        },
      ]);
    }
  });
  it("the organizer's copy going away deletes the record, as any item's delete does", () => {
    expect(
      types(planPair({ link: { ...link, shared: organizerCopy }, exchange: exDeleted }, settings())),
    ).toEqual(['deleteRecord']);
  });
});

describe("write rights: only the organizer's copy is written", () => {
  const attendeeLink: LinkState = { ...link, shared: attendeeCopy };
  const crmEdit = crmPresent({ ...base, title: 'CEO' });

  it('a CRM edit with no organizer copy linked stays in the CRM and is reported, in every policy', () => {
    for (const conflictPolicy of POLICIES)
      for (const fieldMerge of [false, true]) {
        const actions = planPair(
          { link: attendeeLink, crm: crmEdit, organizerLinked: false },
          settings({ conflictPolicy, fieldMerge }),
        );
        expect(actions).toEqual([
          { type: 'notWritten', link: attendeeLink, fields: ['title'], why: 'attendee' },
        ]);
      }
  });
  it("a CRM edit the organizer's copy writes is not reported by the attendee's", () => {
    expect(planPair({ link: attendeeLink, crm: crmEdit, organizerLinked: true }, settings())).toEqual([]);
  });
  it('the contact-like pair with the same edit writes it to Exchange', () => {
    expect(types(planPair({ link, crm: crmEdit }, settings()))).toEqual(['update']);
  });
  it("the organizer's update reaching the copy is imported, but never over the CRM's own edit", () => {
    // The CRM edited the title earlier (the link is behind); the organizer moved the meeting.
    const copy = sharedUpsert(attendeeCopy, { ...base, phone: 'Room 2' });
    const [update] = planPair(
      { link: attendeeLink, exchange: copy, crm: crmEdit, organizerLinked: false },
      settings(),
    ).filter((a) => a.type === 'update');
    expect(update).toMatchObject({ toRecord: { phone: 'Room 2' }, agreed: { ...base, phone: 'Room 2' } });
    expect(update).not.toHaveProperty('toItem');
  });
  it('the same field edited on both sides follows the policy once, then rests', () => {
    const copy = sharedUpsert(attendeeCopy, { ...base, title: 'CTO' });
    const crmWins = planPair(
      { link: attendeeLink, exchange: copy, crm: crmEdit, organizerLinked: false },
      settings(),
    );
    expect(types(crmWins)).toEqual(['conflict', 'notWritten', 'update']);
    expect(crmWins[2]).not.toHaveProperty('toRecord');
    const exchangeWins = planPair(
      { link: attendeeLink, exchange: copy, crm: crmEdit, organizerLinked: false },
      settings({ conflictPolicy: 'exchange_wins' }),
    );
    expect(types(exchangeWins)).toEqual(['conflict', 'update']);
    expect(exchangeWins[1]).toMatchObject({ toRecord: { title: 'CTO' } });
    // Next run: the copy is as recorded; the CRM still holds its edit. Nothing but the report.
    const after = { ...attendeeLink, snapshot: { ...base, title: 'CTO' }, itemVersion: 'v2' };
    expect(
      planPair({ link: after, exchange: copy, crm: crmEdit, organizerLinked: false }, settings()),
    ).toEqual([{ type: 'notWritten', link: after, fields: ['title'], why: 'attendee' }]);
  });
  it("an attendee's answer comes back, also when the organizer's copy is linked, and nothing else does", () => {
    const answered = sharedUpsert({ ...attendeeCopy, answer: graceDeclines }, { ...base, title: 'CTO' });
    const [update] = planPair(
      { link: attendeeLink, exchange: answered, crm: crmUnedited(base), organizerLinked: true },
      settings(),
    );
    expect(update).toMatchObject({
      type: 'update',
      answer: graceDeclines,
      trailing: true,
      recordVersion: 10,
    });
    expect(update).not.toHaveProperty('toRecord');
    expect(update).not.toHaveProperty('toItem');
    // An export-only mailbox brings nothing back.
    expect(
      planPair(
        { link: attendeeLink, exchange: answered, organizerLinked: true },
        settings({ direction: 'export' }),
      )[0],
    ).not.toHaveProperty('answer');
  });
  it("an attendee's copy its organizer cancelled is never imported nor linked, in any mode", () => {
    const cancelled = { ...attendeeCopy, cancelled: true };
    for (const direction of DIRECTIONS) {
      expect(planPair({ exchange: sharedUpsert(cancelled) }, settings({ direction }))).toEqual([]);
      expect(planPair({ exchange: sharedUpsert(cancelled), sharedRecord }, settings({ direction }))).toEqual(
        [],
      );
    }
  });
  it.each(DIRECTIONS)(
    "a linked attendee's copy cancelled while no organizer's copy is synced is a delete in Exchange (%s)",
    (direction) => {
      const copy = sharedUpsert({ ...attendeeCopy, cancelled: true }, { ...base, title: 'Canceled: CTO' });
      for (const crm of [crmUnedited(base), crmEdit]) {
        const planned = types(
          planPair(
            { link: attendeeLink, exchange: copy, crm, organizerLinked: false },
            settings({ direction }),
          ),
        );
        expect(planned).toEqual(
          direction === 'off' ? [] : direction === 'export' ? ['unlink'] : ['deleteRecord'],
        );
      }
      // With the organizer's copy synced, its mailbox's run decides what the cancellation does
      // (the CRM may win and write the meeting anew): the cancelled copy only lets go.
      for (const crm of [crmUnedited(base), crmEdit])
        expect(
          planPair(
            { link: attendeeLink, exchange: copy, crm, organizerLinked: true },
            settings({ direction }),
          ),
        ).toEqual(
          direction === 'off'
            ? []
            : [
                {
                  type: 'unlink',
                  link: attendeeLink,
                  reason:
                    "cancelled by its organizer; the organizer's copy decides what becomes of the activity",
                  side: 'exchange',
                },
              ],
        );
    },
  );
  it("a record deleted in the CRM lets go of an attendee's copy; the organizer's is deleted", () => {
    // While the organizer's copy is linked, the attendee's waits for the organizer's run.
    expect(planPair({ link: attendeeLink, crm: crmDeleted, organizerLinked: true }, settings())).toEqual([]);
    expect(planPair({ link: attendeeLink, crm: crmDeleted, organizerLinked: false }, settings())).toEqual([
      {
        type: 'unlink',
        link: attendeeLink,
        reason: "deleted in the CRM; an attendee's copy of a meeting is not written, only the organizer's",
        side: 'crm',
        keepsAgreed: true,
      },
    ]);
    expect(
      types(planPair({ link: { ...link, shared: organizerCopy }, crm: crmDeleted }, settings())),
    ).toEqual(['deleteItem']);
  });
  it("an organizer's copy first seen after the CRM deleted its record is linked to it from what another copy agreed, and planned as a linked copy", () => {
    const agreed = { snapshot: base, recordVersion: 3 };
    const deletedRecord = { recordId: 'R1', agreed };
    const organizer = sharedUpsert(organizerCopy, { ...base, title: 'Organizer' });
    for (const direction of ['import', 'two_way'] as const)
      expect(
        planPair({ exchange: organizer, sharedDeleted: true, deletedRecord }, settings({ direction })),
      ).toEqual([
        {
          type: 'linkExisting',
          folderId: 'F1',
          itemId: 'I1',
          itemVersion: '',
          snapshot: base,
          shared: organizerCopy,
          recordId: 'R1',
          recordVersion: 3,
          reconcile: true,
          recordDeleted: true,
        },
      ]);
    // Nothing is linked where nothing is imported, nor for an attendee's copy, nor without what was agreed.
    expect(
      planPair(
        { exchange: organizer, sharedDeleted: true, deletedRecord },
        settings({ direction: 'export' }),
      ),
    ).toEqual([]);
    expect(
      planPair({ exchange: sharedUpsert(attendeeCopy), sharedDeleted: true, deletedRecord }, settings()),
    ).toEqual([]);
    expect(planPair({ exchange: organizer, sharedDeleted: true }, settings())).toEqual([]);
    // Planned again once linked, it is a linked organizer's copy whose record the CRM deleted.
    const joined: LinkState = { ...link, itemVersion: '', recordVersion: 3, shared: organizerCopy };
    expect(
      types(planPair({ link: joined, exchange: sharedUpsert(organizerCopy), crm: crmDeleted }, settings())),
    ).toEqual(['deleteItem']);
    expect(
      planPair(
        { link: joined, exchange: sharedUpsert(organizerCopy), crm: crmDeleted, held: ['title'] },
        settings(),
      ),
    ).toEqual([expect.objectContaining({ type: 'unlink', recordDeleted: true })]);
    expect(
      types(
        planPair(
          { link: joined, exchange: organizer, crm: crmDeleted },
          settings({ conflictPolicy: 'exchange_wins' }),
        ),
      ),
    ).toEqual(['conflict', 'importCreate']);
    expect(types(planPair({ link: joined, exchange: organizer, crm: crmDeleted }, settings()))).toEqual([
      'conflict',
      'deleteItem',
    ]);
  });
  it('on Graph, what attendees see of a meeting is not written: the CRM keeps it and it is reported', () => {
    const organizerLink = { ...link, shared: organizerCopy };
    const held = ['title'];
    const both = { ...base, title: 'CEO', name: 'Ada L.' };
    const actions = planPair({ link: organizerLink, crm: crmPresent(both), held }, settings());
    expect(types(actions)).toEqual(['notWritten', 'update']);
    expect(actions[0]).toMatchObject({ fields: ['title'], why: 'sends' });
    // The silent field goes; the link records the item as it is, so Exchange's title is no edit.
    expect(actions[1]).toMatchObject({
      toItem: { ...base, name: 'Ada L.' },
      agreed: { ...base, name: 'Ada L.' },
    });
    expect(actions[1]).not.toHaveProperty('toRecord');
    // Next run, the record unedited: nothing.
    const next = { ...organizerLink, snapshot: { ...base, name: 'Ada L.' } };
    expect(planPair({ link: next, crm: crmUnedited({ ...base, name: 'Ada L.' }), held }, settings())).toEqual(
      [],
    );
    // Deleting it would cancel it for the attendees: the link goes instead.
    expect(types(planPair({ link: organizerLink, crm: crmDeleted, held }, settings()))).toEqual(['unlink']);
    // The organizer changed it meanwhile: Exchange winning brings it back as before (the held
    // fields hold back writes, never what Exchange brings); the CRM winning lets the link go.
    const moved = sharedUpsert(organizerCopy, { ...base, title: 'CEO' });
    const brought = planPair(
      { link: organizerLink, exchange: moved, crm: crmDeleted, held },
      settings({ conflictPolicy: 'exchange_wins' }),
    );
    expect(types(brought)).toEqual(['conflict', 'importCreate']);
    expect(brought[1]).toMatchObject({ replacesLink: organizerLink, shared: organizerCopy });
    expect(
      types(
        planPair(
          { link: organizerLink, exchange: moved, crm: crmDeleted, held },
          settings({ conflictPolicy: 'crm_wins' }),
        ),
      ),
    ).toEqual(['conflict', 'unlink']);
  });
  it("on Graph, a held name ending in ':' holds every field it begins (a series' occurrences)", () => {
    // The organizer moved an occurrence, the CRM renamed the series; the CRM wins whole.
    const organizerLink = { ...link, shared: organizerCopy };
    const movedAt = 'occurrence:2026-12-14T09:00:00Z';
    const unit = { start: '2026-12-14T11:00:00Z', end: '2026-12-14T12:00:00Z' };
    const exchange = sharedUpsert(organizerCopy, { ...base, [movedAt]: unit });
    const actions = planPair(
      { link: organizerLink, exchange, crm: crmPresent({ ...base, name: 'Ada L.' }), held: ['occurrence:'] },
      settings({ conflictPolicy: 'crm_wins', fieldMerge: false }),
    );
    expect(types(actions)).toEqual(['conflict', 'notWritten', 'update']);
    expect(actions[1]).toMatchObject({ fields: [movedAt], why: 'sends' });
    // The occurrence is not put back (that would mail an update): the item keeps it, the link
    // records it; the silent field goes.
    const update = actions[2] as Extract<Action, { type: 'update' }>;
    expect(update.toItem).toEqual({ ...base, name: 'Ada L.', [movedAt]: unit });
    expect(update.agreed).toEqual({ ...base, name: 'Ada L.', [movedAt]: unit });
  });
  it("a field the record's writes never carry (keeps) holds the link's value: no CRM edit, no removal read back", () => {
    // The link records the item as created without the field (a Graph meeting without attendees).
    const written = { ...base, attendees: [] };
    const crmAttendees = [{ address: 'carl@example.com' }];
    const keeping = (snapshot: Record<string, unknown>): CrmSide => ({
      ...(crmPresent(snapshot) as Extract<CrmSide, { kind: 'present' }>),
      projection: {
        snapshot: { ...snapshot, attendees: [] },
        notExported: [{ field: 'attendees', value: crmAttendees, reason: 'not written' }],
        keeps: ['attendees'],
      },
    });
    const exported = { ...link, origin: 'export' as const, snapshot: written };
    // An Exchange edit of another field comes in alone; the CRM's value is not touched.
    const outlook = planPair(
      { link: exported, exchange: exUpsert({ ...written, title: 'CEO' }), crm: keeping(base) },
      settings(),
    );
    expect(types(outlook)).toEqual(['update']);
    expect(outlook[0]).toMatchObject({ toRecord: { title: 'CEO' }, agreed: { ...written, title: 'CEO' } });
    expect(outlook[0]).not.toHaveProperty('toItem');
    // A CRM edit of another field is written without the kept one; the value is listed as not written.
    const crm = planPair(
      { link: exported, exchange: exUpsert(written, 'v1'), crm: keeping({ ...base, title: 'CTO' }) },
      settings(),
    );
    expect(crm[0]).toMatchObject({ toItem: { ...written, title: 'CTO' }, itemHolds: written });
    expect((crm[0] as { notExported: unknown[] }).notExported).toHaveLength(1);
    // An item that holds the kept value (a meeting that came from Exchange): kept as it is, not listed.
    const held = { ...base, attendees: crmAttendees };
    const imported = planPair(
      { link: { ...link, snapshot: held }, crm: keeping({ ...base, title: 'CTO' }) },
      settings(),
    );
    expect(imported[0]).toMatchObject({ toItem: { ...held, title: 'CTO' }, notExported: [] });
    // Without keeps (the mutation that records the CRM's value), the item's read is a removal.
    const unkept = planPair(
      {
        link: { ...exported, snapshot: held },
        exchange: exUpsert({ ...written, title: 'CEO' }),
        crm: crmPresent(held, 10),
      },
      settings(),
    );
    expect(unkept[0]).toMatchObject({ toRecord: { attendees: [] } });
  });
  it("an item's change of a kept field goes to the record beside what the item held at the link", () => {
    // A Graph meeting created without attendees; the Outlook user adds Olga. The record is told
    // the item's list, and the action's link holds the item's earlier one, from which the entity's
    // patch (toPatch's `linked`) takes the change alone: the CRM's Carl is not dropped.
    const carl = { address: 'carl@example.com' };
    const olga = { address: 'olga@example.com' };
    const written = { ...base, attendees: [] };
    const exported = { ...link, origin: 'export' as const, snapshot: written };
    const keeping: CrmSide = {
      ...(crmPresent(base) as Extract<CrmSide, { kind: 'present' }>),
      projection: {
        snapshot: written,
        notExported: [{ field: 'attendees', value: [carl], reason: 'not written' }],
        keeps: ['attendees'],
      },
    };
    for (const crm of [keeping, undefined]) {
      const added = planPair(
        { link: exported, exchange: exUpsert({ ...written, attendees: [olga] }), crm },
        settings(),
      );
      expect(types(added)).toEqual(['update']);
      expect(added[0]).toMatchObject({
        link: { snapshot: written },
        toRecord: { attendees: [olga] },
        agreed: { ...written, attendees: [olga] },
      });
      expect(added[0]).not.toHaveProperty('toItem');
    }
  });
  it('a copy of a meeting whose record was deleted is not imported again', () => {
    expect(planPair({ exchange: sharedUpsert(attendeeCopy), sharedDeleted: true }, settings())).toEqual([]);
    expect(types(planPair({ exchange: exUpsert(base), sharedDeleted: true }, settings()))).toEqual([
      'importCreate',
    ]);
  });
  it('invitations: a create may send when the record allows it; an update only of a meeting exported from the CRM', () => {
    const sending: CrmSide = {
      ...(crmEdit as Extract<CrmSide, { kind: 'present' }>),
      projection: { snapshot: { ...base, title: 'CEO' }, notExported: [], sends: true },
    };
    expect(planPair({ crm: sending }, settings())[0]).toMatchObject({ type: 'exportCreate', sends: true });
    expect(planPair({ crm: crmPresent(base) }, settings())[0]).not.toHaveProperty('sends');
    expect(planPair({ link: { ...link, origin: 'export' }, crm: sending }, settings())[0]).toMatchObject({
      sends: true,
    });
    expect(planPair({ link, crm: sending }, settings())[0]).not.toHaveProperty('sends');
  });
});

describe('an occurrence its organizer cancelled stands (no write can bring it back)', () => {
  // A series whose third occurrence the organizer cancelled in Exchange; the CRM edited the
  // series (its title) meanwhile, or put the occurrence back, or moved it.
  const occ = 'occurrence:2027-03-08T09:00:00Z';
  const gone = { deleted: true };
  const moved = { start: '2027-03-08T11:00:00.000Z', end: '2027-03-08T12:00:00.000Z' };
  const series = { ...base, title: 'Weekly' };
  const organizerLink = { ...link, shared: organizerCopy, snapshot: series };
  const cancelled = { [occ]: 'the occurrence on 8 March 2027' };
  const cancelledInExchange = sharedUpsert(organizerCopy, { ...series, [occ]: gone });
  const crmEdited = crmPresent({ ...series, title: 'Weekly review' });
  const report = {
    type: 'notWritten',
    fields: [occ],
    why: 'cancelled',
    parts: ['the occurrence on 8 March 2027'],
  };

  it('the CRM winning whole keeps its other edits and takes the cancellation, reported', () => {
    const actions = planPair(
      { link: organizerLink, exchange: cancelledInExchange, crm: crmEdited, cancelled },
      settings({ conflictPolicy: 'crm_wins', fieldMerge: false }),
    );
    expect(types(actions)).toEqual(['conflict', 'notWritten', 'update']);
    expect(actions[0]).toMatchObject({ conflict: { resolution: 'crm_wins' } });
    expect(actions[1]).toMatchObject(report);
    const agreed = { ...series, title: 'Weekly review', [occ]: gone };
    expect(actions[2]).toMatchObject({
      agreed,
      toRecord: { [occ]: gone },
      toItem: agreed,
      intent: { agreed, recordFields: [occ], itemFields: ['title'] },
    });
    // The next run finds both sides agreeing: nothing to write, nothing to report.
    const next = { ...organizerLink, snapshot: agreed, itemVersion: 'v3', recordVersion: 12 };
    expect(
      planPair(
        {
          link: next,
          exchange: sharedUpsert(organizerCopy, agreed),
          crm: crmUnedited(agreed),
          cancelled,
        },
        settings(),
      ).filter((a) => a.type !== 'update' || a.toItem || a.toRecord),
    ).toEqual([]);
  });
  it('without the rule (no cancelled parts) the CRM would win whole and the occurrence never agree', () => {
    const actions = planPair(
      { link: organizerLink, exchange: cancelledInExchange, crm: crmEdited },
      settings({ conflictPolicy: 'crm_wins' }),
    );
    expect(actions.at(-1)).toMatchObject({ toItem: { ...series, title: 'Weekly review' } });
    expect(actions.at(-1)).not.toHaveProperty('toRecord');
  });
  it('the CRM winning an occurrence both edited (field merge) gives way to the cancellation', () => {
    const actions = planPair(
      {
        link: organizerLink,
        exchange: cancelledInExchange,
        crm: crmPresent({ ...series, title: 'Weekly review', [occ]: moved }),
        cancelled,
      },
      settings({ conflictPolicy: 'crm_wins', fieldMerge: true }),
    );
    expect(types(actions)).toEqual(['conflict', 'notWritten', 'update']);
    // The conflict lists what the policy decided: the occurrence it did not.
    expect(actions[0]).toMatchObject({ conflict: { fields: [], resolution: 'merged' } });
    expect(actions[1]).toMatchObject(report);
    expect(actions[2]).toMatchObject({
      agreed: { ...series, title: 'Weekly review', [occ]: gone },
      toRecord: { [occ]: gone },
    });
  });
  it('the CRM putting back an occurrence Exchange holds cancelled takes the cancellation again, reported', () => {
    const cancelledBefore = { ...organizerLink, snapshot: { ...series, [occ]: gone } };
    const actions = planPair(
      { link: cancelledBefore, crm: crmPresent({ ...series, title: 'Weekly review' }), cancelled },
      settings(),
    );
    expect(types(actions)).toEqual(['notWritten', 'update']);
    expect(actions[0]).toMatchObject(report);
    expect(actions[1]).toMatchObject({
      agreed: { ...series, title: 'Weekly review', [occ]: gone },
      toRecord: { [occ]: gone },
      toItem: { ...series, title: 'Weekly review', [occ]: gone },
    });
  });
  it.each(POLICIES)(
    'where the cancellation wins anyway (%s, the CRM not touching it) nothing is reported',
    (conflictPolicy) => {
      for (const fieldMerge of [false, true]) {
        const actions = planPair(
          { link: organizerLink, exchange: cancelledInExchange, crm: crmEdited, cancelled },
          settings({ conflictPolicy, fieldMerge }),
        );
        if (conflictPolicy === 'exchange_wins' || fieldMerge)
          expect(types(actions)).not.toContain('notWritten');
        expect(actions.at(-1)).toMatchObject({ agreed: { [occ]: gone } });
      }
      // The cancellation alone comes in as any Exchange edit.
      const alone = planPair(
        { link: organizerLink, exchange: cancelledInExchange, crm: crmUnedited(series), cancelled },
        settings({ conflictPolicy }),
      );
      expect(types(alone)).toEqual(['update']);
      expect(alone[0]).toMatchObject({ toRecord: { [occ]: gone } });
    },
  );
  it("on Graph, where a meeting's occurrences are held back, the cancellation still comes to the record", () => {
    const actions = planPair(
      {
        link: organizerLink,
        exchange: cancelledInExchange,
        crm: crmEdited,
        cancelled,
        held: ['occurrence:', 'title'],
      },
      settings({ conflictPolicy: 'crm_wins', fieldMerge: false }),
    );
    expect(types(actions)).toEqual(['conflict', 'notWritten', 'notWritten', 'update']);
    expect(actions[1]).toMatchObject({ fields: ['title'], why: 'sends' });
    expect(actions[2]).toMatchObject(report);
    // Nothing to write to the item: the title is held back, the occurrence is what it holds.
    expect(actions[3]).toMatchObject({ agreed: { ...series, [occ]: gone }, toRecord: { [occ]: gone } });
    expect(actions[3]).not.toHaveProperty('toItem');
  });
  it('one way, nothing changes: an export does not take it, an import takes it as always', () => {
    const exportOnly = planPair(
      { link: organizerLink, exchange: cancelledInExchange, crm: crmEdited, cancelled },
      settings({ direction: 'export' }),
    );
    expect(types(exportOnly)).toEqual(['update']);
    expect(exportOnly[0]).not.toHaveProperty('toRecord');
    const importOnly = planPair(
      { link: organizerLink, exchange: cancelledInExchange, crm: crmEdited, cancelled },
      settings({ direction: 'import' }),
    );
    expect(types(importOnly)).toEqual(['update']);
    expect(importOnly[0]).toMatchObject({ toRecord: { [occ]: gone } });
  });
});

describe('an update interrupted before its link was written (E6)', () => {
  // The interrupted run wrote `title: 'CTO'` to one side; the link still has the old state.
  const sent = { ...base, title: 'CTO' };
  const toItem: UpdateIntent = { agreed: sent, recordFields: [], itemFields: ['title'] };
  const toRecord: UpdateIntent = { agreed: sent, recordFields: ['title'], itemFields: [] };
  const only = (actions: Action[]) => {
    expect(types(actions)).toEqual(['update']);
    return actions[0] as Extract<Action, { type: 'update' }>;
  };
  const every = POLICIES.flatMap((conflictPolicy) =>
    [false, true].map((fieldMerge) => settings({ conflictPolicy, fieldMerge })),
  );

  it('our write found in Exchange is no Exchange edit: a later CRM edit wins, whatever the policy', () => {
    for (const s of every) {
      const update = only(
        planPair(
          {
            link: { ...link, intent: toItem },
            exchange: exUpsert(sent),
            crm: crmPresent({ ...base, title: 'CEO' }),
          },
          s,
        ),
      );
      expect(update.toItem).toEqual({ ...base, title: 'CEO' });
      expect(update).not.toHaveProperty('toRecord');
      expect(update.itemVersion).toBe('v2');
    }
  });
  it('our write found in the CRM is no CRM edit: a later edit of another field is merged', () => {
    for (const s of every) {
      const update = only(
        planPair(
          {
            link: { ...link, intent: toRecord },
            exchange: exUpsert(sent),
            crm: crmPresent({ ...sent, name: 'Ada L.' }),
          },
          s,
        ),
      );
      expect(update.agreed).toEqual({ ...sent, name: 'Ada L.' });
      expect(update.toItem).toEqual(update.agreed);
      expect(update).not.toHaveProperty('toRecord');
    }
  });
  it('both sides hold what was sent: the link is brought up to date and nothing is written', () => {
    for (const direction of ['import', 'export', 'two_way'] as const)
      for (const intent of [toItem, toRecord]) {
        const update = only(
          planPair(
            { link: { ...link, intent }, exchange: exUpsert(sent), crm: crmPresent(sent) },
            settings({ direction }),
          ),
        );
        expect(update).toMatchObject({ agreed: sent, itemVersion: 'v2' });
        expect(update).not.toHaveProperty('toItem');
        expect(update).not.toHaveProperty('toRecord');
        expect(update).not.toHaveProperty('intent');
      }
  });
  it('a write that did not land is made again', () => {
    // Exchange unchanged since the link (not read, or read at the stored version).
    for (const exchange of [undefined, exUpsert(base, 'v1')]) {
      const update = only(
        planPair({ link: { ...link, intent: toItem }, exchange, crm: crmPresent(sent) }, settings()),
      );
      expect(update.toItem).toEqual(sent);
      expect(update.intent).toEqual(toItem);
    }
    // The record was not edited by the user since: it counts as holding the link's state.
    const again = only(
      planPair(
        {
          link: { ...link, intent: toRecord },
          exchange: exUpsert(sent),
          crm: crmUnedited(sent),
        },
        settings(),
      ),
    );
    expect(again.toRecord).toEqual({ title: 'CTO' });
  });
  it.each(POLICIES)(
    'a side edited again in every field we wrote counts as not written: a conflict (%s)',
    (conflictPolicy) => {
      const actions = planPair(
        {
          link: { ...link, intent: toItem },
          exchange: exUpsert({ ...base, title: 'CFO' }),
          crm: crmPresent(sent),
        },
        settings({ conflictPolicy }),
      );
      expect(types(actions)).toEqual(['conflict', 'update']);
      expect(actions[0]).toMatchObject({ conflict: { fields: ['title'], base } });
    },
  );
  it('our write found in Exchange does not save a record deleted in the CRM', () => {
    for (const s of every)
      expect(
        types(planPair({ link: { ...link, intent: toItem }, exchange: exUpsert(sent), crm: crmDeleted }, s)),
      ).toEqual(['deleteItem']);
  });
  it('our write found in the CRM does not save an item deleted in Exchange', () => {
    for (const s of every)
      expect(
        types(
          planPair({ link: { ...link, intent: toRecord }, exchange: exDeleted, crm: crmPresent(sent) }, s),
        ),
      ).toEqual(['deleteRecord']);
  });
  it('a leftover intent is cleared even when nothing else changed', () => {
    const update = only(
      planPair({ link: { ...link, intent: { agreed: base, recordFields: [], itemFields: [] } } }, settings()),
    );
    expect(update).toMatchObject({ agreed: base, itemVersion: 'v1', recordVersion: 10 });
  });
  it('the base takes what landed, per side', () => {
    const both: UpdateIntent = {
      agreed: { ...base, title: 'CTO', name: 'Ada L.' },
      recordFields: ['title'],
      itemFields: ['name'],
    };
    const l = { ...link, intent: both };
    const record = crmPresent({ ...base, title: 'CTO' });
    expect(resumedBase(l, exUpsert(base), record)).toEqual({ ...base, title: 'CTO' });
    expect(resumedBase(l, exUpsert({ ...base, name: 'Ada L.' }), crmPresent(base))).toEqual({
      ...base,
      name: 'Ada L.',
    });
    expect(resumedBase(l, undefined, crmUnedited({ ...base, title: 'CTO' }))).toEqual(base);
    expect(resumedBase(link, exUpsert(sent), record)).toBe(base);
  });
});

describe('every combination', () => {
  const exchanges: Array<ExchangeSide | undefined> = [
    undefined,
    exUpsert(base, 'v1'),
    exUpsert(base),
    exUpsert({ ...base, title: 'CTO' }),
    exDeleted,
    sharedUpsert(attendeeCopy, { ...base, title: 'CTO' }),
    sharedUpsert({ ...attendeeCopy, answer: graceDeclines }, { ...base, phone: '+1' }),
    sharedUpsert(organizerCopy, { ...base, title: 'CTO' }),
  ];
  const crms: Array<CrmSide | undefined> = [
    undefined,
    crmPresent(base, 10),
    crmPresent({ ...base, name: 'Ada L.' }),
    crmPresent({ ...base, title: 'CEO' }),
    crmPresent({ ...base, title: 'CEO' }, 11, false),
    crmUnedited(base),
    crmDeleted,
    { kind: 'inaccessible', recordId: 'R1' },
  ];
  const cases: Array<[string, Pair, PlanSettings]> = [];
  const written = { ...base, title: 'CTO' };
  const interrupted: LinkState[] = [
    { ...link, intent: { agreed: written, recordFields: [], itemFields: ['title'] } },
    { ...link, origin: 'export', intent: { agreed: written, recordFields: ['title'], itemFields: [] } },
  ];
  const meetingLinks: LinkState[] = [
    { ...link, shared: organizerCopy },
    { ...link, shared: attendeeCopy },
  ];
  // A shared key's record matters only to an item no link holds yet.
  for (const l of [
    undefined,
    link,
    { ...link, origin: 'export' as const },
    ...interrupted,
    ...meetingLinks,
    { ...link, shared: attendeeCopy, intent: { agreed: written, recordFields: ['title'], itemFields: [] } },
  ])
    for (const e of exchanges)
      for (const c of crms)
        for (const shared of l
          ? [undefined]
          : [undefined, sharedRecord, 'deleted' as const, 'deletedAgreed' as const])
          for (const organizerLinked of l?.shared?.role === 'attendee' ? [false, true] : [undefined])
            for (const held of l?.shared?.role === 'organizer' ? [undefined, ['title']] : [undefined])
              for (const cancelled of l?.shared?.role === 'organizer'
                ? [undefined, { title: 'the cancelled title' }]
                : [undefined])
                for (const direction of DIRECTIONS)
                  for (const conflictPolicy of POLICIES)
                    for (const fieldMerge of [false, true])
                      cases.push([
                        `${l?.origin ?? 'unlinked'}${l?.intent ? '+intent' : ''}${l?.shared ? `+${l.shared.role}` : ''}${organizerLinked ? '+organizerLinked' : ''}${held ? '+held' : ''}${cancelled ? '+cancelled' : ''} ${e?.kind ?? '-'}${e?.kind === 'upsert' && e.shared ? '+shared' : ''} ${c?.kind ?? '-'}${c?.kind === 'present' && c.unedited ? '(unedited)' : ''}${shared ? ` +sharedRecord:${typeof shared === 'string' ? shared : 'R9'}` : ''} ${direction} ${conflictPolicy} ${fieldMerge}`,
                        {
                          link: l,
                          exchange: e,
                          crm: c,
                          ...(shared === 'deleted'
                            ? { sharedDeleted: true }
                            : shared === 'deletedAgreed'
                              ? {
                                  sharedDeleted: true,
                                  deletedRecord: {
                                    recordId: 'R1',
                                    agreed: { snapshot: base, recordVersion: 3 },
                                  },
                                }
                              : shared
                                ? { sharedRecord: shared }
                                : {}),
                          ...(organizerLinked !== undefined ? { organizerLinked } : {}),
                          ...(held ? { held } : {}),
                          ...(cancelled ? { cancelled } : {}),
                        },
                        settings({ direction, conflictPolicy, fieldMerge }),
                      ]);

  it(`holds the invariants in all ${cases.length} cases`, { timeout: 120_000 }, () => {
    // Our own write, found on the side it went to, is never an edit: with nothing else
    // changed, the pair only records the new state.
    for (const direction of ['import', 'export', 'two_way'] as const)
      for (const conflictPolicy of POLICIES)
        for (const fieldMerge of [false, true])
          for (const l of interrupted) {
            const s = settings({ direction, conflictPolicy, fieldMerge });
            const actions = planPair({ link: l, exchange: exUpsert(written), crm: crmPresent(written) }, s);
            expect(types(actions), `${direction} ${conflictPolicy} ${fieldMerge}`).toEqual(['update']);
            expect(actions[0]).not.toHaveProperty('toItem');
            expect(actions[0]).not.toHaveProperty('toRecord');
          }
    for (const [name, pair, s] of cases) {
      const { link: l, exchange: e, crm: c } = pair;
      const actions = planPair(pair, s);
      const kinds = types(actions);
      const ctx = `${name}: ${kinds.join(',')}`;
      if (s.direction === 'off') expect(actions, ctx).toEqual([]);
      // What no copy shares (a contact) plans exactly as if no other mailbox existed.
      const itemShared = e?.kind === 'upsert' && e.shared !== undefined;
      if (!l?.shared && !itemShared)
        expect(actions, ctx).toEqual(planPair({ link: l, exchange: e, crm: c }, s));
      // One record per shared key: a copy whose key is already linked joins that record.
      const imports = s.direction === 'import' || s.direction === 'two_way';
      const joins = !l && itemShared && pair.sharedRecord !== undefined && imports;
      if (joins) {
        expect(
          kinds.filter((k) => k === 'importCreate'),
          ctx,
        ).toEqual([]);
        expect(
          actions.find((a) => a.type === 'linkExisting'),
          ctx,
        ).toMatchObject({ recordId: 'R9', itemId: 'I1', shared: (e as { shared: SharedIdentity }).shared });
      }
      // An organizer's copy first seen after the CRM deleted its record joins that record, from
      // what another copy agreed, to be planned again as a linked copy; no other copy does.
      const joinsDeleted =
        !l &&
        e?.kind === 'upsert' &&
        e.shared?.role === 'organizer' &&
        pair.sharedDeleted === true &&
        pair.deletedRecord !== undefined &&
        imports;
      if (joinsDeleted)
        expect(actions, ctx).toContainEqual(
          expect.objectContaining({
            type: 'linkExisting',
            recordId: 'R1',
            itemVersion: '',
            reconcile: true,
            recordDeleted: true,
          }),
        );
      if (kinds.includes('linkExisting')) expect(joins || joinsDeleted, ctx).toBe(true);
      for (const a of actions)
        if (a.type === 'linkExisting' && a.recordDeleted) expect(joinsDeleted, ctx).toBe(true);
      // Only an attendee's copy letting go of a record deleted in the CRM, while no organizer's
      // copy is linked, keeps what it agreed for the organizer's copy.
      for (const a of actions)
        if (a.type === 'unlink' && a.keepsAgreed)
          expect(
            l?.shared?.role === 'attendee' && c?.kind === 'deleted' && pair.organizerLinked === false,
            ctx,
          ).toBe(true);
      // An attendee's copy never deletes the record the other copies share: going away unlinks it.
      if (l?.shared?.role === 'attendee') {
        expect(kinds, ctx).not.toContain('deleteRecord');
        if (e?.kind === 'deleted' && s.direction !== 'off' && c?.kind !== 'deleted')
          expect(kinds, ctx).toEqual(['unlink']);
      }
      // Only the organizer's copy is written: an attendee's copy is read-only, whatever the
      // direction, the policy, the CRM's edits or the copy's.
      if (l?.shared?.role === 'attendee') {
        expect(kinds, ctx).not.toContain('deleteItem');
        expect(kinds, ctx).not.toContain('exportCreate');
        expect(kinds, ctx).not.toContain('importCreate');
        for (const a of actions)
          if (a.type === 'update') {
            expect(a, ctx).not.toHaveProperty('toItem');
            // Its record version moves only with its own writes made while it was current.
            expect(a.trailing, ctx).toBe(true);
            expect(a.recordVersion, ctx).toBe(l.recordVersion);
            // With the organizer's copy linked, only the attendee's answer comes back.
            if (pair.organizerLinked) expect(a, ctx).not.toHaveProperty('toRecord');
          }
        // A CRM edit the copy did not change is never overwritten by the copy.
        const crmSnapshot = c?.kind === 'present' && !c.unedited ? c.projection.snapshot : l.snapshot;
        const copy = e?.kind === 'upsert' ? e.snapshot : l.snapshot;
        const update = actions.find((a) => a.type === 'update');
        for (const f of Object.keys(update?.type === 'update' ? (update.toRecord ?? {}) : {}))
          expect(l.snapshot[f] !== copy[f] || crmSnapshot[f] === l.snapshot[f], `${ctx} ${f}`).toBe(true);
        // The CRM edit it could not write is reported, and only when no organizer's copy writes it.
        if (kinds.includes('notWritten')) {
          expect(pair.organizerLinked, ctx).toBe(false);
          expect(s.direction === 'export' || s.direction === 'two_way', ctx).toBe(true);
        }
        // No loop: planned again once its update is recorded, the pair logs no second conflict
        // and writes nothing more.
        if (update?.type === 'update') {
          const next: LinkState = {
            ...l,
            intent: undefined,
            snapshot: update.agreed,
            itemVersion: update.itemVersion,
          };
          const again = planPair(
            {
              ...pair,
              link: next,
              exchange: e?.kind === 'upsert' ? { ...e, version: update.itemVersion } : e,
              crm:
                c?.kind === 'present' && update.toRecord
                  ? {
                      ...c,
                      projection: { ...c.projection, snapshot: { ...crmSnapshot, ...update.toRecord } },
                    }
                  : c,
            },
            s,
          );
          expect(
            types(again).filter((k) => k !== 'notWritten'),
            ctx,
          ).toEqual([]);
        }
      }
      for (const a of actions)
        if (a.type === 'notWritten')
          expect(
            a.why === 'attendee'
              ? l?.shared?.role === 'attendee'
              : a.why === 'sends'
                ? pair.held !== undefined
                : pair.cancelled !== undefined,
            ctx,
          ).toBe(true);
      // What Exchange holds cancelled stands in two-way sync, whatever the policy: the pair agrees
      // on it, it is never written over, and where the CRM's value gave way the run says so.
      if (pair.cancelled && l && s.direction === 'two_way') {
        const holds = e?.kind === 'upsert' && e.version !== l.itemVersion ? e.snapshot : l.snapshot;
        for (const a of actions)
          if (a.type === 'update')
            for (const f of Object.keys(pair.cancelled)) {
              expect(a.agreed[f], `${ctx} ${f}`).toEqual(holds[f]);
              if (a.toItem) expect(a.toItem[f], `${ctx} ${f}`).toEqual(a.itemHolds?.[f]);
            }
      }
      // What would mail the attendees (Graph) is never written, nor the item deleted.
      if (pair.held) {
        expect(kinds, ctx).not.toContain('deleteItem');
        for (const a of actions)
          if (a.type === 'update' && a.toItem)
            for (const f of pair.held) expect(a.toItem[f], `${ctx} ${f}`).toEqual(a.itemHolds?.[f]);
      }
      // A copy of a meeting whose record was deleted is never imported again.
      if (!l && itemShared && pair.sharedDeleted) expect(kinds, ctx).not.toContain('importCreate');
      // Writes only go where the direction allows.
      for (const a of actions) {
        if (a.type === 'importCreate' || a.type === 'deleteRecord' || a.type === 'linkExisting')
          expect(s.direction === 'import' || s.direction === 'two_way', ctx).toBe(true);
        if (a.type === 'exportCreate' || a.type === 'deleteItem')
          expect(s.direction === 'export' || s.direction === 'two_way', ctx).toBe(true);
        if (a.type === 'update') {
          if (a.toRecord) expect(s.direction === 'import' || s.direction === 'two_way', ctx).toBe(true);
          if (a.toItem) expect(s.direction === 'export' || s.direction === 'two_way', ctx).toBe(true);
        }
      }
      // At most one write action per pair, plus at most one logged conflict and one report.
      const writes = kinds.filter((k) => k !== 'conflict' && k !== 'notWritten');
      expect(writes.length, ctx).toBeLessThanOrEqual(l ? 1 : 2);
      for (const why of ['attendee', 'sends', 'cancelled'])
        expect(
          actions.filter((a) => a.type === 'notWritten' && a.why === why).length,
          ctx,
        ).toBeLessThanOrEqual(1);
      expect(kinds.filter((k) => k === 'conflict').length, ctx).toBeLessThanOrEqual(1);
      if (kinds.includes('conflict')) expect(s.direction, ctx).toBe('two_way');
      // Leaving the filter or losing access never deletes.
      if (c?.kind === 'inaccessible' && l && s.direction !== 'off')
        // An attendee's copy stays linked, writing nothing (its leftover intent cleared).
        expect(kinds, ctx).toEqual(
          l.shared?.role !== 'attendee' || e?.kind === 'deleted' ? ['unlink'] : l.intent ? ['update'] : [],
        );
      // A linked pair never creates without replacing its link.
      for (const a of actions)
        if (l && (a.type === 'importCreate' || a.type === 'exportCreate'))
          expect(a.replacesLink?.id, ctx).toBe(l.id);
      // Every action on a pair names its own link.
      for (const a of actions) if (l && 'link' in a) expect(a.link.id, ctx).toBe(l.id);
      // A leftover intent never outlives the run: the link is rewritten, marked or dropped.
      if (l?.intent && s.direction !== 'off') expect(writes.length, ctx).toBe(1);
      // An update that writes carries the intent to store first, naming what it writes.
      for (const a of actions)
        if (a.type === 'update') {
          expect(a.intent !== undefined, ctx).toBe(a.toItem !== undefined || a.toRecord !== undefined);
          if (a.intent) {
            expect(a.intent.agreed, ctx).toEqual(a.agreed);
            expect(a.intent.recordFields, ctx).toEqual(Object.keys(a.toRecord ?? {}).sort());
          }
        }
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

describe('what the actions say', () => {
  const unlinkOf = (actions: Action[]) => {
    expect(types(actions)).toEqual(['unlink']);
    return actions[0] as Extract<Action, { type: 'unlink' }>;
  };

  it('each unlink names the side it keeps apart and why, in words', () => {
    const lost = unlinkOf(planPair({ link, crm: { kind: 'inaccessible', recordId: 'R1' } }, settings()));
    expect([lost.side, lost.reason]).toEqual(['crm', 'the mailbox user can no longer see the record']);
    const exported = { ...link, origin: 'export' as const };
    const left = unlinkOf(planPair({ link: exported, crm: crmPresent(base, 11, false) }, settings()));
    expect([left.side, left.reason]).toEqual(['crm', 'the record left the export filter']);
    const exGone = unlinkOf(planPair({ link, exchange: exDeleted }, settings({ direction: 'export' })));
    expect([exGone.side, exGone.reason]).toEqual([
      'exchange',
      'deleted in Exchange; deletes flow only from the CRM',
    ]);
    const crmGone = unlinkOf(planPair({ link, crm: crmDeleted }, settings({ direction: 'import' })));
    expect([crmGone.side, crmGone.reason]).toEqual([
      'crm',
      'deleted in the CRM; deletes flow only from Exchange',
    ]);
  });

  it.each(POLICIES)('a delete meeting an edit logs the whole story (%s)', (conflictPolicy) => {
    const edited = { ...base, title: 'CTO' };
    const s = settings({ conflictPolicy });
    const [fromCrm] = planPair({ link, exchange: exDeleted, crm: crmPresent(edited) }, s);
    expect(fromCrm).toEqual({
      type: 'conflict',
      link,
      conflict: { fields: [], base, crm: edited, exchange: null, resolution: conflictPolicy },
    });
    const [fromExchange] = planPair({ link, exchange: exUpsert(edited), crm: crmDeleted }, s);
    expect(fromExchange).toEqual({
      type: 'conflict',
      link,
      conflict: { fields: [], base, crm: null, exchange: edited, resolution: conflictPolicy },
    });
  });

  it('an update carries what the record could not export', () => {
    const notExported = [{ field: 'emails', value: 'four@example.test', reason: 'Exchange holds three' }];
    const crm: CrmSide = {
      kind: 'present',
      recordId: 'R1',
      version: 11,
      projection: { snapshot: { ...base, title: 'CTO' }, notExported },
      inScope: true,
    };
    const [update] = planPair({ link, crm }, settings());
    expect(update).toEqual(expect.objectContaining({ type: 'update', notExported }));
  });

  it('field merge keeps the fields neither side edited', () => {
    const actions = planPair(
      {
        link,
        exchange: exUpsert({ ...base, phone: '+49 30 1' }),
        crm: crmPresent({ ...base, title: 'CTO' }),
      },
      settings({ fieldMerge: true }),
    );
    const update = actions.find((a) => a.type === 'update') as Extract<Action, { type: 'update' }>;
    expect(update.agreed).toEqual({ name: 'Ada', title: 'CTO', phone: '+49 30 1' });
  });

  it('import mode: a CRM-only edit stays put and moves nothing', () => {
    const crm = crmPresent({ ...base, title: 'CTO' }, 10);
    expect(planPair({ link, crm }, settings({ direction: 'import' }))).toEqual([]);
  });

  it('import mode: an Exchange edit the record already holds is not written again', () => {
    const actions = planPair(
      {
        link,
        exchange: exUpsert({ ...base, title: 'CTO', name: 'Ada L.' }),
        crm: crmPresent({ ...base, title: 'CTO' }),
      },
      settings({ direction: 'import' }),
    );
    const update = actions[0] as Extract<Action, { type: 'update' }>;
    expect(update.toRecord).toEqual({ name: 'Ada L.' });
  });

  it('an interrupted write counts as landed when any field it wrote holds what was sent', () => {
    const intent: UpdateIntent = {
      agreed: { ...base, title: 'CTO', name: 'Ada L.' },
      recordFields: [],
      itemFields: ['title', 'name'],
    };
    // The item holds the title sent, but the user has since renamed it: the write landed.
    const item = exUpsert({ ...base, title: 'CTO', name: 'Ada King' });
    expect(resumedBase({ ...link, intent }, item, crmPresent(base, 10))).toEqual(intent.agreed);
  });

  it('similarity counts only the fields either side fills', () => {
    const a = { name: 'x', title: 'y', n1: null, n2: null };
    expect(similarity(a, { name: 'x', title: 'z', n1: null, n2: null })).toBe(0.5);
    expect(similarity({ name: 'x', title: 'y' }, { name: 'x', title: null })).toBe(0.5);
    expect(similarity({ n: null }, { n: null })).toBe(1);
  });
});
