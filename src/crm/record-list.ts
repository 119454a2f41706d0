// Listing records: the type's filters, paging by cursor, an optional sort and total.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.ts';
import { decodeCursorPosition, encodeCursor, type Page, pageLimit } from './cursor.ts';
import type { AnyQuery, AnyRow, RecordDefinition } from './definition.ts';
import { parseInput, validationFailed } from './errors.ts';
import type { Principal } from './principal.ts';
import { recordsFromRows, visibleRecords } from './record-reads.ts';

export interface ListOptions<F = AnyRow> {
  filter?: Partial<F> | Record<string, unknown>;
  cursor?: string | null;
  limit?: number | string;
  /** One of the type's sorts (see RecordDefinition.sorts), `-` first for descending; default by id. */
  sort?: string | null;
  /** Also count the records matching the filters (one more query). */
  withTotal?: boolean;
}

/** The sort values a list of this type accepts: each sort ascending and, with `-`, descending. */
export function sortValues(def: Pick<RecordDefinition, 'sorts'>): string[] {
  return Object.keys(def.sorts ?? {}).flatMap((name) => [name, `-${name}`]);
}

function assertSortable(def: RecordDefinition, sort: string | undefined): void {
  if (sort === undefined || sortValues(def).includes(sort)) return;
  const allowed = sortValues(def);
  throw validationFailed([
    {
      path: 'sort',
      message: allowed.length
        ? `must be one of ${allowed.join(', ')}`
        : `${def.label} lists cannot be sorted`,
    },
  ]);
}

async function countOf(query: AnyQuery): Promise<number> {
  const counted = (await query
    .clearSelect()
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst()) as { n: number | string | bigint } | undefined;
  return Number(counted?.n ?? 0);
}

export async function listRecords(
  db: Kysely<Database>,
  def: RecordDefinition,
  principal: Principal,
  options: ListOptions,
): Promise<Page<AnyRow>> {
  const { table } = def;
  const filter = parseInput(def.schemas.filter, options.filter ?? {}) as AnyRow;
  const limit = pageLimit(options.limit);
  const sort = options.sort || undefined;
  assertSortable(def, sort);
  let query = visibleRecords(db, def, principal);
  if (filter.ownerId) query = query.where(`${table}.owner_id`, '=', filter.ownerId);
  if (filter.updatedSince) {
    query = query.where(`${table}.updated_at`, '>=', new Date(filter.updatedSince).toISOString());
  }
  query = def.applyFilter(query, filter, principal);
  const total = options.withTotal ? await countOf(query) : undefined;
  const position = options.cursor ? decodeCursorPosition(options.cursor, sort) : undefined;
  let rows: AnyRow[];
  if (sort === undefined) {
    if (position) query = query.where(`${table}.id`, '>', position.after);
    rows = await query
      .orderBy(`${table}.id`)
      .limit(limit + 1)
      .execute();
  } else {
    // Keyset paging on (sort key, id): a page starts right after the last row of the one
    // before, whatever was written meanwhile. Missing values sort as empty text, names
    // without regard to case; both engines compare the same expression.
    const descending = sort.startsWith('-');
    const column = def.sorts![descending ? sort.slice(1) : sort];
    const key = sql<string>`coalesce(lower(${sql.ref(`${table}.${column}`)}), '')`;
    const after = descending ? '<' : '>';
    query = query.select(key.as('sort_key'));
    if (position) {
      query = query.where((eb) =>
        eb.or([
          eb(key, after, position.key!),
          eb.and([eb(key, '=', position.key!), eb(`${table}.id`, after, position.after)]),
        ]),
      );
    }
    const direction = descending ? 'desc' : 'asc';
    rows = await query
      .orderBy(key, direction)
      .orderBy(`${table}.id`, direction)
      .limit(limit + 1)
      .execute();
  }
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const items = await recordsFromRows(db, def, principal, page);
  const last = page[page.length - 1];
  const nextCursor = more
    ? encodeCursor(last.id, sort === undefined ? undefined : { sort, key: String(last.sort_key) })
    : null;
  return { items, nextCursor, ...(total === undefined ? {} : { total }) };
}
