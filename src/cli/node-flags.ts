// The long-running commands (serve, worker, demo) run with the heap settings that
// docs/benchmarks.md measured: a 16 MiB semi-space keeps the young generation from growing to
// 128 MiB on a large machine, and a capped old generation is collected before it fills with
// garbage. A user's own NODE_OPTIONS (or node flags) with either setting win.

export const MEMORY_FLAGS = ['--max-semi-space-size=16', '--max-old-space-size=512'] as const;

const LONG_RUNNING = new Set(['serve', 'worker', 'demo']);
const SET_BY_USER = /--max-(old|semi)-space-size/;

/**
 * The NODE_OPTIONS to run `command` with, or undefined when the process may go on as it is: not
 * a long-running command, settings of the user's own, or already re-run with them.
 */
export function memoryNodeOptions(
  command: string | undefined,
  env: NodeJS.ProcessEnv,
  execArgv: readonly string[],
): string | undefined {
  if (command === undefined || !LONG_RUNNING.has(command)) return undefined;
  if (env.EXSYNC_NODE_FLAGS === 'applied') return undefined;
  if (SET_BY_USER.test(env.NODE_OPTIONS ?? '') || execArgv.some((a) => SET_BY_USER.test(a))) return undefined;
  return [env.NODE_OPTIONS, ...MEMORY_FLAGS].filter((part) => part && part.trim() !== '').join(' ');
}

/**
 * Replaces this process with the same command under the memory settings, when it needs them.
 * `execve` keeps the process id, so signals (SIGTERM from a service manager) reach the server
 * itself. Where it is missing (Windows) the command runs with Node's defaults.
 */
export function applyMemoryFlags(): void {
  const options = memoryNodeOptions(process.argv[2], process.env, process.execArgv);
  if (options === undefined || typeof process.execve !== 'function') return;
  process.execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    ...process.env,
    NODE_OPTIONS: options,
    EXSYNC_NODE_FLAGS: 'applied',
  });
}
