import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';

/**
 * A labelled form control. `children` receives the id to put on the control; `error` (from the
 * API's details for this field) is linked to it for screen readers.
 */
export function Field(props: {
  label: string;
  hint?: string;
  error?: string | null;
  children: (id: string, describedBy: string | undefined) => ComponentChildren;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [props.hint ? hintId : null, props.error ? errorId : null].filter(Boolean).join(' ');
  return (
    <div class={props.error ? 'field has-error' : 'field'}>
      <label for={id}>{props.label}</label>
      {props.children(id, describedBy || undefined)}
      {props.hint && (
        <small id={hintId} class="hint">
          {props.hint}
        </small>
      )}
      {props.error && (
        <small id={errorId} class="field-error">
          {props.error}
        </small>
      )}
    </div>
  );
}

/** Error messages of an ApiProblem keyed by field path ("body.email" → "email"). */
export function fieldErrors(details: Array<{ path: string; message: string }>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const d of details) {
    const key = d.path.replace(/^(body|query|params)\.?/, '');
    errors[key] ??= d.message;
  }
  return errors;
}
