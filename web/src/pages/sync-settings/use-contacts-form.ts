// The Contacts tab's form state: the saved settings, the draft being edited, field errors, and
// saving, which sends only what changed and maps the server's field errors back onto the form.
import { useEffect, useId, useState } from 'preact/hooks';
import { ApiProblem } from '../../api.ts';
import { fieldErrors } from '../../components/field.tsx';
import { useLeaveGuard } from '../../components/leave-guard.ts';
import { t } from '../../i18n.ts';
import type { ContactSyncSettings } from '../../types.ts';
import {
  type ContactDraft,
  changedFields,
  type DraftErrors,
  draftProblems,
  isDirty,
  toDraft,
} from './contacts-draft.ts';
import { saveSettings } from './settings-save.ts';

export type Outcome = { kind: 'success' | 'error'; text: string } | null;

/** What every section of the tab gets: the draft, its errors, and how to change it. */
export interface SectionProps {
  /** Prefix of the element ids of this form. */
  id: string;
  draft: ContactDraft;
  errors: DraftErrors;
  change: (patch: Partial<ContactDraft>) => void;
}

/** The error a draft key's change clears, where the server reports it under another name. */
const ERROR_OF_KEY: Partial<Record<keyof ContactDraft, string>> = {
  interval: 'intervalMinutes',
  massDeletePercent: 'massDeleteShare',
  folders: 'importFolders',
  importAll: 'importFolders',
  types: 'export',
  groupIds: 'export',
  exportAll: 'export',
};

function savedText(c: ContactSyncSettings): string {
  if (c.direction === 'off') return t('syncSettings.saved.off');
  return c.autoSync
    ? t('syncSettings.saved.auto', { minutes: c.intervalMinutes })
    : t('syncSettings.saved.manual');
}

/** The server's field errors by draft field: "contacts.importFolders.0" → importFolders. */
function errorsOfAnswer(error: unknown): DraftErrors {
  const byField: DraftErrors = {};
  if (error instanceof ApiProblem) {
    for (const [path, message] of Object.entries(fieldErrors(error.details))) {
      const field = path.replace(/^contacts\.?/, '').split('.')[0] || 'form';
      byField[field] ??= message;
    }
  }
  return byField;
}

export function useContactsForm(
  mailboxId: string,
  settings: ContactSyncSettings,
  onDirtyChange: (dirty: boolean) => void,
) {
  const [saved, setSaved] = useState(settings);
  const [draft, setDraft] = useState<ContactDraft>(() => toDraft(settings));
  const [errors, setErrors] = useState<DraftErrors>({});
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const id = useId();

  const dirty = isDirty(draft, saved);
  useLeaveGuard(dirty, t('syncSettings.leave'));
  useEffect(() => onDirtyChange(dirty), [dirty, onDirtyChange]);

  const change = (patch: Partial<ContactDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setOutcome(null);
    setErrors((e) => {
      const next = { ...e };
      for (const key of Object.keys(patch)) delete next[ERROR_OF_KEY[key as keyof ContactDraft] ?? key];
      return next;
    });
  };

  const save = async (event: Event) => {
    event.preventDefault();
    if (saving) return;
    await saveSettings({
      mailboxId,
      problems: draftProblems(draft),
      changes: () => changedFields(draft, saved),
      body: (changes) => ({ contacts: changes }),
      setErrors,
      setOutcome,
      setSaving,
      errorsOfAnswer,
      saved: (answer) => {
        setSaved(answer.contacts);
        setDraft(toDraft(answer.contacts));
        return savedText(answer.contacts);
      },
    });
  };

  const discard = () => {
    setDraft(toDraft(saved));
    setErrors({});
    setOutcome(null);
  };

  return { id, draft, errors, saving, outcome, dirty, change, save, discard };
}

export { errorIdOf } from './settings-fields.tsx';
