// Rules on how the production modules (src/ and packages/*/src) depend on each other, read from
// their relative imports: they never reach test code (test doubles and fixtures live under test/,
// so they do not ship), and they form no import cycle (a cycle makes module load order matter and
// blurs which module builds on which), within a package or across packages.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  importCycles,
  importGraph,
  importSpecifiers,
  typeScriptFiles,
  workspaceEntries,
} from './support/import-graph.ts';

const root = resolve(import.meta.dirname, '..');
/** The application's sources and those of the workspace packages (packages/<name>/src). */
const sourceRoots = [
  'src',
  ...readdirSync(join(root, 'packages'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, 'packages', entry.name, 'src')))
    .map((entry) => `packages/${entry.name}/src`),
];
const production = sourceRoots
  .flatMap((dir) => typeScriptFiles(root, dir))
  .filter((file) => !file.endsWith('.test.ts'));
const graph = importGraph(root, production, workspaceEntries(root));

const TEST_FOLDERS = new Set(['test', 'tests', 'testing', '__tests__']);
const isTestCode = (module: string) => module.split('/').some((segment) => TEST_FOLDERS.has(segment));

describe('the import graph reader', () => {
  it('finds statement, multi-line, re-export, side-effect and inline type imports', () => {
    const source = [
      "import { a } from './a.ts';",
      'import type {',
      '  B,',
      "} from '../b.ts';",
      "export * from './c.ts';",
      "import './d.ts';",
      "let e: import('./e.ts').E;",
      "import { z } from 'zod';",
      "// import { f } from './f.ts';",
      "const g = 'import';",
    ].join('\n');
    expect(importSpecifiers(source).sort()).toEqual([
      '../b.ts',
      './a.ts',
      './c.ts',
      './d.ts',
      './e.ts',
      'zod',
    ]);
  });

  it('reports a cycle as the path around it and leaves acyclic graphs alone', () => {
    const cyclic = new Map([
      ['src/a.ts', ['src/b.ts']],
      ['src/b.ts', ['src/c.ts', 'src/d.ts']],
      ['src/c.ts', ['src/a.ts']],
      ['src/d.ts', []],
      ['src/self.ts', ['src/self.ts']],
    ]);
    expect(importCycles(cyclic)).toEqual(
      expect.arrayContaining([
        ['src/a.ts', 'src/b.ts', 'src/c.ts', 'src/a.ts'],
        ['src/self.ts', 'src/self.ts'],
      ]),
    );
    expect(importCycles(cyclic)).toHaveLength(2);
    expect(
      importCycles(
        new Map([
          ['src/a.ts', ['src/b.ts']],
          ['src/b.ts', []],
        ]),
      ),
    ).toEqual([]);
  });
});

describe('production modules under src/ and packages/*/src', () => {
  it('are read (the walker sees the code base, packages included)', () => {
    expect(production).toContain('src/sync/engine.ts');
    expect(sourceRoots).toContain('packages/common/src');
    expect(graph.get('src/sync/engine.ts')?.length).toBeGreaterThan(0);
    expect(graph.get('src/crm/fields.ts')).toContain('packages/common/src/xml-chars.ts');
  });

  it('do not import test code', () => {
    const breaches = [...graph].flatMap(([module, targets]) =>
      targets.filter(isTestCode).map((target) => `${module} imports ${target}`),
    );
    expect(breaches).toEqual([]);
  });

  it('do not live in a test folder', () => {
    expect(production.filter(isTestCode)).toEqual([]);
  });

  it('keep the packages apart: the sandbox never imports src/, @exsync/common imports neither', () => {
    const forbidden: [string, string][] = [
      ['packages/sandbox/src/', 'src/'],
      ['packages/common/src/', 'src/'],
      ['packages/common/src/', 'packages/sandbox/src/'],
    ];
    const breaches = [...graph].flatMap(([module, targets]) =>
      forbidden
        .filter(([from]) => module.startsWith(from))
        .flatMap(([, to]) => targets.filter((target) => target.startsWith(to)))
        .map((target) => `${module} imports ${target}`),
    );
    expect(breaches).toEqual([]);
  });

  it('have no import cycle, type-only imports included', () => {
    expect(importCycles(graph).map((cycle) => cycle.join(' → '))).toEqual([]);
  });
});
