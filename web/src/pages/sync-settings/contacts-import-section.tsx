// The Contacts tab's Import section: on or off, from all contact folders or chosen ones.
import { FolderPicker } from './folder-picker.tsx';
import { Check, Radio } from './form-controls.tsx';
import type { SectionProps } from './use-contacts-form.ts';

export function ImportSection(props: SectionProps & { mailboxId: string; address: string }) {
  const { id, draft, errors, change } = props;
  return (
    <section class="card" aria-labelledby={`${id}-import`}>
      <h2 id={`${id}-import`}>Import</h2>
      <Check
        label="Import contacts"
        checked={draft.importOn}
        hint="Contacts from Exchange are created and updated in Exsync. Company names are matched to accounts."
        onChange={(on) => change({ importOn: on })}
      />
      <fieldset disabled={!draft.importOn} class="options">
        <legend class="visually-hidden">Which contacts to import</legend>
        <Radio
          name={`${id}-import-from`}
          label="All contact folders"
          checked={draft.importAll}
          onSelect={() => change({ importAll: true })}
        />
        <Radio
          name={`${id}-import-from`}
          label="Contacts from selected folders"
          checked={!draft.importAll}
          onSelect={() => change({ importAll: false })}
        />
        {!draft.importAll && (
          <FolderPicker
            mailboxId={props.mailboxId}
            address={props.address}
            chosen={draft.folders}
            disabled={!draft.importOn}
            error={errors.importFolders}
            onChange={(folders) => change({ folders })}
          />
        )}
        {!draft.importAll && draft.exportOn && (
          <p class="muted small-print">
            In two-way sync the folder exported contacts go to (the default Contacts folder) is read as well,
            so that edits to them come back.
          </p>
        )}
      </fieldset>
    </section>
  );
}
