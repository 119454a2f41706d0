// Journals records that change as a side effect of another write (a deleted account unlinks its
// contacts, a share changes who may see a record, …) so that the sync notices them too.

import { TABLE_OF } from './access.ts';
import type { AnyDb, WriteContext } from './definition.ts';
import { appendChanges, type SyncedRecordType } from './journal.ts';

export async function touchRecords(
  ctx: WriteContext,
  recordType: SyncedRecordType,
  ids: string[],
  fields: string[],
): Promise<void> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return;
  const versions = await appendChanges(
    ctx.trx,
    unique.map((recordId) => ({ recordType, recordId, operation: 'update' as const, fields })),
    ctx.principal,
  );
  const db = ctx.trx as unknown as AnyDb;
  const table = TABLE_OF[recordType];
  for (let i = 0; i < unique.length; i++) {
    await db
      .updateTable(table)
      .set({ version: versions[i], updated_at: ctx.now })
      .where('id', '=', unique[i])
      .execute();
  }
}

/** Removes email links to a record being deleted and journals the emails that had them. */
export async function unlinkEmails(
  ctx: WriteContext,
  type: 'contact' | 'account' | 'lead' | 'deal',
  id: string,
): Promise<void> {
  const emails = await ctx.trx
    .selectFrom('email_links')
    .select('email_id')
    .where('record_type', '=', type)
    .where('record_id', '=', id)
    .execute();
  await ctx.trx
    .deleteFrom('email_links')
    .where('record_type', '=', type)
    .where('record_id', '=', id)
    .execute();
  await touchRecords(
    ctx,
    'email',
    emails.map((r) => r.email_id),
    ['links'],
  );
}

/**
 * Turns references to a deleted contact or lead in activity participants into bare email
 * participants (the person stays invited) and journals the activities.
 */
export async function detachParticipants(
  ctx: WriteContext,
  type: 'contact' | 'lead',
  id: string,
): Promise<void> {
  const rows = await ctx.trx
    .selectFrom('activity_participants')
    .select('activity_id')
    .where('participant_type', '=', type)
    .where('participant_id', '=', id)
    .execute();
  if (rows.length === 0) return;
  // Without an address nothing is left to invite.
  await ctx.trx
    .deleteFrom('activity_participants')
    .where('participant_type', '=', type)
    .where('participant_id', '=', id)
    .where('email', 'is', null)
    .execute();
  await ctx.trx
    .updateTable('activity_participants')
    .set({ participant_type: 'email', participant_id: null })
    .where('participant_type', '=', type)
    .where('participant_id', '=', id)
    .execute();
  await touchRecords(
    ctx,
    'activity',
    rows.map((r) => r.activity_id),
    ['participants'],
  );
}
