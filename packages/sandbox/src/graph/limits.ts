// Outlook's service limits for one app on one mailbox: at most 4 requests in flight, and
// 10,000 requests per 10 minutes. Batch members count one by one.
import { GraphError } from './errors.ts';

export const MAX_CONCURRENT_PER_MAILBOX = 4;
export const MAX_REQUESTS_PER_WINDOW = 10_000;
export const WINDOW_MS = 10 * 60_000;

export class MailboxLimits {
  private readonly inFlight = new Map<string, number>();
  private readonly windows = new Map<string, { start: number; count: number }>();

  /** Takes a slot or throws 429; the caller must call the returned release exactly once. */
  acquire(appId: string, mailboxId: string, now: number): () => void {
    const key = `${appId}\u0000${mailboxId}`;
    const window = this.windows.get(key);
    if (!window || now - window.start >= WINDOW_MS) this.windows.set(key, { start: now, count: 1 });
    else if (window.count >= MAX_REQUESTS_PER_WINDOW) {
      const retryAfter = Math.max(1, Math.ceil((window.start + WINDOW_MS - now) / 1000));
      throw new GraphError(
        429,
        'ApplicationThrottled',
        'Application is over its MailboxRequests limit (10,000 requests per 10 minutes). Retry after the Retry-After interval.',
        { 'Retry-After': String(retryAfter) },
      );
    } else window.count++;
    const current = this.inFlight.get(key) ?? 0;
    if (current >= MAX_CONCURRENT_PER_MAILBOX) throw mailboxConcurrency();
    this.inFlight.set(key, current + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.inFlight.get(key) ?? 1) - 1;
      if (n <= 0) this.inFlight.delete(key);
      else this.inFlight.set(key, n);
    };
  }
}

export function mailboxConcurrency(): GraphError {
  return new GraphError(
    429,
    'ApplicationThrottled',
    'Application is over its MailboxConcurrency limit. Send at most 4 concurrent requests per mailbox, batch members included.',
    { 'Retry-After': '1' },
  );
}
