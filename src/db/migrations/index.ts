// Numbered migrations, listed here rather than read from disk, so they ship with the code and
// run the same on SQLite and PostgreSQL.
import type { Migration } from 'kysely';
import * as m0001 from './0001_crm_core.ts';
import * as m0002 from './0002_mail_services.ts';
import * as m0003 from './0003_sync.ts';
import * as m0004 from './0004_mailbox_sync_settings.ts';
import * as m0005 from './0005_sync_link_listing.ts';
import * as m0006 from './0006_sync_update_intent.ts';
import * as m0008 from './0008_sync_policy_requests.ts';
import * as m0009 from './0009_user_locale.ts';
import * as m0010 from './0010_sync_conflict_outcome.ts';
import * as m0011 from './0011_sync_link_listing_mark.ts';
import * as m0012 from './0012_sync_link_shared_key.ts';
import * as m0013 from './0013_sync_shared_records.ts';
import * as m0014 from './0014_sync_folder_listing.ts';
import * as m0015 from './0015_sync_shared_agreed.ts';

export const migrations: Record<string, Migration> = {
  '0001_crm_core': m0001,
  '0002_mail_services': m0002,
  '0003_sync': m0003,
  '0004_mailbox_sync_settings': m0004,
  '0005_sync_link_listing': m0005,
  '0006_sync_update_intent': m0006,
  '0008_sync_policy_requests': m0008,
  '0009_user_locale': m0009,
  '0010_sync_conflict_outcome': m0010,
  '0011_sync_link_listing_mark': m0011,
  '0012_sync_link_shared_key': m0012,
  '0013_sync_shared_records': m0013,
  '0014_sync_folder_listing': m0014,
  '0015_sync_shared_agreed': m0015,
};
