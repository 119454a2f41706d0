// Serves the web UI (the bundle `npm run build` writes to web/dist) from the Exsync server
// itself: no CDN, no external font. Any GET or HEAD that is not API or operations and names no
// file gets index.html, so addresses like /contacts/42 work on reload and uptime checks that
// send HEAD / see 200. Files go out as the build's Brotli or gzip copies where the browser
// accepts them; source maps are never served.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { PageFallback } from './errors.ts';
import { APP_CONTENT_SECURITY_POLICY, htmlSecurityHeaders } from './security-headers.ts';

export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url));

function isAppPath(url: string): boolean {
  return !/^\/(api|oauth|healthz|readyz|metrics)(\/|$|\?)/.test(url);
}

function securityHeaders(reply: FastifyReply): FastifyReply {
  return htmlSecurityHeaders(reply, APP_CONTENT_SECURITY_POLICY);
}

/**
 * Registers the bundle's files and returns the fallback that answers screen addresses with
 * index.html (or, when the UI was never built, with how to build it).
 */
export async function registerWebApp(app: FastifyInstance, root = DEFAULT_WEB_ROOT): Promise<PageFallback> {
  const built = existsSync(`${root}/index.html`);
  if (built) {
    await app.register(fastifyStatic, {
      root,
      wildcard: false,
      index: false,
      preCompressed: true,
      // A source map left in the folder by an older build is not published either.
      allowedPath: (path) => !path.endsWith('.map'),
      setHeaders: (res, path) => {
        // Hashed asset names never change content; index.html must always be fresh.
        res.header(
          'cache-control',
          path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
        res.header('x-content-type-options', 'nosniff');
      },
    });
  }
  return (request, reply) => {
    const path = request.url.split('?')[0];
    // Only page loads get the UI; a path with a file extension is a missing asset.
    const read = request.method === 'GET' || request.method === 'HEAD';
    if (!read || !isAppPath(path) || /\.[a-z0-9]{1,5}$/i.test(path)) return null;
    if (!built) {
      return securityHeaders(reply)
        .code(503)
        .type('text/plain; charset=utf-8')
        .send(
          'The Exsync web UI has not been built. Run `npm run build` (or `npm run demo`) and reload; the REST API is at /api/docs.',
        );
    }
    return securityHeaders(reply).header('cache-control', 'no-cache').sendFile('index.html');
  };
}
