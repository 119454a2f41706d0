// An installation without the Exchange emulator, as `npm install --omit=dev
// --workspace=@exsync/common --include-workspace-root` makes one (README): here src/, package.json
// and packages/common copied into an empty temporary directory, with every dependency but
// @exsync/sandbox. Exsync serves as usual, and `exsync sandbox` and `exsync demo` say what is
// missing and how to get it.
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..');
const node = join(repo, 'node_modules', '.bin', 'node');
let installed: string;
let main: string;

beforeAll(() => {
  installed = mkdtempSync(join(tmpdir(), 'exsync-without-sandbox-'));
  const root = join(installed, 'exsync');
  cpSync(join(repo, 'src'), join(root, 'src'), { recursive: true });
  cpSync(join(repo, 'package.json'), join(root, 'package.json'));
  cpSync(join(repo, 'packages', 'common'), join(root, 'packages', 'common'), { recursive: true });
  const modules = join(root, 'node_modules');
  mkdirSync(join(modules, '@exsync'), { recursive: true });
  for (const name of readdirSync(join(repo, 'node_modules'))) {
    if (name !== '@exsync') symlinkSync(join(repo, 'node_modules', name), join(modules, name), 'dir');
  }
  symlinkSync(join('..', '..', 'packages', 'common'), join(modules, '@exsync', 'common'), 'dir');
  main = join(root, 'src', 'cli', 'main.ts');
});

afterAll(() => {
  rmSync(installed, { recursive: true, force: true });
});

function start(args: string[]): ChildProcess {
  return spawn(node, [main, ...args], {
    cwd: installed,
    env: {
      PATH: process.env.PATH,
      EXSYNC_DATABASE_URL: `sqlite:${join(installed, 'exsync.db')}`,
      EXSYNC_HOST: '127.0.0.1',
      EXSYNC_LOG_LEVEL: 'warn',
    },
  });
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = start(args);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr!.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('Exsync installed without the sandbox package', () => {
  it('says plainly that "exsync sandbox" and "exsync demo" need @exsync/sandbox, and how to get it', async () => {
    for (const [command, ...args] of [
      ['sandbox', '--port', '0'],
      ['sandbox', '--help'],
      ['demo', '--port', '0', '--no-build', '--data', join(installed, 'demo')],
    ]) {
      const result = await run([command, ...args]);
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toContain(
        `"exsync ${command}" needs the Exchange emulator, the package @exsync/sandbox`,
      );
      expect(result.stderr).toContain(`run "npm install" in ${join(installed, 'exsync')}`);
      expect(result.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find/);
    }
  });

  it('still explains the demo command without the sandbox', async () => {
    const result = await run(['demo', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--sandbox-port');
  });

  it('serves as usual', async () => {
    const child = start(['serve', '--port', '0', '--no-build']);
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (chunk) => {
        output += chunk;
        const match = /running at (http:\/\/\S+?) /.exec(output);
        if (match) resolve(match[1]);
      });
      child.stderr!.on('data', (chunk) => {
        output += chunk;
      });
      child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
    });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
