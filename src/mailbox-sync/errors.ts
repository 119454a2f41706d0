// Why a mailbox cannot be synced now, or a sync request cannot be served. Codes are for programs;
// every message says what to do.
export type SyncErrorCode =
  /** The mailbox was disconnected (A6): its data is kept, nothing syncs. */
  | 'mailbox_disconnected'
  /** Waiting for its Microsoft sign-in, or its password or grant stopped working. */
  | 'mailbox_needs_sign_in'
  /** Exchange asked us to wait; `until` is in the message. */
  | 'mailbox_throttled'
  /** Organisation mode: an administrator has not selected this user (A5). */
  | 'user_not_selected'
  /** The mailbox's user is deactivated (A5). */
  | 'user_inactive'
  /** The mail service of the mailbox was deleted. */
  | 'service_missing'
  /** The entity's direction is off. */
  | 'sync_off'
  /** Another run of the same mailbox and entity is going on. */
  | 'sync_busy'
  /** The entity is not synced by Exsync (yet). */
  | 'unknown_entity';

export const SYNC_ERROR_STATUS: Record<SyncErrorCode, number> = {
  mailbox_disconnected: 409,
  mailbox_needs_sign_in: 409,
  mailbox_throttled: 409,
  user_not_selected: 409,
  user_inactive: 409,
  service_missing: 409,
  sync_off: 409,
  sync_busy: 409,
  unknown_entity: 422,
};

export class SyncError extends Error {
  readonly code: SyncErrorCode;

  constructor(code: SyncErrorCode, message: string) {
    super(message);
    this.name = 'SyncError';
    this.code = code;
  }
}

export function isSyncError(error: unknown, code?: SyncErrorCode): error is SyncError {
  return error instanceof SyncError && (code === undefined || error.code === code);
}
