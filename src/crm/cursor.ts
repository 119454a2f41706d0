// List paging: results are ordered by id (UUIDv7, so roughly by creation), and a cursor is the
// last id returned, wrapped so that clients treat it as opaque.
import { CrmError } from './errors.ts';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

/**
 * Where the next page starts: after the row with this id and, in a sorted list, this sort value
 * (the cursor names its sort, so that it is not applied to a list sorted differently).
 */
export interface CursorPosition {
  after: string;
  sort?: string;
  key?: string;
}

export function encodeCursor(lastId: string, sorted?: { sort: string; key: string }): string {
  const position: CursorPosition = sorted ? { after: lastId, ...sorted } : { after: lastId };
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

const invalidCursor = () =>
  new CrmError('validation_failed', 'cursor is not one this server returned; start again without a cursor.', [
    { path: 'cursor', message: 'invalid cursor' },
  ]);

/** The position of a cursor; `sort` is the list's sort, which the cursor must have been made for. */
export function decodeCursorPosition(cursor: string, sort?: string): CursorPosition {
  let parsed: { after?: unknown; sort?: unknown; key?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (typeof parsed?.after !== 'string' || parsed.after.length === 0) throw invalidCursor();
  if (sort === undefined) {
    if (parsed.sort !== undefined) throw invalidCursor();
    return { after: parsed.after };
  }
  if (parsed.sort !== sort || typeof parsed.key !== 'string') throw invalidCursor();
  return { after: parsed.after, sort, key: parsed.key };
}

export function decodeCursor(cursor: string): string {
  return decodeCursorPosition(cursor).after;
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
  /** How many records match the filters in all pages; only when the list was asked for it. */
  total?: number;
}
