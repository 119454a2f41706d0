// Graph requests for one mailbox: the token, `Prefer: IdType="ImmutableId"` on every call, at
// most four requests in flight per mailbox (batch members counted), retries after Retry-After,
// and answers parsed into the error model.
import {
  asInvalidResponse,
  ConnectorError,
  certainlyNotProcessed,
  isConnectorError,
  isRetryable,
} from '../errors.ts';
import type { HttpClient } from '../net/http.ts';
import { KeyedLimiter } from '../net/limiter.ts';
import { defaultSleep, type RetryPolicy, withRetries } from '../net/retry.ts';
import type { TokenProvider } from './auth.ts';
import { parseGraphError } from './errors.ts';
import { isObject, type Json } from './mapping/json.ts';

/** Outlook's limit: four concurrent requests per app and mailbox. */
export const GRAPH_MAILBOX_CONCURRENCY = 4;
export const GRAPH_BATCH_LIMIT = 20;

/** Shared by every connector of a process, so the limit holds across them. */
export const graphMailboxLimiter = new KeyedLimiter(GRAPH_MAILBOX_CONCURRENCY);

export interface GraphClientOptions {
  http: HttpClient;
  tokens: TokenProvider;
  /** e.g. https://graph.microsoft.com/v1.0 */
  baseUrl: string;
  /** Limiter key: the mailbox (and app) the requests are for. */
  mailboxKey: string;
  limiter?: KeyedLimiter;
  retry?: RetryPolicy;
}

export interface GraphRequest {
  method: string;
  /** Path under the base URL (`/me/contacts`) or an absolute link the server handed out. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Extra `Prefer` values (IdType is always sent). */
  prefer?: string[];
  /**
   * Whether sending it twice does no harm (see RetryPolicy.repeatable). By default every method
   * but POST, and a POST with a `transactionId` (Graph makes a repeated event create one event).
   */
  repeatable?: boolean;
  /**
   * In a `$batch`, members with the same `sequence` run one after the other, in their order
   * (writes to one series' occurrences, which Exchange keeps on the series, as one client
   * writing them one at a time would).
   */
  sequence?: string;
}

/** Whether a request may be sent again after a failure that may hide it was carried out. */
function repeatable(request: GraphRequest): boolean {
  if (request.repeatable !== undefined) return request.repeatable;
  if (request.method.toUpperCase() !== 'POST') return true;
  const body = request.body as { transactionId?: unknown } | undefined;
  return typeof body?.transactionId === 'string';
}

export interface GraphAnswer {
  status: number;
  json: Json;
  header(name: string): string | undefined;
}

export type BatchOutcome = { ok: true; answer: GraphAnswer } | { ok: false; error: ConnectorError };

const ID_TYPE = 'IdType="ImmutableId"';

export class GraphClient {
  readonly baseUrl: string;
  private readonly options: GraphClientOptions;
  private readonly limiter: KeyedLimiter;
  private readonly origin: string;

  constructor(options: GraphClientOptions) {
    this.options = options;
    this.baseUrl = options.baseUrl.replace(/\/$/, '');
    this.origin = new URL(this.baseUrl).origin;
    this.limiter = options.limiter ?? graphMailboxLimiter;
  }

  /** The sync run's signal, carried by the HTTP client: a stopped run's requests leave the queue. */
  private get signal(): AbortSignal | undefined {
    return this.options.http.options.signal;
  }

  private retryPolicy(): RetryPolicy {
    return {
      ...this.options.retry,
      onThrottled: (ms) => this.limiter.pause(this.options.mailboxKey, Date.now() + ms),
    };
  }

  /** Absolute URL of a path; refuses links to another host (a token must never leave Graph). */
  url(path: string): string {
    if (!/^https?:\/\//i.test(path)) return this.baseUrl + (path.startsWith('/') ? path : `/${path}`);
    if (new URL(path).origin !== this.origin) {
      throw new ConnectorError(
        'invalid_response',
        `Graph handed out a link to another server (${new URL(path).host}); it was not followed.`,
      );
    }
    return path;
  }

  async request(request: GraphRequest): Promise<GraphAnswer> {
    return withRetries(
      () => this.limiter.run(this.options.mailboxKey, 1, () => this.once(request), this.signal),
      {
        ...this.retryPolicy(),
        repeatable: repeatable(request),
      },
    );
  }

  private async once(request: GraphRequest): Promise<GraphAnswer> {
    const url = this.url(request.path);
    const token = await this.options.tokens.accessToken();
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
      prefer: [ID_TYPE, ...(request.prefer ?? [])].join(', '),
      ...request.headers,
    };
    let body: string | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['content-type'] = 'application/json';
    }
    const response = await this.options.http.send({ method: request.method, url, headers, body });
    const text = response.text();
    let json: Json = {};
    if (text.trim() !== '') {
      try {
        const parsed: unknown = JSON.parse(text);
        json = isObject(parsed) ? parsed : { value: parsed };
      } catch (error) {
        if (response.status < 400)
          throw asInvalidResponse(error, `${request.method} ${new URL(url).pathname}`);
      }
    }
    if (response.status >= 400) {
      throw parseGraphError(
        { status: response.status, header: (n) => response.header(n), body: json },
        `${request.method} ${new URL(url).pathname}`,
      );
    }
    return { status: response.status, json, header: (n) => response.header(n) };
  }

  /**
   * Sends requests in `$batch`es of up to 20. Members run in four chains (each waits on the one
   * before it), so no more than four are in flight at the mailbox; throttled or failed-dependency
   * members are sent again. Results come back in the order of `requests`.
   */
  async batch(requests: GraphRequest[]): Promise<BatchOutcome[]> {
    const results: BatchOutcome[] = new Array(requests.length);
    let pending = requests.map((_, i) => i);
    const policy = this.options.retry ?? {};
    const attempts = policy.attempts ?? 4;
    const sleep = policy.sleep ?? defaultSleep;
    // Tries each member has had. A member answered 424 was never run (one before it in its
    // chain failed, a 404 of a DELETE or GET included): it is sent again without that counting
    // as a try or a reason to wait. Each round runs at least the first member of every chain, so
    // this ends.
    const tried = new Array<number>(requests.length).fill(0);
    while (pending.length > 0) {
      const retry: number[] = [];
      let wait = 0;
      for (let start = 0; start < pending.length; start += GRAPH_BATCH_LIMIT) {
        const group = pending.slice(start, start + GRAPH_BATCH_LIMIT);
        const outcomes = await this.sendBatch(group.map((i) => requests[i]));
        outcomes.forEach((outcome, k) => {
          const index = group[k];
          results[index] = outcome;
          if (outcome.ok) return;
          if (outcome.error.status === 424) {
            retry.push(index);
            return;
          }
          tried[index]++;
          if (
            isRetryable(outcome.error) &&
            tried[index] < attempts &&
            (repeatable(requests[index]) || certainlyNotProcessed(outcome.error))
          ) {
            retry.push(index);
            wait = Math.max(
              wait,
              outcome.error.retryAfterMs ?? (policy.baseDelayMs ?? 250) * 2 ** (tried[index] - 1),
            );
          }
        });
      }
      pending = retry;
      if (pending.length > 0) {
        if (wait > (policy.maxWaitMs ?? 30_000)) break;
        this.limiter.pause(this.options.mailboxKey, Date.now() + wait);
        await sleep(wait);
      }
    }
    return results;
  }

  private async sendBatch(group: GraphRequest[]): Promise<BatchOutcome[]> {
    const lanes = Math.min(GRAPH_MAILBOX_CONCURRENCY, group.length);
    const lastInSequence = new Map<string, string>();
    const members = group.map((r, i) => {
      // Its chain's member before it, and its sequence's: more dependencies only run fewer at once.
      const after = new Set<string>(i >= lanes ? [String(i + 1 - lanes)] : []);
      if (r.sequence !== undefined) {
        const previous = lastInSequence.get(r.sequence);
        if (previous) after.add(previous);
        lastInSequence.set(r.sequence, String(i + 1));
      }
      const url = this.url(r.path).slice(this.baseUrl.length);
      const headers: Record<string, string> = {
        prefer: [ID_TYPE, ...(r.prefer ?? [])].join(', '),
        ...r.headers,
      };
      if (r.body !== undefined) headers['content-type'] = 'application/json';
      return {
        id: String(i + 1),
        method: r.method,
        url,
        headers,
        ...(r.body === undefined ? {} : { body: r.body }),
        ...(after.size > 0 ? { dependsOn: [...after] } : {}),
      };
    });
    const answer = await withRetries(
      () =>
        this.limiter.run(
          this.options.mailboxKey,
          lanes,
          () => this.once({ method: 'POST', path: '/$batch', body: { requests: members } }),
          this.signal,
        ),
      { ...this.retryPolicy(), repeatable: group.every(repeatable) },
    );
    const byId = new Map<string, Json>();
    for (const r of Array.isArray(answer.json.responses) ? answer.json.responses : []) {
      if (isObject(r) && (typeof r.id === 'string' || typeof r.id === 'number')) byId.set(String(r.id), r);
    }
    return members.map((m): BatchOutcome => {
      const r = byId.get(m.id);
      if (!r || typeof r.status !== 'number') {
        return {
          ok: false,
          error: new ConnectorError('invalid_response', `The $batch answer lacks request ${m.id}.`),
        };
      }
      const headers = new Map(
        Object.entries(isObject(r.headers) ? r.headers : {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
      );
      const header = (name: string) => headers.get(name.toLowerCase());
      const json = isObject(r.body) ? r.body : {};
      if (r.status >= 400)
        return {
          ok: false,
          error: parseGraphError({ status: r.status, header, body: json }, `${m.method} ${m.url}`),
        };
      return { ok: true, answer: { status: r.status, json, header } };
    });
  }
}

/** An answer the HTTP client refused unread for its size (over 5 MB, `src/connectors/net/http.ts`). */
export const tooLarge = (error: unknown): error is ConnectorError =>
  isConnectorError(error, 'invalid_response') && error.network === 'too_large';

/**
 * One page of a listing (a delta or a view), with at most `size` entries (`Prefer:
 * odata.maxpagesize`); an answer too large to read is asked again with half as many, down to
 * one entry. Returns the answer and the size that worked, for the caller to keep for the rest of
 * the read. `what` names one entry and the whole for the error when even one is too large.
 */
export async function pageOfAtMost(
  client: GraphClient,
  url: string,
  size: number,
  what: { one: string; whole: string },
): Promise<{ answer: GraphAnswer; size: number }> {
  for (;;) {
    try {
      const answer = await client.request({
        method: 'GET',
        path: url,
        prefer: [`odata.maxpagesize=${size}`],
      });
      return { answer, size };
    } catch (error) {
      if (!tooLarge(error)) throw error;
      if (size <= 1)
        throw new ConnectorError(
          'invalid_response',
          `${what.one} is larger than the most Exsync reads in one answer, even alone: ${what.whole} cannot be read until it is made smaller (an attachment or picture pasted into its text). ${error.message}`,
          { network: 'too_large', cause: error },
        );
      size = Math.max(1, Math.floor(size / 2));
    }
  }
}
