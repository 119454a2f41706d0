// Receiving Graph change notifications on Exsync's public URL: the validation handshake and the
// notification body, checked against the subscription's clientState in constant time.
import { timingSafeEqual } from 'node:crypto';
import type { ChangeSignal } from '../types.ts';
import { arrayOrEmpty, isObject, nonEmptyString } from './mapping/json.ts';

/** The token to echo as 200 text/plain when Graph validates a notification URL, if this is that request. */
export function validationToken(query: URLSearchParams | Record<string, unknown>): string | undefined {
  const value = query instanceof URLSearchParams ? query.get('validationToken') : query.validationToken;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface ReceivedNotification {
  subscriptionId: string;
  signal: ChangeSignal;
}

/**
 * Reads a notification POST body. Entries whose clientState does not match are dropped (they did
 * not come from our subscription). Lifecycle events (`reauthorizationRequired`, `missed`,
 * `subscriptionRemoved`) become resync signals.
 */
export function readNotifications(
  body: unknown,
  expectedClientState: (subscriptionId: string) => string | undefined,
): ReceivedNotification[] {
  const out: ReceivedNotification[] = [];
  if (!isObject(body)) return out;
  for (const n of arrayOrEmpty(body.value)) {
    if (!isObject(n)) continue;
    const subscriptionId = nonEmptyString(n.subscriptionId);
    if (!subscriptionId) continue;
    const expected = expectedClientState(subscriptionId);
    if (expected === undefined || !sameSecret(nonEmptyString(n.clientState) ?? '', expected)) continue;
    const lifecycle = nonEmptyString(n.lifecycleEvent);
    if (lifecycle) {
      out.push({ subscriptionId, signal: { type: 'resync', reason: lifecycle } });
      continue;
    }
    const resource = nonEmptyString(n.resource) ?? '';
    const folderId =
      /(?:contactFolders|calendars|lists|mailFolders)\('?([^'/)]+)'?\)|(?:contactFolders|calendars|lists|mailFolders)\/([^/]+)/i.exec(
        resource,
      );
    out.push({ subscriptionId, signal: { type: 'changed', folderId: folderId?.[1] ?? folderId?.[2] } });
  }
  return out;
}
