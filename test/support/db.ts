// A fresh, migrated store per caller, on the engine the run is for: SQLite (a file in a
// temporary folder) by default, PostgreSQL with EXSYNC_TEST_DB=postgres (a schema of its own
// in the `test` database, dropped afterwards), so runs and test files never collide.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSchema, dropSchema, migrateToLatest, openStore, type Store } from '../../src/db/database.ts';

export const testEngine = process.env.EXSYNC_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
export const postgresTestUrl =
  process.env.EXSYNC_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestStore extends Store {
  /** The URL and schema another process would need to open the same store. */
  url: string;
  schema?: string;
  /** Drops the schema or deletes the file. */
  destroy(): Promise<void>;
}

export async function createTestStore(): Promise<TestStore> {
  if (testEngine === 'postgres') {
    const schema = `exsync_test_${randomBytes(6).toString('hex')}`;
    await createSchema(postgresTestUrl, schema);
    const store = openStore(postgresTestUrl, { schema, poolSize: 8 });
    await migrateToLatest(store);
    return {
      ...store,
      url: postgresTestUrl,
      schema,
      destroy: async () => {
        await store.close();
        await dropSchema(postgresTestUrl, schema);
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'exsync-test-'));
  const url = `sqlite:${join(dir, 'exsync.db')}`;
  const store = openStore(url);
  await migrateToLatest(store);
  return {
    ...store,
    url,
    destroy: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
