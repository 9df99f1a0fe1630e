/**
 * The token cache as an AES-256-GCM encrypted file whose random key lives in
 * the OS secret store. Keeping the data in a file (not in the secret itself)
 * sidesteps the per-secret size limit of Windows Credential Manager and lets
 * locking and change detection work exactly as for the plaintext file.
 *
 * File layout: "BBC1" | 12-byte IV | 16-byte GCM tag | ciphertext. The magic is
 * authenticated too, so a file of another format is never mistaken for ours.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { CacheCorruptError, PersistenceError } from '../../errors.js';
import { FileBackedPersistence } from './file-backed-persistence.js';
import type { KeyStore } from './key-store.js';

const magic = Buffer.from('BBC1', 'ascii');
const ivLength = 12;
const tagLength = 16;
const headerLength = magic.length + ivLength + tagLength;

export function encryptBlob(key: Buffer, text: string): Buffer {
  const iv = randomBytes(ivLength);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(magic);
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return Buffer.concat([magic, iv, cipher.getAuthTag(), body]);
}

/** The plaintext, or undefined when the blob is not ours or was not made with this key. */
export function decryptBlob(key: Buffer, blob: Buffer): string | undefined {
  if (blob.length < headerLength || !blob.subarray(0, magic.length).equals(magic)) return undefined;
  const iv = blob.subarray(magic.length, magic.length + ivLength);
  const tag = blob.subarray(magic.length + ivLength, headerLength);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(magic);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(blob.subarray(headerLength)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

/** Options of {@link EncryptedFilePersistence}. */
export interface EncryptedFilePersistenceOptions {
  /** Defaults to `<path>.lockfile`. */
  lockPath?: string | undefined;
}

/**
 * The token cache as an AES-256-GCM encrypted file (0600, written atomically) whose random key
 * lives in a {@link KeyStore}, by default the OS secret store. {@link createPersistence}
 * picks it when the secret store works.
 *
 * @example
 * ```ts
 * const persistence = new EncryptedFilePersistence(path, new KeyringKeyStore(path));
 * const tokenCache = await PersistentTokenCache.open(persistence);
 * ```
 */
export class EncryptedFilePersistence extends FileBackedPersistence {
  private key: Buffer | undefined;

  /**
   * @param path - The cache file.
   * @param keyStore - Where the key lives; a key is made and stored on the first save.
   */
  constructor(
    path: string,
    private readonly keyStore: KeyStore,
    options: EncryptedFilePersistenceOptions = {},
  ) {
    super(path, options.lockPath);
  }

  /** The decrypted blob, undefined when no file exists; CacheCorruptError when it cannot be decrypted. */
  async load(): Promise<string | undefined> {
    const blob = await this.file.read();
    if (!blob) return undefined;
    if (this.key) {
      const text = decryptBlob(this.key, blob);
      if (text !== undefined) return text;
    }
    // The key may have been created or replaced since we cached it.
    const fresh = await this.keyStore.get();
    const text = fresh ? decryptBlob(fresh, blob) : undefined;
    if (text === undefined) {
      throw new CacheCorruptError(
        `${this.describe()} cannot be decrypted (${fresh ? 'damaged, or made with another key' : 'its key is missing from the secret store'})`,
      );
    }
    this.key = fresh;
    return text;
  }

  /** Encrypts and writes the blob atomically. */
  async save(text: string): Promise<void> {
    await this.file.write(encryptBlob(await this.keyForWriting(), text));
  }

  /** The file and the key's store, for messages. */
  describe(): string {
    return `encrypted file ${this.path} (key in ${this.keyStore.describe()})`;
  }

  /** Writers hold the cache lock, so two processes never both create a key. */
  private async keyForWriting(): Promise<Buffer> {
    if (this.key) return this.key;
    let key = await this.keyStore.get();
    if (!key) {
      await this.keyStore.set(randomBytes(32));
      // Read back what the store kept, so we never encrypt with a key nobody can find.
      key = await this.keyStore.get();
      if (!key) throw new PersistenceError(`${this.keyStore.describe()} did not keep the new cache key`);
    }
    this.key = key;
    return key;
  }
}
