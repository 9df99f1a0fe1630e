/**
 * Issue 11 items 7, 8, 9, 13 and 14: whatever sits at the cache or lock path, and whatever
 * the blob holds, the cache answers with a typed error in bounded time, never a hang, a
 * spin, a raw errno or a silently lost write.
 */
import { execFileSync } from 'node:child_process';
import { constants, promises as fs } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CrossProcessLock } from '../../../lib/cache/persistence/cross-process-lock.js';
import { FilePersistence } from '../../../lib/cache/persistence/file-persistence.js';
import { PersistentTokenCache } from '../../../lib/cache/persistence/persistent-token-cache.js';
import { CacheCorruptError, ErrorCode, PersistenceError } from '../../../lib/errors.js';
import { CLIENT_ID, ENV, TENANT, userResponse } from '../../unit/cache/fixtures.js';
import { tempDir } from '../../unit/persistence/support.js';

const posix = process.platform !== 'win32';
let dir: string;
let cleanup: () => Promise<void>;
let path: string;
const fifos: string[] = [];
const servers: Server[] = [];
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  path = join(dir, 'cache.json');
});
afterEach(async () => {
  // Should old code hang in open() on a FIFO, a writer releases it, so the worker can exit.
  for (const fifo of fifos.splice(0)) {
    await fs
      .open(fifo, constants.O_WRONLY | constants.O_NONBLOCK)
      .then((h) => h.close())
      .catch(() => undefined);
  }
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  await cleanup();
});

const persistence = () => new FilePersistence(path, { allowPlaintext: true });
const open = () => PersistentTokenCache.open(persistence(), { lock: { timeoutMs: 3_000 } });
const addUser = (cache: PersistentTokenCache, uid = 'u1') =>
  cache.add({ clientId: CLIENT_ID, environment: ENV, realm: TENANT, scopes: ['User.Read'], response: userResponse({ uid }) });

function mkfifo(at: string): void {
  execFileSync('mkfifo', [at]);
  fifos.push(at);
}

async function listenOn(at: string): Promise<void> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(at, resolve));
}

const persistenceError = { code: ErrorCode.PersistenceError };

describe.runIf(posix)('what sits at the cache path', () => {
  it('a FIFO is refused with PersistenceError instead of hanging open() (item 8)', async () => {
    mkfifo(path);
    await expect(persistence().load()).rejects.toBeInstanceOf(PersistenceError);
    await expect(open()).rejects.toMatchObject(persistenceError);
  });

  it('a directory is a PersistenceError, not a raw EISDIR (item 13)', async () => {
    await fs.mkdir(path);
    await expect(open()).rejects.toBeInstanceOf(PersistenceError);
    await expect(persistence().save('{}')).rejects.toBeInstanceOf(PersistenceError);
  });

  it('a socket is refused with PersistenceError', async () => {
    await listenOn(path);
    await expect(open()).rejects.toBeInstanceOf(PersistenceError);
  });

  it('a dangling link is refused, not silently replaced by a new file', async () => {
    await fs.symlink(join(dir, 'nowhere'), path);
    await expect(open()).rejects.toBeInstanceOf(PersistenceError);
    await expect(persistence().save('{}')).rejects.toBeInstanceOf(PersistenceError);
    expect((await fs.lstat(path)).isSymbolicLink()).toBe(true);
  });

  it('a link to a real cache file is read as that file (the atomic write then replaces the link)', async () => {
    const real = join(dir, 'real.json');
    await fs.writeFile(real, '{}');
    await fs.symlink(real, path);
    const cache = await open();
    addUser(cache);
    await cache.afterAccess();
    expect(JSON.parse(await fs.readFile(path, 'utf8'))).toHaveProperty('AccessToken');
  });
});

describe.runIf(posix)('what sits at the lock path', () => {
  it('a dangling symlink at <cache>.lockfile fails fast instead of spinning forever (item 7)', async () => {
    await fs.symlink(join(dir, 'nowhere'), `${path}.lockfile`);
    await expect(new CrossProcessLock(`${path}.lockfile`, { timeoutMs: 2_000 }).acquire()).rejects.toBeInstanceOf(PersistenceError);
    const cache = await open();
    addUser(cache);
    await expect(cache.afterAccess()).rejects.toBeInstanceOf(PersistenceError);
    expect(cache.hasUnsavedChanges).toBe(true);
  });

  it('a FIFO at the lock path is refused instead of hanging (item 8)', async () => {
    mkfifo(`${path}.lockfile`);
    await expect(new CrossProcessLock(`${path}.lockfile`, { timeoutMs: 2_000 }).acquire()).rejects.toBeInstanceOf(PersistenceError);
  });

  it('a directory at the lock path is refused', async () => {
    await fs.mkdir(`${path}.lockfile`);
    await expect(new CrossProcessLock(`${path}.lockfile`, { timeoutMs: 2_000 }).acquire()).rejects.toBeInstanceOf(PersistenceError);
  });
});

describe('writes that cannot be made', () => {
  it('content too deep to serialize: the write rejects with a typed error and the cache stays dirty (item 9)', async () => {
    let deep = '1';
    for (let i = 0; i < 5_000; i++) deep = `[${deep}]`;
    await fs.writeFile(path, `{"Deep":${deep}}`);
    const cache = await open();
    expect(() => cache.serialize()).toThrow(CacheCorruptError);
    addUser(cache);
    await expect(cache.afterAccess()).rejects.toBeInstanceOf(CacheCorruptError);
    expect(cache.hasUnsavedChanges).toBe(true);
    // Every later save keeps failing loudly; none resolves having written nothing.
    await expect(cache.afterAccess()).rejects.toBeInstanceOf(CacheCorruptError);
    expect(await fs.readFile(path, 'utf8')).toBe(`{"Deep":${deep}}`);
  });
});

describe.runIf(posix)('a damaged cache set aside', () => {
  it('keeps the .corrupt-* copy private (0600) whatever mode the original had (item 14)', async () => {
    await fs.writeFile(path, '{"AccessToken": {"k": {"secret": "x"', { mode: 0o644 });
    await fs.chmod(path, 0o644);
    const cache = await open();
    await cache.afterAccess();
    const aside = (await fs.readdir(dir)).filter((n) => n.startsWith('cache.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect((await fs.stat(join(dir, aside[0]!))).mode & 0o777).toBe(0o600);
  });
});
