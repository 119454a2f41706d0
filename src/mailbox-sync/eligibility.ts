// Which mailboxes may sync (SPEC A5, A6): connected, signed in, not throttled, owned by an active
// user, and in organisation mode only users an administrator selected. Each refusal says why.
import type { Kysely } from 'kysely';
import { findUserRow, isActive } from '../crm/user-rows.ts';
import type { Database, MailboxesTable } from '../db/schema.ts';
import { findMailboxRow } from '../mailboxes/mailbox-rows.ts';
import { isSelectedUser } from '../mailboxes/organisation-users.ts';
import { SyncError } from './errors.ts';

export interface SyncableOptions {
  /**
   * Throttling only delays runs: whether a mailbox belongs on the schedule does not depend on
   * it, so scheduling asks with this set.
   */
  ignoreThrottling?: boolean;
}

export async function assertSyncable(
  db: Kysely<Database>,
  mailboxId: string,
  now: Date,
  options: SyncableOptions = {},
): Promise<MailboxesTable> {
  const row = await findMailboxRow(db, mailboxId);
  if (!row) throw new SyncError('mailbox_disconnected', `No mailbox with id "${mailboxId}" exists.`);
  if (row.status === 'disconnected')
    throw new SyncError(
      'mailbox_disconnected',
      `The mailbox ${row.address} is disconnected; its synced data is kept but it no longer syncs. Add it again to sync it.`,
    );
  if (!row.service_id)
    throw new SyncError(
      'service_missing',
      `The mail service of ${row.address} was deleted. Add the mailbox again with another service.`,
    );
  if (row.status === 'pending' || row.status === 'needs_sign_in')
    throw new SyncError(
      'mailbox_needs_sign_in',
      row.status === 'pending'
        ? `The mailbox ${row.address} waits for its Microsoft sign-in. Finish it, then sync.`
        : `The mailbox ${row.address} needs sign-in: update its password or sign in to Microsoft again, then sync.`,
    );
  if (!options.ignoreThrottling && row.throttled_until && row.throttled_until > now.toISOString())
    throw new SyncError(
      'mailbox_throttled',
      `Exchange asked Exsync to wait before using ${row.address} again; sync after ${row.throttled_until}.`,
    );
  const user = await findUserRow(db, row.user_id);
  if (!user || !isActive(user))
    throw new SyncError(
      'user_inactive',
      `The owner of ${row.address} is deactivated; inactive users are never synced. An administrator can reactivate the account.`,
    );
  if (row.access_mode === 'organisation' && !(await isSelectedUser(db, row.service_id, row.user_id)))
    throw new SyncError(
      'user_not_selected',
      `${row.address} belongs to a mail service in organisation mode and its user is not selected for sync. An administrator selects users under the service's users.`,
    );
  return row;
}
