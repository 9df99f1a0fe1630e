import { spawnSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FilePersistence } from '../../../lib/cache/persistence/file-persistence.js';
import { EncryptedFilePersistence } from '../../../lib/cache/persistence/keyring-persistence.js';
import type { Persistence } from '../../../lib/cache/persistence/persistence.js';
import { PersistentTokenCache, cacheAccessHooks } from '../../../lib/cache/persistence/persistent-token-cache.js';
import { SerializableTokenCache } from '../../../lib/cache/serializable-token-cache.js';
import { ALIASES, CLIENT_ID, ENV, TENANT, homeId, userResponse } from '../../unit/cache/fixtures.js';
import { MemoryKeyStore, recordingLogger, tempDir } from '../../unit/persistence/support.js';

const add = (cache: SerializableTokenCache, uid: string, scope = 'User.Read') =>
  cache.add({
    clientId: CLIENT_ID,
    environment: ENV,
    realm: TENANT,
    scopes: scope.split(' '),
    response: userResponse({ uid, scope, accessToken: `at-${uid}-${scope}` }),
  });

const findAt = (cache: SerializableTokenCache, uid: string, scope = 'User.Read') =>
  cache.findAccessToken({ homeAccountId: homeId(uid), environments: ALIASES, clientId: CLIENT_ID, realm: TENANT, scopes: [scope] });

/** Counts loads, to prove reads are skipped when nothing changed. */
class CountingPersistence extends FilePersistence {
  loads = 0;
  override load(): Promise<string | undefined> {
    this.loads++;
    return super.load();
  }
}

describe('PersistentTokenCache', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let path: string;
  const file = () => new FilePersistence(path, { allowPlaintext: true });
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    path = join(dir, 'msal.cache.json');
  });
  afterEach(() => cleanup());

  it('writes changes by itself and another instance reads them on its next access', async () => {
    const a = await PersistentTokenCache.open(file());
    const b = await PersistentTokenCache.open(file());
    add(a, 'u1');
    await a.afterAccess();
    expect(a.hasUnsavedChanges).toBe(false);
    expect(JSON.parse(await readFile(path, 'utf8'))).toHaveProperty('AccessToken');

    expect(findAt(b, 'u1')).toBeUndefined();
    await b.beforeAccess();
    expect(findAt(b, 'u1')?.secret).toBe('at-u1-User.Read');
    expect(b.getAccounts()).toHaveLength(1);
  });

  it('reloads only when the file changed', async () => {
    const p = new CountingPersistence(path, { allowPlaintext: true });
    const cache = await PersistentTokenCache.open(p);
    add(cache, 'u1');
    await cache.afterAccess();
    const loads = p.loads;
    for (let i = 0; i < 5; i++) await cache.beforeAccess();
    expect(p.loads).toBe(loads);

    const other = await PersistentTokenCache.open(file());
    add(other, 'u2');
    await other.afterAccess();
    await cache.beforeAccess();
    expect(p.loads).toBe(loads + 1);
    expect(findAt(cache, 'u2')).toBeDefined();
  });

  it('concurrent writers lose nothing: each write merges with what the file holds now', async () => {
    const a = await PersistentTokenCache.open(file());
    const b = await PersistentTokenCache.open(file());
    add(a, 'ua');
    add(b, 'ub'); // b never saw ua: a plain overwrite would erase it
    await Promise.all([a.afterAccess(), b.afterAccess()]);
    const fresh = await PersistentTokenCache.open(file());
    expect(findAt(fresh, 'ua')).toBeDefined();
    expect(findAt(fresh, 'ub')).toBeDefined();
    // Each writer catches up with the other's tokens on its next access.
    await Promise.all([a.beforeAccess(), b.beforeAccess()]);
    expect(findAt(a, 'ub')).toBeDefined();
    expect(findAt(b, 'ua')).toBeDefined();
  });

  it('deletions propagate, and do not erase what others added meanwhile', async () => {
    const a = await PersistentTokenCache.open(file());
    add(a, 'u1');
    await a.afterAccess();
    const b = await PersistentTokenCache.open(file());
    add(b, 'u2');
    await b.afterAccess();
    a.removeAccount(homeId('u1'), ALIASES); // a has not seen u2 yet
    await a.afterAccess();
    const fresh = await PersistentTokenCache.open(file());
    expect(findAt(fresh, 'u1')).toBeUndefined();
    expect(findAt(fresh, 'u2')).toBeDefined();
  });

  it('keeps what it cannot use itself: unknown sections, unknown fields and entries of other SDKs', async () => {
    const foreign = {
      AccessToken: { 'odd-key': { credential_type: 'AccessToken', secret: 'no-target-field' } },
      Unknown: { 'k': { any: 'thing' } },
      version: 1,
    };
    await writeFile(path, JSON.stringify(foreign));
    const cache = await PersistentTokenCache.open(file());
    add(cache, 'u1');
    await cache.afterAccess();
    const onDisk = JSON.parse(await readFile(path, 'utf8')) as Record<string, Record<string, unknown>>;
    expect(onDisk['AccessToken']?.['odd-key']).toEqual(foreign.AccessToken['odd-key']);
    expect(onDisk['Unknown']).toEqual(foreign.Unknown);
    expect(onDisk['version']).toBe(1);
    expect(Object.keys(onDisk['AccessToken'] ?? {})).toHaveLength(2);
  });

  it('entries it loaded but cannot use are kept through its own rewrites, and go with clear()', async () => {
    await writeFile(path, JSON.stringify({ AccessToken: { 'an-entry': { foo: 'bar' } }, customized: 'whatever' }));
    const cache = await PersistentTokenCache.open(file());
    expect(JSON.parse(cache.serialize()).AccessToken['an-entry']).toEqual({ foo: 'bar' });
    add(cache, 'u1');
    cache.removeAccount(homeId('u1'), ALIASES);
    await cache.afterAccess();
    let onDisk = JSON.parse(await readFile(path, 'utf8')) as Record<string, Record<string, unknown>>;
    expect(onDisk['AccessToken']).toEqual({ 'an-entry': { foo: 'bar' } });
    expect(onDisk['customized']).toBe('whatever');
    cache.clear();
    await cache.afterAccess();
    onDisk = JSON.parse(await readFile(path, 'utf8')) as Record<string, Record<string, unknown>>;
    expect(onDisk['AccessToken'] ?? {}).toEqual({});
  });

  it('repairs a damaged file: keeps every readable entry, moves the original aside, warns', async () => {
    const seed = await PersistentTokenCache.open(file());
    add(seed, 'u1');
    add(seed, 'u2');
    await seed.afterAccess();
    const text = await readFile(path, 'utf8');
    const torn = text.slice(0, text.indexOf('"RefreshToken"') + 40); // a crash mid-write by a careless writer
    await writeFile(path, torn);

    const logger = recordingLogger();
    const cache = await PersistentTokenCache.open(file(), { logger });
    expect(findAt(cache, 'u1')).toBeDefined();
    expect(findAt(cache, 'u2')).toBeDefined();
    const names = await readdir(dir);
    const aside = names.find((n) => /^msal\.cache\.json\.corrupt-\d+$/.test(n));
    expect(aside).toBeDefined();
    expect(await readFile(join(dir, aside!), 'utf8')).toBe(torn);
    expect(JSON.parse(await readFile(path, 'utf8'))).toHaveProperty('AccessToken');
    expect(logger.lines.some((l) => l.level === 'warning' && !l.pii && /damaged/.test(l.message))).toBe(true);
    expect(logger.lines.filter((l) => !l.pii).every((l) => !l.message.includes(dir))).toBe(true);
  });

  it('an encrypted file it cannot decrypt is moved aside and the cache starts over', async () => {
    const bin = join(dir, 'cache.bin');
    await writeFile(bin, 'not ours');
    const keys = new MemoryKeyStore();
    const cache = await PersistentTokenCache.open(new EncryptedFilePersistence(bin, keys));
    add(cache, 'u1');
    await cache.afterAccess();
    expect((await readdir(dir)).some((n) => n.startsWith('cache.bin.corrupt-'))).toBe(true);
    const again = await PersistentTokenCache.open(new EncryptedFilePersistence(bin, keys));
    expect(findAt(again, 'u1')).toBeDefined();
  });

  it('a failed write keeps the changes and the next write still merges correctly', async () => {
    let fail = true;
    class Flaky extends FilePersistence {
      override save(text: string): Promise<void> {
        return fail ? Promise.reject(new Error('disk full')) : super.save(text);
      }
    }
    const seed = await PersistentTokenCache.open(file());
    add(seed, 'other');
    await seed.afterAccess();
    const flaky = new Flaky(path, { allowPlaintext: true });
    const cache = new PersistentTokenCache(flaky, { autoFlush: false });
    add(cache, 'mine');
    await expect(cache.afterAccess()).rejects.toThrow('disk full');
    expect(cache.hasUnsavedChanges).toBe(true);
    await expect(cache.beforeAccess()).rejects.toThrow('disk full'); // never reloads over unsaved changes
    expect(findAt(cache, 'mine')).toBeDefined();
    fail = false;
    await cache.afterAccess();
    await cache.beforeAccess();
    expect(findAt(cache, 'other')).toBeDefined();
    const fresh = await PersistentTokenCache.open(file());
    expect(findAt(fresh, 'mine')).toBeDefined();
    expect(findAt(fresh, 'other')).toBeDefined();
  });

  it('without autoFlush nothing is written until flush()', async () => {
    const cache = await PersistentTokenCache.open(file(), { autoFlush: false });
    add(cache, 'u1');
    await new Promise((r) => setTimeout(r, 20));
    expect(await file().load()).toBeUndefined();
    await cache.flush();
    expect(await file().load()).toContain('at-u1');
  });

  it('beforeAccess with unsaved changes merges them instead of dropping them', async () => {
    const cache = await PersistentTokenCache.open(file(), { autoFlush: false });
    const other = await PersistentTokenCache.open(file());
    add(other, 'theirs');
    await other.afterAccess();
    add(cache, 'mine');
    await cache.beforeAccess();
    expect(findAt(cache, 'mine')).toBeDefined();
    expect(findAt(cache, 'theirs')).toBeDefined();
    expect(cache.hasUnsavedChanges).toBe(false);
  });

  it('a change made while a write is in flight is written by a later round', async () => {
    const cache = await PersistentTokenCache.open(file());
    add(cache, 'u1');
    const inFlight = cache.flush();
    add(cache, 'u2');
    await inFlight;
    await cache.afterAccess();
    const fresh = await PersistentTokenCache.open(file());
    expect(findAt(fresh, 'u1')).toBeDefined();
    expect(findAt(fresh, 'u2')).toBeDefined();
  });

  it('clear() removes what it held, unknown members included, but not what others added since', async () => {
    await writeFile(path, JSON.stringify({ Unknown: { k: 1 } }));
    const cache = await PersistentTokenCache.open(file());
    add(cache, 'u1');
    await cache.afterAccess();
    const other = await PersistentTokenCache.open(file());
    add(other, 'u2');
    await other.afterAccess();
    cache.clear();
    await cache.afterAccess();
    const onDisk = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    expect(onDisk).not.toHaveProperty('Unknown');
    const fresh = await PersistentTokenCache.open(file());
    expect(findAt(fresh, 'u1')).toBeUndefined();
    expect(findAt(fresh, 'u2')).toBeDefined();
  });

  it('a caller replacing the contents with deserialize() is persisted like any change', async () => {
    const source = new SerializableTokenCache();
    add(source, 'imported');
    const cache = await PersistentTokenCache.open(file());
    cache.deserialize(source.serialize());
    await cache.afterAccess();
    expect(findAt(await PersistentTokenCache.open(file()), 'imported')).toBeDefined();
  });

  it('takes over the lock of a writer that died mid-save and cleans up after it', async () => {
    const seed = await PersistentTokenCache.open(file());
    add(seed, 'u1');
    await seed.afterAccess();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    await writeFile(`${path}.lockfile`, `${dead} python`);
    await writeFile(`${path}.tmp-${dead}-0123456789ab`, '{"AccessToken":{"half');
    const cache = await PersistentTokenCache.open(file(), { lock: { timeoutMs: 5000 } });
    add(cache, 'u2');
    await cache.afterAccess();
    expect(await readdir(dir)).toEqual(['msal.cache.json']);
    await cache.beforeAccess();
    expect(findAt(cache, 'u1')).toBeDefined();
  });

  it('exposes its hooks to a facade; a plain cache has none', () => {
    const cache = new PersistentTokenCache(file());
    expect(cacheAccessHooks(cache)).toBe(cache);
    expect(cacheAccessHooks(new SerializableTokenCache())).toBeUndefined();
  });

  it('create() picks the encrypted persistence and loads it', async () => {
    const keys = new MemoryKeyStore();
    const first = await PersistentTokenCache.create({ path: join(dir, 'c.bin'), keyStore: keys });
    expect(first.persistence).toBeInstanceOf(EncryptedFilePersistence);
    add(first, 'u1');
    await first.afterAccess();
    const second = await PersistentTokenCache.create({ path: join(dir, 'c.bin'), keyStore: keys });
    expect(findAt(second, 'u1')).toBeDefined();
  });

  it('works on any Persistence implementation', async () => {
    const p: Persistence = file();
    const cache = await PersistentTokenCache.open(p);
    add(cache, 'x');
    await cache.afterAccess();
    expect(await p.load()).toContain('at-x');
  });
});
