// The identity platform answers errors as `{error, error_description, error_codes, …}` with an
// AADSTS code, which client libraries surface to their callers; Exsync recognises them by code.

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'unsupported_response_type'
  | 'authorization_pending'
  | 'authorization_declined'
  | 'bad_verification_code'
  | 'expired_token';

export class IdentityError extends Error {
  readonly error: OAuthErrorCode;
  readonly aadsts: number;
  readonly status: number;
  /** Entra's `suberror` (e.g. `basic_action` when MFA is required), which MSAL passes on. */
  readonly suberror?: string;
  constructor(error: OAuthErrorCode, aadsts: number, description: string, status = 400, suberror?: string) {
    super(`AADSTS${aadsts}: ${description}`);
    this.name = 'IdentityError';
    this.error = error;
    this.aadsts = aadsts;
    this.status = status;
    if (suberror) this.suberror = suberror;
  }
}

/** Well-known AADSTS codes the sandbox uses. */
export const AADSTS = {
  tenantNotFound: 90002,
  missingParameter: 900144,
  appNotFound: 700016,
  badClientSecret: 7000215,
  redirectUriMismatch: 50011,
  badCredentials: 50126,
  userNotFound: 50034,
  grantExpired: 70008,
  grantRevoked: 50173,
  codeRedeemed: 54005,
  codeVerifierMismatch: 501481,
  invalidScope: 70011,
  scopeMixesResources: 28000,
  unsupportedGrantType: 70003,
  pkceMethod: 5000331,
  invalidRequest: 9002313,
  mfaRequired: 50076,
  grantNotOverCommon: 9001023,
  clientSecretRequired: 7000218,
  authorizationPending: 70016,
  badVerificationCode: 70018,
  deviceCodeExpired: 70019,
  userDeclined: 65004,
} as const;
