// Graph change notifications: subscriptions, the validation handshake, webhook delivery and
// lifecycle events. Deliveries are POSTs of { value: [notification…] } to notificationUrl;
// several changes close together go out in one POST, as Graph batches them.
import { randomUUID } from 'node:crypto';
import type { SandboxContext, TokenClaims } from '../../context.ts';
import type { StoreEvent } from '../../store-api.ts';
import { badRequest, GraphError } from '../errors.ts';
import { etagOf, type Json } from '../mappers/common.ts';
import { type ResolvedResource, resolveResource } from './resource.ts';

export type ChangeType = 'created' | 'updated' | 'deleted';
export type LifecycleEvent = 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';

export interface Subscription {
  id: string;
  resource: string;
  changeTypes: ChangeType[];
  notificationUrl: string;
  lifecycleNotificationUrl?: string;
  clientState?: string;
  expirationDateTime: string;
  applicationId: string;
  creatorId: string;
  tenantId: string;
  latestSupportedTlsVersion: string;
  target: ResolvedResource;
  /** The bearer token the subscription was made or last reauthorized with. */
  accessToken: string;
  /** A reauthorizationRequired event went out and no fresh token has come since. */
  needsReauthorization: boolean;
  /** Changes not delivered while reauthorization was pending or delivery failed. */
  missed: number;
}

export const VALIDATION_TIMEOUT_MS = 10_000;
const DELIVERY_TIMEOUT_MS = 10_000;
const RETRY_DELAYS_MS = [500, 2_000];
const CHANGE_TYPES: readonly ChangeType[] = ['created', 'updated', 'deleted'];

const registry = new WeakMap<SandboxContext, SubscriptionManager>();

/** The manager serving a sandbox, for the admin API (e.g. to send lifecycle events on demand). */
export function graphSubscriptions(ctx: SandboxContext): SubscriptionManager | undefined {
  return registry.get(ctx);
}

export class SubscriptionManager {
  private readonly ctx: SandboxContext;
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly pending = new Map<string, Json[]>();
  private readonly aborter = new AbortController();
  private unsubscribe?: () => void;
  private sweeper?: NodeJS.Timeout;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(ctx: SandboxContext) {
    this.ctx = ctx;
    registry.set(ctx, this);
  }

  start(): void {
    this.unsubscribe = this.ctx.store.onChange((event) => this.onStoreEvent(event));
    this.sweeper = setInterval(() => this.sweep(), 1_000);
    this.sweeper.unref();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    if (this.sweeper) clearInterval(this.sweeper);
    this.aborter.abort();
    await Promise.allSettled([...this.inFlight]);
  }

  list(claims: TokenClaims): Subscription[] {
    return [...this.subscriptions.values()].filter((s) => this.visibleTo(s, claims));
  }

  get(id: string, claims: TokenClaims): Subscription {
    const s = this.subscriptions.get(id);
    if (!s || !this.visibleTo(s, claims)) {
      throw new GraphError(
        404,
        'ResourceNotFound',
        `The object was not found: no subscription with id '${id}'.`,
      );
    }
    return s;
  }

  private visibleTo(s: Subscription, claims: TokenClaims): boolean {
    return s.applicationId === claims.appId && s.tenantId === claims.tenantId;
  }

  async create(
    input: Json,
    claims: TokenClaims,
    accessToken: string,
    requestId: string,
  ): Promise<Subscription> {
    const text = (key: string, required: boolean): string | undefined => {
      const v = input[key];
      if (v === undefined || v === null) {
        if (required) throw badRequest(`The subscription needs '${key}'.`, 'InvalidRequest');
        return undefined;
      }
      if (typeof v !== 'string')
        throw badRequest(`The subscription's '${key}' must be a string.`, 'InvalidRequest');
      return v;
    };
    const resource = text('resource', true)!;
    const notificationUrl = text('notificationUrl', true)!;
    const lifecycleNotificationUrl = text('lifecycleNotificationUrl', false);
    const clientState = text('clientState', false);
    if (clientState !== undefined && clientState.length > 128) {
      throw badRequest('clientState can be at most 128 characters long.', 'InvalidRequest');
    }
    const changeTypes = parseChangeTypes(text('changeType', true)!);
    for (const url of [notificationUrl, lifecycleNotificationUrl]) if (url !== undefined) checkUrl(url);
    const target = resolveResource(this.ctx, claims, resource);
    if (!hasAny(claims, target.permissions)) {
      throw new GraphError(
        403,
        'ExtensionError',
        `Operation: Create; Exception: [Status Code: Forbidden; Reason: The caller lacks ${target.permissions.join(' or ')}.]`,
      );
    }
    const expirationDateTime = this.checkExpiration(text('expirationDateTime', true)!, target.maxMinutes);
    await validateEndpoint(notificationUrl, requestId);
    if (lifecycleNotificationUrl) await validateEndpoint(lifecycleNotificationUrl, requestId);
    const subscription: Subscription = {
      id: randomUUID(),
      resource,
      changeTypes,
      notificationUrl,
      lifecycleNotificationUrl,
      clientState,
      expirationDateTime,
      applicationId: claims.appId,
      creatorId: claims.mailboxId ?? claims.appId,
      tenantId: claims.tenantId,
      latestSupportedTlsVersion: text('latestSupportedTlsVersion', false) ?? 'v1_2',
      target,
      accessToken,
      needsReauthorization: false,
      missed: 0,
    };
    this.subscriptions.set(subscription.id, subscription);
    return subscription;
  }

  update(id: string, claims: TokenClaims, input: Json, accessToken: string): Subscription {
    const s = this.get(id, claims);
    if (input.expirationDateTime !== undefined) {
      if (typeof input.expirationDateTime !== 'string')
        throw badRequest('expirationDateTime must be a date-time string.', 'InvalidRequest');
      s.expirationDateTime = this.checkExpiration(input.expirationDateTime, s.target.maxMinutes);
    }
    if (typeof input.notificationUrl === 'string') {
      checkUrl(input.notificationUrl);
      s.notificationUrl = input.notificationUrl;
    }
    this.reauthorize(s, accessToken);
    return s;
  }

  reauthorizeById(id: string, claims: TokenClaims, accessToken: string): void {
    this.reauthorize(this.get(id, claims), accessToken);
  }

  delete(id: string, claims: TokenClaims): void {
    this.get(id, claims);
    this.subscriptions.delete(id);
    this.pending.delete(id);
  }

  /** Sends a lifecycle event now (used by the sandbox's own rules and by the admin API). */
  sendLifecycle(id: string, event: LifecycleEvent): boolean {
    const s = this.subscriptions.get(id);
    if (!s?.lifecycleNotificationUrl) return false;
    this.track(
      post(
        s.lifecycleNotificationUrl,
        {
          value: [
            {
              subscriptionId: s.id,
              subscriptionExpirationDateTime: s.expirationDateTime,
              tenantId: s.tenantId,
              clientState: s.clientState ?? null,
              lifecycleEvent: event,
            },
          ],
        },
        this.aborter.signal,
      ).catch(() => false),
    );
    return true;
  }

  private reauthorize(s: Subscription, accessToken: string): void {
    s.accessToken = accessToken;
    if (s.needsReauthorization) {
      s.needsReauthorization = false;
      if (s.missed > 0) {
        s.missed = 0;
        this.sendLifecycle(s.id, 'missed');
      }
    }
  }

  private checkExpiration(text: string, maxMinutes: number): string {
    const at = Date.parse(text);
    if (Number.isNaN(at))
      throw badRequest(`expirationDateTime '${text}' is not a valid date-time.`, 'InvalidRequest');
    const now = this.ctx.now();
    if (at <= now)
      throw badRequest(
        'Subscription expiration must be in the future; send an expirationDateTime later than now.',
        'InvalidRequest',
      );
    if (at > now + maxMinutes * 60_000) {
      throw badRequest(
        `Subscription expiration can only be ${maxMinutes} minutes in the future.`,
        'InvalidRequest',
      );
    }
    return new Date(at).toISOString();
  }

  private sweep(): void {
    const now = this.ctx.now();
    for (const s of this.subscriptions.values()) {
      if (Date.parse(s.expirationDateTime) > now) continue;
      this.subscriptions.delete(s.id);
      this.pending.delete(s.id);
      // A subscription whose owner never came back with a fresh token is removed, and told so.
      if (s.needsReauthorization) this.sendLifecycle(s.id, 'subscriptionRemoved');
    }
  }

  private onStoreEvent(event: StoreEvent): void {
    if (event.type !== 'itemChanged') return;
    for (const s of this.subscriptions.values()) {
      if (s.target.mailbox.id !== event.mailboxId) continue;
      const changes = this.changesFor(s, event);
      if (changes.length === 0) continue;
      if (this.ctx.tokens.verify(s.accessToken) === undefined) {
        s.missed += changes.length;
        if (!s.needsReauthorization) {
          s.needsReauthorization = true;
          this.sendLifecycle(s.id, 'reauthorizationRequired');
        }
        continue;
      }
      for (const changeType of changes) this.enqueue(s, changeType, event.itemId);
    }
  }

  private watches(s: Subscription, folderId: string | undefined): boolean {
    if (!folderId) return false;
    if (s.target.folderIds) return s.target.folderIds.includes(folderId);
    const folder = this.ctx.store.folder(s.target.mailbox.id, folderId);
    return folder?.folderClass === 'IPF.Note';
  }

  private changesFor(s: Subscription, event: Extract<StoreEvent, { type: 'itemChanged' }>): ChangeType[] {
    const item = this.ctx.store.item(event.mailboxId, event.itemId);
    if (item && item.kind !== s.target.kind) return [];
    const out: ChangeType[] = [];
    if (event.change === 'move') {
      if (this.watches(s, event.oldFolderId)) out.push('deleted');
      if (this.watches(s, event.folderId)) out.push('created');
    } else if (this.watches(s, event.folderId)) {
      out.push(event.change === 'create' ? 'created' : event.change === 'update' ? 'updated' : 'deleted');
    }
    return out.filter((c) => s.changeTypes.includes(c));
  }

  private enqueue(s: Subscription, changeType: ChangeType, itemId: string): void {
    const item = this.ctx.store.item(s.target.mailbox.id, itemId);
    const userPath = `Users/${s.target.mailbox.id}`;
    const path =
      s.target.kind === 'task' && s.target.folderIds
        ? `${userPath}/todo/lists/${s.target.folderIds[0]}/tasks/${itemId}`
        : `${userPath}/${s.target.setName}/${itemId}`;
    const resourceData: Json = {
      '@odata.type':
        s.target.kind === 'task'
          ? '#microsoft.graph.todoTask'
          : `#Microsoft.Graph.${s.target.setName.slice(0, -1)}`,
      '@odata.id': path,
      id: itemId,
    };
    if (item && changeType !== 'deleted') resourceData['@odata.etag'] = etagOf(item.changeKey);
    const notification: Json = {
      subscriptionId: s.id,
      subscriptionExpirationDateTime: s.expirationDateTime,
      changeType,
      resource: path,
      resourceData,
      clientState: s.clientState ?? null,
      tenantId: s.tenantId,
    };
    const queue = this.pending.get(s.id);
    if (queue) {
      queue.push(notification);
      return;
    }
    this.pending.set(s.id, [notification]);
    setTimeout(() => this.flush(s.id), 20).unref();
  }

  private flush(id: string): void {
    const batch = this.pending.get(id);
    this.pending.delete(id);
    const s = this.subscriptions.get(id);
    if (!batch || !s) return;
    this.track(this.deliver(s, batch));
  }

  private async deliver(s: Subscription, batch: Json[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (this.aborter.signal.aborted) return;
      if (await post(s.notificationUrl, { value: batch }, this.aborter.signal).catch(() => false)) return;
      if (attempt >= RETRY_DELAYS_MS.length) break;
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[attempt]).unref());
    }
    // Graph gives up on an endpoint that keeps failing; the client learns it through `missed`.
    if (this.subscriptions.has(s.id)) this.sendLifecycle(s.id, 'missed');
  }

  private track(promise: Promise<unknown>): void {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
  }
}

function hasAny(claims: TokenClaims, permissions: readonly string[]): boolean {
  const granted = new Set(
    (claims.mailboxId === undefined ? claims.roles : claims.scopes).map((p) => p.toLowerCase()),
  );
  return permissions.some((p) => granted.has(p.toLowerCase()) || granted.has(p.toLowerCase() + '.shared'));
}

function parseChangeTypes(text: string): ChangeType[] {
  const types = text.split(',').map((t) => t.trim());
  if (types.length === 0 || types.some((t) => !CHANGE_TYPES.includes(t as ChangeType))) {
    throw badRequest(
      `changeType '${text}' is not valid: use a comma-separated list of created, updated, deleted.`,
      'InvalidRequest',
    );
  }
  return types as ChangeType[];
}

function checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badRequest(`The notification URL '${url}' is not an absolute URL.`, 'InvalidRequest');
  }
  // Graph demands https; the sandbox also accepts http so tests can listen on loopback.
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw badRequest(`The notification URL '${url}' must use https.`, 'InvalidRequest');
  }
}

async function validateEndpoint(url: string, requestId: string): Promise<void> {
  const token = `Validation: Testing client application reachability for subscription Request-Id: ${requestId}`;
  const target = new URL(url);
  target.searchParams.set('validationToken', token);
  let ok = false;
  try {
    const response = await fetch(target, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      body: '',
      signal: AbortSignal.timeout(VALIDATION_TIMEOUT_MS),
    });
    const body = await response.text();
    ok =
      response.status === 200 &&
      (response.headers.get('content-type') ?? '').toLowerCase().startsWith('text/plain') &&
      body === token;
  } catch {
    ok = false;
  }
  if (!ok) {
    throw badRequest(
      'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.',
      'ValidationError',
    );
  }
}

async function post(url: string, body: unknown, signal: AbortSignal): Promise<boolean> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
    body: JSON.stringify(body),
    signal: AbortSignal.any([signal, AbortSignal.timeout(DELIVERY_TIMEOUT_MS)]),
  });
  await response.arrayBuffer().catch(() => undefined);
  return response.status >= 200 && response.status < 300;
}

export function subscriptionToGraph(s: Subscription): Json {
  return {
    id: s.id,
    resource: s.resource,
    applicationId: s.applicationId,
    changeType: s.changeTypes.join(','),
    clientState: s.clientState ?? null,
    notificationUrl: s.notificationUrl,
    lifecycleNotificationUrl: s.lifecycleNotificationUrl ?? null,
    expirationDateTime: s.expirationDateTime,
    creatorId: s.creatorId,
    includeResourceData: false,
    latestSupportedTlsVersion: s.latestSupportedTlsVersion,
    encryptionCertificate: null,
    encryptionCertificateId: null,
    notificationUrlAppId: null,
    notificationQueryOptions: null,
  };
}
