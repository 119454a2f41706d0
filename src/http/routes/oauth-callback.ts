// Where Microsoft sends the browser back after consent (SPEC A4): `<public URL>/oauth/microsoft/callback`.
// It is a page for people, not an API operation: success redirects into Exsync, failure shows
// what went wrong and what to do.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CALLBACK_PATH, isMailboxError, type MailboxDomain } from '../../mailboxes/index.ts';
import type { Authenticate } from '../operation.ts';
import { htmlSecurityHeaders, pageContentSecurityPolicy } from '../security-headers.ts';

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

export function resultPage(title: string, message: string, ok: boolean): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} – Exsync</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem;color:${ok ? '#1a7f37' : '#b42318'}}a{color:#0b57d0}</style></head>
<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p><p><a href="/">Back to Exsync</a></p></body></html>`;
}

const first = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value
    : Array.isArray(value) && typeof value[0] === 'string'
      ? value[0]
      : undefined;

export function registerOAuthCallback(
  app: FastifyInstance,
  domain: MailboxDomain,
  authenticate: Authenticate,
): void {
  app.get(CALLBACK_PATH, async (request: FastifyRequest, reply) => {
    const query = (request.query ?? {}) as Record<string, unknown>;
    const state = first(query.state);
    // The address carries the authorization code: never cached, never sent on as a referrer.
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    const page = (status: number, html: string) =>
      htmlSecurityHeaders(reply, pageContentSecurityPolicy(html))
        .header('referrer-policy', 'no-referrer')
        .code(status)
        .type('text/html; charset=utf-8')
        .send(html);
    if (!state) {
      return page(
        400,
        resultPage(
          'Sign-in failed',
          'The answer from Microsoft carried no state. Start the sign-in again from Exsync.',
          false,
        ),
      );
    }
    // A signed-in browser must be the user who started the sign-in; the state alone binds it otherwise.
    let userId: string | null = null;
    try {
      userId = (await authenticate(request)).userId;
    } catch {
      userId = null;
    }
    try {
      const result = await domain.mailboxes.finishSignIn(
        {
          state,
          code: first(query.code),
          error: first(query.error),
          errorDescription: first(query.error_description),
        },
        userId,
      );
      if (!result.ok) {
        return page(
          200,
          resultPage(
            'Signed in, but the mailbox test failed',
            `${result.mailbox.address}: ${result.message}`,
            false,
          ),
        );
      }
      const target = new URL(result.returnTo ?? '/', 'http://exsync.invalid');
      target.searchParams.set('mailboxConnected', result.mailbox.id);
      return reply.redirect(`${target.pathname}${target.search}`, 303);
    } catch (error) {
      if (!isMailboxError(error)) throw error;
      request.log.info({ code: error.code }, 'oauth sign-in refused');
      return page(400, resultPage('Sign-in failed', error.message, false));
    }
  });
}
