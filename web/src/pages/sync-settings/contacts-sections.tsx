// The Contacts tab's remaining sections: how conflicts are settled, which fields are synced
// and how (notes, the phone country, the mass-delete guard), and when to sync.
import { countries } from './countries.ts';
import { Check, FieldError, Radio } from './form-controls.tsx';
import { errorIdOf, type SectionProps } from './use-contacts-form.ts';

export function ConflictsSection({ id, draft, change }: SectionProps) {
  return (
    <section class="card" aria-labelledby={`${id}-conflicts`}>
      <h2 id={`${id}-conflicts`}>Conflicts</h2>
      <fieldset class="plain" aria-describedby={`${id}-conflicts-hint`}>
        <legend>When a contact changed on both sides since the last sync</legend>
        <Radio
          name={`${id}-policy`}
          label="CRM wins"
          checked={draft.conflictPolicy === 'crm_wins'}
          onSelect={() => change({ conflictPolicy: 'crm_wins' })}
        />
        <Radio
          name={`${id}-policy`}
          label="Exchange wins"
          checked={draft.conflictPolicy === 'exchange_wins'}
          onSelect={() => change({ conflictPolicy: 'exchange_wins' })}
        />
        <Check
          label="Merge fields: keep both sides’ edits when they touch different fields"
          checked={draft.fieldMerge}
          hint="The winner above then decides only the fields edited on both sides. Every conflict is logged with both versions."
          onChange={(on) => change({ fieldMerge: on })}
        />
        <small id={`${id}-conflicts-hint`} class="muted">
          Conflicts happen in two-way sync only.
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
      <h2 id={`${id}-fields`}>Fields</h2>
      <Check
        label="Sync notes"
        checked={draft.syncNotes}
        hint="Turn off to keep contact notes out of Exchange (and Exchange’s notes out of Exsync)."
        onChange={(on) => change({ syncNotes: on })}
      />
      <div class={errors.defaultCountry ? 'field has-error' : 'field'}>
        <label for={`${id}-country`}>Default phone country</label>
        <select
          id={`${id}-country`}
          value={draft.defaultCountry}
          aria-describedby={describedBy(`${id}-country-hint`, errorIdOf(id, errors, 'defaultCountry'))}
          onChange={(e) => change({ defaultCountry: e.currentTarget.value })}
        >
          <option value="">The organisation’s country</option>
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
          Phone numbers written without a country code are read as numbers of the country on the contact’s
          address, and when it names none, of this country; they go to Exchange in international form (+49 …).
          A number whose country cannot be told goes as entered and is listed on the contact.
        </small>
        <FieldError id={`${id}-defaultCountry-error`} text={errors.defaultCountry} />
      </div>
      <div class={errors.massDeleteShare ? 'field has-error' : 'field'}>
        <label for={`${id}-mass`}>Hold a run that would delete more than (%)</label>
        <input
          id={`${id}-mass`}
          type="number"
          inputMode="decimal"
          min={0}
          max={100}
          step="any"
          class="short"
          value={draft.massDeletePercent}
          aria-invalid={errors.massDeleteShare ? true : undefined}
          aria-describedby={describedBy(`${id}-mass-hint`, errorIdOf(id, errors, 'massDeleteShare'))}
          onInput={(e) => change({ massDeletePercent: e.currentTarget.value })}
        />
        <small id={`${id}-mass-hint`} class="hint">
          Of the contacts synced with this mailbox. An administrator then confirms or cancels the deletes on
          the dashboard.
        </small>
        <FieldError id={`${id}-massDeleteShare-error`} text={errors.massDeleteShare} />
      </div>
    </section>
  );
}

export function ScheduleSection({ id, draft, errors, change }: SectionProps) {
  return (
    <section class="card" aria-labelledby={`${id}-schedule`}>
      <h2 id={`${id}-schedule`}>When to sync</h2>
      <Check
        label="Sync contacts automatically"
        checked={draft.autoSync}
        hint="Without it, contacts sync when someone presses “Sync now”."
        onChange={(on) => change({ autoSync: on })}
      />
      <div class={errors.intervalMinutes ? 'field has-error' : 'field'}>
        <label for={`${id}-interval`}>Every (minutes)</label>
        <input
          id={`${id}-interval`}
          type="number"
          inputMode="numeric"
          min={1}
          max={1440}
          step={1}
          class="short"
          disabled={!draft.autoSync}
          value={draft.interval}
          aria-invalid={errors.intervalMinutes ? true : undefined}
          aria-describedby={errorIdOf(id, errors, 'intervalMinutes')}
          onInput={(e) => change({ interval: e.currentTarget.value })}
        />
        <FieldError id={`${id}-intervalMinutes-error`} text={errors.intervalMinutes} />
      </div>
    </section>
  );
}
