// Server settings from the environment, overridden by command-line flags. Everything is
// validated up front so that a typo stops the start with a message naming the variable,
// instead of surfacing later as a confusing runtime error.
import { z } from 'zod';
import { decodeSecretKey, SECRET_KEY_HINT } from './secrets/key.ts';

export interface Config {
  /** `sqlite:<path>` or `postgres://…`. */
  databaseUrl: string;
  port: number;
  /**
   * Interface to listen on. Defaults to localhost: every address the name resolves to (127.0.0.1
   * and ::1 on most machines), so that a client reaches it whichever one it picks, and so that a fresh install is not reachable from the
   * network until the operator opts in (EXSYNC_HOST=0.0.0.0 or ::, usually behind a proxy).
   */
  host: string;
  /** The address users and Microsoft reach the server at (OAuth redirect, links, Secure cookies). */
  publicUrl: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** The key that encrypts mailbox secrets at rest (32 bytes, base64 or hex); see secretKeyFile. */
  secretKey: string | undefined;
  /** Where the key lives when EXSYNC_SECRET_KEY is not set; created on first use. */
  secretKeyFile: string;
  /**
   * Lets every mail service reach loopback, link-local and private addresses (the sandbox on
   * 127.0.0.1 needs it); otherwise only services an administrator marked may.
   */
  allowPrivateAddresses: boolean;
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
  /** First administrator created on a start with an empty database. */
  adminEmail: string;
  adminPassword: string | undefined;
}

export interface ConfigOverrides {
  port?: number | string;
  databaseUrl?: string;
  host?: string;
}

export class ConfigError extends Error {
  readonly code = 'invalid_config';
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Exsync cannot start with this configuration:\n  - ${problems.join('\n  - ')}`);
    this.problems = problems;
  }
}

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, k: 1024, mb: 1024 ** 2, m: 1024 ** 2 };

/** Accepts `1048576`, `512kb`, `1mb` (binary units). */
export function parseByteSize(text: string): number | undefined {
  const match = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(text);
  if (!match) return undefined;
  const unit = SIZE_UNITS[(match[2] || 'b').toLowerCase()];
  return unit === undefined ? undefined : Number(match[1]) * unit;
}

const port = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

const source = z.object({
  EXSYNC_DATABASE_URL: z
    .string()
    .refine(
      (v) => /^(sqlite:.+|postgres(ql)?:\/\/.+)$/.test(v),
      'must look like sqlite:./data/exsync.db or postgres://user@host/db',
    )
    .default('sqlite:./data/exsync.db'),
  PORT: port.default(8080),
  EXSYNC_HOST: z.string().min(1, 'must not be empty').default('localhost'),
  EXSYNC_PUBLIC_URL: z
    .url({
      protocol: /^https?$/,
      error: 'must be an http:// or https:// URL, e.g. https://exsync.example.com',
    })
    .optional(),
  EXSYNC_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  EXSYNC_SECRET_KEY: z
    .string()
    .refine(
      (v) => decodeSecretKey(v) !== undefined,
      `must be 32 bytes as base64 or 64 hex digits; ${SECRET_KEY_HINT}`,
    )
    .optional(),
  EXSYNC_SECRET_KEY_FILE: z.string().min(1, 'must not be empty').default('./data/secret.key'),
  EXSYNC_ALLOW_PRIVATE_ADDRESSES: z
    .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
    .default('false'),
  EXSYNC_BODY_LIMIT: z
    .string()
    .transform((v, ctx) => {
      const bytes = parseByteSize(v);
      if (bytes === undefined || bytes < 1024) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be a size of at least 1kb, e.g. 1048576, 512kb or 2mb',
        });
        return z.NEVER;
      }
      return bytes;
    })
    .default(1024 * 1024),
  EXSYNC_ADMIN_EMAIL: z.email('must be an email address').default('admin@exsync.local'),
  EXSYNC_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
});

/** Builds the configuration; throws ConfigError listing every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): Config {
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(source.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  if (overrides.port !== undefined) input.PORT = overrides.port;
  if (overrides.databaseUrl !== undefined) input.EXSYNC_DATABASE_URL = overrides.databaseUrl;
  if (overrides.host !== undefined) input.EXSYNC_HOST = overrides.host;

  const parsed = source.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? 'configuration');
        const label = name === 'PORT' && overrides.port !== undefined ? '--port' : name;
        return `${label} ${issue.message}`;
      }),
    );
  }
  const v = parsed.data;
  return {
    databaseUrl: v.EXSYNC_DATABASE_URL,
    port: v.PORT,
    host: v.EXSYNC_HOST,
    publicUrl: (v.EXSYNC_PUBLIC_URL ?? `http://localhost:${v.PORT}`).replace(/\/+$/, ''),
    logLevel: v.EXSYNC_LOG_LEVEL,
    secretKey: v.EXSYNC_SECRET_KEY,
    secretKeyFile: v.EXSYNC_SECRET_KEY_FILE,
    allowPrivateAddresses:
      v.EXSYNC_ALLOW_PRIVATE_ADDRESSES === 'true' || v.EXSYNC_ALLOW_PRIVATE_ADDRESSES === '1',
    bodyLimit: v.EXSYNC_BODY_LIMIT,
    adminEmail: v.EXSYNC_ADMIN_EMAIL,
    adminPassword: v.EXSYNC_ADMIN_PASSWORD,
  };
}
