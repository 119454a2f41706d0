// A failed connection test in one line a person can act on. The server's message says the
// details and what to do; the title names the kind of failure from its `problem` code.
import { ApiProblem } from '../../api.ts';
import { type MessageKey, t } from '../../i18n.ts';
import type { ConnectionTest } from '../../types.ts';

type Problem = NonNullable<ConnectionTest['problem']>;

const TITLES: Record<Problem, MessageKey> = {
  unauthorized: 'problem.unauthorized',
  unresolvable: 'problem.unresolvable',
  refused: 'problem.refused',
  timeout: 'problem.timeout',
  tls: 'problem.tls',
  private_address: 'problem.private_address',
  not_exchange: 'problem.not_exchange',
  permission_denied: 'problem.permission_denied',
  throttled: 'problem.throttled',
  other: 'problem.other',
};

export function problemTitle(problem: string | undefined): string {
  return t(problem && problem in TITLES ? TITLES[problem as Problem] : TITLES.other);
}

/** The problem code a 422 connection_failed answer carries in its details. */
export function problemOf(error: unknown): string | undefined {
  if (!(error instanceof ApiProblem) || error.code !== 'connection_failed') return undefined;
  return error.details.find((d) => d.path === 'connection')?.message ?? 'other';
}
