import type { SandboxContext, TokenClaims } from '../context.ts';
import type { Mailbox } from '../model.ts';
import type { Preferences } from './prefer.ts';

/** One Graph request, from HTTP or from inside a JSON batch. */
export interface GraphRequest {
  method: string;
  /** Path below `/v1.0`, starting with `/`, still percent-encoded. */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** Parsed JSON body, if any. */
  body: unknown;
  requestId: string;
  clientRequestId: string;
  /** True for a member of a JSON batch. */
  inBatch: boolean;
  /** Scheme, host and port the client called, so links lead back the same way. */
  origin?: string;
}

export interface GraphResponse {
  status: number;
  headers: Record<string, string>;
  /** Objects are sent as JSON, strings as text, Buffers as bytes. */
  body?: unknown;
  /** Close the connection after part of the response (a `drop` fault). */
  drop?: boolean;
}

export type RouteScope = 'mailbox' | 'tenant' | 'anonymous';

export interface RouteCall {
  ctx: SandboxContext;
  req: GraphRequest;
  claims: TokenClaims;
  /** The mailbox addressed by `/me` or `/users/{id}`; set on mailbox routes. */
  mailbox: Mailbox;
  params: Record<string, string>;
  prefs: Preferences;
  /** `/me` or `/users/{id}` as the client wrote it, for links. */
  principalPath: string;
  /** A fault asked to treat the request's delta token as expired. */
  expireSyncState: boolean;
  /** Preferences the handler honoured, echoed in `Preference-Applied`. */
  applied: Set<string>;
  services: GraphServices;
}

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Segments below the principal (mailbox routes) or below `/v1.0`; `{name}` captures one. */
  pattern: string;
  scope: RouteScope;
  /** The operation name fault rules match on, e.g. `contacts.delta`. */
  name: string;
  /** Any one of these delegated scopes / application roles grants access. */
  permissions: readonly string[];
  handle(call: RouteCall): GraphResponse | Promise<GraphResponse>;
}

/** What handlers reach beyond the store: the batch runner and the subscription manager. */
export interface GraphServices {
  dispatch(req: GraphRequest): Promise<GraphResponse>;
  subscriptions: import('./subscriptions/manager.ts').SubscriptionManager;
}
