/**
 * The CLI's --cache FILE: the unified-schema JSON (readable by MSAL Python and
 * MSAL Node) in a 0600 file, shared safely with other processes through the
 * library's persistence layer (lock file, three-way merge, damaged files
 * repaired and moved aside). Plaintext on purpose: the user named the file,
 * and other MSAL tools must be able to read it.
 */
import { resolve } from 'node:path';
import type { Logger } from '../app/logger.js';
import { FilePersistence } from '../cache/persistence/file-persistence.js';
import { PersistentTokenCache } from '../cache/persistence/persistent-token-cache.js';

export interface CacheFile {
  readonly path: string;
  readonly cache: PersistentTokenCache;
  /** Resolves once every change is on disk; rejects when it cannot be written. */
  save(): Promise<void>;
}

export async function openCacheFile(path: string, options: { logger?: Logger } = {}): Promise<CacheFile> {
  const absolute = resolve(path);
  const cache = await PersistentTokenCache.open(new FilePersistence(absolute, { allowPlaintext: true }), {
    ...(options.logger && { logger: options.logger }),
  });
  return { path: absolute, cache, save: () => cache.afterAccess() };
}
