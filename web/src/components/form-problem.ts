// A form's refusal by the API: its message for the form's notice and its messages per field.
// When a refusal arrives, the first invalid field (or else the form's notice) is scrolled into
// view and focused, so that pressing Save at the bottom of a long form never leaves the reason
// out of sight with the focus on the page body.
import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiProblem } from '../api.ts';
import { fieldErrors } from './field.tsx';

/** Scrolls to and focuses the first invalid field inside `container`, else its first alert. */
export function revealProblem(container: HTMLElement | null): void {
  if (!container) return;
  const target =
    container.querySelector<HTMLElement>('[aria-invalid="true"]') ??
    container.querySelector<HTMLElement>('[role="alert"]');
  if (!target) return;
  if (!target.matches('input, select, textarea, button, a[href]') && !target.hasAttribute('tabindex'))
    target.tabIndex = -1;
  target.scrollIntoView({ block: 'center' });
  target.focus({ preventScroll: true });
}

export function useFormProblem<F extends HTMLElement = HTMLFormElement>() {
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const formRef = useRef<F>(null) as RefObject<F>;
  const errors = problem ? fieldErrors(problem.details) : {};
  useEffect(() => {
    if (problem) revealProblem(formRef.current);
  }, [problem]);
  /**
   * Runs the form's action. The API's refusal stays for the form to show beside its fields; any
   * other failure goes on to the caller (an ActionButton shows it).
   */
  const submit = async (action: () => Promise<void>) => {
    setProblem(null);
    try {
      await action();
    } catch (error) {
      if (error instanceof ApiProblem) setProblem(error);
      else throw error;
    }
  };
  return { problem, errors, submit, formRef };
}
