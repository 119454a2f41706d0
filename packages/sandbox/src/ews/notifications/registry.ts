// Streaming subscriptions: each one collects the store's changes in its folders until a
// GetStreamingEvents connection takes them.

import { randomBytes } from 'node:crypto';
import type { SandboxStore, StoreEvent } from '../../store-api.ts';

export type EventType =
  | 'CopiedEvent'
  | 'CreatedEvent'
  | 'DeletedEvent'
  | 'ModifiedEvent'
  | 'MovedEvent'
  | 'NewMailEvent'
  | 'FreeBusyChangedEvent';

/** The event types a subscription may ask for (StatusEvent is only ever the server's own). */
export const EVENT_TYPES: EventType[] = [
  'CopiedEvent',
  'CreatedEvent',
  'DeletedEvent',
  'ModifiedEvent',
  'MovedEvent',
  'NewMailEvent',
  'FreeBusyChangedEvent',
];

export interface NotificationEvent {
  type: EventType | 'StatusEvent';
  watermark: string;
  timeStamp: string;
  itemId?: string;
  folderId?: string;
  parentFolderId?: string;
  oldItemId?: string;
  oldFolderId?: string;
  oldParentFolderId?: string;
}

export interface Subscription {
  id: string;
  mailboxId: string;
  /** Owner of the subscription (caller key), so one caller cannot read another's events. */
  owner: string;
  folderIds: Set<string> | 'all';
  eventTypes: Set<EventType>;
  pending: NotificationEvent[];
  watermark: number;
  /** Woken when events arrive. */
  listeners: Set<() => void>;
  closed: boolean;
  kind: 'streaming' | 'pull' | 'push';
  /** Pull: minutes without GetEvents after which the subscription expires. */
  timeoutMinutes?: number;
  /** Pull: when GetEvents (or Subscribe) last touched it, ms since the epoch. */
  lastUsed: number;
  /** Watermark of the last event handed out (or of the subscription's start). */
  delivered: string;
}

/** Exchange's limit of subscriptions per streaming connection (and per connection group). */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 200;

export class Notifications {
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly stop: () => void;
  private readonly now: () => number;
  private readonly store: SandboxStore;

  constructor(store: SandboxStore, now: () => number) {
    this.store = store;
    this.now = now;
    this.stop = store.onChange((event) => this.dispatch(event));
  }

  close(): void {
    this.stop();
    for (const s of this.subscriptions.values()) this.remove(s.id);
  }

  subscribe(input: {
    mailboxId: string;
    owner: string;
    folderIds: string[] | 'all';
    eventTypes: EventType[];
    kind?: Subscription['kind'];
    timeoutMinutes?: number;
  }): Subscription {
    const sub: Subscription = {
      id: Buffer.concat([Buffer.from([0x10]), randomBytes(32)]).toString('base64'),
      mailboxId: input.mailboxId,
      owner: input.owner,
      folderIds: input.folderIds === 'all' ? 'all' : new Set(input.folderIds),
      eventTypes: new Set(input.eventTypes),
      pending: [],
      watermark: 0,
      listeners: new Set(),
      closed: false,
      kind: input.kind ?? 'streaming',
      timeoutMinutes: input.timeoutMinutes,
      lastUsed: this.now(),
      delivered: '',
    };
    sub.delivered = this.watermarkOf(sub);
    this.subscriptions.set(sub.id, sub);
    return sub;
  }

  get(id: string): Subscription | undefined {
    return this.subscriptions.get(id);
  }

  remove(id: string): boolean {
    const sub = this.subscriptions.get(id);
    if (!sub) return false;
    sub.closed = true;
    this.subscriptions.delete(id);
    for (const l of sub.listeners) l();
    return true;
  }

  /** A pull subscription not asked for events within its timeout has expired, as on Exchange. */
  expired(sub: Subscription): boolean {
    return sub.timeoutMinutes !== undefined && this.now() - sub.lastUsed > sub.timeoutMinutes * 60_000;
  }

  watermarkOf(sub: Subscription): string {
    return Buffer.from(`${sub.id.slice(0, 12)}:${sub.watermark}`).toString('base64');
  }

  /** Takes the events gathered so far. */
  drain(sub: Subscription): NotificationEvent[] {
    const events = sub.pending;
    sub.pending = [];
    return events;
  }

  private push(sub: Subscription, event: Omit<NotificationEvent, 'watermark' | 'timeStamp'>): void {
    sub.watermark += 1;
    sub.pending.push({
      ...event,
      watermark: this.watermarkOf(sub),
      timeStamp: new Date(this.now()).toISOString(),
    });
  }

  private dispatch(event: StoreEvent): void {
    for (const sub of this.subscriptions.values()) {
      if (sub.mailboxId !== event.mailboxId) continue;
      const watches = (folderId: string | undefined) =>
        sub.folderIds === 'all' || (folderId !== undefined && sub.folderIds.has(folderId));
      const before = sub.pending.length;
      if (event.type === 'itemChanged') {
        const inFolder = watches(event.folderId);
        const fromFolder = watches(event.oldFolderId);
        if (!inFolder && !fromFolder) continue;
        switch (event.change) {
          case 'create':
            if (sub.eventTypes.has('CreatedEvent'))
              this.push(sub, { type: 'CreatedEvent', itemId: event.itemId, parentFolderId: event.folderId });
            if (sub.eventTypes.has('NewMailEvent') && this.isInbox(event.mailboxId, event.folderId)) {
              this.push(sub, { type: 'NewMailEvent', itemId: event.itemId, parentFolderId: event.folderId });
            }
            break;
          case 'update':
            if (sub.eventTypes.has('ModifiedEvent'))
              this.push(sub, { type: 'ModifiedEvent', itemId: event.itemId, parentFolderId: event.folderId });
            break;
          case 'delete':
            if (sub.eventTypes.has('DeletedEvent'))
              this.push(sub, { type: 'DeletedEvent', itemId: event.itemId, parentFolderId: event.folderId });
            break;
          case 'move':
            if (sub.eventTypes.has('MovedEvent')) {
              this.push(sub, {
                type: 'MovedEvent',
                itemId: event.itemId,
                parentFolderId: event.folderId,
                oldItemId: event.itemId,
                oldParentFolderId: event.oldFolderId ?? event.folderId,
              });
            }
            break;
        }
      } else {
        if (!watches(event.folderId) && sub.folderIds !== 'all') continue;
        const folder = this.store.folder(event.mailboxId, event.folderId);
        const parentFolderId = folder?.parentId ?? event.folderId;
        const type =
          event.change === 'create'
            ? 'CreatedEvent'
            : event.change === 'update'
              ? 'ModifiedEvent'
              : 'DeletedEvent';
        if (sub.eventTypes.has(type)) this.push(sub, { type, folderId: event.folderId, parentFolderId });
      }
      if (sub.pending.length > before) for (const l of sub.listeners) l();
    }
  }

  private isInbox(mailboxId: string, folderId: string): boolean {
    return this.store.distinguishedFolder(mailboxId, 'inbox')?.id === folderId;
  }
}
