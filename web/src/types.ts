// Shapes of the REST API's answers. They are the server's own zod schemas, imported for their
// types only (nothing of the server is bundled), so a change on the server that the UI does
// not follow fails the type check.
import type { z } from 'zod';
import type { Account } from '../../src/crm/accounts.ts';
import type { Activity } from '../../src/crm/activities.ts';
import type { Contact } from '../../src/crm/contacts.ts';
import type { Deal } from '../../src/crm/deals.ts';
import type { Group } from '../../src/crm/groups.ts';
import type { Lead } from '../../src/crm/leads.ts';
import type { User } from '../../src/crm/users.ts';
import type { meSchema } from '../../src/http/routes/auth.ts';
import type { importSummarySchema } from '../../src/http/routes/csv.ts';
import type {
  activitySchema,
  activityStatusSchema,
  conflictSchema,
  dashboardConflictSchema,
  dashboardHoldSchema,
  entityCountsSchema,
  holdSchema,
  runSchema,
  runsPerEntitySchema,
  statusSchema,
} from '../../src/http/routes/sync.ts';
import type { ContactSyncSettings, SyncSettingsView } from '../../src/mailbox-sync/settings.ts';
import type {
  Detection,
  FolderTree,
  Mailbox,
  MailService,
  MailServiceCreate,
  MailServiceUpdate,
  organisationUsersSchema,
  testResultSchema,
} from '../../src/mailboxes/schemas.ts';

export type {
  Account,
  Activity,
  Contact,
  ContactSyncSettings,
  Deal,
  Detection,
  FolderTree,
  Group,
  Lead,
  Mailbox,
  MailService,
  MailServiceCreate,
  MailServiceUpdate,
  SyncSettingsView,
  User,
};
export type Me = z.output<typeof meSchema>;
export type SyncRun = z.output<typeof runSchema>;
export type SyncRunsPerEntity = z.output<typeof runsPerEntitySchema>;
export type SyncConflict = z.output<typeof conflictSchema>;
export type SyncHold = z.output<typeof holdSchema>;
export type ContactSyncStatus = z.output<typeof statusSchema>;
export type ActivitySyncStatus = z.output<typeof activityStatusSchema>;
export type OrganisationUsers = z.output<typeof organisationUsersSchema>;
export type ConnectionTest = z.output<typeof testResultSchema>;
export type ContactImportSummary = z.output<typeof importSummarySchema>;
export type SyncActivity = z.output<typeof activitySchema>;
export type SyncDashboardConflict = z.output<typeof dashboardConflictSchema>;
export type SyncDashboardHold = z.output<typeof dashboardHoldSchema>;
export type SyncEntityCounts = z.output<typeof entityCountsSchema>;
