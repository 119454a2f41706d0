// Asking before an action that is hard or impossible to undo: a group named by its legend with
// the question, the action and Cancel. Escape cancels like Cancel; after either, focus goes back
// to the button that asked (the caller's `returnFocus`), never to the page body.
import type { ComponentChildren, RefObject } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../i18n.ts';
import { ActionButton } from './action-button.tsx';

/** Focuses the element once the screen has rendered the change that brought it back. */
export function focusSoon(
  target: RefObject<HTMLElement | null> | (() => HTMLElement | null | undefined),
): void {
  requestAnimationFrame(() => {
    const element = typeof target === 'function' ? target() : target.current;
    element?.focus();
  });
}

export function Confirm(props: {
  legend: string;
  /** The question: says exactly what the action does. */
  children: ComponentChildren;
  action: ComponentChildren;
  busyLabel: string;
  kind?: 'danger' | 'primary';
  onAction: () => Promise<void>;
  onCancel: () => void;
  /** The button that opened the question; it gets the focus back after Cancel or Escape. */
  returnFocus?: RefObject<HTMLElement | null>;
  class?: string;
}) {
  const question = useRef<HTMLParagraphElement>(null);
  // The button that opened the question is gone: keyboard focus goes to the question.
  useEffect(() => {
    question.current?.focus();
  }, []);
  const cancel = () => {
    props.onCancel();
    if (props.returnFocus) focusSoon(props.returnFocus);
  };
  return (
    <fieldset
      class={props.class}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          cancel();
        }
      }}
    >
      <legend>{props.legend}</legend>
      <p ref={question} tabIndex={-1}>
        {props.children}
      </p>
      <div class="form-actions">
        <ActionButton kind={props.kind ?? 'danger'} busyLabel={props.busyLabel} onAction={props.onAction}>
          {props.action}
        </ActionButton>
        <button type="button" class="secondary" onClick={cancel}>
          {t('common.cancel')}
        </button>
      </div>
    </fieldset>
  );
}
