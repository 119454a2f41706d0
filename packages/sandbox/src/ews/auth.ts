// Who is calling: Basic, NTLM (connection-based, as IIS does it) or Bearer tokens from the
// sandbox's identity platform.

import type { Socket } from 'node:net';
import {
  challengeMessage,
  messageType,
  NtlmError,
  readAuthenticateMessage,
  verifyNtlmV2,
} from '@exsync/common/ntlm/messages';
import type { SandboxContext, TokenClaims } from '../context.ts';
import { checkPassword, findMailboxByLogin } from '../identity/index.ts';
import type { Mailbox } from '../model.ts';

export type Caller =
  | { kind: 'user'; mailbox: Mailbox; scheme: 'basic' | 'ntlm' | 'bearer' }
  /** App-only token (full_access_as_app): must name the mailbox with ExchangeImpersonation. */
  | { kind: 'app'; tenantId: string; appId: string };

export type AuthOutcome =
  | { ok: true; caller: Caller }
  | { ok: false; status: 401; headers: Record<string, string | string[]>; reason: string };

export const EWS_AUDIENCES = ['https://outlook.office365.com', 'https://outlook.office.com'];
export const EWS_DELEGATED_SCOPE = 'EWS.AccessAsUser.All';
export const EWS_APP_ROLE = 'full_access_as_app';

interface NtlmConnection {
  serverChallenge?: Buffer;
  /** Set once the handshake succeeded: later requests on the socket are this mailbox. */
  mailboxId?: string;
}

export class Authenticator {
  private readonly connections = new WeakMap<Socket, NtlmConnection>();
  private readonly ctx: SandboxContext;
  private readonly realm: string;

  constructor(ctx: SandboxContext, realm = 'example.test') {
    this.ctx = ctx;
    this.realm = realm;
  }

  private challengeHeaders(extra?: string): Record<string, string | string[]> {
    return {
      'www-authenticate': extra
        ? [extra]
        : [
            'Negotiate',
            'NTLM',
            `Basic realm="${this.ctx.baseUrl().replace(/^https?:\/\//, '') || this.realm}"`,
            'Bearer',
          ],
    };
  }

  private refuse(reason: string, extra?: string): AuthOutcome {
    return { ok: false, status: 401, headers: this.challengeHeaders(extra), reason };
  }

  authenticate(authorization: string | undefined, socket: Socket): AuthOutcome {
    const connection = this.connections.get(socket);
    if (!authorization) {
      if (connection?.mailboxId) {
        const mailbox = this.ctx.store.mailbox(connection.mailboxId);
        if (mailbox) return { ok: true, caller: { kind: 'user', mailbox, scheme: 'ntlm' } };
      }
      return this.refuse('The request has no credentials. Sign in with Basic, NTLM or a Bearer token.');
    }
    const space = authorization.indexOf(' ');
    const scheme = (space < 0 ? authorization : authorization.slice(0, space)).toLowerCase();
    const value = space < 0 ? '' : authorization.slice(space + 1).trim();
    switch (scheme) {
      case 'basic':
        return this.basic(value);
      case 'bearer':
        return this.bearer(value);
      case 'ntlm':
      case 'negotiate':
        return this.ntlm(value, socket, scheme === 'ntlm' ? 'NTLM' : 'Negotiate');
      default:
        return this.refuse(
          `The authentication scheme "${scheme}" is not supported. Use Basic, NTLM or Bearer.`,
        );
    }
  }

  private basic(value: string): AuthOutcome {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0)
      return this.refuse('The Basic credentials are malformed: expected base64 of "login:password".');
    const mailbox = checkPassword(this.ctx.store, decoded.slice(0, colon), decoded.slice(colon + 1));
    if (!mailbox) return this.refuse('The login or password is wrong.');
    return { ok: true, caller: { kind: 'user', mailbox, scheme: 'basic' } };
  }

  private bearer(token: string): AuthOutcome {
    const claims: TokenClaims | undefined = this.ctx.tokens.verify(token);
    const invalid = (why: string) =>
      this.refuse(why, `Bearer error="invalid_token", error_description="${why.replace(/"/g, "'")}"`);
    if (!claims)
      return invalid('The access token is malformed, expired, revoked or not signed by the sandbox.');
    const audience = claims.audience.replace(/\/$/, '');
    if (!EWS_AUDIENCES.includes(audience) && audience !== this.ctx.baseUrl()) {
      return invalid(
        `The token is for ${claims.audience}; EWS needs a token for https://outlook.office365.com.`,
      );
    }
    if (claims.mailboxId) {
      if (!claims.scopes.includes(EWS_DELEGATED_SCOPE)) {
        return invalid(`The token lacks the ${EWS_DELEGATED_SCOPE} scope.`);
      }
      const mailbox = this.ctx.store.mailbox(claims.mailboxId);
      if (!mailbox) return invalid('The signed-in mailbox no longer exists.');
      return { ok: true, caller: { kind: 'user', mailbox, scheme: 'bearer' } };
    }
    if (!claims.roles.includes(EWS_APP_ROLE)) {
      return invalid(`The app-only token lacks the ${EWS_APP_ROLE} application permission.`);
    }
    return { ok: true, caller: { kind: 'app', tenantId: claims.tenantId, appId: claims.appId } };
  }

  private ntlm(value: string, socket: Socket, scheme: 'NTLM' | 'Negotiate'): AuthOutcome {
    let token: Buffer;
    try {
      token = Buffer.from(value, 'base64');
    } catch {
      return this.refuse('The NTLM token is not base64.');
    }
    const type = messageType(token);
    if (type === 1) {
      const domain = this.realm.split('.')[0];
      const challenge = challengeMessage(
        token.length >= 16 ? token.readUInt32LE(12) : 0,
        domain,
        'EXSYNC-SANDBOX',
        this.ctx.now(),
      );
      this.connections.set(socket, { serverChallenge: challenge.serverChallenge });
      return this.refuse('NTLM challenge issued.', `${scheme} ${challenge.token.toString('base64')}`);
    }
    if (type === 3) {
      const connection = this.connections.get(socket);
      if (!connection?.serverChallenge) {
        return this.refuse(
          'The NTLM AUTHENTICATE message came without a challenge on this connection; start over with NEGOTIATE.',
        );
      }
      try {
        const message = readAuthenticateMessage(token);
        const login =
          message.user.includes('@') || !message.domain ? message.user : `${message.domain}\\${message.user}`;
        const mailbox =
          findMailboxByLogin(this.ctx.store, login) ?? findMailboxByLogin(this.ctx.store, message.user);
        const serverChallenge = connection.serverChallenge;
        connection.serverChallenge = undefined;
        if (!mailbox || !verifyNtlmV2(message, serverChallenge, mailbox.password)) {
          return this.refuse('The NTLM login or password is wrong.');
        }
        connection.mailboxId = mailbox.id;
        return { ok: true, caller: { kind: 'user', mailbox, scheme: 'ntlm' } };
      } catch (error) {
        if (error instanceof NtlmError) return this.refuse(`The NTLM message is invalid: ${error.message}`);
        throw error;
      }
    }
    return this.refuse('Expected an NTLM NEGOTIATE or AUTHENTICATE message.');
  }
}
