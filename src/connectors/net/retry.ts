// Retries what the error model calls retryable: `throttled` after the server's own delay,
// `transient` after an exponential back-off. A wait longer than the cap is not slept through:
// the error goes back to the engine, which reschedules the mailbox instead of holding a worker.
import { type ConnectorError, certainlyNotProcessed, isRetryable } from '../errors.ts';

export interface RetryPolicy {
  /** Attempts in all, the first included (default 4). */
  attempts?: number;
  /** Longest wait slept through (default 30 s). */
  maxWaitMs?: number;
  /** First back-off for transient failures (default 250 ms), doubled each time. */
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Called before waiting on a throttled answer (to pause the mailbox's other requests). */
  onThrottled?: (retryAfterMs: number) => void;
  /**
   * False for a request that must not be carried out twice (a create, a sent message): it is
   * sent again only when the failure shows it did nothing (`certainlyNotProcessed`). Otherwise
   * the error goes back to the engine, whose next run finds what was made (RECOVERY).
   */
  repeatable?: boolean;
}

export const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function backoffDelay(error: ConnectorError, attempt: number, baseDelayMs: number): number {
  if (error.retryAfterMs !== undefined) return error.retryAfterMs;
  const exp = baseDelayMs * 2 ** (attempt - 1);
  return Math.round(exp / 2 + Math.random() * (exp / 2));
}

export async function withRetries<T>(
  task: (attempt: number) => Promise<T>,
  policy: RetryPolicy = {},
): Promise<T> {
  const attempts = policy.attempts ?? 4;
  const maxWaitMs = policy.maxWaitMs ?? 30_000;
  const baseDelayMs = policy.baseDelayMs ?? 250;
  const sleep = policy.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await task(attempt);
    } catch (error) {
      if (!isRetryable(error) || attempt >= attempts) throw error;
      if (policy.repeatable === false && !certainlyNotProcessed(error)) throw error;
      const wait = backoffDelay(error, attempt, baseDelayMs);
      if (wait > maxWaitMs) throw error;
      if (error.code === 'throttled') policy.onThrottled?.(wait);
      await sleep(wait);
    }
  }
}
