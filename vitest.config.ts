import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The browser tests exercise the UI, which is the same on both engines: they run once, on SQLite.
    exclude:
      process.env.EXSYNC_TEST_DB === 'postgres'
        ? ['test/browser/**', 'node_modules/**']
        : ['node_modules/**'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
  },
});
