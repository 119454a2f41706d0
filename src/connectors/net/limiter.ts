// Caps how many requests run at once per key (a mailbox, a service account), and lets a key be
// paused while the server throttles it; other keys go on.

export interface LimiterEvent {
  type: 'acquire' | 'release';
  key: string;
  weight: number;
  /** Units in flight for the key after the event. */
  inFlight: number;
  at: number;
}

interface Waiter {
  weight: number;
  resolve: () => void;
}

interface KeyState {
  inFlight: number;
  queue: Waiter[];
  pausedUntil: number;
  timer?: NodeJS.Timeout;
}

export class KeyedLimiter {
  readonly limit: number;
  private readonly keys = new Map<string, KeyState>();
  private readonly listeners = new Set<(event: LimiterEvent) => void>();

  constructor(limit: number) {
    if (!(limit >= 1)) throw new RangeError('A limiter needs a limit of at least 1.');
    this.limit = limit;
  }

  /** Observes every acquire and release (tests record a trace with it). */
  onEvent(listener: (event: LimiterEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  inFlight(key: string): number {
    return this.keys.get(key)?.inFlight ?? 0;
  }

  /** Holds new requests of `key` until `untilMs` (epoch ms); running ones finish. */
  pause(key: string, untilMs: number): void {
    const state = this.state(key);
    if (untilMs <= state.pausedUntil) return;
    state.pausedUntil = untilMs;
    this.wake(key, state, untilMs - Date.now());
  }

  /** Drains the key once `ms` have passed. */
  private wake(key: string, state: KeyState, ms: number): void {
    if (state.timer) clearTimeout(state.timer);
    state.timer = setTimeout(
      () => {
        state.timer = undefined;
        this.drain(key, state);
      },
      Math.max(0, ms),
    );
    state.timer.unref?.();
  }

  pausedUntil(key: string): number {
    return this.keys.get(key)?.pausedUntil ?? 0;
  }

  /**
   * Runs `task` once `key` has room for `weight` units. `signal` (the sync run's) ends the wait:
   * a request of a run that stopped leaves the queue instead of waiting there, and being sent,
   * after its run is gone. Its HTTP deadline starts only when it is sent, so without this a
   * request held in the queue (a key paused for long) would have no deadline at all.
   */
  async run<T>(key: string, weight: number, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const units = Math.min(Math.max(1, Math.floor(weight)), this.limit);
    await this.acquire(key, units, signal);
    try {
      return await task();
    } finally {
      this.release(key, units);
    }
  }

  private state(key: string): KeyState {
    let state = this.keys.get(key);
    if (!state) {
      state = { inFlight: 0, queue: [], pausedUntil: 0 };
      this.keys.set(key, state);
    }
    return state;
  }

  private acquire(key: string, weight: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const state = this.state(key);
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const at = state.queue.indexOf(waiter);
        if (at < 0) return;
        state.queue.splice(at, 1);
        // A heavy waiter that left the head may have held back lighter ones behind it.
        this.drain(key, state);
        this.forgetIfIdle(key, state);
        reject(signal!.reason);
      };
      const waiter: Waiter = {
        weight,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      state.queue.push(waiter);
      this.drain(key, state);
    });
  }

  private drain(key: string, state: KeyState): void {
    const paused = state.pausedUntil - Date.now();
    if (paused > 0) {
      // A timer may fire a little before the wall clock says the pause is over (timers run on
      // another clock): whoever finds the key still paused, with requests waiting, makes sure
      // a timer will drain it, or they would wait for ever.
      if (!state.timer && state.queue.length > 0) this.wake(key, state, paused);
      return;
    }
    // FIFO: a heavy waiter at the head is not overtaken, so it cannot starve.
    while (state.queue.length > 0 && state.inFlight + state.queue[0].weight <= this.limit) {
      const next = state.queue.shift()!;
      state.inFlight += next.weight;
      this.emit({ type: 'acquire', key, weight: next.weight, inFlight: state.inFlight, at: Date.now() });
      next.resolve();
    }
  }

  private release(key: string, weight: number): void {
    const state = this.state(key);
    state.inFlight -= weight;
    this.emit({ type: 'release', key, weight, inFlight: state.inFlight, at: Date.now() });
    this.drain(key, state);
    this.forgetIfIdle(key, state);
  }

  private forgetIfIdle(key: string, state: KeyState): void {
    if (state.inFlight === 0 && state.queue.length === 0 && !state.timer && Date.now() >= state.pausedUntil) {
      if (this.keys.get(key) === state) this.keys.delete(key);
    }
  }

  private emit(event: LimiterEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
