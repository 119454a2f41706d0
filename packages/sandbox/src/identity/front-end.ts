// The Microsoft identity platform's endpoints (S3): discovery, JWKS, authorize (a sign-in and
// consent page) and token, for delegated and client-credential flows.
import { randomUUID } from 'node:crypto';
import formBody from '@fastify/formbody';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FrontEnd, SandboxContext } from '../context.ts';
import type { AppRegistration, Tenant } from '../model.ts';
import { AADSTS, IdentityError } from './errors.ts';
import { applyFaults } from './faults.ts';
import { publicJwk } from './jwt.ts';
import { checkPassword } from './passwords.ts';
import { parseScopes } from './scopes.ts';
import { deviceCodePage, errorPage, formPostPage, signInPage } from './sign-in-page.ts';
import type { IdentityService } from './tokens.ts';

type Params = Record<string, string | undefined>;

const MULTI_TENANT = new Set(['common', 'organizations', 'consumers']);
const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** The username/password and device code grants without a secret need "Allow public client flows". */
function requirePublicClientOrSecret(app: { registration: AppRegistration; secretChecked: boolean }): void {
  if (!app.secretChecked && !app.registration.allowPublicClient) {
    throw new IdentityError(
      'invalid_client',
      AADSTS.clientSecretRequired,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'. " +
        "Send the app's client secret, or turn on 'Allow public client flows' for the app registration.",
      401,
    );
  }
}

function requireParameter(params: Params, name: string): string {
  const value = params[name];
  if (!value) {
    throw new IdentityError(
      'invalid_request',
      AADSTS.missingParameter,
      `The request body must contain the parameter '${name}'.`,
    );
  }
  return value;
}

export function createIdentityFrontEnd(identity: IdentityService): FrontEnd {
  return async (app, ctx) => {
    await app.register(formBody);

    const origin = (request: FastifyRequest) => `${request.protocol}://${request.host}`;
    /** undefined for `common`/`organizations`; throws for an unknown tenant. */
    const tenantOf = (name: string): Tenant | undefined => {
      if (MULTI_TENANT.has(name.toLowerCase())) return undefined;
      const tenant = ctx.store.tenantByIdOrDomain(name);
      if (!tenant) {
        throw new IdentityError(
          'invalid_request',
          AADSTS.tenantNotFound,
          `Tenant '${name}' not found. Check the tenant id or domain in the authority URL.`,
        );
      }
      return tenant;
    };

    const sendError = (reply: FastifyReply, error: unknown) => {
      if (!(error instanceof IdentityError)) throw error;
      const traceId = randomUUID();
      return reply
        .code(error.status)
        .header('cache-control', 'no-store')
        .send({
          error: error.error,
          error_description: `${error.message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${traceId}\r\nTimestamp: ${timestamp(ctx)}`,
          error_codes: [error.aadsts],
          ...(error.suberror ? { suberror: error.suberror } : {}),
          timestamp: timestamp(ctx),
          trace_id: traceId,
          correlation_id: traceId,
          error_uri: `${origin(reply.request)}/error?code=${error.aadsts}`,
        });
    };

    const discovery = async (
      request: FastifyRequest<{ Params: { tenant: string } }>,
      reply: FastifyReply,
    ) => {
      if (await applyFaults(ctx, request, reply, 'discovery')) return;
      try {
        const tenant = tenantOf(request.params.tenant);
        const base = origin(request);
        const path = tenant ? request.params.tenant : request.params.tenant.toLowerCase();
        const issuerTenant = tenant ? tenant.id : '{tenantid}';
        return reply.header('cache-control', 'max-age=86400').send({
          token_endpoint: `${base}/${path}/oauth2/v2.0/token`,
          token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
          jwks_uri: `${base}/${path}/discovery/v2.0/keys`,
          response_modes_supported: ['query', 'fragment', 'form_post'],
          subject_types_supported: ['pairwise'],
          id_token_signing_alg_values_supported: ['RS256'],
          response_types_supported: ['code'],
          scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
          issuer: `${base}/${issuerTenant}/v2.0`,
          request_uri_parameter_supported: false,
          userinfo_endpoint: `${base}/oidc/userinfo`,
          authorization_endpoint: `${base}/${path}/oauth2/v2.0/authorize`,
          device_authorization_endpoint: `${base}/${path}/oauth2/v2.0/devicecode`,
          http_logout_supported: true,
          frontchannel_logout_supported: true,
          end_session_endpoint: `${base}/${path}/oauth2/v2.0/logout`,
          claims_supported: [
            'sub',
            'iss',
            'aud',
            'exp',
            'iat',
            'nbf',
            'name',
            'nonce',
            'oid',
            'preferred_username',
            'tid',
            'ver',
            'email',
          ],
          code_challenge_methods_supported: ['S256'],
          grant_types_supported: [
            'authorization_code',
            'refresh_token',
            'client_credentials',
            'password',
            DEVICE_CODE_GRANT,
          ],
          tenant_region_scope: 'EU',
          cloud_instance_name: 'microsoftonline.com',
          cloud_graph_host_name: 'graph.windows.net',
          msgraph_host: 'graph.microsoft.com',
        });
      } catch (error) {
        return sendError(reply, error);
      }
    };
    app.get('/:tenant/v2.0/.well-known/openid-configuration', discovery);
    app.get('/:tenant/.well-known/openid-configuration', discovery);

    const keys = async (request: FastifyRequest<{ Params: { tenant: string } }>, reply: FastifyReply) => {
      if (await applyFaults(ctx, request, reply, 'keys')) return;
      return reply.send({ keys: [publicJwk(identity.key)] });
    };
    app.get('/:tenant/discovery/v2.0/keys', keys);
    app.get('/:tenant/discovery/keys', keys);

    const authorize = async (
      request: FastifyRequest<{ Params: { tenant: string } }>,
      reply: FastifyReply,
    ) => {
      if (await applyFaults(ctx, request, reply, 'authorize')) return;
      const params = { ...(request.query as Params), ...((request.body as Params | undefined) ?? {}) };
      let tenant: Tenant | undefined;
      try {
        tenant = tenantOf(request.params.tenant);
      } catch (error) {
        return reply
          .code(400)
          .type('text/html')
          .send(errorPage('Sign-in failed', (error as Error).message));
      }
      const app = params.client_id ? ctx.store.app(params.client_id) : undefined;
      if (!app || (tenant && app.tenantId !== tenant.id)) {
        return reply
          .code(400)
          .type('text/html')
          .send(
            errorPage(
              'Sign-in failed',
              `AADSTS${AADSTS.appNotFound}: Application with identifier '${params.client_id ?? ''}' was not found in the directory. Check the client id.`,
            ),
          );
      }
      const redirectUri = params.redirect_uri ?? '';
      if (!app.redirectUris.includes(redirectUri)) {
        return reply
          .code(400)
          .type('text/html')
          .send(
            errorPage(
              'Sign-in failed',
              `AADSTS${AADSTS.redirectUriMismatch}: The redirect URI '${redirectUri}' does not match the redirect URIs configured for the application '${app.clientId}'. Register it in the app registration.`,
            ),
          );
      }
      const mode = params.response_mode ?? 'query';
      const respond = (fields: Record<string, string>) => {
        if (params.state !== undefined) fields.state = params.state;
        if (mode === 'form_post') return reply.type('text/html').send(formPostPage(redirectUri, fields));
        const target = new URL(redirectUri);
        if (mode === 'fragment') {
          target.hash = new URLSearchParams(fields).toString();
        } else {
          for (const [k, v] of Object.entries(fields)) target.searchParams.set(k, v);
        }
        return reply.redirect(target.toString(), 302);
      };
      const fail = (error: string, code: number, description: string) =>
        respond({ error, error_description: `AADSTS${code}: ${description}`, error_codes: String(code) });

      if (params.response_type !== 'code') {
        return fail(
          'unsupported_response_type',
          AADSTS.invalidRequest,
          "The sandbox supports response_type 'code' only.",
        );
      }
      if (params.code_challenge && params.code_challenge_method !== 'S256') {
        return fail('invalid_request', AADSTS.pkceMethod, "code_challenge_method must be 'S256'.");
      }
      let scopes: string[];
      try {
        parseScopes(params.scope);
        scopes = (params.scope ?? '').split(/\s+/).filter(Boolean);
      } catch (error) {
        if (error instanceof IdentityError) return fail(error.error, error.aadsts, error.message);
        throw error;
      }
      const tenantRecord = tenant ?? ctx.store.tenantByIdOrDomain(app.tenantId);
      const page = (status: number, error?: string, login?: string) =>
        reply
          .code(status)
          .type('text/html')
          .header('cache-control', 'no-store')
          .send(
            signInPage({
              action: request.url.split('?')[0],
              params: Object.fromEntries(
                Object.entries(params).filter((e): e is [string, string] => typeof e[1] === 'string'),
              ),
              appName: app.displayName,
              scopes,
              tenantName: tenantRecord?.displayName ?? app.tenantId,
              login: login ?? params.login_hint,
              error,
            }),
          );

      if (request.method === 'GET') return page(200);

      const mailbox = checkPassword(ctx.store, params.login ?? '', params.password ?? '');
      if (!mailbox || mailbox.tenantId !== app.tenantId) {
        return page(
          200,
          `AADSTS${AADSTS.badCredentials}: Your account or password is incorrect. Use a sandbox account and its password.`,
          params.login,
        );
      }
      if (params.consent !== 'accept') {
        return fail('access_denied', 65004, 'The user declined to consent to access the app.');
      }
      const code = identity.createAuthorizationCode({
        app,
        mailbox,
        redirectUri,
        scopes,
        codeChallenge: params.code_challenge,
        nonce: params.nonce,
      });
      const fields: Record<string, string> = { code };
      if (params.client_info === '1') {
        fields.client_info = Buffer.from(
          JSON.stringify({ uid: mailbox.id, utid: mailbox.tenantId }),
        ).toString('base64url');
      }
      return respond(fields);
    };
    app.get('/:tenant/oauth2/v2.0/authorize', authorize);
    app.post('/:tenant/oauth2/v2.0/authorize', authorize);

    app.post(
      '/:tenant/oauth2/v2.0/devicecode',
      async (request: FastifyRequest<{ Params: { tenant: string } }>, reply) => {
        if (await applyFaults(ctx, request, reply, 'devicecode')) return;
        try {
          const params = (request.body as Params | undefined) ?? {};
          const tenant = tenantOf(request.params.tenant);
          const clientId = requireParameter(params, 'client_id');
          const registration = ctx.store.app(clientId);
          if (!registration || (tenant && registration.tenantId !== tenant.id)) {
            throw new IdentityError(
              'unauthorized_client',
              AADSTS.appNotFound,
              `Application with identifier '${clientId}' was not found in the directory '${tenant?.domain ?? 'common'}'. Check the client id and the tenant.`,
            );
          }
          const started = identity.startDeviceCode(registration, params.scope);
          const verificationUri = `${origin(request)}/devicelogin`;
          return reply.header('cache-control', 'no-store').send({
            user_code: started.userCode,
            device_code: started.deviceCode,
            verification_uri: verificationUri,
            expires_in: started.expiresIn,
            interval: started.interval,
            message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${started.userCode} to authenticate.`,
          });
        } catch (error) {
          return sendError(reply, error);
        }
      },
    );

    // Home realm discovery, which MSAL asks before the username/password grant: every sandbox
    // account is managed (its password is checked by the sandbox itself, not a federation server).
    app.get(
      '/common/userrealm/:username',
      async (request: FastifyRequest<{ Params: { username: string } }>, reply) => {
        const username = request.params.username;
        const mailbox = ctx.store.mailbox(username);
        const tenant = mailbox ? ctx.store.tenantByIdOrDomain(mailbox.tenantId) : undefined;
        return reply.send({
          ver: '1.0',
          account_type: mailbox ? 'Managed' : 'Unknown',
          domain_name: tenant?.domain ?? username.split('@')[1] ?? '',
          cloud_instance_name: 'microsoftonline.com',
          cloud_audience_urn: 'urn:federation:MicrosoftOnline',
        });
      },
    );

    // Where the user enters a device code, then signs in and consents (Microsoft's /devicelogin).
    const deviceLogin = async (request: FastifyRequest, reply: FastifyReply) => {
      const params = { ...(request.query as Params), ...((request.body as Params | undefined) ?? {}) };
      const page = (status: number, body: string) =>
        reply.code(status).type('text/html').header('cache-control', 'no-store').send(body);
      const userCode = (params.otc ?? '').trim();
      if (request.method === 'GET' || !userCode) return page(200, deviceCodePage({ userCode }));
      const pending = identity.pendingDeviceCode(userCode);
      const registration = pending && ctx.store.app(pending.clientId);
      if (!pending || !registration) {
        return page(
          200,
          deviceCodePage({
            userCode,
            error: `AADSTS${AADSTS.badVerificationCode}: That code didn't work. Check the code on your device and try again; codes expire after 15 minutes.`,
          }),
        );
      }
      const signIn = (error?: string) =>
        page(
          200,
          signInPage({
            action: '/devicelogin',
            params: { otc: userCode },
            appName: registration.displayName,
            scopes: pending.scopes,
            tenantName:
              ctx.store.tenantByIdOrDomain(registration.tenantId)?.displayName ?? registration.tenantId,
            login: params.login,
            error,
          }),
        );
      if (params.consent === 'decline') {
        identity.completeDeviceCode(userCode, 'declined');
        return page(
          200,
          errorPage(
            'Sign-in declined',
            `You declined to sign in to ${registration.displayName}. You can close this window.`,
          ),
        );
      }
      if (params.login === undefined) return signIn();
      const mailbox = checkPassword(ctx.store, params.login, params.password ?? '');
      if (!mailbox || mailbox.tenantId !== registration.tenantId) {
        return signIn(
          `AADSTS${AADSTS.badCredentials}: Your account or password is incorrect. Use a sandbox account and its password.`,
        );
      }
      identity.completeDeviceCode(userCode, { mailbox });
      return page(
        200,
        errorPage(
          registration.displayName,
          `You have signed in to the ${registration.displayName} application on your device. You may now close this window.`,
        ),
      );
    };
    app.get('/devicelogin', deviceLogin);
    app.post('/devicelogin', deviceLogin);

    app.post(
      '/:tenant/oauth2/v2.0/token',
      async (request: FastifyRequest<{ Params: { tenant: string } }>, reply) => {
        if (await applyFaults(ctx, request, reply, 'token')) return;
        try {
          const params = (request.body as Params | undefined) ?? {};
          if (typeof params !== 'object') {
            throw new IdentityError(
              'invalid_request',
              AADSTS.missingParameter,
              "The request body must contain the parameter 'grant_type'.",
            );
          }
          const tenant = tenantOf(request.params.tenant);
          const app = authenticateClient(ctx, request, params, tenant);
          const issuer = `${origin(request)}/${app.registration.tenantId}/v2.0`;
          const clientInfo = params.client_info === '1';
          reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
          switch (params.grant_type) {
            case 'client_credentials':
              if (!app.secretChecked) {
                throw new IdentityError(
                  'invalid_client',
                  7000218,
                  "The request body must contain 'client_secret' or 'client_assertion'.",
                  401,
                );
              }
              return reply.send(identity.clientCredentials(app.registration, params.scope, issuer));
            case 'authorization_code':
              if (!params.code) {
                throw new IdentityError(
                  'invalid_request',
                  AADSTS.missingParameter,
                  "The request body must contain the parameter 'code'.",
                );
              }
              if (!app.secretChecked && !params.code_verifier) {
                throw new IdentityError(
                  'invalid_client',
                  7000218,
                  "The request body must contain 'client_secret' or 'code_verifier'.",
                  401,
                );
              }
              return reply.send(
                identity.redeemAuthorizationCode({
                  app: app.registration,
                  code: params.code,
                  redirectUri: params.redirect_uri,
                  codeVerifier: params.code_verifier,
                  clientInfo,
                  issuer,
                }),
              );
            case 'refresh_token':
              if (!params.refresh_token) {
                throw new IdentityError(
                  'invalid_request',
                  AADSTS.missingParameter,
                  "The request body must contain the parameter 'refresh_token'.",
                );
              }
              return reply.send(
                identity.redeemRefreshToken({
                  app: app.registration,
                  refreshToken: params.refresh_token,
                  scope: params.scope,
                  clientInfo,
                  issuer,
                }),
              );
            case 'password': {
              // Entra takes this grant only where the tenant is known (a tenant or `organizations`).
              if (['common', 'consumers'].includes(request.params.tenant.toLowerCase())) {
                throw new IdentityError(
                  'invalid_request',
                  AADSTS.grantNotOverCommon,
                  'The grant type is not supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.',
                );
              }
              requirePublicClientOrSecret(app);
              const username = requireParameter(params, 'username');
              const mailbox = checkPassword(ctx.store, username, requireParameter(params, 'password'));
              if (!mailbox || mailbox.tenantId !== app.registration.tenantId) {
                throw new IdentityError(
                  'invalid_grant',
                  AADSTS.badCredentials,
                  'Error validating credentials due to invalid username or password. Check the username and password.',
                );
              }
              return reply.send(
                identity.passwordGrant({
                  app: app.registration,
                  mailbox,
                  scope: params.scope,
                  clientInfo,
                  issuer,
                }),
              );
            }
            case DEVICE_CODE_GRANT:
            case 'device_code':
              requirePublicClientOrSecret(app);
              return reply.send(
                identity.redeemDeviceCode({
                  app: app.registration,
                  deviceCode: requireParameter(params, 'device_code'),
                  clientInfo,
                  issuer,
                }),
              );
            case undefined:
              throw new IdentityError(
                'invalid_request',
                AADSTS.missingParameter,
                "The request body must contain the parameter 'grant_type'.",
              );
            default:
              throw new IdentityError(
                'unsupported_grant_type',
                AADSTS.unsupportedGrantType,
                `The grant type '${params.grant_type}' is not supported; use authorization_code, refresh_token, client_credentials, password or ${DEVICE_CODE_GRANT}.`,
              );
          }
        } catch (error) {
          return sendError(reply, error);
        }
      },
    );
  };
}

function authenticateClient(
  ctx: SandboxContext,
  request: FastifyRequest,
  params: Params,
  tenant: Tenant | undefined,
): { registration: AppRegistration; secretChecked: boolean } {
  let clientId = params.client_id;
  let secret = params.client_secret;
  const basic = /^Basic (.+)$/i.exec(request.headers.authorization ?? '');
  if (basic) {
    const [id, ...rest] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
    clientId ??= decodeURIComponent(id);
    secret ??= decodeURIComponent(rest.join(':'));
  }
  if (!clientId) {
    throw new IdentityError(
      'invalid_request',
      AADSTS.missingParameter,
      "The request body must contain the parameter 'client_id'.",
    );
  }
  const registration = ctx.store.app(clientId);
  if (!registration || (tenant && registration.tenantId !== tenant.id)) {
    throw new IdentityError(
      'unauthorized_client',
      AADSTS.appNotFound,
      `Application with identifier '${clientId}' was not found in the directory '${tenant?.domain ?? 'common'}'. Check the client id and the tenant.`,
    );
  }
  if (secret !== undefined && secret !== registration.clientSecret) {
    throw new IdentityError(
      'invalid_client',
      AADSTS.badClientSecret,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
      401,
    );
  }
  return { registration, secretChecked: secret !== undefined };
}

function timestamp(ctx: SandboxContext): string {
  return new Date(ctx.now())
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}
