// The sandbox serves Microsoft's WSDL and schemas from its own files: a copy of Exsync installed
// anywhere (here: src/, packages/ and package.json copied into an empty temporary directory,
// nothing beside it) answers /EWS/Services.wsdl, messages.xsd, types.xsd and xml.xsd with what is
// in the repository.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EWS_SCHEMA_FILES, ewsSchemaPath } from '@exsync/sandbox/ews/schema-files';
import { afterAll, describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..', '..');
let child: ChildProcess | undefined;
let installed: string | undefined;

afterAll(() => {
  child?.kill('SIGTERM');
  if (installed) rmSync(installed, { recursive: true, force: true });
});

/**
 * The copy's node_modules: the repository's dependencies, but its own workspace packages (as npm
 * links them), so that the sandbox it runs is the copied one.
 */
function linkDependencies(root: string): void {
  const modules = join(root, 'node_modules');
  mkdirSync(join(modules, '@exsync'), { recursive: true });
  for (const name of readdirSync(join(repo, 'node_modules'))) {
    if (name !== '@exsync') symlinkSync(join(repo, 'node_modules', name), join(modules, name), 'dir');
  }
  for (const name of readdirSync(join(root, 'packages'))) {
    symlinkSync(join('..', '..', 'packages', name), join(modules, '@exsync', name), 'dir');
  }
}

function startInstalledCopy(): Promise<string> {
  installed = mkdtempSync(join(tmpdir(), 'exsync-installed-'));
  const root = join(installed, 'exsync');
  cpSync(join(repo, 'src'), join(root, 'src'), { recursive: true });
  cpSync(join(repo, 'packages'), join(root, 'packages'), { recursive: true });
  cpSync(join(repo, 'package.json'), join(root, 'package.json'));
  linkDependencies(root);
  child = spawn(
    process.execPath,
    [join(root, 'src/cli/main.ts'), 'sandbox', '--port', '0', '--seed', 'none'],
    {
      cwd: installed,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    child!.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /HTTP:\s+(http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]);
    });
    child!.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child!.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
}

describe('EWS service description', () => {
  it('is served by an installed copy from its own files', async () => {
    const url = await startInstalledCopy();
    expect(existsSync(join(installed!, 'shared'))).toBe(false);
    for (const file of EWS_SCHEMA_FILES) {
      const response = await fetch(`${url}/EWS/${file}`);
      expect(response.status, file).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/xml/);
      expect(await response.text(), file).toBe(readFileSync(ewsSchemaPath(file), 'utf8'));
    }
    const wsdl = readFileSync(ewsSchemaPath('Services.wsdl'), 'utf8');
    expect(wsdl).toContain('<wsdl:operation name="SyncFolderItems">');
    expect(wsdl).toContain('schemaLocation="messages.xsd"');
  }, 30_000);

  it('ships the files Microsoft publishes, unchanged', () => {
    const published = join(repo, '..', 'shared', 'specs', 'ews', 'schema');
    if (!existsSync(published)) return;
    for (const file of EWS_SCHEMA_FILES) {
      expect(readFileSync(ewsSchemaPath(file), 'utf8'), file).toBe(
        readFileSync(join(published, file.toLowerCase()), 'utf8'),
      );
    }
  });
});
