// The vitest configuration mutation testing runs under (npm run mutate, stryker/*.json): only the
// unit tests of the code being mutated, picked by EXSYNC_MUTATE_TESTS (a comma-separated list of
// test files), so that each mutant costs milliseconds instead of a sandbox start.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: (process.env.EXSYNC_MUTATE_TESTS ?? 'src/sync/planner.test.ts,src/sync/snapshot.test.ts').split(','),
    environment: 'node',
    pool: 'forks',
    // Instrumented code under coverage on a busy machine is slow; the property tests need room.
    testTimeout: 120_000,
  },
});
