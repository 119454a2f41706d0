import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Most test files wait on a sandbox, a browser or a database as much as they compute, so one
// more file at a time than there are cores keeps the cores busy; vitest's own default
// (cores - 1) runs one file at a time on a 2-core machine. That holds for PostgreSQL too: every
// test file there has a schema of its own and drops it at its end, and a store's migration looks
// up tables only in its own schema (src/db/postgres-dialect.ts), so a schema dropped by one file
// no longer fails another file's migration. EXSYNC_TEST_WORKERS overrides the number.
const workers = Number(process.env.EXSYNC_TEST_WORKERS) || availableParallelism() + 1;

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'web/src/**/*.test.ts', 'test/**/*.test.ts'],
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
