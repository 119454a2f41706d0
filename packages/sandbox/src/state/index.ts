import { StoreError } from '../model.ts';
import { MemoryStore, type StoreOptions, type StoreSnapshot } from './memory-store.ts';

export type { StoreOptions, StoreSnapshot } from './memory-store.ts';
export { MemoryStore } from './memory-store.ts';

/** A new, empty sandbox store. Add tenants, mailboxes and apps, or seed it (seed/). */
export function createStore(options: StoreOptions = {}): MemoryStore {
  return new MemoryStore(options);
}

/** Rebuilds a store from `snapshot()`'s output (e.g. read back from a `--data` file). */
export function loadStore(snapshot: unknown, options: StoreOptions = {}): MemoryStore {
  const s = snapshot as Partial<StoreSnapshot> | null;
  if (s?.format !== 'exsync-sandbox' || s.version !== 1) {
    throw new StoreError(
      'invalidArgument',
      'This is not a sandbox data file (format exsync-sandbox, version 1).',
    );
  }
  return new MemoryStore(options, s as StoreSnapshot);
}
export { readDataFile, type SandboxDataFile, writeDataFile } from './data-file.ts';
