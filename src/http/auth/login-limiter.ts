// Slows down password guessing without letting a stranger lock a user out. Three counts:
//
// - per account and client address (strict): after 10 failures within 15 minutes that address
//   waits until the oldest of them leaves the window. Only that address is stopped for that
//   account; the user elsewhere is not.
// - per client address (any account): after 30 failures within 15 minutes, the same, so that
//   one address cannot spray guesses over many accounts.
// - per account (any address, loose): after 5 failures, each further attempt from an address
//   that has not signed in to this account before must wait for an exponentially growing
//   delay after the last failure (1 s, 2 s, 4 s, … at most 60 s). This is a delay, never a
//   lock-out: whoever knows the password waits at most a minute, and not at all from an address
//   they signed in from in the last 30 days.
//
// A successful sign-in clears the account's count and that address's count for the account;
// an administrator's password reset clears all counts of the account. Attempts refused here
// are not checked and not counted, so hammering a throttled account does not extend the wait.
//
// The counts live in memory: that is enough for the embedded single-process server, and in a
// scaled deployment each server process limits on its own, so the effective limits are
// multiplied by the number of processes; a shared store would be the next step if that matters.

export interface LoginLimiterOptions {
  /** Failures per account and address within the window (default 10). */
  pairLimit?: number;
  /** Failures per address over all accounts within the window (default 30). */
  addressLimit?: number;
  windowMs?: number;
  /** Failures of an account before its delay starts (default 5). */
  accountFreeFailures?: number;
  /** The longest account-wide delay (default 60 s). */
  maxDelayMs?: number;
  /** How long an address that signed in stays known for the account (default 30 days). */
  knownAddressMs?: number;
  now?: () => number;
}

export type ThrottleReason = 'address_for_account' | 'address' | 'account';

export interface Throttle {
  reason: ThrottleReason;
  /** Whole seconds to wait, at least 1. */
  retryAfterSeconds: number;
}

interface AccountFailures {
  count: number;
  lastAt: number;
}

const MAX_ENTRIES = 100_000;
const KNOWN_ADDRESSES_PER_ACCOUNT = 20;

export class LoginLimiter {
  readonly #pairLimit: number;
  readonly #addressLimit: number;
  readonly #windowMs: number;
  readonly #freeFailures: number;
  readonly #maxDelayMs: number;
  readonly #knownMs: number;
  readonly #now: () => number;
  readonly #pairs = new Map<string, number[]>();
  readonly #addresses = new Map<string, number[]>();
  readonly #accounts = new Map<string, AccountFailures>();
  readonly #known = new Map<string, Map<string, number>>();

  constructor(options: LoginLimiterOptions = {}) {
    this.#pairLimit = options.pairLimit ?? 10;
    this.#addressLimit = options.addressLimit ?? 30;
    this.#windowMs = options.windowMs ?? 15 * 60 * 1000;
    this.#freeFailures = options.accountFreeFailures ?? 5;
    this.#maxDelayMs = options.maxDelayMs ?? 60_000;
    this.#knownMs = options.knownAddressMs ?? 30 * 24 * 60 * 60 * 1000;
    this.#now = options.now ?? Date.now;
  }

  /** Null when an attempt for this account from this address may be checked now. */
  check(account: string, address: string): Throttle | null {
    const now = this.#now();
    const candidates: Array<[ThrottleReason, number]> = [
      ['address_for_account', this.#windowWait(this.#pairs, pairKey(account, address), this.#pairLimit, now)],
      ['address', this.#windowWait(this.#addresses, address, this.#addressLimit, now)],
      ['account', this.#isKnown(account, address, now) ? 0 : this.#accountWait(account, now)],
    ];
    let worst: Throttle | null = null;
    for (const [reason, waitMs] of candidates) {
      if (waitMs > 0 && (worst === null || waitMs > worst.retryAfterSeconds * 1000)) {
        worst = { reason, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
      }
    }
    return worst;
  }

  recordFailure(account: string, address: string): void {
    const now = this.#now();
    this.#push(this.#pairs, pairKey(account, address), now);
    this.#push(this.#addresses, address, now);
    const previous = this.#accounts.get(account);
    const count = previous && previous.lastAt > now - this.#windowMs ? previous.count + 1 : 1;
    this.#accounts.set(account, { count, lastAt: now });
    if (this.#pairs.size + this.#addresses.size + this.#accounts.size > MAX_ENTRIES) this.#sweep(now);
  }

  /**
   * The password was right: the account's count and this address's count for it are cleared,
   * and the address becomes known for the account. The address's count over all accounts
   * stays, so that one good account cannot unlock guessing at others.
   */
  recordSuccess(account: string, address: string): void {
    const now = this.#now();
    this.#accounts.delete(account);
    this.#pairs.delete(pairKey(account, address));
    const known = this.#known.get(account) ?? new Map<string, number>();
    known.delete(address);
    known.set(address, now);
    if (known.size > KNOWN_ADDRESSES_PER_ACCOUNT) known.delete(known.keys().next().value as string);
    this.#known.set(account, known);
  }

  /** An administrator set a new password: nothing learnt from guesses at the old one matters. */
  clearAccount(account: string): void {
    this.#accounts.delete(account);
    const prefix = pairKey(account, '');
    for (const key of this.#pairs.keys()) if (key.startsWith(prefix)) this.#pairs.delete(key);
  }

  #windowWait(map: Map<string, number[]>, key: string, limit: number, now: number): number {
    const recent = this.#recent(map, key, now);
    return recent.length >= limit ? recent[recent.length - limit] + this.#windowMs - now : 0;
  }

  #accountWait(account: string, now: number): number {
    const failures = this.#accounts.get(account);
    if (!failures || failures.lastAt <= now - this.#windowMs || failures.count < this.#freeFailures) return 0;
    const delay = Math.min(this.#maxDelayMs, 1000 * 2 ** (failures.count - this.#freeFailures));
    return failures.lastAt + delay - now;
  }

  #isKnown(account: string, address: string, now: number): boolean {
    const at = this.#known.get(account)?.get(address);
    return at !== undefined && at > now - this.#knownMs;
  }

  #push(map: Map<string, number[]>, key: string, now: number): void {
    const recent = this.#recent(map, key, now);
    recent.push(now);
    map.set(key, recent);
  }

  #recent(map: Map<string, number[]>, key: string, now: number): number[] {
    return (map.get(key) ?? []).filter((t) => t > now - this.#windowMs);
  }

  // Bounds memory under a spray of distinct accounts and addresses.
  #sweep(now: number): void {
    for (const map of [this.#pairs, this.#addresses]) {
      for (const [key, times] of map) if (times.every((t) => t <= now - this.#windowMs)) map.delete(key);
    }
    for (const [key, failures] of this.#accounts) {
      if (failures.lastAt <= now - this.#windowMs) this.#accounts.delete(key);
    }
  }
}

function pairKey(account: string, address: string): string {
  return `${account}\n${address}`;
}

/** The key an email address is counted under: case and surrounding spaces do not matter. */
export function accountKey(email: string): string {
  return email.trim().toLowerCase();
}
