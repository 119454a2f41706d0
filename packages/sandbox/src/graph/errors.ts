// Graph answers every failure with one JSON shape; clients (and Exsync's own Graph connector)
// branch on `error.code`, so the codes below are the ones Microsoft Graph really sends.
import { StoreError } from '../model.ts';

export class GraphError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;
  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'GraphError';
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

export function errorBody(
  code: string,
  message: string,
  requestId: string,
  clientRequestId: string,
  now: Date,
): { error: { code: string; message: string; innerError: Record<string, string> } } {
  return {
    error: {
      code,
      message,
      innerError: {
        // Graph writes the date without fractional seconds or zone designator.
        date: now.toISOString().slice(0, 19),
        'request-id': requestId,
        'client-request-id': clientRequestId,
      },
    },
  };
}

export const badRequest = (message: string, code = 'BadRequest'): GraphError =>
  new GraphError(400, code, message);

export const accessDenied = (): GraphError =>
  new GraphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');

export const itemNotFound = (): GraphError =>
  new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');

export const syncStateNotFound = (): GraphError =>
  new GraphError(
    410,
    'syncStateNotFound',
    'The sync state generation is not found; the delta token has expired or was not issued for this resource. ' +
      'Start a full synchronization again with a request that carries no delta token.',
  );

export const staleEtag = (): GraphError =>
  new GraphError(
    412,
    'ErrorIrresolvableConflict',
    'The send or update operation could not be performed because the change key passed in the request does not ' +
      'match the current change key for the item. Get the item again and retry with its current ETag.',
  );

export const timeZoneNotSupported = (zone: string): GraphError =>
  new GraphError(
    400,
    'TimeZoneNotSupportedException',
    `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${zone}'.`,
  );

/** Turns anything thrown by a handler into a Graph error. */
export function toGraphError(error: unknown): GraphError {
  if (error instanceof GraphError) return error;
  if (error instanceof StoreError) {
    switch (error.code) {
      case 'notFound':
      case 'folderNotFound':
        return itemNotFound();
      case 'mailboxNotFound':
        return new GraphError(404, 'ErrorInvalidUser', error.message);
      case 'staleChangeKey':
        return staleEtag();
      case 'invalidSyncState':
        return syncStateNotFound();
      case 'invalidArgument':
        return new GraphError(400, 'ErrorInvalidArgument', error.message);
      case 'quotaExceeded':
        return new GraphError(507, 'ErrorQuotaExceeded', error.message);
    }
  }
  return new GraphError(
    500,
    'InternalServerError',
    'The sandbox failed to process the request: ' + (error instanceof Error ? error.message : String(error)),
  );
}
