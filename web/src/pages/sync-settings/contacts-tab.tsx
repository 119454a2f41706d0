// The Contacts tab (SPEC B1, B3, B4, E1–E3, E5), laid out as in the seeds: import with all or
// chosen folders, export with all contacts or chosen categories and groups, then conflicts,
// notes, phone numbers, the mass-delete guard and automatic sync. Save sends only what changed.
// The form's state lives in useContactsForm; each section is a component of its own.
import { Notice } from '../../components/notice.tsx';
import { t, tx } from '../../i18n.ts';
import type { ContactSyncSettings } from '../../types.ts';
import { DIRECTION_TEXT, directionOf } from './contacts-draft.ts';
import { ExportSection } from './contacts-export-section.tsx';
import { ImportSection } from './contacts-import-section.tsx';
import { ConflictsSection, FieldsSection, ScheduleSection } from './contacts-sections.tsx';
import { useContactsForm } from './use-contacts-form.ts';

export function ContactsTab(props: {
  mailboxId: string;
  address: string;
  settings: ContactSyncSettings;
  onDirtyChange: (dirty: boolean) => void;
}) {
  const form = useContactsForm(props.mailboxId, props.settings, props.onDirtyChange);
  const { id, draft, errors, saving, outcome, dirty } = form;
  const section = { id, draft, errors, change: form.change };

  return (
    <form class="sync-form" onSubmit={form.save} noValidate aria-describedby={`${id}-direction`}>
      <p id={`${id}-direction`} class="direction-line" aria-live="polite">
        {tx('syncSettings.contacts.direction', {
          strong: (text) => <strong>{text}</strong>,
          text: t(DIRECTION_TEXT[directionOf(draft)]),
        })}
      </p>
      <ImportSection {...section} mailboxId={props.mailboxId} address={props.address} />
      <ExportSection {...section} />
      <ConflictsSection {...section} />
      <FieldsSection {...section} />
      <ScheduleSection {...section} />

      {errors.form && <Notice kind="error">{errors.form}</Notice>}
      <div class="form-actions save-bar">
        <button type="submit" class="primary" disabled={saving} aria-busy={saving}>
          {saving && <span class="spinner" aria-hidden="true" />}
          {saving ? t('common.saving') : t('common.save')}
        </button>
        <button type="button" class="secondary" disabled={!dirty || saving} onClick={form.discard}>
          {t('org.discard')}
        </button>
        {dirty && !saving && <span class="badge badge-warn">{t('common.unsaved')}</span>}
      </div>
      {outcome && (
        <Notice
          kind={outcome.kind}
          title={outcome.kind === 'error' ? t('syncSettings.contacts.notSaved') : undefined}
        >
          {outcome.text}
        </Notice>
      )}
    </form>
  );
}
