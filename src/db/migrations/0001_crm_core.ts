// The CRM core: users and access, the records that sync, and the change journal.
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
type AnyDb = Kysely<any>;

// biome-ignore lint/suspicious/noExplicitAny: column builders of any table
const timestamps = <T extends { addColumn: (name: string, type: 'text', build: (c: any) => any) => T }>(
  t: T,
) =>
  t.addColumn('created_at', 'text', (c) => c.notNull()).addColumn('updated_at', 'text', (c) => c.notNull());

// Records that sync carry the journal version of their last change, so optimistic concurrency
// (`ifVersion`) and "has this changed since I last synced it" need no journal look-up.
// biome-ignore lint/suspicious/noExplicitAny: column builders of any table
const journalVersion = <T extends { addColumn: (name: string, type: 'bigint', build: (c: any) => any) => T }>(
  t: T,
) => t.addColumn('version', 'bigint', (c) => c.notNull().defaultTo(0));

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('UTC'))
    .$call(timestamps)
    .execute();

  await db.schema
    .createTable('roles')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('operations', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('user_roles')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role_id', 'text', (c) => c.notNull().references('roles.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('user_roles_pk', ['user_id', 'role_id'])
    .execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('expires_at', 'text')
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('shares')
    .addColumn('record_type', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('principal_type', 'text', (c) => c.notNull())
    .addColumn('principal_id', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('shares_pk', ['record_type', 'record_id', 'principal_type', 'principal_id'])
    .execute();
  await db.schema
    .createIndex('shares_principal')
    .on('shares')
    .columns(['principal_type', 'principal_id', 'record_type'])
    .execute();

  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('website', 'text')
    .addColumn('phone', 'text')
    .addColumn('industry', 'text')
    .addColumn('address', 'text')
    .addColumn('notes', 'text')
    .$call(timestamps)
    .$call(journalVersion)
    .execute();
  await db.schema.createIndex('accounts_name_key').on('accounts').column('name_key').execute();
  await db.schema.createIndex('accounts_owner').on('accounts').column('owner_id').execute();

  await db.schema
    .createTable('contacts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('type', 'text', (c) => c.notNull().defaultTo('customer'))
    .addColumn('account_id', 'text', (c) => c.references('accounts.id').onDelete('set null'))
    .addColumn('company_name', 'text')
    .addColumn('name_prefix', 'text')
    .addColumn('given_name', 'text')
    .addColumn('middle_name', 'text')
    .addColumn('family_name', 'text')
    .addColumn('name_suffix', 'text')
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('nickname', 'text')
    .addColumn('job_title', 'text')
    .addColumn('department', 'text')
    .addColumn('birthday', 'text')
    .addColumn('notes', 'text')
    .addColumn('emails', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('phones', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('addresses', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('websites', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('categories', 'text', (c) => c.notNull().defaultTo('[]'))
    .$call(timestamps)
    .$call(journalVersion)
    .execute();
  await db.schema.createIndex('contacts_owner').on('contacts').column('owner_id').execute();
  await db.schema.createIndex('contacts_account').on('contacts').column('account_id').execute();

  await db.schema
    .createTable('leads')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('given_name', 'text')
    .addColumn('family_name', 'text')
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('company_name', 'text')
    .addColumn('job_title', 'text')
    .addColumn('emails', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('phones', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('new'))
    .addColumn('source', 'text')
    .addColumn('notes', 'text')
    .$call(timestamps)
    .$call(journalVersion)
    .execute();
  await db.schema.createIndex('leads_owner').on('leads').column('owner_id').execute();

  await db.schema
    .createTable('deals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.references('accounts.id').onDelete('set null'))
    .addColumn('contact_id', 'text', (c) => c.references('contacts.id').onDelete('set null'))
    .addColumn('amount', 'double precision')
    .addColumn('currency', 'text')
    .addColumn('stage', 'text', (c) => c.notNull().defaultTo('prospecting'))
    .addColumn('close_date', 'text')
    .addColumn('notes', 'text')
    .$call(timestamps)
    .$call(journalVersion)
    .execute();
  await db.schema.createIndex('deals_owner').on('deals').column('owner_id').execute();

  await db.schema
    .createTable('activities')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('show_in_calendar', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'text')
    .addColumn('ends_at', 'text')
    .addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('UTC'))
    .addColumn('all_day', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('location', 'text')
    .addColumn('body', 'text')
    .addColumn('body_type', 'text', (c) => c.notNull().defaultTo('text'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('planned'))
    .addColumn('priority', 'text', (c) => c.notNull().defaultTo('normal'))
    .addColumn('reminder_minutes', 'integer')
    .addColumn('percent_complete', 'integer')
    .addColumn('completed_at', 'text')
    .addColumn('show_as', 'text', (c) => c.notNull().defaultTo('busy'))
    .addColumn('online_meeting_url', 'text')
    .addColumn('categories', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('recurrence', 'text')
    .$call(timestamps)
    .$call(journalVersion)
    .execute();
  await db.schema.createIndex('activities_owner').on('activities').column('owner_id').execute();
  await db.schema.createIndex('activities_starts').on('activities').column('starts_at').execute();

  await db.schema
    .createTable('activity_participants')
    .addColumn('activity_id', 'text', (c) => c.notNull().references('activities.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('participant_type', 'text', (c) => c.notNull())
    .addColumn('participant_id', 'text')
    .addColumn('email', 'text')
    .addColumn('name', 'text')
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('response', 'text', (c) => c.notNull().defaultTo('none'))
    .addPrimaryKeyConstraint('activity_participants_pk', ['activity_id', 'position'])
    .execute();
  await db.schema
    .createIndex('activity_participants_ref')
    .on('activity_participants')
    .columns(['participant_type', 'participant_id'])
    .execute();

  await db.schema
    .createTable('emails')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('from_address', 'text')
    .addColumn('to_addresses', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('cc_addresses', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text')
    .addColumn('text_body', 'text')
    .addColumn('sent_at', 'text')
    .addColumn('received_at', 'text')
    .$call(timestamps)
    .$call(journalVersion)
    .execute();
  // One row per Internet Message-ID and owner: the same message seen in two folders, or
  // downloaded twice, is one email (D1).
  await db.schema
    .createIndex('emails_message_id')
    .on('emails')
    .columns(['owner_id', 'message_id'])
    .unique()
    .execute();

  await db.schema
    .createTable('email_links')
    .addColumn('email_id', 'text', (c) => c.notNull().references('emails.id').onDelete('cascade'))
    .addColumn('record_type', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('email_links_pk', ['email_id', 'record_type', 'record_id'])
    .execute();
  await db.schema
    .createIndex('email_links_record')
    .on('email_links')
    .columns(['record_type', 'record_id'])
    .execute();

  await db.schema
    .createTable('groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .$call(timestamps)
    .$call(journalVersion)
    .execute();
  await db.schema.createIndex('groups_owner').on('groups').columns(['owner_id', 'kind']).execute();

  await db.schema
    .createTable('group_members')
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'record_id'])
    .execute();
  await db.schema.createIndex('group_members_record').on('group_members').column('record_id').execute();

  await db.schema
    .createTable('email_index')
    .addColumn('record_type', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('email_index_pk', ['record_type', 'record_id', 'address'])
    .execute();
  await db.schema.createIndex('email_index_address').on('email_index').column('address').execute();

  await db.schema
    .createTable('changes')
    .addColumn('version', 'bigint', (c) => c.primaryKey())
    .addColumn('record_type', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('actor_user_id', 'text')
    .addColumn('actor_mailbox_id', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('changes_record').on('changes').columns(['record_type', 'record_id']).execute();

  await db.schema
    .createTable('journal_head')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .execute();
  await sql`insert into journal_head (id, version) values (1, 0)`.execute(db);
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of [
    'journal_head',
    'changes',
    'email_index',
    'group_members',
    'groups',
    'email_links',
    'emails',
    'activity_participants',
    'activities',
    'deals',
    'leads',
    'contacts',
    'accounts',
    'shares',
    'sessions',
    'api_tokens',
    'user_roles',
    'roles',
    'users',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
