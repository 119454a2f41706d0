// Microsoft Graph answers → the domain error model (pure, so each rule has a test).
import { ConnectorError, retryAfterFromHeader } from '../errors.ts';

export interface GraphFailure {
  status: number;
  /** Header lookup, case-insensitive (a batch member's headers included). */
  header?: (name: string) => string | undefined;
  /** The parsed JSON body, if any. */
  body?: unknown;
}

interface GraphErrorBody {
  error?: { code?: unknown; message?: unknown; innerError?: { code?: unknown } } | string;
  error_description?: unknown;
}

/** The error code and message of a Graph (or token endpoint) error body. */
export function graphErrorInfo(body: unknown): { code: string; message: string } {
  const b = (body && typeof body === 'object' ? body : {}) as GraphErrorBody;
  if (typeof b.error === 'string') {
    return {
      code: b.error,
      message: typeof b.error_description === 'string' ? b.error_description : b.error,
    };
  }
  const code = typeof b.error?.code === 'string' ? b.error.code : '';
  const inner = typeof b.error?.innerError?.code === 'string' ? b.error.innerError.code : '';
  const message = typeof b.error?.message === 'string' ? b.error.message : '';
  return { code: code || inner, message };
}

export function parseGraphError(failure: GraphFailure, what = 'the request'): ConnectorError {
  const { status } = failure;
  const { code, message } = graphErrorInfo(failure.body);
  const detail = message ? `: ${message}` : '';
  const options = { status, serverCode: code || String(status) };
  const lower = code.toLowerCase();
  if (lower === 'invalid_grant' || lower === 'interaction_required') {
    return new ConnectorError(
      'needs_sign_in',
      `Microsoft 365 no longer accepts this mailbox's sign-in${detail}. Sign in again.`,
      options,
    );
  }
  if (
    status === 410 ||
    lower === 'syncstatenotfound' ||
    lower === 'syncstateinvalid' ||
    lower === 'resyncrequired'
  ) {
    return new ConnectorError(
      'resync_needed',
      `The delta token is no longer accepted${detail}; the folder will be synced from scratch.`,
      options,
    );
  }
  if (status === 429 || status === 503 || status === 509) {
    const retryAfterMs = retryAfterFromHeader(failure.header?.('retry-after'));
    if (status === 429 || retryAfterMs !== undefined) {
      return new ConnectorError('throttled', `Microsoft Graph is throttling ${what}${detail}.`, {
        ...options,
        retryAfterMs: retryAfterMs ?? 5_000,
      });
    }
    return new ConnectorError('transient', `Microsoft Graph is unavailable (${status})${detail}.`, options);
  }
  if (status === 401) {
    return new ConnectorError(
      'needs_sign_in',
      `Microsoft Graph refused the access token${detail}. Sign in again.`,
      options,
    );
  }
  if (status === 403) {
    return new ConnectorError(
      'permission_denied',
      `Microsoft Graph denied ${what}${detail}. Check the app's permissions and the tenant's application access policy.`,
      options,
    );
  }
  if (status === 404) return new ConnectorError('not_found', `Not found${detail}.`, options);
  if (status === 409 || status === 412) {
    return new ConnectorError(
      'conflict',
      `The item changed on the server since it was read${detail}.`,
      options,
    );
  }
  if (status === 424)
    return new ConnectorError('transient', `A request it depended on failed${detail}.`, options);
  if (status >= 500 || status === 408) {
    return new ConnectorError(
      'transient',
      `Microsoft Graph failed (${status})${detail}; it will be retried.`,
      options,
    );
  }
  return new ConnectorError('permanent', `Microsoft Graph refused ${what} (${status})${detail}.`, options);
}
