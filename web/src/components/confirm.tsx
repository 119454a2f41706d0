// Asking before an action that is hard or impossible to undo: a group named by its legend with
// the question, the action and Cancel.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../i18n.ts';
import { ActionButton } from './action-button.tsx';

export function Confirm(props: {
  legend: string;
  /** The question: says exactly what the action does. */
  children: ComponentChildren;
  action: ComponentChildren;
  busyLabel: string;
  kind?: 'danger' | 'primary';
  onAction: () => Promise<void>;
  onCancel: () => void;
  class?: string;
}) {
  const question = useRef<HTMLParagraphElement>(null);
  // The button that opened the question is gone: keyboard focus goes to the question.
  useEffect(() => {
    question.current?.focus();
  }, []);
  return (
    <fieldset class={props.class}>
      <legend>{props.legend}</legend>
      <p ref={question} tabIndex={-1}>
        {props.children}
      </p>
      <div class="form-actions">
        <ActionButton kind={props.kind ?? 'danger'} busyLabel={props.busyLabel} onAction={props.onAction}>
          {props.action}
        </ActionButton>
        <button type="button" class="secondary" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </fieldset>
  );
}
