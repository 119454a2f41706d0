// The few outcomes the sync engine acts on, whatever protocol produced them (SPEC E8).

export type ConnectorErrorCode =
  /** Credentials refused or grant revoked: mark the mailbox "needs sign-in"; do not retry. */
  | 'needs_sign_in'
  /** The server asks us to slow down: wait `retryAfterMs`, then retry. */
  | 'throttled'
  /** The sync cursor is no longer accepted: drop it and sync the folder from scratch. */
  | 'resync_needed'
  | 'not_found'
  /** The server holds a newer version: fetch, merge, write again. */
  | 'conflict'
  | 'permission_denied'
  /** A passing failure (5xx, dropped connection, timeout): retry with back-off. */
  | 'transient'
  /** The request itself is wrong: retrying will not help. */
  | 'permanent'
  /** The server answered something we cannot read (malformed, oversized, not Exchange). */
  | 'invalid_response';

/** Where a network failure happened, for "test connection" messages. */
export type NetworkFailure =
  | 'dns'
  | 'refused'
  | 'tls'
  | 'timeout'
  | 'dropped'
  | 'private_address'
  | 'too_large';

export interface ConnectorErrorOptions {
  retryAfterMs?: number;
  /** The server's own code (`ErrorServerBusy`, `syncStateNotFound`, HTTP status…). */
  serverCode?: string;
  status?: number;
  network?: NetworkFailure;
  cause?: unknown;
}

/**
 * The longest wait a server can impose on a mailbox (15 minutes). A server asking for more
 * (`BackOffMilliseconds=86400000`, `Retry-After: 999999999`) gets this: a broken or hostile
 * server must not block a mailbox for a day or for decades.
 */
export const MAX_SERVER_BACKOFF_MS = 15 * 60_000;

/** A server's requested wait, bounded to 0…MAX_SERVER_BACKOFF_MS (nonsense counts as the cap). */
export function boundedBackoff(ms: number): number {
  if (!Number.isFinite(ms)) return MAX_SERVER_BACKOFF_MS;
  return Math.min(Math.max(0, Math.round(ms)), MAX_SERVER_BACKOFF_MS);
}

export class ConnectorError extends Error {
  readonly code: ConnectorErrorCode;
  readonly retryAfterMs?: number;
  readonly serverCode?: string;
  readonly status?: number;
  readonly network?: NetworkFailure;

  constructor(code: ConnectorErrorCode, message: string, options: ConnectorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConnectorError';
    this.code = code;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = boundedBackoff(options.retryAfterMs);
    if (options.serverCode !== undefined) this.serverCode = options.serverCode;
    if (options.status !== undefined) this.status = options.status;
    if (options.network !== undefined) this.network = options.network;
  }
}

export function isConnectorError(error: unknown, code?: ConnectorErrorCode): error is ConnectorError {
  return error instanceof ConnectorError && (code === undefined || error.code === code);
}

/** Retrying the same request may succeed. */
export function isRetryable(error: unknown): error is ConnectorError {
  return error instanceof ConnectorError && (error.code === 'throttled' || error.code === 'transient');
}

/**
 * Whether a failed request certainly did nothing: the server refused it before acting on it
 * (throttled, or 503 Service Unavailable) or it never reached the server (connection refused).
 * A dropped connection, a timeout or a server error may hide a request that was carried out, so
 * a request that must not be made twice (a create) is sent again only after such a failure.
 */
export function certainlyNotProcessed(error: unknown): boolean {
  if (!(error instanceof ConnectorError)) return false;
  if (error.code === 'throttled') return true;
  return error.code === 'transient' && (error.status === 503 || error.network === 'refused');
}

/** Wraps anything thrown by parsing code so that a hostile answer never escapes as a raw error. */
export function asInvalidResponse(error: unknown, what: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new ConnectorError(
    'invalid_response',
    `The server's answer to ${what} could not be read (${reason}).`,
    { cause: error },
  );
}

/** Parses an HTTP Retry-After header (seconds or an HTTP date) into milliseconds. */
export function retryAfterFromHeader(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
