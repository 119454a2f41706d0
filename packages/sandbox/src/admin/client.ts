// A typed client of the sandbox's admin API, for tests, benchmarks and demos.
import type { MeetingMessageCounts, MeetingMessageSummary } from '../calendar/meetings.ts';
import type { Fault, Protocol } from '../context.ts';
import type { FaultRule } from '../faults/index.ts';
import type {
  AnyItem,
  AppRegistration,
  Folder,
  FolderClass,
  ItemDataByKind,
  ItemKind,
  Mailbox,
  Tenant,
} from '../model.ts';
import type { GeneratedInfo, GenerateSpec } from '../seed/index.ts';
import type { SyncStateRule } from '../store-api.ts';
import type { MailboxStateDump } from './state-dump.ts';

export type PublicMailbox = Omit<Mailbox, 'password'>;

export interface MeetingMessagesReport {
  mailbox: string;
  counts: MeetingMessageCounts;
  messages: MeetingMessageSummary[];
}

export class SandboxAdminError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'SandboxAdminError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export interface FaultRuleRequest {
  id?: string;
  protocol?: Protocol;
  /** Tenant id or domain. */
  tenant?: string;
  /** Mailbox id or address. */
  mailbox?: string;
  operation?: string;
  fault: Fault;
  rate?: number;
  times?: number;
  seed?: number;
}

/** `Partial` data for creation: the sandbox fills the collections and defaults left out. */
type ItemInput<K extends ItemKind> = Partial<ItemDataByKind[K]>;

export class SandboxAdminClient {
  readonly baseUrl: string;
  private readonly adminKey: string;

  constructor(baseUrl: string, adminKey: string) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
    this.adminKey = adminKey;
  }

  // tenants, mailboxes, apps
  async tenants(): Promise<Tenant[]> {
    return (await this.call<{ tenants: Tenant[] }>('GET', '/tenants')).tenants;
  }
  createTenant(input: { domain: string; displayName?: string; id?: string }): Promise<Tenant> {
    return this.call('POST', '/tenants', input);
  }
  async mailboxes(tenant?: string): Promise<PublicMailbox[]> {
    const query = tenant ? `?tenant=${encodeURIComponent(tenant)}` : '';
    return (await this.call<{ mailboxes: PublicMailbox[] }>('GET', `/mailboxes${query}`)).mailboxes;
  }
  mailbox(idOrAddress: string): Promise<PublicMailbox> {
    return this.call('GET', `/mailboxes/${enc(idOrAddress)}`);
  }
  createMailbox(input: {
    tenant: string;
    address: string;
    displayName: string;
    password: string;
    canImpersonate?: boolean;
    timeZone?: string;
    id?: string;
  }): Promise<PublicMailbox> {
    return this.call('POST', '/mailboxes', input);
  }
  async apps(): Promise<AppRegistration[]> {
    return (await this.call<{ apps: AppRegistration[] }>('GET', '/apps')).apps;
  }
  createApp(input: {
    tenant: string;
    displayName: string;
    redirectUris?: string[];
    applicationPermissions?: string[];
    clientId?: string;
    clientSecret?: string;
  }): Promise<AppRegistration> {
    return this.call('POST', '/apps', input);
  }
  generate(spec: Partial<GenerateSpec>): Promise<GeneratedInfo> {
    return this.call('POST', '/generate', spec);
  }

  // faults
  async faults(): Promise<Array<FaultRule & { applied: number }>> {
    return (await this.call<{ faults: Array<FaultRule & { applied: number }> }>('GET', '/faults')).faults;
  }
  addFault(rule: FaultRuleRequest): Promise<FaultRule> {
    return this.call('POST', '/faults', rule);
  }
  async removeFault(id: string): Promise<void> {
    await this.call('DELETE', `/faults/${enc(id)}`);
  }
  async clearFaults(): Promise<void> {
    await this.call('DELETE', '/faults');
  }

  // sync states and grants
  expireSyncStates(mailbox?: string): Promise<{ expired: string[] }> {
    return this.call('POST', '/syncstates/expire', mailbox ? { mailbox } : {});
  }
  setSyncStateRule(rule: Partial<SyncStateRule>): Promise<SyncStateRule> {
    return this.call('PUT', '/syncstates/rule', rule);
  }
  revokeGrants(mailbox: string): Promise<{ mailbox: string; revokedSessions: number }> {
    return this.call('POST', `/mailboxes/${enc(mailbox)}/revoke-grants`);
  }
  revokeRefreshToken(refreshToken: string): Promise<{ revoked: boolean }> {
    return this.call('POST', '/grants/revoke', { refreshToken });
  }

  // acting as the user
  async folders(mailbox: string): Promise<Folder[]> {
    return (await this.call<{ folders: Folder[] }>('GET', `/mailboxes/${enc(mailbox)}/folders`)).folders;
  }
  createFolder(
    mailbox: string,
    input: { parentId?: string; displayName: string; folderClass?: FolderClass },
  ): Promise<Folder> {
    return this.call('POST', `/mailboxes/${enc(mailbox)}/folders`, input);
  }
  renameFolder(mailbox: string, folderId: string, displayName: string): Promise<Folder> {
    return this.call('PATCH', `/mailboxes/${enc(mailbox)}/folders/${enc(folderId)}`, { displayName });
  }
  async deleteFolder(mailbox: string, folderId: string): Promise<void> {
    await this.call('DELETE', `/mailboxes/${enc(mailbox)}/folders/${enc(folderId)}`);
  }
  /** `folder` is a folder id or a distinguished id such as `contacts`. */
  async items(mailbox: string, folder: string): Promise<AnyItem[]> {
    return (
      await this.call<{ items: AnyItem[] }>('GET', `/mailboxes/${enc(mailbox)}/folders/${enc(folder)}/items`)
    ).items;
  }
  createItem<K extends ItemKind>(
    mailbox: string,
    folder: string,
    kind: K,
    data: ItemInput<K>,
  ): Promise<AnyItem> {
    return this.call('POST', `/mailboxes/${enc(mailbox)}/folders/${enc(folder)}/items`, { kind, data });
  }
  item(mailbox: string, itemId: string): Promise<AnyItem> {
    return this.call('GET', `/mailboxes/${enc(mailbox)}/items/${enc(itemId)}`);
  }
  /** Fields set to null are removed. With `ifChangeKey`, a stale key gives a 412 staleChangeKey. */
  updateItem<K extends ItemKind>(
    mailbox: string,
    itemId: string,
    patch: { [F in keyof ItemDataByKind[K]]?: ItemDataByKind[K][F] | null },
    ifChangeKey?: string,
  ): Promise<AnyItem> {
    return this.call('PATCH', `/mailboxes/${enc(mailbox)}/items/${enc(itemId)}`, patch, ifChangeKey);
  }
  async deleteItem(
    mailbox: string,
    itemId: string,
    mode: 'hard' | 'moveToDeletedItems' = 'hard',
    ifChangeKey?: string,
  ): Promise<void> {
    await this.call(
      'DELETE',
      `/mailboxes/${enc(mailbox)}/items/${enc(itemId)}?mode=${mode}`,
      undefined,
      ifChangeKey,
    );
  }
  moveItem(mailbox: string, itemId: string, folderId: string): Promise<AnyItem> {
    return this.call('POST', `/mailboxes/${enc(mailbox)}/items/${enc(itemId)}/move`, { folderId });
  }
  /**
   * The meeting requests, updates, cancellations and responses in every folder of the mailbox
   * (Inbox, Sent Items, Deleted Items, Drafts, …), with counts by kind.
   */
  meetingMessages(mailbox: string): Promise<MeetingMessagesReport> {
    return this.call('GET', `/mailboxes/${enc(mailbox)}/meeting-messages`);
  }
  state(mailbox: string): Promise<MailboxStateDump> {
    return this.call('GET', `/state/${enc(mailbox)}`);
  }

  async caPem(): Promise<string> {
    const response = await fetch(`${this.baseUrl}/sandbox/api/ca.pem`);
    return response.text();
  }

  private async call<T>(method: string, path: string, body?: unknown, ifMatch?: string): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.adminKey}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (ifMatch) headers['if-match'] = ifMatch;
    const response = await fetch(`${this.baseUrl}/sandbox/api${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const error = (json as { error?: { code?: string; message?: string; details?: unknown } } | undefined)
        ?.error;
      throw new SandboxAdminError(
        response.status,
        error?.code ?? 'http' + response.status,
        error?.message ?? `${method} ${path} answered ${response.status}`,
        error?.details,
      );
    }
    return json as T;
  }
}

const enc = encodeURIComponent;
