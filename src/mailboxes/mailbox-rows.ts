// The `mailboxes` table's state changes, one small function each, so that every write to a
// mailbox row is found here (the health a connector call reports is in health.ts).
import type { Kysely } from 'kysely';
import type { Principal } from '../crm/principal.ts';
import type { Database, MailboxesTable } from '../db/schema.ts';
import type { TestOutcome } from './connection-test.ts';
import { secretContext } from './connector-factory.ts';
import { type MailboxContext, nowIso } from './context.ts';
import { healthyPatch, statusAfterTest } from './health.ts';

/** A new mailbox row: what the caller names, nothing tested, no error, no secret yet. */
export function newMailboxRow(
  fields: Pick<
    MailboxesTable,
    'id' | 'user_id' | 'service_id' | 'address' | 'login' | 'access_mode' | 'status'
  >,
  now: string,
): MailboxesTable {
  return {
    ...fields,
    secret_enc: null,
    token_cache_enc: null,
    throttled_until: null,
    failing_since: null,
    last_error_code: null,
    last_error_message: null,
    last_tested_at: null,
    connected_at: null,
    disconnected_at: null,
    created_at: now,
    updated_at: now,
  };
}

export async function insertMailbox(db: Kysely<Database>, row: MailboxesTable): Promise<void> {
  await db.insertInto('mailboxes').values(row).execute();
}

/** The mailbox row with this id, if any, whoever it belongs to. */
export function findMailboxRow(db: Kysely<Database>, id: string): Promise<MailboxesTable | undefined> {
  return db.selectFrom('mailboxes').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Every mailbox row of this address, disconnected ones included. */
export function mailboxRowsOfAddress(db: Kysely<Database>, address: string): Promise<MailboxesTable[]> {
  return db.selectFrom('mailboxes').selectAll().where('address', '=', address).execute();
}

/** The mailbox of this address on this service that is not disconnected, if any. */
export function findLiveMailbox(
  ctx: MailboxContext,
  serviceId: string,
  address: string,
): Promise<MailboxesTable | undefined> {
  return ctx.db
    .selectFrom('mailboxes')
    .selectAll()
    .where('service_id', '=', serviceId)
    .where('address', '=', address)
    .where('status', '<>', 'disconnected')
    .executeTakeFirst();
}

/** The mailboxes a principal sees in the list: their own, or all for an administrator. */
export function listMailboxRows(ctx: MailboxContext, principal: Principal): Promise<MailboxesTable[]> {
  let query = ctx.db.selectFrom('mailboxes').selectAll();
  if (!principal.isAdmin) query = query.where('user_id', '=', principal.userId);
  return query.orderBy('address').orderBy('created_at').execute();
}

/**
 * What a connection test says about a stored mailbox: healthy (and connected from now on, if it
 * never was), or failing with the test's problem. A mailbox disconnected meanwhile stays so.
 */
export async function recordTestOutcome(
  ctx: MailboxContext,
  row: MailboxesTable,
  outcome: TestOutcome,
): Promise<void> {
  const now = nowIso(ctx);
  const patch: Partial<MailboxesTable> = outcome.ok
    ? { ...healthyPatch(), last_tested_at: now, connected_at: row.connected_at ?? now }
    : {
        status: statusAfterTest(outcome.problem),
        failing_since: row.failing_since ?? now,
        last_error_code: outcome.problem ?? 'other',
        last_error_message: outcome.message,
        last_tested_at: now,
      };
  await ctx.db
    .updateTable('mailboxes')
    .set({ ...patch, updated_at: now })
    .where('id', '=', row.id)
    .where('status', '<>', 'disconnected')
    .execute();
}

/** A new password (and login) that just passed a connection test: stored sealed, mailbox healthy. */
export async function storePassword(
  ctx: MailboxContext,
  id: string,
  login: string | null,
  password: string,
): Promise<void> {
  const now = nowIso(ctx);
  await ctx.db
    .updateTable('mailboxes')
    .set({
      login,
      secret_enc: ctx.secrets.seal(password, secretContext.password(id)),
      ...healthyPatch(),
      last_tested_at: now,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}

/**
 * Disconnects a mailbox: its secrets and pending sign-ins are dropped, and an organisation
 * mailbox leaves the service's selection so it is not recreated. Synced records are kept.
 */
export async function markDisconnected(ctx: MailboxContext, row: MailboxesTable): Promise<void> {
  const now = nowIso(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('mailboxes')
      .set({
        status: 'disconnected',
        secret_enc: null,
        token_cache_enc: null,
        disconnected_at: now,
        updated_at: now,
      })
      .where('id', '=', row.id)
      .execute();
    await trx.deleteFrom('oauth_sign_ins').where('mailbox_id', '=', row.id).execute();
    if (row.access_mode === 'organisation' && row.service_id) {
      await trx
        .deleteFrom('organisation_users')
        .where('service_id', '=', row.service_id)
        .where('user_id', '=', row.user_id)
        .execute();
    }
  });
}

/** An organisation mailbox whose user left the service's selection: no longer synced, kept. */
export async function markDeselected(db: Kysely<Database>, id: string, now: string): Promise<void> {
  await db
    .updateTable('mailboxes')
    .set({ status: 'disconnected', disconnected_at: now, updated_at: now })
    .where('id', '=', id)
    .execute();
}

export interface SyncableMailbox {
  id: string;
  userId: string;
  serviceId: string;
  address: string;
}

/** Mailboxes the sync engine should run now: connected, owner active, selected, not throttled. */
export async function syncableMailboxes(ctx: MailboxContext): Promise<SyncableMailbox[]> {
  const now = nowIso(ctx);
  const rows = await ctx.db
    .selectFrom('mailboxes')
    .innerJoin('users', 'users.id', 'mailboxes.user_id')
    .select([
      'mailboxes.id',
      'mailboxes.user_id',
      'mailboxes.service_id',
      'mailboxes.address',
      'mailboxes.access_mode',
      'mailboxes.throttled_until',
    ])
    .where('mailboxes.status', 'in', ['active', 'failing'])
    .where('users.active', '=', true)
    .where('mailboxes.service_id', 'is not', null)
    .where((eb) =>
      eb.or([
        eb('mailboxes.access_mode', '=', 'individual'),
        eb.exists(
          eb
            .selectFrom('organisation_users')
            .select('organisation_users.user_id')
            .whereRef('organisation_users.service_id', '=', 'mailboxes.service_id')
            .whereRef('organisation_users.user_id', '=', 'mailboxes.user_id'),
        ),
      ]),
    )
    .orderBy('mailboxes.id')
    .execute();
  return rows
    .filter((r) => !r.throttled_until || r.throttled_until <= now)
    .map((r) => ({ id: r.id, userId: r.user_id, serviceId: r.service_id!, address: r.address }));
}
