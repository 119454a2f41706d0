// `npm run test:property-random [-- --runs 5000 --sandbox-runs 20 --rounds 1]`: the sync
// property test (test/sync-property.test.ts) on fresh random seeds and many more cases than CI's
// fixed-seed run: --runs cases per protocol against the in-memory Exchange and --sandbox-runs per
// protocol against the sandbox, --rounds times with a new seed each. Prints each seed before its
// round and, for a failing one, the command that replays it. Exit 1 when a round failed.
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5000' },
    'sandbox-runs': { type: 'string', default: '20' },
    rounds: { type: 'string', default: '1' },
    seed: { type: 'string' },
  },
});
const root = join(import.meta.dirname, '..');
const failed: number[] = [];
for (let round = 0; round < Number(values.rounds); round++) {
  const seed = values.seed !== undefined && round === 0 ? Number(values.seed) : randomInt(1, 2 ** 31 - 1);
  const env = {
    EXSYNC_PROPERTY_SEED: String(seed),
    EXSYNC_PROPERTY_RUNS: values.runs,
    EXSYNC_PROPERTY_SANDBOX_RUNS: values['sandbox-runs'],
  };
  console.log(
    `property test, seed ${seed}: ${values.runs} cases per protocol in memory, ${values['sandbox-runs']} on the sandbox`,
  );
  const run = spawnSync(
    process.execPath,
    [join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'test/sync-property.test.ts'],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, ...env },
    },
  );
  if (run.status !== 0) {
    failed.push(seed);
    const replay = Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    console.log(`\nFAILED with seed ${seed}. Replay: ${replay} npx vitest run test/sync-property.test.ts\n`);
  }
}
if (failed.length) console.log(`failing seeds: ${failed.join(', ')}`);
else console.log('every round passed');
process.exit(failed.length ? 1 : 0);
