// Which mail service serves an address (SPEC A3): a service that lists the address's domain,
// else the Exchange server that Autodiscover names, at the domain or at one of the
// organisation's own Exchange servers.
import { autodiscover, HttpClient } from '../connectors/index.ts';
import type { MailServicesTable } from '../db/schema.ts';
import { ewsUrlOf } from './connector-factory.ts';
import { type MailboxContext, parseDomains } from './context.ts';
import { MailboxError } from './errors.ts';
import { allowedModes, deriveLogin, domainOf, matchServiceByDomain, usesOAuth } from './rules.ts';
import type { Detection } from './schemas.ts';

export type FoundBy = 'domain' | 'autodiscover';

/** What a user must supply to add a mailbox of this service, if they may add one at all. */
export function needsOf(service: MailServicesTable): Detection['needs'] {
  if (
    service.access_mode === 'organisation' ||
    !allowedModes(service.type, service.auth_method).includes('individual')
  ) {
    return 'administrator';
  }
  return usesOAuth(service.auth_method) ? 'oauth' : 'password';
}

const sameUrl = (a: string, b: string) =>
  a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase();

const ewsUrlOfService = (s: MailServicesTable) => s.ews_url ?? ewsUrlOf(s.service_address);

async function autodiscovered(
  ctx: MailboxContext,
  address: string,
  exchangeServices: MailServicesTable[],
  timeoutMs: number,
): Promise<MailServicesTable | undefined> {
  if (exchangeServices.length === 0) return undefined;
  const domain = domainOf(address);
  const attempts: Array<{ http: HttpClient; origins: string[] }> = [
    {
      http: new HttpClient({ timeoutMs }),
      origins: [`https://autodiscover.${domain}`, `https://${domain}`],
    },
    // The organisation's own Exchange servers know their mailboxes whatever the domain.
    ...exchangeServices.map((s) => ({
      http: ctx.factory.httpFor(s),
      origins: [new URL(ewsUrlOfService(s)).origin],
    })),
  ];
  for (const attempt of attempts) {
    try {
      const found = await autodiscover(address, { http: attempt.http, origins: attempt.origins });
      const service = exchangeServices.find((s) => sameUrl(ewsUrlOfService(s), found.ewsUrl));
      if (service) return service;
    } catch {
      // Nothing found there; the next origin may know.
    } finally {
      attempt.http.close();
    }
  }
  return undefined;
}

/**
 * The service of a (normalised) address; no_service if none is found.
 * `autodiscoverTimeoutMs` bounds each Autodiscover request.
 */
export async function detectService(
  ctx: MailboxContext,
  address: string,
  autodiscoverTimeoutMs: number,
): Promise<{ service: MailServicesTable; foundBy: FoundBy }> {
  const rows = await ctx.db.selectFrom('mail_services').selectAll().execute();
  const byDomain = matchServiceByDomain(
    rows.map((row) => ({ row, domains: parseDomains(row.domains) })),
    address,
  );
  if (byDomain) return { service: byDomain.row, foundBy: 'domain' };
  const found = await autodiscovered(
    ctx,
    address,
    rows.filter((r) => r.type === 'exchange'),
    autodiscoverTimeoutMs,
  );
  if (found) return { service: found, foundBy: 'autodiscover' };
  throw new MailboxError(
    'no_service',
    `No mail service serves ${domainOf(address)}, and Autodiscover found no known Exchange server for ${address}. Ask an administrator to add the domain to a mail service.`,
  );
}

/** What the "add mailbox" form learns about an address before asking for credentials. */
export function describeDetection(address: string, service: MailServicesTable, foundBy: FoundBy): Detection {
  const login = service.login_format === 'manual' ? null : deriveLogin(service.login_format, address);
  return {
    address,
    serviceId: service.id,
    serviceName: service.name,
    type: service.type,
    foundBy,
    ewsUrl: service.ews_url,
    login: login?.ok ? login.login : null,
    loginFormat: service.login_format,
    needs: needsOf(service),
  };
}
