// Signing in and out with a session cookie, and "who am I".
//
// Login CSRF: the login request itself needs no CSRF token. A cross-site form cannot send an
// application/json body (that would need a CORS preflight, which this server never grants),
// and the session cookie is SameSite=Lax, so another site can neither post a login nor ride on
// an existing session.
import { z } from 'zod';
import { instant, SYSTEM_OPERATIONS, userSchema } from '../../crm/index.ts';
import { credentialOf } from '../auth/authenticate.ts';
import type { LoginLimiter } from '../auth/login-limiter.ts';
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
        'After 10 failed attempts from one address or for one email within 15 minutes, further attempts get 429.',
      auth: 'public',
      body: loginSchema,
      response: { status: 200, description: 'Signed in.', schema: sessionSchema },
      errors: [401, 429],
      handler: async ({ request, reply, body }) => {
        const emailKey = `email:${body.email.trim().toLowerCase()}`;
        const keys = [`ip:${request.ip}`, emailKey];
        const wait = loginLimiter.retryAfterSeconds(keys);
        if (wait > 0) {
          throw new ApiError(
            429,
            'too_many_attempts',
            `Too many failed sign-ins. Wait ${wait} seconds before trying again, or ask an administrator to reset the password.`,
            { headers: { 'retry-after': String(wait) } },
          );
        }
        const user = await backend.crm.users.verifyLogin(body.email, body.password);
        if (!user) {
          loginLimiter.recordFailure(keys);
          throw new ApiError(
            401,
            'unauthenticated',
            'The email or password is wrong, or the account is deactivated.',
          );
        }
        loginLimiter.clear(emailKey);
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
