// NTLMv2 client messages (MS-NLMP 2.2.1 and 3.3.2): NEGOTIATE, then AUTHENTICATE answering the
// server's CHALLENGE. Signing and sealing are not used (EWS runs over TLS).
import { createHmac, randomBytes } from 'node:crypto';
import { fileTime, NtlmError, ntowfV2, SIGNATURE } from './messages.ts';

const FLAGS =
  0x00000001 | // NEGOTIATE_UNICODE
  0x00000004 | // REQUEST_TARGET
  0x00000200 | // NEGOTIATE_NTLM
  0x00008000 | // NEGOTIATE_ALWAYS_SIGN
  0x00080000 | // NEGOTIATE_EXTENDED_SESSIONSECURITY
  0x00800000 | // NEGOTIATE_TARGET_INFO
  0x20000000 | // NEGOTIATE_128
  0x80000000; // NEGOTIATE_56

export function negotiateMessage(): Buffer {
  const b = Buffer.alloc(32);
  SIGNATURE.copy(b, 0);
  b.writeUInt32LE(1, 8);
  b.writeUInt32LE(FLAGS >>> 0, 12);
  return b;
}

export interface Challenge {
  serverChallenge: Buffer;
  flags: number;
  targetInfo: Buffer;
  /** MsvAvTimestamp from the target info, when the server sent one. */
  timestamp?: Buffer;
}

export function readChallenge(token: Buffer): Challenge {
  if (token.length < 32 || !token.subarray(0, 8).equals(SIGNATURE) || token.readUInt32LE(8) !== 2) {
    throw new NtlmError('malformed', 'The server sent an NTLM challenge that cannot be read.');
  }
  const flags = token.readUInt32LE(20);
  const serverChallenge = Buffer.from(token.subarray(24, 32));
  let targetInfo = Buffer.alloc(0);
  if (token.length >= 48) {
    const len = token.readUInt16LE(40);
    const offset = token.readUInt32LE(44);
    if (offset + len > token.length) throw new NtlmError('malformed', 'The NTLM challenge is truncated.');
    targetInfo = Buffer.from(token.subarray(offset, offset + len));
  }
  let timestamp: Buffer | undefined;
  for (let i = 0; i + 4 <= targetInfo.length; ) {
    const id = targetInfo.readUInt16LE(i);
    const len = targetInfo.readUInt16LE(i + 2);
    if (id === 0) break;
    if (id === 7 && len === 8) timestamp = Buffer.from(targetInfo.subarray(i + 4, i + 12));
    i += 4 + len;
  }
  return { serverChallenge, flags, targetInfo, timestamp };
}

const utf16 = (s: string) => Buffer.from(s, 'utf16le');
const hmac = (key: Buffer, ...data: Buffer[]) => createHmac('md5', key).update(Buffer.concat(data)).digest();

/** `DOMAIN\user`, `user@domain` (kept whole, as Windows does) or a bare user name. */
export function splitLogin(login: string): { user: string; domain: string } {
  const slash = login.indexOf('\\');
  if (slash >= 0) return { domain: login.slice(0, slash), user: login.slice(slash + 1) };
  return { domain: '', user: login };
}

export function authenticateMessage(
  challenge: Challenge,
  login: string,
  password: string,
  options: { workstation?: string; clientChallenge?: Buffer; timestamp?: Buffer } = {},
): Buffer {
  const { user, domain } = splitLogin(login);
  const key = ntowfV2(password, user, domain);
  const clientChallenge = options.clientChallenge ?? randomBytes(8);
  const timestamp = options.timestamp ?? challenge.timestamp ?? fileTime(Date.now());
  const temp = Buffer.concat([
    Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]),
    timestamp,
    clientChallenge,
    Buffer.alloc(4),
    challenge.targetInfo,
    Buffer.alloc(4),
  ]);
  const proof = hmac(key, challenge.serverChallenge, temp);
  const nt = Buffer.concat([proof, temp]);
  const lm = challenge.timestamp
    ? Buffer.alloc(24)
    : Buffer.concat([hmac(key, challenge.serverChallenge, clientChallenge), clientChallenge]);
  const fields = [
    lm,
    nt,
    utf16(domain),
    utf16(user),
    utf16(options.workstation ?? 'EXSYNC'),
    Buffer.alloc(0),
  ];
  const header = Buffer.alloc(64);
  SIGNATURE.copy(header, 0);
  header.writeUInt32LE(3, 8);
  let offset = 64;
  fields.forEach((f, i) => {
    header.writeUInt16LE(f.length, 12 + i * 8);
    header.writeUInt16LE(f.length, 14 + i * 8);
    header.writeUInt32LE(offset, 16 + i * 8);
    offset += f.length;
  });
  header.writeUInt32LE((FLAGS & challenge.flags) >>> 0 || FLAGS >>> 0, 60);
  return Buffer.concat([header, ...fields]);
}
