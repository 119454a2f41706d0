// Adapts node:sqlite's DatabaseSync to the small better-sqlite3-shaped interface that
// Kysely's SqliteDialect expects, so the embedded store needs no native addon.
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

type SqliteValue = null | number | bigint | string | Uint8Array;

/** node:sqlite binds only these types; booleans and dates are stored the way we read them back. */
function toSqliteValue(value: unknown): SqliteValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'string') return value;
  if (value instanceof Uint8Array) return value;
  return JSON.stringify(value);
}

/**
 * The parameters as node:sqlite binds them. A batch insert binds tens of thousands of values,
 * nearly always text, numbers and nulls already, so the array is passed on as it is unless a
 * value needs converting.
 */
function toSqliteValues(parameters: readonly unknown[]): SqliteValue[] {
  for (let i = 0; i < parameters.length; i++) {
    const value = parameters[i];
    if (value !== null && typeof value !== 'string' && typeof value !== 'number')
      return parameters.map(toSqliteValue);
  }
  return parameters as SqliteValue[];
}

const STATEMENT_CACHE_SIZE = 200;

export class NodeSqliteDatabase implements SqliteDatabase {
  readonly raw: DatabaseSync;
  // Preparing is a large share of a small query's cost; statements are reusable, so keep the
  // most recent ones (Map iteration order gives a cheap LRU).
  private readonly statements = new Map<string, { statement: StatementSync; reader: boolean }>();

  constructor(path: string) {
    this.raw = new DatabaseSync(path);
    this.raw.exec('PRAGMA journal_mode = WAL');
    this.raw.exec('PRAGMA synchronous = NORMAL');
    this.raw.exec('PRAGMA foreign_keys = ON');
    this.raw.exec('PRAGMA busy_timeout = 5000');
  }

  close(): void {
    this.statements.clear();
    if (this.raw.isOpen) this.raw.close();
  }

  prepare(sql: string): SqliteStatement {
    let entry = this.statements.get(sql);
    if (entry) {
      this.statements.delete(sql);
    } else {
      const statement = this.raw.prepare(sql);
      entry = { statement, reader: statement.columns().length > 0 };
      if (this.statements.size >= STATEMENT_CACHE_SIZE) {
        const oldest = this.statements.keys().next().value;
        if (oldest !== undefined) this.statements.delete(oldest);
      }
    }
    this.statements.set(sql, entry);
    const { statement, reader } = entry;
    return {
      reader,
      all: (parameters) => statement.all(...toSqliteValues(parameters)),
      run: (parameters) => {
        const result = statement.run(...toSqliteValues(parameters));
        return { changes: result.changes, lastInsertRowid: result.lastInsertRowid };
      },
      iterate: (parameters) => statement.iterate(...toSqliteValues(parameters)),
    };
  }
}
