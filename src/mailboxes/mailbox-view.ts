import type { MailboxesTable, MailServicesTable } from '../db/schema.ts';
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
