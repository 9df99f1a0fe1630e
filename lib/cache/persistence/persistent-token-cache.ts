/**
 * A SerializableTokenCache shared with other processes (and other MSAL
 * SDKs) through a Persistence: MSAL Python's PersistedTokenCache, improved.
 *
 * - Reads reload the file only when its stamp changed (one stat per call).
 * - Every change is written under the `<path>.lockfile` lock as a three-way
 *   merge: what this cache changed since it last synced (found by entry
 *   identity, so cheap) is applied to the file as it is now, so concurrent
 *   writers never erase each other's tokens.
 * - A damaged file is repaired (every readable entry kept) and the original
 *   is moved aside as `<path>.corrupt-<epoch ms>`: nothing is lost silently.
 *
 * A facade calls beforeAccess() at the start of a public call and
 * afterAccess() before it returns; changes are also written on their own as
 * soon as they happen (autoFlush), so direct users of the cache need no hooks.
 */
import { CacheCorruptError } from '../../errors.js';
import { stringifyCache } from '../cache-json.js';
import { cacheSections, type CacheSection } from '../entries.js';
import { salvageJson } from '../salvage-json.js';
import { SerializableTokenCache } from '../serializable-token-cache.js';
import type { TokenCacheOptions } from '../token-cache.js';
import { applyCacheChanges, emptyChanges, hasChanges, sameJson, type CacheChanges, type CacheJson } from './cache-changes.js';
import { createPersistence, type CreatePersistenceOptions } from './create-persistence.js';
import { CrossProcessLock, type CrossProcessLockOptions } from './cross-process-lock.js';
import type { Persistence } from './persistence.js';
import type { CacheAccessContext } from '../distributed/partition.js';

/** Options of {@link PersistentTokenCache}. */
export interface PersistentTokenCacheOptions extends TokenCacheOptions {
  /** Lock timing; the lock file is persistence.lockPath. */
  lock?: Omit<CrossProcessLockOptions, 'logger'> | undefined;
  /** Write each change as soon as it happens (default true). Without it, changes are written by flush()/afterAccess(). */
  autoFlush?: boolean | undefined;
}

/**
 * The hooks an application awaits around each public call when its `tokenCache` has them,
 * as {@link PersistentTokenCache} does: a cache of your own can sync with its storage this way.
 */
export interface CacheAccessHooks {
  /**
   * Called before the cache is read: bring in what other processes wrote. `context` names the
   * partition the call touches (a distributed cache reads only that one); absent for sign-ins.
   */
  beforeAccess(context?: CacheAccessContext): Promise<void>;
  /** Called after a call changed the cache; the call resolves only once this has. */
  afterAccess(): Promise<void>;
}

/** The cache's hooks when it has them (a persistent cache), else undefined. */
export function cacheAccessHooks(cache: object): CacheAccessHooks | undefined {
  const c = cache as Partial<CacheAccessHooks>;
  return typeof c.beforeAccess === 'function' && typeof c.afterAccess === 'function' ? (c as CacheAccessHooks) : undefined;
}

/** What the file held when we last read or wrote it. */
interface DiskState {
  stamp: string | undefined;
  json: CacheJson;
  /** Kept only while memory lags behind it, for the next reload. */
  text: string | undefined;
}

interface ReadResult {
  json: CacheJson;
  text: string;
  /** Why the stored blob could not be read in full; it must be repaired under the lock. */
  damage?: string;
}

/** Entries of each section (opaque ones too) as memory held them at the last sync, by identity. */
type Snapshot = Map<CacheSection, Map<string, unknown>>;

/**
 * A token cache kept in a file that several processes share (MSAL's persistence extensions):
 * each application call first reads what others wrote, and resolves only once its own
 * changes are on disk, merged under the MSAL-convention lock file.
 *
 * @example
 * ```ts
 * // An encrypted file keyed from the OS secret store (a plaintext 0600 file only if you allow it).
 * const tokenCache = await PersistentTokenCache.create({ path: join(homedir(), '.myapp', 'token-cache.bin') });
 * const app = new PublicClientApplication({ clientId: '<app id>', tokenCache });
 * ```
 */
export class PersistentTokenCache extends SerializableTokenCache implements CacheAccessHooks {
  readonly persistence: Persistence;
  private readonly lock: CrossProcessLock;
  private readonly autoFlush: boolean;
  private base: Snapshot = new Map();
  /** Unknown top-level members memory holds (clear() removes them). */
  private memoryExtras: string[] = [];
  private cleared = false;
  /** undefined until the first read: then even a missing file counts as seen. */
  private disk: DiskState | undefined;
  /** The file holds what others wrote and memory does not have yet. */
  private memoryBehind = false;
  private dirty = false;
  private loading = false;
  /** Rounds of one instance run one at a time. */
  private chain: Promise<void> = Promise.resolve();
  private queuedWrite: Promise<void> | undefined;
  private queuedRead: Promise<void> | undefined;

  /** A cache on `persistence`, empty until the first access reads it; {@link PersistentTokenCache.open} reads it at once. */
  constructor(persistence: Persistence, options: PersistentTokenCacheOptions = {}) {
    super(options);
    this.persistence = persistence;
    this.autoFlush = options.autoFlush ?? true;
    this.lock = new CrossProcessLock(persistence.lockPath, { ...options.lock, logger: this.logger });
    this.onChange(({ kind }) => {
      if (this.loading) return;
      if (kind === 'clear') this.cleared = true;
      this.dirty = true;
      if (this.autoFlush) {
        this.flush().catch((e: unknown) => {
          // Still dirty: afterAccess()/flush() retries and reports the failure to a caller that can act on it.
          this.logger.log('warning', 'token cache: writing to persistence failed; will retry on the next access');
          this.logger.log('warning', `token cache: write failure: ${e instanceof Error ? e.message : String(e)}`, true);
        });
      }
    });
  }

  /** A cache on `persistence`, with the stored tokens loaded. */
  static async open(persistence: Persistence, options: PersistentTokenCacheOptions = {}): Promise<PersistentTokenCache> {
    const cache = new PersistentTokenCache(persistence, options);
    await cache.beforeAccess();
    return cache;
  }

  /** The safest persistence this machine offers (see createPersistence), opened and loaded. */
  static async create(options: CreatePersistenceOptions & PersistentTokenCacheOptions): Promise<PersistentTokenCache> {
    return PersistentTokenCache.open(await createPersistence(options), options);
  }

  /** True while changes wait to be written. */
  get hasUnsavedChanges(): boolean {
    return this.dirty;
  }

  /** Brings in what other processes wrote; one stat when nothing changed. Unsaved changes are written first. */
  beforeAccess(): Promise<void> {
    this.queuedRead ??= this.enqueue(() => {
      this.queuedRead = undefined;
      return this.readRound();
    });
    return this.queuedRead;
  }

  /** Waits until every change made so far is on disk; rejects when it cannot be written. */
  async afterAccess(): Promise<void> {
    await this.chain;
    if (this.dirty) await this.flush();
  }

  /** Writes unsaved changes now (merged with the file, under the lock). */
  flush(): Promise<void> {
    this.queuedWrite ??= this.enqueue(() => {
      // From here on a change needs a round of its own: this one may already have taken its diff.
      this.queuedWrite = undefined;
      return this.writeRound();
    });
    return this.queuedWrite;
  }

  private enqueue(round: () => Promise<void>): Promise<void> {
    const run = this.chain.then(round);
    this.chain = run.catch(() => {});
    return run;
  }

  private async readRound(): Promise<void> {
    if (this.dirty) {
      await this.writeRound();
    } else {
      const stamp = await this.persistence.stamp();
      if (!this.disk || stamp !== this.disk.stamp) {
        const read = await this.read();
        // Damage is repaired under the lock; local changes made meanwhile are merged there too.
        if (read.damage !== undefined || this.dirty) await this.writeRound();
        else {
          this.disk = { stamp, json: read.json, text: read.text };
          this.memoryBehind = true;
        }
      }
    }
    if (this.memoryBehind && !this.dirty) this.catchUp();
  }

  private async writeRound(): Promise<void> {
    await this.lock.withLock(async (held) => {
      if (held.tookOverStale) await this.persistence.recoverAfterCrash();
      const stamp = await this.persistence.stamp();
      let theirs: { json: CacheJson; text: string | undefined };
      let mustWrite = false;
      let fresh = false;
      if (this.disk && stamp === this.disk.stamp) {
        theirs = this.disk;
      } else {
        theirs = await this.read();
        fresh = true;
        if ((theirs as ReadResult).damage !== undefined) {
          mustWrite = true;
          await this.setAside((theirs as ReadResult).damage!);
        }
      }

      // Synchronous from the diff to the new snapshot: no change can slip in between.
      const changes = this.changesSinceSync();
      const snapshot = this.snapshot();
      const cleared = this.cleared;
      const { merged, changedTheirs } = applyCacheChanges(theirs.json, changes);
      const behind = this.memoryBehind || (fresh && Object.keys(theirs.json).length > 0);
      // Serialized before anything is marked clean: content that cannot be written leaves the cache dirty and rejects.
      const text = changedTheirs || mustWrite ? stringifyCache(merged) : undefined;
      this.dirty = false;
      this.cleared = false;

      if (text !== undefined) {
        try {
          await this.persistence.save(text);
        } catch (e) {
          // The diff is taken against the old snapshot again next time, so nothing is lost.
          this.dirty = true;
          this.cleared ||= cleared;
          throw e;
        }
        this.disk = { stamp: await this.persistence.stamp(), json: merged, text: behind ? text : undefined };
      } else {
        this.disk = { stamp, json: theirs.json, text: behind ? theirs.text : undefined };
      }
      this.base = snapshot;
      this.memoryBehind = behind;
    });
  }

  /** Loads what the file holds (memory has no unsaved changes, so nothing is lost). */
  private catchUp(): void {
    const disk = this.disk;
    if (!disk) return;
    this.loading = true;
    try {
      this.deserialize(disk.text ?? stringifyCache(disk.json));
    } finally {
      this.loading = false;
    }
    this.base = this.snapshot();
    this.memoryExtras = Object.keys(disk.json).filter((n) => !(cacheSections as readonly string[]).includes(n));
    this.memoryBehind = false;
    disk.text = undefined;
    this.logger.log('verbose', 'token cache: loaded what other processes wrote');
  }

  private snapshot(): Snapshot {
    const snap: Snapshot = new Map();
    for (const section of cacheSections) {
      snap.set(section, new Map(this.store(section).everything()));
    }
    return snap;
  }

  /** Our additions, updates and deletions since the last sync. Stored entries are frozen, so identity means unchanged. */
  private changesSinceSync(): CacheChanges {
    const changes = emptyChanges();
    for (const section of cacheSections) {
      const before = this.base.get(section) ?? new Map<string, unknown>();
      const store = this.store(section);
      const changed = new Map<string, unknown>();
      for (const [key, entry] of store.everything()) {
        const old = before.get(key);
        // add() rewrites some entries with equal content; only real differences count.
        if (old !== entry && !sameJson(old, entry)) changed.set(key, entry);
      }
      for (const key of before.keys()) if (store.valueOf(key) === undefined) changed.set(key, undefined);
      if (changed.size) changes.entries.set(section, changed);
    }
    if (this.cleared) for (const name of this.memoryExtras) changes.removedMembers.add(name);
    return hasChanges(changes) ? changes : emptyChanges();
  }

  /** The blob as JSON, salvaging what a damaged one still holds. */
  private async read(): Promise<ReadResult> {
    let text: string | undefined;
    try {
      text = await this.persistence.load();
    } catch (e) {
      if (e instanceof CacheCorruptError) return { json: {}, text: '', damage: e.message };
      throw e;
    }
    if (text === undefined || text.trim() === '') return { json: {}, text: '' };
    const salvage = salvageJson(text);
    if (!salvage.syntaxError && salvage.skipped.length === 0) return { json: salvage.root, text };
    const where = salvage.syntaxError ? `broken at offset ${salvage.syntaxError.offset}` : `${salvage.skipped.length} unreadable entries`;
    return { json: salvage.root, text: stringifyCache(salvage.root), damage: `the stored cache is damaged (${where})` };
  }

  private async setAside(damage: string): Promise<void> {
    const aside = await this.persistence.quarantine();
    this.logger.log('warning', `token cache: ${damage}; readable entries were kept and the original was moved aside`);
    if (aside) this.logger.log('warning', `token cache: damaged original kept as ${aside}`, true);
  }
}
