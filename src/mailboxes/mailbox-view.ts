// A mailbox as the API shows it: the row without its secrets, with its service's name and protocol.
import type { MailboxesTable, MailServicesTable } from '../db/schema.ts';
import type { MailboxContext } from './context.ts';
import type { Mailbox } from './schemas.ts';

export function toMailbox(
  row: MailboxesTable,
  service: Pick<MailServicesTable, 'name' | 'type'> | undefined,
): Mailbox {
  return {
    id: row.id,
    userId: row.user_id,
    serviceId: row.service_id,
    serviceName: service?.name ?? null,
    protocol: service ? (service.type === 'exchange' ? 'ews' : 'graph') : null,
    address: row.address,
    login: row.login,
    accessMode: row.access_mode,
    status: row.status,
    hasPassword: row.secret_enc !== null,
    signedIn: row.token_cache_enc !== null,
    throttledUntil: row.throttled_until,
    failingSince: row.failing_since,
    lastError:
      row.last_error_code !== null
        ? { code: row.last_error_code, message: row.last_error_message ?? '' }
        : null,
    lastTestedAt: row.last_tested_at,
    connectedAt: row.connected_at,
    disconnectedAt: row.disconnected_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The API view of one mailbox row, reading its service's name. */
export async function viewMailbox(ctx: MailboxContext, row: MailboxesTable): Promise<Mailbox> {
  const service = row.service_id
    ? await ctx.db
        .selectFrom('mail_services')
        .select(['name', 'type'])
        .where('id', '=', row.service_id)
        .executeTakeFirst()
    : undefined;
  return toMailbox(row, service);
}

/** The API views of many rows, reading the services' names once. */
export async function viewMailboxes(ctx: MailboxContext, rows: MailboxesTable[]): Promise<Mailbox[]> {
  const names = new Map(
    (await ctx.db.selectFrom('mail_services').select(['id', 'name', 'type']).execute()).map((s) => [s.id, s]),
  );
  return rows.map((r) => toMailbox(r, r.service_id ? names.get(r.service_id) : undefined));
}
