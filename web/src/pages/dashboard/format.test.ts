// A conflict names and links the record of its entity: a contact's page for contacts, the
// activity page for meetings and tasks.
import { describe, expect, it } from 'vitest';
import type { SyncDashboardConflict } from '../../types.ts';
import { conflictRecordHref, conflictTitle } from './format.ts';

function conflict(fields: Partial<SyncDashboardConflict>): SyncDashboardConflict {
  return {
    id: 'c1',
    mailboxId: 'm1',
    address: 'ada@example.test',
    entity: 'contacts',
    runId: 'r1',
    recordId: 'rec1',
    itemId: 'i1',
    fields: ['location'],
    base: null,
    crm: null,
    exchange: null,
    resolution: 'merged',
    policy: 'crm_wins',
    at: '2026-12-07T12:00:00Z',
    userResolution: null,
    resolvedAt: null,
    ...fields,
  };
}

describe('a conflict of each entity', () => {
  it('links a contact to its page and a meeting or task to its activity page', () => {
    expect(conflictRecordHref(conflict({}))).toBe('/contacts/rec1');
    expect(conflictRecordHref(conflict({ entity: 'meetings' }))).toBe('/activities/rec1');
    expect(conflictRecordHref(conflict({ entity: 'tasks' }))).toBe('/activities/rec1');
    expect(conflictRecordHref(conflict({ entity: 'tasks', recordId: null }))).toBeNull();
  });

  it("is titled by a contact's name or an activity's subject", () => {
    expect(conflictTitle(conflict({ crm: { givenName: 'Ada', familyName: 'Lovelace' } }))).toBe(
      'Ada Lovelace',
    );
    expect(conflictTitle(conflict({ entity: 'meetings', crm: { subject: 'Budget review' } }))).toBe(
      'Budget review',
    );
    expect(conflictTitle(conflict({ entity: 'tasks', crm: null, exchange: null }))).toBe('A task');
  });
});
