// A mailbox's sync settings as users see and edit them (SPEC B1, B3, B4, E1–E3, E5): one block
// per entity (contacts now; meetings, tasks and emails add theirs), validated with zod, with
// defaults for a mailbox nobody configured yet, and turned into what the engine reads.
import { type CountryCode, isSupportedCountry } from 'libphonenumber-js';
import { z } from 'zod';
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

/**
 * Contacts default to two-way with "CRM wins" and field merge: the CRM is where customer data
 * is curated, and merging keeps a user's Outlook edits to other fields. Automatic sync stays
 * off until someone configures the mailbox.
 */
export const DEFAULT_CONTACT_SYNC: ContactSyncSettings = {
  direction: 'two_way',
  conflictPolicy: 'crm_wins',
  fieldMerge: true,
  importFolders: 'all',
  exportFolder: null,
  massDeleteShare: 0.2,
  autoSync: false,
  intervalMinutes: 15,
  export: { all: true },
  syncNotes: true,
  defaultCountry: null,
  importType: { categories: {}, folders: {}, default: 'other' },
};

/** A partial update: missing fields keep their stored (or default) value. */
export const syncSettingsUpdateSchema = z
  .strictObject({
    contacts: contactSyncSettingsSchema.partial().optional(),
  })
  .meta({ id: 'MailboxSyncSettingsUpdate' });

export const syncSettingsSchema = z
  .strictObject({
    contacts: contactSyncSettingsSchema,
  })
  .meta({ id: 'MailboxSyncSettings' });

export type SyncSettingsView = z.output<typeof syncSettingsSchema>;
export type SyncSettingsUpdate = z.output<typeof syncSettingsUpdateSchema>;

export const SYNC_ENTITIES = ['contacts'] as const;
export type SyncEntity = (typeof SYNC_ENTITIES)[number];

export const DEFAULT_SETTINGS: SyncSettingsView = { contacts: DEFAULT_CONTACT_SYNC };

/** Fewer deletes than this never trip the mass-delete guard, whatever the share. */
const MASS_DELETE_MINIMUM = 5;

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
