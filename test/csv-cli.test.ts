// `exsync contacts import` and `exsync contacts export`, run as separate processes.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCrm } from '../src/crm/index.ts';
import { createTestStore, type TestStore } from './support/db.ts';

const root = join(import.meta.dirname, '..');
const node = join(root, 'node_modules', '.bin', 'node');
const main = join(root, 'src', 'cli', 'main.ts');

let store: TestStore;
let databaseUrl: string;
let dir: string;

beforeAll(async () => {
  store = await createTestStore();
  databaseUrl = store.schema
    ? `${store.url}?options=${encodeURIComponent(`-c search_path=${store.schema}`)}`
    : store.url;
  const crm = createCrm(store);
  await crm.users.ensureAdministratorsRole();
  await crm.users.createUser({ email: 'carla@example.test', displayName: 'Carla', roles: ['Sales'] });
  dir = mkdtempSync(join(tmpdir(), 'exsync-csv-cli-'));
});
afterAll(async () => {
  await store?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [main, ...args], {
      cwd: root,
      env: { PATH: process.env.PATH, EXSYNC_DATABASE_URL: databaseUrl, EXSYNC_LOG_LEVEL: 'warn' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('exsync contacts', () => {
  it('imports a file (dry run first), reports bad rows, and exports', async () => {
    const file = join(dir, 'in.csv');
    writeFileSync(
      file,
      'First Name;Last Name;Email 1 Address\r\nAnna;Groß;anna@example.test\r\nBert;X;kaputt\r\n',
    );

    const dry = await run(['contacts', 'import', file, '--user', 'carla@example.test', '--dry-run']);
    expect(dry.stdout).toContain('Dry run, nothing written: would create 1, update 0, failed 1.');
    expect(dry.stderr).toMatch(/line 3: Email 1 Address: /);
    expect(dry.code).toBe(1);

    const real = await run(['contacts', 'import', file, '--user', 'carla@example.test']);
    expect(real.stdout).toContain('Created 1, updated 0, failed 1.');

    const out = join(dir, 'out.csv');
    const exported = await run([
      'contacts',
      'export',
      '--out',
      out,
      '--user',
      'carla@example.test',
      '--delimiter',
      ';',
    ]);
    expect(exported.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text.split('\r\n')[0]).toMatch(/^Id;Type;Display Name;/);
    expect(text).toContain(';Anna Groß;');

    const stdout = await run(['contacts', 'export']);
    expect(stdout.stdout).toContain('anna@example.test');

    const unknown = await run(['contacts', 'import', file, '--user', 'nobody@example.test']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No user with the email address nobody@example.test.');
  }, 60_000);
});
