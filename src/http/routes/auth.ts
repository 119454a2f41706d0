// Signing in and out with a session cookie, and "who am I".
//
// Login CSRF: the login request itself needs no CSRF token. A cross-site form cannot send an
// application/json body (that would need a CORS preflight, which this server never grants),
// and the session cookie is SameSite=Lax, so another site can neither post a login nor ride on
// an existing session.
import { z } from 'zod';
import { instant, SYSTEM_OPERATIONS, userSchema } from '../../crm/index.ts';
import { credentialOf } from '../auth/authenticate.ts';
import { accountKey, type LoginLimiter, type Throttle } from '../auth/login-limiter.ts';
import { SESSION_COOKIE, SESSION_TTL_MS, type SessionStore } from '../auth/sessions.ts';
import type { CrmBackend } from '../crm-backend.ts';
import { ApiError } from '../errors.ts';
import { type Operation, operation } from '../operation.ts';

const loginSchema = z
  .strictObject({
    email: z.email('must be an email address').max(320),
    password: z.string().min(1, 'is required').max(1024),
  })
  .meta({ id: 'Login' });

const csrfToken = z.string().meta({ description: 'Send in the X-CSRF-Token header with every change.' });

export const sessionSchema = z
  .strictObject({ user: userSchema, csrfToken, expiresAt: instant })
  .meta({ id: 'Session' });

export const meSchema = z
  .strictObject({
    user: userSchema,
    isAdmin: z.boolean(),
    operations: z.array(z.enum(SYSTEM_OPERATIONS)),
    csrfToken: csrfToken.nullable().meta({ description: 'Null when authenticated by a bearer token.' }),
  })
  .meta({ id: 'Me' });

const passwordChangeSchema = z
  .strictObject({
    currentPassword: z.string().min(1, 'is required').max(1024),
    newPassword: z.string().min(8, 'must be at least 8 characters').max(1024),
  })
  .meta({ id: 'OwnPasswordChange' });

/** The answer to a password change or reset: which credentials stopped working. */
export const passwordChangedSchema = z
  .strictObject({
    sessionsEnded: z.number().int().meta({ description: 'Sessions signed out by the change.' }),
    tokensRevoked: z.number().int().meta({ description: 'Personal API tokens revoked by the change.' }),
    message: z.string().meta({ description: 'The same in words, to show to the user.' }),
  })
  .meta({ id: 'PasswordChanged' });

const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Says which credentials a password change (self) or reset (by an administrator) ended. */
export function credentialsEndedMessage(
  self: boolean,
  ended: { sessionsEnded: number; tokensRevoked: number },
): string {
  return self
    ? `Password changed. Signed out ${count(ended.sessionsEnded, 'other session')} of yours and revoked ${count(ended.tokensRevoked, 'API token')}; create new tokens for your scripts.`
    : `Password reset. Signed the user out of ${count(ended.sessionsEnded, 'session')} and revoked ${count(ended.tokensRevoked, 'API token')}; they sign in with the new password.`;
}

const THROTTLE_MESSAGES: Record<Throttle['reason'], string> = {
  address_for_account:
    'Too many wrong passwords for this account from your address. Wait {s} seconds before trying again; an administrator who resets the password lifts this at once.',
  address: 'Too many failed sign-ins from your address. Wait {s} seconds before trying again.',
  account:
    'Several wrong passwords were tried for this account recently, so sign-ins from new addresses are slowed down. Wait {s} seconds and try again.',
};

function tooManyAttempts(throttle: Throttle): ApiError {
  const wait = String(throttle.retryAfterSeconds);
  return new ApiError(429, 'too_many_attempts', THROTTLE_MESSAGES[throttle.reason].replace('{s}', wait), {
    headers: { 'retry-after': wait },
  });
}

export interface AuthRouteDeps {
  backend: CrmBackend;
  sessions: SessionStore;
  loginLimiter: LoginLimiter;
  /** Mark the cookie Secure (the public URL is https). */
  secureCookies: boolean;
}

export function authRoutes(deps: AuthRouteDeps): Operation[] {
  const { backend, sessions, loginLimiter } = deps;
  return [
    operation({
      method: 'POST',
      path: '/api/v1/auth/login',
      operationId: 'login',
      tag: 'Authentication',
      summary: 'Sign in with email and password; sets the session cookie and returns the CSRF token.',
      description:
        'Wrong passwords slow further attempts down (429 with Retry-After): 10 failures for one account from one address within 15 minutes stop that address for that account until the oldest failure is 15 minutes old; 30 failures from one address over all accounts stop that address likewise; after 5 failures for an account, attempts from addresses that have not signed in to it before wait 1 s, 2 s, 4 s … at most 60 s after the last failure. A successful sign-in or an administrator’s password reset clears the account’s counts.',
      auth: 'public',
      body: loginSchema,
      response: { status: 200, description: 'Signed in.', schema: sessionSchema },
      errors: [401, 429],
      handler: async ({ request, reply, body }) => {
        const account = accountKey(body.email);
        const throttle = loginLimiter.check(account, request.ip);
        if (throttle) throw tooManyAttempts(throttle);
        const user = await backend.crm.users.verifyLogin(body.email, body.password);
        if (!user) {
          loginLimiter.recordFailure(account, request.ip);
          throw new ApiError(
            401,
            'unauthenticated',
            'The email or password is wrong, or the account is deactivated.',
          );
        }
        loginLimiter.recordSuccess(account, request.ip);
        const { cookieValue, session } = await sessions.create(user.id);
        reply.setCookie(SESSION_COOKIE, cookieValue, {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure: deps.secureCookies,
          maxAge: Math.floor(SESSION_TTL_MS / 1000),
        });
        request.log.info({ userId: user.id }, 'signed in');
        return { user, csrfToken: session.csrfToken, expiresAt: session.expiresAt };
      },
    }),
    operation({
      method: 'POST',
      path: '/api/v1/auth/logout',
      operationId: 'logout',
      tag: 'Authentication',
      summary: 'End the current session (with a bearer token: does nothing).',
      auth: 'user',
      response: { status: 204, description: 'Signed out.' },
      errors: [],
      handler: async ({ request, reply }) => {
        const credential = credentialOf(request);
        if (credential?.kind === 'session') await sessions.delete(credential.session.id);
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
      },
    }),
    operation({
      method: 'POST',
      path: '/api/v1/me/password',
      operationId: 'changeOwnPassword',
      tag: 'Authentication',
      summary: 'Change your own password; needs the current one and a signed-in session.',
      description:
        'Only a browser session may do this (a personal API token gets 403 session_required), and only with the current password (422 naming currentPassword when it is wrong; wrong guesses count towards the sign-in limits, 429). Every other session of yours is signed out and every API token of yours is revoked; the session making the change stays signed in.',
      auth: 'user',
      body: passwordChangeSchema,
      response: { status: 200, description: 'Password changed.', schema: passwordChangedSchema },
      errors: [403, 422, 429],
      handler: async ({ request, principal, body }) => {
        const credential = credentialOf(request);
        if (credential?.kind !== 'session') {
          throw new ApiError(
            403,
            'session_required',
            'Changing your password needs a signed-in session, not an API token. Sign in with POST /api/v1/auth/login and try again.',
          );
        }
        const user = await backend.crm.users.get(principal!, principal!.userId);
        const account = accountKey(user.email);
        const throttle = loginLimiter.check(account, request.ip);
        if (throttle) throw tooManyAttempts(throttle);
        const result = await backend.crm.users.changeOwnPassword(principal!, body, credential.session.id);
        if (!result.ok) {
          loginLimiter.recordFailure(account, request.ip);
          throw new ApiError(422, 'validation_failed', 'The current password is wrong; type it again.', {
            details: [{ path: 'currentPassword', message: 'is wrong' }],
          });
        }
        const ended = { sessionsEnded: result.sessionsEnded, tokensRevoked: result.tokensRevoked };
        request.log.info({ userId: user.id, ...ended }, 'password changed');
        return { ...ended, message: credentialsEndedMessage(true, ended) };
      },
    }),
    operation({
      method: 'GET',
      path: '/api/v1/me',
      operationId: 'me',
      tag: 'Authentication',
      summary: 'The signed-in user, their rights and (for sessions) the CSRF token.',
      auth: 'user',
      response: { status: 200, description: 'You.', schema: meSchema },
      errors: [],
      handler: async ({ request, principal }) => {
        const credential = credentialOf(request);
        return {
          user: await backend.crm.users.get(principal!, principal!.userId),
          isAdmin: principal!.isAdmin,
          operations: [...principal!.operations].sort(),
          csrfToken: credential?.kind === 'session' ? credential.session.csrfToken : null,
        };
      },
    }),
  ];
}
