// A button that runs an async action: disabled with a spinner while it runs, so that anything
// taking more than a moment shows progress and cannot be sent twice.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { messageOf } from '../api.ts';

export function ActionButton(props: {
  onAction: () => Promise<void>;
  /** Told about a failure; without it the message is shown next to the button. */
  onError?: (message: string) => void;
  busyLabel?: string;
  kind?: 'primary' | 'secondary' | 'danger';
  type?: 'button' | 'submit';
  disabled?: boolean;
  children: ComponentChildren;
  'data-testid'?: string;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await props.onAction();
    } catch (e) {
      const message = messageOf(e);
      if (props.onError) props.onError(message);
      else setError(message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button
        type={props.type ?? 'button'}
        class={props.kind ?? 'secondary'}
        disabled={props.disabled || busy}
        aria-busy={busy}
        data-testid={props['data-testid']}
        onClick={(event) => {
          event.preventDefault();
          void run();
        }}
      >
        {busy && <span class="spinner" aria-hidden="true" />}
        {busy ? (props.busyLabel ?? props.children) : props.children}
      </button>
      {error && (
        <span class="inline-error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}
