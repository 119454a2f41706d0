// EWSMaxConcurrency: how many requests one account may have in flight at once. Exchange's
// default policy allows 27; the 28th gets ErrorExceededConnectionCount.

import { EwsFault } from './errors.ts';

export const DEFAULT_MAX_CONCURRENCY = 27;

export function exceededConnectionCount(): EwsFault {
  return new EwsFault(
    'ErrorExceededConnectionCount',
    'You have exceeded the available concurrent connections for your account. Try again once your other requests have completed.',
  );
}

export class ConcurrencyLimiter {
  private readonly inFlight = new Map<string, number>();
  readonly max: number;

  constructor(max = DEFAULT_MAX_CONCURRENCY) {
    this.max = max;
  }

  /** Takes a slot or throws ErrorExceededConnectionCount; the returned function gives it back. */
  acquire(key: string): () => void {
    const n = this.inFlight.get(key) ?? 0;
    if (n >= this.max) throw exceededConnectionCount();
    this.inFlight.set(key, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.inFlight.get(key) ?? 1) - 1;
      if (left <= 0) this.inFlight.delete(key);
      else this.inFlight.set(key, left);
    };
  }

  current(key: string): number {
    return this.inFlight.get(key) ?? 0;
  }
}

export function serverBusy(backOffMs: number): EwsFault {
  return new EwsFault(
    'ErrorServerBusy',
    'The server cannot service this request right now. Try again later.',
    {
      messageXml: `<t:Value Name="BackOffMilliseconds">${Math.max(0, Math.round(backOffMs))}</t:Value>`,
    },
  );
}
