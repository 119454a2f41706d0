// A button that runs an async action: disabled with a spinner while it runs, so that anything
// taking more than a moment shows progress and cannot be sent twice. Disabling drops the
// keyboard focus, so a failure puts it on the message (or back on the button when the caller
// shows the message elsewhere).
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
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
  const [failures, setFailures] = useState(0);
  const button = useRef<HTMLButtonElement>(null);
  const message = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (failures === 0) return;
    if (message.current) message.current.focus();
    else if (button.current?.isConnected && document.activeElement === document.body) button.current.focus();
  }, [failures]);
  const run = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await props.onAction();
    } catch (e) {
      const text = messageOf(e);
      if (props.onError) props.onError(text);
      else setError(text);
      setFailures((n) => n + 1);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button
        ref={button}
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
        <span class="inline-error" role="alert" tabIndex={-1} ref={message}>
          {error}
        </span>
      )}
    </>
  );
}
