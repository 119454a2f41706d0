import type { CountryCode } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import { syncPolicySchema } from './policy.ts';
import {
  activityEngineSettings,
  contactEngineSettings,
  DEFAULT_CONTACT_SYNC,
  DEFAULT_MEETING_SYNC,
  DEFAULT_SETTINGS,
  DEFAULT_TASK_SYNC,
  engineSettings,
  meetingSyncSettingsSchema,
  SYNC_ENTITIES,
  stampInvitations,
  syncSettingsSchema,
  syncSettingsUpdateSchema,
  taskSyncSettingsSchema,
} from './settings.ts';

describe('the phone country the engine reads numbers with', () => {
  it("is the mailbox's when it sets one, else the organisation's, else none", () => {
    const country = (mailbox: CountryCode | null, organisation: CountryCode | null) =>
      contactEngineSettings({ ...DEFAULT_CONTACT_SYNC, defaultCountry: mailbox }, 1, organisation).options
        .defaultCountry;
    // Nobody set one: a number without country code is never given a guessed prefix.
    expect(DEFAULT_CONTACT_SYNC.defaultCountry).toBeNull();
    expect(country(null, null)).toBeNull();
    expect(country(null, 'GB')).toBe('GB');
    expect(country('IE', 'GB')).toBe('IE');
  });

  it('is set for the organisation by an ISO code in the sync policy', () => {
    expect(syncPolicySchema.parse({ massDeleteShare: 0.2, phoneCountry: 'gb' }).phoneCountry).toBe('GB');
    expect(syncPolicySchema.safeParse({ massDeleteShare: 0.2, phoneCountry: 'XQ' }).success).toBe(false);
  });
});

describe('meetings and tasks settings (C1–C5)', () => {
  it('default to two-way with automatic sync, invitations and a start date all off', () => {
    expect(DEFAULT_SETTINGS.meetings).toMatchObject({
      direction: 'two_way',
      conflictPolicy: 'exchange_wins',
      importFolders: 'all',
      export: { all: true },
      importFrom: null,
      autoSync: false,
      sendInvitations: false,
      sendInvitationsSince: null,
    });
    expect(DEFAULT_SETTINGS.tasks).toMatchObject({
      direction: 'two_way',
      conflictPolicy: 'crm_wins',
      importFolders: 'all',
      export: { all: true },
      importFrom: null,
      autoSync: false,
    });
    expect(syncSettingsSchema.parse(DEFAULT_SETTINGS)).toEqual(DEFAULT_SETTINGS);
    expect(SYNC_ENTITIES).toEqual(['contacts', 'meetings', 'tasks']);
  });

  it('accept chosen calendars, chosen groups and a start date, and refuse what is not one', () => {
    const meetings = (over: object) =>
      meetingSyncSettingsSchema.safeParse({ ...DEFAULT_MEETING_SYNC, ...over });
    const tasks = (over: object) => taskSyncSettingsSchema.safeParse({ ...DEFAULT_TASK_SYNC, ...over });
    expect(meetings({ importFolders: ['cal-1'], export: { all: false, groupIds: ['g1'] } }).success).toBe(
      true,
    );
    expect(meetings({ importFrom: '2026-01-31' }).success).toBe(true);
    expect(meetings({ importFrom: '2026-02-30' }).success).toBe(false);
    expect(meetings({ importFrom: '31.01.2026' }).success).toBe(false);
    // Chosen groups means at least one group: none would export nothing, which is "direction: import".
    expect(meetings({ export: { all: false, groupIds: [] } }).success).toBe(false);
    expect(meetings({ export: { all: false, types: ['customer'], groupIds: ['g'] } }).success).toBe(false);
    expect(tasks({ sendInvitations: true }).success).toBe(false);
    expect(tasks({ importFolders: [] }).success).toBe(false);
    // A contacts-only update, as clients sent before activities existed, is still valid.
    expect(syncSettingsUpdateSchema.safeParse({ contacts: { direction: 'import' } }).success).toBe(true);
    expect(syncSettingsUpdateSchema.safeParse({ meetings: { importFrom: null } }).success).toBe(true);
  });

  it('stamp the invitation setting when it is switched on, keep the stamp while on, clear it when off', () => {
    const t0 = new Date('2026-05-01T10:00:00Z');
    const t1 = new Date('2026-06-01T10:00:00Z');
    const off = { sendInvitations: false, sendInvitationsSince: null };
    expect(stampInvitations(off, false, t0)).toBeNull();
    expect(stampInvitations(off, true, t0)).toBe('2026-05-01T10:00:00.000Z');
    const on = { sendInvitations: true, sendInvitationsSince: '2026-05-01T10:00:00.000Z' };
    expect(stampInvitations(on, true, t1)).toBe('2026-05-01T10:00:00.000Z');
    expect(stampInvitations(on, false, t1)).toBeNull();
  });

  it('turn into engine settings with the scope options the entities read', () => {
    const s = engineSettings(
      {
        ...DEFAULT_SETTINGS,
        meetings: {
          ...DEFAULT_MEETING_SYNC,
          importFolders: ['cal-1'],
          export: { all: false, groupIds: ['g1'] },
          importFrom: '2026-03-01',
          massDeleteShare: 0.5,
          sendInvitations: true,
          sendInvitationsSince: '2026-05-01T10:00:00.000Z',
        },
        tasks: { ...DEFAULT_TASK_SYNC, direction: 'import', exportFolder: 'list-2' },
      },
      { massDeleteShare: 0.3, phoneCountry: null },
      { names: ['ada@example.test', 'Ada Lovelace'] },
    );
    expect(s.meetings).toMatchObject({
      direction: 'two_way',
      conflictPolicy: 'exchange_wins',
      importFolders: ['cal-1'],
      massDelete: { share: 0.3, minimum: 5 },
      options: {
        importFrom: '2026-03-01',
        export: { all: false, groupIds: ['g1'] },
        ownerNames: ['ada@example.test', 'Ada Lovelace'],
        sendInvitationsSince: '2026-05-01T10:00:00.000Z',
      },
    });
    expect(s.tasks).toMatchObject({
      direction: 'import',
      exportFolder: 'list-2',
      options: { importFrom: null, export: { all: true }, sendInvitationsSince: null },
    });
    // The stamp alone does not switch invitations on.
    const off = activityEngineSettings({
      ...DEFAULT_MEETING_SYNC,
      sendInvitationsSince: '2026-05-01T10:00:00.000Z',
    });
    expect(off.options.sendInvitationsSince).toBeNull();
    // Contacts read exactly what they read before.
    expect(s.contacts).toEqual(contactEngineSettings(DEFAULT_CONTACT_SYNC, 0.3, null));
  });
});
