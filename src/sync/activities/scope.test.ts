import { describe, expect, it } from 'vitest';
import type { NeutralTask } from '../../connectors/types.ts';
import {
  activityScopeKey,
  beforeImportStart,
  calendarWindowFrom,
  inActivityExport,
  isMeetingActivity,
  ownedByUser,
  ownerNeedsExchangeName,
  ownTaskFolder,
} from './scope.ts';

const from = { importFrom: '2026-03-01' };
const meeting = (start: string, end: string, recurrence: unknown = null) => ({
  kind: 'meeting',
  start,
  end,
  recurrence,
});
const weekly = (range: object) => ({
  pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'], firstDayOfWeek: 'sunday' },
  range: { startDate: '2025-01-06', ...range },
});

describe('the import start date (C5)', () => {
  it('leaves alone a meeting that ended before the day, and takes one ending on or after it', () => {
    expect(beforeImportStart(meeting('2026-02-27T09:00:00.000Z', '2026-02-27T10:00:00.000Z'), from)).toBe(
      true,
    );
    expect(beforeImportStart(meeting('2026-02-28T23:30:00.000Z', '2026-03-01T00:30:00.000Z'), from)).toBe(
      false,
    );
    expect(beforeImportStart(meeting('2026-03-02T09:00:00.000Z', '2026-03-02T10:00:00.000Z'), from)).toBe(
      false,
    );
    // All-day meetings end (exclusively) on a date.
    expect(beforeImportStart({ ...meeting('2026-02-28', '2026-03-01'), allDay: true }, from)).toBe(true);
    expect(beforeImportStart({ ...meeting('2026-02-28', '2026-03-02'), allDay: true }, from)).toBe(false);
    // No start date: nothing is older.
    expect(
      beforeImportStart(meeting('2001-01-01T09:00:00.000Z', '2001-01-01T10:00:00.000Z'), {
        importFrom: null,
      }),
    ).toBe(false);
  });

  it('imports a series begun earlier while it has occurrences after the day', () => {
    const old = '2025-01-06T09:00:00.000Z';
    const oldEnd = '2025-01-06T10:00:00.000Z';
    expect(beforeImportStart(meeting(old, oldEnd, weekly({ type: 'noEnd' })), from)).toBe(false);
    expect(
      beforeImportStart(meeting(old, oldEnd, weekly({ type: 'endDate', endDate: '2026-06-01' })), from),
    ).toBe(false);
    expect(
      beforeImportStart(meeting(old, oldEnd, weekly({ type: 'endDate', endDate: '2025-12-01' })), from),
    ).toBe(true);
    // 10 Mondays from 2025-01-06 end on 2025-03-10; 70 run into 2026-05.
    expect(
      beforeImportStart(meeting(old, oldEnd, weekly({ type: 'numbered', numberOfOccurrences: 10 })), from),
    ).toBe(true);
    expect(
      beforeImportStart(meeting(old, oldEnd, weekly({ type: 'numbered', numberOfOccurrences: 70 })), from),
    ).toBe(false);
  });

  it('imports every task still to do, and leaves alone tasks completed before the day', () => {
    const task = (over: object) => ({
      kind: 'task',
      status: 'notStarted',
      start: null,
      due: null,
      completedAt: null,
      ...over,
    });
    expect(beforeImportStart(task({ due: '2020-01-01' }), from)).toBe(false);
    expect(
      beforeImportStart(task({ status: 'completed', completedAt: '2026-02-10T10:00:00.000Z' }), from),
    ).toBe(true);
    expect(
      beforeImportStart(task({ status: 'completed', completedAt: '2026-03-01T10:00:00.000Z' }), from),
    ).toBe(false);
    expect(beforeImportStart(task({ status: 'completed', due: '2026-02-10' }), from)).toBe(true);
    expect(beforeImportStart(task({ status: 'completed' }), from)).toBe(false);
  });

  it('opens the Graph calendar window on the day, or on a fixed early day with none', () => {
    expect(calendarWindowFrom(from)).toBe('2026-03-01T00:00:00.000Z');
    expect(calendarWindowFrom({ importFrom: null })).toBe('2000-01-01T00:00:00.000Z');
  });
});

describe('whose tasks are imported (C2)', () => {
  const task = (owner?: string): NeutralTask => ({
    subject: 't',
    status: 'notStarted',
    importance: 'normal',
    categories: [],
    ...(owner === undefined ? {} : { owner }),
  });
  const names = { ownerNames: ['Ada Lovelace', 'ada@example.test'], exchangeOwnerName: null };
  it("takes the user's own tasks (EWS Owner) and a task naming no owner, not someone else's", () => {
    expect(ownedByUser(task(), names)).toBe(true);
    expect(ownedByUser(task(''), names)).toBe(true);
    expect(ownedByUser(task('ada lovelace '), names)).toBe(true);
    expect(ownedByUser(task('Grace Hopper'), names)).toBe(false);
  });
  it('goes by the name Exchange knows the mailbox owner by when the CRM calls the user otherwise', () => {
    // The CRM user is "Alex Admin"; Exchange names the mailbox's owner, and so its tasks, "Ada Lovelace".
    const options = { ownerNames: ['Alex Admin', 'ada@example.test'], exchangeOwnerName: 'Ada Lovelace' };
    expect(ownedByUser(task('Ada Lovelace'), options)).toBe(true);
    expect(ownedByUser(task(' ada lovelace'), options)).toBe(true);
    expect(ownedByUser(task('ada@example.test'), options)).toBe(true);
    expect(ownedByUser(task(), options)).toBe(true);
    expect(ownedByUser(task('Grace Hopper'), options)).toBe(false);
    // The CRM's name is another person's Exchange name: that person's tasks stay theirs.
    expect(ownedByUser(task('Alex Admin'), options)).toBe(false);
    // Exchange did not say: the CRM's names are all there is.
    expect(ownedByUser(task('Alex Admin'), { ...options, exchangeOwnerName: null })).toBe(true);
    expect(ownedByUser(task('Ada Lovelace'), { ...options, exchangeOwnerName: null })).toBe(false);
  });
  it("asks Exchange for the owner's name only for an EWS task naming an owner other than by the address", () => {
    const ews = { protocol: 'ews' as const, ownerNames: ['Alex Admin', 'ada@example.test'] };
    expect(ownerNeedsExchangeName(task(), ews)).toBe(false);
    expect(ownerNeedsExchangeName(task(' '), ews)).toBe(false);
    expect(ownerNeedsExchangeName(task('ADA@example.test'), ews)).toBe(false);
    expect(ownerNeedsExchangeName(task('Ada Lovelace'), ews)).toBe(true);
    // The CRM's name may be another person's Exchange name: it settles nothing.
    expect(ownerNeedsExchangeName(task('Alex Admin'), ews)).toBe(true);
    expect(ownerNeedsExchangeName(task('Ada Lovelace'), { ...ews, protocol: 'graph' })).toBe(false);
  });
  it('reads no To Do list that someone else shared with the user (Graph)', () => {
    expect(ownTaskFolder({ id: 'l1', name: 'Tasks', kind: 'tasks', children: [] })).toBe(true);
    expect(ownTaskFolder({ id: 'l2', name: 'Team', kind: 'tasks', sharedWithMe: true, children: [] })).toBe(
      false,
    );
  });
});

describe('what is exported, and as what (C3, C4)', () => {
  it('sends activities shown in the calendar as meetings and all others as tasks', () => {
    expect(isMeetingActivity({ showInCalendar: true, startsAt: '2026-03-02T09:00:00.000Z' })).toBe(true);
    expect(isMeetingActivity({ showInCalendar: false, startsAt: '2026-03-02T09:00:00.000Z' })).toBe(false);
    // A calendar activity with no start cannot be an Exchange meeting: it goes as a task.
    expect(isMeetingActivity({ showInCalendar: true, startsAt: null })).toBe(false);
  });
  it('exports all activities, or only those in chosen groups, and tagged ones always', () => {
    const groups = { all: false as const, groupIds: ['g1', 'g2'] };
    expect(inActivityExport({ groupIds: [] }, { all: true }, false)).toBe(true);
    expect(inActivityExport({ groupIds: ['g2'] }, groups, false)).toBe(true);
    expect(inActivityExport({ groupIds: ['g3'] }, groups, false)).toBe(false);
    expect(inActivityExport({ groupIds: [] }, groups, true)).toBe(true);
  });
  it('sees a new scope when the groups or the start date change, not when their order does', () => {
    const key = (groupIds: string[], importFrom: string | null) =>
      activityScopeKey({ export: { all: false, groupIds }, importFrom });
    expect(key(['a', 'b'], null)).toBe(key(['b', 'a'], null));
    expect(key(['a'], null)).not.toBe(key(['a', 'b'], null));
    expect(key(['a'], null)).not.toBe(key(['a'], '2026-03-01'));
  });
});
