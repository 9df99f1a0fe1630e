import { spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, PersistenceError } from '../../../lib/errors.js';
import { FilePersistence } from '../../../lib/cache/persistence/file-persistence.js';
import { tempDir } from '../../unit/persistence/support.js';

const posix = process.platform !== 'win32';

describe('FilePersistence', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it('refuses to exist without the explicit plaintext opt-in', () => {
    const attempt = () => new FilePersistence(join(dir, 'c.json'), {} as never);
    expect(attempt).toThrow(PersistenceError);
    expect(attempt).toThrow(/allowPlaintext: true/);
    try {
      attempt();
    } catch (e) {
      expect((e as PersistenceError).code).toBe(ErrorCode.PersistenceError);
    }
    expect(() => new FilePersistence('', { allowPlaintext: true })).toThrow(PersistenceError);
  });

  it('round-trips text, reports a missing file as undefined and uses the MSAL lock file name', async () => {
    const path = join(dir, 'c.json');
    const p = new FilePersistence(path, { allowPlaintext: true });
    expect(p.lockPath).toBe(`${path}.lockfile`);
    expect(await p.load()).toBeUndefined();
    expect(await p.stamp()).toBeUndefined();
    await p.save('{"AccessToken":{}}');
    expect(await p.load()).toBe('{"AccessToken":{}}');
    expect(p.describe()).toContain(path);
  });

  it.runIf(posix)('creates the directory 0700 and the file 0600 whatever the umask', async () => {
    const path = join(dir, 'nested', 'deeper', 'c.json');
    const old = process.umask(0o000);
    try {
      await new FilePersistence(path, { allowPlaintext: true }).save('x');
    } finally {
      process.umask(old);
    }
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'nested', 'deeper'))).mode & 0o777).toBe(0o700);
  });

  it.runIf(posix)('replaces a world-readable file with a 0600 one', async () => {
    const path = join(dir, 'c.json');
    await writeFile(path, 'old', { mode: 0o644 });
    await new FilePersistence(path, { allowPlaintext: true }).save('new');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('replaces the file atomically: a new inode each save, no temp files left, a new stamp', async () => {
    const path = join(dir, 'c.json');
    const p = new FilePersistence(path, { allowPlaintext: true });
    await p.save('a'.repeat(1000));
    const s1 = await p.stamp();
    const ino1 = (await stat(path)).ino;
    await p.save('b'.repeat(1000));
    expect(await p.stamp()).not.toBe(s1);
    if (posix) expect((await stat(path)).ino).not.toBe(ino1);
    expect(await readdir(dir)).toEqual(['c.json']);
  });

  it('readers racing many writers only ever see complete blobs', async () => {
    const path = join(dir, 'c.json');
    const p = new FilePersistence(path, { allowPlaintext: true });
    const blob = (n: number) => JSON.stringify({ n, pad: 'x'.repeat(200_000) });
    await p.save(blob(0));
    const writes = Promise.all(Array.from({ length: 20 }, (_, i) => p.save(blob(i + 1))));
    const seen = new Set<number>();
    let done = false;
    void writes.finally(() => (done = true));
    while (!done) {
      const text = await readFile(path, 'utf8');
      seen.add((JSON.parse(text) as { n: number }).n); // throws on a torn file
    }
    await writes;
    expect(seen.size).toBeGreaterThan(0);
    expect((await readdir(dir)).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it('moves a file aside without overwriting an earlier one', async () => {
    const path = join(dir, 'c.json');
    const p = new FilePersistence(path, { allowPlaintext: true });
    expect(await p.quarantine()).toBeUndefined();
    await p.save('first');
    const a = await p.quarantine();
    await p.save('second');
    const b = await p.quarantine();
    expect(a).toMatch(/c\.json\.corrupt-\d+$/);
    expect(b).not.toBe(a);
    expect(await readFile(a!, 'utf8')).toBe('first');
    expect(await readFile(b!, 'utf8')).toBe('second');
    expect(await p.load()).toBeUndefined();
  });

  it('after a crash removes the temp files dead writers left, never those of live processes', async () => {
    const path = join(dir, 'c.json');
    const p = new FilePersistence(path, { allowPlaintext: true });
    await p.save('{}');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    await writeFile(`${path}.tmp-${dead}-abcdef`, 'half a blob');
    await writeFile(`${path}.tmp-${process.ppid}-abcdef`, 'a live writer');
    await writeFile(join(dir, `other.json.tmp-${dead}-abcdef`), 'not ours');
    await p.recoverAfterCrash();
    expect((await readdir(dir)).sort()).toEqual(['c.json', `c.json.tmp-${process.ppid}-abcdef`, `other.json.tmp-${dead}-abcdef`]);
  });

  it('reports an unreadable location as an error, not as an empty cache', async () => {
    const path = join(dir, 'a-dir');
    await mkdir(path);
    await expect(new FilePersistence(path, { allowPlaintext: true }).load()).rejects.toThrow();
  });
});
