import type { HttpClient } from '../net/http.ts';
import type { RetryPolicy } from '../net/retry.ts';
import { EwsConnector } from './connector.ts';
import type { ExchangeVersion } from './soap.ts';
import { type EwsAuth, EwsTransport, type EwsTransportOptions } from './transport.ts';

export interface EwsConnectorConfig {
  http: HttpClient;
  /** Full EWS URL, or a host (`mail.example.com`) that gets /EWS/Exchange.asmx. */
  serviceAddress: string;
  auth: EwsAuth;
  /** The mailbox to sync. */
  mailbox: string;
  /** Organisation mode: act on `mailbox` through ExchangeImpersonation with the service account in `auth`. */
  impersonation?: boolean;
  /** Limiter key of the service account (defaults to the login or the mailbox). */
  accountKey?: string;
  version?: ExchangeVersion;
  retry?: RetryPolicy;
  onExchange?: EwsTransportOptions['onExchange'];
}

/** The EWS URL a service address stands for: a host gets /EWS/Exchange.asmx over HTTPS. */
export function ewsUrlOf(serviceAddress: string): string {
  const trimmed = serviceAddress.trim().replace(/\/+$/, '');
  if (/^https?:\/\//i.test(trimmed)) {
    return /\.asmx$/i.test(new URL(trimmed).pathname) ? trimmed : `${trimmed}/EWS/Exchange.asmx`;
  }
  return `https://${trimmed}/EWS/Exchange.asmx`;
}

export function createEwsConnector(config: EwsConnectorConfig): EwsConnector {
  const login = config.auth.kind === 'bearer' ? undefined : config.auth.login;
  const transport = new EwsTransport({
    http: config.http,
    url: ewsUrlOf(config.serviceAddress),
    auth: config.auth,
    version: config.version,
    impersonate: config.impersonation ? config.mailbox : undefined,
    mailboxKey: `ews:${config.mailbox.toLowerCase()}`,
    accountKey: `ews-account:${(config.accountKey ?? login ?? config.mailbox).toLowerCase()}`,
    retry: config.retry,
    onExchange: config.onExchange,
  });
  return new EwsConnector({ transport, mailbox: config.mailbox });
}
