export { AADSTS, IdentityError, type OAuthErrorCode } from './errors.ts';
export { createIdentityFrontEnd } from './front-end.ts';
export { checkPassword, findMailboxByLogin } from './passwords.ts';
export { GRAPH_RESOURCE, OUTLOOK_RESOURCE, parseScopes } from './scopes.ts';
export { generateLoopbackCertificate, listenHttpAndHttps, type TlsMaterial } from './tls.ts';
export { type IdentityOptions, IdentityService, type IdentityState, type TokenResponse } from './tokens.ts';
