/**
 * A cache-writing child process for the multi-process tests.
 * Usage: writer.ts <cache path> <writer id> <count> [crash-in-save-at=<n>]
 * Each write adds one token response and waits for afterAccess(), as a facade
 * call does; it prints "committed <i>" once write i is on disk.
 * With crash-in-save-at, it SIGKILLs itself inside save number n: after the
 * temp file is written, before the rename, while it holds the lock.
 */
import { FilePersistence } from '../../../lib/cache/persistence/file-persistence.js';
import { PersistentTokenCache } from '../../../lib/cache/persistence/persistent-token-cache.js';
import { CLIENT_ID, ENV, TENANT } from '../../unit/cache/fixtures.js';
import { writerResponse } from './writer-tokens.js';

const [path, idText, countText, crashArg] = process.argv.slice(2);
if (!path || !idText || !countText) throw new Error('usage: writer.ts <path> <id> <count> [crash-in-save-at=<n>]');
const id = Number(idText);
const count = Number(countText);
const crashAt = crashArg?.startsWith('crash-in-save-at=') ? Number(crashArg.split('=')[1]) : undefined;

class CrashingPersistence extends FilePersistence {
  private saves = 0;
  override async save(text: string): Promise<void> {
    if (++this.saves === crashAt) {
      // Leave what a power cut mid-write leaves: a temp file and the lock, the cache file untouched.
      const { writeFile } = await import('node:fs/promises');
      await writeFile(`${path}.tmp-${process.pid}-deadbeef0000`, text.slice(0, text.length / 2), { mode: 0o600 });
      process.kill(process.pid, 'SIGKILL');
    }
    return super.save(text);
  }
}

const cache = await PersistentTokenCache.open(new CrashingPersistence(path, { allowPlaintext: true }), {
  lock: { timeoutMs: 60_000, staleAfterMs: 60_000 },
});
for (let i = 0; i < count; i++) {
  cache.add({ clientId: CLIENT_ID, environment: ENV, realm: TENANT, scopes: [`scope-${id}-${i}`], response: writerResponse(id, i) });
  await cache.afterAccess();
  process.stdout.write(`committed ${i}\n`);
}
