// Table shapes as Kysely sees them. The same schema runs on SQLite and PostgreSQL, so column
// types are the common ground: ids are text (UUIDv7, time-ordered), instants are ISO 8601 text
// in UTC, flags read back as 0/1 on SQLite and true/false on PostgreSQL (see `flag()`), and
// multi-valued fields are JSON text. docs/decisions.md explains why.
import type { Generated } from 'kysely';

export type Flag = boolean | number;
export type Json = string;

export interface UsersTable {
  id: string;
  email: string;
  display_name: string;
  password_hash: string | null;
  active: Flag;
  time_zone: string;
  /** The web UI's language (LOCALES); null follows the browser. */
  locale: string | null;
  created_at: string;
  updated_at: string;
}

export interface RolesTable {
  id: string;
  name: string;
  /** JSON array of system operation codes, e.g. ["CanManageAdministration"]. */
  operations: Json;
  created_at: string;
}

export interface UserRolesTable {
  user_id: string;
  role_id: string;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  /** SHA-256 of the token; the token itself is shown once and never stored. */
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
}

export interface SessionsTable {
  /** SHA-256 of the session cookie value. */
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

export interface SharesTable {
  record_type: string;
  record_id: string;
  principal_type: 'user' | 'role';
  principal_id: string;
  level: 'read' | 'edit';
}

export interface AccountsTable {
  id: string;
  owner_id: string;
  name: string;
  /** Lower-cased, trimmed, inner spaces collapsed: what company-name matching compares. */
  name_key: string;
  website: string | null;
  phone: string | null;
  industry: string | null;
  address: Json | null;
  notes: string | null;
  created_at: string;
  updated_at: string;
  /** Journal version of the last change (0 before the first). */
  version: number;
}

export interface ContactsTable {
  id: string;
  owner_id: string;
  type: 'employee' | 'customer' | 'other';
  account_id: string | null;
  company_name: string | null;
  name_prefix: string | null;
  given_name: string | null;
  middle_name: string | null;
  family_name: string | null;
  name_suffix: string | null;
  display_name: string;
  nickname: string | null;
  job_title: string | null;
  department: string | null;
  birthday: string | null;
  notes: string | null;
  emails: Json;
  phones: Json;
  addresses: Json;
  websites: Json;
  categories: Json;
  created_at: string;
  updated_at: string;
  /** Journal version of the last change (0 before the first). */
  version: number;
}

export interface LeadsTable {
  id: string;
  owner_id: string;
  given_name: string | null;
  family_name: string | null;
  display_name: string;
  company_name: string | null;
  job_title: string | null;
  emails: Json;
  phones: Json;
  status: 'new' | 'contacted' | 'qualified' | 'disqualified' | 'converted';
  source: string | null;
  notes: string | null;
  created_at: string;
  updated_at: string;
  /** Journal version of the last change (0 before the first). */
  version: number;
}

export interface DealsTable {
  id: string;
  owner_id: string;
  name: string;
  account_id: string | null;
  contact_id: string | null;
  amount: number | null;
  currency: string | null;
  stage: 'prospecting' | 'qualification' | 'proposal' | 'negotiation' | 'won' | 'lost';
  close_date: string | null;
  notes: string | null;
  created_at: string;
  updated_at: string;
  /** Journal version of the last change (0 before the first). */
  version: number;
}

export interface ActivitiesTable {
  id: string;
  owner_id: string;
  kind: 'meeting' | 'task';
  show_in_calendar: Flag;
  subject: string;
  starts_at: string | null;
  ends_at: string | null;
  time_zone: string;
  all_day: Flag;
  location: string | null;
  body: string | null;
  body_type: 'text' | 'html';
  status: 'planned' | 'in_progress' | 'completed' | 'cancelled' | 'waiting' | 'deferred';
  priority: 'low' | 'normal' | 'high';
  reminder_minutes: number | null;
  percent_complete: number | null;
  completed_at: string | null;
  show_as: 'free' | 'tentative' | 'busy' | 'oof' | 'working_elsewhere';
  online_meeting_url: string | null;
  categories: Json;
  /** JSON recurrence (RFC 5545 rule parts, modified and deleted occurrences) or null. */
  recurrence: Json | null;
  created_at: string;
  updated_at: string;
  /** Journal version of the last change (0 before the first). */
  version: number;
}

export interface ActivityParticipantsTable {
  activity_id: string;
  position: number;
  participant_type: 'user' | 'contact' | 'lead' | 'email';
  participant_id: string | null;
  email: string | null;
  name: string | null;
  role: 'organizer' | 'required' | 'optional' | 'resource';
  response: 'none' | 'accepted' | 'tentative' | 'declined';
}

export interface EmailsTable {
  id: string;
  owner_id: string;
  message_id: string;
  from_address: Json | null;
  to_addresses: Json;
  cc_addresses: Json;
  subject: string;
  html_body: string | null;
  text_body: string | null;
  sent_at: string | null;
  received_at: string | null;
  created_at: string;
  updated_at: string;
  /** Journal version of the last change (0 before the first). */
  version: number;
}

export interface EmailLinksTable {
  email_id: string;
  record_type: 'contact' | 'account' | 'lead' | 'deal';
  record_id: string;
}

export interface GroupsTable {
  id: string;
  owner_id: string;
  /** Which records it groups. */
  kind: 'contact' | 'activity';
  name: string;
  created_at: string;
  updated_at: string;
  /** Journal version of the last change (0 before the first). */
  version: number;
}

export interface GroupMembersTable {
  group_id: string;
  record_id: string;
}

/** Every address a record carries, for "who has this email address" look-ups. */
export interface EmailIndexTable {
  record_type: 'user' | 'contact' | 'lead';
  record_id: string;
  address: string;
}

/** The change journal: one row per write to a record that can sync. */
export interface ChangesTable {
  version: number;
  record_type: string;
  record_id: string;
  operation: 'create' | 'update' | 'delete';
  /** JSON array of the API field names written. */
  fields: Json;
  actor_user_id: string | null;
  /** Set when the write came from the sync of this mailbox. */
  actor_mailbox_id: string | null;
  at: string;
}

/** One row holding the last journal version handed out. */
export interface JournalHeadTable {
  id: Generated<number>;
  version: number;
}

export type MailServiceType = 'exchange' | 'microsoft365';
export type MailAuthMethod = 'basic' | 'ntlm' | 'oauth' | 'oauth_delegated' | 'app_only';
export type LoginFormat = 'manual' | 'email' | 'mailbox';
export type AccessMode = 'individual' | 'organisation';
export type MailboxStatus = 'pending' | 'active' | 'needs_sign_in' | 'disconnected' | 'failing';

/** A mail service (SPEC A1). `*_enc` columns hold SecretBox envelopes, never plain text. */
export interface MailServicesTable {
  id: string;
  type: MailServiceType;
  name: string;
  /** Host or full EWS URL (exchange); Graph base URL (microsoft365). */
  service_address: string;
  /** The EWS URL in use, resolved from service_address. */
  ews_url: string | null;
  /** OAuth authority host (default https://login.microsoftonline.com). */
  authority_url: string | null;
  load_emails: Flag;
  send_emails: Flag;
  login_format: LoginFormat;
  auth_method: MailAuthMethod;
  client_id: string | null;
  client_secret_enc: string | null;
  tenant: string | null;
  /** JSON array of lower-case domains. */
  domains: Json;
  /** Null until the first mailbox or organisation connect; then locked (A5). */
  access_mode: AccessMode | null;
  service_login: string | null;
  service_secret_enc: string | null;
  /** PEM certificates trusted for this service in addition to the system's. */
  ca_bundle: string | null;
  allow_private_addresses: Flag;
  created_at: string;
  updated_at: string;
}

export interface MailboxesTable {
  id: string;
  user_id: string;
  service_id: string | null;
  address: string;
  login: string | null;
  access_mode: AccessMode;
  secret_enc: string | null;
  /** Encrypted MSAL token cache (delegated OAuth). */
  token_cache_enc: string | null;
  status: MailboxStatus;
  throttled_until: string | null;
  failing_since: string | null;
  last_error_code: string | null;
  last_error_message: string | null;
  last_tested_at: string | null;
  connected_at: string | null;
  disconnected_at: string | null;
  created_at: string;
  updated_at: string;
}

/** An OAuth consent in progress; the row is the single-use `state`. */
export interface OauthSignInsTable {
  /** SHA-256 of the state sent to the identity platform. */
  state_hash: string;
  mailbox_id: string;
  user_id: string;
  verifier_enc: string;
  return_to: string | null;
  created_at: string;
  expires_at: string;
}

export interface OrganisationUsersTable {
  service_id: string;
  user_id: string;
  created_at: string;
}

/** Sync position and run lease of one mailbox and entity (src/sync/store/states.ts). */
export interface SyncStatesTable {
  mailbox_id: string;
  entity: string;
  /** JSON: folder id → Exchange cursor. */
  cursors: Json;
  journal_version: number | null;
  full_pass_since: number | null;
  scope_hash: string | null;
  lease_owner: string | null;
  lease_until: string | null;
  held: string | null;
  hold_decision: string | null;
  updated_at: string;
  /** A queued run waiting since (see migration 0008); null when none waits. */
  requested_at: string | null;
  requested_trigger: string | null;
  /** JSON: the entity's folders as last listed (see migration 0014); null when none are kept. */
  folders: Json | null;
  folders_listed_at: string | null;
}

/** A CRM record tied to an Exchange item of one mailbox (SPEC E6). */
export interface SyncLinksTable {
  id: string;
  mailbox_id: string;
  entity: string;
  record_id: string | null;
  folder_id: string;
  item_id: string | null;
  item_version: string | null;
  record_version: number | null;
  state: 'linked' | 'export_pending' | 'import_pending';
  origin: 'import' | 'export';
  snapshot: Json;
  fingerprint: string | null;
  intent_journal_version: number | null;
  intent_position: number | null;
  delete_mark: 'exchange' | 'crm' | null;
  not_exported: Json;
  /** JSON of an update begun but not yet recorded (see migration 0006). */
  update_intent: Json | null;
  created_at: string;
  updated_at: string;
  /**
   * The listing mark of the read of a run that last listed the item or, before a read from
   * scratch lists it, that read's "awaiting listing" mark (see migrations 0005 and 0011).
   */
  listing_mark: string | null;
  /** The key an item shares with its copies in other mailboxes (see migration 0012). */
  shared_key: string | null;
  /** Whose copy the link's item is: the meeting organizer's or an attendee's. */
  shared_role: 'organizer' | 'attendee' | null;
}

/**
 * The record a shared key (a meeting's) stands for, claimed once across mailboxes (see
 * migration 0013). `record_id` is null while the claiming import creates it; a row whose record
 * no longer exists is a tombstone.
 */
export interface SyncSharedRecordsTable {
  entity: string;
  shared_key: string;
  record_id: string | null;
  /** The import intent holding the claim while the record is made. */
  link_id: string | null;
  claimed_at: string;
  /**
   * JSON `{ snapshot, recordVersion }`: what an attendee's copy last agreed with the record when
   * it let go of it, deleted in the CRM with no organizer's copy linked (migration 0015).
   */
  agreed: string | null;
}

/** One sync run (SPEC E7). */
export interface SyncRunsTable {
  id: string;
  mailbox_id: string;
  entity: string;
  trigger: string;
  status: 'running' | 'succeeded' | 'failed' | 'held' | 'abandoned';
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  counts: Json;
  conflicts: number;
  skipped: Json;
  errors: Json;
  exchange_requests: number | null;
}

/** An item changed on both sides since the last sync, with both versions (SPEC E2). */
export interface SyncConflictsTable {
  id: string;
  mailbox_id: string;
  entity: string;
  run_id: string;
  record_id: string | null;
  item_id: string | null;
  fields: Json;
  base: Json | null;
  crm_version: Json | null;
  exchange_version: Json | null;
  resolution: string;
  at: string;
  /** What a user did about it: use_other_value or acknowledged; null while open. */
  user_resolution: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
}

/** "Sync with this mailbox": exports the record whatever the filter says (B3). */
export interface SyncTagsTable {
  mailbox_id: string;
  entity: string;
  record_id: string;
  created_at: string;
}

/** A mailbox's settings for one entity, as JSON (SPEC E1). */
export interface MailboxSyncSettingsTable {
  mailbox_id: string;
  entity: string;
  settings: Json;
  updated_at: string;
  updated_by: string | null;
}

/** The organisation's sync policy, set by administrators (see migration 0008). */
export interface SyncPolicyTable {
  id: string;
  settings: Json;
  updated_at: string;
  updated_by: string | null;
}

export interface Database {
  users: UsersTable;
  roles: RolesTable;
  user_roles: UserRolesTable;
  api_tokens: ApiTokensTable;
  sessions: SessionsTable;
  shares: SharesTable;
  accounts: AccountsTable;
  contacts: ContactsTable;
  leads: LeadsTable;
  deals: DealsTable;
  activities: ActivitiesTable;
  activity_participants: ActivityParticipantsTable;
  emails: EmailsTable;
  email_links: EmailLinksTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  email_index: EmailIndexTable;
  changes: ChangesTable;
  journal_head: JournalHeadTable;
  mail_services: MailServicesTable;
  mailboxes: MailboxesTable;
  oauth_sign_ins: OauthSignInsTable;
  organisation_users: OrganisationUsersTable;
  sync_states: SyncStatesTable;
  sync_links: SyncLinksTable;
  sync_shared_records: SyncSharedRecordsTable;
  sync_runs: SyncRunsTable;
  sync_conflicts: SyncConflictsTable;
  sync_tags: SyncTagsTable;
  mailbox_sync_settings: MailboxSyncSettingsTable;
  sync_policy: SyncPolicyTable;
}
