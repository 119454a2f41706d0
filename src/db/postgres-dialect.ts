// The PostgreSQL dialect Exsync opens its stores with: Kysely's own, except that looking up
// tables sees only the store's schema (the first of its search_path).
//
// Kysely's migrator asks the introspector whether its bookkeeping tables exist before every
// migration, and Kysely's PostgreSQL introspector reads every schema of the database, calling
// has_schema_privilege and pg_get_serial_sequence on each schema and table by name. When another
// Exsync (or an administrator) drops a schema of the same database while that query runs, the
// catalog rows are still seen but the name no longer resolves, and the migration fails with
// `schema "…" does not exist`. Schemas of other stores are none of this store's business, so the
// lookup here stays in its own schema and resolves nothing by name.
import {
  type DatabaseIntrospector,
  type DatabaseMetadataOptions,
  DEFAULT_MIGRATION_LOCK_TABLE,
  DEFAULT_MIGRATION_TABLE,
  type Kysely,
  PostgresDialect,
  PostgresIntrospector,
  sql,
  type TableMetadata,
} from 'kysely';

/** The columns of PostgreSQL's catalog that the table lookup reads. */
interface Catalog {
  'pg_catalog.pg_namespace': { oid: number; nspname: string };
  'pg_catalog.pg_class': { oid: number; relname: string; relnamespace: number; relkind: string };
  'pg_catalog.pg_attribute': {
    attrelid: number;
    attname: string;
    attnum: number;
    atttypid: number;
    attnotnull: boolean;
    atthasdef: boolean;
    attisdropped: boolean;
    attidentity: string;
  };
  'pg_catalog.pg_attrdef': { adrelid: number; adnum: number; adbin: unknown };
  'pg_catalog.pg_type': { oid: number; typname: string; typnamespace: number };
}

interface ColumnRow {
  table: string;
  table_kind: string;
  schema: string;
  column: string;
  type: string;
  type_schema: string;
  not_null: boolean;
  has_default: boolean;
  auto_incrementing: boolean;
  description: string | null;
}

export class CurrentSchemaIntrospector extends PostgresIntrospector implements DatabaseIntrospector {
  readonly #db: Kysely<Catalog>;

  constructor(db: Kysely<Catalog>) {
    super(db);
    this.#db = db;
  }

  override async getTables(
    options: DatabaseMetadataOptions = { withInternalKyselyTables: false },
  ): Promise<TableMetadata[]> {
    let query = this.#db
      .selectFrom('pg_catalog.pg_attribute as a')
      .innerJoin('pg_catalog.pg_class as c', 'a.attrelid', 'c.oid')
      .innerJoin('pg_catalog.pg_namespace as ns', 'c.relnamespace', 'ns.oid')
      .innerJoin('pg_catalog.pg_type as typ', 'a.atttypid', 'typ.oid')
      .innerJoin('pg_catalog.pg_namespace as dtns', 'typ.typnamespace', 'dtns.oid')
      .leftJoin('pg_catalog.pg_attrdef as d', (join) =>
        join.onRef('d.adrelid', '=', 'a.attrelid').onRef('d.adnum', '=', 'a.attnum'),
      )
      .select([
        'c.relname as table',
        'c.relkind as table_kind',
        'ns.nspname as schema',
        'a.attname as column',
        'typ.typname as type',
        'dtns.nspname as type_schema',
        'a.attnotnull as not_null',
        'a.atthasdef as has_default',
        // Identity columns and serial ones (a default that draws from a sequence), found by
        // object ids rather than by resolving the table's name.
        sql<boolean>`(a.attidentity <> '' or coalesce(pg_get_expr(d.adbin, d.adrelid) like 'nextval(%', false))`.as(
          'auto_incrementing',
        ),
        sql<string | null>`col_description(a.attrelid, a.attnum)`.as('description'),
      ])
      .where('ns.nspname', '=', sql<string>`current_schema()`)
      .where('c.relkind', 'in', ['r', 'v', 'p'])
      .where('a.attnum', '>=', 0)
      .where('a.attisdropped', '=', false)
      .orderBy('c.relname')
      .orderBy('a.attnum');
    if (!options.withInternalKyselyTables) {
      query = query
        .where('c.relname', '!=', DEFAULT_MIGRATION_TABLE)
        .where('c.relname', '!=', DEFAULT_MIGRATION_LOCK_TABLE);
    }
    return tablesOf(await query.execute());
  }
}

function tablesOf(rows: ColumnRow[]): TableMetadata[] {
  const tables = new Map<string, TableMetadata>();
  for (const row of rows) {
    let table = tables.get(row.table);
    if (!table) {
      table = { name: row.table, schema: row.schema, isView: row.table_kind === 'v', columns: [] };
      tables.set(row.table, table);
    }
    table.columns.push({
      name: row.column,
      dataType: row.type,
      dataTypeSchema: row.type_schema,
      isNullable: !row.not_null,
      hasDefaultValue: row.has_default,
      isAutoIncrementing: row.auto_incrementing,
      ...(row.description === null ? {} : { comment: row.description }),
    });
  }
  return [...tables.values()];
}

export class CurrentSchemaPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<Catalog>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
  }
}
