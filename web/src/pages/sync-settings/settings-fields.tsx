// Parts both sync settings tabs (Contacts, Meetings and tasks) are built of: the "When to sync"
// section with its interval, the mass-delete field, and the form's save bar with what saving came to.
import type { ComponentChildren } from 'preact';
import { Notice } from '../../components/notice.tsx';
import { t } from '../../i18n.ts';
import { Check, FieldError } from './form-controls.tsx';

type Errors = Partial<Record<string, string>>;

/** The id of a field's error text, for aria-describedby, when it has one. */
export const errorIdOf = (id: string, errors: Errors, key: string) =>
  errors[key] ? `${id}-${key}-error` : undefined;

/** The minutes between automatic syncs, editable while automatic sync is on. */
export function IntervalField(props: {
  id: string;
  errors: Errors;
  autoSync: boolean;
  value: string;
  onInput: (value: string) => void;
}) {
  const { id, errors } = props;
  return (
    <div class={errors.intervalMinutes ? 'field has-error' : 'field'}>
      <label for={`${id}-interval`}>{t('syncSettings.schedule.interval')}</label>
      <input
        id={`${id}-interval`}
        type="number"
        inputMode="numeric"
        min={1}
        max={1440}
        step={1}
        class="short"
        disabled={!props.autoSync}
        value={props.value}
        aria-invalid={errors.intervalMinutes ? true : undefined}
        aria-describedby={errorIdOf(id, errors, 'intervalMinutes')}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
      <FieldError id={`${id}-intervalMinutes-error`} text={errors.intervalMinutes} />
    </div>
  );
}

/** The share of linked items a run may delete before it stops, in percent, with its hint. */
export function MassDeleteField(props: {
  id: string;
  errors: Errors;
  value: string;
  hint: string;
  onInput: (value: string) => void;
}) {
  const { id, errors } = props;
  return (
    <div class={errors.massDeleteShare ? 'field has-error' : 'field'}>
      <label for={`${id}-mass`}>{t('syncSettings.fields.massDelete')}</label>
      <input
        id={`${id}-mass`}
        type="number"
        inputMode="decimal"
        min={0}
        max={100}
        step="any"
        class="short"
        value={props.value}
        aria-invalid={errors.massDeleteShare ? true : undefined}
        aria-describedby={[`${id}-mass-hint`, errorIdOf(id, errors, 'massDeleteShare')]
          .filter(Boolean)
          .join(' ')}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
      <small id={`${id}-mass-hint`} class="hint">
        {props.hint}
      </small>
      <FieldError id={`${id}-massDeleteShare-error`} text={errors.massDeleteShare} />
    </div>
  );
}

/** The form's error, Save and Discard with the unsaved badge, and what the last save came to. */
export function SaveBar(props: {
  errors: Errors;
  saving: boolean;
  dirty: boolean;
  outcome: { kind: 'success' | 'error'; text: string } | null;
  onDiscard: () => void;
}) {
  const { errors, saving, dirty, outcome } = props;
  return (
    <>
      {errors.form && <Notice kind="error">{errors.form}</Notice>}
      <div class="form-actions save-bar">
        <button type="submit" class="primary" disabled={saving} aria-busy={saving}>
          {saving && <span class="spinner" aria-hidden="true" />}
          {saving ? t('common.saving') : t('common.save')}
        </button>
        <button type="button" class="secondary" disabled={!dirty || saving} onClick={props.onDiscard}>
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
    </>
  );
}

/** The "When to sync" section: automatic sync on or off, the minutes between runs, then `children`. */
export function ScheduleCard(props: {
  id: string;
  errors: Errors;
  autoSync: boolean;
  interval: string;
  autoLabel: string;
  autoHint: string;
  onAutoSync: (on: boolean) => void;
  onInterval: (value: string) => void;
  children?: ComponentChildren;
}) {
  const { id } = props;
  return (
    <section class="card" aria-labelledby={`${id}-schedule`}>
      <h2 id={`${id}-schedule`}>{t('syncSettings.schedule.heading')}</h2>
      <Check
        label={props.autoLabel}
        checked={props.autoSync}
        hint={props.autoHint}
        onChange={props.onAutoSync}
      />
      <IntervalField
        id={id}
        errors={props.errors}
        autoSync={props.autoSync}
        value={props.interval}
        onInput={props.onInterval}
      />
      {props.children}
    </section>
  );
}
