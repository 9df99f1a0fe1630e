import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CacheCorruptError, PersistenceError } from '../../../lib/errors.js';
import { createPersistence } from '../../../lib/cache/persistence/create-persistence.js';
import { FilePersistence } from '../../../lib/cache/persistence/file-persistence.js';
import { KeyringKeyStore } from '../../../lib/cache/persistence/key-store.js';
import { EncryptedFilePersistence, decryptBlob, encryptBlob } from '../../../lib/cache/persistence/keyring-persistence.js';
import { MemoryKeyStore, recordingLogger, tempDir } from '../../unit/persistence/support.js';
import { secretServiceAvailable, startSecretService, type PrivateSecretService } from './secret-service.js';

const blob = JSON.stringify({ RefreshToken: { k: { secret: 'rt-super-secret' } } });

describe('AES-256-GCM blob', () => {
  it('round-trips and rejects another key, a flipped bit and a foreign format', () => {
    const key = Buffer.alloc(32, 7);
    const sealed = encryptBlob(key, blob);
    expect(sealed.subarray(0, 4).toString()).toBe('BBC1');
    expect(sealed.includes(Buffer.from('rt-super-secret'))).toBe(false);
    expect(decryptBlob(key, sealed)).toBe(blob);
    expect(decryptBlob(Buffer.alloc(32, 8), sealed)).toBeUndefined();
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 1]! ^= 1;
    expect(decryptBlob(key, flipped)).toBeUndefined();
    expect(decryptBlob(key, Buffer.from(blob))).toBeUndefined();
    // A fresh IV each time: equal plaintexts never look equal on disk.
    expect(encryptBlob(key, blob).equals(sealed)).toBe(false);
  });
});

describe('EncryptedFilePersistence', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it('creates one random key on first save and keeps only ciphertext on disk', async () => {
    const keys = new MemoryKeyStore();
    const path = join(dir, 'cache.bin');
    const p = new EncryptedFilePersistence(path, keys);
    expect(p.lockPath).toBe(`${path}.lockfile`);
    expect(await p.load()).toBeUndefined();
    expect(keys.key).toBeUndefined(); // reading never creates a key
    await p.save(blob);
    expect(keys.key).toHaveLength(32);
    expect((await readFile(path)).includes(Buffer.from('rt-super-secret'))).toBe(false);
    expect(await new EncryptedFilePersistence(path, keys).load()).toBe(blob);
    expect(await p.stamp()).toBeTypeOf('string');
  });

  it('reports a file it cannot decrypt as corrupt (missing key, other key, damage)', async () => {
    const path = join(dir, 'cache.bin');
    const keys = new MemoryKeyStore();
    await new EncryptedFilePersistence(path, keys).save(blob);
    await expect(new EncryptedFilePersistence(path, new MemoryKeyStore()).load()).rejects.toThrow(/key is missing/);
    const other = new MemoryKeyStore();
    other.key = Buffer.alloc(32, 1);
    await expect(new EncryptedFilePersistence(path, other).load()).rejects.toBeInstanceOf(CacheCorruptError);
    await writeFile(path, 'garbage');
    await expect(new EncryptedFilePersistence(path, keys).load()).rejects.toThrow(/damaged, or made with another key/);
  });

  it('picks up a key replaced in the store instead of using a stale cached one', async () => {
    const path = join(dir, 'cache.bin');
    const keys = new MemoryKeyStore();
    const reader = new EncryptedFilePersistence(path, keys);
    await reader.save('one');
    expect(await reader.load()).toBe('one');
    keys.key = Buffer.alloc(32, 9);
    await new EncryptedFilePersistence(path, keys).save('two');
    expect(await reader.load()).toBe('two');
  });
});

describe('createPersistence', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  const broken = () =>
    new KeyringKeyStore(join(dir, 'c'), {
      loadEntryFactory: () => Promise.reject(new Error('Cannot find module @napi-rs/keyring')),
    });
  const unreachable = () =>
    new KeyringKeyStore(join(dir, 'c'), {
      loadEntryFactory: async () => () => ({
        getPassword: () => Promise.reject(new Error('Platform secure storage failure: no D-Bus session')),
        setPassword: () => Promise.reject(new Error('unreachable')),
      }),
    });

  it('throws a PersistenceError saying why when the secret store is unusable and plaintext was not allowed', async () => {
    await expect(createPersistence({ path: join(dir, 'c'), keyStore: broken() })).rejects.toThrow(
      /could not be loaded.*allowPlaintextFallback/s,
    );
    await expect(createPersistence({ path: join(dir, 'c'), keyStore: unreachable() })).rejects.toBeInstanceOf(PersistenceError);
    await expect(createPersistence({ path: join(dir, 'c'), keyStore: unreachable() })).rejects.toThrow(/no D-Bus session/);
  });

  it('falls back to a plaintext file only when allowed, with a warning that names no path unless PII is on', async () => {
    const logger = recordingLogger();
    const p = await createPersistence({ path: join(dir, 'c'), keyStore: unreachable(), allowPlaintextFallback: true, logger });
    expect(p).toBeInstanceOf(FilePersistence);
    const plain = logger.lines.filter((l) => !l.pii);
    expect(plain.some((l) => l.level === 'warning' && /plaintext/.test(l.message))).toBe(true);
    expect(plain.every((l) => !l.message.includes(dir))).toBe(true);
  });

  it('uses the encrypted file when the key store answers', async () => {
    const p = await createPersistence({ path: join(dir, 'c'), keyStore: new MemoryKeyStore() });
    expect(p).toBeInstanceOf(EncryptedFilePersistence);
  });
});

describe.runIf(secretServiceAvailable())('with a real Secret Service (gnome-keyring on a private D-Bus)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let service: PrivateSecretService;
  const savedAddress = process.env['DBUS_SESSION_BUS_ADDRESS'];

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    service = await startSecretService();
    process.env['DBUS_SESSION_BUS_ADDRESS'] = service.address;
  });
  afterAll(async () => {
    if (savedAddress === undefined) delete process.env['DBUS_SESSION_BUS_ADDRESS'];
    else process.env['DBUS_SESSION_BUS_ADDRESS'] = savedAddress;
    await service?.stop();
    await cleanup?.();
  });

  it('keeps the key in the Secret Service and the tokens encrypted on disk', async () => {
    const path = join(dir, 'tokens.bin');
    const p = await createPersistence({ path, keyring: { service: 'brokerbridge.test' } });
    expect(p).toBeInstanceOf(EncryptedFilePersistence);
    await p.save(blob);
    expect((await readFile(path)).includes(Buffer.from('rt-super-secret'))).toBe(false);

    const stored = await new KeyringKeyStore(path, { service: 'brokerbridge.test' }).get();
    expect(stored).toHaveLength(32);
    const again = await createPersistence({ path, keyring: { service: 'brokerbridge.test' } });
    expect(await again.load()).toBe(blob);
  });
});
