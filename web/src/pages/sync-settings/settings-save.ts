// Saving a sync settings tab: nothing is sent while the draft has problems or when nothing
// changed; otherwise the changes go to the mailbox's sync settings, and what that came to is said.
import { messageOf, put } from '../../api.ts';
import { t } from '../../i18n.ts';
import type { SyncSettingsView } from '../../types.ts';

type Errors = Record<string, string>;
type Outcome = { kind: 'success' | 'error'; text: string } | null;

export async function saveSettings<C extends object>(s: {
  mailboxId: string;
  problems: Errors;
  /** What changed: nothing is sent when it is empty. */
  changes: () => C;
  /** The update sent for the changes. */
  body: (changes: C) => object;
  setErrors: (errors: Errors) => void;
  setOutcome: (outcome: Outcome) => void;
  setSaving: (saving: boolean) => void;
  /** The server's field errors by form field. */
  errorsOfAnswer: (error: unknown) => Errors;
  /** Takes in the settings as saved, and says what saving them came to. */
  saved: (answer: SyncSettingsView) => string;
}): Promise<void> {
  s.setErrors(s.problems);
  if (Object.keys(s.problems).length > 0) {
    s.setOutcome({ kind: 'error', text: t('syncSettings.saved.needsCorrecting') });
    return;
  }
  const changes = s.changes();
  if (Object.keys(changes).length === 0) {
    s.setOutcome({ kind: 'success', text: t('syncSettings.saved.nothing') });
    return;
  }
  s.setSaving(true);
  s.setOutcome(null);
  try {
    const answer = await put<SyncSettingsView>(
      `/api/v1/mailboxes/${encodeURIComponent(s.mailboxId)}/sync-settings`,
      s.body(changes),
    );
    s.setOutcome({ kind: 'success', text: s.saved(answer) });
  } catch (error) {
    s.setErrors(s.errorsOfAnswer(error));
    s.setOutcome({ kind: 'error', text: messageOf(error) });
  } finally {
    s.setSaving(false);
  }
}
