// The mail-service rules that need no database: which authentication fits which service type,
// "load or send" (at least one), logins derived from the login format, which service serves an
// address, and when a service may be deleted (SPEC A1–A3, A5).
import type { AccessMode, LoginFormat, MailAuthMethod, MailServiceType } from '../db/schema.ts';

export const AUTH_METHODS: Record<MailServiceType, readonly MailAuthMethod[]> = {
  exchange: ['basic', 'ntlm', 'oauth'],
  microsoft365: ['oauth_delegated', 'app_only'],
};

export interface RuleProblem {
  path: string;
  message: string;
}

export interface ServiceShape {
  type: MailServiceType;
  authMethod: MailAuthMethod;
  loadEmails: boolean;
  sendEmails: boolean;
  clientId?: string | null;
  tenant?: string | null;
  hasClientSecret: boolean;
}

/** Problems with a service's settings taken together; empty when it is consistent. */
export function serviceProblems(service: ServiceShape): RuleProblem[] {
  const problems: RuleProblem[] = [];
  if (!service.loadEmails && !service.sendEmails) {
    problems.push({ path: 'loadEmails', message: 'turn on "load emails", "send emails" or both' });
  }
  if (!AUTH_METHODS[service.type].includes(service.authMethod)) {
    problems.push({
      path: 'authMethod',
      message: `must be one of ${AUTH_METHODS[service.type].join(', ')} for a ${service.type} service`,
    });
  }
  if (usesOAuth(service.authMethod)) {
    if (!service.clientId)
      problems.push({ path: 'clientId', message: 'OAuth needs the application (client) id' });
    if (!service.hasClientSecret)
      problems.push({ path: 'clientSecret', message: 'OAuth needs the client secret' });
    if (!service.tenant) problems.push({ path: 'tenant', message: 'OAuth needs the tenant id or domain' });
  }
  return problems;
}

export function usesOAuth(method: MailAuthMethod): boolean {
  return method === 'oauth' || method === 'oauth_delegated' || method === 'app_only';
}

/** Which access modes an authentication method allows. */
export function allowedModes(type: MailServiceType, method: MailAuthMethod): AccessMode[] {
  if (type === 'microsoft365') return method === 'app_only' ? ['organisation'] : ['individual'];
  // EWS app-only tokens need a resource-specific scope the token helpers do not ask for yet, so
  // on-premises organisation mode uses a service account with the ApplicationImpersonation role.
  return method === 'oauth' ? ['individual'] : ['individual', 'organisation'];
}

export type LoginResult = { ok: true; login: string } | { ok: false; message: string };

/** The login for `address` under `format`; `manual` takes what the user typed. */
export function deriveLogin(format: LoginFormat, address: string, manualLogin?: string): LoginResult {
  const trimmed = address.trim();
  const at = trimmed.lastIndexOf('@');
  if (at <= 0 || at === trimmed.length - 1)
    return { ok: false, message: `"${address}" is not an email address` };
  switch (format) {
    case 'email':
      return { ok: true, login: trimmed.toLowerCase() };
    case 'mailbox':
      return { ok: true, login: trimmed.slice(0, at) };
    case 'manual': {
      const login = manualLogin?.trim();
      return login
        ? { ok: true, login }
        : { ok: false, message: 'this mail service asks for the login to be typed in: send "login"' };
    }
  }
}

/** Lower-case, no surrounding dots or spaces; undefined when it cannot be a domain name. */
export function normaliseDomain(domain: string): string | undefined {
  const value = domain.trim().toLowerCase().replace(/^@/, '').replace(/\.$/, '');
  return /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/.test(
    value,
  )
    ? value
    : undefined;
}

export function domainOf(address: string): string {
  return address.trim().toLowerCase().split('@').pop() ?? '';
}

/**
 * The service whose domain list serves `address`: an exact domain wins, else the longest parent
 * domain (`example.com` serves `eu.example.com`), so the most specific service is chosen.
 */
export function matchServiceByDomain<S extends { domains: readonly string[] }>(
  services: readonly S[],
  address: string,
): S | undefined {
  const domain = domainOf(address);
  let best: { service: S; length: number } | undefined;
  for (const service of services) {
    for (const served of service.domains) {
      const d = served.toLowerCase();
      if (domain === d || domain.endsWith(`.${d}`)) {
        if (!best || d.length > best.length) best = { service, length: d.length };
      }
    }
  }
  return best?.service;
}

export interface MailboxUse {
  id: string;
  address: string;
  ownerEmail: string;
  status: string;
}

/** A service may go only when no mailbox uses it; disconnected mailboxes do not count. */
export function canDeleteService(
  mailboxes: readonly MailboxUse[],
): { ok: true } | { ok: false; inUse: MailboxUse[] } {
  const inUse = mailboxes.filter((m) => m.status !== 'disconnected');
  return inUse.length === 0 ? { ok: true } : { ok: false, inUse };
}
