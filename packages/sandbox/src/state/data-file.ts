// The `--data <file>` persistence: one JSON file holding the store, the identity platform's
// keys and grants, and the TLS certificate, written atomically (temp file + rename) so a crash
// mid-write never leaves a torn file.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { StoreError } from '../model.ts';
import type { StoreSnapshot } from './memory-store.ts';

export interface SandboxDataFile {
  format: 'exsync-sandbox-data';
  version: 1;
  savedAt: string;
  store: StoreSnapshot;
  identity?: unknown;
  tls?: { key: string; cert: string };
}

/** The file's content, or undefined when it does not exist yet. */
export async function readDataFile(path: string): Promise<SandboxDataFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let data: Partial<SandboxDataFile>;
  try {
    data = JSON.parse(text) as Partial<SandboxDataFile>;
  } catch {
    throw new StoreError(
      'invalidArgument',
      `${path} is not valid JSON; move it away or pass another --data file.`,
    );
  }
  if (data.format !== 'exsync-sandbox-data' || data.version !== 1 || !data.store) {
    throw new StoreError(
      'invalidArgument',
      `${path} is not a sandbox data file; move it away or pass another --data file.`,
    );
  }
  return data as SandboxDataFile;
}

export async function writeDataFile(
  path: string,
  data: Omit<SandboxDataFile, 'format' | 'version' | 'savedAt'>,
): Promise<void> {
  const body: SandboxDataFile = {
    format: 'exsync-sandbox-data',
    version: 1,
    savedAt: new Date().toISOString(),
    ...data,
  };
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(body), { mode: 0o600 });
  await rename(temp, path);
}
