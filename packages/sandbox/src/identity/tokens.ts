// Issues and checks the identity platform's tokens: access tokens (JWT), id tokens,
// authorization codes and rotating refresh tokens, with revocation per mailbox or per token.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { TokenClaims, TokenVerifier } from '../context.ts';
import type { AppRegistration, Mailbox } from '../model.ts';
import type { SandboxStore } from '../store-api.ts';
import { AADSTS, IdentityError } from './errors.ts';
import {
  generateSigningKey,
  type SigningKey,
  signingKeyFromPem,
  signingKeyToPem,
  signJwt,
  verifyJwt,
} from './jwt.ts';
import { parseScopes, type ResolvedScopes } from './scopes.ts';

export interface IdentityOptions {
  store: SandboxStore;
  now?: () => number;
  /** Access token lifetime in seconds (default 3600). */
  accessTokenLifetimeSec?: number;
  /** Refresh token lifetime in seconds (default 90 days). */
  refreshTokenLifetimeSec?: number;
  state?: IdentityState;
}

/** What survives a restart with a data file: the signing key and the live grants. */
export interface IdentityState {
  signingKeyPem: string;
  sessions: Session[];
  refreshTokens: RefreshGrant[];
}

interface Session {
  sid: string;
  mailboxId: string;
  tenantId: string;
  clientId: string;
  revoked: boolean;
}

interface RefreshGrant {
  hash: string;
  sid: string;
  clientId: string;
  scopes: string[];
  expiresAt: number;
  state: 'active' | 'rotated' | 'revoked';
}

interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  sid: string;
  scopes: string[];
  codeChallenge?: string;
  nonce?: string;
  expiresAt: number;
  redeemed: boolean;
}

export interface TokenResponse {
  token_type: 'Bearer';
  scope: string;
  expires_in: number;
  ext_expires_in: number;
  access_token: string;
  refresh_token?: string;
  refresh_token_expires_in?: number;
  id_token?: string;
  client_info?: string;
}

interface DeviceCodeGrant {
  clientId: string;
  userCode: string;
  scopes: string[];
  expiresAt: number;
  state: 'pending' | 'approved' | 'declined' | 'redeemed';
  sid?: string;
}

export interface DeviceCodeStart {
  deviceCode: string;
  userCode: string;
  expiresIn: number;
  interval: number;
}

const CODE_LIFETIME_MS = 10 * 60_000;
/** Entra gives the user 15 minutes to enter a device code; clients poll every 5 seconds. */
const DEVICE_CODE_LIFETIME_SEC = 15 * 60;
const DEVICE_CODE_INTERVAL_SEC = 5;
/** User codes as Entra writes them: nine letters and digits without look-alikes. */
const USER_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

export class IdentityService implements TokenVerifier {
  readonly key: SigningKey;
  private readonly store: SandboxStore;
  private readonly now: () => number;
  private readonly accessLifetime: number;
  private readonly refreshLifetime: number;
  private readonly sessions = new Map<string, Session>();
  private readonly refreshTokens = new Map<string, RefreshGrant>();
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly deviceCodes = new Map<string, DeviceCodeGrant>();
  private readonly userCodes = new Map<string, string>();
  private readonly changeListeners = new Set<() => void>();

  constructor(options: IdentityOptions) {
    this.store = options.store;
    this.now = options.now ?? Date.now;
    this.accessLifetime = options.accessTokenLifetimeSec ?? 3600;
    this.refreshLifetime = options.refreshTokenLifetimeSec ?? 90 * 24 * 3600;
    this.key = options.state ? signingKeyFromPem(options.state.signingKeyPem) : generateSigningKey();
    for (const s of options.state?.sessions ?? []) this.sessions.set(s.sid, { ...s });
    for (const r of options.state?.refreshTokens ?? [])
      this.refreshTokens.set(r.hash, { ...r, scopes: [...r.scopes] });
  }

  /** Called after grants change, so a data file can be saved. */
  onGrantsChanged(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  state(): IdentityState {
    return {
      signingKeyPem: signingKeyToPem(this.key),
      sessions: [...this.sessions.values()].map((s) => ({ ...s })),
      refreshTokens: [...this.refreshTokens.values()]
        .filter((r) => r.state === 'active' && r.expiresAt > this.now())
        .map((r) => ({ ...r, scopes: [...r.scopes] })),
    };
  }

  // ---- app-only ----

  clientCredentials(app: AppRegistration, scope: string | undefined, issuer: string): TokenResponse {
    const resolved = parseScopes(scope);
    if (!resolved.isDefault || resolved.resourceScopes.length !== 1) {
      throw new IdentityError(
        'invalid_scope',
        AADSTS.invalidScope,
        `The scope '${scope ?? ''}' is not valid for client credentials: ask for '<resource>/.default', e.g. https://graph.microsoft.com/.default.`,
      );
    }
    const iat = Math.floor(this.now() / 1000);
    const claims = {
      aud: resolved.resource,
      iss: issuer,
      iat,
      nbf: iat,
      exp: iat + this.accessLifetime,
      tid: app.tenantId,
      oid: objectIdOfApp(app),
      sub: objectIdOfApp(app),
      idtyp: 'app',
      appid: app.clientId,
      azp: app.clientId,
      app_displayname: app.displayName,
      roles: [...app.applicationPermissions],
      uti: randomBytes(16).toString('base64url'),
      ver: '2.0',
    };
    return {
      token_type: 'Bearer',
      scope: resolved.resourceScopes[0],
      expires_in: this.accessLifetime,
      ext_expires_in: this.accessLifetime,
      access_token: signJwt(this.key, claims),
    };
  }

  // ---- delegated ----

  /** After a successful sign-in: a code to redeem at the token endpoint. */
  createAuthorizationCode(input: {
    app: AppRegistration;
    mailbox: Mailbox;
    redirectUri: string;
    scopes: string[];
    codeChallenge?: string;
    nonce?: string;
  }): string {
    const session = this.newSession(input.app, input.mailbox);
    const code = '1.A' + randomBytes(48).toString('base64url');
    this.codes.set(sha256(code), {
      clientId: input.app.clientId,
      redirectUri: input.redirectUri,
      sid: session.sid,
      scopes: input.scopes,
      codeChallenge: input.codeChallenge,
      nonce: input.nonce,
      expiresAt: this.now() + CODE_LIFETIME_MS,
      redeemed: false,
    });
    this.pruneCodes();
    this.grantsChanged();
    return code;
  }

  redeemAuthorizationCode(input: {
    app: AppRegistration;
    code: string;
    redirectUri: string | undefined;
    codeVerifier: string | undefined;
    clientInfo: boolean;
    issuer: string;
  }): TokenResponse {
    const grant = this.codes.get(sha256(input.code));
    if (!grant || grant.clientId !== input.app.clientId) {
      throw new IdentityError(
        'invalid_grant',
        AADSTS.grantExpired,
        'The provided authorization code is not valid. Sign in again.',
      );
    }
    if (grant.redeemed) {
      throw new IdentityError(
        'invalid_grant',
        AADSTS.codeRedeemed,
        'The authorization code was already redeemed. Sign in again.',
      );
    }
    if (grant.expiresAt < this.now()) {
      throw new IdentityError(
        'invalid_grant',
        AADSTS.grantExpired,
        'The authorization code has expired. Sign in again.',
      );
    }
    if (input.redirectUri !== grant.redirectUri) {
      throw new IdentityError(
        'invalid_grant',
        AADSTS.redirectUriMismatch,
        'The redirect_uri does not match the one used to obtain the authorization code.',
      );
    }
    if (grant.codeChallenge !== undefined) {
      if (!input.codeVerifier || sha256(input.codeVerifier) !== grant.codeChallenge) {
        throw new IdentityError(
          'invalid_grant',
          AADSTS.codeVerifierMismatch,
          'The code_verifier does not match the code_challenge supplied in the authorization request.',
        );
      }
    }
    grant.redeemed = true;
    const session = this.requireSession(grant.sid);
    return this.delegatedTokens(session, grant.scopes, input.issuer, input.clientInfo, grant.nonce);
  }

  /**
   * The username/password grant (ROPC): the password was checked by the caller. Refused for
   * accounts that must use multi-factor authentication, as Entra refuses them.
   */
  passwordGrant(input: {
    app: AppRegistration;
    mailbox: Mailbox;
    scope: string | undefined;
    clientInfo: boolean;
    issuer: string;
  }): TokenResponse {
    if (input.mailbox.requiresMfa) {
      throw new IdentityError(
        'invalid_grant',
        AADSTS.mfaRequired,
        "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '00000003-0000-0000-c000-000000000000'. Sign in interactively (authorization code or device code flow) instead of with a password.",
        400,
        'basic_action',
      );
    }
    const scopes = (input.scope ?? '').split(/\s+/).filter(Boolean);
    parseScopes(input.scope);
    const session = this.newSession(input.app, input.mailbox);
    this.grantsChanged();
    return this.delegatedTokens(session, scopes, input.issuer, input.clientInfo);
  }

  /** Starts the device code flow: a code for the device to poll with and one for the user to enter. */
  startDeviceCode(app: AppRegistration, scope: string | undefined): DeviceCodeStart {
    parseScopes(scope);
    const deviceCode = 'DAQABAAEAAA' + randomBytes(48).toString('base64url');
    let userCode: string;
    do {
      userCode = [...randomBytes(9)].map((b) => USER_CODE_ALPHABET[b % USER_CODE_ALPHABET.length]).join('');
    } while (this.userCodes.has(userCode));
    this.pruneDeviceCodes();
    this.deviceCodes.set(sha256(deviceCode), {
      clientId: app.clientId,
      userCode,
      scopes: (scope ?? '').split(/\s+/).filter(Boolean),
      expiresAt: this.now() + DEVICE_CODE_LIFETIME_SEC * 1000,
      state: 'pending',
    });
    this.userCodes.set(userCode, sha256(deviceCode));
    return { deviceCode, userCode, expiresIn: DEVICE_CODE_LIFETIME_SEC, interval: DEVICE_CODE_INTERVAL_SEC };
  }

  /** The pending request a user code names, for the code entry page; undefined if unknown or expired. */
  pendingDeviceCode(userCode: string): { clientId: string; scopes: string[] } | undefined {
    const grant = this.deviceGrantByUserCode(userCode);
    if (grant?.state !== 'pending' || grant.expiresAt < this.now()) return undefined;
    return { clientId: grant.clientId, scopes: [...grant.scopes] };
  }

  /** The user entered the code and signed in (approve) or declined. */
  completeDeviceCode(userCode: string, outcome: { mailbox: Mailbox } | 'declined'): boolean {
    const grant = this.deviceGrantByUserCode(userCode);
    if (grant?.state !== 'pending' || grant.expiresAt < this.now()) return false;
    if (outcome === 'declined') {
      grant.state = 'declined';
      return true;
    }
    const app = this.store.app(grant.clientId);
    if (!app) return false;
    grant.sid = this.newSession(app, outcome.mailbox).sid;
    grant.state = 'approved';
    this.grantsChanged();
    return true;
  }

  /** The device polls: pending, declined, expired, or the tokens once the user signed in. */
  redeemDeviceCode(input: {
    app: AppRegistration;
    deviceCode: string;
    clientInfo: boolean;
    issuer: string;
  }): TokenResponse {
    const grant = this.deviceCodes.get(sha256(input.deviceCode));
    if (!grant || grant.clientId !== input.app.clientId) {
      throw new IdentityError(
        'bad_verification_code',
        AADSTS.badVerificationCode,
        "The provided value for the input parameter 'device_code' is not valid. Start the device code flow again.",
      );
    }
    if (grant.state === 'redeemed') {
      throw new IdentityError(
        'invalid_grant',
        AADSTS.codeRedeemed,
        'The device code was already redeemed. Start the device code flow again.',
      );
    }
    if (grant.expiresAt < this.now()) {
      throw new IdentityError(
        'expired_token',
        AADSTS.deviceCodeExpired,
        'Verification code expired. Start the device code flow again and have the user enter the new code within 15 minutes.',
      );
    }
    if (grant.state === 'declined') {
      throw new IdentityError(
        'authorization_declined',
        AADSTS.userDeclined,
        'The user declined to authorize the request. Start the device code flow again if they change their mind.',
      );
    }
    if (grant.state === 'pending') {
      throw new IdentityError(
        'authorization_pending',
        AADSTS.authorizationPending,
        'The provided request has not yet been authorized by the user. The user must input their code.',
      );
    }
    grant.state = 'redeemed';
    const session = this.requireSession(grant.sid!);
    return this.delegatedTokens(session, grant.scopes, input.issuer, input.clientInfo);
  }

  redeemRefreshToken(input: {
    app: AppRegistration;
    refreshToken: string;
    scope: string | undefined;
    clientInfo: boolean;
    issuer: string;
  }): TokenResponse {
    const grant = this.refreshTokens.get(sha256(input.refreshToken ?? ''));
    if (!grant || grant.clientId !== input.app.clientId) {
      throw new IdentityError(
        'invalid_grant',
        AADSTS.grantExpired,
        'The provided refresh token is not valid. The user must sign in again.',
      );
    }
    if (grant.state === 'revoked' || this.sessions.get(grant.sid)?.revoked) {
      throw new IdentityError(
        'invalid_grant',
        AADSTS.grantRevoked,
        'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user must sign in again.',
      );
    }
    if (grant.state === 'rotated' || grant.expiresAt < this.now()) {
      throw new IdentityError(
        'invalid_grant',
        AADSTS.grantExpired,
        'The provided refresh token has expired or was already used. The user must sign in again.',
      );
    }
    const session = this.requireSession(grant.sid);
    grant.state = 'rotated';
    const scopes = input.scope ? input.scope.split(/\s+/).filter(Boolean) : grant.scopes;
    return this.delegatedTokens(session, scopes, input.issuer, input.clientInfo);
  }

  /** Revokes every grant of a mailbox: refresh tokens and the access tokens issued with them. */
  revokeMailbox(mailboxId: string): number {
    let count = 0;
    for (const session of this.sessions.values()) {
      if (session.mailboxId === mailboxId && !session.revoked) {
        session.revoked = true;
        count++;
      }
    }
    for (const grant of this.refreshTokens.values()) {
      if (this.sessions.get(grant.sid)?.mailboxId === mailboxId && grant.state === 'active')
        grant.state = 'revoked';
    }
    this.grantsChanged();
    return count;
  }

  /** Revokes one refresh token; the access tokens already issued stay valid until they expire. */
  revokeRefreshToken(refreshToken: string): boolean {
    const grant = this.refreshTokens.get(sha256(refreshToken));
    if (grant?.state !== 'active') return false;
    grant.state = 'revoked';
    this.grantsChanged();
    return true;
  }

  verify(accessToken: string): TokenClaims | undefined {
    const claims = verifyJwt(this.key, accessToken);
    if (!claims) return undefined;
    const nowSec = this.now() / 1000;
    if (typeof claims.exp !== 'number' || claims.exp <= nowSec) return undefined;
    if (typeof claims.nbf === 'number' && claims.nbf > nowSec + 300) return undefined;
    let mailboxId: string | undefined;
    if (typeof claims.sid === 'string') {
      const session = this.sessions.get(claims.sid);
      if (!session || session.revoked) return undefined;
      mailboxId = session.mailboxId;
    }
    return {
      tenantId: String(claims.tid),
      appId: String(claims.appid ?? claims.azp),
      mailboxId,
      scopes: typeof claims.scp === 'string' ? claims.scp.split(' ').filter(Boolean) : [],
      roles: Array.isArray(claims.roles) ? claims.roles.map(String) : [],
      audience: String(claims.aud),
    };
  }

  private delegatedTokens(
    session: Session,
    requested: string[],
    issuer: string,
    clientInfo: boolean,
    nonce?: string,
  ): TokenResponse {
    const mailbox = this.store.mailbox(session.mailboxId);
    const app = this.store.app(session.clientId);
    if (!mailbox || !app) {
      throw new IdentityError(
        'invalid_grant',
        AADSTS.userNotFound,
        'The user or the application of this grant no longer exists.',
      );
    }
    const resolved: ResolvedScopes = parseScopes(requested.join(' '));
    const granted = resolved.isDefault
      ? [...new Set(['User.Read', ...app.applicationPermissions])]
      : resolved.resourceScopes.length > 0
        ? resolved.resourceScopes
        : ['User.Read'];
    const iat = Math.floor(this.now() / 1000);
    const access = {
      aud: resolved.resource,
      iss: issuer,
      iat,
      nbf: iat,
      exp: iat + this.accessLifetime,
      tid: mailbox.tenantId,
      oid: mailbox.id,
      sub: sha256(`${mailbox.id}:${app.clientId}`).slice(0, 43),
      upn: mailbox.address,
      preferred_username: mailbox.address,
      unique_name: mailbox.address,
      name: mailbox.displayName,
      idtyp: 'user',
      scp: granted.join(' '),
      appid: app.clientId,
      azp: app.clientId,
      app_displayname: app.displayName,
      sid: session.sid,
      uti: randomBytes(16).toString('base64url'),
      ver: '2.0',
    };
    const response: TokenResponse = {
      token_type: 'Bearer',
      scope: [
        ...granted.map((s) =>
          resolved.resource === 'https://graph.microsoft.com' ? s : `${resolved.resource}/${s}`,
        ),
        ...resolved.oidcScopes.filter((s) => s !== 'offline_access'),
      ].join(' '),
      expires_in: this.accessLifetime,
      ext_expires_in: this.accessLifetime,
      access_token: signJwt(this.key, access),
    };
    if (resolved.oidcScopes.includes('offline_access')) {
      const refreshToken = '0.A' + randomBytes(64).toString('base64url');
      this.refreshTokens.set(sha256(refreshToken), {
        hash: sha256(refreshToken),
        sid: session.sid,
        clientId: app.clientId,
        scopes: requested,
        expiresAt: this.now() + this.refreshLifetime * 1000,
        state: 'active',
      });
      response.refresh_token = refreshToken;
      response.refresh_token_expires_in = this.refreshLifetime;
    }
    if (resolved.oidcScopes.includes('openid')) {
      response.id_token = signJwt(this.key, {
        aud: app.clientId,
        iss: issuer,
        iat,
        nbf: iat,
        exp: iat + this.accessLifetime,
        tid: mailbox.tenantId,
        oid: mailbox.id,
        sub: access.sub,
        name: mailbox.displayName,
        preferred_username: mailbox.address,
        email: mailbox.address,
        sid: session.sid,
        ver: '2.0',
        ...(nonce ? { nonce } : {}),
      });
    }
    if (clientInfo) {
      response.client_info = Buffer.from(
        JSON.stringify({ uid: mailbox.id, utid: mailbox.tenantId }),
      ).toString('base64url');
    }
    this.grantsChanged();
    return response;
  }

  private newSession(app: AppRegistration, mailbox: Mailbox): Session {
    const session: Session = {
      sid: randomUUID(),
      mailboxId: mailbox.id,
      tenantId: mailbox.tenantId,
      clientId: app.clientId,
      revoked: false,
    };
    this.sessions.set(session.sid, session);
    return session;
  }

  private deviceGrantByUserCode(userCode: string): DeviceCodeGrant | undefined {
    const hash = this.userCodes.get(userCode.replace(/[\s-]/g, '').toUpperCase());
    return hash ? this.deviceCodes.get(hash) : undefined;
  }

  private pruneDeviceCodes(): void {
    const now = this.now();
    for (const [hash, grant] of this.deviceCodes) {
      // Kept an hour past expiry so late polls still learn `expired_token`.
      if (grant.expiresAt + 3_600_000 < now) {
        this.deviceCodes.delete(hash);
        this.userCodes.delete(grant.userCode);
      }
    }
  }

  private requireSession(sid: string): Session {
    const session = this.sessions.get(sid);
    if (!session)
      throw new IdentityError(
        'invalid_grant',
        AADSTS.grantExpired,
        'The sign-in session is gone. Sign in again.',
      );
    if (session.revoked) {
      throw new IdentityError(
        'invalid_grant',
        AADSTS.grantRevoked,
        'The grant was revoked. The user must sign in again.',
      );
    }
    return session;
  }

  private pruneCodes(): void {
    const now = this.now();
    for (const [hash, code] of this.codes) if (code.expiresAt < now) this.codes.delete(hash);
  }

  private grantsChanged(): void {
    for (const listener of this.changeListeners) listener();
  }
}

/** A stable object id for an app's service principal. */
function objectIdOfApp(app: AppRegistration): string {
  const h = createHash('sha256').update(`sp:${app.clientId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
