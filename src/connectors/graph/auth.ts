// Tokens for Microsoft Graph through @azure/msal-node: delegated (authorization code with PKCE,
// refreshed silently before expiry) or app-only (client credentials). MSAL's HTTP goes through
// Exsync's own client, so a custom CA and the internal-address guard apply to it too.
import {
  ConfidentialClientApplication,
  CryptoProvider,
  type ICachePlugin,
  type INetworkModule,
  type NetworkResponse,
  type TokenCacheContext,
} from '@azure/msal-node';
import { ConnectorError } from '../errors.ts';
import type { HttpClient } from '../net/http.ts';

export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';
export const DEFAULT_GRAPH_BASE_URL = 'https://graph.microsoft.com/v1.0';
export const DELEGATED_SCOPES = [
  'offline_access',
  'User.Read',
  'Contacts.ReadWrite',
  'Calendars.ReadWrite',
  'Tasks.ReadWrite',
  'Mail.ReadWrite',
  'Mail.Send',
];
export const APP_ONLY_SCOPE = 'https://graph.microsoft.com/.default';

const MICROSOFT_HOSTS =
  /(^|\.)(login\.microsoftonline\.com|login\.microsoftonline\.us|login\.partner\.microsoftonline\.cn)$/i;

export interface GraphAppConfig {
  clientId: string;
  clientSecret: string;
  /** Tenant id or domain (`organizations` / `common` for multi-tenant delegated sign-in). */
  tenant: string;
  /** Default https://login.microsoftonline.com; the sandbox's HTTPS origin in tests. */
  authorityHost?: string;
  /** Default https://graph.microsoft.com/v1.0. */
  graphBaseUrl?: string;
  /** `<public base URL>/oauth/microsoft/callback`. */
  redirectUri?: string;
  /** Delegated scopes (default: what Exsync needs). */
  scopes?: string[];
}

/** Where the caller keeps a mailbox's serialised MSAL cache (encrypted at rest). */
export interface TokenCacheStore {
  load(): Promise<string | undefined>;
  save(serialized: string): Promise<void>;
}

export interface TokenProvider {
  /** A valid access token, refreshed when close to expiry. */
  accessToken(): Promise<string>;
}

/** Keeps the cache only in memory (tests, app-only). */
export function memoryTokenCache(initial?: string): TokenCacheStore & { value?: string } {
  const store: TokenCacheStore & { value?: string } = {
    value: initial,
    load: async () => store.value,
    save: async (s) => {
      store.value = s;
    },
  };
  return store;
}

function networkModule(http: HttpClient): INetworkModule {
  const send = async <T>(
    method: 'GET' | 'POST',
    url: string,
    options?: { headers?: Record<string, string>; body?: string },
  ) => {
    const response = await http.send({ method, url, headers: options?.headers, body: options?.body });
    let body: unknown = {};
    try {
      body = response.body.length ? JSON.parse(response.text()) : {};
    } catch {
      throw new ConnectorError(
        'invalid_response',
        `The sign-in service at ${new URL(url).host} did not answer with JSON.`,
      );
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(response.headers))
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    return { status: response.status, headers, body: body as T } satisfies NetworkResponse<T>;
  };
  return {
    sendGetRequestAsync: (url, options) => send('GET', url, options),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
  };
}

function cachePlugin(store: TokenCacheStore): ICachePlugin {
  return {
    beforeCacheAccess: async (context: TokenCacheContext) => {
      const text = await store.load();
      if (text) context.tokenCache.deserialize(text);
    },
    afterCacheAccess: async (context: TokenCacheContext) => {
      if (context.cacheHasChanged) await store.save(context.tokenCache.serialize());
    },
  };
}

export function createMsalApp(
  config: GraphAppConfig,
  http: HttpClient,
  cache?: TokenCacheStore,
): ConfidentialClientApplication {
  const host = (config.authorityHost ?? DEFAULT_AUTHORITY_HOST).replace(/\/$/, '');
  const hostname = new URL(host).host;
  return new ConfidentialClientApplication({
    auth: {
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      authority: `${host}/${config.tenant}`,
      knownAuthorities: MICROSOFT_HOSTS.test(new URL(host).hostname) ? undefined : [hostname],
    },
    cache: cache ? { cachePlugin: cachePlugin(cache) } : undefined,
    system: { networkClient: networkModule(http) },
  });
}

/** Turns MSAL's failures into the error model; `invalid_grant` means the user must sign in again. */
export function msalError(error: unknown): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const e = error as { errorCode?: string; errorMessage?: string; message?: string; name?: string };
  const code = e?.errorCode ?? '';
  const message = e?.errorMessage || e?.message || String(error);
  if (
    code === 'invalid_grant' ||
    code === 'interaction_required' ||
    code === 'consent_required' ||
    code === 'login_required' ||
    code === 'no_tokens_found' ||
    e?.name === 'InteractionRequiredAuthError'
  ) {
    return new ConnectorError(
      'needs_sign_in',
      `The Microsoft 365 sign-in is no longer valid (${code || 'interaction required'}). Sign in again.`,
      {
        serverCode: code,
        cause: error,
      },
    );
  }
  if (code === 'invalid_client' || code === 'unauthorized_client') {
    return new ConnectorError(
      'permanent',
      `Microsoft Entra ID refused the app's credentials (${code}): check the client id and secret.`,
      {
        serverCode: code,
        cause: error,
      },
    );
  }
  return new ConnectorError('transient', `Getting a token failed: ${message}`, {
    serverCode: code || undefined,
    cause: error,
  });
}

/** Delegated access for one mailbox, from the MSAL cache the caller keeps. */
export class DelegatedTokens implements TokenProvider {
  private readonly app: ConfidentialClientApplication;
  private readonly scopes: string[];

  constructor(config: GraphAppConfig, http: HttpClient, cache: TokenCacheStore) {
    this.app = createMsalApp(config, http, cache);
    this.scopes = (config.scopes ?? DELEGATED_SCOPES).filter(
      (s) => !/^(offline_access|openid|profile)$/.test(s),
    );
  }

  async accessToken(): Promise<string> {
    try {
      const accounts = await this.app.getTokenCache().getAllAccounts();
      const account = accounts[0];
      if (!account)
        throw new ConnectorError(
          'needs_sign_in',
          'This mailbox has not been signed in to Microsoft 365 yet. Sign in.',
        );
      const result = await this.app.acquireTokenSilent({ account, scopes: this.scopes });
      if (!result?.accessToken)
        throw new ConnectorError('needs_sign_in', 'Microsoft 365 returned no token. Sign in again.');
      return result.accessToken;
    } catch (error) {
      throw msalError(error);
    }
  }
}

/** App-only access (organisation mode): one token for the tenant, MSAL caches it in memory. */
export class AppOnlyTokens implements TokenProvider {
  private readonly app: ConfidentialClientApplication;

  constructor(config: GraphAppConfig, http: HttpClient) {
    this.app = createMsalApp(config, http);
  }

  async accessToken(): Promise<string> {
    try {
      const result = await this.app.acquireTokenByClientCredential({ scopes: [APP_ONLY_SCOPE] });
      if (!result?.accessToken)
        throw new ConnectorError('permanent', 'Microsoft Entra ID returned no app token.');
      return result.accessToken;
    } catch (error) {
      throw msalError(error);
    }
  }
}

export interface Pkce {
  verifier: string;
  challenge: string;
}

export function createPkce(): Promise<Pkce> {
  return new CryptoProvider().generatePkceCodes();
}

/** The sign-in half of the authorization-code flow: starts and finishes one user's consent. */
export class DelegatedSignIn {
  private readonly config: GraphAppConfig;
  private readonly http: HttpClient;

  constructor(config: GraphAppConfig, http: HttpClient) {
    if (!config.redirectUri)
      throw new RangeError(
        'Delegated sign-in needs redirectUri (<public base URL>/oauth/microsoft/callback).',
      );
    this.config = config;
    this.http = http;
  }

  /** Where to send the user's browser; `state` must be checked on the way back. */
  authorizationUrl(options: { state: string; pkce: Pkce; loginHint?: string }): Promise<string> {
    return createMsalApp(this.config, this.http).getAuthCodeUrl({
      scopes: this.config.scopes ?? DELEGATED_SCOPES,
      redirectUri: this.config.redirectUri!,
      state: options.state,
      codeChallenge: options.pkce.challenge,
      codeChallengeMethod: 'S256',
      loginHint: options.loginHint,
      prompt: 'select_account',
    });
  }

  /** Redeems the code into `cache`; returns the signed-in address. */
  async redeemCode(code: string, verifier: string, cache: TokenCacheStore): Promise<{ username: string }> {
    try {
      const app = createMsalApp(this.config, this.http, cache);
      const result = await app.acquireTokenByCode({
        code,
        codeVerifier: verifier,
        redirectUri: this.config.redirectUri!,
        scopes: this.config.scopes ?? DELEGATED_SCOPES,
      });
      return { username: result.account?.username ?? '' };
    } catch (error) {
      throw msalError(error);
    }
  }
}
