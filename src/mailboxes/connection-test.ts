// "Test connection" in words an administrator or user can act on: which of the usual problems
// happened (does not resolve, refuses TLS, answers 401, is not Exchange, private address refused,
// permission missing) and what to do about it.
import type { ConnectionProblem, ConnectionTestResult } from '../connectors/index.ts';
import type { MailServicesTable } from '../db/schema.ts';

export type TestProblem = ConnectionProblem | 'throttled';

export interface TestOutcome {
  ok: boolean;
  problem?: TestProblem;
  message: string;
}

function advice(
  problem: TestProblem,
  service: MailServicesTable,
  oauth: boolean,
  organisation: boolean,
): string {
  switch (problem) {
    case 'unresolvable':
      return `Check the service address "${service.service_address}" of the mail service "${service.name}".`;
    case 'refused':
      return 'Check the service address and port, and that the server is running.';
    case 'tls':
      return 'If the server uses a certificate from your own certificate authority, an administrator can add that CA certificate (PEM) to the mail service ("caCertificate").';
    case 'private_address':
      return 'An administrator can allow private addresses for this mail service ("allowPrivateAddresses"), or for the whole server with EXSYNC_ALLOW_PRIVATE_ADDRESSES=true.';
    case 'unauthorized':
      if (oauth) return 'Sign in to Microsoft again to renew the consent.';
      return organisation
        ? 'Check the service account login and password of the organisation connection.'
        : "Check the login (and the service's login format) and update the password.";
    case 'not_exchange':
      return service.type === 'exchange'
        ? 'Check that the service address points to the Exchange server (or its EWS URL).'
        : 'Check the Graph base URL of the mail service.';
    case 'permission_denied':
      return organisation
        ? service.type === 'exchange'
          ? 'Give the service account the ApplicationImpersonation role (New-ManagementRoleAssignment -Role ApplicationImpersonation).'
          : "An administrator of the tenant must grant admin consent to the app's application permissions."
        : 'The account may not open this mailbox; check the address and login.';
    case 'timeout':
    case 'throttled':
      return 'Try again in a few minutes.';
    case 'other':
      return '';
  }
}

/** The connector's verdict, with the advice that fits this service and mode. */
export function explainTest(
  result: ConnectionTestResult,
  service: MailServicesTable,
  options: { oauth: boolean; organisation: boolean },
): TestOutcome {
  if (result.ok) return { ok: true, message: result.message };
  const extra = advice(result.problem, service, options.oauth, options.organisation);
  return {
    ok: false,
    problem: result.problem,
    message: extra ? `${result.message} ${extra}` : result.message,
  };
}
