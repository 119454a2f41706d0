// Mail services (SPEC A1), users' mailboxes (A3), OAuth sign-ins in progress (A4) and the users
// an organisation-mode service syncs (A5). Secrets are stored only encrypted (`*_enc` columns).
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema type
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('mail_services')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('service_address', 'text', (c) => c.notNull())
    .addColumn('ews_url', 'text')
    .addColumn('authority_url', 'text')
    .addColumn('load_emails', 'boolean', (c) => c.notNull())
    .addColumn('send_emails', 'boolean', (c) => c.notNull())
    .addColumn('login_format', 'text', (c) => c.notNull())
    .addColumn('auth_method', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text')
    .addColumn('client_secret_enc', 'text')
    .addColumn('tenant', 'text')
    .addColumn('domains', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('access_mode', 'text')
    .addColumn('service_login', 'text')
    .addColumn('service_secret_enc', 'text')
    .addColumn('ca_bundle', 'text')
    .addColumn('allow_private_addresses', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('mailboxes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    // Null once the service is deleted: a disconnected mailbox keeps its history.
    .addColumn('service_id', 'text', (c) => c.references('mail_services.id').onDelete('set null'))
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('login', 'text')
    .addColumn('access_mode', 'text', (c) => c.notNull())
    .addColumn('secret_enc', 'text')
    .addColumn('token_cache_enc', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('throttled_until', 'text')
    .addColumn('failing_since', 'text')
    .addColumn('last_error_code', 'text')
    .addColumn('last_error_message', 'text')
    .addColumn('last_tested_at', 'text')
    .addColumn('connected_at', 'text')
    .addColumn('disconnected_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('mailboxes_user').on('mailboxes').column('user_id').execute();
  // One live mailbox per address and service; disconnected ones stay as history.
  await sql`create unique index mailboxes_service_address on mailboxes (service_id, address) where status <> 'disconnected'`.execute(
    db,
  );

  await db.schema
    .createTable('oauth_sign_ins')
    .addColumn('state_hash', 'text', (c) => c.primaryKey())
    .addColumn('mailbox_id', 'text', (c) => c.notNull().references('mailboxes.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('verifier_enc', 'text', (c) => c.notNull())
    .addColumn('return_to', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('organisation_users')
    .addColumn('service_id', 'text', (c) => c.notNull().references('mail_services.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('organisation_users_pk', ['service_id', 'user_id'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of ['organisation_users', 'oauth_sign_ins', 'mailboxes', 'mail_services']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
