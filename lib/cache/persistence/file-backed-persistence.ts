/**
 * What every file-backed persistence shares: the cache path, its MSAL-style
 * lock file, change detection and crash recovery. Subclasses decide only how
 * the text is stored (plain or encrypted).
 */
import { PersistenceError } from '../../errors.js';
import { AtomicFile } from './atomic-file.js';
import type { Persistence } from './persistence.js';

export function lockPathFor(path: string): string {
  return `${path}.lockfile`;
}

export function requireCachePath(path: unknown): string {
  if (typeof path !== 'string' || path.trim() === '') {
    throw new PersistenceError('persistence needs a non-empty cache file path');
  }
  return path;
}

export abstract class FileBackedPersistence implements Persistence {
  readonly path: string;
  readonly lockPath: string;
  /** @internal How the subclasses read and write the file. */
  protected readonly file: AtomicFile;

  protected constructor(path: string, lockPath: string | undefined) {
    this.path = requireCachePath(path);
    this.lockPath = lockPath ?? lockPathFor(path);
    this.file = new AtomicFile(path);
  }

  abstract load(): Promise<string | undefined>;
  abstract save(text: string): Promise<void>;
  abstract describe(): string;

  stamp(): Promise<string | undefined> {
    return this.file.stamp();
  }

  quarantine(): Promise<string | undefined> {
    return this.file.moveAside();
  }

  recoverAfterCrash(): Promise<void> {
    return this.file.removeOrphanTempFiles();
  }
}
