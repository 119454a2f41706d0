// Reading records as the API shows them: only rows visible to the principal, with their child
// collections (groups, participants, email links) attached.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { visibleTo } from './access.ts';
import type { AnyDb, AnyQuery, AnyRow, RecordDefinition } from './definition.ts';
import { notFound } from './errors.ts';
import type { Principal } from './principal.ts';
import { recordFromRow } from './record-columns.ts';
import { chunk } from './rows.ts';

/** Ids per `in (…)` list, well under both engines' limits on bound parameters. */
export const IDS_PER_QUERY = 500;

/** The rows of the type the principal may see (and that have the type's fixed values). */
export function visibleRecords(db: Kysely<Database>, def: RecordDefinition, principal: Principal): AnyQuery {
  const { table } = def;
  let query = (db as unknown as AnyDb)
    .selectFrom(table)
    .selectAll(table)
    .where(visibleTo(principal, def.recordType, table)) as AnyQuery;
  for (const [column, value] of Object.entries(def.fixed ?? {}))
    query = query.where(`${table}.${column}`, '=', value);
  return query;
}

/** Attaches each child collection's fields to API objects, in place. */
export async function attachChildren(
  db: Kysely<Database>,
  def: RecordDefinition,
  principal: Principal,
  objects: AnyRow[],
): Promise<void> {
  if (objects.length === 0) return;
  const ids = objects.map((o) => o.id as string);
  for (const child of def.children ?? []) {
    const loaded = await child.load(db, principal, ids);
    for (const o of objects) Object.assign(o, loaded.get(o.id) ?? { [child.field]: child.empty });
  }
}

/** The API objects of rows, with child collections. */
export async function recordsFromRows(
  db: Kysely<Database>,
  def: RecordDefinition,
  principal: Principal,
  rows: AnyRow[],
): Promise<AnyRow[]> {
  const objects = rows.map((row) => recordFromRow(def, row));
  await attachChildren(db, def, principal, objects);
  return objects;
}

/** The visible records of these ids, in the order asked; others are left out. */
export async function loadRecords(
  db: Kysely<Database>,
  def: RecordDefinition,
  principal: Principal,
  ids: string[],
): Promise<AnyRow[]> {
  const byId = new Map<string, AnyRow>();
  for (const part of chunk([...new Set(ids)], IDS_PER_QUERY)) {
    const rows = await visibleRecords(db, def, principal).where(`${def.table}.id`, 'in', part).execute();
    for (const o of await recordsFromRows(db, def, principal, rows)) byId.set(o.id, o);
  }
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** One visible record; not_found if it does not exist or is not visible. */
export async function loadRecord(
  db: Kysely<Database>,
  def: RecordDefinition,
  principal: Principal,
  id: string,
): Promise<AnyRow> {
  const [found] = await loadRecords(db, def, principal, [id]);
  if (!found) throw notFound(def.label, id);
  return found;
}
