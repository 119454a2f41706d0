// Docs are claims: a file or folder of the repository that README.md or docs/ names in backquotes
// (`src/…`, `packages/…`, `test/…`, `bench/…`, `scripts/…`) exists, so that a move is followed
// by the docs that point at the old place.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const documents = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];
const PATH = /`((?:src|packages|test|bench|scripts)\/[^`\s*]+)`/g;

/** The repository paths a document names, without a `#anchor` or `:line` after them. */
function namedPaths(text: string): string[] {
  return [...text.matchAll(PATH)].map((m) => m[1].replace(/[#:].*$/, ''));
}

describe('paths named in README.md and docs/', () => {
  it('are found in a sample text, globs left out', () => {
    expect(
      namedPaths('see `src/cli/run.ts`, `docs/x.md`, `test/sandbox/ews-*.test.ts` and `src/a.ts:12`'),
    ).toEqual(['src/cli/run.ts', 'src/a.ts']);
  });

  it('exist', () => {
    const missing = documents.flatMap((document) =>
      namedPaths(readFileSync(join(root, document), 'utf8'))
        .filter((path) => !existsSync(join(root, path)))
        .map((path) => `${document} names ${path}`),
    );
    expect(documents).toContain('docs/sandbox.md');
    expect([...new Set(missing)]).toEqual([]);
  });
});
