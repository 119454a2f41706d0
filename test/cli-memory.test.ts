// `exsync serve` runs with the heap settings docs/benchmarks.md recommends, unless the user set
// their own. Read from the running server's own environment (Linux /proc), same process id.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'exsync-memory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts `exsync serve`, reads its NODE_OPTIONS once it listens, and stops it. */
async function nodeOptionsOfServe(env: Record<string, string>): Promise<string> {
  const child = spawn(
    process.execPath,
    [join(root, 'bin', 'exsync.js'), 'serve', '--port', '0', '--no-build'],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        EXSYNC_DATABASE_URL: `sqlite:${join(dir, `m${Date.now()}.db`)}`,
        EXSYNC_HOST: '127.0.0.1',
        EXSYNC_LOG_LEVEL: 'warn',
        ...env,
      },
    },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${stdout}`)), 60_000);
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        if (/running at/.test(stdout)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${stdout}`)));
    });
    const environ = readFileSync(`/proc/${child.pid}/environ`, 'utf8').split('\0');
    return environ.find((v) => v.startsWith('NODE_OPTIONS='))?.slice('NODE_OPTIONS='.length) ?? '';
  } finally {
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

describe.skipIf(!existsSync('/proc/self/environ'))('exsync serve', () => {
  it('runs with the recommended heap settings', { timeout: 90_000 }, async () => {
    expect(await nodeOptionsOfServe({})).toBe('--max-semi-space-size=16 --max-old-space-size=512');
  });

  it("keeps the user's own settings", { timeout: 90_000 }, async () => {
    expect(await nodeOptionsOfServe({ NODE_OPTIONS: '--max-old-space-size=1024' })).toBe(
      '--max-old-space-size=1024',
    );
  });
});
