// Exchange's ids and change keys are opaque base64 strings. The sandbox's look alike so that
// clients which (wrongly) assume a format are caught, and are base64url so they travel in Graph
// URLs unescaped.
import { randomBytes, randomUUID } from 'node:crypto';

export function newItemId(): string {
  return 'AAMkA' + randomBytes(33).toString('base64url');
}

export function newFolderId(): string {
  return 'AAMkA' + randomBytes(24).toString('base64url');
}

export function newOccurrenceId(): string {
  return 'AAMkA' + randomBytes(36).toString('base64url');
}

export function newGuid(): string {
  return randomUUID();
}

/** Change keys: a fixed Exchange-like prefix plus a counter, so each change gets a new one. */
export class ChangeKeys {
  counter: number;
  constructor(start = 0) {
    this.counter = start;
  }
  next(prefix: 'item' | 'folder'): string {
    this.counter++;
    const bytes = Buffer.alloc(8);
    bytes.writeBigUInt64BE(BigInt(this.counter));
    return (prefix === 'item' ? 'CQAAABYAAAA' : 'AQAAABYAAAA') + bytes.toString('base64url');
  }
}
