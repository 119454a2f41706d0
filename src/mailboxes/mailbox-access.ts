// Who may act on a mailbox, and in which state it can be acted on.
import type { Principal } from '../crm/principal.ts';
import type { MailboxesTable, MailServicesTable } from '../db/schema.ts';
import { loadMailboxRow, loadService, type MailboxContext } from './context.ts';
import { MailboxError } from './errors.ts';

/** The mailbox if the principal owns it or administers; not_found otherwise (no leak of ids). */
export async function visibleMailbox(
  ctx: MailboxContext,
  principal: Principal,
  id: string,
): Promise<MailboxesTable> {
  const row = await loadMailboxRow(ctx, id);
  if (row.user_id !== principal.userId && !principal.isAdmin) {
    throw new MailboxError('not_found', `No mailbox with id "${id}" exists or you have no access to it.`);
  }
  return row;
}

export function assertConnected(row: MailboxesTable): void {
  if (row.status === 'disconnected') {
    throw new MailboxError(
      'conflict',
      `The mailbox ${row.address} is disconnected. Add it again to reconnect it.`,
    );
  }
}

/** The mail service a mailbox was added with; a conflict if that service was deleted since. */
export async function serviceOfMailbox(ctx: MailboxContext, row: MailboxesTable): Promise<MailServicesTable> {
  if (!row.service_id) {
    throw new MailboxError(
      'conflict',
      `The mail service of ${row.address} was deleted. Add the mailbox again with another service.`,
    );
  }
  return loadService(ctx, row.service_id);
}

/** A visible, connected mailbox and its service: what every action on a mailbox starts from. */
export async function connectedMailbox(
  ctx: MailboxContext,
  principal: Principal,
  id: string,
): Promise<{ row: MailboxesTable; service: MailServicesTable }> {
  const row = await visibleMailbox(ctx, principal, id);
  assertConnected(row);
  return { row, service: await serviceOfMailbox(ctx, row) };
}
