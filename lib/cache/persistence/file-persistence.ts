/**
 * The token cache as a plaintext file readable only by its owner (0600). The
 * tokens in it are as good as passwords to anyone who can read the file, so
 * it exists only behind an explicit opt-in.
 */
import { PersistenceError } from '../../errors.js';
import { fileStamp, moveAside, readIfExists, writeFileAtomic } from './atomic-file.js';
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

  constructor(path: string, options: FilePersistenceOptions) {
    this.path = requireCachePath(path);
    if (options?.allowPlaintext !== true) {
      throw new PersistenceError(
        `refusing to keep tokens unencrypted in ${path}: pass { allowPlaintext: true } to accept a plaintext cache file, ` +
          'or use createPersistence() for OS-protected storage',
      );
    }
    this.lockPath = options.lockPath ?? lockPathFor(path);
  }

  async load(): Promise<string | undefined> {
    return (await readIfExists(this.path))?.toString('utf8');
  }

  save(text: string): Promise<void> {
    return writeFileAtomic(this.path, text);
  }

  stamp(): Promise<string | undefined> {
    return fileStamp(this.path);
  }

  quarantine(): Promise<string | undefined> {
    return moveAside(this.path, 'corrupt');
  }

  describe(): string {
    return `plaintext file ${this.path}`;
  }
}
