// The small form controls the sync settings tabs are built of: a checkbox with its hint, a radio
// button, and a field's error text.
import { useId } from 'preact/hooks';

export function Check(props: {
  label: string;
  checked: boolean;
  disabled?: boolean;
  hint?: string;
  onChange: (on: boolean) => void;
}) {
  const hintId = useId();
  return (
    <div class="check-block">
      <label class="check">
        <input
          type="checkbox"
          checked={props.checked}
          disabled={props.disabled}
          aria-describedby={props.hint ? hintId : undefined}
          onChange={(e) => props.onChange(e.currentTarget.checked)}
        />
        {props.label}
      </label>
      {props.hint && (
        <small id={hintId} class="hint muted">
          {props.hint}
        </small>
      )}
    </div>
  );
}

export function Radio(props: {
  name: string;
  label: string;
  checked: boolean;
  disabled?: boolean;
  onSelect: () => void;
}) {
  return (
    <label class="check">
      <input
        type="radio"
        name={props.name}
        checked={props.checked}
        disabled={props.disabled}
        onChange={(e) => e.currentTarget.checked && props.onSelect()}
      />
      {props.label}
    </label>
  );
}

export function FieldError(props: { id: string; text?: string }) {
  return props.text ? (
    <small id={props.id} class="field-error">
      {props.text}
    </small>
  ) : null;
}
