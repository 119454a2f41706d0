// What every sandbox front end (EWS, Graph, identity, admin) receives from the server that
// mounts it. The implementations live in state/, faults/ and
// identity/; front ends depend only on these shapes.

import type { FastifyInstance } from 'fastify';
import type { SandboxStore } from './store-api.ts';

export type Protocol = 'ews' | 'graph' | 'identity' | 'autodiscover';

/** A request as fault rules see it. `operation` is the EWS operation name (`SyncFolderItems`)
 * or a Graph route name (`contacts.delta`, `events.create`, `$batch`, …). */
export interface FaultProbe {
  protocol: Protocol;
  operation: string;
  tenantId?: string;
  mailboxId?: string;
}

export type Fault =
  /** EWS ErrorServerBusy with BackOffMilliseconds; Graph 429 with Retry-After. */
  | { kind: 'throttle'; retryAfterMs: number }
  /** Graph 429 MailboxConcurrency; EWS ErrorExceededConnectionCount. */
  | { kind: 'concurrency' }
  | { kind: 'serverError'; status: 500 | 503; retryAfterMs?: number }
  /** Answer normally, after this delay. */
  | { kind: 'latency'; ms: number }
  /** Close the socket after sending part of the response. */
  | { kind: 'drop' }
  /** Treat the request's sync state / delta token as expired. */
  | { kind: 'expireSyncState' };

export interface FaultInjector {
  /** Faults that apply to this request, in order (latency first, then at most one failure). */
  pick(probe: FaultProbe): Fault[];
}

/** The verified content of a bearer token issued by the sandbox's identity platform. */
export interface TokenClaims {
  tenantId: string;
  appId: string;
  /** Present for delegated tokens: the signed-in mailbox. */
  mailboxId?: string;
  /** Delegated permissions (`scp`), e.g. `Contacts.ReadWrite`. */
  scopes: string[];
  /** Application permissions (`roles`), e.g. `Contacts.ReadWrite`. */
  roles: string[];
  /** Audience: `https://graph.microsoft.com` or `https://outlook.office365.com`. */
  audience: string;
}

export interface TokenVerifier {
  /** Returns undefined for a token that is malformed, badly signed, expired or revoked. */
  verify(accessToken: string): TokenClaims | undefined;
}

export interface SandboxContext {
  store: SandboxStore;
  faults: FaultInjector;
  tokens: TokenVerifier;
  /** Public origin of the sandbox, e.g. `http://127.0.0.1:7400`, for links it hands out. */
  baseUrl(): string;
  /** Milliseconds since the epoch; tests may replace it. */
  now(): number;
}

/** Each front end exports one of these; the sandbox server registers them on one Fastify app. */
export type FrontEnd = (app: FastifyInstance, ctx: SandboxContext) => Promise<void> | void;
