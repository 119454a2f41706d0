// Batch writing helpers shared by the repository, child collections and the journal.
import { CompiledQuery, type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.ts';

// Keeps each multi-row insert well under SQLite's 32,766 and PostgreSQL's 65,535 parameters.
const MAX_PARAMETERS = 30_000;
const MAX_ROWS_PER_INSERT = 1000;

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Multi-row insert of rows that all have the same keys. The statement text is built here and
 * run as a compiled query: for batches of thousands of rows, building Kysely's query tree costs
 * more than the insert itself. Table and column names come from code, never from input.
 */
export async function insertRows(
  trx: Kysely<Database>,
  table: string,
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]);
  const size = Math.max(1, Math.min(MAX_ROWS_PER_INSERT, Math.floor(MAX_PARAMETERS / columns.length)));
  const numbered = placeholderStyle(trx) === 'numbered';
  const head = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values `;
  // With `?` every row's tuple reads the same, so it is written once.
  const tuple = numbered ? '' : `(${columns.map(() => '?').join(', ')})`;
  for (let start = 0; start < rows.length; start += size) {
    const end = Math.min(rows.length, start + size);
    const parameters: unknown[] = [];
    for (let r = start; r < end; r++) {
      const row = rows[r];
      for (const column of columns) parameters.push(row[column]);
    }
    const values = numbered
      ? numberedTuples(end - start, columns.length)
      : new Array(end - start).fill(tuple).join(', ');
    await trx.executeQuery(CompiledQuery.raw(head + values, parameters));
  }
}

/** `($1, $2), ($3, $4)` for `rows` tuples of `width` parameters. */
function numberedTuples(rows: number, width: number): string {
  const tuples: string[] = new Array(rows);
  let n = 0;
  for (let r = 0; r < rows; r++) {
    const marks: string[] = new Array(width);
    for (let c = 0; c < width; c++) marks[c] = `$${++n}`;
    tuples[r] = `(${marks.join(', ')})`;
  }
  return tuples.join(', ');
}

const placeholderStyles = new WeakMap<object, 'numbered' | 'question'>();

/** `$1` (PostgreSQL) or `?` (SQLite), learnt from how the dialect compiles a parameter. */
function placeholderStyle(db: Kysely<Database>): 'numbered' | 'question' {
  const adapter = db.getExecutor().adapter;
  let style = placeholderStyles.get(adapter);
  if (!style) {
    style = db.selectNoFrom(sql.val(1).as('one')).compile().sql.includes('$1') ? 'numbered' : 'question';
    placeholderStyles.set(adapter, style);
  }
  return style;
}
