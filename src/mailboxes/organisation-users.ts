// Whose mailboxes an organisation-mode service syncs (SPEC A5): the administrator's selection of
// users, one organisation mailbox per selected user, tested a few at a time. Inactive users are
// never selected; a user taken out of the selection has their mailbox disconnected.
import type { Kysely } from 'kysely';
import { newId } from '../crm/ids.ts';
import type { Database, MailboxesTable, MailServicesTable } from '../db/schema.ts';
import { testWith } from './connect.ts';
import { flag, type MailboxContext, nowIso } from './context.ts';
import { MailboxError } from './errors.ts';
import { insertMailbox, markDeselected, newMailboxRow, recordTestOutcome } from './mailbox-rows.ts';

export interface OrganisationUser {
  userId: string;
  email: string;
  displayName: string;
  active: boolean;
  selected: boolean;
  synced: boolean;
  mailboxId: string | null;
  mailboxStatus: MailboxesTable['status'] | null;
  lastError: string | null;
}

/** Impersonation checks run this many at once, to stay under Exchange's concurrency limits. */
const TEST_CONCURRENCY = 4;

function liveOrganisationMailboxes(db: Kysely<Database>, serviceId: string): Promise<MailboxesTable[]> {
  return db
    .selectFrom('mailboxes')
    .selectAll()
    .where('service_id', '=', serviceId)
    .where('access_mode', '=', 'organisation')
    .where('status', '<>', 'disconnected')
    .execute();
}

/** Whether an administrator selected the user for the organisation-mode service. */
export async function isSelectedUser(
  db: Kysely<Database>,
  serviceId: string,
  userId: string,
): Promise<boolean> {
  const selected = await db
    .selectFrom('organisation_users')
    .select('user_id')
    .where('service_id', '=', serviceId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return selected !== undefined;
}

/** Every user, with whether the service syncs them and how their mailbox fares. */
export async function organisationUsers(ctx: MailboxContext, serviceId: string): Promise<OrganisationUser[]> {
  const all = await ctx.db
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'active'])
    .orderBy('email')
    .execute();
  const selected = new Set(
    (
      await ctx.db
        .selectFrom('organisation_users')
        .select('user_id')
        .where('service_id', '=', serviceId)
        .execute()
    ).map((r) => r.user_id),
  );
  const mailboxes = new Map((await liveOrganisationMailboxes(ctx.db, serviceId)).map((m) => [m.user_id, m]));
  return all.map((u) => {
    const mailbox = mailboxes.get(u.id);
    const active = flag(u.active);
    return {
      userId: u.id,
      email: u.email,
      displayName: u.display_name,
      active,
      selected: selected.has(u.id),
      synced: active && selected.has(u.id) && mailbox?.status === 'active',
      mailboxId: mailbox?.id ?? null,
      mailboxStatus: mailbox?.status ?? null,
      lastError: mailbox?.last_error_message ?? null,
    };
  });
}

/** The wanted users, all known and active; a validation error naming the others. */
async function selectableUsers(ctx: MailboxContext, wanted: string[]) {
  const rows = wanted.length
    ? await ctx.db.selectFrom('users').select(['id', 'email', 'active']).where('id', 'in', wanted).execute()
    : [];
  const known = new Set(rows.map((r) => r.id));
  const problems = [
    ...wanted
      .filter((id) => !known.has(id))
      .map((id) => ({ path: 'userIds', message: `no user with id ${id}` })),
    ...rows
      .filter((r) => !flag(r.active))
      .map((r) => ({ path: 'userIds', message: `${r.email} is inactive` })),
  ];
  if (problems.length > 0) {
    throw new MailboxError(
      'validation_failed',
      `Only active users can be synced: ${problems.map((p) => p.message).join('; ')}. Remove them from the selection or reactivate them.`,
      { details: problems },
    );
  }
  return rows;
}

/**
 * Replaces the selection in one transaction: mailboxes of users no longer selected are
 * disconnected, selected users without one get a pending mailbox. Returns the mailboxes to test.
 */
async function replaceSelection(
  ctx: MailboxContext,
  serviceId: string,
  wanted: string[],
  users: Array<{ id: string; email: string }>,
): Promise<MailboxesTable[]> {
  const now = nowIso(ctx);
  const selected = new Set(wanted);
  const toTest: MailboxesTable[] = [];
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('organisation_users').where('service_id', '=', serviceId).execute();
    if (wanted.length) {
      await trx
        .insertInto('organisation_users')
        .values(wanted.map((userId) => ({ service_id: serviceId, user_id: userId, created_at: now })))
        .execute();
    }
    const live = await liveOrganisationMailboxes(trx, serviceId);
    for (const mailbox of live) {
      if (!selected.has(mailbox.user_id)) {
        await markDeselected(trx, mailbox.id, now);
      } else if (mailbox.status !== 'active') {
        toTest.push(mailbox);
      }
    }
    for (const user of users) {
      if (live.some((m) => m.user_id === user.id)) continue;
      const row = newMailboxRow(
        {
          id: newId(),
          user_id: user.id,
          service_id: serviceId,
          address: user.email,
          login: null,
          access_mode: 'organisation',
          status: 'pending',
        },
        now,
      );
      await insertMailbox(trx, row);
      toTest.push(row);
    }
  });
  return toTest;
}

async function testMailboxes(ctx: MailboxContext, service: MailServicesTable, rows: MailboxesTable[]) {
  const queue = [...rows];
  const worker = async () => {
    for (let row = queue.shift(); row; row = queue.shift()) {
      const outcome = await testWith(ctx, service, {
        address: row.address,
        login: null,
        mode: 'organisation',
      });
      await recordTestOutcome(ctx, row, outcome);
    }
  };
  await Promise.all(Array.from({ length: Math.min(TEST_CONCURRENCY, rows.length) }, worker));
}

/** Sets whose mailboxes the service syncs and tests those not yet known to work. */
export async function selectOrganisationUsers(
  ctx: MailboxContext,
  service: MailServicesTable,
  userIds: string[],
): Promise<void> {
  if (service.access_mode !== 'organisation') {
    throw new MailboxError(
      'conflict',
      `The mail service "${service.name}" is not in organisation mode. Connect its organisation identity first (POST /api/v1/mail-services/${service.id}/organisation).`,
    );
  }
  const wanted = [...new Set(userIds)];
  const users = await selectableUsers(ctx, wanted);
  await testMailboxes(ctx, service, await replaceSelection(ctx, service.id, wanted, users));
}
