/**
 * Many processes writing one cache file at once, and writers dying mid-write:
 * nothing committed is ever lost and the file always parses.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ownerPid } from '../../../lib/cache/persistence/cross-process-lock.js';
import { FilePersistence } from '../../../lib/cache/persistence/file-persistence.js';
import { PersistentTokenCache } from '../../../lib/cache/persistence/persistent-token-cache.js';
import { isProcessAlive } from '../../../lib/cache/persistence/process-liveness.js';
import { ALIASES, CLIENT_ID, TENANT } from '../../unit/cache/fixtures.js';
import { tempDir } from '../../unit/persistence/support.js';
import { writerUid } from './writer-tokens.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const writerScript = fileURLToPath(new URL('./writer.ts', import.meta.url));

interface Writer {
  child: ChildProcess;
  committed: number[];
  /** Resolves with the exit code or signal; rejects after the deadline (the child is killed). */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once `n` writes are committed. */
  committedAtLeast(n: number): Promise<void>;
}

function startWriter(path: string, id: number, count: number, extra: string[] = [], deadlineMs = 240_000): Writer {
  const child = spawn(process.execPath, ['--import', 'tsx', writerScript, path, String(id), String(count), ...extra], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const committed: number[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const m = /^committed (\d+)$/.exec(line);
    if (!m) return;
    committed.push(Number(m[1]));
    for (const w of waiters.filter((w) => committed.length >= w.n)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`writer ${id} did not finish within ${deadlineMs} ms; stderr: ${stderr}`));
    }, deadlineMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0 && signal === null) reject(new Error(`writer ${id} exited with ${code}: ${stderr}`));
      else resolve({ code, signal });
    });
  });
  return {
    child,
    committed,
    exit,
    committedAtLeast: (n) =>
      committed.length >= n
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            waiters.push({ n, resolve });
            exit.then(() => reject(new Error(`writer ${id} exited after ${committed.length} of ${n} writes`)), reject);
          }),
  };
}

async function tokensOnDisk(path: string): Promise<Set<string>> {
  const json = JSON.parse(await readFile(path, 'utf8')) as { AccessToken: Record<string, { secret: string }> };
  return new Set(Object.values(json.AccessToken).map((e) => e.secret));
}

describe('one cache file, many processes', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let path: string;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    path = join(dir, 'msal.cache.json');
  });
  afterEach(() => cleanup());

  // Each commit rewrites the whole, growing file under the lock, so the work grows with the square of
  // the count: 8 x 100 keeps eight writers contending throughout while staying far inside the deadlines
  // on a loaded two-core machine (8 x 200 took 73 s there, close to the old 90 s writer deadline).
  it('8 processes x 100 writes: all 800 tokens end up in one parseable file', { timeout: 300_000 }, async () => {
    const writers = Array.from({ length: 8 }, (_, id) => startWriter(path, id, 100));
    await Promise.all(writers.map((w) => w.exit));

    const secrets = await tokensOnDisk(path);
    expect(secrets.size).toBe(800);
    for (let id = 0; id < 8; id++) for (let i = 0; i < 100; i++) expect(secrets.has(`at-${id}-${i}`)).toBe(true);

    const cache = await PersistentTokenCache.open(new FilePersistence(path, { allowPlaintext: true }));
    expect(cache.getAccounts()).toHaveLength(8);
    const found = cache.findAccessToken({
      homeAccountId: `${writerUid(5)}.${TENANT}`,
      environments: ALIASES,
      clientId: CLIENT_ID,
      realm: TENANT,
      scopes: ['scope-5-73'],
    });
    expect(found?.secret).toBe('at-5-73');
    expect(await readdir(dir)).toEqual(['msal.cache.json']);
  });

  it('a writer killed inside its save loses nothing committed; the next writer recovers its lock and temp file', { timeout: 300_000 }, async () => {
    const crashing = startWriter(path, 1, 50, ['crash-in-save-at=6']);
    expect((await crashing.exit).signal).toBe('SIGKILL');
    expect(crashing.committed).toEqual([0, 1, 2, 3, 4]);

    // Left behind: its lock (a dead pid) and a half-written temp file; the cache file itself is intact.
    const leftovers = await readdir(dir);
    expect(leftovers).toContain('msal.cache.json.lockfile');
    expect(leftovers.some((n) => n.startsWith('msal.cache.json.tmp-'))).toBe(true);
    const lockOwner = ownerPid(await readFile(`${path}.lockfile`, 'utf8'));
    expect(lockOwner).toBe(crashing.child.pid);
    expect(isProcessAlive(lockOwner)).toBe(false);
    const before = await tokensOnDisk(path);
    for (const i of crashing.committed) expect(before.has(`at-1-${i}`)).toBe(true);

    const next = startWriter(path, 2, 3);
    await next.exit;
    const after = await tokensOnDisk(path);
    for (const i of crashing.committed) expect(after.has(`at-1-${i}`)).toBe(true);
    for (let i = 0; i < 3; i++) expect(after.has(`at-2-${i}`)).toBe(true);
    expect(await readdir(dir)).toEqual(['msal.cache.json']);
  });

  it('SIGKILL at a random moment while another process keeps writing: the file parses and every commit is there', { timeout: 300_000 }, async () => {
    const victim = startWriter(path, 3, 10_000);
    const survivor = startWriter(path, 4, 60);
    await victim.committedAtLeast(20);
    victim.child.kill('SIGKILL');
    await victim.exit;
    await survivor.exit;

    const secrets = await tokensOnDisk(path); // throws if the file were torn
    for (const i of victim.committed) expect(secrets.has(`at-3-${i}`)).toBe(true);
    for (let i = 0; i < 60; i++) expect(secrets.has(`at-4-${i}`)).toBe(true);
    const lock = (await readdir(dir)).includes('msal.cache.json.lockfile');
    if (lock) {
      // The victim died holding the lock after the survivor finished: the next writer takes it over.
      // It may have died between creating the lock file and writing its pid: then there is no owner.
      expect(isProcessAlive(ownerPid(await readFile(`${path}.lockfile`, 'utf8')))).toBe(false);
      await startWriter(path, 5, 1).exit;
    }
    expect((await readdir(dir)).filter((n) => n !== 'msal.cache.json')).toEqual([]);
  });
});
