// Structured JSON logs (pino). Secrets never reach the log: every field whose name says it holds
// one is replaced wherever it appears in the first levels of a logged object, and the request
// and response headers that carry credentials are masked too, and so is the query of OAuth
// callback addresses in request logs.
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** Field names whose values are credentials or could be. */
export const SECRET_FIELDS = [
  'password',
  'newPassword',
  'secret',
  'secretKey',
  'token',
  'csrfToken',
  'authorization',
  'cookie',
  'clientSecret',
  'refreshToken',
  'accessToken',
  'idToken',
] as const;

const HEADER_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
];

/** pino's redaction has no "any depth" wildcard, so the paths are spelled out to a fixed depth. */
export function redactPaths(depth = 4): string[] {
  const paths: string[] = [...HEADER_PATHS];
  for (const field of SECRET_FIELDS) {
    for (let level = 0; level <= depth; level++) {
      paths.push([...Array.from({ length: level }, () => '*'), field].join('.'));
    }
  }
  return paths;
}

/**
 * The query of an /oauth/… address carries an authorization code and state (or an error
 * description naming the account); request logs keep only the path.
 */
export function urlForLog(url: string): string {
  return /^\/oauth[/?]/i.test(url) && url.includes('?')
    ? `${url.slice(0, url.indexOf('?'))}?[redacted]`
    : url;
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** Fastify's request fields, with the URL passed through urlForLog. */
function requestSerializer(request: LoggedRequest) {
  return {
    method: request.method,
    url: request.url === undefined ? undefined : urlForLog(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

export interface LogOptions {
  level?: LoggerOptions['level'];
  /** Where lines go; stdout by default. Tests pass a stream to inspect the output. */
  destination?: DestinationStream;
}

export function createLogger(options: LogOptions = {}): Logger {
  const loggerOptions: LoggerOptions = {
    level: options.level ?? 'info',
    base: { service: 'exsync' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: redactPaths(), censor: '[redacted]' },
    serializers: { req: requestSerializer },
  };
  return options.destination ? pino(loggerOptions, options.destination) : pino(loggerOptions);
}
