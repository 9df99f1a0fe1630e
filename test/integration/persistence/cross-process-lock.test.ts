import { spawnSync } from 'node:child_process';
import { readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PersistenceError } from '../../../lib/errors.js';
import { CrossProcessLock, ownerPid } from '../../../lib/cache/persistence/cross-process-lock.js';
import { isProcessAlive } from '../../../lib/cache/persistence/process-liveness.js';
import { recordingLogger, tempDir } from '../../unit/persistence/support.js';

/** A pid that surely belongs to no running process: one that just exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const pid = Number(r.stdout);
  expect(isProcessAlive(pid)).toBe(false);
  return pid;
}

describe('isProcessAlive', () => {
  it('is false for what is not a pid: a lock whose owner died before writing it parses to undefined', () => {
    expect(isProcessAlive(ownerPid(''))).toBe(false);
    // kill(0) and kill(-1) would probe process groups, which always answer.
    for (const pid of [undefined, 0, -1, 1.5, Number.NaN]) expect(isProcessAlive(pid), String(pid)).toBe(false);
    expect(isProcessAlive(process.pid)).toBe(true);
  });
});

describe('CrossProcessLock', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let lockPath: string;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    lockPath = join(dir, 'cache.json.lockfile');
  });
  afterEach(() => cleanup());

  it('writes "<pid> <process name>" like msal-extensions and removes the file on release', async () => {
    const held = await new CrossProcessLock(lockPath).acquire();
    expect(held.tookOverStale).toBe(false);
    const content = await readFile(lockPath, 'utf8');
    expect(content).toMatch(new RegExp(`^${process.pid} \\S`));
    expect(ownerPid(content)).toBe(process.pid);
    await held.release();
    await held.release(); // idempotent
    expect(await readdir(dir)).toEqual([]);
  });

  it('excludes: concurrent holders never overlap', async () => {
    let inside = 0;
    let maxInside = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        new CrossProcessLock(lockPath, { retryDelayMs: 1 }).withLock(async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          await sleep(5);
          order.push(i);
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(1);
    expect(order.sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('gives up with a PersistenceError naming the holder when the timeout passes', async () => {
    await writeFile(lockPath, `${process.ppid} some-other-process`);
    const lock = new CrossProcessLock(lockPath, { timeoutMs: 150, retryDelayMs: 5 });
    const error = await lock.acquire().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PersistenceError);
    expect((error as Error).message).toMatch(new RegExp(`timed out after 150 ms.*held by process ${process.ppid}`));
    expect(await readFile(lockPath, 'utf8')).toBe(`${process.ppid} some-other-process`);
  });

  it('takes over a lock whose owner process is gone, and says so', async () => {
    await writeFile(lockPath, `${deadPid()} crashed-writer`);
    const logger = recordingLogger();
    const held = await new CrossProcessLock(lockPath, { timeoutMs: 2000, logger }).acquire();
    expect(held.tookOverStale).toBe(true);
    expect(ownerPid(await readFile(lockPath, 'utf8'))).toBe(process.pid);
    expect(logger.lines.some((l) => l.level === 'warning' && /stale cache lock/.test(l.message))).toBe(true);
    await held.release();
  });

  it('takes over a lock older than staleAfterMs even when its pid is alive (a hung or recycled pid)', async () => {
    await writeFile(lockPath, `${process.ppid} hung`);
    const old = new Date(Date.now() - 120_000);
    await utimes(lockPath, old, old);
    const held = await new CrossProcessLock(lockPath, { timeoutMs: 2000, staleAfterMs: 60_000 }).acquire();
    expect(ownerPid(await readFile(lockPath, 'utf8'))).toBe(process.pid);
    await held.release();
  });

  it('takes over a lock an earlier process with our own pid left behind', async () => {
    await writeFile(lockPath, `${process.pid} previous-incarnation`);
    const held = await new CrossProcessLock(lockPath, { timeoutMs: 2000 }).acquire();
    expect(await readFile(lockPath, 'utf8')).not.toContain('previous-incarnation');
    await held.release();
  });

  it('a fresh lock without content yet (its owner is between create and write) is not stale', async () => {
    await writeFile(lockPath, '');
    await expect(new CrossProcessLock(lockPath, { timeoutMs: 100, retryDelayMs: 5 }).acquire()).rejects.toThrow(/timed out/);
  });

  it('an empty lock older than a short grace (its owner died between create and write) is taken over', async () => {
    await writeFile(lockPath, '');
    const old = new Date(Date.now() - 3_000);
    await utimes(lockPath, old, old);
    const held = await new CrossProcessLock(lockPath, { timeoutMs: 2000 }).acquire();
    expect(held.tookOverStale).toBe(true);
    await held.release();
  });

  it('many recoverers of one stale lock: exactly one holds it at a time, no stale files are left', async () => {
    await writeFile(lockPath, `${deadPid()} crashed-writer`);
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      Array.from({ length: 8 }, () =>
        new CrossProcessLock(lockPath, { retryDelayMs: 1, timeoutMs: 10_000 }).withLock(async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          await sleep(2);
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(1);
    expect(await readdir(dir)).toEqual([]);
  });

  it('release leaves alone a lock file that is no longer ours', async () => {
    const logger = recordingLogger();
    const held = await new CrossProcessLock(lockPath, { logger }).acquire();
    // Someone judged us stale and took over.
    await writeFile(lockPath, `${process.ppid} new-owner`);
    await held.release();
    expect(await readFile(lockPath, 'utf8')).toBe(`${process.ppid} new-owner`);
    expect(logger.lines.some((l) => /taken over/.test(l.message))).toBe(true);
  });

  it('a holder keeps its lock fresh, so a long critical section is not taken over', async () => {
    const first = await new CrossProcessLock(lockPath, { staleAfterMs: 400 }).acquire();
    const second = new CrossProcessLock(lockPath, { staleAfterMs: 400, timeoutMs: 1200, retryDelayMs: 5 }).acquire();
    await expect(second).rejects.toThrow(/timed out/);
    await first.release();
  });

  it('creates a missing parent directory', async () => {
    const nested = join(dir, 'a', 'b', 'cache.json.lockfile');
    await new CrossProcessLock(nested).withLock(() => undefined);
    expect(await readdir(join(dir, 'a', 'b'))).toEqual([]);
  });
});
