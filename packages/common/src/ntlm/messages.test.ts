import { describe, expect, it } from 'vitest';
import { authenticateMessage, negotiateMessage, readChallenge } from './client.ts';
import { challengeMessage, ntowfV2, ntProof, readAuthenticateMessage, verifyNtlmV2 } from './messages.ts';

describe('NTLMv2', () => {
  it('computes NTOWFv2 and NTProofStr as in MS-NLMP 4.2.4', () => {
    const ntowf = ntowfV2('Password', 'User', 'Domain');
    expect(ntowf.toString('hex')).toBe('0c868a403bfd7a93a3001ef22ef02e3f');
    const avPairs = Buffer.from(
      '02000c0044006f006d00610069006e0001000c005300650072007600650072000000000000000000',
      'hex',
    );
    const blob = Buffer.concat([
      Buffer.from('0101000000000000', 'hex'),
      Buffer.alloc(8),
      Buffer.from('aaaaaaaaaaaaaaaa', 'hex'),
      Buffer.alloc(4),
      avPairs.subarray(0, avPairs.length - 4),
      Buffer.alloc(4),
    ]);
    expect(ntProof(ntowf, Buffer.from('0123456789abcdef', 'hex'), blob).toString('hex')).toBe(
      '68cd0ab851e51c96aabc927bebef6a1c',
    );
  });

  it('accepts the right password and refuses a wrong one over a full handshake', () => {
    const challenge = challengeMessage(negotiateMessage().readUInt32LE(12), 'EXAMPLE', 'SANDBOX', Date.now());
    const good = readAuthenticateMessage(
      authenticateMessage(readChallenge(challenge.token), 'EXAMPLE\\ada', 'Passw0rd!'),
    );
    expect(good.user).toBe('ada');
    expect(good.domain).toBe('EXAMPLE');
    expect(verifyNtlmV2(good, challenge.serverChallenge, 'Passw0rd!')).toBe(true);
    expect(verifyNtlmV2(good, challenge.serverChallenge, 'wrong')).toBe(false);
    const other = challengeMessage(0, 'EXAMPLE', 'SANDBOX', Date.now());
    expect(verifyNtlmV2(good, other.serverChallenge, 'Passw0rd!')).toBe(false);
  });
});
