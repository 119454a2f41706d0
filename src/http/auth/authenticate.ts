// Who is calling. A bearer token (scripts) wins over the session cookie (browser); only cookie
// requests need the CSRF token, because a browser attaches cookies to cross-site requests on
// its own but never an Authorization header.
import type {} from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../crm/principal.ts';
import { ApiError } from '../errors.ts';
import type { ApiTokenStore } from './api-tokens.ts';
import { sameSecret } from './secrets.ts';
import { SESSION_COOKIE, type Session, type SessionStore } from './sessions.ts';

export type Credential =
  | { kind: 'session'; session: Session }
  | { kind: 'token'; tokenId: string; userId: string };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_HEADER = 'x-csrf-token';

const credentials = new WeakMap<FastifyRequest, Credential>();

/** How the request was authenticated; set once `authenticate` has accepted it. */
export function credentialOf(request: FastifyRequest): Credential | undefined {
  return credentials.get(request);
}

export interface AuthenticatorDeps {
  sessions: SessionStore;
  tokens: ApiTokenStore;
  /** The principal of an active user, or null when the user is gone or deactivated. */
  principalFor(userId: string): Promise<Principal | null>;
}

function unauthenticated(message: string): ApiError {
  return new ApiError(401, 'unauthenticated', message);
}

export function createAuthenticator(
  deps: AuthenticatorDeps,
): (request: FastifyRequest) => Promise<Principal> {
  return async (request) => {
    let credential: Credential;
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (!match) {
        throw unauthenticated('The Authorization header must be "Bearer <token>" with a personal API token.');
      }
      const token = await deps.tokens.verify(match[1]);
      if (!token) {
        throw unauthenticated(
          'This API token is unknown, expired or revoked. Create a new one under /api/v1/tokens.',
        );
      }
      credential = { kind: 'token', tokenId: token.id, userId: token.userId };
    } else {
      const cookie = request.cookies[SESSION_COOKIE];
      if (!cookie) {
        throw unauthenticated(
          'Sign in first: POST /api/v1/auth/login for a session, or send "Authorization: Bearer <token>".',
        );
      }
      const session = await deps.sessions.find(cookie);
      if (!session) throw unauthenticated('Your session has expired or was signed out. Sign in again.');
      if (!SAFE_METHODS.has(request.method)) {
        const sent = request.headers[CSRF_HEADER];
        if (typeof sent !== 'string' || !sameSecret(sent, session.csrfToken)) {
          throw new ApiError(
            403,
            'csrf_failed',
            'This change needs the X-CSRF-Token header with the token returned at sign-in (also in GET /api/v1/me). Reload the page and try again.',
          );
        }
      }
      credential = { kind: 'session', session };
    }
    const userId = credential.kind === 'session' ? credential.session.userId : credential.userId;
    const principal = await deps.principalFor(userId);
    if (!principal)
      throw unauthenticated('This user account is deactivated. Ask an administrator to re-activate it.');
    credentials.set(request, credential);
    return principal;
  };
}
