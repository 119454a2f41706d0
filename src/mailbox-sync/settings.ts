// A mailbox's sync settings as users see and edit them (SPEC B1, B3, B4, C1–C5, E1–E3, E5): one
// block per entity (contacts, meetings, tasks; emails will add theirs), validated with zod, with
// defaults for a mailbox nobody configured yet, and turned into what the engine reads.
import { type CountryCode, isSupportedCountry } from 'libphonenumber-js';
import { z } from 'zod';
import type { ActivitySyncOptions } from '../sync/activities/scope.ts';
import type { ContactSyncOptions } from '../sync/contacts/mapping.ts';
import type { EntitySyncSettings } from '../sync/types.ts';

const folderId = z.string().trim().min(1).max(1024);

/** What every entity's block has: direction, conflicts, folders, guard and schedule. */
const commonShape = {
  direction: z
    .enum(['off', 'import', 'export', 'two_way'])
    .meta({ description: 'off, import only (Exchange → CRM), export only (CRM → Exchange) or two-way.' }),
  conflictPolicy: z
    .enum(['crm_wins', 'exchange_wins'])
    .meta({ description: 'Which side wins fields edited on both sides since the last sync.' }),
  fieldMerge: z
    .boolean()
    .meta({ description: 'Keep both sides’ edits to different fields; the policy decides only the rest.' }),
  importFolders: z
    .union([z.literal('all'), z.array(folderId).min(1).max(200)])
    .meta({ description: '`all` folders of the kind, or folder ids from GET /mailboxes/{id}/folders.' }),
  exportFolder: folderId
    .nullable()
    .meta({ description: 'Where exported records go; null for the mailbox’s default folder.' }),
  massDeleteShare: z.number().min(0).max(1).meta({
    description:
      'A run that would delete more than this share of the linked items waits for an administrator.',
  }),
  autoSync: z.boolean().meta({ description: 'Sync automatically at the interval.' }),
  intervalMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
};

const contactTypes = z.enum(['employee', 'customer', 'other']);

/** An ISO 3166 alpha-2 code libphonenumber knows, upper-cased. */
export const countryCodeSchema = z
  .string()
  .length(2)
  .transform((c) => c.toUpperCase())
  .refine((c) => isSupportedCountry(c), {
    message: 'must be an ISO 3166 alpha-2 country code, such as DE, GB or US',
  });

export const contactExportFilterSchema = z
  .union([
    z.strictObject({ all: z.literal(true) }),
    z.strictObject({
      all: z.literal(false),
      types: z.array(contactTypes).max(3),
      groupIds: z.array(z.string().min(1).max(200)).max(500),
    }),
  ])
  .meta({
    id: 'ContactExportFilter',
    description:
      'Every contact the user has access to, or only these categories and/or contact groups. Contacts tagged for the mailbox are exported whatever the filter says.',
  });

const categoryName = z.string().trim().min(1).max(256);

export const contactImportTypeSchema = z
  .strictObject({
    categories: z.record(categoryName, contactTypes).meta({
      description:
        'Exchange category → type; the first of a contact’s categories named here decides (any case).',
    }),
    folders: z.record(folderId, contactTypes).meta({
      description:
        'Folder id (from GET /mailboxes/{id}/folders; `contacts` for the default folder) → type, for contacts with no mapped category.',
    }),
    default: contactTypes.meta({ description: 'The type of every other imported contact.' }),
  })
  .meta({
    id: 'ContactImportType',
    description:
      'Which type a contact imported from Exchange gets: by its categories, then by its folder, else the default. Applied when a contact is first imported.',
  });

export const contactSyncSettingsSchema = z
  .strictObject({
    ...commonShape,
    export: contactExportFilterSchema,
    syncNotes: z.boolean().meta({ description: 'Sync the notes field both ways.' }),
    importType: contactImportTypeSchema,
    defaultCountry: countryCodeSchema.nullable().meta({
      description:
        'Country for phone numbers written without a country code when the contact’s address names none; null: the organisation’s (GET /sync/policy), and with none set there such numbers go to Exchange as entered and are listed on the contact.',
    }),
  })
  .meta({ id: 'ContactSyncSettings' });

export type ContactSyncSettings = z.output<typeof contactSyncSettingsSchema>;

/** The settings every entity's block has. */
type CommonSyncSettings = Pick<
  ContactSyncSettings,
  | 'direction'
  | 'conflictPolicy'
  | 'fieldMerge'
  | 'importFolders'
  | 'exportFolder'
  | 'massDeleteShare'
  | 'autoSync'
  | 'intervalMinutes'
>;

type SharedSyncSettings = CommonSyncSettings & { export: { all: true } };

/** What the defaults of contacts, meetings and tasks share (each gets objects of its own). */
function sharedDefaults(): SharedSyncSettings {
  return {
    direction: 'two_way',
    conflictPolicy: 'crm_wins',
    fieldMerge: true,
    importFolders: 'all',
    exportFolder: null,
    massDeleteShare: 0.2,
    autoSync: false,
    intervalMinutes: 15,
    export: { all: true },
  };
}

/**
 * Contacts default to two-way with "CRM wins" and field merge: the CRM is where customer data
 * is curated, and merging keeps a user's Outlook edits to other fields. Automatic sync stays
 * off until someone configures the mailbox.
 */
export const DEFAULT_CONTACT_SYNC: ContactSyncSettings = {
  ...sharedDefaults(),
  syncNotes: true,
  defaultCountry: null,
  importType: { categories: {}, folders: {}, default: 'other' },
};

export const activityExportFilterSchema = z
  .union([
    z.strictObject({ all: z.literal(true) }),
    z.strictObject({
      all: z.literal(false),
      groupIds: z.array(z.string().min(1).max(200)).min(1).max(500),
    }),
  ])
  .meta({
    id: 'ActivityExportFilter',
    description:
      'Every activity the user has access to, or only activities in these activity groups (C3). Activities tagged for the mailbox are exported whatever the filter says.',
  });

/** What the meetings and tasks blocks share beyond the common shape. */
const activityShape = {
  ...commonShape,
  export: activityExportFilterSchema,
  importFrom: z.iso.date().nullable().meta({
    description:
      'Import activities starting from this day (YYYY-MM-DD, UTC): meetings that ended and tasks completed before it are left alone on both sides, never imported, exported or deleted; a series with occurrences on or after it is synced whole. Null: no start date.',
  }),
};

export const meetingSyncSettingsSchema = z
  .strictObject({
    ...activityShape,
    sendInvitations: z.boolean().meta({
      description:
        'Microsoft 365 (Graph) mailboxes only: let Exchange send invitations for meetings created in the CRM after this was switched on and starting in the future. Off: the sync writes no attendees on Graph, so Exchange mails no one. EWS never sends (SendToNone).',
    }),
    sendInvitationsSince: z.iso.datetime().nullable().meta({
      description:
        'When sendInvitations was last switched on; null while it is off. Set by the server: a value sent is ignored.',
    }),
  })
  .meta({
    id: 'MeetingSyncSettings',
    description:
      'Meetings: calendars to import from (`all` or ids from GET /mailboxes/{id}/folders?kind=calendar; `calendar` for the default one). CRM activities shown in the calendar are exported as meetings (C4).',
  });

export const taskSyncSettingsSchema = z.strictObject({ ...activityShape }).meta({
  id: 'TaskSyncSettings',
  description:
    'Tasks: task folders (EWS) or To Do lists (Graph) to import from (`all` or ids from GET /mailboxes/{id}/folders?kind=tasks; `tasks` for the default one); only the mailbox user’s own tasks are imported. CRM activities not shown in the calendar are exported as tasks (C4).',
});

export type MeetingSyncSettings = z.output<typeof meetingSyncSettingsSchema>;
export type TaskSyncSettings = z.output<typeof taskSyncSettingsSchema>;

/**
 * Meetings and tasks default to two-way, like contacts, with automatic sync off: nothing moves
 * until someone asks ("Sync now") or switches automatic sync on, and then the calendar works as
 * users expect of a CRM connected to Exchange. Meetings: "Exchange wins", as a meeting is
 * arranged in the organizer's calendar and its attendees get changes only from there. Tasks:
 * "CRM wins", as for contacts. No start date: everything is imported. Invitations off (docs/decisions.md).
 */
export const DEFAULT_MEETING_SYNC: MeetingSyncSettings = {
  ...sharedDefaults(),
  conflictPolicy: 'exchange_wins',
  importFrom: null,
  sendInvitations: false,
  sendInvitationsSince: null,
};

export const DEFAULT_TASK_SYNC: TaskSyncSettings = {
  ...sharedDefaults(),
  importFrom: null,
};

/** A partial update: missing fields keep their stored (or default) value. */
export const syncSettingsUpdateSchema = z
  .strictObject({
    contacts: contactSyncSettingsSchema.partial().optional(),
    meetings: meetingSyncSettingsSchema.partial().optional(),
    tasks: taskSyncSettingsSchema.partial().optional(),
  })
  .meta({ id: 'MailboxSyncSettingsUpdate' });

export const syncSettingsSchema = z
  .strictObject({
    contacts: contactSyncSettingsSchema,
    meetings: meetingSyncSettingsSchema,
    tasks: taskSyncSettingsSchema,
  })
  .meta({ id: 'MailboxSyncSettings' });

export type SyncSettingsView = z.output<typeof syncSettingsSchema>;
export type SyncSettingsUpdate = z.output<typeof syncSettingsUpdateSchema>;

export const SYNC_ENTITIES = ['contacts', 'meetings', 'tasks'] as const;
export type SyncEntity = (typeof SYNC_ENTITIES)[number];

export const DEFAULT_SETTINGS: SyncSettingsView = {
  contacts: DEFAULT_CONTACT_SYNC,
  meetings: DEFAULT_MEETING_SYNC,
  tasks: DEFAULT_TASK_SYNC,
};

/**
 * The invitation setting's time: stamped when it is switched on, kept while it stays on, cleared
 * when it is switched off. A value a client sends is never taken.
 */
export function stampInvitations(
  before: Pick<MeetingSyncSettings, 'sendInvitations' | 'sendInvitationsSince'>,
  sendInvitations: boolean,
  now: Date,
): string | null {
  if (!sendInvitations) return null;
  return before.sendInvitations && before.sendInvitationsSince
    ? before.sendInvitationsSince
    : now.toISOString();
}

/** Fewer deletes than this never trip the mass-delete guard, whatever the share. */
const MASS_DELETE_MINIMUM = 5;

/** What the engine reads of any entity's block. */
function commonEngineSettings(
  s: CommonSyncSettings,
  maxMassDeleteShare: number,
): Omit<EntitySyncSettings, 'options'> {
  return {
    direction: s.direction,
    conflictPolicy: s.conflictPolicy,
    fieldMerge: s.fieldMerge,
    importFolders: s.importFolders === 'all' ? 'all' : [...s.importFolders],
    ...(s.exportFolder ? { exportFolder: s.exportFolder } : {}),
    massDelete: { share: Math.min(s.massDeleteShare, maxMassDeleteShare), minimum: MASS_DELETE_MINIMUM },
    autoSync: s.autoSync,
    intervalMinutes: s.intervalMinutes,
  };
}

/** Who the mailbox's user is, for deciding which tasks are theirs (C2). */
export interface MailboxOwner {
  /** The user's display name and the mailbox address: names an EWS task `Owner` may carry. */
  names: string[];
}

/**
 * What the engine reads for meetings or tasks (C1–C5). The attendee address index stays empty:
 * the meetings entity's import hooks link attendees to CRM records by a lookup of each batch's
 * addresses (C8).
 */
export function activityEngineSettings(
  s: MeetingSyncSettings | TaskSyncSettings,
  maxMassDeleteShare = 1,
  owner: MailboxOwner = { names: [] },
): EntitySyncSettings<ActivitySyncOptions> {
  return {
    ...commonEngineSettings(s, maxMassDeleteShare),
    options: {
      protocol: 'ews',
      addresses: new Map(),
      importFrom: s.importFrom,
      export: s.export.all ? { all: true } : { all: false, groupIds: [...s.export.groupIds] },
      ownerNames: [...owner.names],
      // Read from the mailbox when a tasks run begins (tasksEntity.withMailbox).
      exchangeOwnerName: null,
      sendInvitationsSince:
        'sendInvitations' in s && s.sendInvitations ? (s.sendInvitationsSince ?? null) : null,
    },
  };
}

/** Every entity's engine settings for a mailbox. */
export function engineSettings(
  view: SyncSettingsView,
  policy: { massDeleteShare: number; phoneCountry: string | null } = {
    massDeleteShare: 1,
    phoneCountry: null,
  },
  owner?: MailboxOwner,
): Record<SyncEntity, EntitySyncSettings> {
  return {
    contacts: contactEngineSettings(view.contacts, policy.massDeleteShare, policy.phoneCountry),
    meetings: activityEngineSettings(view.meetings, policy.massDeleteShare, owner),
    tasks: activityEngineSettings(view.tasks, policy.massDeleteShare, owner),
  };
}

/**
 * What the engine reads for contacts. `maxMassDeleteShare` is the organisation's limit: the
 * lower of it and the mailbox's own share applies.
 */
export function contactEngineSettings(
  s: ContactSyncSettings,
  maxMassDeleteShare = 1,
  organisationCountry: string | null = null,
): EntitySyncSettings<ContactSyncOptions> {
  return {
    direction: s.direction,
    conflictPolicy: s.conflictPolicy,
    fieldMerge: s.fieldMerge,
    importFolders: s.importFolders,
    ...(s.exportFolder ? { exportFolder: s.exportFolder } : {}),
    massDelete: { share: Math.min(s.massDeleteShare, maxMassDeleteShare), minimum: MASS_DELETE_MINIMUM },
    autoSync: s.autoSync,
    intervalMinutes: s.intervalMinutes,
    options: {
      export: s.export.all
        ? { all: true }
        : { all: false, types: [...s.export.types], groupIds: [...s.export.groupIds] },
      syncNotes: s.syncNotes,
      importType: {
        categories: { ...s.importType.categories },
        folders: { ...s.importType.folders },
        default: s.importType.default,
      },
      defaultCountry: (s.defaultCountry ?? organisationCountry) as CountryCode | null,
    },
  };
}
