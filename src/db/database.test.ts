import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, postgresTestUrl, type TestStore } from '../../test/support/db.ts';
import { createSchema, dropSchema, migrateToLatest, openStore, pendingMigrations } from './database.ts';
import { migrations } from './migrations/index.ts';

describe('store', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore();
  });
  afterAll(async () => {
    await store?.destroy();
  });

  it('runs every migration, and running them again changes nothing', async () => {
    expect(await pendingMigrations(store)).toEqual([]);
    const head = await store.db.selectFrom('journal_head').select('version').executeTakeFirstOrThrow();
    expect(head.version).toBe(0);
  });

  it('reads flags and JSON back the same on both engines', async () => {
    const now = new Date().toISOString();
    await store.db
      .insertInto('users')
      .values({
        id: 'u1',
        email: 'x@example.test',
        display_name: 'X',
        password_hash: null,
        active: false,
        time_zone: 'UTC',
        created_at: now,
        updated_at: now,
      })
      .execute();
    const row = await store.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', 'u1')
      .executeTakeFirstOrThrow();
    expect(Boolean(row.active)).toBe(false);
    expect(row.created_at).toBe(now);
  });

  it('refuses a URL it does not understand, saying what it expects', () => {
    expect(() => openStore('mysql://x')).toThrow(/sqlite:.*postgres/);
    expect(() => openStore('sqlite:')).toThrow(/file path/);
  });
});

describe('two stores in one database', () => {
  it('migrates a second, fresh store while the first is open (PostgreSQL: one schema each)', async () => {
    const first = await createTestStore();
    const second = await createTestStore();
    try {
      expect(await pendingMigrations(first)).toEqual([]);
      expect(await pendingMigrations(second)).toEqual([]);
    } finally {
      await second.destroy();
      await first.destroy();
    }
  });
});

describe.runIf(process.env.EXSYNC_TEST_DB === 'postgres')('PostgreSQL URL', () => {
  it('takes the schema from ?schema= in the URL', async () => {
    const first = await createTestStore();
    try {
      const other = openStore(`${first.url}?schema=${first.schema}`);
      const head = await other.db.selectFrom('journal_head').select('version').executeTakeFirstOrThrow();
      expect(head.version).toBe(0);
      expect(other.location).toContain(`schema ${first.schema}`);
      await other.close();
    } finally {
      await first.destroy();
    }
  });
});

describe.runIf(process.env.EXSYNC_TEST_DB === 'postgres')('several stores in one PostgreSQL database', () => {
  const freshSchema = () => `exsync_test_${randomBytes(6).toString('hex')}`;

  async function migrateFresh(schema: string): Promise<number> {
    const store = openStore(postgresTestUrl, { schema, poolSize: 2 });
    try {
      return (await migrateToLatest(store)).results?.length ?? 0;
    } finally {
      await store.close();
    }
  }

  it('migrates fresh schemas while other schemas of the database are dropped', async () => {
    const dropped = [freshSchema(), freshSchema(), freshSchema(), freshSchema()];
    const fresh = [freshSchema(), freshSchema()];
    for (const schema of [...dropped, ...fresh]) await createSchema(postgresTestUrl, schema);
    try {
      for (const schema of dropped) await migrateFresh(schema);
      // The drops are spread over the time the two migrations take, so that some land while
      // a migration looks its tables up.
      const outcomes = await Promise.allSettled([
        ...fresh.map(migrateFresh),
        ...dropped.map(async (schema, i) => {
          await new Promise((resolve) => setTimeout(resolve, 30 * i));
          await dropSchema(postgresTestUrl, schema);
        }),
      ]);
      expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
      for (const schema of fresh) {
        const store = openStore(postgresTestUrl, { schema });
        try {
          expect(await pendingMigrations(store)).toEqual([]);
        } finally {
          await store.close();
        }
      }
    } finally {
      for (const schema of [...dropped, ...fresh]) await dropSchema(postgresTestUrl, schema);
    }
  });

  it('runs each migration once when two processes migrate the same schema at once', async () => {
    const schema = freshSchema();
    await createSchema(postgresTestUrl, schema);
    try {
      const counts = await Promise.all([migrateFresh(schema), migrateFresh(schema)]);
      expect(counts.sort()).toEqual([0, Object.keys(migrations).length]);
    } finally {
      await dropSchema(postgresTestUrl, schema);
    }
  });

  it('creates and drops a schema whatever its name holds', async () => {
    const schema = `${freshSchema()} "quoted"; x`;
    const probe = openStore(postgresTestUrl, { poolSize: 1 });
    const exists = async () => {
      const query = sql<{ n: number }>`select count(*)::int as n from pg_namespace where nspname = ${schema}`;
      return (await query.execute(probe.db)).rows[0]?.n === 1;
    };
    try {
      await createSchema(postgresTestUrl, schema);
      expect(await exists()).toBe(true);
      await dropSchema(postgresTestUrl, schema);
      expect(await exists()).toBe(false);
    } finally {
      await dropSchema(postgresTestUrl, schema);
      await probe.close();
    }
  });

  it("looks up only its own schema's tables", async () => {
    const first = await createTestStore();
    const second = await createTestStore();
    try {
      const tables = await first.db.introspection.getTables({ withInternalKyselyTables: true });
      expect(new Set(tables.map((table) => table.schema))).toEqual(new Set([first.schema]));
      expect(tables.map((table) => table.name)).toEqual(
        expect.arrayContaining(['users', 'journal_head', 'kysely_migration']),
      );
      const users = tables.find((table) => table.name === 'users');
      expect(users?.columns.find((column) => column.name === 'email')).toMatchObject({
        dataType: 'text',
        isNullable: false,
        isAutoIncrementing: false,
      });
      const ordinary = await first.db.introspection.getTables();
      expect(ordinary.map((table) => table.name)).not.toContain('kysely_migration');
    } finally {
      await second.destroy();
      await first.destroy();
    }
  });
});

describe('SQLite file permissions', () => {
  const mode = (path: string) => statSync(path).mode & 0o777;

  it('creates the folder 0700 and the database, its WAL and shared memory 0600', async () => {
    const root = mkdtempSync(join(tmpdir(), 'exsync-mode-'));
    const file = join(root, 'data', 'exsync.db');
    const store = openStore(`sqlite:${file}`);
    try {
      await migrateToLatest(store);
      expect(mode(join(root, 'data'))).toBe(0o700);
      expect(mode(file)).toBe(0o600);
      expect(mode(`${file}-wal`)).toBe(0o600);
      expect(mode(`${file}-shm`)).toBe(0o600);
    } finally {
      await store.close();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('narrows an existing world-readable database to 0600', async () => {
    const root = mkdtempSync(join(tmpdir(), 'exsync-mode-'));
    const file = join(root, 'old.db');
    writeFileSync(file, '', { mode: 0o644 });
    const store = openStore(`sqlite:${file}`);
    try {
      await migrateToLatest(store);
      expect(mode(file)).toBe(0o600);
      expect(mode(`${file}-wal`)).toBe(0o600);
    } finally {
      await store.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
