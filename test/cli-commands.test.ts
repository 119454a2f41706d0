// The `exsync` command line, run as a separate process against a test database.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run.ts';
import { createCrm } from '../src/crm/index.ts';
import { openStore, type Store } from '../src/db/database.ts';
import { migrations } from '../src/db/migrations/index.ts';
import { createTestStore, type TestStore, testEngine } from './support/db.ts';

const root = join(import.meta.dirname, '..');
const node = join(root, 'node_modules', '.bin', 'node');
const main = join(root, 'src', 'cli', 'main.ts');

let databaseUrl: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  if (testEngine === 'postgres') {
    // A schema of its own; the CLI reaches it through the URL's `options` (search_path).
    const store: TestStore = await createTestStore();
    databaseUrl = `${store.url}?options=${encodeURIComponent(`-c search_path=${store.schema}`)}`;
    cleanup = () => store.destroy();
  } else {
    // A file that does not exist yet: `migrate` creates it.
    const dir = mkdtempSync(join(tmpdir(), 'exsync-cli-'));
    databaseUrl = `sqlite:${join(dir, 'exsync.db')}`;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
});
afterAll(async () => {
  await cleanup();
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(node, [main, ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, EXSYNC_DATABASE_URL: databaseUrl, EXSYNC_LOG_LEVEL: 'warn', ...env },
  });
}

function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = start(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr!.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The command line in this process, for answers that open nothing (help, wrong usage). */
async function runInProcess(args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    out: (line) => {
      stdout += `${line}\n`;
    },
    err: (line) => {
      stderr += `${line}\n`;
    },
  });
  return { code, stdout, stderr };
}

async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  const store = openStore(databaseUrl);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

describe('exsync CLI', () => {
  it('prints usage for help, and usage with exit code 2 for an unknown command', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: exsync <command>/);
    for (const command of ['serve', 'migrate', 'user create', 'status', 'sandbox'])
      expect(help.stdout).toContain(command);

    const unknown = await run(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/There is no command "frobnicate". Run "exsync help"/);
  });

  it('every command has its own --help, which runs nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exsync-cli-help-'));
    const untouched = `sqlite:${join(dir, 'never.db')}`;
    const saved = process.env.EXSYNC_DATABASE_URL;
    process.env.EXSYNC_DATABASE_URL = untouched;
    try {
      const commands = [
        ['serve'],
        ['migrate'],
        ['user', 'create'],
        ['contacts', 'export'],
        ['contacts'],
        ['status'],
        ['sync'],
        ['demo'],
      ];
      for (const [command, ...sub] of commands) {
        for (const flag of ['--help', '-h']) {
          const help = await runInProcess([command, ...sub, flag]);
          expect(help.code, `${command} ${flag}: ${help.stderr}`).toBe(0);
          expect(help.stdout).toMatch(new RegExp(`^Usage: exsync ${command}`));
          expect(help.stderr).toBe('');
        }
      }
      const viaHelp = await runInProcess(['help', 'contacts']);
      expect(viaHelp.stdout).toBe((await runInProcess(['contacts', '--help'])).stdout);
      expect(viaHelp.stdout).toMatch(/contacts import FILE/);
      expect(viaHelp.stdout).toMatch(/--dry-run/);
      // Neither help nor a status of a database that does not exist creates one.
      const status = await runInProcess(['status']);
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/does not exist yet/);
      expect(existsSync(join(dir, 'never.db'))).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.EXSYNC_DATABASE_URL;
      else process.env.EXSYNC_DATABASE_URL = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names a wrong option in plain words and points to the command's help", async () => {
    const wrong = await runInProcess(['status', '--verbose']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/^exsync status: it takes no arguments/);
    const unknown = await runInProcess(['migrate', '--fast']);
    expect(unknown.stderr).toMatch(/^exsync migrate: it takes no arguments/);
    const option = await runInProcess(['demo', '--colour', 'blue']);
    expect(option.code).toBe(2);
    expect(option.stderr).toBe(
      'exsync demo: it has no option --colour.\nRun "exsync demo --help" to see how it is used.\n',
    );
    const missing = await runInProcess(['sync']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^exsync sync: it needs one mailbox address or id/);
  });

  it('hands sandbox commands to the emulator', async () => {
    const help = await run(['sandbox', '--help']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/Usage: exsync sandbox/);
    const bad = await run(['sandbox', '--port', 'x']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--port must be/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('migrate brings the schema up to date and says what it did', async () => {
    const first = await run(['migrate']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Database: (sqlite|postgres):/);
    if (testEngine === 'sqlite') expect(first.stdout).toMatch(/applied 0001_crm_core/);
    const again = await run(['migrate']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/up to date/);
  });

  it('user create makes an administrator with a generated password shown once', async () => {
    const created = await run(['user', 'create', '--admin', 'ops@example.com', '--name', 'Ops Person']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/Created administrator ops@example.com/);
    const password = /Password: (\S+)/.exec(created.stdout)?.[1];
    expect(password).toBeDefined();
    await withStore(async (store) => {
      const crm = createCrm(store);
      const user = await crm.users.verifyLogin('ops@example.com', password!);
      expect(user).toMatchObject({ displayName: 'Ops Person' });
      expect((await crm.users.principalFor(user!.id)).isAdmin).toBe(true);
    });
  });

  it('user create with --password does not echo it, and refuses a duplicate', async () => {
    const created = await run(['user', 'create', 'sales@example.com', '--password', 'given-password-1']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).not.toContain('given-password-1');
    await withStore(async (store) => {
      const crm = createCrm(store);
      const user = await crm.users.verifyLogin('sales@example.com', 'given-password-1');
      expect((await crm.users.principalFor(user!.id)).isAdmin).toBe(false);
    });
    const duplicate = await run(['user', 'create', 'sales@example.com']);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toMatch(/already exists/);
  });

  it('user create without an email, or with a bad one, explains', async () => {
    const missing = await run(['user', 'create', '--admin']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/exactly one email/);
    const bad = await run(['user', 'create', 'not-an-email']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/email/);
  });

  it('status shows the database, migrations, counts and the journal head', async () => {
    const status = await run(['status']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/Database: +(sqlite|postgres):/);
    expect(status.stdout).toMatch(
      new RegExp(`Migrations: +${Object.keys(migrations).length} applied, 0 pending`),
    );
    expect(status.stdout).toMatch(/Users: +2/);
    expect(status.stdout).toMatch(/Contacts: +0/);
    expect(status.stdout).toMatch(/Activities: +0/);
    expect(status.stdout).toMatch(/Journal: +head version \d+/);
  });

  it('refuses a bad configuration with a message naming the setting', async () => {
    const badPort = await run(['serve', '--port', 'eighty']);
    expect(badPort.code).toBe(1);
    expect(badPort.stderr).toMatch(/--port must be a number/);
    const badUrl = await run(['status'], { EXSYNC_DATABASE_URL: 'mysql://localhost/x' });
    expect(badUrl.code).toBe(1);
    expect(badUrl.stderr).toMatch(/EXSYNC_DATABASE_URL/);
  });

  it('serve listens, answers, and exits cleanly on SIGTERM', async () => {
    const child = start(['serve', '--port', '0', '--no-build'], { EXSYNC_HOST: '127.0.0.1' });
    let stdout = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${stdout}`)), 20_000);
      child.stdout!.on('data', (chunk) => {
        stdout += chunk;
        const match = /running at (http:\/\/\S+?) /.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${stdout}`)));
    });
    // Users exist already, so no administrator is created.
    expect(stdout).not.toMatch(/created an administrator/);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it("prints the first administrator's password in a block of its own, apart from the log lines", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exsync-cli-first-'));
    const child = start(['serve', '--port', '0', '--no-build'], {
      EXSYNC_HOST: '127.0.0.1',
      EXSYNC_DATABASE_URL: `sqlite:${join(dir, 'fresh.db')}`,
      EXSYNC_SECRET_KEY_FILE: join(dir, 'secret.key'),
      EXSYNC_LOG_LEVEL: 'info',
    });
    try {
      let stdout = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`serve did not start: ${stdout}`)), 20_000);
        child.stdout!.on('data', (chunk) => {
          stdout += chunk;
          if (/={72}\n[\s\S]*={72}\n/.test(stdout)) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      const block = /={72}\n([\s\S]*?)={72}\n/.exec(stdout)![1];
      expect(block).toMatch(/created an administrator/);
      expect(block).toMatch(/email: +\S+@\S+/);
      expect(block).toMatch(/password: +\S{12,}/);
      expect(block).toMatch(/shown only now/);
      // Not one log line inside the block.
      expect(block).not.toMatch(/^\{/m);
    } finally {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
