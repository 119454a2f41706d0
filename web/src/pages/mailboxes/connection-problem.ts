// A failed connection test in one line a person can act on. The server's message says the
// details and what to do; the title names the kind of failure from its `problem` code.
import { ApiProblem } from '../../api.ts';
import type { ConnectionTest } from '../../types.ts';

type Problem = NonNullable<ConnectionTest['problem']>;

const TITLES: Record<Problem, string> = {
  unauthorized: 'Wrong login or password',
  unresolvable: 'The mail server’s address does not resolve',
  refused: 'The mail server cannot be reached',
  timeout: 'The mail server did not answer in time',
  tls: 'The mail server’s certificate is not trusted',
  private_address: 'The mail server is on a private address',
  not_exchange: 'The address does not lead to Exchange',
  permission_denied: 'The account may not open this mailbox',
  throttled: 'Exchange asked to slow down',
  other: 'The connection test failed',
};

export function problemTitle(problem: string | undefined): string {
  return problem && problem in TITLES ? TITLES[problem as Problem] : TITLES.other;
}

/** The problem code a 422 connection_failed answer carries in its details. */
export function problemOf(error: unknown): string | undefined {
  if (!(error instanceof ApiProblem) || error.code !== 'connection_failed') return undefined;
  return error.details.find((d) => d.path === 'connection')?.message ?? 'other';
}
