// The lines between Exsync and its workspace packages, read from the import statements:
// - the sandbox (packages/sandbox) never imports Exsync's code or its tests: it is a cross-check of
//   Exsync, so it shares only @exsync/common's leaf modules;
// - @exsync/common imports neither Exsync nor the sandbox;
// - nothing reaches into a package by a relative path: packages are used by their exported names;
// - Exsync's production code loads the sandbox only for `exsync sandbox` and `exsync demo`, with a
//   dynamic import, so that an installation without the sandbox runs everything else.
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSpecifiers, typeScriptFiles } from './support/import-graph.ts';

const root = resolve(import.meta.dirname, '..');
const source = (file: string) => readFileSync(join(root, file), 'utf8');

/** Where a relative specifier of `file` points, relative to the project root. */
const target = (file: string, specifier: string) =>
  relative(root, resolve(root, dirname(file), specifier))
    .split('\\')
    .join('/');

/** The imports of `file` that leave `folder`: relative paths outside it, and workspace packages. */
function importsLeaving(file: string, folder: string): string[] {
  return importSpecifiers(source(file)).filter((specifier) =>
    specifier.startsWith('.')
      ? !target(file, specifier).startsWith(`${folder}/`)
      : specifier.startsWith('@exsync/'),
  );
}

/** Specifiers imported for their values by an import or export statement (not `import type`). */
function staticValueImports(text: string): string[] {
  const statements = text.matchAll(
    /^\s*(?:import|export)\s+(type\s)?(?:[^'";]*?\sfrom\s*)?['"]([^'"]+)['"]/gm,
  );
  return [...statements].filter((m) => m[1] === undefined).map((m) => m[2]);
}

const isSandbox = (specifier: string) =>
  specifier === '@exsync/sandbox' || specifier.startsWith('@exsync/sandbox/');

describe('the sandbox package', () => {
  const files = typeScriptFiles(root, 'packages/sandbox/src');

  it('is read (the walker sees it)', () => {
    expect(files).toContain('packages/sandbox/src/server.ts');
    expect(files.length).toBeGreaterThan(100);
  });

  it("imports none of Exsync's code or tests, and of the workspace packages only @exsync/common", () => {
    const breaches = files.flatMap((file) =>
      importsLeaving(file, 'packages/sandbox')
        .filter((specifier) => !specifier.startsWith('@exsync/common/'))
        .map((specifier) => `${file} imports ${specifier}`),
    );
    expect(breaches).toEqual([]);
  });
});

describe('@exsync/common', () => {
  it('imports neither Exsync nor the sandbox', () => {
    const files = typeScriptFiles(root, 'packages/common/src');
    expect(files).toContain('packages/common/src/xml-chars.ts');
    const breaches = files.flatMap((file) =>
      importsLeaving(file, 'packages/common').map((specifier) => `${file} imports ${specifier}`),
    );
    expect(breaches).toEqual([]);
  });
});

describe("Exsync's code, tests, benchmarks and scripts", () => {
  const files = ['src', 'test', 'bench', 'scripts'].flatMap((dir) => typeScriptFiles(root, dir));

  it('use the packages by their names, never by a path into packages/', () => {
    const breaches = files.flatMap((file) =>
      importSpecifiers(source(file))
        .filter((specifier) => specifier.startsWith('.') && target(file, specifier).startsWith('packages/'))
        .map((specifier) => `${file} imports ${specifier}`),
    );
    expect(breaches).toEqual([]);
  });

  it('load the sandbox in production code only for `exsync sandbox` and `exsync demo`, dynamically', () => {
    const production = files.filter((file) => file.startsWith('src/') && !file.endsWith('.test.ts'));
    const demo = (file: string) => file.startsWith('src/demo/');
    const breaches = production
      .filter((file) => !demo(file))
      .flatMap((file) => {
        const text = source(file);
        const sandbox = staticValueImports(text).filter(isSandbox);
        const demoModules = staticValueImports(text).filter(
          (specifier) => specifier.startsWith('.') && demo(target(file, specifier)),
        );
        const anywhere = importSpecifiers(text).filter(isSandbox);
        const allowed = file === 'src/cli/sandbox.ts' ? [] : anywhere;
        return [...sandbox, ...demoModules, ...allowed].map((specifier) => `${file} imports ${specifier}`);
      });
    expect([...new Set(breaches)]).toEqual([]);
  });
});
