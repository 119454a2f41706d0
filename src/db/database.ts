// Opens the store named by a URL: `sqlite:<path>` (embedded, the default) or `postgres://…`
// (scaled). Everything above this file speaks Kysely and does not know which engine it has.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Kysely, type Migration, type MigrationResultSet, Migrator, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { migrations } from './migrations/index.ts';
import { CurrentSchemaPostgresDialect } from './postgres-dialect.ts';
import type { Database } from './schema.ts';
import { NodeSqliteDatabase } from './sqlite-driver.ts';

export type Engine = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  engine: Engine;
  /** Where it lives, without credentials: for logs and `exsync status`. */
  location: string;
  close(): Promise<void>;
}

// int8 (bigint) arrives as a string by default; journal versions stay far below 2^53.
pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10));

export class DatabaseUrlError extends Error {
  readonly code = 'invalid_database_url';
}

export interface OpenOptions {
  /** PostgreSQL only: the schema to use (created if missing). Tests use one schema per run. */
  schema?: string;
  /** PostgreSQL only: pool size. */
  poolSize?: number;
}

/**
 * The database holds every contact and the encrypted secrets, so only its owner may read it: a
 * folder created for it gets 0700 and the file 0600, before SQLite opens it. SQLite gives its
 * -wal and -shm files the database file's mode. Files of an older install are narrowed to 0600
 * too, where the process owns them.
 */
function createPrivately(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if (existsSync(path)) chmodSync(path, 0o600);
    } catch {
      // Not ours to change (another owner chose its mode); SQLite still opens it if allowed.
    }
  }
}

export function openStore(url: string, options: OpenOptions = {}): Store {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path)
      throw new DatabaseUrlError(
        'EXSYNC_DATABASE_URL "sqlite:" needs a file path, e.g. sqlite:./data/exsync.db',
      );
    const file = path === ':memory:' ? path : resolve(path);
    if (file !== ':memory:') createPrivately(file);
    const database = new NodeSqliteDatabase(file);
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
    return { db, engine: 'sqlite', location: `sqlite:${file}`, close: () => db.destroy() };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    // `?schema=name` in the URL selects a schema, like the option; pg itself would send an
    // unknown parameter to the server, so it is taken out here.
    const parsedUrl = new URL(url);
    const schemaParam = parsedUrl.searchParams.get('schema') ?? undefined;
    parsedUrl.searchParams.delete('schema');
    url = parsedUrl.toString();
    const schema = options.schema ?? schemaParam;
    if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
      throw new DatabaseUrlError(
        `PostgreSQL schema name "${schema}" must be lower-case letters, digits and _`,
      );
    }
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    const db = new Kysely<Database>({ dialect: new CurrentSchemaPostgresDialect({ pool }) });
    const parsed = new URL(url);
    return {
      db,
      engine: 'postgres',
      location: `postgres://${parsed.host}${parsed.pathname}${schema ? ` (schema ${schema})` : ''}`,
      close: () => db.destroy(),
    };
  }
  throw new DatabaseUrlError(
    `EXSYNC_DATABASE_URL must start with "sqlite:" or "postgres://"; got "${url.split(':')[0]}:…"`,
  );
}

// Kysely's bookkeeping tables live in the schema the store uses, so that each Exsync schema of a
// PostgreSQL database migrates on its own (the dialect's table lookup sees only that schema
// too). Two processes migrating at once do not both run a migration: Kysely's PostgreSQL adapter
// holds a session advisory lock, one key for the whole database, for the whole run and reads
// which migrations have run only once it has the lock.
async function migratorFor(store: Store): Promise<Migrator> {
  let migrationTableSchema: string | undefined;
  if (store.engine === 'postgres') {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db);
    migrationTableSchema = rows[0]?.schema;
  }
  return new Migrator({
    db: store.db,
    provider: { getMigrations: async (): Promise<Record<string, Migration>> => migrations },
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
  });
}

export async function migrateToLatest(store: Store): Promise<MigrationResultSet> {
  const migrator = await migratorFor(store);
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error;
  return result;
}

export async function pendingMigrations(store: Store): Promise<string[]> {
  const migrator = await migratorFor(store);
  const all = await migrator.getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

export async function ping(store: Store): Promise<void> {
  await sql`select 1`.execute(store.db);
}

/** Runs `statement` on a connection of its own to the database `url` names, then closes it. */
async function onOwnConnection(
  url: string,
  statement: (db: Kysely<unknown>) => Promise<unknown>,
): Promise<void> {
  const db = new Kysely<unknown>({
    dialect: new CurrentSchemaPostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
  });
  try {
    await statement(db);
  } finally {
    await db.destroy();
  }
}

export async function createSchema(url: string, schema: string): Promise<void> {
  await onOwnConnection(url, (db) => db.schema.createSchema(schema).ifNotExists().execute());
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  await onOwnConnection(url, (db) => db.schema.dropSchema(schema).ifExists().cascade().execute());
}

/** The file an embedded-store URL names (resolved), or undefined for PostgreSQL and `:memory:`. */
export function sqliteFileOf(url: string): string | undefined {
  if (!url.startsWith('sqlite:')) return undefined;
  const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
  return path && path !== ':memory:' ? resolve(path) : undefined;
}
