// List paging: results are ordered by id (UUIDv7, so roughly by creation), and a cursor is the
// last id returned, wrapped so that clients treat it as opaque.
import { CrmError } from './errors.ts';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

export function encodeCursor(lastId: string): string {
  return Buffer.from(JSON.stringify({ after: lastId }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string' && parsed.after.length > 0) return parsed.after;
  } catch {
    // fall through to the error below
  }
  throw new CrmError(
    'validation_failed',
    'cursor is not one this server returned; start again without a cursor.',
    [{ path: 'cursor', message: 'invalid cursor' }],
  );
}

export function pageLimit(limit: unknown): number {
  if (limit === undefined || limit === null || limit === '') return DEFAULT_LIMIT;
  const n = typeof limit === 'string' ? Number(limit) : limit;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_LIMIT) {
    throw new CrmError('validation_failed', `limit must be an integer from 1 to ${MAX_LIMIT}.`, [
      { path: 'limit', message: `must be an integer from 1 to ${MAX_LIMIT}` },
    ]);
  }
  return n;
}

export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}
