// Subscribe (streaming), GetStreamingEvents, Unsubscribe.

import { EwsError, EwsFault } from '../errors.ts';
import {
  type OperationContext,
  type OperationResult,
  resolveFolder,
  storeErrorToEws,
} from '../operations/context.ts';
import { errorMessage, operationResponse, successMessage } from '../responses.ts';
import { serverVersionInfo } from '../soap.ts';
import { NS } from '../xml/namespaces.ts';
import { childElement, childElements, childText, type XElement } from '../xml/parse.ts';
import { el, leaf } from '../xml/write.ts';
import { callerKey, eventXml, type StreamingTiming } from './common.ts';
import { subscribePull, subscribePush } from './pull-push.ts';
import {
  EVENT_TYPES,
  type EventType,
  MAX_SUBSCRIPTIONS_PER_CONNECTION,
  type Subscription,
} from './registry.ts';

export function subscribe(op: OperationContext, request: XElement, timing: StreamingTiming): string {
  const pull = childElement(request, 'PullSubscriptionRequest');
  if (pull) return subscribePull(op, pull);
  const push = childElement(request, 'PushSubscriptionRequest');
  if (push) return subscribePush(op, push, timing);
  const streaming = childElement(request, 'StreamingSubscriptionRequest');
  try {
    if (!streaming) {
      throw new EwsFault(
        'ErrorSchemaValidation',
        'The request failed schema validation: Subscribe needs a PullSubscriptionRequest, PushSubscriptionRequest or StreamingSubscriptionRequest.',
      );
    }
    const all = streaming.attrs.SubscribeToAllFolders === 'true';
    const refs = childElements(childElement(streaming, 'FolderIds'));
    if (!all && refs.length === 0)
      throw new EwsError('ErrorInvalidRequest', 'Name FolderIds or set SubscribeToAllFolders="true".');
    const folderIds = all ? ('all' as const) : refs.map((r) => resolveFolder(op, r).folder.id);
    const eventTypes = childElements(childElement(streaming, 'EventTypes'), 'EventType').map(
      (e) => e.text.trim() as EventType,
    );
    const unknown = eventTypes.find((t) => !EVENT_TYPES.includes(t));
    if (unknown || eventTypes.length === 0) {
      throw new EwsFault(
        'ErrorSchemaValidation',
        `The request failed schema validation: EventType "${unknown ?? ''}" is not valid.`,
      );
    }
    const sub = op.notifications.subscribe({
      mailboxId: op.mailbox.id,
      owner: callerKey(op),
      folderIds,
      eventTypes,
    });
    return operationResponse('Subscribe', [
      successMessage('SubscribeResponseMessage', leaf('m:SubscriptionId', sub.id)),
    ]);
  } catch (error) {
    if (error instanceof EwsFault) throw error;
    return operationResponse('Subscribe', [errorMessage('SubscribeResponseMessage', storeErrorToEws(error))]);
  }
}

export function unsubscribe(op: OperationContext, request: XElement): string {
  const id = childText(request, 'SubscriptionId') ?? '';
  const sub = op.notifications.get(id);
  if (!sub || sub.owner !== callerKey(op)) {
    return operationResponse('Unsubscribe', [
      errorMessage(
        'UnsubscribeResponseMessage',
        new EwsError('ErrorSubscriptionNotFound', 'The subscription was not found or has expired.'),
      ),
    ]);
  }
  op.notifications.remove(id);
  return operationResponse('Unsubscribe', [successMessage('UnsubscribeResponseMessage')]);
}

/**
 * One message of the stream. Exchange writes each as a complete envelope with an unprefixed
 * `<Envelope>` and no XML declaration, so the stream is a sequence of documents that clients
 * cut at `</Envelope>`.
 */
export function streamingMessage(...content: string[]): string {
  const body = operationResponse('GetStreamingEvents', [
    successMessage('GetStreamingEventsResponseMessage', ...content),
  ]).replace(
    '<m:GetStreamingEventsResponse>',
    `<m:GetStreamingEventsResponse xmlns:m="${NS.m}" xmlns:t="${NS.t}">`,
  );
  return (
    `<Envelope xmlns="${NS.soap}"><soap11:Header xmlns:soap11="${NS.soap}">${serverVersionInfo()}</soap11:Header>` +
    `<soap11:Body xmlns:soap11="${NS.soap}">${body}</soap11:Body></Envelope>`
  );
}

export function getStreamingEvents(
  op: OperationContext,
  request: XElement,
  timing: StreamingTiming,
): OperationResult {
  const ids = childElements(childElement(request, 'SubscriptionIds'), 'SubscriptionId').map((s) =>
    s.text.trim(),
  );
  const timeoutText = childText(request, 'ConnectionTimeout');
  const timeout = Number(timeoutText);
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 30) {
    throw new EwsFault(
      'ErrorSchemaValidation',
      `The request failed schema validation: ConnectionTimeout must be 1–30 minutes, not "${timeoutText ?? ''}".`,
    );
  }
  if (ids.length === 0 || ids.length > MAX_SUBSCRIPTIONS_PER_CONNECTION) {
    throw new EwsFault(
      'ErrorSchemaValidation',
      `The request failed schema validation: name 1–${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions.`,
    );
  }
  const subs: Subscription[] = [];
  const missing: string[] = [];
  for (const id of ids) {
    const sub = op.notifications.get(id);
    if (sub && sub.owner === callerKey(op) && sub.kind === 'streaming') subs.push(sub);
    else missing.push(id);
  }
  if (missing.length > 0) {
    return operationResponse('GetStreamingEvents', [
      errorMessage(
        'GetStreamingEventsResponseMessage',
        new EwsError(
          'ErrorSubscriptionNotFound',
          'A subscription was not found or has expired; subscribe again.',
        ),
        el('m:ErrorSubscriptionIds', null, ...missing.map((id) => leaf('t:SubscriptionId', id))),
      ),
    ]);
  }
  return {
    stream: (writer) =>
      new Promise<void>((resolve) => {
        let finished = false;
        const previous = new Map(subs.map((s) => [s.id, op.notifications.watermarkOf(s)]));
        const flush = () => {
          if (finished) return;
          const notes: string[] = [];
          for (const sub of subs) {
            const events = op.notifications.drain(sub);
            if (events.length === 0) continue;
            notes.push(
              el(
                't:Notification',
                null,
                leaf('t:SubscriptionId', sub.id),
                leaf('t:PreviousWatermark', previous.get(sub.id)),
                leaf('t:MoreEvents', false),
                ...events.map(eventXml),
              ),
            );
            previous.set(sub.id, events[events.length - 1].watermark);
          }
          if (notes.length > 0) writer.write(streamingMessage(el('m:Notifications', null, ...notes)));
          if (subs.every((s) => s.closed)) finish();
        };
        const finish = () => {
          if (finished) return;
          finished = true;
          clearInterval(keepAlive);
          clearTimeout(deadline);
          for (const s of subs) s.listeners.delete(wake);
          if (!writer.closed()) writer.write(streamingMessage(leaf('m:ConnectionStatus', 'Closed')));
          resolve();
        };
        // Coalesce bursts of store changes into one chunk.
        let scheduled = false;
        const wake = () => {
          if (scheduled) return;
          scheduled = true;
          setImmediate(() => {
            scheduled = false;
            flush();
          });
        };
        for (const s of subs) s.listeners.add(wake);
        writer.write(streamingMessage(leaf('m:ConnectionStatus', 'OK')));
        const keepAlive = setInterval(
          () => writer.write(streamingMessage(leaf('m:ConnectionStatus', 'OK'))),
          timing.keepAliveMs,
        );
        const deadline = setTimeout(finish, timeout * timing.minuteMs);
        writer.onClose(() => {
          finished = true;
          clearInterval(keepAlive);
          clearTimeout(deadline);
          for (const s of subs) s.listeners.delete(wake);
          resolve();
        });
        flush();
      }),
  };
}
