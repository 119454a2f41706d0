// Where the encryption key comes from: EXSYNC_SECRET_KEY (32 bytes as base64 or hex), else a
// key file created on first use with owner-only permissions. Losing the key makes every stored
// password and token unreadable (users then re-enter them), so the docs ask to back it up.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { KEY_BYTES, SecretError } from './secret-box.ts';

/** Reads 32 bytes from hex (64 digits) or base64/base64url; undefined when it is neither. */
export function decodeSecretKey(text: string): Buffer | undefined {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) {
    const bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === KEY_BYTES) return bytes;
  }
  return undefined;
}

export const SECRET_KEY_HINT = 'generate one with `openssl rand -base64 32`';

export interface LoadedKey {
  key: Buffer;
  source: 'environment' | 'file' | 'created';
  /** The key file used or created (absent when the key came from the environment). */
  file?: string;
}

export function loadSecretKey(options: { envValue?: string; keyFile: string }): LoadedKey {
  if (options.envValue !== undefined && options.envValue !== '') {
    const key = decodeSecretKey(options.envValue);
    if (!key) {
      throw new SecretError(
        'invalid_secret_key',
        `EXSYNC_SECRET_KEY must be ${KEY_BYTES} bytes written as base64 or 64 hex digits; ${SECRET_KEY_HINT}.`,
      );
    }
    return { key, source: 'environment' };
  }
  const file = resolve(options.keyFile);
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text !== undefined) {
    const key = decodeSecretKey(text);
    if (!key) {
      throw new SecretError(
        'invalid_secret_key',
        `The key file ${file} does not hold a ${KEY_BYTES}-byte key in base64 or hex. Restore it from your backup.`,
      );
    }
    return { key, source: 'file', file };
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_BYTES);
  try {
    // `wx`: two processes starting at once must not each write a different key.
    writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadSecretKey(options);
    throw error;
  }
  return { key, source: 'created', file };
}
