#!/usr/bin/env node
// Exsync needs Node.js 24 (type stripping, node:sqlite). When started by an older node,
// re-run with the Node 24 that the project pins as a dev dependency.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(root, 'src', 'cli', 'main.ts');
const major = Number(process.versions.node.split('.')[0]);

if (major >= 24) {
  await import(main);
} else {
  const pinned = join(root, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(pinned)) {
    console.error(
      `Exsync needs Node.js 24 or newer; this is ${process.version}. Run "npm install" in ${root} to get the pinned runtime.`,
    );
    process.exit(1);
  }
  const run = spawnSync(pinned, [main, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(run.status ?? 1);
}
