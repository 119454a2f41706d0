import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeSecretKey, loadSecretKey } from './key.ts';
import { createSecretBox, SecretError } from './secret-box.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('SecretBox', () => {
  const box = createSecretBox(randomBytes(32));

  it('round-trips, with a fresh IV each time', () => {
    const a = box.seal('Passw0rd!', 'mailboxes.secret_enc:1');
    const b = box.seal('Passw0rd!', 'mailboxes.secret_enc:1');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(a).not.toContain('Passw0rd');
    expect(box.open(a, 'mailboxes.secret_enc:1')).toBe('Passw0rd!');
    expect(box.open(box.seal('', 'x'), 'x')).toBe('');
  });

  it('detects tampering and a value moved to another row', () => {
    const sealed = box.seal('secret value', 'ctx:1');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3], 'base64url');
    body[0] ^= 1;
    const tampered = [parts[0], parts[1], parts[2], body.toString('base64url')].join('.');
    expect(() => box.open(tampered, 'ctx:1')).toThrow(SecretError);
    expect(() => box.open(sealed, 'ctx:2')).toThrow(/could not be decrypted/);
    expect(() => box.open('v2.a.b.c', 'ctx:1')).toThrow(/format/);
  });

  it('refuses to open with another key', () => {
    const sealed = box.seal('secret value', 'ctx');
    const other = createSecretBox(randomBytes(32));
    expect(() => other.open(sealed, 'ctx')).toThrow(
      expect.objectContaining({ code: 'secret_unreadable' }) as unknown as Error,
    );
  });

  it('refuses a key of the wrong size', () => {
    expect(() => createSecretBox(randomBytes(16)).seal('x', 'y')).toThrow(/32 bytes/);
  });
});

describe('secret key loading', () => {
  it('reads base64, base64url and hex keys from the environment', () => {
    const key = randomBytes(32);
    expect(decodeSecretKey(key.toString('base64'))).toEqual(key);
    expect(decodeSecretKey(key.toString('base64url'))).toEqual(key);
    expect(decodeSecretKey(key.toString('hex'))).toEqual(key);
    expect(decodeSecretKey('too-short')).toBeUndefined();
    expect(loadSecretKey({ envValue: key.toString('hex'), keyFile: '/nonexistent/x' }).source).toBe(
      'environment',
    );
    expect(() => loadSecretKey({ envValue: 'not a key', keyFile: '/nonexistent/x' })).toThrow(
      /EXSYNC_SECRET_KEY must be 32 bytes/,
    );
  });

  it('creates the key file once, owner-only in an owner-only folder, and reads it back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exsync-key-'));
    dirs.push(dir);
    const file = join(dir, 'nested', 'secret.key');
    const first = loadSecretKey({ keyFile: file });
    expect(first.source).toBe('created');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'nested')).mode & 0o777).toBe(0o700);
    const second = loadSecretKey({ keyFile: file });
    expect(second.source).toBe('file');
    expect(second.key).toEqual(first.key);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.key.toString('base64'));
  });
});
