// The engine's MailboxSource over the real mailboxes: connectors from the mail-service domain,
// settings from the settings store, the mailbox user's principal, and each run's outcome written
// to the mailbox's health (needs sign-in, throttled until, failing since). A mailbox that may not
// sync is refused before anything is claimed or recorded.
import { ConnectorError, type ExchangeConnector, isConnectorError } from '../connectors/index.ts';
import type { Crm } from '../crm/index.ts';
import type { Principal } from '../crm/principal.ts';
import type { MailboxDomain } from '../mailboxes/index.ts';
import type { MailboxSource, MailboxSyncSettings, RunOutcome } from '../sync/types.ts';
import { assertSyncable } from './eligibility.ts';
import type { SyncPolicyStore } from './policy.ts';
import { engineSettings } from './settings.ts';
import type { SyncSettingsStore } from './settings-store.ts';

interface OpenConnector {
  close(): void;
  /** The last Exchange failure seen, for the mailbox's health. */
  lastError?: ConnectorError;
}

export class DomainMailboxSource implements MailboxSource {
  private readonly domain: MailboxDomain;
  private readonly crm: Crm;
  private readonly settingsStore: SyncSettingsStore;
  private readonly policy: SyncPolicyStore;
  private readonly now: () => Date;
  /** Connectors opened for runs in progress, closed when the run reports its outcome. */
  private readonly open = new Map<string, OpenConnector[]>();

  constructor(options: {
    domain: MailboxDomain;
    crm: Crm;
    settings: SyncSettingsStore;
    policy: SyncPolicyStore;
    now?: () => Date;
  }) {
    this.domain = options.domain;
    this.crm = options.crm;
    this.settingsStore = options.settings;
    this.policy = options.policy;
    this.now = options.now ?? (() => new Date());
  }

  async settings(mailboxId: string): Promise<MailboxSyncSettings> {
    // The engine asks for settings first: refusing here stops a run before it claims anything.
    const row = await assertSyncable(this.crm.store.db, mailboxId, this.now());
    const view = await this.settingsStore.read(mailboxId);
    const policy = await this.policy.read();
    // C2: the CRM's names for the mailbox's owner; an EWS tasks run reads Exchange's own name.
    const user = await this.crm.store.db
      .selectFrom('users')
      .select('display_name')
      .where('id', '=', row.user_id)
      .executeTakeFirst();
    const names = [row.address, ...(user ? [user.display_name] : [])];
    return engineSettings(view, policy, { names });
  }

  async connectorFor(mailboxId: string, options: { signal?: AbortSignal } = {}): Promise<ExchangeConnector> {
    const built = await this.domain.connectorFor(mailboxId, options);
    const entry: OpenConnector = { close: built.close };
    this.open.set(mailboxId, [...(this.open.get(mailboxId) ?? []), entry]);
    return watchErrors(built.connector, entry);
  }

  async principal(mailboxId: string): Promise<Principal> {
    const row = await assertSyncable(this.crm.store.db, mailboxId, this.now());
    return this.crm.users.principalFor(row.user_id, { mailboxId });
  }

  async recordOutcome(mailboxId: string, outcome: RunOutcome): Promise<void> {
    const opened = this.open.get(mailboxId) ?? [];
    this.open.delete(mailboxId);
    for (const c of opened) c.close();
    if (outcome.status === 'succeeded' || outcome.status === 'held') {
      await this.domain.recordConnectorOutcome(mailboxId, { ok: true });
      return;
    }
    // A lost lease says nothing about the mailbox: another worker is syncing it.
    if (outcome.status !== 'failed' || outcome.error?.code === 'lease_lost') return;
    const seen = opened.map((c) => c.lastError).find((e) => e !== undefined);
    const code = outcome.error?.code ?? 'internal_error';
    // The run's health is the run's own failure; the connector's error, when that was it, keeps
    // the details (a server's retry-after).
    const error = code.startsWith('exchange_')
      ? (seen ?? new ConnectorError('permanent', outcome.error?.message ?? 'Exchange failed.'))
      : Object.assign(new Error(outcome.error?.message ?? 'The sync run failed.'), { code });
    await this.domain.recordConnectorOutcome(mailboxId, { ok: false, error, run: true });
  }
}

/** Notes the last connector failure, so that health sees the real error (retry-after included). */
function watchErrors(connector: ExchangeConnector, entry: OpenConnector): ExchangeConnector {
  const note = (error: unknown) => {
    if (isConnectorError(error)) entry.lastError = error;
    return error;
  };
  return new Proxy(connector, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      if (prop === 'readChanges') {
        return (...args: unknown[]) => {
          const pages = (value as (...a: unknown[]) => AsyncIterable<unknown>).apply(target, args);
          return {
            async *[Symbol.asyncIterator]() {
              try {
                yield* pages;
              } catch (error) {
                throw note(error);
              }
            },
          };
        };
      }
      return (...args: unknown[]) => {
        try {
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          return result instanceof Promise ? result.catch((e: unknown) => Promise.reject(note(e))) : result;
        } catch (error) {
          throw note(error);
        }
      };
    },
  });
}
