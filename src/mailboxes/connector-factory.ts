// Builds the ExchangeConnector for a mailbox from its service's settings and the decrypted
// secrets: EWS with Basic, NTLM or an OAuth bearer (impersonating in organisation mode), or Graph
// with delegated tokens (the MSAL cache kept encrypted in the mailbox row) or app-only tokens.
import {
  AppOnlyTokens,
  createEwsConnector,
  DelegatedSignIn,
  DelegatedTokens,
  type EwsAuth,
  type ExchangeConnector,
  ewsUrlOf,
  type GraphAppConfig,
  GraphConnector,
  HttpClient,
  type TokenCacheStore,
} from '../connectors/index.ts';
import type { MailServicesTable } from '../db/schema.ts';
import type { SecretBox } from '../secrets/index.ts';
import { MailboxError } from './errors.ts';

export const DEFAULT_GRAPH_BASE_URL = 'https://graph.microsoft.com/v1.0';
export const DEFAULT_AUTHORITY_URL = 'https://login.microsoftonline.com';
export const CALLBACK_PATH = '/oauth/microsoft/callback';
/** Hybrid modern authentication to Exchange Server (SPEC A4). */
export const EWS_DELEGATED_SCOPES = ['offline_access', 'https://outlook.office365.com/EWS.AccessAsUser.All'];

export { ewsUrlOf };

export const secretContext = {
  clientSecret: (serviceId: string) => `mail_services.client_secret:${serviceId}`,
  serviceSecret: (serviceId: string) => `mail_services.service_secret:${serviceId}`,
  password: (mailboxId: string) => `mailboxes.secret:${mailboxId}`,
  tokenCache: (mailboxId: string) => `mailboxes.token_cache:${mailboxId}`,
  verifier: (stateHash: string) => `oauth_sign_ins.verifier:${stateHash}`,
};

export interface FactorySettings {
  secrets: SecretBox;
  publicUrl: string;
  /** Every service may reach private addresses (EXSYNC_ALLOW_PRIVATE_ADDRESSES). */
  allowPrivateAddresses: boolean;
  /** Per-request timeout; tests shorten it. */
  timeoutMs?: number;
  /** Attempts per request (retries of passing failures and throttling). */
  retryAttempts?: number;
}

/** What a connector needs to know about the mailbox it serves. */
export interface MailboxCredentials {
  address: string;
  login?: string | null;
  password?: string;
  /** Delegated OAuth: where the MSAL cache is read and written. */
  tokenCache?: TokenCacheStore;
  mode: 'individual' | 'organisation';
}

export interface BuiltConnector {
  connector: ExchangeConnector;
  http: HttpClient;
  /** Frees the connections; call when done with the connector. */
  close(): void;
}

export function createConnectorFactory(settings: FactorySettings) {
  const httpFor = (service: MailServicesTable, signal?: AbortSignal) =>
    new HttpClient({
      signal,
      ca: service.ca_bundle ?? undefined,
      allowPrivateAddresses:
        settings.allowPrivateAddresses ||
        service.allow_private_addresses === true ||
        service.allow_private_addresses === 1,
      timeoutMs: settings.timeoutMs ?? 20_000,
    });

  const retry = () => ({ attempts: settings.retryAttempts ?? 3, maxWaitMs: 10_000 });

  function graphConfig(service: MailServicesTable, scopes?: string[]): GraphAppConfig {
    if (!service.client_id || !service.client_secret_enc || !service.tenant) {
      throw new MailboxError(
        'validation_failed',
        `The mail service "${service.name}" lacks its OAuth client id, secret or tenant. An administrator must complete it.`,
      );
    }
    return {
      clientId: service.client_id,
      clientSecret: settings.secrets.open(service.client_secret_enc, secretContext.clientSecret(service.id)),
      tenant: service.tenant,
      authorityHost: service.authority_url ?? DEFAULT_AUTHORITY_URL,
      graphBaseUrl: service.type === 'microsoft365' ? service.service_address : undefined,
      redirectUri: `${settings.publicUrl}${CALLBACK_PATH}`,
      ...(scopes ? { scopes } : {}),
    };
  }

  function delegatedScopes(service: MailServicesTable): string[] | undefined {
    return service.type === 'exchange' ? EWS_DELEGATED_SCOPES : undefined;
  }

  return {
    redirectUri: `${settings.publicUrl}${CALLBACK_PATH}`,

    /** The sign-in half of delegated OAuth for a service. */
    signIn(service: MailServicesTable): { flow: DelegatedSignIn; http: HttpClient } {
      const http = httpFor(service);
      return { flow: new DelegatedSignIn(graphConfig(service, delegatedScopes(service)), http), http };
    },

    /** `signal` aborts every request of the connector (a sync run that stopped). */
    build(
      service: MailServicesTable,
      mailbox: MailboxCredentials,
      options: { signal?: AbortSignal } = {},
    ): BuiltConnector {
      const http = httpFor(service, options.signal);
      const done = (connector: ExchangeConnector): BuiltConnector => ({
        connector,
        http,
        close: () => http.close(),
      });
      try {
        if (service.type === 'microsoft365') {
          if (mailbox.mode === 'organisation') {
            return done(
              new GraphConnector({
                http,
                tokens: new AppOnlyTokens(graphConfig(service), http),
                mailbox: mailbox.address,
                mode: 'app',
                graphBaseUrl: service.service_address,
                retry: retry(),
              }),
            );
          }
          if (!mailbox.tokenCache)
            throw new MailboxError('validation_failed', 'This mailbox has not signed in yet.');
          return done(
            new GraphConnector({
              http,
              tokens: new DelegatedTokens(graphConfig(service), http, mailbox.tokenCache),
              mailbox: mailbox.address,
              mode: 'delegated',
              graphBaseUrl: service.service_address,
              retry: retry(),
            }),
          );
        }
        let auth: EwsAuth;
        if (service.auth_method === 'oauth') {
          if (!mailbox.tokenCache)
            throw new MailboxError('validation_failed', 'This mailbox has not signed in yet.');
          const tokens = new DelegatedTokens(
            graphConfig(service, EWS_DELEGATED_SCOPES),
            http,
            mailbox.tokenCache,
          );
          auth = { kind: 'bearer', accessToken: () => tokens.accessToken() };
        } else {
          const organisation = mailbox.mode === 'organisation';
          const login = organisation ? service.service_login : mailbox.login;
          const password = organisation
            ? service.service_secret_enc
              ? settings.secrets.open(service.service_secret_enc, secretContext.serviceSecret(service.id))
              : undefined
            : mailbox.password;
          if (!login || password === undefined) {
            throw new MailboxError(
              'validation_failed',
              organisation
                ? `The organisation identity of "${service.name}" is not connected. An administrator must connect it.`
                : 'This mailbox has no password stored. Update the password.',
            );
          }
          auth = { kind: service.auth_method === 'ntlm' ? 'ntlm' : 'basic', login, password };
        }
        return done(
          createEwsConnector({
            http,
            serviceAddress: service.ews_url ?? ewsUrlOf(service.service_address),
            auth,
            mailbox: mailbox.address,
            impersonation: mailbox.mode === 'organisation',
            ...(mailbox.mode === 'organisation' && service.service_login
              ? { accountKey: service.service_login }
              : {}),
            retry: retry(),
          }),
        );
      } catch (error) {
        http.close();
        throw error;
      }
    },

    httpFor,
  };
}

export type ConnectorFactory = ReturnType<typeof createConnectorFactory>;
