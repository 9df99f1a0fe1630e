/**
 * The CLI's --cache FILE: a SerializableTokenCache loaded from and saved to a
 * plain JSON file (the unified schema, readable by MSAL Python and MSAL Node).
 * Kept behind this small interface so an encrypted, locked persistence layer
 * can replace it without touching the commands.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { SerializableTokenCache, type DroppedEntry } from '../cache/serializable-token-cache.js';
import { PersistenceError } from '../errors.js';

export interface CacheFile {
  readonly path: string;
  readonly cache: SerializableTokenCache;
  /** What could not be loaded from a damaged file; those entries are gone on the next save. */
  readonly dropped: readonly DroppedEntry[];
  /** Writes the cache back if anything changed since it was loaded. */
  save(): Promise<void>;
}

// Tokens are credentials: only the owner may read them.
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

export async function openCacheFile(path: string): Promise<CacheFile> {
  const absolute = resolve(path);
  const cache = new SerializableTokenCache();
  let text = '';
  try {
    text = await readFile(absolute, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new PersistenceError(`Cannot read the token cache ${absolute}`, { cause: e });
  }
  const report = cache.deserialize(text);
  return {
    path: absolute,
    cache,
    dropped: report.dropped,
    save: async () => {
      if (!cache.hasStateChanged) return;
      await writeAtomically(absolute, cache.serialize());
    },
  };
}

/** A crash or a concurrent reader never sees half a file: write a sibling, then rename over. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true, mode: DIR_MODE });
    await writeFile(tmp, text, { mode: FILE_MODE, flag: 'wx' });
    // The umask may have narrowed the mode further, never widened it; chmod makes it exact.
    await chmod(tmp, FILE_MODE);
    await rename(tmp, path);
  } catch (e) {
    // The temporary file may never have existed (its folder could not be made); the original error matters.
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new PersistenceError(`Cannot write the token cache ${path}`, { cause: e });
  }
}
