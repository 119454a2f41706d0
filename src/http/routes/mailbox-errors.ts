// Mail-service failures as API errors: the domain's codes (service_in_use, mode_locked,
// connection_failed, …) reach the client unchanged, with the status that fits each.
import { isMailboxError, MAILBOX_ERROR_STATUS } from '../../mailboxes/index.ts';
import { SecretError } from '../../secrets/index.ts';
import { ApiError } from '../errors.ts';

export function toApiError(error: unknown): unknown {
  if (isMailboxError(error)) {
    return new ApiError(MAILBOX_ERROR_STATUS[error.code], error.code, error.message, {
      ...(error.details ? { details: error.details } : {}),
    });
  }
  if (error instanceof SecretError) {
    return new ApiError(500, 'internal_error', error.message);
  }
  return error;
}

/** Runs a handler, turning mail-service failures into API errors. */
export async function answer<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toApiError(error);
  }
}
