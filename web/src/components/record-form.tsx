// The create/edit form of the simpler record types (accounts, leads, deals): fields described
// once, sent as the API wants them (empty text as null, numbers as numbers), the refusal shown
// in view with focus on it, and the question before unsaved changes are lost.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiProblem, messageOf } from '../api.ts';
import { t } from '../i18n.ts';
import { ActionButton } from './action-button.tsx';
import { Field, fieldErrors } from './field.tsx';
import { useLeaveGuard } from './leave-guard.ts';
import { Notice } from './notice.tsx';

export interface FormField {
  /** API field; a dotted name (`address.city`) is a part of an object field. */
  name: string;
  /** The field's label, in the user's language. */
  label: () => string;
  kind?: 'text' | 'textarea' | 'date' | 'number' | 'select' | 'url' | 'tel';
  /** For `select`: value → label; the empty value means none (null). */
  options?: () => Array<[string, string]>;
  hint?: () => string;
  /** Sent even when empty (as ''), for fields the API requires. */
  required?: boolean;
  /** Not sent when empty, so that the server derives it (e.g. a display name). */
  omitEmpty?: boolean;
}

export type FormValues = Record<string, string>;

/** The form's text values of a record: nulls as '', numbers as text, object parts by dotted name. */
export function valuesOf(fields: FormField[], record: Record<string, unknown> | undefined): FormValues {
  const values: FormValues = {};
  for (const f of fields) {
    const [head, part] = f.name.split('.');
    const raw = part
      ? (record?.[head] as Record<string, unknown> | null | undefined)?.[part]
      : record?.[head];
    values[f.name] = raw === null || raw === undefined ? '' : String(raw);
  }
  return values;
}

/** The API body of the form's values; an object field with no part filled is null. */
export function bodyOf(fields: FormField[], values: FormValues): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    const text = (values[f.name] ?? '').trim();
    const value =
      text === '' ? (f.required ? '' : null) : f.kind === 'number' ? Number(text.replace(',', '.')) : text;
    if (text === '' && f.omitEmpty) continue;
    const [head, part] = f.name.split('.');
    if (part) {
      const parts = (body[head] as Record<string, unknown> | null | undefined) ?? {};
      parts[part] = value;
      body[head] = parts;
    } else body[head] = value;
  }
  for (const [key, value] of Object.entries(body)) {
    if (value && typeof value === 'object' && Object.values(value).every((v) => v === null)) body[key] = null;
  }
  return body;
}

export function RecordForm(props: {
  title: string;
  /** Shown as a heading of the form (an edit on a record page); a page of its own has its title. */
  showTitle?: boolean;
  fields: FormField[];
  initial: FormValues;
  /** What the form's notice says when the API refuses, e.g. "The account was not saved". */
  refused: string;
  leaveQuestion: string;
  submitLabel: string;
  busyLabel: string;
  /**
   * Fields the generic inputs do not cover (e.g. email rows); their changes count as unsaved.
   * `children` may take the refusal's message at a field path (or below it) to show it there.
   */
  extra?: {
    dirty: boolean;
    body: () => Record<string, unknown>;
    children: ComponentChildren | ((errorAt: (path: string) => string | undefined) => ComponentChildren);
  };
  onSubmit: (body: Record<string, unknown>) => Promise<void>;
  onCancel: () => void;
}) {
  const [values, setValues] = useState(props.initial);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [done, setDone] = useState(false);
  const dirty =
    !done && (JSON.stringify(values) !== JSON.stringify(props.initial) || Boolean(props.extra?.dirty));
  useLeaveGuard(dirty, props.leaveQuestion);
  const summary = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (problem) {
      summary.current?.scrollIntoView({ block: 'center' });
      summary.current?.focus();
    }
  }, [problem]);
  const errors = problem ? fieldErrors(problem.details) : {};
  const errorOf = (name: string) => errors[name] ?? errors[name.split('.')[0]];
  const errorAt = (path: string) =>
    errors[path] ?? Object.entries(errors).find(([key]) => key.startsWith(`${path}.`))?.[1];
  const extraChildren = props.extra?.children;

  const submit = async () => {
    setProblem(null);
    try {
      setDone(true);
      await props.onSubmit({ ...bodyOf(props.fields, values), ...(props.extra?.body() ?? {}) });
    } catch (error) {
      setDone(false);
      if (error instanceof ApiProblem) setProblem(error);
      else throw error;
    }
  };

  return (
    <form
      class="card crm-record-form"
      aria-label={props.title}
      onSubmit={(e) => {
        e.preventDefault();
      }}
    >
      {props.showTitle && <h2>{props.title}</h2>}
      {problem && (
        <div ref={summary} tabIndex={-1}>
          <Notice kind="error" title={props.refused}>
            {messageOf(problem)}
          </Notice>
        </div>
      )}
      <div class="crm-form-fields">
        {props.fields.map((f) => (
          <Field key={f.name} label={f.label()} hint={f.hint?.()} error={errorOf(f.name)}>
            {(id, d) => {
              const common = {
                id,
                'aria-describedby': d,
                value: values[f.name],
                onInput: (e: { currentTarget: { value: string } }) =>
                  setValues({ ...values, [f.name]: e.currentTarget.value }),
              };
              switch (f.kind) {
                case 'textarea':
                  return <textarea rows={4} {...common} />;
                case 'select':
                  return (
                    <select {...common} onChange={common.onInput}>
                      {(f.options?.() ?? []).map(([v, l]) => (
                        <option key={v} value={v}>
                          {l}
                        </option>
                      ))}
                    </select>
                  );
                case 'date':
                  return <input type="date" {...common} />;
                case 'number':
                  return <input type="text" inputMode="decimal" {...common} />;
                case 'url':
                  return <input type="text" inputMode="url" {...common} />;
                case 'tel':
                  return <input type="text" inputMode="tel" {...common} />;
                default:
                  return <input type="text" {...common} />;
              }
            }}
          </Field>
        ))}
      </div>
      {typeof extraChildren === 'function' ? extraChildren(errorAt) : extraChildren}
      <div class="form-actions">
        <ActionButton kind="primary" type="submit" onAction={submit} busyLabel={props.busyLabel}>
          {props.submitLabel}
        </ActionButton>
        <button type="button" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
        {dirty && <span class="badge badge-warn">{t('common.unsaved')}</span>}
      </div>
    </form>
  );
}
