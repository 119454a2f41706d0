// Loading data for a screen: the result, a visible "loading" state, and the error with a retry.
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { messageOf } from '../api.ts';
import { t } from '../i18n.ts';
import { Notice } from './notice.tsx';

export type Loaded<T> =
  | { state: 'loading'; data?: T }
  | { state: 'ready'; data: T }
  | { state: 'failed'; error: string; data?: T };

/**
 * Runs `load` now and whenever `deps` change; `reload()` runs it again keeping the old data on
 * screen. A newer load wins over an older one that answers late.
 */
export function useLoad<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: unknown[],
): [Loaded<T>, () => Promise<void>] {
  const [result, setResult] = useState<Loaded<T>>({ state: 'loading' });
  const generation = useRef(0);
  const controller = useRef<AbortController | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names the dependencies
  const run = useCallback(async () => {
    const mine = ++generation.current;
    controller.current?.abort();
    const abort = new AbortController();
    controller.current = abort;
    setResult((previous) => ({ state: 'loading', data: previous.data }));
    try {
      const data = await load(abort.signal);
      if (mine === generation.current) setResult({ state: 'ready', data });
    } catch (error) {
      if (abort.signal.aborted) return;
      if (mine === generation.current)
        setResult((previous) => ({ state: 'failed', error: messageOf(error), data: previous.data }));
    }
  }, deps);
  useEffect(() => {
    void run();
    return () => controller.current?.abort();
  }, [run]);
  return [result, run];
}

/** Shows loading and failure for a Loaded value and renders children once there is data. */
export function Loading<T>(props: {
  value: Loaded<T>;
  what: string;
  retry?: () => void;
  children: (data: T) => ComponentChildren;
}) {
  const { value } = props;
  return (
    <>
      {value.state === 'failed' && (
        <Notice kind="error" title={t('common.loadFailed', { what: props.what })}>
          {value.error}{' '}
          {props.retry && (
            <button type="button" class="link" onClick={props.retry}>
              {t('common.tryAgain')}
            </button>
          )}
        </Notice>
      )}
      {value.state === 'loading' && value.data === undefined && (
        <p class="muted" aria-busy="true">
          <span class="spinner" aria-hidden="true" /> {t('common.loadingWhat', { what: props.what })}
        </p>
      )}
      {value.data !== undefined && props.children(value.data)}
    </>
  );
}
