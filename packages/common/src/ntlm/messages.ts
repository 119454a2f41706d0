// NTLM (MS-NLMP) for HTTP authentication, both halves: the client (client.ts, used by the EWS
// connector) and the server (this file's challenge and NTLMv2 verification, used by the
// sandbox). Only NTLMv2 without signing or sealing: EWS runs over TLS.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { md4 } from './md4.ts';

export const SIGNATURE = Buffer.from('NTLMSSP\0', 'latin1');

export const NEGOTIATE_UNICODE = 0x00000001;
export const REQUEST_TARGET = 0x00000004;
export const NEGOTIATE_NTLM = 0x00000200;
export const NEGOTIATE_ALWAYS_SIGN = 0x00008000;
export const TARGET_TYPE_DOMAIN = 0x00010000;
export const NEGOTIATE_EXTENDED_SESSIONSECURITY = 0x00080000;
export const NEGOTIATE_TARGET_INFO = 0x00800000;
export const NEGOTIATE_VERSION = 0x02000000;
export const NEGOTIATE_128 = 0x20000000;
export const NEGOTIATE_56 = 0x80000000;

export type NtlmErrorCode = 'malformed' | 'unexpectedType';

export class NtlmError extends Error {
  readonly code: NtlmErrorCode;
  constructor(code: NtlmErrorCode, message: string) {
    super(message);
    this.name = 'NtlmError';
    this.code = code;
  }
}

export function messageType(token: Buffer): number | undefined {
  if (token.length < 12 || !token.subarray(0, 8).equals(SIGNATURE)) return undefined;
  return token.readUInt32LE(8);
}

function readBuffer(token: Buffer, offset: number): Buffer {
  if (token.length < offset + 8) throw new NtlmError('malformed', 'The NTLM message is truncated.');
  const length = token.readUInt16LE(offset);
  const at = token.readUInt32LE(offset + 4);
  if (at + length > token.length)
    throw new NtlmError('malformed', 'An NTLM field points outside the message.');
  return token.subarray(at, at + length);
}

export function ntHash(password: string): Buffer {
  return md4(Buffer.from(password, 'utf16le'));
}

/** NTOWFv2: HMAC-MD5 over the upper-cased user name and the domain, keyed with the NT hash. */
export function ntowfV2(password: string, user: string, domain: string): Buffer {
  return createHmac('md5', ntHash(password))
    .update(Buffer.from(user.toUpperCase() + domain, 'utf16le'))
    .digest();
}

export function ntProof(ntowf: Buffer, serverChallenge: Buffer, blob: Buffer): Buffer {
  return createHmac('md5', ntowf)
    .update(Buffer.concat([serverChallenge, blob]))
    .digest();
}

function avPair(id: number, value: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16LE(id, 0);
  head.writeUInt16LE(value.length, 2);
  return Buffer.concat([head, value]);
}

/** FILETIME: 100 ns ticks since 1601-01-01. */
export function fileTime(ms: number): Buffer {
  const ticks = (BigInt(ms) + 11644473600000n) * 10000n;
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(ticks);
  return b;
}

export interface ChallengeMessage {
  token: Buffer;
  serverChallenge: Buffer;
}

/** Type 2 (CHALLENGE_MESSAGE) for a server of `domain` named `computer`. */
export function challengeMessage(
  negotiateFlags: number,
  domain: string,
  computer: string,
  nowMs: number,
): ChallengeMessage {
  const serverChallenge = randomBytes(8);
  const unicode = (s: string) => Buffer.from(s, 'utf16le');
  const targetName = unicode(domain.toUpperCase());
  const targetInfo = Buffer.concat([
    avPair(2, unicode(domain.toUpperCase())),
    avPair(1, unicode(computer.toUpperCase())),
    avPair(4, unicode(domain.toLowerCase())),
    avPair(3, unicode(computer.toLowerCase())),
    avPair(7, fileTime(nowMs)),
    avPair(0, Buffer.alloc(0)),
  ]);
  const flags =
    (NEGOTIATE_UNICODE |
      REQUEST_TARGET |
      NEGOTIATE_NTLM |
      NEGOTIATE_ALWAYS_SIGN |
      TARGET_TYPE_DOMAIN |
      NEGOTIATE_TARGET_INFO |
      NEGOTIATE_VERSION |
      (negotiateFlags & (NEGOTIATE_EXTENDED_SESSIONSECURITY | NEGOTIATE_128 | NEGOTIATE_56))) >>>
    0;
  const header = Buffer.alloc(56);
  SIGNATURE.copy(header, 0);
  header.writeUInt32LE(2, 8);
  header.writeUInt16LE(targetName.length, 12);
  header.writeUInt16LE(targetName.length, 14);
  header.writeUInt32LE(56, 16);
  header.writeUInt32LE(flags, 20);
  serverChallenge.copy(header, 24);
  header.writeUInt16LE(targetInfo.length, 40);
  header.writeUInt16LE(targetInfo.length, 42);
  header.writeUInt32LE(56 + targetName.length, 44);
  // Version: 10.0 build 17763, NTLM revision 15.
  Buffer.from([10, 0, 0x63, 0x45, 0, 0, 0, 15]).copy(header, 48);
  return { token: Buffer.concat([header, targetName, targetInfo]), serverChallenge };
}

export interface AuthenticateMessage {
  user: string;
  domain: string;
  workstation: string;
  ntResponse: Buffer;
  lmResponse: Buffer;
}

export function readAuthenticateMessage(token: Buffer): AuthenticateMessage {
  if (messageType(token) !== 3)
    throw new NtlmError('unexpectedType', 'Expected an NTLM AUTHENTICATE message.');
  if (token.length < 64) throw new NtlmError('malformed', 'The NTLM AUTHENTICATE message is truncated.');
  const flags = token.readUInt32LE(60);
  const decode = (b: Buffer) => (flags & NEGOTIATE_UNICODE ? b.toString('utf16le') : b.toString('latin1'));
  return {
    lmResponse: readBuffer(token, 12),
    ntResponse: readBuffer(token, 20),
    domain: decode(readBuffer(token, 28)),
    user: decode(readBuffer(token, 36)),
    workstation: decode(readBuffer(token, 44)),
  };
}

/** Checks an NTLMv2 response (NTProofStr + blob) against the password. NTLMv1 is refused. */
export function verifyNtlmV2(
  message: AuthenticateMessage,
  serverChallenge: Buffer,
  password: string,
): boolean {
  if (message.ntResponse.length < 16 + 28) return false;
  const proof = message.ntResponse.subarray(0, 16);
  const blob = message.ntResponse.subarray(16);
  // Clients differ on the domain's case; Windows tries the domain as sent, then none.
  for (const domain of [message.domain, message.domain.toUpperCase(), '']) {
    const expected = ntProof(ntowfV2(password, message.user, domain), serverChallenge, blob);
    if (timingSafeEqual(expected, proof)) return true;
  }
  return false;
}
