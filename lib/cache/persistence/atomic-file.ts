/**
 * File primitives every persistence shares: private permissions, atomic
 * replacement and a cheap change stamp. Tokens are secrets, so nothing here
 * ever creates a file or directory others can read.
 */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants, promises as fs, type BigIntStats, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PersistenceError } from '../../errors.js';
import { isProcessAlive } from './process-liveness.js';

const isWindows = process.platform === 'win32';

export function isErrno(e: unknown, ...codes: string[]): boolean {
  return typeof e === 'object' && e !== null && codes.includes((e as NodeJS.ErrnoException).code ?? '');
}

/** Creates the parent directory as 0700 when missing (an existing one is left as its owner set it). */
export async function ensureParentDir(path: string): Promise<void> {
  await fs.mkdir(dirname(path), { recursive: true, mode: 0o700 });
}

/** What a non-file at one of our paths is, for the message that refuses it. */
function kindOf(s: Stats | BigIntStats): string {
  if (s.isDirectory()) return 'a directory';
  if (s.isFIFO()) return 'a FIFO';
  if (s.isSocket()) return 'a socket';
  if (s.isSymbolicLink()) return 'a symbolic link';
  return 'a device or other special file';
}

/** The refusal of a path that holds something other than a regular file. */
export function notAFileError(path: string, s: Stats | BigIntStats): PersistenceError {
  return new PersistenceError(`${path} is ${kindOf(s)}, not a file; move it away to use this cache`);
}

/** A path that does not exist, unless a symbolic link pointing nowhere sits there (which a write would replace). */
async function refuseDanglingLink(path: string): Promise<void> {
  const s = await fs.lstat(path).catch(() => undefined);
  if (s?.isSymbolicLink()) throw new PersistenceError(`${path} is a symbolic link to nothing; remove it to use this cache`);
}

// O_NONBLOCK makes opening a FIFO return at once instead of waiting forever for a writer (it is 0 on Windows).
const READ_FLAGS = fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0);

/**
 * The file's bytes, undefined when there is none. Never blocks: anything but a regular file
 * (or a link to one) at the path (a FIFO, a directory, a socket, a dangling link) is a PersistenceError.
 */
export async function readIfExists(path: string): Promise<Buffer | undefined> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, READ_FLAGS);
  } catch (e) {
    if (!isErrno(e, 'ENOENT')) throw new PersistenceError(`cannot read ${path}`, { cause: e });
    await refuseDanglingLink(path);
    return undefined;
  }
  try {
    const s = await handle.stat();
    if (!s.isFile()) throw notAFileError(path, s);
    return await handle.readFile();
  } catch (e) {
    throw e instanceof PersistenceError ? e : new PersistenceError(`cannot read ${path}`, { cause: e });
  } finally {
    await handle.close();
  }
}

/**
 * Identity + size + mtime. Every save renames a new file into place, so the
 * inode changes even when a write lands within the mtime granularity.
 */
export async function fileStamp(path: string): Promise<string | undefined> {
  try {
    const s = await fs.stat(path, { bigint: true });
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}`;
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return undefined;
    throw e;
  }
}

/** Windows refuses to replace a file another process has open for a moment; anywhere else one try is the answer. */
async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await fs.rename(from, to);
      return;
    } catch (e) {
      if (!isWindows || attempt >= 20 || !isErrno(e, 'EPERM', 'EACCES', 'EBUSY')) throw e;
      await sleep(10 + attempt * 5);
    }
  }
}

/**
 * Writes a temp file in the same directory (so rename stays on one file
 * system), flushes it to disk, then renames it over the target: a crash leaves
 * the old file or the new one, never a torn one. The directory is not synced:
 * that would only make the newest version survive a power cut (the old one is
 * intact either way) and it doubles the cost of every cache write.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  return asPersistenceError(`cannot write ${path}`, () => writeAndRename(path, data));
}

/** Runs a file operation; whatever it throws becomes a PersistenceError saying `what` failed (typed ones pass through). */
export async function asPersistenceError<T>(what: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (e) {
    throw e instanceof PersistenceError ? e : new PersistenceError(what, { cause: e });
  }
}

async function writeAndRename(path: string, data: string | Uint8Array): Promise<void> {
  await ensureParentDir(path);
  // rename() would replace a FIFO, a socket or a dangling link silently, and fail on a directory with a raw EISDIR.
  const existing = await fs.lstat(path).catch(() => undefined);
  if (existing?.isSymbolicLink()) {
    const target = await fs.stat(path).catch(() => undefined);
    if (!target) throw new PersistenceError(`${path} is a symbolic link to nothing; remove it to use this cache`);
    if (!target.isFile()) throw notAFileError(path, target);
  } else if (existing && !existing.isFile()) {
    throw notAFileError(path, existing);
  }
  const temp = `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  const handle = await fs.open(temp, 'wx', 0o600);
  let renamed = false;
  try {
    try {
      // The umask can only narrow the mode; this makes it exactly 0600 whatever the umask.
      if (!isWindows) await handle.chmod(0o600);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await renameWithRetry(temp, path);
    renamed = true;
  } finally {
    if (!renamed) await fs.rm(temp, { force: true });
  }
}

/** A set-aside copy holds tokens too: owner-only, whatever mode the original had. */
async function makePrivate(path: string): Promise<void> {
  if (!isWindows) await fs.chmod(path, 0o600);
}

/** Moves a file to `<path>.<label>-<epoch ms>` without overwriting anything; undefined when there was no file. */
export async function moveAside(path: string, label: string, now = Date.now()): Promise<string | undefined> {
  for (let n = 0; n < 100; n++) {
    const target = `${path}.${label}-${now}${n ? `-${n}` : ''}`;
    try {
      // link() fails on an existing target where rename() would silently replace it.
      await fs.link(path, target);
      await fs.unlink(path);
      await makePrivate(target);
      return target;
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return undefined;
      if (isErrno(e, 'EEXIST')) continue;
      if (isErrno(e, 'EPERM', 'ENOTSUP', 'EXDEV', 'ENOSYS')) {
        // File systems without hard links: take the first free name and rename.
        if (await fileStamp(target)) continue;
        await renameWithRetry(path, target);
        await makePrivate(target);
        return target;
      }
      throw e;
    }
  }
  throw new PersistenceError(`no free name to move ${path} aside`);
}

/**
 * Removes temp files that writers of `path` left when they died mid-write
 * (they hold tokens). A temp file of a live process is never touched.
 */
export async function sweepOrphanTempFiles(path: string): Promise<number> {
  const dir = dirname(path);
  const prefix = `${basename(path)}.tmp-`;
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return 0;
    throw e;
  }
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
    if (!Number.isSafeInteger(pid) || pid === process.pid || isProcessAlive(pid)) continue;
    await fs.rm(join(dir, name), { force: true });
    removed++;
  }
  return removed;
}

/** One cache file: atomic private writes, a change stamp, and set-aside of a damaged original. */
export class AtomicFile {
  constructor(readonly path: string) {}

  read(): Promise<Buffer | undefined> {
    return readIfExists(this.path);
  }

  write(data: string | Uint8Array): Promise<void> {
    return writeFileAtomic(this.path, data);
  }

  async removeOrphanTempFiles(): Promise<void> {
    await asPersistenceError(`cannot clean up after a writer of ${this.path} that died`, () => sweepOrphanTempFiles(this.path));
  }

  stamp(): Promise<string | undefined> {
    return asPersistenceError(`cannot inspect ${this.path}`, () => fileStamp(this.path));
  }

  moveAside(): Promise<string | undefined> {
    return asPersistenceError(`cannot move the damaged ${this.path} aside`, () => moveAside(this.path, 'corrupt'));
  }
}
