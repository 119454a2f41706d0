// One EWS call: the envelope, authentication (Basic, NTLM, OAuth bearer), the concurrency caps
// (per mailbox and per service account), retries after ErrorServerBusy's back-off, and the
// answer read into the error model.
import type http from 'node:http';
import { authenticateMessage, negotiateMessage, readChallenge } from '@exsync/common/ntlm/client';
import { NtlmError } from '@exsync/common/ntlm/messages';
import { ConnectorError } from '../errors.ts';
import type { HttpClient, HttpResponse } from '../net/http.ts';
import { KeyedLimiter } from '../net/limiter.ts';
import { type RetryPolicy, withRetries } from '../net/retry.ts';
import { parseEwsError, responseMessageFailure } from './errors.ts';
import { type ExchangeVersion, envelope, readSoapOffThread } from './soap.ts';
import { children, isNode, type XNode } from './xml.ts';

/** Operations that make something each time they are carried out: never sent twice blindly. */
const MAKES_SOMETHING = new Set([
  'CreateItem',
  'CreateFolder',
  'CopyItem',
  'CreateAttachment',
  'SendItem',
  'Subscribe',
]);

export type EwsAuth =
  | { kind: 'basic'; login: string; password: string }
  | { kind: 'ntlm'; login: string; password: string }
  | { kind: 'bearer'; accessToken: () => Promise<string> };

/** Exchange's EWSMaxConcurrency is 27 per account; Exsync stays well below. */
export const EWS_MAILBOX_CONCURRENCY = 4;
export const EWS_ACCOUNT_CONCURRENCY = 10;
export const ewsMailboxLimiter = new KeyedLimiter(EWS_MAILBOX_CONCURRENCY);
export const ewsAccountLimiter = new KeyedLimiter(EWS_ACCOUNT_CONCURRENCY);

export interface EwsTransportOptions {
  http: HttpClient;
  /** https://mail.example.com/EWS/Exchange.asmx */
  url: string;
  auth: EwsAuth;
  version?: ExchangeVersion;
  /** Organisation mode: the mailbox to act as (ExchangeImpersonation + X-AnchorMailbox). */
  impersonate?: string;
  /** Limiter keys. */
  mailboxKey: string;
  accountKey: string;
  mailboxLimiter?: KeyedLimiter;
  accountLimiter?: KeyedLimiter;
  retry?: RetryPolicy;
  /** Sees each request and raw answer (tests validate them against Microsoft's schema). */
  onExchange?: (requestXml: string, responseText: string, operation: string) => void;
}

const THROTTLING = new Set(['ErrorServerBusy', 'ErrorExceededConnectionCount']);

export class EwsTransport {
  readonly options: EwsTransportOptions;
  private ntlmAgent?: http.Agent;

  constructor(options: EwsTransportOptions) {
    this.options = options;
  }

  get version(): ExchangeVersion {
    return this.options.version ?? 'Exchange2013';
  }

  /**
   * Sends an operation element; returns its response element. Throttled and failed answers are
   * retried, but an operation that makes something is sent again only when the failure shows it
   * did nothing (see RetryPolicy.repeatable).
   */
  async call(operation: string, body: string): Promise<XNode> {
    const { mailboxKey, accountKey } = this.options;
    const mailboxes = this.options.mailboxLimiter ?? ewsMailboxLimiter;
    const accounts = this.options.accountLimiter ?? ewsAccountLimiter;
    // The sync run's signal, carried by the HTTP client: a stopped run's requests leave the queue.
    const signal = this.options.http.options.signal;
    return withRetries(
      () =>
        mailboxes.run(
          mailboxKey,
          1,
          () => accounts.run(accountKey, 1, () => this.once(operation, body), signal),
          signal,
        ),
      {
        ...this.options.retry,
        onThrottled: (ms) => mailboxes.pause(mailboxKey, Date.now() + ms),
        repeatable: !MAKES_SOMETHING.has(operation),
      },
    );
  }

  private async once(operation: string, body: string): Promise<XNode> {
    const xml = envelope(body, { version: this.version, impersonate: this.options.impersonate });
    const headers: Record<string, string> = { 'content-type': 'text/xml; charset=utf-8', accept: 'text/xml' };
    if (this.options.impersonate) headers['x-anchormailbox'] = this.options.impersonate;
    const response = await this.send(xml, headers);
    const text = response.text();
    this.options.onExchange?.(xml, text, operation);
    return await this.read(response, text, operation);
  }

  /**
   * Opens a streaming operation (GetStreamingEvents) and yields each SOAP envelope as it arrives.
   * Not retried: the caller reconnects.
   */
  async *stream(
    operation: string,
    body: string,
    minutes: number,
    signal?: AbortSignal,
  ): AsyncGenerator<string> {
    const xml = envelope(body, { version: this.version, impersonate: this.options.impersonate });
    const headers: Record<string, string> = { 'content-type': 'text/xml; charset=utf-8', accept: 'text/xml' };
    if (this.options.impersonate) headers['x-anchormailbox'] = this.options.impersonate;
    const timeoutMs = (minutes * 60 + 60) * 1000;
    // A held-open stream does not count against the request caps: it would starve the mailbox.
    const authorization = await this.authorization(headers);
    const stream = await this.options.http.open({
      method: 'POST',
      url: this.options.url,
      headers: { ...headers, ...authorization.headers },
      body: xml,
      agent: authorization.agent,
      timeoutMs,
      signal,
    });
    if (stream.status !== 200) {
      let text = '';
      for await (const chunk of stream.chunks) text += chunk.toString('utf8');
      this.options.onExchange?.(xml, text, operation);
      await this.read(
        {
          status: stream.status,
          headers: stream.headers,
          body: Buffer.from(text),
          text: () => text,
          header: (n) => {
            const v = stream.headers[n.toLowerCase()];
            return Array.isArray(v) ? v.join(', ') : v;
          },
        },
        text,
        operation,
      );
      return;
    }
    let buffer = '';
    let all = '';
    const limit = 5 * 1024 * 1024;
    try {
      for await (const chunk of stream.chunks) {
        buffer += chunk.toString('utf8');
        if (buffer.length > limit)
          throw new ConnectorError(
            'invalid_response',
            'A streaming notification is larger than 5 MB; the stream was closed.',
          );
        for (;;) {
          const end = /<\/[\w.-]*:?Envelope\s*>/.exec(buffer);
          if (!end) break;
          const envelopeText = buffer.slice(0, end.index + end[0].length);
          buffer = buffer.slice(end.index + end[0].length);
          all += envelopeText;
          yield envelopeText;
        }
      }
    } finally {
      stream.close();
      if (all) this.options.onExchange?.(xml, all, operation);
    }
  }

  /** Headers (and agent) that authenticate one request; NTLM runs its handshake first. */
  private async authorization(
    headers: Record<string, string>,
  ): Promise<{ headers: Record<string, string>; agent?: http.Agent; early?: HttpResponse }> {
    const { auth, http, url } = this.options;
    if (auth.kind === 'basic') {
      return {
        headers: {
          authorization: `Basic ${Buffer.from(`${auth.login}:${auth.password}`, 'utf8').toString('base64')}`,
        },
      };
    }
    if (auth.kind === 'bearer') return { headers: { authorization: `Bearer ${await auth.accessToken()}` } };
    // NTLM authenticates the connection: NEGOTIATE and AUTHENTICATE go over one kept-alive socket.
    this.ntlmAgent ??= http.dedicatedAgent(new URL(url).protocol === 'https:' ? 'https:' : 'http:');
    const agent = this.ntlmAgent;
    const first = await http.send({
      method: 'POST',
      url,
      agent,
      headers: { ...headers, authorization: `NTLM ${negotiateMessage().toString('base64')}` },
      body: '',
    });
    if (first.status !== 401) return { headers: {}, agent, early: first };
    const offered = (first.headers['www-authenticate'] ?? []) as string | string[];
    const list = Array.isArray(offered)
      ? offered
      : offered.split(/,(?=\s*(?:NTLM|Negotiate|Basic|Bearer)\b)/i);
    const challengeHeader = list.map((v) => v.trim()).find((v) => /^NTLM \S+/i.test(v));
    if (!challengeHeader) return { headers: {}, agent, early: first };
    let challenge: ReturnType<typeof readChallenge>;
    try {
      challenge = readChallenge(Buffer.from(challengeHeader.slice(5).trim(), 'base64'));
    } catch (error) {
      if (error instanceof NtlmError) throw new ConnectorError('invalid_response', error.message);
      throw error;
    }
    return {
      headers: {
        authorization: `NTLM ${authenticateMessage(challenge, auth.login, auth.password).toString('base64')}`,
      },
      agent,
    };
  }

  private async send(xml: string, headers: Record<string, string>): Promise<HttpResponse> {
    const authorization = await this.authorization(headers);
    if (authorization.early) return authorization.early;
    return this.options.http.send({
      method: 'POST',
      url: this.options.url,
      agent: authorization.agent,
      headers: { ...headers, ...authorization.headers },
      body: xml,
    });
  }

  private async read(response: HttpResponse, text: string, operation: string): Promise<XNode> {
    const what = operation;
    if (response.status === 401) throw parseEwsError({ httpStatus: 401 }, what);
    const type = response.header('content-type') ?? '';
    const looksXml = /xml/i.test(type) || text.trimStart().startsWith('<');
    if (!looksXml) {
      if (response.status >= 500) throw parseEwsError({ httpStatus: response.status }, what);
      throw new ConnectorError(
        'invalid_response',
        `The server answered ${operation} with ${type || 'no content type'} (${response.status}), not SOAP; is this an Exchange EWS URL?`,
        {
          status: response.status,
        },
      );
    }
    let answer: Awaited<ReturnType<typeof readSoapOffThread>>;
    try {
      answer = await readSoapOffThread(text);
    } catch (error) {
      if (response.status >= 500) throw parseEwsError({ httpStatus: response.status }, what);
      throw error;
    }
    if (answer.fault) {
      throw parseEwsError(
        {
          responseCode: answer.fault.responseCode,
          message: answer.fault.message,
          messageXml:
            answer.fault.detail && isNode(answer.fault.detail.MessageXml)
              ? answer.fault.detail.MessageXml
              : undefined,
          httpStatus: response.status,
        },
        what,
      );
    }
    if (response.status >= 400) throw parseEwsError({ httpStatus: response.status }, what);
    for (const message of responseMessages(answer.body)) {
      const failure = responseMessageFailure(message);
      if (failure?.responseCode && THROTTLING.has(failure.responseCode)) throw parseEwsError(failure, what);
    }
    return answer.body;
  }

  close(): void {
    this.ntlmAgent?.destroy();
  }
}

/** The `*ResponseMessage` elements of a response, in order. */
export function responseMessages(response: XNode): XNode[] {
  const container = response.ResponseMessages;
  if (!isNode(container)) return [];
  return Object.keys(container)
    .filter((k) => k.endsWith('ResponseMessage'))
    .flatMap((k) => children(container, k));
}

/** The one response message of a single-target operation, or its error. */
export function singleMessage(response: XNode, what: string): XNode {
  const [message] = responseMessages(response);
  if (!message)
    throw new ConnectorError('invalid_response', `Exchange's answer to ${what} has no response message.`);
  const failure = responseMessageFailure(message);
  if (failure) throw parseEwsError(failure, what);
  return message;
}
