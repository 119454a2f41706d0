// The mail-service domain: services (A1, A2), mailboxes (A3, A4, A6), organisation mode (A5),
// and the mailbox health the sync engine reports to.
import type { Store } from '../db/database.ts';
import type { SecretBox } from '../secrets/index.ts';
import { credentialsOf } from './connect.ts';
import { createConnectorFactory, type FactorySettings } from './connector-factory.ts';
import { type LogSink, loadMailboxRow, loadService, type MailboxContext } from './context.ts';
import { MailboxError } from './errors.ts';
import { type ConnectorOutcome, recordConnectorOutcome } from './health.ts';
import { createMailboxes, type MailboxOptions } from './mailboxes.ts';
import { createOrganisation } from './organisation.ts';
import { createMailServices } from './services.ts';

export { CALLBACK_PATH } from './connector-factory.ts';
export { isMailboxError, MAILBOX_ERROR_STATUS, MailboxError, type MailboxErrorCode } from './errors.ts';
export type { ConnectorOutcome } from './health.ts';
export * from './schemas.ts';

export interface MailboxDomainOptions extends MailboxOptions {
  store: Store;
  secrets: SecretBox;
  publicUrl: string;
  allowPrivateAddresses: boolean;
  log?: LogSink;
  now?: () => Date;
  connector?: Pick<FactorySettings, 'timeoutMs' | 'retryAttempts'>;
}

export function createMailboxDomain(options: MailboxDomainOptions) {
  const ctx: MailboxContext = {
    db: options.store.db,
    secrets: options.secrets,
    factory: createConnectorFactory({
      secrets: options.secrets,
      publicUrl: options.publicUrl,
      allowPrivateAddresses: options.allowPrivateAddresses,
      ...options.connector,
    }),
    log: options.log,
    now: options.now ?? (() => new Date()),
  };
  const services = createMailServices(ctx);
  const mailboxes = createMailboxes(ctx, services, options);
  const organisation = createOrganisation(ctx, services);
  return {
    services,
    mailboxes,
    organisation,
    /** The connector for a mailbox, for the sync engine; close() it when done. */
    factory: ctx.factory,
    /** Builds the connector of a mailbox for the sync engine; close() it when done. */
    async connectorFor(mailboxId: string, options: { signal?: AbortSignal } = {}) {
      const row = await loadMailboxRow(ctx, mailboxId);
      if (!row.service_id || row.status === 'disconnected' || row.status === 'pending') {
        throw new MailboxError(
          'conflict',
          `The mailbox ${row.address} is ${row.status}; it cannot be synced.`,
        );
      }
      return ctx.factory.build(await loadService(ctx, row.service_id), credentialsOf(ctx, row), options);
    },
    /** What a connector call for a mailbox ended with (SPEC A4, E7). */
    recordConnectorOutcome: (mailboxId: string, outcome: ConnectorOutcome) =>
      recordConnectorOutcome(ctx, mailboxId, outcome),
  };
}

export type MailboxDomain = ReturnType<typeof createMailboxDomain>;
