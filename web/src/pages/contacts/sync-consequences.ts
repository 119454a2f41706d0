// What the sync will do with a contact's change in Exchange, as each mailbox's sync settings
// dictate: said before a delete is confirmed, and the country the phone numbers are read in.
import type { CountryCode } from 'libphonenumber-js';
import { get } from '../../api.ts';
import { t } from '../../i18n.ts';
import type { ContactSyncStatus, Mailbox, SyncSettingsView } from '../../types.ts';

const settingsOf = (mailboxId: string, signal?: AbortSignal) =>
  get<SyncSettingsView>(
    `/api/v1/mailboxes/${encodeURIComponent(mailboxId)}/sync-settings`,
    undefined,
    signal,
  );

/** The country numbers without a country code are read in: the first own mailbox's setting. */
export async function contactCountry(mailboxes: Mailbox[], signal?: AbortSignal): Promise<CountryCode> {
  const first = mailboxes[0];
  if (!first) return 'DE';
  try {
    return (await settingsOf(first.id, signal)).contacts.defaultCountry as CountryCode;
  } catch {
    // The sync's own default: numbers still read the same way as the sync will read them.
    return 'DE';
  }
}

/** One sentence per mailbox the contact is linked to: what deleting it does there. */
export async function deleteConsequences(status: ContactSyncStatus): Promise<string[]> {
  const linked = status.mailboxes.filter((m) => m.linked);
  return Promise.all(
    linked.map(async (m) => {
      let direction: SyncSettingsView['contacts']['direction'] | null = null;
      try {
        direction = (await settingsOf(m.mailboxId)).contacts.direction;
      } catch {
        direction = null;
      }
      switch (direction) {
        case 'export':
        case 'two_way':
          return t('contacts.delete.exports', { address: m.address });
        case 'import':
          return t('contacts.delete.importOnly', { address: m.address });
        case 'off':
          return t('contacts.delete.syncOff', { address: m.address });
        default:
          return t('contacts.delete.unknown', { address: m.address });
      }
    }),
  );
}
