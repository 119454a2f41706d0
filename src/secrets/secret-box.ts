// Encryption at rest for mailbox passwords, OAuth client secrets and token caches (SPEC A3):
// AES-256-GCM with a fresh 12-byte IV per value. The envelope is versioned so that a later key
// rotation or algorithm change can read what was written before it.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

export type SecretErrorCode = 'invalid_secret_key' | 'secret_unreadable';

export class SecretError extends Error {
  readonly code: SecretErrorCode;
  constructor(code: SecretErrorCode, message: string) {
    super(message);
    this.name = 'SecretError';
    this.code = code;
  }
}

export interface SecretBox {
  /**
   * Encrypts `plain`. `context` (e.g. `mailboxes.secret_enc:<id>`) is bound as associated data,
   * so a value copied into another row or column no longer opens.
   */
  seal(plain: string, context: string): string;
  /** Decrypts what seal() wrote with the same context; throws secret_unreadable otherwise. */
  open(envelope: string, context: string): string;
}

export function createSecretBox(key: Buffer | (() => Buffer)): SecretBox {
  let resolved: Buffer | undefined;
  const keyOf = (): Buffer => {
    if (!resolved) {
      const value = typeof key === 'function' ? key() : key;
      if (value.length !== KEY_BYTES) {
        throw new SecretError(
          'invalid_secret_key',
          `The secret key must be ${KEY_BYTES} bytes; it is ${value.length}.`,
        );
      }
      resolved = value;
    }
    return resolved;
  };
  return {
    seal(plain, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', keyOf(), iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, iv.toString('base64url'), tag.toString('base64url'), body.toString('base64url')].join(
        '.',
      );
    },
    open(envelope, context) {
      const parts = envelope.split('.');
      if (parts.length !== 4 || parts[0] !== VERSION) {
        throw new SecretError(
          'secret_unreadable',
          'A stored secret is not in a format this version of Exsync reads.',
        );
      }
      const [, ivText, tagText, bodyText] = parts;
      const iv = Buffer.from(ivText, 'base64url');
      const tag = Buffer.from(tagText, 'base64url');
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
        throw new SecretError('secret_unreadable', 'A stored secret is damaged (bad IV or tag).');
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', keyOf(), iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(tag);
        return Buffer.concat([
          decipher.update(Buffer.from(bodyText, 'base64url')),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        // GCM cannot tell a wrong key from tampering; both mean the value cannot be trusted.
        throw new SecretError(
          'secret_unreadable',
          'A stored secret could not be decrypted: the secret key is not the one it was written with, or the value was altered. Restore the original key (EXSYNC_SECRET_KEY or the key file) or enter the secret again.',
        );
      }
    },
  };
}
