// SyncState as EWS carries it: base64 (MS-OXWSSYNC_R44) around the store's opaque position.

import { StoreError } from '../../model.ts';
import type { SandboxStore, SyncPosition } from '../../store-api.ts';

export function encodeSyncState(store: SandboxStore, position: SyncPosition): string {
  return Buffer.from(store.encodePosition(position), 'utf8').toString('base64');
}

/** Throws StoreError('invalidSyncState') for anything this sandbox did not issue. */
export function decodeSyncState(store: SandboxStore, state: string): SyncPosition {
  const trimmed = state.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || trimmed.length % 4 !== 0) {
    throw new StoreError('invalidSyncState', 'The SyncState is not base64.');
  }
  return store.decodePosition(Buffer.from(trimmed, 'base64').toString('utf8'));
}
