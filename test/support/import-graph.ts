// A small import graph of the project's own TypeScript modules, read from their source text: the
// specifiers of `import … from '…'` / `export … from '…'` statements, side-effect imports
// (`import '…'`) and inline type imports (`import('…').Name`, which TypeScript resolves like a
// statement and which make the same dependency). Relative specifiers and the entry points the
// workspace packages export (`@exsync/common/time`) become edges; other packages are left out: a
// cycle or a layer breach is only ever among our own files.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** Module path (relative to the project root, `/`-separated) → the modules it imports. */
export type ImportGraph = Map<string, string[]>;

const STATEMENT = /^\s*(?:import|export)\s(?:[^'";]*?\sfrom\s*)?['"]([^'"]+)['"]/gm;
const INLINE = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The specifiers a module's source imports, relative ones and package names alike. */
export function importSpecifiers(source: string): string[] {
  const found = [...source.matchAll(STATEMENT), ...source.matchAll(INLINE)].map((m) => m[1]);
  return [...new Set(found)];
}

const toPosix = (path: string) => path.split(sep).join('/');

/** Every `.ts` file below `dir`, as a path relative to `root`. */
export function typeScriptFiles(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
    .map((name) => toPosix(join(dir, name)))
    .sort();
}

/**
 * The entry points of the workspace packages (packages/<dir>/package.json `exports`), as
 * specifier → module path: `@exsync/common/time` → `packages/common/src/time/index.ts`.
 */
export function workspaceEntries(root: string): Map<string, string> {
  const entries = new Map<string, string>();
  const packages = join(root, 'packages');
  if (!existsSync(packages)) return entries;
  for (const dir of readdirSync(packages)) {
    const manifest = join(packages, dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const { name, exports } = JSON.parse(readFileSync(manifest, 'utf8')) as {
      name: string;
      exports?: Record<string, string>;
    };
    for (const [subpath, target] of Object.entries(exports ?? {})) {
      if (typeof target !== 'string') continue;
      entries.set(name + subpath.slice(1), toPosix(join('packages', dir, target)));
    }
  }
  return entries;
}

/**
 * The graph of `files` (paths relative to `root`): each relative import resolved to a path, each
 * workspace package import to the module its entry point names.
 */
export function importGraph(
  root: string,
  files: readonly string[],
  entries: ReadonlyMap<string, string> = new Map(),
): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of files) {
    const source = readFileSync(join(root, file), 'utf8');
    const targets = importSpecifiers(source).flatMap((specifier) => {
      if (specifier.startsWith('.'))
        return [toPosix(relative(root, resolve(root, dirname(file), specifier)))];
      const entry = entries.get(specifier);
      return entry === undefined ? [] : [entry];
    });
    graph.set(file, targets);
  }
  return graph;
}

/**
 * The import cycles among the graph's modules: one cycle (as the path of modules around it, first
 * module repeated at the end) for each group of modules that reach each other (Tarjan's strongly
 * connected components), and each module that imports itself.
 */
export function importCycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const edges = (node: string) => (graph.get(node) ?? []).filter((target) => graph.has(target));

  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const target of edges(node)) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || edges(node).includes(node)) components.push(component);
  };

  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return components.map((component) => cycleThrough(new Set(component), edges));
}

/** One path around a strongly connected component, from its first module (sorted) back to it. */
function cycleThrough(component: Set<string>, edges: (node: string) => string[]): string[] {
  const start = [...component].sort()[0];
  // Breadth-first from the start's successors back to the start, inside the component.
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const target of edges(node)) {
      if (!component.has(target) || cameFrom.has(target)) continue;
      cameFrom.set(target, node);
      if (target === start) {
        const path = [start];
        for (let at = cameFrom.get(start)!; at !== start; at = cameFrom.get(at)!) path.unshift(at);
        return [start, ...path];
      }
      queue.push(target);
    }
  }
  return [start, start];
}
