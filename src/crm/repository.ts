// One repository for every record type that can be owned, shared and synced. A small
// RecordDefinition (see definition.ts) says what differs per type; listing, access checks,
// validation, the journal, child collections and the email index are handled here once.
import { type Kysely, sql } from 'kysely';
import type { Store } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { accessLevel, canEdit, canOwn, visibleTo } from './access.ts';
import { decodeCursorPosition, encodeCursor, type Page, pageLimit } from './cursor.ts';
import type {
  AnyDb,
  AnyQuery,
  AnyRow,
  ColumnSpec,
  PathOf,
  RecordDefinition,
  WriteContext,
} from './definition.ts';
import {
  CrmError,
  type CrmErrorDetail,
  detailsFromZod,
  forbidden,
  invalidReference,
  notFound,
  parseInput,
  validationFailed,
} from './errors.ts';
import { newIds } from './ids.ts';
import { appendChanges, type ChangeEntry, lockJournal } from './journal.ts';
import type { Principal } from './principal.ts';
import { chunk, insertRows } from './rows.ts';

export { chunk, insertRows };

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

const IDS_PER_QUERY = 500;

function toColumn(spec: ColumnSpec, value: unknown): unknown {
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

export function createRepository<Out = AnyRow, Create = AnyRow, Update = AnyRow, Filter = AnyRow>(
  store: Store,
  def: RecordDefinition,
): RecordService<Out, Create, Update, Filter> {
  const { table, recordType } = def;
  const columnEntries = Object.entries(def.columns);
  const childFields = new Set((def.children ?? []).map((c) => c.field));

  function baseQuery(db: Kysely<Database>, principal: Principal): AnyQuery {
    let query = (db as unknown as AnyDb)
      .selectFrom(table)
      .selectAll(table)
      .where(visibleTo(principal, recordType, table)) as AnyQuery;
    for (const [column, value] of Object.entries(def.fixed ?? {}))
      query = query.where(`${table}.${column}`, '=', value);
    return query;
  }

  /** The API object of a row; `values` (the API values just written) spares parsing JSON again. */
  function rowToObject(row: AnyRow, values?: AnyRow): AnyRow {
    const out: AnyRow = {
      id: row.id,
      ownerId: row.owner_id,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      version: Number(row.version),
    };
    for (const [field, spec] of columnEntries) {
      out[field] =
        values && spec.kind === 'json' ? (values[field] ?? null) : fromColumn(spec, row[spec.column]);
    }
    return out;
  }

  async function toOutputs(db: Kysely<Database>, principal: Principal, rows: AnyRow[]): Promise<AnyRow[]> {
    const objects = rows.map((row) => rowToObject(row));
    if (objects.length > 0) {
      const ids = objects.map((o) => o.id as string);
      for (const child of def.children ?? []) {
        const loaded = await child.load(db, principal, ids);
        for (const o of objects) Object.assign(o, loaded.get(o.id) ?? { [child.field]: child.empty });
      }
    }
    return objects;
  }

  async function loadMany(db: Kysely<Database>, principal: Principal, ids: string[]): Promise<AnyRow[]> {
    const byId = new Map<string, AnyRow>();
    for (const part of chunk([...new Set(ids)], IDS_PER_QUERY)) {
      const rows = await baseQuery(db, principal).where(`${table}.id`, 'in', part).execute();
      for (const o of await toOutputs(db, principal, rows)) byId.set(o.id, o);
    }
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async function loadOne(db: Kysely<Database>, principal: Principal, id: string): Promise<AnyRow> {
    const [found] = await loadMany(db, principal, [id]);
    if (!found) throw notFound(def.label, id);
    return found;
  }

  /** Column values for the API fields present in `values`. */
  function toRow(values: AnyRow): AnyRow {
    const row: AnyRow = {};
    for (const [field, spec] of columnEntries) {
      if (field in values && values[field] !== undefined) row[spec.column] = toColumn(spec, values[field]);
    }
    return row;
  }

  function runChecks(records: AnyRow[], pathOf: PathOf): void {
    if (!def.check) return;
    const details: CrmErrorDetail[] = [];
    records.forEach((record, index) => {
      for (const d of def.check!(record))
        details.push({ path: pathOf(index, ...(d.path ? [d.path] : [])), message: d.message });
    });
    if (details.length > 0) throw validationFailed(details);
  }

  async function checkOwners(
    ctx: WriteContext,
    owners: Array<{ index: number; ownerId: string }>,
    pathOf: PathOf,
  ) {
    const others = owners.filter((o) => o.ownerId !== ctx.principal.userId);
    if (others.length === 0) return;
    if (!ctx.principal.isAdmin)
      throw forbidden(`give a ${def.label} to another user (${pathOf(others[0].index, 'ownerId')})`);
    const wanted = [...new Set(others.map((o) => o.ownerId))];
    const found = new Set<string>();
    for (const part of chunk(wanted, IDS_PER_QUERY)) {
      const rows = await ctx.trx.selectFrom('users').select('id').where('id', 'in', part).execute();
      for (const r of rows) found.add(r.id);
    }
    const missing = others.find((o) => !found.has(o.ownerId));
    if (missing)
      throw invalidReference(pathOf(missing.index, 'ownerId'), `no user with id "${missing.ownerId}"`);
  }

  async function checkReferences(
    ctx: WriteContext,
    records: Array<{ index: number; values: AnyRow }>,
    pathOf: PathOf,
  ) {
    for (const ref of def.references ?? []) {
      const wanted = records.filter((r) => typeof r.values[ref.field] === 'string');
      if (wanted.length === 0) continue;
      const ids = [...new Set(wanted.map((r) => r.values[ref.field] as string))];
      const visible = new Set<string>();
      const db = ctx.trx as unknown as AnyDb;
      for (const part of chunk(ids, IDS_PER_QUERY)) {
        const rows = await db
          .selectFrom(ref.table)
          .select(`${ref.table}.id as id`)
          .where(`${ref.table}.id`, 'in', part)
          .where(visibleTo(ctx.principal, ref.recordType, ref.table))
          .execute();
        for (const r of rows) visible.add(r.id as string);
      }
      const bad = wanted.find((r) => !visible.has(r.values[ref.field]));
      if (bad) {
        throw invalidReference(
          pathOf(bad.index, ref.field),
          `no ${ref.recordType} with id "${bad.values[ref.field]}" exists or you have no access to it`,
        );
      }
    }
  }

  async function writeEmailIndex(
    ctx: WriteContext,
    records: Array<{ id: string; record: AnyRow }>,
    replace: boolean,
  ) {
    const index = def.emailIndex;
    if (!index) return;
    if (replace) {
      for (const r of records) {
        await ctx.trx
          .deleteFrom('email_index')
          .where('record_type', '=', index.recordType)
          .where('record_id', '=', r.id)
          .execute();
      }
    }
    const rows = records.flatMap((r) =>
      [...new Set(index.addresses(r.record).map((a) => a.toLowerCase()))].map((address) => ({
        record_type: index.recordType,
        record_id: r.id,
        address,
      })),
    );
    await insertRows(ctx.trx, 'email_index', rows);
  }

  function parseAll(
    schema: RecordDefinition['schemas']['create'],
    inputs: unknown[],
    batch: boolean,
  ): AnyRow[] {
    const details: CrmErrorDetail[] = [];
    const parsed: AnyRow[] = [];
    inputs.forEach((input, index) => {
      const result = schema.safeParse(input);
      if (result.success)
        parsed.push(def.normalise ? def.normalise(result.data as AnyRow) : (result.data as AnyRow));
      else details.push(...detailsFromZod(result.error, batch ? [index] : []));
    });
    if (details.length > 0) throw validationFailed(details);
    return parsed;
  }

  async function insertAll(ctx: WriteContext, inputs: AnyRow[], pathOf: PathOf): Promise<AnyRow[]> {
    const records = inputs.map((input) => ({ ...def.defaults(input), ...input }));
    runChecks(records, pathOf);
    await checkOwners(
      ctx,
      records.map((r, index) => ({
        index,
        ownerId: (r.ownerId as string | undefined) ?? ctx.principal.userId,
      })),
      pathOf,
    );
    await checkReferences(
      ctx,
      records.map((values, index) => ({ index, values })),
      pathOf,
    );
    const resolvedChildren = new Map<string, unknown[]>();
    for (const child of def.children ?? []) {
      const values = records.map((r, index) => ({ index, value: r[child.field] ?? child.empty }));
      resolvedChildren.set(child.field, await child.resolve(ctx, values, pathOf));
    }
    if (def.validateWrite) {
      await def.validateWrite(
        ctx,
        records.map((record, index) => ({ index, record })),
        pathOf,
      );
    }
    const ids = newIds(records.length);
    const entries: ChangeEntry[] = inputs.map((input, i) => ({
      recordType,
      recordId: ids[i],
      operation: 'create',
      fields: Object.keys(input).filter((f) => f in def.columns || childFields.has(f) || f === 'ownerId'),
    }));
    const versions = await appendChanges(ctx.trx, entries, ctx.principal);
    const rows = records.map((record, i) => ({
      id: ids[i],
      owner_id: (record.ownerId as string | undefined) ?? ctx.principal.userId,
      ...Object.fromEntries(
        columnEntries.map(([field, spec]) => [spec.column, toColumn(spec, record[field])]),
      ),
      ...(def.derive?.(record) ?? {}),
      ...(def.fixed ?? {}),
      created_at: ctx.now,
      updated_at: ctx.now,
      version: versions[i],
    }));
    await insertRows(ctx.trx, table, rows);
    for (const child of def.children ?? []) {
      const values = resolvedChildren.get(child.field)!;
      await child.insert(
        ctx,
        ids.map((id, i) => ({ id, value: values[i] })),
      );
    }
    await writeEmailIndex(
      ctx,
      records.map((record, i) => ({ id: ids[i], record })),
      false,
    );
    // What get() would return, built from what was just written rather than read back (the
    // batch path must stay a few statements per batch); child collections are loaded.
    const created = rows.map((row, i) => {
      const out = rowToObject(row, records[i]);
      out.version = versions[i];
      return out;
    });
    for (const child of def.children ?? []) {
      const loaded = await child.load(ctx.trx, ctx.principal, ids);
      for (const o of created) Object.assign(o, loaded.get(o.id) ?? { [child.field]: child.empty });
    }
    return created;
  }

  const single: PathOf = (_index, ...path) => path.join('.');
  const batched: PathOf = (index, ...path) => [index, ...path].join('.');

  return {
    definition: def,

    async list(principal, options = {}) {
      const filter = parseInput(def.schemas.filter, options.filter ?? {}) as AnyRow;
      const limit = pageLimit(options.limit);
      const sort = options.sort || undefined;
      if (sort !== undefined && !sortValues(def).includes(sort)) {
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
      let query = baseQuery(store.db, principal);
      if (filter.ownerId) query = query.where(`${table}.owner_id`, '=', filter.ownerId);
      if (filter.updatedSince) {
        query = query.where(`${table}.updated_at`, '>=', new Date(filter.updatedSince).toISOString());
      }
      query = def.applyFilter(query, filter, principal);
      const total = options.withTotal
        ? Number(
            (
              (await query
                .clearSelect()
                .select((eb) => eb.fn.countAll().as('n'))
                .executeTakeFirst()) as { n: number | string | bigint } | undefined
            )?.n ?? 0,
          )
        : undefined;
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
      const items = await toOutputs(store.db, principal, page);
      const last = page[page.length - 1];
      const nextCursor = more
        ? encodeCursor(last.id, sort === undefined ? undefined : { sort, key: String(last.sort_key) })
        : null;
      return {
        items: items as Out[],
        nextCursor,
        ...(total === undefined ? {} : { total }),
      };
    },

    async get(principal, id) {
      return (await loadOne(store.db, principal, id)) as Out;
    },

    async getMany(principal, ids) {
      return (await loadMany(store.db, principal, ids)) as Out[];
    },

    async create(principal, input) {
      const [data] = parseAll(def.schemas.create, [input], false);
      const [created] = await inTransaction(store, (trx) =>
        insertAll({ trx, principal, now: new Date().toISOString() }, [data], single),
      );
      return created as Out;
    },

    async createMany(principal, inputs) {
      if (!Array.isArray(inputs))
        throw validationFailed([{ path: '', message: 'expected an array of records' }]);
      if (inputs.length === 0) return [];
      const data = parseAll(def.schemas.create, inputs, true);
      return (await inTransaction(store, (trx) =>
        insertAll({ trx, principal, now: new Date().toISOString() }, data, batched),
      )) as Out[];
    },

    async update(principal, id, patch) {
      const parsed = parseInput(def.schemas.update, patch) as AnyRow;
      const data = def.normalise ? def.normalise(parsed) : parsed;
      await inTransaction(store, async (trx) => {
        const ctx: WriteContext = { trx, principal, now: new Date().toISOString() };
        const { level } = await accessLevel(trx, principal, recordType, table, id);
        const current = level === 'none' ? undefined : (await loadMany(trx, principal, [id]))[0];
        if (!current) throw notFound(def.label, id);
        if (!canEdit(level)) throw forbidden(`change ${def.label} "${id}"`);
        const { ifVersion, ...changes } = data;
        if (ifVersion !== undefined && ifVersion !== current.version) {
          throw new CrmError(
            'conflict',
            `The ${def.label} changed since you read it (now at version ${current.version}, you had ${ifVersion}); read it again and reapply your change.`,
            [{ path: 'ifVersion', message: `stale: current version is ${current.version}` }],
          );
        }
        if (changes.ownerId !== undefined && changes.ownerId !== current.ownerId) {
          if (!canOwn(level)) throw forbidden(`give ${def.label} "${id}" to another user`);
          await checkOwners(ctx, [{ index: 0, ownerId: changes.ownerId }], single);
        }
        const merged = { ...current, ...changes };
        runChecks([merged], single);
        const referenced: AnyRow = {};
        for (const ref of def.references ?? [])
          if (ref.field in changes) referenced[ref.field] = changes[ref.field];
        await checkReferences(ctx, [{ index: 0, values: referenced }], single);

        const changed: string[] = [];
        const currentRow = toRow(current);
        const newRow = toRow(changes);
        for (const [field, spec] of columnEntries) {
          if (spec.column in newRow) {
            if (JSON.stringify(newRow[spec.column]) !== JSON.stringify(currentRow[spec.column] ?? null))
              changed.push(field);
          }
        }
        if (changes.ownerId !== undefined && changes.ownerId !== current.ownerId) changed.push('ownerId');
        const childUpdates: Array<{ field: string; value: unknown }> = [];
        for (const child of def.children ?? []) {
          if (!(child.field in changes)) continue;
          const [resolved] = await child.resolve(ctx, [{ index: 0, value: changes[child.field] }], single);
          if (!child.equals(current, resolved)) {
            changed.push(child.field);
            childUpdates.push({ field: child.field, value: resolved });
          }
        }
        if (def.validateWrite) await def.validateWrite(ctx, [{ index: 0, id, record: merged }], single);
        if (changed.length === 0) return;

        const [version] = await appendChanges(
          trx,
          [{ recordType, recordId: id, operation: 'update', fields: changed }],
          principal,
        );
        const set: AnyRow = { ...(def.derive?.(merged) ?? {}), updated_at: ctx.now, version };
        for (const field of changed) {
          const spec = def.columns[field];
          if (spec) set[spec.column] = newRow[spec.column];
        }
        if (changed.includes('ownerId')) set.owner_id = changes.ownerId;
        await (trx as unknown as AnyDb).updateTable(table).set(set).where('id', '=', id).execute();
        for (const u of childUpdates)
          await def.children!.find((c) => c.field === u.field)!.replace(ctx, id, u.value);
        if (def.emailIndex?.fields.some((f) => changed.includes(f))) {
          await writeEmailIndex(ctx, [{ id, record: merged }], true);
        }
      });
      return (await loadOne(store.db, principal, id)) as Out;
    },

    async delete(principal, id) {
      await inTransaction(store, async (trx) => {
        const ctx: WriteContext = { trx, principal, now: new Date().toISOString() };
        const { level } = await accessLevel(trx, principal, recordType, table, id);
        const visible =
          level !== 'none' &&
          (await baseQuery(trx, principal).where(`${table}.id`, '=', id).executeTakeFirst());
        if (!visible) throw notFound(def.label, id);
        if (!canOwn(level))
          throw forbidden(`delete ${def.label} "${id}" (only its owner or an administrator may)`);
        await def.beforeDelete?.(ctx, id);
        await trx
          .deleteFrom('shares')
          .where('record_type', '=', recordType)
          .where('record_id', '=', id)
          .execute();
        await trx.deleteFrom('group_members').where('record_id', '=', id).execute();
        if (def.emailIndex) {
          await trx
            .deleteFrom('email_index')
            .where('record_type', '=', def.emailIndex.recordType)
            .where('record_id', '=', id)
            .execute();
        }
        await appendChanges(trx, [{ recordType, recordId: id, operation: 'delete', fields: [] }], principal);
        await (trx as unknown as AnyDb).deleteFrom(table).where('id', '=', id).execute();
      });
    },
  };
}
