import { describe, expect, it } from 'vitest';
import { type ActivityLinkFacts, activitySyncStatus } from './sync-status.ts';

const link = (over: Partial<ActivityLinkFacts>): ActivityLinkFacts => ({
  mailboxId: 'm-ada',
  address: 'ada@example.test',
  entity: 'meetings',
  role: 'organizer',
  linked: true,
  recordVersion: 5,
  itemId: 'item-1',
  folderId: 'calendar',
  updatedAt: '2031-03-01T10:00:00.000Z',
  mailboxSyncs: true,
  visible: true,
  ...over,
});
const ada = link({});
const grace = link({
  mailboxId: 'm-grace',
  address: 'grace@example.test',
  role: 'attendee',
  itemId: 'item-2',
});

describe('activitySyncStatus', () => {
  it('lists the organizer copy first and the attendee copy as read-only', () => {
    expect(activitySyncStatus(5, [grace, ada])).toEqual([
      expect.objectContaining({ mailboxId: 'm-ada', role: 'organizer', readOnly: false, notWritten: null }),
      expect.objectContaining({ mailboxId: 'm-grace', role: 'attendee', readOnly: true, notWritten: null }),
    ]);
  });

  it('reports CRM edits not written when only attendee copies are linked', () => {
    const [entry] = activitySyncStatus(7, [grace]);
    expect(entry.notWritten).toEqual({ reason: 'grace@example.test is an attendee, not the organizer' });
  });

  it('reports nothing when the attendee link agreed with the current version', () => {
    expect(activitySyncStatus(5, [grace])[0].notWritten).toBeNull();
    expect(activitySyncStatus(5, [{ ...grace, recordVersion: null }])[0].notWritten).toBeNull();
  });

  it('lets an organizer link in a mailbox the viewer cannot see carry the edit', () => {
    const entries = activitySyncStatus(7, [{ ...ada, visible: false }, grace]);
    expect(entries.map((e) => [e.mailboxId, e.notWritten])).toEqual([['m-grace', null]]);
  });

  it('does not count an organizer link that is no copy yet or whose mailbox no longer syncs', () => {
    for (const organizer of [
      { ...ada, linked: false },
      { ...ada, mailboxSyncs: false },
    ]) {
      const entries = activitySyncStatus(7, [organizer, grace]);
      expect(entries.find((e) => e.mailboxId === 'm-grace')?.notWritten).not.toBeNull();
    }
    // An intent is not listed as a copy at all.
    expect(activitySyncStatus(7, [{ ...ada, linked: false }]).map((e) => e.mailboxId)).toEqual([]);
  });

  it('never reports an organizer copy or a task as not written', () => {
    const task = link({ entity: 'tasks', role: null, recordVersion: 1 });
    expect(activitySyncStatus(7, [{ ...ada, recordVersion: 1 }, task])).toEqual([
      expect.objectContaining({ role: 'organizer', notWritten: null }),
      expect.objectContaining({ role: null, readOnly: false, notWritten: null }),
    ]);
  });
});
