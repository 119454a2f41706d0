// The sandbox's state: tenants, mailboxes, folder trees and items, held in memory, with one
// change sequence per mailbox and a net-effect change log per folder.
import { randomBytes } from 'node:crypto';
import type {
  AnyItem,
  AppRegistration,
  Folder,
  FolderChange,
  FolderClass,
  ItemDataByKind,
  ItemKind,
  Mailbox,
  MessageData,
  Tenant,
} from '../model.ts';
import { StoreError } from '../model.ts';
import type {
  Actor,
  FolderChangePage,
  ItemChangePage,
  SandboxStore,
  StoreEvent,
  SyncPosition,
  SyncStateRule,
} from '../store-api.ts';
import { ChangeLog, type LogChangeType, type SerializedLog, type SyncRound } from './change-log.ts';
import { deepCopy } from './clone.ts';
import { DEFAULT_FOLDERS } from './default-folders.ts';
import { ChangeKeys, newFolderId, newGuid, newItemId } from './ids.ts';
import { isItemKind, normalizeData } from './normalize.ts';
import { decodePosition, encodePosition } from './positions.ts';

export interface StoreOptions {
  syncStateRule?: Partial<SyncStateRule>;
  /** Milliseconds since the epoch; tests may replace it. */
  now?: () => number;
}

interface FolderState {
  folder: Folder;
  itemIds: Set<string>;
  log: ChangeLog;
}

interface MailboxState {
  mailbox: Mailbox;
  /** Last change sequence number used in this mailbox. */
  seq: number;
  /** Positions with 0 < seq < validFromSeq were expired on purpose. */
  validFromSeq: number;
  folders: Map<string, FolderState>;
  distinguished: Map<string, string>;
  items: Map<string, AnyItem>;
  hierarchy: ChangeLog;
  lastFolderChange?: FolderChange;
}

export interface StoreSnapshot {
  format: 'exsync-sandbox';
  version: 1;
  epoch: string;
  secret: string;
  changeKeyCounter: number;
  syncStateRule: SyncStateRule;
  tenants: Tenant[];
  apps: AppRegistration[];
  mailboxes: Array<{
    mailbox: Mailbox;
    seq: number;
    validFromSeq: number;
    folders: Array<{ folder: Folder; log: SerializedLog }>;
    items: AnyItem[];
    hierarchy: SerializedLog;
    lastFolderChange?: FolderChange;
  }>;
}

const clone = deepCopy;

export class MemoryStore implements SandboxStore {
  readonly epoch: string;
  private readonly secret: string;
  private readonly now: () => number;
  private readonly changeKeys: ChangeKeys;
  private rule: SyncStateRule;
  private readonly tenantsById = new Map<string, Tenant>();
  private readonly mailboxesById = new Map<string, MailboxState>();
  private readonly mailboxIdByAddress = new Map<string, string>();
  private readonly appsById = new Map<string, AppRegistration>();
  private readonly listeners = new Set<(event: StoreEvent) => void>();

  constructor(options: StoreOptions = {}, restore?: StoreSnapshot) {
    this.now = options.now ?? Date.now;
    this.epoch = restore?.epoch ?? randomBytes(6).toString('base64url');
    this.secret = restore?.secret ?? randomBytes(32).toString('base64url');
    this.changeKeys = new ChangeKeys(restore?.changeKeyCounter ?? 0);
    this.rule = { maxAgeMs: 0, maxChangesBehind: 0, ...restore?.syncStateRule, ...options.syncStateRule };
    if (restore) this.restore(restore);
  }

  // ---- tenants, mailboxes, apps ----

  tenants(): Tenant[] {
    return [...this.tenantsById.values()].map(clone);
  }

  tenantByIdOrDomain(idOrDomain: string): Tenant | undefined {
    const key = idOrDomain.toLowerCase();
    const found =
      this.tenantsById.get(key) ?? [...this.tenantsById.values()].find((t) => t.domain.toLowerCase() === key);
    return found && clone(found);
  }

  mailboxes(tenantId?: string): Mailbox[] {
    const all = [...this.mailboxesById.values()].map((m) => m.mailbox);
    return (tenantId ? all.filter((m) => m.tenantId === tenantId) : all).map(clone);
  }

  mailbox(idOrAddress: string): Mailbox | undefined {
    const state = this.findMailbox(idOrAddress);
    return state && clone(state.mailbox);
  }

  addTenant(input: { domain: string; displayName?: string; id?: string }): Tenant {
    const domain = input.domain?.trim().toLowerCase();
    if (!domain || !/^[a-z0-9.-]+\.[a-z0-9-]+$/.test(domain)) {
      throw new StoreError(
        'invalidArgument',
        `"${input.domain}" is not a domain name; give one such as contoso.test.`,
      );
    }
    if ([...this.tenantsById.values()].some((t) => t.domain === domain)) {
      throw new StoreError('invalidArgument', `A tenant for ${domain} exists already.`);
    }
    const id = (input.id ?? newGuid()).toLowerCase();
    if (this.tenantsById.has(id)) throw new StoreError('invalidArgument', `Tenant id ${id} is taken.`);
    const tenant: Tenant = { id, domain, displayName: input.displayName ?? domain };
    this.tenantsById.set(id, tenant);
    return clone(tenant);
  }

  addMailbox(input: {
    tenantId: string;
    address: string;
    displayName: string;
    password: string;
    canImpersonate?: boolean;
    timeZone?: string;
    requiresMfa?: boolean;
    id?: string;
  }): Mailbox {
    const tenant = this.tenantsById.get(input.tenantId?.toLowerCase());
    if (!tenant) throw new StoreError('notFound', `No tenant ${input.tenantId}; create the tenant first.`);
    const address = input.address?.trim().toLowerCase();
    if (!address || !/^[^@\s]+@[^@\s]+$/.test(address)) {
      throw new StoreError('invalidArgument', `"${input.address}" is not an email address.`);
    }
    if (this.mailboxIdByAddress.has(address)) {
      throw new StoreError('invalidArgument', `A mailbox for ${address} exists already.`);
    }
    const id = input.id ?? newGuid();
    if (this.mailboxesById.has(id)) throw new StoreError('invalidArgument', `Mailbox id ${id} is taken.`);
    const mailbox: Mailbox = {
      id,
      tenantId: tenant.id,
      address,
      displayName: input.displayName || address,
      password: input.password,
      canImpersonate: input.canImpersonate ?? false,
      timeZone: input.timeZone ?? 'UTC',
    };
    if (input.requiresMfa) mailbox.requiresMfa = true;
    const state: MailboxState = {
      mailbox,
      seq: 0,
      validFromSeq: 0,
      folders: new Map(),
      distinguished: new Map(),
      items: new Map(),
      hierarchy: new ChangeLog(),
    };
    this.mailboxesById.set(id, state);
    this.mailboxIdByAddress.set(address, id);
    for (const def of DEFAULT_FOLDERS) {
      const parentId = def.parent ? state.distinguished.get(def.parent)! : null;
      const folder = this.insertFolder(state, parentId, def.displayName, def.folderClass);
      folder.distinguishedId = def.distinguishedId;
      state.distinguished.set(def.distinguishedId, folder.id);
    }
    return clone(mailbox);
  }

  apps(tenantId?: string): AppRegistration[] {
    const all = [...this.appsById.values()];
    return (tenantId ? all.filter((a) => a.tenantId === tenantId) : all).map(clone);
  }

  app(clientId: string): AppRegistration | undefined {
    const found = this.appsById.get(clientId?.toLowerCase());
    return found && clone(found);
  }

  addApp(
    input: Omit<AppRegistration, 'clientId' | 'clientSecret'> & { clientId?: string; clientSecret?: string },
  ): AppRegistration {
    if (!this.tenantsById.has(input.tenantId)) {
      throw new StoreError('notFound', `No tenant ${input.tenantId}; create the tenant first.`);
    }
    const clientId = (input.clientId ?? newGuid()).toLowerCase();
    if (this.appsById.has(clientId))
      throw new StoreError('invalidArgument', `App ${clientId} exists already.`);
    const app: AppRegistration = {
      clientId,
      clientSecret: input.clientSecret ?? randomBytes(30).toString('base64url'),
      tenantId: input.tenantId,
      displayName: input.displayName,
      redirectUris: [...(input.redirectUris ?? [])],
      applicationPermissions: [...(input.applicationPermissions ?? [])],
    };
    if (input.allowPublicClient) app.allowPublicClient = true;
    this.appsById.set(clientId, app);
    return clone(app);
  }

  // ---- folders ----

  folders(mailboxId: string): Folder[] {
    return [...this.requireMailbox(mailboxId).folders.values()].map((f) => clone(f.folder));
  }

  folder(mailboxId: string, folderId: string): Folder | undefined {
    const state = this.findMailbox(mailboxId);
    const found = state?.folders.get(folderId);
    return found && clone(found.folder);
  }

  distinguishedFolder(mailboxId: string, distinguishedId: string): Folder | undefined {
    const state = this.findMailbox(mailboxId);
    const id = state?.distinguished.get(distinguishedId.toLowerCase());
    return id ? clone(state!.folders.get(id)!.folder) : undefined;
  }

  createFolder(
    mailboxId: string,
    input: { parentId: string; displayName: string; folderClass: FolderClass; sharedBy?: string },
    _actor: Actor,
  ): Folder {
    const state = this.requireMailbox(mailboxId);
    const parent = this.requireFolder(state, input.parentId);
    const displayName = input.displayName?.trim();
    if (!displayName) throw new StoreError('invalidArgument', 'A folder needs a display name.');
    this.assertNameFree(state, parent.folder.id, displayName);
    const folder = this.insertFolder(
      state,
      parent.folder.id,
      displayName,
      input.folderClass ?? parent.folder.folderClass,
    );
    if (input.sharedBy) folder.sharedBy = input.sharedBy;
    this.emit({ type: 'folderChanged', mailboxId: state.mailbox.id, folderId: folder.id, change: 'create' });
    return clone(folder);
  }

  updateFolder(mailboxId: string, folderId: string, patch: { displayName?: string }, _actor: Actor): Folder {
    const state = this.requireMailbox(mailboxId);
    const target = this.requireFolder(state, folderId);
    if (patch.displayName !== undefined) {
      const name = patch.displayName.trim();
      if (!name) throw new StoreError('invalidArgument', 'A folder needs a display name.');
      if (target.folder.distinguishedId) {
        throw new StoreError(
          'invalidArgument',
          `The ${target.folder.distinguishedId} folder cannot be renamed.`,
        );
      }
      if (target.folder.parentId && name !== target.folder.displayName) {
        this.assertNameFree(state, target.folder.parentId, name);
      }
      target.folder.displayName = name;
    }
    target.folder.changeKey = this.changeKeys.next('folder');
    this.logFolder(state, target.folder, 'update');
    this.emit({ type: 'folderChanged', mailboxId: state.mailbox.id, folderId, change: 'update' });
    return clone(target.folder);
  }

  deleteFolder(mailboxId: string, folderId: string, _actor: Actor): void {
    const state = this.requireMailbox(mailboxId);
    const target = this.requireFolder(state, folderId);
    if (target.folder.distinguishedId) {
      throw new StoreError(
        'invalidArgument',
        `The ${target.folder.distinguishedId} folder cannot be deleted.`,
      );
    }
    // Children first, so each deletion is logged with a parent that still existed.
    const doomed = this.subtree(state, folderId).reverse();
    for (const f of doomed) {
      for (const itemId of f.itemIds) state.items.delete(itemId);
      state.folders.delete(f.folder.id);
      this.logFolder(state, f.folder, 'delete');
    }
    for (const f of doomed) {
      this.emit({
        type: 'folderChanged',
        mailboxId: state.mailbox.id,
        folderId: f.folder.id,
        change: 'delete',
      });
    }
  }

  moveFolder(mailboxId: string, folderId: string, toParentId: string, _actor: Actor): Folder {
    const state = this.requireMailbox(mailboxId);
    const target = this.requireFolder(state, folderId);
    const parent = this.requireFolder(state, toParentId);
    if (target.folder.distinguishedId) {
      throw new StoreError('invalidArgument', `The ${target.folder.distinguishedId} folder cannot be moved.`);
    }
    if (this.subtree(state, target.folder.id).some((f) => f.folder.id === parent.folder.id)) {
      throw new StoreError(
        'invalidArgument',
        'A folder cannot be moved into itself or one of its subfolders.',
      );
    }
    if (target.folder.parentId === parent.folder.id) return clone(target.folder);
    this.assertNameFree(state, parent.folder.id, target.folder.displayName);
    target.folder.parentId = parent.folder.id;
    target.folder.changeKey = this.changeKeys.next('folder');
    this.logFolder(state, target.folder, 'update');
    this.emit({
      type: 'folderChanged',
      mailboxId: state.mailbox.id,
      folderId: target.folder.id,
      change: 'update',
    });
    return clone(target.folder);
  }

  // ---- items ----

  items(mailboxId: string, folderId: string): AnyItem[] {
    const state = this.requireMailbox(mailboxId);
    const f = this.requireFolder(state, folderId);
    return [...f.itemIds].map((id) => clone(state.items.get(id)!));
  }

  findItem(mailboxId: string, test: (item: Readonly<AnyItem>) => boolean): AnyItem | undefined {
    for (const item of this.requireMailbox(mailboxId).items.values()) if (test(item)) return clone(item);
    return undefined;
  }

  item(mailboxId: string, itemId: string): AnyItem | undefined {
    const found = this.findMailbox(mailboxId)?.items.get(itemId);
    return found && clone(found);
  }

  createItem<K extends ItemKind>(
    mailboxId: string,
    folderId: string,
    kind: K,
    data: ItemDataByKind[K],
    _actor: Actor,
  ): AnyItem {
    const state = this.requireMailbox(mailboxId);
    const f = this.requireFolder(state, folderId);
    if (!isItemKind(kind)) throw new StoreError('invalidArgument', `Unknown item kind "${String(kind)}".`);
    const at = new Date(this.now()).toISOString();
    const item = {
      id: newItemId(),
      changeKey: this.changeKeys.next('item'),
      folderId: f.folder.id,
      kind,
      createdDateTime: at,
      lastModifiedDateTime: at,
      data: normalizeData(kind, clone(data), this.changeKeys),
    } as AnyItem;
    state.items.set(item.id, item);
    f.itemIds.add(item.id);
    this.logItem(state, f, item.id, 'create');
    this.emit({
      type: 'itemChanged',
      mailboxId: state.mailbox.id,
      folderId: f.folder.id,
      itemId: item.id,
      change: 'create',
    });
    return clone(item);
  }

  updateItem<K extends ItemKind>(
    mailboxId: string,
    itemId: string,
    patch: Partial<ItemDataByKind[K]>,
    _actor: Actor,
    ifChangeKey?: string,
  ): AnyItem {
    const state = this.requireMailbox(mailboxId);
    const item = this.requireItem(state, itemId, ifChangeKey);
    if (patch === null || typeof patch !== 'object') {
      throw new StoreError('invalidArgument', 'An item update must be an object of fields.');
    }
    const keys = Object.keys(patch);
    const next = clone(item.data) as unknown as Record<string, unknown>;
    for (const key of keys) {
      const value = (patch as Record<string, unknown>)[key];
      if (value === undefined) delete next[key];
      else next[key] = clone(value);
    }
    item.data = normalizeData(item.kind, next as never, this.changeKeys);
    const readFlagOnly = item.kind === 'message' && keys.length > 0 && keys.every((k) => k === 'isRead');
    item.changeKey = this.changeKeys.next('item');
    item.lastModifiedDateTime = new Date(this.now()).toISOString();
    const f = state.folders.get(item.folderId)!;
    this.logItem(state, f, item.id, readFlagOnly ? 'readFlag' : 'update');
    this.emit({
      type: 'itemChanged',
      mailboxId: state.mailbox.id,
      folderId: f.folder.id,
      itemId,
      change: 'update',
    });
    return clone(item);
  }

  deleteItem(
    mailboxId: string,
    itemId: string,
    mode: 'hard' | 'moveToDeletedItems',
    actor: Actor,
    ifChangeKey?: string,
  ): void {
    const state = this.requireMailbox(mailboxId);
    const item = this.requireItem(state, itemId, ifChangeKey);
    const deletedItems = state.distinguished.get('deleteditems')!;
    if (mode === 'moveToDeletedItems' && item.folderId !== deletedItems) {
      this.moveItem(mailboxId, itemId, deletedItems, actor);
      return;
    }
    const f = state.folders.get(item.folderId)!;
    state.items.delete(itemId);
    f.itemIds.delete(itemId);
    this.logItem(state, f, itemId, 'delete');
    this.emit({
      type: 'itemChanged',
      mailboxId: state.mailbox.id,
      folderId: f.folder.id,
      itemId,
      change: 'delete',
    });
  }

  moveItem(mailboxId: string, itemId: string, toFolderId: string, _actor: Actor): AnyItem {
    const state = this.requireMailbox(mailboxId);
    const item = this.requireItem(state, itemId);
    const to = this.requireFolder(state, toFolderId);
    if (to.folder.id === item.folderId) return clone(item);
    const from = state.folders.get(item.folderId)!;
    from.itemIds.delete(itemId);
    this.logItem(state, from, itemId, 'delete');
    item.folderId = to.folder.id;
    item.changeKey = this.changeKeys.next('item');
    to.itemIds.add(itemId);
    this.logItem(state, to, itemId, 'create');
    this.emit({
      type: 'itemChanged',
      mailboxId: state.mailbox.id,
      folderId: to.folder.id,
      itemId,
      change: 'move',
      oldFolderId: from.folder.id,
    });
    return clone(item);
  }

  // ---- change logs ----

  headPosition(mailboxId: string, folderId: string | null): SyncPosition {
    const state = this.requireMailbox(mailboxId);
    if (folderId !== null) this.requireFolder(state, folderId);
    return { mailboxId: state.mailbox.id, folderId, seq: state.seq, epoch: this.epoch };
  }

  startPosition(mailboxId: string, folderId: string | null): SyncPosition {
    const state = this.requireMailbox(mailboxId);
    if (folderId !== null) this.requireFolder(state, folderId);
    return { mailboxId: state.mailbox.id, folderId, seq: 0, epoch: this.epoch };
  }

  itemChangesSince(position: SyncPosition, max: number): ItemChangePage {
    const state = this.requireMailbox(position.mailboxId);
    if (position.folderId === null) {
      throw new StoreError(
        'invalidArgument',
        'Item changes are read per folder; this position is for the hierarchy.',
      );
    }
    const f = this.requireFolder(state, position.folderId);
    this.assertUsable(state, f.log, position);
    const round = roundOf(state, position);
    const page = f.log.since(position.seq, Math.max(1, Math.floor(max)), round);
    const changes: ItemChangePage['changes'] = page.entries.map(({ entry, net }) => {
      if (net === 'delete') return { type: 'delete', itemId: entry.key };
      const item = state.items.get(entry.key)!;
      if (net === 'readFlag') {
        return { type: 'readFlag', itemId: entry.key, isRead: (item.data as MessageData).isRead === true };
      }
      return { type: net, item: clone(item) };
    });
    return { changes, next: nextPosition(state, position, page, round), done: page.done };
  }

  folderChangesSince(position: SyncPosition, max: number): FolderChangePage {
    const state = this.requireMailbox(position.mailboxId);
    if (position.folderId !== null) {
      throw new StoreError(
        'invalidArgument',
        'Folder changes are read for the hierarchy; this position is for a folder.',
      );
    }
    this.assertUsable(state, state.hierarchy, position);
    const round = roundOf(state, position);
    const page = state.hierarchy.since(position.seq, Math.max(1, Math.floor(max)), round);
    const changes: FolderChangePage['changes'] = page.entries.map(({ entry, net }) => {
      if (net === 'delete') return { type: 'delete', folderId: entry.key };
      return {
        type: net === 'create' ? 'create' : 'update',
        folder: clone(state.folders.get(entry.key)!.folder),
      };
    });
    return { changes, next: nextPosition(state, position, page, round), done: page.done };
  }

  encodePosition(position: SyncPosition): string {
    return encodePosition(this.secret, position, this.now());
  }

  decodePosition(token: string): SyncPosition {
    const { position, issuedAt } = decodePosition(this.secret, token);
    if (position.epoch !== this.epoch) {
      throw new StoreError(
        'invalidSyncState',
        'The sync state is from an earlier life of this server; start a full sync.',
      );
    }
    if (this.rule.maxAgeMs > 0 && this.now() - issuedAt > this.rule.maxAgeMs) {
      throw new StoreError(
        'invalidSyncState',
        'The sync state has expired; start a full sync from an empty state.',
      );
    }
    return position;
  }

  setSyncStateRule(rule: Partial<SyncStateRule>): void {
    this.rule = { ...this.rule, ...rule };
  }

  syncStateRule(): SyncStateRule {
    return { ...this.rule };
  }

  expireSyncStates(mailboxId?: string): void {
    const targets = mailboxId ? [this.requireMailbox(mailboxId)] : [...this.mailboxesById.values()];
    for (const state of targets) {
      // A barrier seq no position has held yet: every earlier position becomes invalid, and the
      // positions handed out from now on are at or after it.
      state.seq++;
      state.validFromSeq = state.seq;
    }
  }

  onChange(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  lastFolderChange(mailboxId: string): FolderChange | undefined {
    const change = this.requireMailbox(mailboxId).lastFolderChange;
    return change && clone(change);
  }

  snapshot(): StoreSnapshot {
    return clone({
      format: 'exsync-sandbox',
      version: 1,
      epoch: this.epoch,
      secret: this.secret,
      changeKeyCounter: this.changeKeys.counter,
      syncStateRule: this.rule,
      tenants: [...this.tenantsById.values()],
      apps: [...this.appsById.values()],
      mailboxes: [...this.mailboxesById.values()].map((state) => ({
        mailbox: state.mailbox,
        seq: state.seq,
        validFromSeq: state.validFromSeq,
        folders: [...state.folders.values()].map((f) => ({ folder: f.folder, log: f.log.serialize() })),
        items: [...state.items.values()],
        hierarchy: state.hierarchy.serialize(),
        lastFolderChange: state.lastFolderChange,
      })),
    });
  }

  // ---- internals ----

  private restore(snapshot: StoreSnapshot): void {
    for (const tenant of snapshot.tenants) this.tenantsById.set(tenant.id, clone(tenant));
    for (const app of snapshot.apps) this.appsById.set(app.clientId, clone(app));
    for (const m of snapshot.mailboxes) {
      const state: MailboxState = {
        mailbox: clone(m.mailbox),
        seq: m.seq,
        validFromSeq: m.validFromSeq,
        folders: new Map(),
        distinguished: new Map(),
        items: new Map(),
        hierarchy: ChangeLog.deserialize(m.hierarchy),
        lastFolderChange: m.lastFolderChange && clone(m.lastFolderChange),
      };
      for (const f of m.folders) {
        const folder = clone(f.folder);
        state.folders.set(folder.id, { folder, itemIds: new Set(), log: ChangeLog.deserialize(f.log) });
        if (folder.distinguishedId) state.distinguished.set(folder.distinguishedId, folder.id);
      }
      for (const raw of m.items) {
        const item = clone(raw);
        state.items.set(item.id, item);
        state.folders.get(item.folderId)?.itemIds.add(item.id);
      }
      this.mailboxesById.set(state.mailbox.id, state);
      this.mailboxIdByAddress.set(state.mailbox.address, state.mailbox.id);
    }
  }

  private findMailbox(idOrAddress: string): MailboxState | undefined {
    if (typeof idOrAddress !== 'string') return undefined;
    const byId = this.mailboxesById.get(idOrAddress);
    if (byId) return byId;
    const id = this.mailboxIdByAddress.get(idOrAddress.toLowerCase());
    return id ? this.mailboxesById.get(id) : undefined;
  }

  private requireMailbox(idOrAddress: string): MailboxState {
    const state = this.findMailbox(idOrAddress);
    if (!state) throw new StoreError('mailboxNotFound', `No mailbox ${idOrAddress} in the sandbox.`);
    return state;
  }

  private requireFolder(state: MailboxState, folderId: string): FolderState {
    const f =
      state.folders.get(folderId) ??
      state.folders.get(state.distinguished.get(folderId?.toLowerCase?.()) ?? '');
    if (!f)
      throw new StoreError('folderNotFound', `No folder ${folderId} in mailbox ${state.mailbox.address}.`);
    return f;
  }

  private requireItem(state: MailboxState, itemId: string, ifChangeKey?: string): AnyItem {
    const item = state.items.get(itemId);
    if (!item) throw new StoreError('notFound', `No item ${itemId} in mailbox ${state.mailbox.address}.`);
    if (ifChangeKey !== undefined && ifChangeKey !== item.changeKey) {
      throw new StoreError(
        'staleChangeKey',
        `The item changed since change key ${ifChangeKey} was read; fetch it again and retry.`,
      );
    }
    return item;
  }

  private assertNameFree(state: MailboxState, parentId: string, displayName: string): void {
    const lower = displayName.toLowerCase();
    for (const f of state.folders.values()) {
      if (f.folder.parentId === parentId && f.folder.displayName.toLowerCase() === lower) {
        throw new StoreError('invalidArgument', `A folder named "${displayName}" exists already there.`);
      }
    }
  }

  private subtree(state: MailboxState, folderId: string): FolderState[] {
    const out: FolderState[] = [state.folders.get(folderId)!];
    for (let i = 0; i < out.length; i++) {
      for (const f of state.folders.values()) {
        if (f.folder.parentId === out[i].folder.id) out.push(f);
      }
    }
    return out;
  }

  private insertFolder(
    state: MailboxState,
    parentId: string | null,
    displayName: string,
    folderClass: FolderClass,
  ): Folder {
    const folder: Folder = {
      id: newFolderId(),
      changeKey: this.changeKeys.next('folder'),
      parentId,
      displayName,
      folderClass,
    };
    state.folders.set(folder.id, { folder, itemIds: new Set(), log: new ChangeLog() });
    this.logFolder(state, folder, 'create');
    return folder;
  }

  private logFolder(state: MailboxState, folder: Folder, type: 'create' | 'update' | 'delete'): void {
    const seq = ++state.seq;
    const at = this.now();
    state.hierarchy.record(folder.id, seq, at, type);
    state.lastFolderChange = {
      seq,
      type,
      folderId: folder.id,
      parentId: folder.parentId,
      at: new Date(at).toISOString(),
    };
  }

  private logItem(state: MailboxState, f: FolderState, itemId: string, type: LogChangeType): void {
    f.log.record(itemId, ++state.seq, this.now(), type);
  }

  private assertUsable(state: MailboxState, log: ChangeLog, position: SyncPosition): void {
    if (position.epoch !== this.epoch) {
      throw new StoreError(
        'invalidSyncState',
        'The sync state is from an earlier life of this server; start a full sync.',
      );
    }
    if (position.seq === 0) return;
    const base = position.base ?? position.seq;
    if (base > 0 && (base < state.validFromSeq || base < log.horizon)) {
      throw new StoreError(
        'invalidSyncState',
        'The sync state has expired; start a full sync from an empty state.',
      );
    }
    // A page of a round that began after the expiry holds an old seq but was issued since.
    const issued = position.issued ?? position.seq;
    const whole = (n: number) => Number.isInteger(n) && n >= 0 && n <= state.seq;
    if (!whole(position.seq) || !whole(issued) || issued < position.seq) {
      throw new StoreError(
        'invalidSyncState',
        'The sync state does not belong to this mailbox; start a full sync.',
      );
    }
    if (issued < state.validFromSeq) {
      throw new StoreError(
        'invalidSyncState',
        'The sync state has expired; start a full sync from an empty state.',
      );
    }
    if (position.seq < log.horizon) {
      throw new StoreError(
        'invalidSyncState',
        'The sync state is older than the kept change history; start a full sync.',
      );
    }
    // Behind means changes made since the position was issued; what a round has still to page
    // through is not.
    if (this.rule.maxChangesBehind > 0 && log.countAfter(issued) > this.rule.maxChangesBehind) {
      throw new StoreError(
        'invalidSyncState',
        'The sync state is too far behind; start a full sync from an empty state.',
      );
    }
  }

  private emit(event: StoreEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A failing listener (a webhook queue, a streaming subscription) must not undo or
        // block a committed change.
      }
    }
  }
}

/** The round a position belongs to: the one it carries, or a new one starting at it. */
function roundOf(state: MailboxState, position: SyncPosition): SyncRound {
  return { base: position.base ?? position.seq, head: position.roundHead ?? state.seq };
}

/** After a page: the end of the log once the round is done, else the cursor inside the round. */
function nextPosition(
  state: MailboxState,
  position: SyncPosition,
  page: { done: boolean; lastSeq: number | undefined },
  round: SyncRound,
): SyncPosition {
  const { base: _base, roundHead: _head, ...plain } = position;
  if (page.done) return { ...plain, mailboxId: state.mailbox.id, seq: state.seq, issued: state.seq };
  return {
    ...plain,
    mailboxId: state.mailbox.id,
    seq: page.lastSeq ?? position.seq,
    issued: state.seq,
    base: round.base,
    roundHead: round.head,
  };
}
