// The Contacts tab's remaining sections: how conflicts are settled, which fields are synced
// and how (notes, the phone country, the mass-delete guard), and when to sync.
import { t } from '../../i18n.ts';
import { countries } from './countries.ts';
import { Check, FieldError, Radio } from './form-controls.tsx';
import { MassDeleteField, ScheduleCard } from './settings-fields.tsx';
import { errorIdOf, type SectionProps } from './use-contacts-form.ts';

export function ConflictsSection({ id, draft, change }: SectionProps) {
  return (
    <section class="card" aria-labelledby={`${id}-conflicts`}>
      <h2 id={`${id}-conflicts`}>{t('syncSettings.conflicts.heading')}</h2>
      <fieldset class="plain" aria-describedby={`${id}-conflicts-hint`}>
        <legend>{t('syncSettings.conflicts.legend')}</legend>
        <Radio
          name={`${id}-policy`}
          label={t('syncSettings.conflicts.crmWins')}
          checked={draft.conflictPolicy === 'crm_wins'}
          onSelect={() => change({ conflictPolicy: 'crm_wins' })}
        />
        <Radio
          name={`${id}-policy`}
          label={t('syncSettings.conflicts.exchangeWins')}
          checked={draft.conflictPolicy === 'exchange_wins'}
          onSelect={() => change({ conflictPolicy: 'exchange_wins' })}
        />
        <Check
          label={t('syncSettings.conflicts.merge')}
          checked={draft.fieldMerge}
          hint={t('syncSettings.conflicts.mergeHint')}
          onChange={(on) => change({ fieldMerge: on })}
        />
        <small id={`${id}-conflicts-hint`} class="muted">
          {t('syncSettings.conflicts.twoWayOnly')}
        </small>
      </fieldset>
    </section>
  );
}

export function FieldsSection({ id, draft, errors, change }: SectionProps) {
  const countryList = countries();
  const describedBy = (...ids: Array<string | undefined>) => ids.filter(Boolean).join(' ');
  return (
    <section class="card" aria-labelledby={`${id}-fields`}>
      <h2 id={`${id}-fields`}>{t('syncSettings.fields.heading')}</h2>
      <Check
        label={t('syncSettings.fields.notes')}
        checked={draft.syncNotes}
        hint={t('syncSettings.fields.notesHint')}
        onChange={(on) => change({ syncNotes: on })}
      />
      <div class={errors.defaultCountry ? 'field has-error' : 'field'}>
        <label for={`${id}-country`}>{t('syncSettings.fields.country')}</label>
        <select
          id={`${id}-country`}
          value={draft.defaultCountry}
          aria-describedby={describedBy(`${id}-country-hint`, errorIdOf(id, errors, 'defaultCountry'))}
          onChange={(e) => change({ defaultCountry: e.currentTarget.value })}
        >
          <option value="">{t('syncSettings.fields.orgCountry')}</option>
          {draft.defaultCountry !== '' && !countryList.some((c) => c.code === draft.defaultCountry) && (
            <option value={draft.defaultCountry}>{draft.defaultCountry}</option>
          )}
          {countryList.map((c) => (
            <option key={c.code} value={c.code}>
              {c.name} ({c.code})
            </option>
          ))}
        </select>
        <small id={`${id}-country-hint`} class="hint">
          {t('syncSettings.fields.countryHint')}
        </small>
        <FieldError id={`${id}-defaultCountry-error`} text={errors.defaultCountry} />
      </div>
      <MassDeleteField
        id={id}
        errors={errors}
        value={draft.massDeletePercent}
        hint={t('syncSettings.fields.massDeleteHint')}
        onInput={(value) => change({ massDeletePercent: value })}
      />
    </section>
  );
}

export function ScheduleSection({ id, draft, errors, change }: SectionProps) {
  return (
    <ScheduleCard
      id={id}
      errors={errors}
      autoSync={draft.autoSync}
      interval={draft.interval}
      autoLabel={t('syncSettings.schedule.auto')}
      autoHint={t('syncSettings.schedule.autoHint')}
      onAutoSync={(on) => change({ autoSync: on })}
      onInterval={(value) => change({ interval: value })}
    />
  );
}
