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
import { SerializableTokenCache } from '../cache/serializable-token-cache.js';

export interface CacheFile {
  readonly path: string;
  readonly cache: SerializableTokenCache;
  /** Resolves once every change is on disk; rejects when it cannot be written. */
  save(): Promise<void>;
}

/**
 * `readOnly`: the file is read once and never written, not even to repair it (a read-only
 * command must not replace a file it cannot parse); what it holds is salvaged in memory.
 */
export async function openCacheFile(path: string, options: { logger?: Logger | undefined; readOnly?: boolean | undefined } = {}): Promise<CacheFile> {
  const absolute = resolve(path);
  const persistence = new FilePersistence(absolute, { allowPlaintext: true });
  const { logger } = options;
  if (options.readOnly) {
    const cache = new SerializableTokenCache({ logger });
    cache.deserialize((await persistence.load()) ?? '');
    return { path: absolute, cache, save: () => Promise.resolve() };
  }
  const cache = await PersistentTokenCache.open(persistence, { logger });
  return { path: absolute, cache, save: () => cache.afterAccess() };
}
