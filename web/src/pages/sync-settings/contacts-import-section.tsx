// The Contacts tab's Import section: on or off, from all contact folders or chosen ones.
import { t } from '../../i18n.ts';
import { FolderPicker } from './folder-picker.tsx';
import { Check, Radio } from './form-controls.tsx';
import type { SectionProps } from './use-contacts-form.ts';

export function ImportSection(props: SectionProps & { mailboxId: string; address: string }) {
  const { id, draft, errors, change } = props;
  return (
    <section class="card" aria-labelledby={`${id}-import`}>
      <h2 id={`${id}-import`}>{t('syncSettings.import.heading')}</h2>
      <Check
        label={t('syncSettings.import.on')}
        checked={draft.importOn}
        hint={t('syncSettings.import.hint')}
        onChange={(on) => change({ importOn: on })}
      />
      <fieldset disabled={!draft.importOn} class="options">
        <legend class="visually-hidden">{t('syncSettings.import.which')}</legend>
        <Radio
          name={`${id}-import-from`}
          label={t('syncSettings.import.all')}
          checked={draft.importAll}
          onSelect={() => change({ importAll: true })}
        />
        <Radio
          name={`${id}-import-from`}
          label={t('syncSettings.import.chosen')}
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
          <p class="muted small-print">{t('syncSettings.import.twoWayNote')}</p>
        )}
      </fieldset>
    </section>
  );
}
