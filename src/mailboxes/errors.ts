// Failures of the mail-service domain. Each has a code for programs and a message that says
// what to do; the HTTP layer maps codes to statuses.
import type { ConnectionProblem } from '../connectors/index.ts';

export type MailboxErrorCode =
  | 'not_found'
  | 'forbidden'
  | 'validation_failed'
  | 'conflict'
  /** The service still has mailboxes; details list them. */
  | 'service_in_use'
  /** Organisation or individual mode was chosen for the service and cannot change. */
  | 'mode_locked'
  /** "Test connection" failed; `problem` says which way. */
  | 'connection_failed'
  /** No service serves the address and Autodiscover found none. */
  | 'no_service'
  /** The OAuth sign-in could not be completed (bad, used or expired state, refused code). */
  | 'sign_in_failed'
  /** Exchange answered a read with an error (the mailbox's health records it). */
  | 'exchange_error';

export const MAILBOX_ERROR_STATUS: Record<MailboxErrorCode, number> = {
  not_found: 404,
  forbidden: 403,
  validation_failed: 422,
  conflict: 409,
  service_in_use: 409,
  mode_locked: 409,
  connection_failed: 422,
  no_service: 422,
  sign_in_failed: 400,
  exchange_error: 502,
};

export interface MailboxErrorDetail {
  path: string;
  message: string;
}

export class MailboxError extends Error {
  readonly code: MailboxErrorCode;
  readonly details?: MailboxErrorDetail[];
  readonly problem?: ConnectionProblem;

  constructor(
    code: MailboxErrorCode,
    message: string,
    extra: { details?: MailboxErrorDetail[]; problem?: ConnectionProblem } = {},
  ) {
    super(message);
    this.name = 'MailboxError';
    this.code = code;
    if (extra.details) this.details = extra.details;
    if (extra.problem) this.problem = extra.problem;
  }
}

export function isMailboxError(error: unknown, code?: MailboxErrorCode): error is MailboxError {
  return error instanceof MailboxError && (code === undefined || error.code === code);
}

export const requireAdministration = (what: string) =>
  new MailboxError(
    'forbidden',
    `Only users holding the system operation CanManageAdministration may ${what}. Ask an administrator.`,
  );
