// Bearer tokens, the mailbox a request addresses, and Graph's permission names.
import type { SandboxContext, TokenClaims } from '../context.ts';
import type { Mailbox } from '../model.ts';
import { accessDenied, badRequest, GraphError } from './errors.ts';

const GRAPH_AUDIENCES = new Set([
  'https://graph.microsoft.com',
  'https://graph.microsoft.com/',
  '00000003-0000-0000-c000-000000000000',
]);

const WWW_AUTHENTICATE =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", ' +
  'client_id="00000003-0000-0000-c000-000000000000"';

function unauthorized(message: string): GraphError {
  return new GraphError(401, 'InvalidAuthenticationToken', message, { 'WWW-Authenticate': WWW_AUTHENTICATE });
}

export function authenticate(ctx: SandboxContext, authorization: string | undefined): TokenClaims {
  if (!authorization)
    throw unauthorized('Access token is empty. Send the token in an Authorization: Bearer header.');
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!m) throw unauthorized('Access token is empty. Send the token in an Authorization: Bearer header.');
  const claims = ctx.tokens.verify(m[1]);
  if (!claims) {
    throw unauthorized(
      'Access token validation failure: the token is malformed, expired, revoked or not signed by this tenant. Get a new token.',
    );
  }
  if (!GRAPH_AUDIENCES.has(claims.audience)) {
    throw unauthorized(
      'Access token validation failure. Invalid audience: request the token for https://graph.microsoft.com.',
    );
  }
  return claims;
}

export const isAppOnly = (claims: TokenClaims): boolean => claims.mailboxId === undefined;

/** Resolves `/me` or `/users/{id or userPrincipalName}` and checks the caller may open it. */
export function resolveMailbox(ctx: SandboxContext, claims: TokenClaims, principal: string | 'me'): Mailbox {
  if (principal === 'me') {
    if (isAppOnly(claims)) {
      throw badRequest(
        '/me request is only valid with delegated authentication flow. Use /users/{id} with an application token.',
      );
    }
    const mailbox = ctx.store.mailbox(claims.mailboxId!);
    if (!mailbox)
      throw new GraphError(404, 'ErrorInvalidUser', 'The signed-in user has no mailbox in this sandbox.');
    return mailbox;
  }
  const mailbox = ctx.store.mailbox(principal);
  if (!mailbox || mailbox.tenantId !== claims.tenantId) {
    throw new GraphError(404, 'ErrorInvalidUser', `The requested user '${principal}' is invalid.`);
  }
  if (!isAppOnly(claims) && mailbox.id !== claims.mailboxId) {
    // Delegated access to another mailbox needs delegate rights; the sandbox grants them to
    // mailboxes that may impersonate (its stand-in for full-access permission).
    const self = ctx.store.mailbox(claims.mailboxId!);
    if (!self?.canImpersonate) throw accessDenied();
  }
  return mailbox;
}

/**
 * Whether the token carries one of `permissions`: delegated tokens by `scp`, application tokens
 * by `roles`. Delegated access to another user's mailbox also accepts the `.Shared` variants.
 */
export function hasPermission(claims: TokenClaims, permissions: readonly string[]): boolean {
  if (permissions.length === 0) return true;
  const granted = new Set((isAppOnly(claims) ? claims.roles : claims.scopes).map((p) => p.toLowerCase()));
  return permissions.some((p) => granted.has(p.toLowerCase()) || granted.has(p.toLowerCase() + '.shared'));
}

export const PERMISSIONS = {
  contactsRead: ['Contacts.Read', 'Contacts.ReadWrite'],
  contactsWrite: ['Contacts.ReadWrite'],
  calendarsRead: ['Calendars.Read', 'Calendars.ReadWrite'],
  calendarsWrite: ['Calendars.ReadWrite'],
  schedule: ['Calendars.ReadBasic', 'Calendars.Read', 'Calendars.ReadWrite'],
  tasksRead: ['Tasks.Read', 'Tasks.ReadWrite'],
  tasksWrite: ['Tasks.ReadWrite'],
  mailRead: ['Mail.Read', 'Mail.ReadWrite'],
  mailWrite: ['Mail.ReadWrite'],
  mailSend: ['Mail.Send'],
  mailboxSettingsRead: ['MailboxSettings.Read', 'MailboxSettings.ReadWrite'],
  userRead: [
    'User.Read',
    'User.ReadWrite',
    'User.ReadBasic.All',
    'User.Read.All',
    'User.ReadWrite.All',
    'Directory.Read.All',
  ],
  usersRead: ['User.ReadBasic.All', 'User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All'],
} as const;
