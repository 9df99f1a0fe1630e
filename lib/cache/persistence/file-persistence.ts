/**
 * The token cache as a plaintext file readable only by its owner (0600). The
 * tokens in it are as good as passwords to anyone who can read the file, so
 * it exists only behind an explicit opt-in.
 */
import { PersistenceError } from '../../errors.js';
import { AtomicFile } from './atomic-file.js';
import type { Persistence } from './persistence.js';

export interface FilePersistenceOptions {
  /** Must be `true`: you accept that the tokens sit on disk unencrypted. */
  allowPlaintext: true;
  /** Defaults to `<path>.lockfile`, the MSAL convention. */
  lockPath?: string;
}

export function lockPathFor(path: string): string {
  return `${path}.lockfile`;
}

export function requireCachePath(path: unknown): string {
  if (typeof path !== 'string' || path.trim() === '') {
    throw new PersistenceError('persistence needs a non-empty cache file path');
  }
  return path;
}

export class FilePersistence implements Persistence {
  readonly path: string;
  readonly lockPath: string;
  private readonly file: AtomicFile;

  constructor(path: string, options: FilePersistenceOptions) {
    this.path = requireCachePath(path);
    if (options?.allowPlaintext !== true) {
      throw new PersistenceError(
        `refusing to keep tokens unencrypted in ${path}: pass { allowPlaintext: true } to accept a plaintext cache file, ` +
          'or use createPersistence() for OS-protected storage',
      );
    }
    this.lockPath = options.lockPath ?? lockPathFor(path);
    this.file = new AtomicFile(path);
  }

  async load(): Promise<string | undefined> {
    return (await this.file.read())?.toString('utf8');
  }

  save(text: string): Promise<void> {
    return this.file.write(text);
  }

  stamp(): Promise<string | undefined> {
    return this.file.stamp();
  }

  quarantine(): Promise<string | undefined> {
    return this.file.moveAside();
  }

  recoverAfterCrash(): Promise<void> {
    return this.file.removeOrphanTempFiles();
  }

  describe(): string {
    return `plaintext file ${this.path}`;
  }
}
