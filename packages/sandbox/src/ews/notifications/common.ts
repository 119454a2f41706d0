// What streaming, pull and push subscriptions share: whose a subscription is, how an event is
// written, and the timing of streaming connections and push status messages.

import type { OperationContext } from '../operations/context.ts';
import { el, leaf } from '../xml/write.ts';
import type { NotificationEvent } from './registry.ts';

export interface StreamingTiming {
  /** Length of one ConnectionTimeout minute (60 000 in production; tests shorten it). */
  minuteMs: number;
  /** How often an idle connection gets a ConnectionStatus OK message. */
  keepAliveMs: number;
}

/** Who owns a subscription: a mailbox user, or an application acting on mailboxes. */
export function callerKey(op: OperationContext): string {
  return op.caller.kind === 'user' ? `user:${op.caller.mailbox.id}` : `app:${op.caller.appId}`;
}

/** One event as a notification carries it (`<t:CreatedEvent>` and so on). */
export function eventXml(e: NotificationEvent): string {
  const target = e.itemId ? el('t:ItemId', { Id: e.itemId }) : el('t:FolderId', { Id: e.folderId });
  const parent = el('t:ParentFolderId', { Id: e.parentFolderId });
  const moved =
    e.type === 'MovedEvent' || e.type === 'CopiedEvent'
      ? (e.oldItemId ? el('t:OldItemId', { Id: e.oldItemId }) : el('t:OldFolderId', { Id: e.oldFolderId })) +
        el('t:OldParentFolderId', { Id: e.oldParentFolderId })
      : '';
  return el(
    `t:${e.type}`,
    null,
    leaf('t:Watermark', e.watermark),
    leaf('t:TimeStamp', e.timeStamp.slice(0, 19) + 'Z'),
    target,
    parent,
    moved,
  );
}
