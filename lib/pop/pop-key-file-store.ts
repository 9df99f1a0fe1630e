/** Persists the PoP private key in one file readable only by its owner. */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { PersistenceError } from '../errors.js';
import type { PopKeyStore } from './pop-key.js';

/**
 * A {@link PopKeyStore} in a file (0600, written atomically), so Proof-of-Possession tokens in
 * a persisted cache stay usable across restarts.
 *
 * @example
 * ```ts
 * const app = new PublicClientApplication({ clientId: '<app id>', popKeyStore: createFilePopKeyStore('/home/me/.myapp/pop-key.json') });
 * ```
 */
export function createFilePopKeyStore(path: string): PopKeyStore {
  return {
    async load() {
      try {
        return await readFile(path, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new PersistenceError(`Cannot read the PoP key file ${path}`, { cause: e });
      }
    },
    async save(jwkJson) {
      const dir = dirname(path);
      // Same directory as the target so rename() is atomic (never crosses file systems).
      const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
      try {
        await mkdir(dir, { recursive: true, mode: 0o700 });
        await writeFile(temp, jwkJson, { mode: 0o600, flag: 'wx' });
        await rename(temp, path);
      } catch (e) {
        await rm(temp, { force: true }).catch(() => undefined);
        throw new PersistenceError(`Cannot write the PoP key file ${path}`, { cause: e });
      }
    },
  };
}
