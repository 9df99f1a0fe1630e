/**
 * The token cache as a plaintext file readable only by its owner (0600). The
 * tokens in it are as good as passwords to anyone who can read the file, so
 * it exists only behind an explicit opt-in.
 */
import { PersistenceError } from '../../errors.js';
import { FileBackedPersistence } from './file-backed-persistence.js';

/** Options of {@link FilePersistence}. */
export interface FilePersistenceOptions {
  /** Must be `true`: you accept that the tokens sit on disk unencrypted. */
  allowPlaintext: true;
  /** Defaults to `<path>.lockfile`, the MSAL convention. */
  lockPath?: string | undefined;
}

/**
 * The token cache as a plaintext file readable only by its owner (0600), written atomically.
 * Prefer {@link EncryptedFilePersistence} (or {@link createPersistence}); this one exists for
 * machines without a secret store, behind an explicit opt-in.
 *
 * @example
 * ```ts
 * const tokenCache = await PersistentTokenCache.open(new FilePersistence(path, { allowPlaintext: true }));
 * ```
 */
export class FilePersistence extends FileBackedPersistence {
  /** @throws PersistenceError unless `options.allowPlaintext` is true. */
  constructor(path: string, options: FilePersistenceOptions) {
    if (options?.allowPlaintext !== true) {
      throw new PersistenceError(
        `refusing to keep tokens unencrypted in ${String(path)}: pass { allowPlaintext: true } to accept a plaintext cache file, ` +
          'or use createPersistence() for OS-protected storage',
      );
    }
    super(path, options.lockPath);
  }

  /** The file's text, undefined when no file exists. */
  async load(): Promise<string | undefined> {
    return (await this.file.read())?.toString('utf8');
  }

  /** Writes the text atomically (temporary file, then rename). */
  save(text: string): Promise<void> {
    return this.file.write(text);
  }

  /** The file, for messages. */
  describe(): string {
    return `plaintext file ${this.path}`;
  }
}
