// Pull subscriptions (Subscribe with PullSubscriptionRequest, then GetEvents) and push
// subscriptions (PushSubscriptionRequest: the server POSTs SendNotification to the client's URL).

import { BlockList, isIP } from 'node:net';
import { EwsError, EwsFault } from '../errors.ts';
import { type OperationContext, resolveFolder, storeErrorToEws } from '../operations/context.ts';
import { errorMessage, operationResponse, successMessage } from '../responses.ts';
import { NS } from '../xml/namespaces.ts';
import { childElement, childElements, childText, parseRootElement, type XElement } from '../xml/parse.ts';
import { el, leaf } from '../xml/write.ts';
import { callerKey, eventXml, type StreamingTiming } from './common.ts';
import {
  EVENT_TYPES,
  type EventType,
  type NotificationEvent,
  type Notifications,
  type Subscription,
} from './registry.ts';

/** Exchange's bounds: a pull Timeout and a push StatusFrequency are 1–1440 minutes. */
const MAX_MINUTES = 1440;
/** Deliveries that may fail in a row before Exchange gives a push subscription up. */
const MAX_PUSH_FAILURES = 3;
const PUSH_TIMEOUT_MS = 10_000;

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/**
 * The sandbox delivers push notifications to loopback callbacks only: it is a test double, and a
 * server that POSTs wherever a client tells it to would let any client reach private networks.
 */
export function checkPushUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new EwsError('ErrorInvalidPushSubscriptionUrl', `The push URL "${url}" is not an absolute URL.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new EwsError('ErrorInvalidPushSubscriptionUrl', `The push URL "${url}" must use http or https.`);
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const family = isIP(host);
  const loopback =
    host.toLowerCase() === 'localhost' ||
    (family === 4 && LOOPBACK.check(host, 'ipv4')) ||
    (family === 6 && (LOOPBACK.check(host, 'ipv6') || /^::ffff:127\./i.test(host)));
  if (!loopback) {
    throw new EwsError(
      'ErrorInvalidPushSubscriptionUrl',
      `The Exsync sandbox delivers push notifications to loopback addresses only (127.0.0.1, ::1, localhost), not to ${host}; listen on one of them.`,
    );
  }
  return parsed;
}

function readMinutes(text: string | undefined, name: string, fallback?: number): number {
  if (text === undefined && fallback !== undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > MAX_MINUTES) {
    throw new EwsFault(
      'ErrorSchemaValidation',
      `The request failed schema validation: ${name} must be 1–${MAX_MINUTES} minutes, not "${text ?? ''}".`,
    );
  }
  return n;
}

function readSubscription(op: OperationContext, request: XElement) {
  const all = request.attrs.SubscribeToAllFolders === 'true';
  const refs = childElements(childElement(request, 'FolderIds'));
  if (!all && refs.length === 0)
    throw new EwsError(
      'ErrorInvalidSubscriptionRequest',
      'Name FolderIds or set SubscribeToAllFolders="true".',
    );
  const folderIds = all ? ('all' as const) : refs.map((r) => resolveFolder(op, r).folder.id);
  const eventTypes = childElements(childElement(request, 'EventTypes'), 'EventType').map(
    (e) => e.text.trim() as EventType,
  );
  const unknown = eventTypes.find((t) => !EVENT_TYPES.includes(t));
  if (unknown || eventTypes.length === 0) {
    throw new EwsFault(
      'ErrorSchemaValidation',
      `The request failed schema validation: EventType "${unknown ?? ''}" is not valid.`,
    );
  }
  return { folderIds, eventTypes };
}

export function subscribePull(op: OperationContext, request: XElement): string {
  try {
    const timeout = readMinutes(childText(request, 'Timeout'), 'Timeout');
    const sub = op.notifications.subscribe({
      mailboxId: op.mailbox.id,
      owner: callerKey(op),
      ...readSubscription(op, request),
      kind: 'pull',
      timeoutMinutes: timeout,
    });
    return operationResponse('Subscribe', [
      successMessage(
        'SubscribeResponseMessage',
        leaf('m:SubscriptionId', sub.id),
        leaf('m:Watermark', sub.delivered),
      ),
    ]);
  } catch (error) {
    if (error instanceof EwsFault) throw error;
    return operationResponse('Subscribe', [errorMessage('SubscribeResponseMessage', storeErrorToEws(error))]);
  }
}

function notificationXml(
  sub: Subscription,
  previous: string,
  events: NotificationEvent[],
  tag = 'm:Notification',
): string {
  const body =
    events.length > 0
      ? events.map(eventXml)
      : [el('t:StatusEvent', null, leaf('t:Watermark', sub.delivered))];
  return el(
    tag,
    null,
    leaf('t:SubscriptionId', sub.id),
    leaf('t:PreviousWatermark', previous),
    leaf('t:MoreEvents', false),
    ...body,
  );
}

export function getEvents(op: OperationContext, request: XElement): string {
  const id = childText(request, 'SubscriptionId') ?? '';
  const watermark = childText(request, 'Watermark') ?? '';
  const sub = op.notifications.get(id);
  const fail = (code: EwsError) =>
    operationResponse('GetEvents', [errorMessage('GetEventsResponseMessage', code)]);
  if (!sub || sub.owner !== callerKey(op) || sub.kind !== 'pull') {
    return fail(
      new EwsError(
        'ErrorSubscriptionNotFound',
        'The subscription was not found or has expired; subscribe again.',
      ),
    );
  }
  if (op.notifications.expired(sub)) {
    op.notifications.remove(sub.id);
    return fail(
      new EwsError(
        'ErrorExpiredSubscription',
        'The subscription expired: GetEvents was not called within its Timeout. Subscribe again.',
      ),
    );
  }
  if (watermark !== sub.delivered) {
    return fail(
      new EwsError(
        'ErrorInvalidWatermark',
        'The watermark is not the last one this subscription handed out; pass the Watermark of the last event received.',
      ),
    );
  }
  sub.lastUsed = op.sandbox.now();
  const previous = sub.delivered;
  const events = op.notifications.drain(sub);
  if (events.length > 0) sub.delivered = events[events.length - 1].watermark;
  return operationResponse('GetEvents', [
    successMessage('GetEventsResponseMessage', notificationXml(sub, previous, events)),
  ]);
}

/** Starts POSTing a push subscription's events (and status pings) to its URL. */
function startPush(notifications: Notifications, sub: Subscription, url: URL, statusMs: number): void {
  let failures = 0;
  let sending = false;
  let again = false;
  const send = async (): Promise<void> => {
    if (sub.closed) return;
    if (sending) {
      again = true;
      return;
    }
    sending = true;
    const previous = sub.delivered;
    const events = notifications.drain(sub);
    if (events.length > 0) sub.delivered = events[events.length - 1].watermark;
    const envelope =
      `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${NS.soap}" xmlns:m="${NS.m}" xmlns:t="${NS.t}">` +
      `<soap:Header><t:RequestServerVersion Version="Exchange2010_SP1"/></soap:Header><soap:Body>` +
      el(
        'm:SendNotification',
        null,
        el(
          'm:ResponseMessages',
          null,
          successMessage('SendNotificationResponseMessage', notificationXml(sub, previous, events)),
        ),
      ) +
      '</soap:Body></soap:Envelope>';
    let unsubscribe = false;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8' },
        body: envelope,
        redirect: 'manual',
        signal: AbortSignal.timeout(PUSH_TIMEOUT_MS),
      });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
      const status = findText(parseRootElement(text), 'SubscriptionStatus');
      unsubscribe = status === 'Unsubscribe';
      failures = 0;
    } catch {
      // Undelivered events go back to the front of the queue for the next attempt.
      if (events.length > 0) {
        sub.pending.unshift(...events);
        sub.delivered = previous;
      }
      failures += 1;
    } finally {
      sending = false;
    }
    if (unsubscribe || failures >= MAX_PUSH_FAILURES) {
      stop();
      notifications.remove(sub.id);
      return;
    }
    if (again) {
      again = false;
      await send();
    }
  };
  const wake = () => {
    if (sub.closed) {
      stop();
      return;
    }
    setImmediate(() => void send().catch(() => undefined));
  };
  const timer = setInterval(() => void send().catch(() => undefined), statusMs);
  timer.unref();
  const stop = () => {
    clearInterval(timer);
    sub.listeners.delete(wake);
  };
  sub.listeners.add(wake);
}

function findText(root: XElement, name: string): string | undefined {
  if (root.name === name) return root.text.trim();
  for (const c of root.children) {
    const found = findText(c, name);
    if (found !== undefined) return found;
  }
  return undefined;
}

export function subscribePush(op: OperationContext, request: XElement, timing: StreamingTiming): string {
  try {
    const frequency = readMinutes(childText(request, 'StatusFrequency'), 'StatusFrequency', 30);
    const url = checkPushUrl(childText(request, 'URL') ?? '');
    const sub = op.notifications.subscribe({
      mailboxId: op.mailbox.id,
      owner: callerKey(op),
      ...readSubscription(op, request),
      kind: 'push',
    });
    startPush(op.notifications, sub, url, frequency * timing.minuteMs);
    return operationResponse('Subscribe', [
      successMessage(
        'SubscribeResponseMessage',
        leaf('m:SubscriptionId', sub.id),
        leaf('m:Watermark', sub.delivered),
      ),
    ]);
  } catch (error) {
    if (error instanceof EwsFault) throw error;
    return operationResponse('Subscribe', [errorMessage('SubscribeResponseMessage', storeErrorToEws(error))]);
  }
}
