// Failed sign-ins are counted per client address and per email address in a sliding window;
// past the limit, further attempts are refused until the oldest failure leaves the window.
// The counts live in memory: that is enough for the embedded single-process server, and in a
// scaled deployment each server process limits on its own, so the effective limit is
// multiplied by the number of processes; a shared store would be the next step if that matters.

export interface LoginLimiterOptions {
  maxFailures?: number;
  windowMs?: number;
  now?: () => number;
}

export class LoginLimiter {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #failures = new Map<string, number[]>();

  constructor(options: LoginLimiterOptions = {}) {
    this.#max = options.maxFailures ?? 10;
    this.#windowMs = options.windowMs ?? 15 * 60 * 1000;
    this.#now = options.now ?? Date.now;
  }

  /** Seconds to wait before the next attempt, or 0 when one is allowed now. */
  retryAfterSeconds(keys: string[]): number {
    const now = this.#now();
    let waitMs = 0;
    for (const key of keys) {
      const recent = this.#recent(key, now);
      if (recent.length >= this.#max) {
        waitMs = Math.max(waitMs, recent[recent.length - this.#max] + this.#windowMs - now);
      }
    }
    return waitMs > 0 ? Math.ceil(waitMs / 1000) : 0;
  }

  recordFailure(keys: string[]): void {
    const now = this.#now();
    for (const key of keys) {
      const recent = this.#recent(key, now);
      recent.push(now);
      this.#failures.set(key, recent);
    }
    // Bound memory under a spray of distinct keys.
    if (this.#failures.size > 100_000) this.#sweep(now);
  }

  /** A successful sign-in clears its email's count; the address's count stays, so one good account cannot unlock guessing at others. */
  clear(key: string): void {
    this.#failures.delete(key);
  }

  #recent(key: string, now: number): number[] {
    return (this.#failures.get(key) ?? []).filter((t) => t > now - this.#windowMs);
  }

  #sweep(now: number): void {
    for (const [key, times] of this.#failures) {
      if (times.every((t) => t <= now - this.#windowMs)) this.#failures.delete(key);
    }
  }
}
