// Entry point of the `exsync` command (bin/exsync.js imports this file).
import { applyMemoryFlags } from './node-flags.ts';
import { runCli } from './run.ts';

applyMemoryFlags();

try {
  // `serve` returns once listening; the open server keeps the process alive until shutdown.
  process.exitCode = await runCli(process.argv.slice(2));
} catch (error) {
  // The message is for the operator (e.g. "connect ECONNREFUSED 127.0.0.1:5432"); the stack
  // only helps when debugging.
  const debug = ['debug', 'trace'].includes(process.env.EXSYNC_LOG_LEVEL ?? '');
  const text =
    error instanceof Error ? (debug ? (error.stack ?? error.message) : error.message) : String(error);
  process.stderr.write(`exsync: ${text}\n`);
  process.exitCode = 1;
}
