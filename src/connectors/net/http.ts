// The one HTTP client both protocols use: TLS verification always on (with extra trusted CAs
// when configured), timeouts, a cap on response size, and the internal-address guard.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { ConnectorError, type NetworkFailure } from '../errors.ts';
import { guardedLookup, isPrivateAddress, PrivateAddressError } from './address-guard.ts';

export interface HttpClientOptions {
  /** PEM certificates trusted in addition to the system's roots (e.g. the sandbox's CA). */
  ca?: string | string[];
  /** Allow loopback, link-local and private addresses (off by default; the sandbox needs it). */
  allowPrivateAddresses?: boolean;
  /** Per request, without a response or data (default 30 s). */
  timeoutMs?: number;
  /**
   * Per request, in all: connecting, headers and the whole body (default 120 s). A server that
   * trickles its answer a byte at a time never trips the idle timeout, but trips this.
   */
  deadlineMs?: number;
  /** Aborts every request of this client (a sync run that stopped). */
  signal?: AbortSignal;
  /**
   * Default 5 MB: far above any answer Exsync asks for (pages of 256 items, GetItem batches of
   * 50), and little enough to read without holding up the server.
   */
  maxResponseBytes?: number;
  /** Observes each request (tests record traces with it). */
  onRequest?: (event: HttpTraceEvent) => void;
}

export interface HttpTraceEvent {
  phase: 'start' | 'end';
  method: string;
  url: string;
  status?: number;
  at: number;
  requestBody?: string;
  responseBody?: string;
}

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** A dedicated agent (NTLM needs one keep-alive connection for its handshake). */
  agent?: http.Agent;
  timeoutMs?: number;
  /** Overrides the client's total deadline for `send` (`open` has none: streams stay open). */
  deadlineMs?: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text(): string;
  header(name: string): string | undefined;
}

export interface HttpStream {
  status: number;
  headers: http.IncomingHttpHeaders;
  chunks: AsyncIterable<Buffer>;
  close(): void;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_DEADLINE_MS = 120_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 5 * 1024 * 1024;

export class HttpClient {
  readonly options: Readonly<HttpClientOptions>;
  private readonly ca?: string[];
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(options: HttpClientOptions = {}) {
    this.options = options;
    const extra = options.ca === undefined ? [] : Array.isArray(options.ca) ? options.ca : [options.ca];
    // Node's `ca` replaces the default roots; keep them so public servers still verify.
    this.ca = extra.length > 0 ? [...tls.rootCertificates, ...extra] : undefined;
    this.httpAgent = new http.Agent({ keepAlive: true });
    this.httpsAgent = new https.Agent({ keepAlive: true, ca: this.ca });
  }

  /** A keep-alive agent with one socket, for handshakes bound to a connection (NTLM). */
  dedicatedAgent(protocol: 'http:' | 'https:'): http.Agent {
    return protocol === 'https:'
      ? new https.Agent({ keepAlive: true, maxSockets: 1, ca: this.ca })
      : new http.Agent({ keepAlive: true, maxSockets: 1 });
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    const started = Date.now();
    this.options.onRequest?.({
      phase: 'start',
      method: request.method,
      url: request.url,
      at: started,
      requestBody: typeof request.body === 'string' ? request.body : undefined,
    });
    const deadlineMs = request.deadlineMs ?? this.options.deadlineMs ?? DEFAULT_DEADLINE_MS;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), deadlineMs);
    timer.unref();
    const signals = [deadline.signal, request.signal].filter((s): s is AbortSignal => s !== undefined);
    const late = () =>
      new ConnectorError(
        'transient',
        `Could not reach ${hostOf(request.url)}: it did not send its whole answer within ${Math.round(deadlineMs / 1000)} s; try again later.`,
        { network: 'timeout' },
      );
    let stream: HttpStream;
    try {
      stream = await this.open({ ...request, signal: AbortSignal.any(signals) });
    } catch (error) {
      clearTimeout(timer);
      throw deadline.signal.aborted ? late() : error;
    }
    // The request's signal no longer reaches the response once it has begun: end it ourselves.
    const onDeadline = () => stream.close();
    deadline.signal.addEventListener('abort', onDeadline, { once: true });
    const limit = this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    const parts: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of stream.chunks) {
        size += chunk.length;
        if (size > limit) {
          stream.close();
          throw new ConnectorError(
            'invalid_response',
            `The server's answer to ${request.method} ${hostOf(request.url)} is larger than ${Math.round((limit / 1024 / 1024) * 10) / 10} MB, the most Exsync reads; it was not read. A server that answers this much is misbehaving or not Exchange.`,
            {
              network: 'too_large',
            },
          );
        }
        parts.push(chunk);
      }
      if (deadline.signal.aborted) throw late();
    } catch (error) {
      throw deadline.signal.aborted ? late() : toConnectorError(error, request.url);
    } finally {
      clearTimeout(timer);
      deadline.signal.removeEventListener('abort', onDeadline);
    }
    const body = Buffer.concat(parts);
    this.options.onRequest?.({
      phase: 'end',
      method: request.method,
      url: request.url,
      status: stream.status,
      at: Date.now(),
      responseBody: body.length < 1_000_000 ? body.toString('utf8') : undefined,
    });
    return {
      status: stream.status,
      headers: stream.headers,
      body,
      text: () => body.toString('utf8'),
      header: (name) => {
        const value = stream.headers[name.toLowerCase()];
        return Array.isArray(value) ? value.join(', ') : value;
      },
    };
  }

  /** Opens a request and hands back the response as it arrives (EWS streaming notifications). */
  open(request: HttpRequest): Promise<HttpStream> {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return Promise.reject(new ConnectorError('permanent', `"${request.url}" is not a valid URL.`));
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      return Promise.reject(new ConnectorError('permanent', `"${request.url}" is not an http(s) URL.`));
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const allowPrivate = this.options.allowPrivateAddresses === true;
    if (!allowPrivate && net.isIP(host) && isPrivateAddress(host)) {
      return Promise.reject(toConnectorError(new PrivateAddressError(host, host), request.url));
    }
    const timeoutMs = request.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const isHttps = url.protocol === 'https:';
    const body =
      request.body === undefined
        ? undefined
        : Buffer.isBuffer(request.body)
          ? request.body
          : Buffer.from(request.body);
    const headers: Record<string, string> = { ...(request.headers ?? {}) };
    if (body) headers['content-length'] = String(body.length);

    return new Promise<HttpStream>((resolve, reject) => {
      const options: https.RequestOptions = {
        method: request.method,
        headers,
        agent: request.agent ?? (isHttps ? this.httpsAgent : this.httpAgent),
        lookup: allowPrivate ? undefined : (guardedLookup as unknown as net.LookupFunction),
        signal: this.signalFor(request),
      };
      if (isHttps) options.ca = this.ca;
      dropExpiredSockets(options.agent as http.Agent);
      const req = (isHttps ? https : http).request(url, options, (res) => {
        req.setTimeout(0);
        noteKeepAlive(res);
        // Idle timeout while the body streams in; streaming callers pass their own long timeout.
        const socket = res.socket;
        const onIdle = () =>
          res.destroy(Object.assign(new Error('response timed out'), { code: 'ETIMEDOUT' }));
        socket?.setTimeout(timeoutMs);
        socket?.on('timeout', onIdle);
        res.on('close', () => {
          socket?.setTimeout(0);
          socket?.off('timeout', onIdle);
        });
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          chunks: res as AsyncIterable<Buffer>,
          close: () => res.destroy(),
        });
      });
      req.setTimeout(timeoutMs, () =>
        req.destroy(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })),
      );
      req.on('error', (error) => reject(toConnectorError(error, request.url)));
      req.end(body);
    });
  }

  private signalFor(request: HttpRequest): AbortSignal | undefined {
    const signals = [request.signal, this.options.signal].filter((s): s is AbortSignal => s !== undefined);
    return signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals);
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

/**
 * When each idle keep-alive socket stops being used: the server's `Keep-Alive: timeout=N` hint
 * less a second (what Node's agent itself allows, but only when the agent has a timeout of its
 * own, which ours do not). A server closes a socket idle that long; a request sent on it fails as
 * a dropped connection and is sent again (or, for a create, fails the run). Node's agent drops
 * a socket the server closed once it sees the close, but not while the event loop is busy: a
 * long synchronous stretch (the SQLite store applying a large page) that spans the server's
 * close is followed by a request on the closed socket. So the deadline is kept by the clock and
 * checked before each request, not by a timer.
 */
const idleDeadline = new WeakMap<object, number>();

function noteKeepAlive(res: http.IncomingMessage): void {
  const socket = res.socket;
  const seconds = /(?:^|,)\s*timeout=(\d+)/i.exec(String(res.headers['keep-alive'] ?? ''))?.[1];
  if (!socket) return;
  if (seconds === undefined) {
    idleDeadline.delete(socket);
    return;
  }
  const limitMs = Number(seconds) * 1000 - 1000;
  // The socket goes idle when its response has been read.
  res.once('end', () => idleDeadline.set(socket, performance.now() + limitMs));
}

/** Closes the agent's idle sockets past their deadline, so that the next request opens a new one. */
function dropExpiredSockets(agent: http.Agent): void {
  const now = performance.now();
  for (const sockets of Object.values(agent.freeSockets))
    for (const socket of sockets ?? []) {
      const deadline = idleDeadline.get(socket);
      if (deadline !== undefined && now >= deadline) socket.destroy();
    }
}

const TLS_CODES =
  /^(CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_TLS|ERR_SSL|EPROTO|HOSTNAME_MISMATCH|ERR_CERT)/;

/** Classifies a socket-level failure. */
export function networkFailureOf(error: unknown): NetworkFailure | undefined {
  if (error instanceof PrivateAddressError) return 'private_address';
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') return undefined;
  if (code === 'EXSYNC_PRIVATE_ADDRESS') return 'private_address';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_FAIL')
    return 'dns';
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'refused';
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return 'timeout';
  if (TLS_CODES.test(code)) return 'tls';
  if (
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    code === 'ECONNABORTED' ||
    code === 'ERR_STREAM_PREMATURE_CLOSE'
  ) {
    return 'dropped';
  }
  return undefined;
}

const NETWORK_MESSAGES: Record<NetworkFailure, string> = {
  dns: 'its host name does not resolve; check the service address',
  refused: 'nothing answers at that address and port; check the service address',
  tls: "its TLS certificate is not trusted; install the server's CA certificate in the mail service settings",
  timeout: 'it did not answer in time; try again later',
  dropped: 'the connection was dropped; try again later',
  private_address:
    'it is an internal (loopback, link-local or private) address, which Exsync refuses unless an administrator allows private addresses',
  too_large: 'its answer was too large',
};

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export function toConnectorError(error: unknown, url: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const network = networkFailureOf(error);
  const host = hostOf(url);
  if (network) {
    const code =
      network === 'dns' || network === 'private_address' || network === 'tls' ? 'permanent' : 'transient';
    return new ConnectorError(code, `Could not reach ${host}: ${NETWORK_MESSAGES[network]}.`, {
      network,
      cause: error,
    });
  }
  if ((error as { name?: string } | undefined)?.name === 'AbortError') {
    return new ConnectorError('transient', `The request to ${host} was cancelled.`, { cause: error });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new ConnectorError('transient', `The request to ${host} failed: ${reason}.`, { cause: error });
}
