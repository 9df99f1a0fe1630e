import { mkdtemp, readFile, rm, stat, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PersistenceError } from '../../../lib/errors.js';
import { createFilePopKeyStore } from '../../../lib/pop/pop-key-file-store.js';
import { loadOrCreatePopKey, PopKeyManager, type PopKeyStore } from '../../../lib/pop/pop-key.js';
import { popTokenRequestParams, reqCnf } from '../../../lib/pop/req-cnf.js';

function memoryStore(initial?: string): PopKeyStore & { saved: string[] } {
  let value = initial;
  const saved: string[] = [];
  return {
    saved,
    async load() {
      return value;
    },
    async save(v) {
      saved.push(v);
      value = v;
    },
  };
}

describe('PoP key', () => {
  it('is RSA-2048 with public-only JWK and an RFC 7638 thumbprint as kid', async () => {
    const key = await loadOrCreatePopKey();
    expect(Object.keys(key.publicJwk).sort()).toEqual(['e', 'kty', 'n']);
    expect(key.publicJwk.kty).toBe('RSA');
    expect(Buffer.from(key.publicJwk.n!, 'base64url').length).toBe(256);
    expect(key.kid).toBe(await calculateJwkThumbprint(key.publicJwk, 'sha256'));
    expect(key.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The private part stays with the key object, never in the public JWK.
    expect((await exportJWK(key.privateKey)).d).toBeTypeOf('string');
  });

  it('RFC 7638 thumbprint matches the RFC example', async () => {
    const rfcJwk = {
      kty: 'RSA',
      n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      e: 'AQAB',
    };
    expect(await calculateJwkThumbprint(rfcJwk, 'sha256')).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it('persists through the store and reloads the same key', async () => {
    const store = memoryStore();
    const first = await loadOrCreatePopKey(store);
    expect(store.saved).toHaveLength(1);
    const second = await loadOrCreatePopKey(store);
    expect(second.kid).toBe(first.kid);
    expect(store.saved).toHaveLength(1);
  });

  it('replaces a corrupt or undersized stored key', async () => {
    for (const bad of ['not json', '{"kty":"EC"}', JSON.stringify({ kty: 'RSA', n: 'AQAB', e: 'AQAB', d: 'x', p: 'x', q: 'x', dp: 'x', dq: 'x', qi: 'x' })]) {
      const store = memoryStore(bad);
      const key = await loadOrCreatePopKey(store);
      expect(store.saved).toHaveLength(1);
      expect(JSON.parse(store.saved[0]!).kty).toBe('RSA');
      expect((await loadOrCreatePopKey(store)).kid).toBe(key.kid);
    }
  });

  it('manager generates once for concurrent callers and retries after a failing store', async () => {
    const store = memoryStore();
    const manager = new PopKeyManager({ store });
    const [a, b] = await Promise.all([manager.getKey(), manager.getKey()]);
    expect(a).toBe(b);
    expect(store.saved).toHaveLength(1);

    let fail = true;
    const flaky: PopKeyStore = {
      load: async () => {
        if (fail) throw new PersistenceError('disk gone');
        return undefined;
      },
      save: async () => {},
    };
    const m2 = new PopKeyManager({ store: flaky });
    await expect(m2.getKey()).rejects.toBeInstanceOf(PersistenceError);
    fail = false;
    await expect(m2.getKey()).resolves.toHaveProperty('kid');
  });
});

describe('file key store', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bb-pop-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes mode 0600 atomically and reads back; missing file loads as undefined', async () => {
    const path = join(dir, 'nested', 'pop.json');
    const store = createFilePopKeyStore(path);
    expect(await store.load()).toBeUndefined();
    const key = await loadOrCreatePopKey(store);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(dir, 'nested'))).toEqual(['pop.json']); // no temp file left behind
    expect(JSON.parse(await readFile(path, 'utf8')).d).toBeTypeOf('string');
    expect((await loadOrCreatePopKey(createFilePopKeyStore(path))).kid).toBe(key.kid);
    await store.save('{"replaced":true}');
    expect(await readFile(path, 'utf8')).toBe('{"replaced":true}');
  });

  it('wraps I/O failures in PersistenceError', async () => {
    const blocker = join(dir, 'file');
    await writeFile(blocker, 'x');
    const store = createFilePopKeyStore(join(blocker, 'pop.json'));
    await expect(store.save('{}')).rejects.toBeInstanceOf(PersistenceError);
    await expect(createFilePopKeyStore(dir).load()).rejects.toBeInstanceOf(PersistenceError);
  });
});

describe('req_cnf', () => {
  it('is base64url of {"kid":…} and comes with token_type=pop', () => {
    const value = reqCnf('abc-_123');
    expect(value).not.toMatch(/[+/=]/);
    expect(JSON.parse(Buffer.from(value, 'base64url').toString('utf8'))).toEqual({ kid: 'abc-_123' });
    expect(popTokenRequestParams('k')).toEqual({ token_type: 'pop', req_cnf: reqCnf('k') });
  });
});
