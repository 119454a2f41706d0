// One repository for every record type that can be owned, shared and synced. A small
// RecordDefinition (see definition.ts) says what differs per type; listing, access checks,
// validation, the journal, child collections and the email index are handled once, in modules
// of plain functions that take the definition explicitly:
//   record-columns.ts  API fields to columns and back
//   record-reads.ts    visible rows, loaded with their child collections
//   record-list.ts     filters, sort, keyset paging, totals
//   record-checks.ts   input, rules, owners and references checked before a write
//   record-writes.ts   create, update, delete with their journal entries and email index
// This façade binds them to one definition and runs each write in a transaction.
import type { Kysely } from 'kysely';
import type { Store } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import type { Page } from './cursor.ts';
import type { AnyRow, RecordDefinition, WriteContext } from './definition.ts';
import { CrmError, parseInput, validationFailed } from './errors.ts';
import { lockJournal } from './journal.ts';
import type { Principal } from './principal.ts';
import { batchPath, compiledSchema, parseRecords, singlePath } from './record-checks.ts';
import { type ListOptions, listRecords } from './record-list.ts';
import { loadRecord, loadRecords } from './record-reads.ts';
import { deleteRecord, insertRecords, updateRecord } from './record-writes.ts';
import { chunk, insertRows } from './rows.ts';

export { type ListOptions, sortValues } from './record-list.ts';
export { chunk, insertRows };

export interface RecordService<Out = AnyRow, Create = AnyRow, Update = AnyRow, Filter = AnyRow> {
  readonly definition: RecordDefinition;
  list(principal: Principal, options?: ListOptions<Filter>): Promise<Page<Out>>;
  get(principal: Principal, id: string): Promise<Out>;
  /** Several records by id, in the order asked; ids not visible are left out. */
  getMany(principal: Principal, ids: string[]): Promise<Out[]>;
  create(principal: Principal, input: Create): Promise<Out>;
  /** All or nothing: one transaction, a few multi-row inserts. */
  createMany(principal: Principal, inputs: Create[]): Promise<Out[]>;
  update(principal: Principal, id: string, patch: Update): Promise<Out>;
  delete(principal: Principal, id: string): Promise<void>;
}

/** Whether a database error is a unique-key violation (PostgreSQL 23505, SQLite extended 2067/1555). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; errcode?: unknown };
  return e?.code === '23505' || e?.errcode === 2067 || e?.errcode === 1555;
}

export async function inTransaction<T>(store: Store, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  try {
    return await store.db.transaction().execute(async (trx) => {
      await lockJournal(trx);
      return fn(trx);
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new CrmError('conflict', 'A record with the same unique value already exists.', [
        { path: '', message: 'duplicate of an existing record' },
      ]);
    }
    throw error;
  }
}

/** A write of one transaction, with the journal lock held and one timestamp for all it writes. */
function inWrite<T>(store: Store, principal: Principal, fn: (ctx: WriteContext) => Promise<T>): Promise<T> {
  return inTransaction(store, (trx) => fn({ trx, principal, now: new Date().toISOString() }));
}

export function createRepository<Out = AnyRow, Create = AnyRow, Update = AnyRow, Filter = AnyRow>(
  store: Store,
  def: RecordDefinition,
): RecordService<Out, Create, Update, Filter> {
  return {
    definition: def,

    async list(principal, options = {}) {
      return (await listRecords(store.db, def, principal, options)) as Page<Out>;
    },

    async get(principal, id) {
      return (await loadRecord(store.db, def, principal, id)) as Out;
    },

    async getMany(principal, ids) {
      return (await loadRecords(store.db, def, principal, ids)) as Out[];
    },

    async create(principal, input) {
      const [data] = parseRecords(def, [input], false);
      const [created] = await inWrite(store, principal, (ctx) => insertRecords(ctx, def, [data], singlePath));
      return created as Out;
    },

    async createMany(principal, inputs) {
      if (!Array.isArray(inputs))
        throw validationFailed([{ path: '', message: 'expected an array of records' }]);
      if (inputs.length === 0) return [];
      const data = parseRecords(def, inputs, true);
      return (await inWrite(store, principal, (ctx) => insertRecords(ctx, def, data, batchPath))) as Out[];
    },

    async update(principal, id, patch) {
      const parsed = parseInput(compiledSchema(def.schemas.update), patch) as AnyRow;
      const data = def.normalise ? def.normalise(parsed) : parsed;
      await inWrite(store, principal, (ctx) => updateRecord(ctx, def, id, data));
      return (await loadRecord(store.db, def, principal, id)) as Out;
    },

    async delete(principal, id) {
      await inWrite(store, principal, (ctx) => deleteRecord(ctx, def, id));
    },
  };
}
