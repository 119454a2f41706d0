// `npm run screenshots`: runs the browser tests with their screenshots written to docs/screenshots,
// so that the pictures in README.md and docs/ are refreshed on purpose (a normal test run writes
// them to the ignored test-output/ folder and leaves the work tree clean). Extra arguments go to
// vitest, e.g. `npm run screenshots -- test/browser/contacts.test.ts`.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const files = process.argv.slice(2);
const result = spawnSync(
  join(root, 'node_modules', '.bin', 'vitest'),
  ['run', ...(files.length > 0 ? files : ['test/browser/'])],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, EXSYNC_TEST_DB: 'sqlite', EXSYNC_SCREENSHOTS: join(root, 'docs', 'screenshots') },
  },
);
if (result.status === 0)
  console.log(
    '\nScreenshots written to docs/screenshots; review them with "git diff --stat docs/screenshots" and commit.',
  );
process.exit(result.status ?? 1);
