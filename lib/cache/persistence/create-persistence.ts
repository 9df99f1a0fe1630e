/**
 * Picks the safest persistence this machine offers: an encrypted file keyed
 * from the OS secret store, else (only when the caller said so) a plaintext
 * 0600 file. Never silently weaker than asked.
 */
import type { Logger } from '../../app/logger.js';
import { silentLogger } from '../../app/logger.js';
import { PersistenceError } from '../../errors.js';
import { requireCachePath } from './file-backed-persistence.js';
import { FilePersistence } from './file-persistence.js';
import { KeyringKeyStore, type KeyringKeyStoreOptions, type KeyStore } from './key-store.js';
import { EncryptedFilePersistence } from './keyring-persistence.js';
import type { Persistence } from './persistence.js';

/** Options of {@link createPersistence} (and {@link PersistentTokenCache.create}). */
export interface CreatePersistenceOptions {
  /** The cache file. Its lock file is `<path>.lockfile`. */
  path: string;
  /** When the OS secret store is unusable, keep tokens in a plaintext 0600 file instead of throwing. */
  allowPlaintextFallback?: boolean | undefined;
  /** Where the encryption key lives; defaults to the OS secret store via @napi-rs/keyring. */
  keyStore?: KeyStore | undefined;
  /** Names of the secret-store entry holding the key (ignored with keyStore). */
  keyring?: Pick<KeyringKeyStoreOptions, 'service' | 'account'> | undefined;
  /** Receives the warning when the plaintext fallback is taken. */
  logger?: Logger | undefined;
}

/**
 * The safest persistence this machine offers: an {@link EncryptedFilePersistence} keyed from
 * the OS secret store, else (only with allowPlaintextFallback) a {@link FilePersistence}.
 *
 * @throws PersistenceError when the secret store is unusable and no plaintext fallback was allowed.
 * @example
 * ```ts
 * const persistence = await createPersistence({ path: '/home/me/.myapp/token-cache.bin', allowPlaintextFallback: true });
 * const tokenCache = await PersistentTokenCache.open(persistence);
 * ```
 */
export async function createPersistence(options: CreatePersistenceOptions): Promise<Persistence> {
  const path = requireCachePath(options?.path);
  const logger = options.logger ?? silentLogger;
  const keyStore = options.keyStore ?? new KeyringKeyStore(path, options.keyring ?? {});
  try {
    // Reaching the store now turns "no D-Bus session" into an answer here, not a failure at the first save.
    await keyStore.get();
    return new EncryptedFilePersistence(path, keyStore);
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    if (!options.allowPlaintextFallback) {
      throw new PersistenceError(
        `cannot protect the token cache ${path}: ${why}. Pass allowPlaintextFallback: true to accept a plaintext file readable only by you.`,
        { cause },
      );
    }
    logger.log('warning', 'token cache: the OS secret store is unusable; falling back to a plaintext file readable only by you');
    // The reason names the cache path, which holds the user name on most systems.
    logger.log('warning', `token cache: secret store failure: ${why}`, true);
    return new FilePersistence(path, { allowPlaintext: true });
  }
}
