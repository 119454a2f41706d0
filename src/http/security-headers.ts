// The response headers that keep Exsync's pages inert and unframeable, in one place: the web
// UI's policy, the policy for the server-rendered pages (API docs, OAuth result pages) whose
// only inline content is their own <style>, allowed by its hash, and HSTS for https deployments.
import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';

// The UI bundle needs nothing from elsewhere; the policy makes injected markup inert.
export const APP_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

/** A page rendered by the server: no script at all, only its own inline styles. */
export function pageContentSecurityPolicy(html: string): string {
  const hashes = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map(
    (m) => `'sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}'`,
  );
  return [
    "default-src 'none'",
    `style-src ${hashes.length > 0 ? hashes.join(' ') : "'none'"}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** Headers every HTML answer gets; `policy` is its Content-Security-Policy. */
export function htmlSecurityHeaders(reply: FastifyReply, policy: string): FastifyReply {
  return reply
    .header('content-security-policy', policy)
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin');
}

/** Browsers that reached an https deployment once keep to https for a year. */
export const HSTS = 'max-age=31536000';
