import { describe, expect, it } from 'vitest';
import { authenticateMessage, negotiateMessage, readChallenge } from './client.ts';
import { ntHash, ntowfV2 } from './messages.ts';

// MS-NLMP 4.2.4 (NTLMv2 authentication) example values.
const USER = 'User';
const DOMAIN = 'Domain';
const PASSWORD = 'Password';
const SERVER_CHALLENGE = Buffer.from('0123456789abcdef', 'hex');
const CLIENT_CHALLENGE = Buffer.from('aaaaaaaaaaaaaaaa', 'hex');
const TIME = Buffer.alloc(8);
const TARGET_INFO = Buffer.from(
  '02000c0044006f006d00610069006e0001000c0053006500720076006500720000000000',
  'hex',
);

function challengeToken(): Buffer {
  const b = Buffer.alloc(48 + TARGET_INFO.length);
  b.write('NTLMSSP\0', 0, 'ascii');
  b.writeUInt32LE(2, 8);
  b.writeUInt32LE(0xe28a8233, 20);
  SERVER_CHALLENGE.copy(b, 24);
  b.writeUInt16LE(TARGET_INFO.length, 40);
  b.writeUInt16LE(TARGET_INFO.length, 42);
  b.writeUInt32LE(48, 44);
  TARGET_INFO.copy(b, 48);
  return b;
}

describe('NTLMv2 (MS-NLMP 4.2.4)', () => {
  it('derives the NT hash and NTOWFv2', () => {
    expect(ntHash(PASSWORD).toString('hex')).toBe('a4f49c406510bdcab6824ee7c30fd852');
    expect(ntowfV2(PASSWORD, USER, DOMAIN).toString('hex')).toBe('0c868a403bfd7a93a3001ef22ef02e3f');
  });

  it('computes the NTProofStr of the specification', () => {
    const challenge = readChallenge(challengeToken());
    const message = authenticateMessage(challenge, `${DOMAIN}\\${USER}`, PASSWORD, {
      clientChallenge: CLIENT_CHALLENGE,
      timestamp: TIME,
    });
    const ntLen = message.readUInt16LE(20);
    const ntOffset = message.readUInt32LE(24);
    const nt = message.subarray(ntOffset, ntOffset + ntLen);
    expect(nt.subarray(0, 16).toString('hex')).toBe('68cd0ab851e51c96aabc927bebef6a1c');
    const lmOffset = message.readUInt32LE(16);
    expect(message.subarray(lmOffset, lmOffset + 16).toString('hex')).toBe(
      '86c35097ac9cec102554764a57cccc19',
    );
  });

  it('builds a NEGOTIATE message', () => {
    const m = negotiateMessage();
    expect(m.subarray(0, 8).toString('ascii')).toBe('NTLMSSP\0');
    expect(m.readUInt32LE(8)).toBe(1);
  });
});
