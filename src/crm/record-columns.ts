// How a record's API fields become columns and back, per the ColumnSpec of its definition.
import type { AnyRow, ColumnSpec, RecordDefinition } from './definition.ts';

const entriesOfColumns = new WeakMap<RecordDefinition['columns'], ReadonlyArray<[string, ColumnSpec]>>();

/**
 * The definition's fields with their column specs, listed once per definition: rows are built
 * and read field by field for every record of a batch, and listing them anew each time was a
 * visible share of a batch write's time and garbage.
 */
export function columnEntries(def: RecordDefinition): ReadonlyArray<[string, ColumnSpec]> {
  let entries = entriesOfColumns.get(def.columns);
  if (!entries) {
    entries = Object.entries(def.columns);
    entriesOfColumns.set(def.columns, entries);
  }
  return entries;
}

export function toColumn(spec: ColumnSpec, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  switch (spec.kind) {
    case 'json':
      return JSON.stringify(value);
    case 'flag':
      return Boolean(value);
    case 'instant':
      return new Date(value as string).toISOString();
    default:
      return value;
  }
}

function fromColumn(spec: ColumnSpec, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (spec.kind) {
    case 'json':
      return JSON.parse(value as string);
    case 'flag':
      return value === true || value === 1 || value === '1';
    case 'number':
      return Number(value);
    default:
      return value;
  }
}

/** The API object of a row, without child collections; `values` (the API values just written) spares parsing JSON again. */
export function recordFromRow(def: RecordDefinition, row: AnyRow, values?: AnyRow): AnyRow {
  const out: AnyRow = {
    id: row.id,
    ownerId: row.owner_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: Number(row.version),
  };
  for (const [field, spec] of columnEntries(def)) {
    out[field] =
      values && spec.kind === 'json' ? (values[field] ?? null) : fromColumn(spec, row[spec.column]);
  }
  return out;
}

/** Column values for the API fields present in `values`. */
export function columnsOf(def: RecordDefinition, values: AnyRow): AnyRow {
  const row: AnyRow = {};
  for (const [field, spec] of columnEntries(def)) {
    if (field in values && values[field] !== undefined) row[spec.column] = toColumn(spec, values[field]);
  }
  return row;
}
