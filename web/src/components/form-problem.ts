// A form's refusal by the API: its message for the form's notice and its messages per field.
import { useState } from 'preact/hooks';
import { ApiProblem } from '../api.ts';
import { fieldErrors } from './field.tsx';

export function useFormProblem() {
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const errors = problem ? fieldErrors(problem.details) : {};
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
  return { problem, errors, submit };
}
