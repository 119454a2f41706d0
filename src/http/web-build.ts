// `exsync serve` and the quick start serve the web UI from web/dist, built here when it is
// missing or older than its sources, so that `npm install && npm start` (or `npm run demo`)
// needs no separate build step.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const WEB_DIR = join(import.meta.dirname, '..', '..', 'web');

/** Newest modification time (ms) of the files under `path`, or of `path` itself; 0 if absent. */
export function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    newest = Math.max(newest, newestMtime(join(path, entry.name)));
  }
  return newest;
}

/** Why the UI must be built, or null when web/dist is up to date. */
export function webBuildReason(webDir = WEB_DIR): string | null {
  const built = join(webDir, 'dist', 'index.html');
  if (!existsSync(built)) return 'the web UI has not been built yet';
  const sources = Math.max(
    newestMtime(join(webDir, 'src')),
    newestMtime(join(webDir, 'index.html')),
    newestMtime(join(webDir, 'vite.config.ts')),
  );
  return sources > statSync(built).mtimeMs ? 'its sources changed since the last build' : null;
}

/** Builds web/dist with Vite (a dev dependency, so loaded only when a build is needed). */
export async function buildWebUi(say: (line: string) => void, webDir = WEB_DIR): Promise<void> {
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch (error) {
    throw new Error(
      `The web UI needs building, but Vite cannot be loaded (${(error as Error).message}). Run "npm install" (with dev dependencies) and start again, or build it elsewhere with "npm run build" and copy web/dist.`,
    );
  }
  const started = Date.now();
  try {
    await vite.build({ configFile: join(webDir, 'vite.config.ts'), logLevel: 'warn' });
  } catch (error) {
    throw new Error(
      `Building the web UI failed:\n${(error as Error).message.trim()}\nFix the sources in web/src, or start with --no-build to serve the last build (the REST API works either way).`,
    );
  }
  say(`Web UI built in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}
