// The contract between the sandbox's state (state/) and the protocol front ends
// (ews/, graph/, identity/, admin/). Front ends see
// the state only through this interface, so both protocols observe the same mailbox.

import type {
  AnyItem,
  AppRegistration,
  Folder,
  FolderChange,
  FolderClass,
  ItemDataByKind,
  ItemKind,
  Mailbox,
  Tenant,
} from './model.ts';

/** Who made a change: a protocol client, or the admin API acting as the mailbox's user. */
export type Actor = 'ews' | 'graph' | 'user' | 'system';

/** An opaque, serialisable position in a folder's (or a hierarchy's) change log. */
export interface SyncPosition {
  mailboxId: string;
  /** null for the folder hierarchy. */
  folderId: string | null;
  /** Last change sequence number the holder has seen. */
  seq: number;
  /** Bumped when the store is reset, so states from an earlier life are refused. */
  epoch: string;
  /**
   * The mailbox's head when the position was handed out. A page of a read from scratch points
   * into the old log (`seq`) although it was issued now: expiry and distance go by this.
   */
  issued?: number;
  /**
   * Inside a sync read in pages: the position where the round began (the client had everything
   * up to it; 0 for a first sync) and the head of the log at that moment. Absent between rounds.
   */
  base?: number;
  roundHead?: number;
}

export interface ItemChangePage {
  /** Net effect per item since the position, oldest first; an item appears at most once. */
  changes: Array<
    | { type: 'create' | 'update'; item: AnyItem }
    | { type: 'delete'; itemId: string }
    | { type: 'readFlag'; itemId: string; isRead: boolean }
  >;
  next: SyncPosition;
  /** True when `next` is the end of the log (EWS IncludesLastItemInRange). */
  done: boolean;
}

export interface FolderChangePage {
  changes: Array<{ type: 'create' | 'update'; folder: Folder } | { type: 'delete'; folderId: string }>;
  next: SyncPosition;
  done: boolean;
}

export type StoreEvent =
  | {
      type: 'itemChanged';
      mailboxId: string;
      folderId: string;
      itemId: string;
      change: 'create' | 'update' | 'delete' | 'move';
      oldFolderId?: string;
    }
  | { type: 'folderChanged'; mailboxId: string; folderId: string; change: 'create' | 'update' | 'delete' };

export interface SyncStateRule {
  /** Positions older than this many milliseconds are refused (0 = never expire). */
  maxAgeMs: number;
  /** Positions more than this many changes behind the head are refused (0 = unlimited). */
  maxChangesBehind: number;
}

export interface SandboxStore {
  readonly epoch: string;

  // tenants, mailboxes, apps
  tenants(): Tenant[];
  tenantByIdOrDomain(idOrDomain: string): Tenant | undefined;
  mailboxes(tenantId?: string): Mailbox[];
  /** By id, or by SMTP address (case-insensitive). */
  mailbox(idOrAddress: string): Mailbox | undefined;
  addTenant(input: { domain: string; displayName?: string; id?: string }): Tenant;
  addMailbox(input: {
    tenantId: string;
    address: string;
    displayName: string;
    password: string;
    canImpersonate?: boolean;
    timeZone?: string;
    requiresMfa?: boolean;
    id?: string;
  }): Mailbox;
  apps(tenantId?: string): AppRegistration[];
  app(clientId: string): AppRegistration | undefined;
  addApp(
    input: Omit<AppRegistration, 'clientId' | 'clientSecret'> & { clientId?: string; clientSecret?: string },
  ): AppRegistration;

  // folders
  folders(mailboxId: string): Folder[];
  folder(mailboxId: string, folderId: string): Folder | undefined;
  distinguishedFolder(mailboxId: string, distinguishedId: string): Folder | undefined;
  createFolder(
    mailboxId: string,
    input: { parentId: string; displayName: string; folderClass: FolderClass; sharedBy?: string },
    actor: Actor,
  ): Folder;
  updateFolder(mailboxId: string, folderId: string, patch: { displayName?: string }, actor: Actor): Folder;
  deleteFolder(mailboxId: string, folderId: string, actor: Actor): void;
  /** Moves a folder (with its subtree) under another parent; it keeps its id. */
  moveFolder(mailboxId: string, folderId: string, toParentId: string, actor: Actor): Folder;

  // items
  items(mailboxId: string, folderId: string): AnyItem[];
  /**
   * A copy of the first item of the mailbox that `test` accepts. `test` sees the stored item
   * itself and must not change it: only the match is copied, so a search over a large mailbox
   * costs no copy of every item.
   */
  findItem(mailboxId: string, test: (item: Readonly<AnyItem>) => boolean): AnyItem | undefined;
  /** Looks the item up in every folder of the mailbox. */
  item(mailboxId: string, itemId: string): AnyItem | undefined;
  createItem<K extends ItemKind>(
    mailboxId: string,
    folderId: string,
    kind: K,
    data: ItemDataByKind[K],
    actor: Actor,
  ): AnyItem;
  /**
   * Replaces the fields present in `patch` (undefined values remove the field).
   * With `ifChangeKey` set and not current, throws StoreError('staleChangeKey').
   */
  updateItem<K extends ItemKind>(
    mailboxId: string,
    itemId: string,
    patch: Partial<ItemDataByKind[K]>,
    actor: Actor,
    ifChangeKey?: string,
  ): AnyItem;
  /** `hard` removes it; otherwise it moves to Deleted Items (as EWS MoveToDeletedItems). */
  deleteItem(
    mailboxId: string,
    itemId: string,
    mode: 'hard' | 'moveToDeletedItems',
    actor: Actor,
    ifChangeKey?: string,
  ): void;
  moveItem(mailboxId: string, itemId: string, toFolderId: string, actor: Actor): AnyItem;

  // change logs
  /** The position at the head of the log: what a client that has seen everything holds. */
  headPosition(mailboxId: string, folderId: string | null): SyncPosition;
  /** The position before anything: a full sync starts here. */
  startPosition(mailboxId: string, folderId: string | null): SyncPosition;
  /** Throws StoreError('invalidSyncState') for a position that expired or is from another epoch. */
  itemChangesSince(position: SyncPosition, max: number): ItemChangePage;
  folderChangesSince(position: SyncPosition, max: number): FolderChangePage;
  encodePosition(position: SyncPosition): string;
  /** Throws StoreError('invalidSyncState') for anything it did not issue. */
  decodePosition(token: string): SyncPosition;
  setSyncStateRule(rule: Partial<SyncStateRule>): void;
  /** Makes every position issued so far for the mailbox (or all) invalid, as an expired state. */
  expireSyncStates(mailboxId?: string): void;

  /** Every committed change, for notifications and webhooks. Returns an unsubscribe function. */
  onChange(listener: (event: StoreEvent) => void): () => void;

  /** The last hierarchy change, for diagnostics. */
  lastFolderChange(mailboxId: string): FolderChange | undefined;

  /** Serialises everything (for `--data <file>`); `load` is the inverse. */
  snapshot(): unknown;
}
