export { decodeSecretKey, type LoadedKey, loadSecretKey, SECRET_KEY_HINT } from './key.ts';
export {
  createSecretBox,
  KEY_BYTES,
  type SecretBox,
  SecretError,
  type SecretErrorCode,
} from './secret-box.ts';

import { loadSecretKey } from './key.ts';
import { createSecretBox, type SecretBox } from './secret-box.ts';

/**
 * The SecretBox of a server: the key is read (or the key file created) on first use, so that a
 * process that never touches a secret never creates a key file.
 */
export function secretBoxFromConfig(
  config: { secretKey: string | undefined; secretKeyFile: string },
  onCreated?: (file: string) => void,
): SecretBox {
  return createSecretBox(() => {
    const loaded = loadSecretKey({ envValue: config.secretKey, keyFile: config.secretKeyFile });
    if (loaded.source === 'created' && loaded.file) onCreated?.(loaded.file);
    return loaded.key;
  });
}
