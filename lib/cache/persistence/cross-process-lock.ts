/**
 * The lock MSAL's persistence extensions take around every cache write:
 * `<cache path>.lockfile`, created exclusively and holding "<pid> <process name>".
 * Unlike the reference, a lock left by a crashed or hung writer is recovered
 * (its pid is gone, or it outlived staleAfterMs without a heartbeat), and
 * waiting has a deadline.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs, type BigIntStats } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../app/logger.js';
import { silentLogger } from '../../app/logger.js';
import { PersistenceError } from '../../errors.js';
import { timerDelay } from '../../timers.js';
import { asPersistenceError, ensureParentDir, isErrno, notAFileError, readIfExists } from './atomic-file.js';
import { isProcessAlive } from './process-liveness.js';

/** Options of {@link CrossProcessLock}. */
export interface CrossProcessLockOptions {
  /** Give up (PersistenceError) after this long. Default 10 s. */
  timeoutMs?: number | undefined;
  /** First pause between attempts; it grows to 10x with jitter. Default 5 ms. */
  retryDelayMs?: number | undefined;
  /** A lock file untouched for this long is taken over. Holders refresh it every quarter of this. Default 60 s. */
  staleAfterMs?: number | undefined;
  /** Receives a warning when a stale lock is taken over. */
  logger?: Logger | undefined;
}

/** A lock this process holds; release it when done. */
export interface HeldLock {
  /** True when a dead or hung holder's lock was taken over: its interrupted write may have left debris. */
  readonly tookOverStale: boolean;
  /** Removes the lock file (if it is still ours) and stops refreshing it. */
  release(): Promise<void>;
}

/** What a look at a lock that exists found: retry at once, retry after taking over a stale lock, or wait. */
type Recovery = 'retry' | 'took-over' | 'wait';

const emptyLockGraceMs = 2_000;

/**
 * Lock files this process holds or is creating (with a count, as several
 * caches may share one), to tell our own live locks from ones an earlier
 * process with our pid left behind.
 */
const ownedHere = new Map<string, number>();
function own(path: string, delta: 1 | -1): void {
  const n = (ownedHere.get(path) ?? 0) + delta;
  if (n > 0) ownedHere.set(path, n);
  else ownedHere.delete(path);
}

interface LockIdentity {
  ino: bigint;
  dev: bigint;
  mtimeNs: bigint;
  content: string;
}

function sameLock(a: LockIdentity, b: LockIdentity): boolean {
  // Inode numbers are reused at once on some file systems; the content and mtime tell two lock files apart.
  return a.ino === b.ino && a.dev === b.dev && a.mtimeNs === b.mtimeNs && a.content === b.content;
}

/**
 * The lock file there now, undefined when there is none. We only ever create regular files
 * there, so anything else (a link, even a dangling one, a FIFO, a directory) is refused:
 * it would never go away by itself, and reading a FIFO would block.
 */
async function identify(path: string): Promise<LockIdentity | undefined> {
  let s: BigIntStats;
  try {
    s = await fs.lstat(path, { bigint: true });
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return undefined;
    throw new PersistenceError(`cannot inspect the cache lock ${path}`, { cause: e });
  }
  if (!s.isFile()) throw notAFileError(path, s);
  // Gone between lstat and read: released meanwhile.
  const content = await readIfExists(path);
  return content === undefined ? undefined : { ino: s.ino, dev: s.dev, mtimeNs: s.mtimeNs, content: content.toString('utf8') };
}

export function ownerPid(content: string): number | undefined {
  const m = /^\s*(\d+)/.exec(content);
  const pid = m ? Number(m[1]) : NaN;
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * The lock MSAL's persistence extensions take around every cache write (`<cache path>.lockfile`),
 * so a cache file can be shared with MSAL Python and MSAL Node apps. A lock left by a crashed
 * or hung holder is taken over, and waiting has a deadline. {@link PersistentTokenCache} takes
 * it itself; use this class to guard other writes to the same file.
 *
 * @example
 * ```ts
 * const lock = new CrossProcessLock(`${cachePath}.lockfile`, { timeoutMs: 5_000 });
 * await lock.withLock(async () => {
 *   // no other process that honours the lock writes the cache meanwhile
 * });
 * ```
 */
export class CrossProcessLock {
  /** The lock file. */
  readonly path: string;
  private readonly timeoutMs: number;
  private readonly retryDelayMs: number;
  private readonly staleAfterMs: number;
  private readonly logger: Logger;

  constructor(path: string, options: CrossProcessLockOptions = {}) {
    this.path = path;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retryDelayMs = options.retryDelayMs ?? 5;
    this.staleAfterMs = options.staleAfterMs ?? 60_000;
    this.logger = options.logger ?? silentLogger;
  }

  /** Runs `fn` while holding the lock, and releases it however `fn` ends. */
  async withLock<T>(fn: (held: HeldLock) => Promise<T> | T): Promise<T> {
    const held = await this.acquire();
    try {
      return await fn(held);
    } finally {
      await held.release();
    }
  }

  /**
   * Waits for the lock; release what it returns.
   *
   * @throws PersistenceError when timeoutMs passes first, or the lock file cannot be used.
   */
  acquire(): Promise<HeldLock> {
    return asPersistenceError(`cannot take the cache lock ${this.path}`, () => this.waitForLock());
  }

  private async waitForLock(): Promise<HeldLock> {
    const deadline = Date.now() + this.timeoutMs;
    let delay = this.retryDelayMs;
    let tookOverStale = false;
    for (;;) {
      const held = await this.tryCreate(tookOverStale);
      if (held) return held;
      const recovery = await this.recoverIfStale();
      tookOverStale ||= recovery === 'took-over';
      const left = deadline - Date.now();
      // Checked on every path, 'retry' too: a lock that keeps coming back must not spin past it.
      if (left <= 0) {
        const holder = await identify(this.path).catch(() => undefined);
        const pid = holder ? ownerPid(holder.content) : undefined;
        throw new PersistenceError(
          `timed out after ${this.timeoutMs} ms waiting for the cache lock ${this.path}${pid ? ` held by process ${pid}` : ''}`,
        );
      }
      if (recovery !== 'wait') continue;
      await sleep(timerDelay(Math.min(left, delay * (0.5 + Math.random()))));
      delay = Math.min(delay * 1.5, this.retryDelayMs * 10);
    }
  }

  private async tryCreate(tookOverStale: boolean): Promise<HeldLock | undefined> {
    let handle: fs.FileHandle;
    // Counted before the file exists, so a sibling in this process never judges the fresh lock stale.
    own(this.path, 1);
    try {
      handle = await fs.open(this.path, 'wx', 0o600);
    } catch (e) {
      own(this.path, -1);
      if (isErrno(e, 'EEXIST')) return undefined;
      if (isErrno(e, 'ENOENT')) {
        await ensureParentDir(this.path);
        return undefined;
      }
      throw new PersistenceError(`cannot create the cache lock ${this.path}`, { cause: e });
    }
    const content = `${process.pid} ${process.title}`;
    try {
      let s: BigIntStats;
      try {
        await handle.writeFile(content);
        s = await handle.stat({ bigint: true });
      } finally {
        await handle.close();
      }
      return this.held({ ino: s.ino, dev: s.dev, mtimeNs: s.mtimeNs, content }, tookOverStale);
    } catch (e) {
      own(this.path, -1);
      await fs.rm(this.path, { force: true });
      throw new PersistenceError(`cannot write the cache lock ${this.path}`, { cause: e });
    }
  }

  private held(identity: LockIdentity, tookOverStale: boolean): HeldLock {
    let current = identity;
    let released = false;
    const beat = setInterval(() => {
      const now = new Date();
      fs.utimes(this.path, now, now)
        .then(() => fs.stat(this.path, { bigint: true }))
        .then((s) => {
          if (!released) current = { ...current, mtimeNs: s.mtimeNs };
        })
        .catch(() => {});
    }, timerDelay(Math.max(50, this.staleAfterMs / 4)));
    beat.unref();
    return {
      tookOverStale,
      release: async () => {
        if (released) return;
        released = true;
        clearInterval(beat);
        own(this.path, -1);
        // Remove only our own lock: if it was taken over, the file there now is someone else's.
        const now = await identify(this.path).catch(() => undefined);
        if (now && now.ino === current.ino && now.dev === current.dev && now.content === current.content) {
          await asPersistenceError(`cannot remove the cache lock ${this.path}`, () => fs.rm(this.path, { force: true }));
        } else {
          this.logger.log('warning', `cache lock ${this.path} was taken over while held; a write may have raced`);
        }
      },
    };
  }

  private isStale(lock: LockIdentity): boolean {
    const ageMs = Date.now() - Number(lock.mtimeNs / 1_000_000n);
    if (ageMs > this.staleAfterMs) return true;
    const pid = ownerPid(lock.content);
    // A live owner writes its pid right after creating the file; one that stays empty was left by a crash in between.
    if (pid === undefined) return ageMs > Math.min(emptyLockGraceMs, this.staleAfterMs);
    if (pid === process.pid) return !ownedHere.has(this.path);
    return !isProcessAlive(pid);
  }

  /**
   * Takes a stale lock away.
   * Recoverers first take a short-lived guard and re-judge under it, so two
   * of them can never both remove locks; the rename-then-verify step puts
   * back a lock that a live owner renewed between judging and removing.
   */
  private async recoverIfStale(): Promise<Recovery> {
    const seen = await identify(this.path);
    if (!seen) return 'retry';
    if (!this.isStale(seen)) return 'wait';

    const guard = `${this.path}.recovering`;
    try {
      await (await fs.open(guard, 'wx', 0o600)).close();
    } catch (e) {
      if (!isErrno(e, 'EEXIST')) throw e;
      await this.clearAbandonedGuard(guard);
      return 'wait';
    }
    try {
      const judged = await identify(this.path);
      if (!judged) return 'retry';
      if (!this.isStale(judged)) return 'wait';
      const aside = `${this.path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
      try {
        await fs.rename(this.path, aside);
      } catch (e) {
        if (isErrno(e, 'ENOENT')) return 'retry';
        throw e;
      }
      const moved = await identify(aside);
      if (moved && !sameLock(moved, judged)) {
        await fs.link(aside, this.path).catch(() => {});
        await fs.rm(aside, { force: true });
        return 'wait';
      }
      await fs.rm(aside, { force: true });
      this.logger.log('warning', `took over a stale cache lock left by process ${ownerPid(judged.content) ?? 'unknown'}`);
      return 'took-over';
    } finally {
      await fs.rm(guard, { force: true });
    }
  }

  /** The guard is held for microseconds; one that lingers was left by a recoverer that died. */
  private async clearAbandonedGuard(guard: string): Promise<void> {
    try {
      const s = await fs.stat(guard);
      if (Date.now() - s.mtimeMs > Math.min(5_000, this.staleAfterMs)) await fs.rm(guard, { force: true });
    } catch (e) {
      if (!isErrno(e, 'ENOENT')) throw e;
    }
  }
}
