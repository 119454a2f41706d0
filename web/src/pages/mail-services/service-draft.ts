// The mail service form's state as typed, and its translation to the API's create and update
// bodies: empty text means "not set", the domains are one comma-separated line, OAuth fields
// are sent only for an OAuth method, and an empty client secret keeps the stored one.
import type { MailService, MailServiceCreate, MailServiceUpdate } from '../../types.ts';

export type ServiceType = MailService['type'];
export type AuthMethod = MailService['authMethod'];
export type LoginFormat = MailService['loginFormat'];

/** The authentication methods each type of service offers, the first being the default. */
export const AUTH_METHODS: Record<ServiceType, AuthMethod[]> = {
  exchange: ['basic', 'ntlm', 'oauth'],
  microsoft365: ['oauth_delegated', 'app_only'],
};
export const OAUTH: AuthMethod[] = ['oauth', 'oauth_delegated', 'app_only'];

export interface Draft {
  type: ServiceType;
  serviceAddress: string;
  name: string;
  loadEmails: boolean;
  sendEmails: boolean;
  loginFormat: LoginFormat;
  authMethod: AuthMethod;
  clientId: string;
  clientSecret: string;
  tenant: string;
  domains: string;
  authorityUrl: string;
  caCertificate: string;
  allowPrivateAddresses: boolean;
}

export const EMPTY: Draft = {
  type: 'exchange',
  serviceAddress: '',
  name: '',
  loadEmails: true,
  sendEmails: true,
  loginFormat: 'email',
  authMethod: 'basic',
  clientId: '',
  clientSecret: '',
  tenant: '',
  domains: '',
  authorityUrl: '',
  caCertificate: '',
  allowPrivateAddresses: false,
};

export function draftOf(s: MailService): Draft {
  return {
    type: s.type,
    serviceAddress: s.serviceAddress,
    name: s.name,
    loadEmails: s.loadEmails,
    sendEmails: s.sendEmails,
    loginFormat: s.loginFormat,
    authMethod: s.authMethod,
    clientId: s.clientId ?? '',
    clientSecret: '',
    tenant: s.tenant ?? '',
    domains: s.domains.join(', '),
    authorityUrl: s.authorityUrl ?? '',
    caCertificate: s.caCertificate ?? '',
    allowPrivateAddresses: s.allowPrivateAddresses,
  };
}

const domainList = (text: string) =>
  text
    .split(/[\s,;]+/)
    .map((d) => d.trim())
    .filter(Boolean);

const trimmed = (text: string) => text.trim() || undefined;

export function createBody(d: Draft): MailServiceCreate {
  const oauth = OAUTH.includes(d.authMethod);
  return {
    type: d.type,
    serviceAddress: trimmed(d.serviceAddress),
    name: trimmed(d.name),
    loadEmails: d.loadEmails,
    sendEmails: d.sendEmails,
    loginFormat: d.loginFormat,
    authMethod: d.authMethod,
    clientId: oauth ? trimmed(d.clientId) : undefined,
    clientSecret: oauth && d.clientSecret ? d.clientSecret : undefined,
    tenant: oauth ? trimmed(d.tenant) : undefined,
    domains: domainList(d.domains),
    authorityUrl: trimmed(d.authorityUrl),
    caCertificate: trimmed(d.caCertificate),
    allowPrivateAddresses: d.allowPrivateAddresses,
  };
}

export function updateBody(d: Draft): MailServiceUpdate {
  const oauth = OAUTH.includes(d.authMethod);
  return {
    serviceAddress: d.serviceAddress.trim(),
    ...(d.name.trim() ? { name: d.name.trim() } : {}),
    loadEmails: d.loadEmails,
    sendEmails: d.sendEmails,
    loginFormat: d.loginFormat,
    authMethod: d.authMethod,
    clientId: oauth ? (trimmed(d.clientId) ?? null) : undefined,
    // Empty keeps the stored secret: it is never sent back to be shown.
    ...(oauth && d.clientSecret ? { clientSecret: d.clientSecret } : {}),
    tenant: oauth ? (trimmed(d.tenant) ?? null) : undefined,
    domains: domainList(d.domains),
    authorityUrl: trimmed(d.authorityUrl) ?? null,
    caCertificate: trimmed(d.caCertificate) ?? null,
    allowPrivateAddresses: d.allowPrivateAddresses,
  };
}
