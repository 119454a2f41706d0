import { t, tx } from '../../i18n.ts';
import type { ContactSyncSettings } from '../../types.ts';
import { DIRECTION_TEXT, directionOf } from './contacts-draft.ts';
import { ExportSection } from './contacts-export-section.tsx';
import { ImportSection } from './contacts-import-section.tsx';
import { ConflictsSection, FieldsSection, ScheduleSection } from './contacts-sections.tsx';
import { SaveBar } from './settings-fields.tsx';
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

      <SaveBar errors={errors} saving={saving} dirty={dirty} outcome={outcome} onDiscard={form.discard} />
    </form>
  );
}
