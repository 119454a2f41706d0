import { describe, expect, it } from 'vitest';
import { DEFAULT_MEETING_SYNC, DEFAULT_TASK_SYNC } from '../../../../src/mailbox-sync/settings.ts';
import { activityChanges, activityDirty, activityProblems, toActivityDraft } from './activities-draft.ts';

const saved = { meetings: DEFAULT_MEETING_SYNC, tasks: DEFAULT_TASK_SYNC };

describe('the Meetings and tasks form', () => {
  it('sends nothing for the settings as stored', () => {
    const draft = toActivityDraft(saved);
    expect(activityChanges(draft, saved)).toEqual({});
    expect(activityDirty(draft, saved)).toBe(false);
  });

  it('writes the shared choices (groups, start date, schedule) to both blocks, and each import to its own', () => {
    const draft = {
      ...toActivityDraft(saved),
      tasksOn: false,
      exportAll: false,
      groupIds: ['g1'],
      importFrom: '2026-03-01',
      autoSync: true,
    };
    const changes = activityChanges(draft, saved);
    const shared = { export: { all: false, groupIds: ['g1'] }, importFrom: '2026-03-01', autoSync: true };
    expect(changes.meetings).toEqual(shared);
    expect(changes.tasks).toEqual({ ...shared, direction: 'export' });
    expect(activityDirty(draft, saved)).toBe(true);
  });

  it('never sends the invitation stamp, which is the server’s', () => {
    const on = {
      ...saved,
      meetings: {
        ...DEFAULT_MEETING_SYNC,
        sendInvitations: true,
        sendInvitationsSince: '2026-05-01T10:00:00.000Z',
      },
    };
    expect(activityChanges({ ...toActivityDraft(on), sendInvitations: false }, on)).toEqual({
      meetings: { sendInvitations: false },
    });
  });

  it('asks for a calendar, a list or a group when "chosen" has none, and for a real date', () => {
    const text = (p: string) => p;
    const draft = { ...toActivityDraft(saved), calendarsAll: false, listsAll: false, exportAll: false };
    expect(Object.keys(activityProblems(draft, text)).sort()).toEqual(['calendars', 'export', 'lists']);
    // Nothing chosen for an import that is off, or an export that is off, is no problem.
    expect(activityProblems({ ...draft, meetingsOn: false, tasksOn: false, exportOn: false }, text)).toEqual(
      {},
    );
    expect(activityProblems({ ...toActivityDraft(saved), importFrom: '1 March' }, text)).toEqual({
      importFrom: 'date',
    });
  });
});
