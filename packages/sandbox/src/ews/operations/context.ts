// What an operation handler gets: the store, the effective mailbox, the request's settings.

import type { SandboxContext } from '../../context.ts';
import { type AnyItem, type Folder, type Mailbox, StoreError } from '../../model.ts';
import type { Caller } from '../auth.ts';
import { EwsError, schemaViolation } from '../errors.ts';
import type { Notifications } from '../notifications/registry.ts';
import type { SupportedVersion } from '../versions.ts';
import { childElement, childText, type XElement } from '../xml/parse.ts';

export interface OperationContext {
  sandbox: SandboxContext;
  caller: Caller;
  /** The mailbox the request acts on (the impersonated one, if any). */
  mailbox: Mailbox;
  version: SupportedVersion;
  /** Windows zone from TimeZoneContext; zoneless times in the request are read in it. */
  timeZone?: string;
  precision: 'Seconds' | 'Milliseconds';
  /** A fault rule asked for this request's sync state to be treated as expired. */
  expireSyncState: boolean;
  notifications: Notifications;
}

/** A response body, or a streaming answer that writes itself (GetStreamingEvents). */
export type OperationResult = string | { stream: (write: StreamWriter) => Promise<void> };

export interface StreamWriter {
  /** Writes one chunk; false once the client is gone. */
  write(chunk: string): boolean;
  closed(): boolean;
  onClose(listener: () => void): void;
}

export type Operation = (
  op: OperationContext,
  request: XElement,
) => OperationResult | Promise<OperationResult>;

export function storeErrorToEws(error: unknown): EwsError {
  if (error instanceof EwsError) return error;
  if (error instanceof StoreError) {
    switch (error.code) {
      case 'notFound':
        return new EwsError('ErrorItemNotFound', 'The specified object was not found in the store.');
      case 'folderNotFound':
        return new EwsError('ErrorFolderNotFound', 'The specified folder could not be found in the store.');
      case 'mailboxNotFound':
        return new EwsError('ErrorNonExistentMailbox', error.message);
      case 'staleChangeKey':
        return new EwsError(
          'ErrorIrresolvableConflict',
          'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item. Get the item again and retry with its current ChangeKey.',
        );
      case 'invalidSyncState':
        return new EwsError(
          'ErrorInvalidSyncStateData',
          'Synchronization state data is corrupt or otherwise invalid. Discard the sync state and synchronize again from the start.',
        );
      case 'quotaExceeded':
        return new EwsError('ErrorQuotaExceeded', error.message);
      case 'invalidArgument':
        return new EwsError('ErrorInvalidRequest', error.message);
    }
  }
  throw error;
}

/**
 * Resolves a `<t:FolderId>` or `<t:DistinguishedFolderId>` (with an optional `<t:Mailbox>` for
 * another mailbox, allowed for accounts with impersonation rights) to a stored folder.
 */
export function resolveFolder(op: OperationContext, ref: XElement): { mailbox: Mailbox; folder: Folder } {
  let mailbox = op.mailbox;
  const other = childText(childElement(ref, 'Mailbox'), 'EmailAddress');
  if (other && other.toLowerCase() !== mailbox.address) {
    const target = op.sandbox.store.mailbox(other);
    if (!target)
      throw new EwsError('ErrorNonExistentMailbox', `No mailbox with the SMTP address ${other} exists.`);
    const canDelegate =
      (op.caller.kind === 'user' &&
        op.caller.mailbox.canImpersonate &&
        op.caller.mailbox.tenantId === target.tenantId) ||
      (op.caller.kind === 'app' && op.caller.tenantId === target.tenantId);
    if (!canDelegate) throw new EwsError('ErrorAccessDenied', `Access to the mailbox ${other} is denied.`);
    mailbox = target;
  }
  const store = op.sandbox.store;
  let folder: Folder | undefined;
  if (ref.name === 'DistinguishedFolderId') {
    const id = ref.attrs.Id;
    folder = store.distinguishedFolder(mailbox.id, id);
    if (!folder)
      throw new EwsError(
        'ErrorFolderNotFound',
        `The distinguished folder "${id}" does not exist in this mailbox.`,
      );
  } else if (ref.name === 'FolderId') {
    folder = store.folder(mailbox.id, ref.attrs.Id ?? '');
    if (!folder)
      throw new EwsError('ErrorFolderNotFound', 'The specified folder could not be found in the store.');
  } else {
    throw new EwsError(
      'ErrorInvalidRequest',
      `Expected FolderId or DistinguishedFolderId, found ${ref.name}.`,
    );
  }
  return { mailbox, folder };
}

export function findItem(op: OperationContext, id: string | undefined): AnyItem {
  const item = id ? op.sandbox.store.item(op.mailbox.id, id) : undefined;
  if (!item) throw new EwsError('ErrorItemNotFound', 'The specified object was not found in the store.');
  return item;
}

export function nowIso(op: OperationContext): string {
  return new Date(op.sandbox.now()).toISOString();
}

/** The schema requires this list with at least one entry; Exchange refuses the request otherwise. */
export function requiredList(request: XElement, name: string): XElement[] {
  const list = childElement(request, name);
  if (!list || list.children.length === 0) {
    throw schemaViolation(
      `The element '${request.name}' has incomplete content: '${name}' with at least one child is required.`,
    );
  }
  return list.children;
}
