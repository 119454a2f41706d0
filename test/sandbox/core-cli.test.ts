// `exsync sandbox` as an operator runs it: a real process, flags, and the admin API it prints.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseFaultFlag } from '@exsync/sandbox/cli';
import { afterEach, describe, expect, it } from 'vitest';

const main = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');
let child: ChildProcess | undefined;

afterEach(() => {
  child?.kill('SIGTERM');
  child = undefined;
});

function startCli(args: string[]): Promise<{ url: string; output: () => string }> {
  child = spawn(process.execPath, [main, 'sandbox', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    child!.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /HTTP:\s+(http:\/\/\S+)/.exec(output);
      if (match) resolve({ url: match[1], output: () => output });
    });
    child!.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child!.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
}

describe('exsync sandbox', () => {
  it('starts with the demo seed, prints the accounts, and takes fault rules from --fault', async () => {
    const { url, output } = await startCli([
      '--port',
      '0',
      '--seed',
      'demo',
      '--admin-key',
      'cli-test-key',
      '--fault',
      '{"protocol":"graph","mailbox":"ada@example.test","fault":{"kind":"throttle","retryAfterMs":2000},"times":2}',
    ]);
    expect(output()).toMatch(/ada@example\.test/);
    expect(output()).toMatch(/client id 00000000-0000-4000-8000-00000000e5c1/);
    expect(output()).toMatch(/Faults: 1 rule/);
    const response = await fetch(`${url}/sandbox/api/faults`, {
      headers: { authorization: 'Bearer cli-test-key' },
    });
    const { faults } = (await response.json()) as {
      faults: Array<{ protocol: string; times: number; fault: { kind: string } }>;
    };
    expect(faults).toHaveLength(1);
    expect(faults[0]).toMatchObject({ protocol: 'graph', times: 2, fault: { kind: 'throttle' } });

    // The CA file it wrote to the temporary folder goes when it stops.
    const caFile = /trust the CA in (\S+?),/.exec(output())?.[1];
    expect(caFile).toBeDefined();
    expect(existsSync(caFile!)).toBe(true);
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child!.kill('SIGTERM');
    await exited;
    expect(existsSync(caFile!)).toBe(false);
  });

  it('refuses a fault flag that is not a JSON rule, saying what it expects', () => {
    expect(() => parseFaultFlag('throttle')).toThrow(/JSON fault rule/);
    expect(() => parseFaultFlag('[1]')).toThrow(/JSON object/);
  });

  it('stops with a message when the admin API refuses a --fault rule', async () => {
    await expect(
      startCli(['--port', '0', '--seed', 'none', '--fault', '{"fault":{"kind":"explode"}}']),
    ).rejects.toThrow(/--fault rule was refused/);
  });
});
