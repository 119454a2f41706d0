// EWS answers → the domain error model (pure, so each rule has a test).
import { ConnectorError } from '../errors.ts';
import { attr, child, children, text, type XNode } from './xml.ts';

export interface EwsFailure {
  /** ResponseCode of a response message or of a fault's detail. */
  responseCode?: string;
  message?: string;
  /** The MessageXml element, carrying BackOffMilliseconds for ErrorServerBusy. */
  messageXml?: XNode;
  httpStatus?: number;
}

export function backOffMilliseconds(messageXml: XNode | undefined): number | undefined {
  for (const value of children(messageXml, 'Value')) {
    if (attr(value, 'Name') === 'BackOffMilliseconds') {
      const ms = Number(text(value));
      if (Number.isFinite(ms) && ms >= 0) return ms;
    }
  }
  return undefined;
}

const CONFLICT = new Set([
  'ErrorIrresolvableConflict',
  'ErrorStaleObject',
  'ErrorChangeKeyRequiredForWriteOperations',
]);
const NOT_FOUND = new Set([
  'ErrorItemNotFound',
  'ErrorFolderNotFound',
  'ErrorNonExistentMailbox',
  'ErrorMailboxStoreUnavailable',
]);
const DENIED = new Set([
  'ErrorImpersonateUserDenied',
  'ErrorAccessDenied',
  'ErrorImpersonationDenied',
  'ErrorInvalidExchangeImpersonationHeaderData',
  'ErrorNotDelegate',
]);
const RESYNC = new Set(['ErrorInvalidSyncStateData', 'ErrorSyncFolderNotFound']);
const TRANSIENT = new Set([
  'ErrorInternalServerTransientError',
  'ErrorMailboxMoveInProgress',
  'ErrorTimeoutExpired',
  'ErrorConnectionFailed',
]);

export function parseEwsError(failure: EwsFailure, what = 'the request'): ConnectorError {
  const code = failure.responseCode;
  const detail = failure.message ? `: ${failure.message}` : '';
  const options = {
    serverCode: code ?? (failure.httpStatus ? String(failure.httpStatus) : undefined),
    status: failure.httpStatus,
  };
  if (failure.httpStatus === 401) {
    return new ConnectorError(
      'needs_sign_in',
      `Exchange refused the credentials (401)${detail}. Check the login and password or sign in again.`,
      options,
    );
  }
  if (code === 'ErrorServerBusy') {
    return new ConnectorError('throttled', `Exchange is busy and throttles ${what}${detail}.`, {
      ...options,
      retryAfterMs: backOffMilliseconds(failure.messageXml) ?? 5_000,
    });
  }
  if (code === 'ErrorExceededConnectionCount' || code === 'ErrorExceededSubscriptionCount') {
    return new ConnectorError(
      'throttled',
      `Too many concurrent requests to Exchange for this account${detail}.`,
      { ...options, retryAfterMs: 2_000 },
    );
  }
  if (code && RESYNC.has(code)) {
    return new ConnectorError(
      'resync_needed',
      `Exchange no longer accepts the sync state${detail}; the folder will be synced from scratch.`,
      options,
    );
  }
  if (code && CONFLICT.has(code))
    return new ConnectorError(
      'conflict',
      `The item changed on the server since it was read${detail}.`,
      options,
    );
  if (code && NOT_FOUND.has(code)) return new ConnectorError('not_found', `Not found${detail}.`, options);
  if (code && DENIED.has(code)) {
    return new ConnectorError(
      'permission_denied',
      `Exchange denied ${what}${detail}. Organisation mode needs the ApplicationImpersonation role for the service account.`,
      options,
    );
  }
  if (code && TRANSIENT.has(code))
    return new ConnectorError('transient', `Exchange failed for a moment${detail}.`, options);
  if (failure.httpStatus !== undefined && failure.httpStatus >= 500 && !code) {
    return new ConnectorError(
      'transient',
      `Exchange failed (${failure.httpStatus})${detail}; it will be retried.`,
      options,
    );
  }
  if (code === 'ErrorInternalServerError')
    return new ConnectorError('transient', `Exchange failed${detail}.`, options);
  if (failure.httpStatus === 403)
    return new ConnectorError('permission_denied', `Exchange denied ${what} (403)${detail}.`, options);
  return new ConnectorError(
    'permanent',
    `Exchange refused ${what} (${code ?? failure.httpStatus})${detail}.`,
    options,
  );
}

/** The failure of one response message (`ResponseClass="Error"`), if it is one. */
export function responseMessageFailure(message: XNode): EwsFailure | undefined {
  if (attr(message, 'ResponseClass') !== 'Error') return undefined;
  return {
    responseCode: text(message, 'ResponseCode'),
    message: text(message, 'MessageText'),
    messageXml: child(message, 'MessageXml'),
  };
}
