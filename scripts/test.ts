// `npm test`: type check (server and web UI), lint, then the whole suite on SQLite and on PostgreSQL.
// EXSYNC_TEST_ENGINES=sqlite (or postgres) runs one engine; extra arguments go to vitest.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const engines = (process.env.EXSYNC_TEST_ENGINES ?? 'sqlite,postgres').split(',').map((e) => e.trim());
const bin = (name: string) => join(import.meta.dirname, '..', 'node_modules', '.bin', name);

function run(title: string, command: string, commandArgs: string[], env: NodeJS.ProcessEnv = {}): number {
  console.log(`\n== ${title}`);
  const result = spawnSync(command, commandArgs, { stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status ?? 1;
}

let failedSteps = 0;
let passed = 0;
let failed = 0;
let skipped = 0;

if (args.length === 0) {
  failedSteps += run('type check (tsc --noEmit)', bin('tsc'), ['--noEmit', '-p', '.']) === 0 ? 0 : 1;
  failedSteps += run('type check of the web UI', bin('tsc'), ['--noEmit', '-p', 'web']) === 0 ? 0 : 1;
  failedSteps += run('lint (biome)', bin('biome'), ['check', '--diagnostic-level=error', '.']) === 0 ? 0 : 1;
}

const reports = mkdtempSync(join(tmpdir(), 'exsync-vitest-'));
for (const engine of engines) {
  const report = join(reports, `${engine}.json`);
  const status = run(
    `tests on ${engine}`,
    bin('vitest'),
    ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...args],
    { EXSYNC_TEST_DB: engine },
  );
  if (status !== 0) failedSteps++;
  try {
    const summary = JSON.parse(readFileSync(report, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      numPendingTests: number;
      numTodoTests: number;
    };
    passed += summary.numPassedTests;
    failed += summary.numFailedTests;
    skipped += summary.numPendingTests + summary.numTodoTests;
  } catch {
    console.error(`No test report for ${engine}: the run stopped before vitest finished.`);
    failedSteps++;
  }
}

console.log(`\nengines: ${engines.join(', ')}; steps failed: ${failedSteps}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failedSteps > 0 || failed > 0 || passed === 0 ? 1 : 0);
