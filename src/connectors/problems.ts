// "Test connection" answers: which of the usual problems happened, in words an administrator
// can act on.
import { ConnectorError } from './errors.ts';
import type { ConnectionProblem, ConnectionTestResult } from './types.ts';

export function problemOf(error: unknown, service: string): ConnectionTestResult {
  const fail = (problem: ConnectionProblem, message: string): ConnectionTestResult => ({
    ok: false,
    problem,
    message,
  });
  if (!(error instanceof ConnectorError)) {
    return fail(
      'other',
      `Testing the connection to ${service} failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  switch (error.network) {
    case 'dns':
      return fail('unresolvable', `The ${service} address does not resolve. ${error.message}`);
    case 'refused':
      return fail('refused', `Nothing answers at the ${service} address. ${error.message}`);
    case 'tls':
      return fail('tls', `The TLS connection to ${service} was refused. ${error.message}`);
    case 'timeout':
      return fail('timeout', `${service} did not answer in time. ${error.message}`);
    case 'private_address':
      return fail('private_address', error.message);
    default:
      break;
  }
  switch (error.code) {
    case 'needs_sign_in':
      // The connector's message already names the refusal and what to do about it.
      return fail('unauthorized', error.message);
    case 'permission_denied':
      return fail('permission_denied', error.message);
    case 'invalid_response':
    case 'not_found':
      return fail(
        'not_exchange',
        `The address answers, but not like ${service}: check the service address. (${error.message})`,
      );
    default:
      return fail('other', error.message);
  }
}
