import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Most test files wait on a sandbox, a browser or a database as much as they compute, so on SQLite
// one more file at a time than there are cores keeps the cores busy; vitest's own default
// (cores - 1) runs one file at a time on a 2-core machine. On PostgreSQL every test file has a
// schema of its own and drops it at its end, while Kysely's migrator looks up tables in every
// schema of the database: a schema dropped by one file during another's migration fails it
// ("relation … does not exist"), so PostgreSQL files run one at a time. EXSYNC_TEST_WORKERS
// overrides both.
const workers =
  Number(process.env.EXSYNC_TEST_WORKERS) ||
  (process.env.EXSYNC_TEST_DB === 'postgres' ? 1 : availableParallelism() + 1);

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    // The browser tests exercise the UI, which is the same on both engines: they run once, on SQLite.
    exclude:
      process.env.EXSYNC_TEST_DB === 'postgres'
        ? ['test/browser/**', 'node_modules/**']
        : ['node_modules/**'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: workers,
    globalSetup: ['test/global-setup.ts'],
  },
});
