// What the generic record repository needs to know about one record type: its table, its API
// schemas, how API fields map to columns, which other records it refers to, and the child
// collections (group membership, participants, email links) kept in tables of their own.
import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../db/schema.ts';
import type { OwnedTable } from './access.ts';
import type { CrmErrorDetail } from './errors.ts';
import type { SyncedRecordType } from './journal.ts';
import type { Principal } from './principal.ts';

// biome-ignore lint/suspicious/noExplicitAny: rows and queries are generic over the owned tables
export type AnyRow = Record<string, any>;
// biome-ignore lint/suspicious/noExplicitAny: see above
export type AnyQuery = SelectQueryBuilder<any, any, any>;
// biome-ignore lint/suspicious/noExplicitAny: see above
export type AnyDb = Kysely<any>;

/**
 * How an API field is stored: text as is, json as JSON text, flag as boolean (0/1 on SQLite),
 * number as is, instant as UTC ISO text (normalised on write so that text order is time order).
 */
export type ColumnKind = 'text' | 'json' | 'flag' | 'number' | 'instant';
export interface ColumnSpec {
  column: string;
  kind: ColumnKind;
}
export const text = (column: string): ColumnSpec => ({ column, kind: 'text' });
export const json = (column: string): ColumnSpec => ({ column, kind: 'json' });
export const flag = (column: string): ColumnSpec => ({ column, kind: 'flag' });
export const num = (column: string): ColumnSpec => ({ column, kind: 'number' });
export const inst = (column: string): ColumnSpec => ({ column, kind: 'instant' });

export interface WriteContext {
  trx: Kysely<Database>;
  principal: Principal;
  /** One timestamp for everything the transaction writes. */
  now: string;
}

/** Names the path of a field of the i-th input: `emails.0` alone, `3.emails.0` in a batch. */
export type PathOf = (index: number, ...path: Array<string | number>) => string;

/** A reference held in a column, checked for existence and visibility on write. */
export interface ColumnReference {
  field: string;
  recordType: SyncedRecordType;
  table: OwnedTable;
}

/** A multi-valued field stored in a table of its own. */
export interface ChildCollection {
  /** API field written, e.g. `groupIds`. */
  field: string;
  /** Value when a create does not give one. */
  empty: unknown;
  /**
   * Checks references (throwing invalid_reference naming the path) and returns each value in
   * the form it is stored and compared (ids de-duplicated, participant emails filled in, …).
   */
  resolve(
    ctx: WriteContext,
    values: Array<{ index: number; value: unknown }>,
    pathOf: PathOf,
  ): Promise<unknown[]>;
  /** The API fields this collection adds to output objects, per record id. */
  load(db: Kysely<Database>, principal: Principal, ids: string[]): Promise<Map<string, AnyRow>>;
  /** What load() gives a record without rows in this collection (a new object each call). */
  none(): AnyRow;
  /** Whether `resolved` differs from what `current` (an output object) shows. */
  equals(current: AnyRow, resolved: unknown): boolean;
  /** Stores the values of new records (no previous rows). */
  insert(ctx: WriteContext, entries: Array<{ id: string; value: unknown }>): Promise<void>;
  /** Replaces the value of an existing record. */
  replace(ctx: WriteContext, id: string, value: unknown): Promise<void>;
}

export interface RecordDefinition {
  /** Plural name used for routes and the service key, e.g. `contacts`. */
  name: string;
  recordType: SyncedRecordType;
  table: OwnedTable;
  /** Words used in messages, e.g. `contact`, `contact group`. */
  label: string;
  schemas: {
    output: z.ZodType;
    create: z.ZodType;
    update: z.ZodType;
    filter: z.ZodType;
  };
  columns: Record<string, ColumnSpec>;
  /** The sorts a list offers besides the default (by id), each naming the text column it orders by. */
  sorts?: Record<string, string>;
  /** Column values every row of this service has (e.g. a group's kind); also a read filter. */
  fixed?: AnyRow;
  /** Brings parsed input to its stored form (applied to creates and updates). */
  normalise?(input: AnyRow): AnyRow;
  /** API values a create starts from, before the input. */
  defaults(input: AnyRow): AnyRow;
  /** Columns computed from the whole (merged) API object, e.g. a search key. */
  derive?(record: AnyRow): AnyRow;
  /** Cross-field rules on the merged API object. */
  check?(record: AnyRow): CrmErrorDetail[];
  references?: ColumnReference[];
  children?: ChildCollection[];
  /** Keeps email_index current: which record type and which addresses of the object. */
  emailIndex?: { recordType: 'contact' | 'lead'; fields: string[]; addresses(record: AnyRow): string[] };
  /** Further checks needing the database, with the journal lock held (e.g. uniqueness). */
  validateWrite?(
    ctx: WriteContext,
    records: Array<{ index: number; id?: string; record: AnyRow }>,
    pathOf: PathOf,
  ): Promise<void>;
  /** Adds the type's own list filters to a query already restricted to visible rows. */
  applyFilter(query: AnyQuery, filter: AnyRow, principal: Principal): AnyQuery;
  /** Fixes up other records before a record is deleted (and journals them). */
  beforeDelete?(ctx: WriteContext, id: string): Promise<void>;
}
