/**
 * A SerializableTokenCache shared with other processes (and other MSAL
 * SDKs) through a Persistence: MSAL Python's PersistedTokenCache, improved.
 *
 * - Reads reload the file only when its stamp changed (one stat per call).
 * - Every change is written under the `<path>.lockfile` lock with a
 *   three-way merge, so concurrent writers never erase each other's tokens.
 * - A damaged file is repaired (every readable entry kept) and the original
 *   is moved aside as `<path>.corrupt-<epoch ms>`: nothing is lost silently.
 *
 * The application facade calls beforeAccess() at the start of a public call
 * and afterAccess() before returning; changes are also written on their own
 * as soon as they happen (autoFlush), so direct users of the cache need no hooks.
 */
import { CacheCorruptError } from '../../errors.js';
import { salvageJson } from '../salvage-json.js';
import { SerializableTokenCache } from '../serializable-token-cache.js';
import type { TokenCacheOptions } from '../token-cache.js';
import { createPersistence, type CreatePersistenceOptions } from './create-persistence.js';
import { CrossProcessLock, type CrossProcessLockOptions } from './cross-process-lock.js';
import { mergeCacheJson, type CacheJson } from './merge-cache-json.js';
import type { Persistence } from './persistence.js';

export interface PersistentTokenCacheOptions extends TokenCacheOptions {
  /** Lock timing; the lock file is persistence.lockPath. */
  lock?: Omit<CrossProcessLockOptions, 'logger'>;
  /** Write each change as soon as it happens (default true). Without it, changes are written by flush()/afterAccess(). */
  autoFlush?: boolean;
}

/** What the file held when we last read or wrote it. */
interface DiskState {
  stamp: string | undefined;
  json: CacheJson;
}

interface ReadResult {
  json: CacheJson;
  text: string;
  /** Why the stored blob could not be read in full; it must be repaired under the lock. */
  damage?: string;
}

/** The hooks a facade awaits around each public call; see cacheAccessHooks(). */
export interface CacheAccessHooks {
  beforeAccess(): Promise<void>;
  afterAccess(): Promise<void>;
}

/** The cache's hooks when it has them (a persistent cache), else undefined. */
export function cacheAccessHooks(cache: object): CacheAccessHooks | undefined {
  const c = cache as Partial<CacheAccessHooks>;
  return typeof c.beforeAccess === 'function' && typeof c.afterAccess === 'function' ? (c as CacheAccessHooks) : undefined;
}

export class PersistentTokenCache extends SerializableTokenCache implements CacheAccessHooks {
  readonly persistence: Persistence;
  private readonly lock: CrossProcessLock;
  private readonly autoFlush: boolean;
  /** The in-memory view of the file at the last sync: what "we changed" is measured against. */
  private base: CacheJson = {};
  /** undefined until the first read: then even a missing file counts as "seen". */
  private disk: DiskState | undefined;
  /** Changes not yet written. */
  private dirty = false;
  /** Rounds of one instance run one at a time. */
  private chain: Promise<void> = Promise.resolve();
  private queuedWrite: Promise<void> | undefined;
  private queuedRead: Promise<void> | undefined;

  constructor(persistence: Persistence, options: PersistentTokenCacheOptions = {}) {
    super(options);
    this.persistence = persistence;
    this.autoFlush = options.autoFlush ?? true;
    this.lock = new CrossProcessLock(persistence.lockPath, { ...options.lock, logger: this.logger });
    this.onChange(({ kind }) => {
      if (kind === 'load') return; // our own reloads, or a caller's deserialize() (merged like theirs on the next write)
      this.dirty = true;
      if (this.autoFlush) {
        this.flush().catch((e: unknown) => {
          // Kept dirty: afterAccess()/flush() retries and reports the failure to a caller that can act on it.
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
    const persistence = await createPersistence(options);
    return PersistentTokenCache.open(persistence, options);
  }

  /** True while changes wait to be written. */
  get hasUnsavedChanges(): boolean {
    return this.dirty;
  }

  /** Brings in what other processes wrote; cheap when nothing changed. Unsaved changes are merged and written first. */
  beforeAccess(): Promise<void> {
    if (this.dirty) return this.flush();
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
      // From here on a change needs a round of its own: this one may already have serialized.
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
    if (this.dirty) return this.writeRound();
    const stamp = await this.persistence.stamp();
    if (this.disk && stamp === this.disk.stamp) return;
    const read = await this.read();
    // Damage is repaired under the lock; local changes made meanwhile are merged there too.
    if (read.damage !== undefined || this.dirty) return this.writeRound();
    this.deserialize(read.text);
    this.base = JSON.parse(this.serialize()) as CacheJson;
    this.disk = { stamp, json: read.json };
    this.logger.log('verbose', 'token cache: reloaded from persistence');
  }

  private async writeRound(): Promise<void> {
    await this.lock.withLock(async () => {
      const stamp = await this.persistence.stamp();
      let theirs: CacheJson;
      let mustWrite = false;
      if (this.disk && stamp === this.disk.stamp) {
        theirs = this.disk.json;
      } else {
        const read = await this.read();
        theirs = read.json;
        if (read.damage !== undefined) {
          mustWrite = true;
          await this.setAside(read.damage);
        }
      }

      // One synchronous step from serialize() to deserialize(): no change can slip in between.
      this.dirty = false;
      const previousBase = this.base;
      const oursText = this.serialize();
      const ours = JSON.parse(oursText) as CacheJson;
      const { merged, changedTheirs } = mergeCacheJson(previousBase, ours, theirs);
      const mergedText = JSON.stringify(merged);
      if (mergedText !== oursText) {
        this.deserialize(mergedText);
        this.base = JSON.parse(this.serialize()) as CacheJson;
      } else {
        this.base = ours;
      }

      if (changedTheirs || mustWrite) {
        try {
          await this.persistence.save(mergedText);
        } catch (e) {
          // Memory now holds the file's state plus our changes, so the file's state is the base to diff against.
          this.base = this.normalized(theirs);
          this.dirty = true;
          throw e;
        }
        this.disk = { stamp: await this.persistence.stamp(), json: merged };
      } else {
        this.disk = { stamp, json: theirs };
      }
    });
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
    return { json: salvage.root, text, damage: `the stored cache is damaged (${where})` };
  }

  private async setAside(damage: string): Promise<void> {
    const aside = await this.persistence.quarantine();
    this.logger.log('warning', `token cache: ${damage}; readable entries were kept and the original was moved aside`);
    if (aside) this.logger.log('warning', `token cache: damaged original kept as ${aside}`, true);
  }

  /** What this cache keeps of a blob (entries it cannot use are left out), as JSON. */
  private normalized(json: CacheJson): CacheJson {
    const scratch = new SerializableTokenCache();
    scratch.deserialize(JSON.stringify(json));
    return JSON.parse(scratch.serialize()) as CacheJson;
  }
}
