/**
 * A token cache shared by many instances through a store (Redis), in two
 * tiers: the in-memory TokenCache this class is (L1: a bounded set of
 * partitions, evicted least recently used) over the store (L2).
 *
 * - A silent hit is an L1 lookup plus one map read to check its partition is
 *   not stale; an L1 miss costs one store round trip (the partition's fields).
 * - Changes are tracked per entry as they happen (no diffing), and written per
 *   partition in one atomic round trip that sets only the changed fields: the
 *   per-entry three-way merge of the file persistence, done by the store.
 *   A public call resolves only after its writes reached the store.
 * - Other instances' writes arrive as notices that mark our copy stale; the
 *   next call on that partition reloads it. While notices do not flow, a copy
 *   is trusted for at most maxStalenessMs.
 * - Every store call has a deadline. A failed or late one is logged as a
 *   warning and the call goes on from L1 (or the identity provider); unsaved
 *   changes are retried on the next write.
 */
import type { AccessTokenEntry, CacheSection } from '../entries.js';
import { TokenCache, type AccessTokenQuery, type TokenCacheOptions } from '../token-cache.js';
import type { CacheAccessHooks } from '../persistence/persistent-token-cache.js';
import { TimeoutError } from '../../errors.js';
import { encryptedCodec, plainCodec, type EntryCodec } from './entry-codec.js';
import { partitionOfContext, partitionOfEntry, type CacheAccessContext } from './partition.js';
import { RedisCacheStore } from './redis-store.js';
import type { DistributedCacheStore, InvalidationListener, PartitionRead } from './store.js';

/** Options of {@link DistributedTokenCache}. */
export interface DistributedTokenCacheOptions extends TokenCacheOptions {
  /** Where the partitions live, e.g. a {@link RedisCacheStore}. */
  store: DistributedCacheStore;
  /** L1 size: entries held in memory before least recently used partitions are dropped. Default 100,000. */
  maxEntries?: number | undefined;
  /** Longest an L1 copy is trusted without a check when change notices are not flowing. Default 1000 ms. */
  maxStalenessMs?: number | undefined;
  /** Deadline of every store call; then the call goes on without the store. Default 1000 ms. */
  storeTimeoutMs?: number | undefined;
  /** 32 bytes: entries are stored AES-256-GCM encrypted, and field and partition names are HMACs. */
  encryptionKey?: Uint8Array | undefined;
  /** How long a partition holding a refresh token is kept after its last write. Default 90 days (Entra's RT inactivity limit). */
  refreshTokenTtlSeconds?: number | undefined;
  /** Prefix of the partitions' keys in the store. Default '' (a RedisCacheStore adds its own prefix too). */
  keyPrefix?: string | undefined;
}

interface Partition {
  readonly id: string;
  readonly recordKey: string;
  /** The store version our copy reflects; undefined until read or written. */
  version: string | undefined;
  /** When the store last confirmed our copy (ms). */
  verifiedAt: number;
  /** A notice (or our own write) said the store has more than we hold. */
  stale: boolean;
  /** `<section>\0<key>` of the entries we hold. */
  readonly keys: Set<string>;
  /** Last use, for the clock eviction; `seen` is the use the clock hand last looked at. */
  used: number;
  seen: number;
}

/** A change waiting to be written: the entry, or null when it was removed. */
type Pending = Map<string, { section: CacheSection; key: string; entry: unknown }>;

const sep = '\u0000';
const DAY_MS = 86_400_000;

/**
 * A token cache shared by every instance of a web app or daemon through Redis (or another
 * {@link DistributedCacheStore}), partitioned per user, per OBO assertion and per app, with a
 * bounded in-memory tier in front. Pass it as `tokenCache`; applications call its hooks.
 *
 * @example
 * ```ts
 * const tokenCache = await DistributedTokenCache.redis({ url: process.env.REDIS_URL! });
 * const cca = new ConfidentialClientApplication({ clientId, authority, clientCredential, tokenCache });
 * // ... on shutdown:
 * await tokenCache.close();
 * ```
 */
export class DistributedTokenCache extends TokenCache implements CacheAccessHooks {
  /** The store partitions live in. */
  readonly backend: DistributedCacheStore;
  private readonly codec: EntryCodec;
  private readonly keyPrefix: string;
  private readonly maxEntries: number;
  private readonly maxStalenessMs: number;
  private readonly timeoutMs: number;
  private readonly rtTtlMs: number;
  private readonly partitions = new Map<string, Partition>();
  private readonly byRecordKey = new Map<string, Partition>();
  private entryCount = 0;
  private clock = 0;
  private loading = false;
  private noticesLive = false;
  private pending = new Map<string, Pending>();
  private pendingMeta: Pending = new Map();
  /** Store work per partition runs in order, so a read never lands over a newer write. */
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly inFlight = new Set<Promise<void>>();
  private subscribing: Promise<void> | undefined;

  constructor(options: DistributedTokenCacheOptions) {
    super(options);
    this.backend = options.store;
    this.codec = options.encryptionKey ? encryptedCodec(options.encryptionKey) : plainCodec;
    this.keyPrefix = options.keyPrefix ?? '';
    this.maxEntries = options.maxEntries ?? 100_000;
    this.maxStalenessMs = options.maxStalenessMs ?? 1000;
    this.timeoutMs = options.storeTimeoutMs ?? 1000;
    this.rtTtlMs = (options.refreshTokenTtlSeconds ?? 90 * 86_400) * 1000;
    this.observeStores((section, key, entry, removed) => this.observed(section, key, entry as Record<string, unknown>, removed));
    this.onChange(({ kind }) => {
      if (kind !== 'load') this.startFlush();
    });
  }

  /**
   * A cache on the Redis at `options.url` (see {@link RedisCacheStore}); needs the `redis` package.
   * @throws PersistenceError when the `redis` package is not installed.
   */
  static async redis(
    options: Omit<DistributedTokenCacheOptions, 'store'> & { url: string; clientOptions?: Record<string, unknown> | undefined; redisKeyPrefix?: string | undefined },
  ): Promise<DistributedTokenCache> {
    const store = await RedisCacheStore.connect({
      url: options.url,
      clientOptions: options.clientOptions,
      keyPrefix: options.redisKeyPrefix,
      logger: options.logger,
    });
    return new DistributedTokenCache({ ...options, store });
  }

  /** Partitions held in memory (L1). */
  get partitionCount(): number {
    return this.partitions.size;
  }

  /** Entries held in memory (L1). */
  get entriesInMemory(): number {
    return this.entryCount;
  }

  /**
   * Brings the call's partition into L1, or checks the copy there: one store round trip
   * unless the copy is fresh (no notice made it stale, and notices flow or it was checked
   * within maxStalenessMs). Without a context (a sign-in, which has no partition yet), nothing to do.
   */
  async beforeAccess(context?: CacheAccessContext): Promise<void> {
    this.subscribing ??= this.subscribe();
    if (!context) return;
    const id = partitionOfContext(context);
    const p = this.partitions.get(id);
    if (p && !p.stale && (this.noticesLive || Date.now() - p.verifiedAt <= this.maxStalenessMs)) {
      p.used = ++this.clock;
      return;
    }
    await this.refresh(id);
  }

  /** Waits until every change made so far reached the store, or failed to (logged; retried on the next write). Never rejects. */
  async afterAccess(): Promise<void> {
    this.startFlush();
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  /** Stops listening and closes the store's connections. */
  async close(): Promise<void> {
    await this.afterAccess();
    await this.backend.close();
  }

  /** L1 hits are served only from a copy not known to be stale. */
  override findAccessToken(q: AccessTokenQuery): AccessTokenEntry | undefined {
    const hit = super.findAccessToken(q);
    if (!hit) return undefined;
    const p = this.partitions.get(partitionOfEntry('AccessToken', hit)!);
    if (!p) return hit;
    if (p.stale || (!this.noticesLive && Date.now() - p.verifiedAt > this.maxStalenessMs)) return undefined;
    p.used = ++this.clock;
    return hit;
  }

  // ------------------------------------------------------------------ L1 bookkeeping

  private partition(id: string): Partition {
    let p = this.partitions.get(id);
    if (!p) {
      const recordKey = this.codec.recordKey(this.keyPrefix, id);
      p = { id, recordKey, version: undefined, verifiedAt: 0, stale: false, keys: new Set(), used: ++this.clock, seen: 0 };
      this.partitions.set(id, p);
      this.byRecordKey.set(recordKey, p);
    }
    return p;
  }

  private observed(section: CacheSection, key: string, entry: Record<string, unknown>, removed: boolean): void {
    const id = partitionOfEntry(section, entry);
    if (id !== undefined) {
      const p = this.partition(id);
      const k = section + sep + key;
      if (removed) {
        if (p.keys.delete(k)) this.entryCount--;
      } else if (!p.keys.has(k)) {
        p.keys.add(k);
        this.entryCount++;
      }
    }
    if (this.loading) return;
    const target = id === undefined ? this.pendingMeta : this.pendingOf(id);
    target.set(section + sep + key, { section, key, entry: removed ? null : entry });
  }

  private pendingOf(id: string): Pending {
    let m = this.pending.get(id);
    if (!m) this.pending.set(id, (m = new Map()));
    return m;
  }

  /** Drops least recently used partitions (never one with unsaved changes) until L1 fits. */
  private evict(): void {
    let budget = this.partitions.size * 2;
    for (const p of this.partitions.values()) {
      if (this.entryCount <= this.maxEntries || budget-- <= 0) return;
      if (this.pending.has(p.id) || this.chains.has(p.id)) continue;
      if (p.used > p.seen) {
        // Used since the hand last passed: a second chance, at the young end.
        p.seen = p.used;
        this.partitions.delete(p.id);
        this.partitions.set(p.id, p);
        continue;
      }
      this.dropFromMemory(p);
    }
  }

  private dropFromMemory(p: Partition): void {
    this.loading = true;
    try {
      for (const k of [...p.keys]) {
        const i = k.indexOf(sep);
        this.store(k.slice(0, i) as CacheSection).delete(k.slice(i + 1));
      }
    } finally {
      this.loading = false;
    }
    this.partitions.delete(p.id);
    this.byRecordKey.delete(p.recordKey);
  }

  // ------------------------------------------------------------------ store calls

  private withDeadline<T>(what: string, work: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new TimeoutError(`token cache store: ${what} took longer than ${this.timeoutMs} ms`)), this.timeoutMs);
      work().then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  }

  /** Runs store work for a partition after the work already queued for it. */
  private onChain<T>(id: string, work: () => Promise<T>): Promise<T> {
    const before = this.chains.get(id) ?? Promise.resolve();
    const run = before.then(work, work);
    const tail = run.catch(() => {});
    this.chains.set(id, tail);
    void tail.then(() => {
      if (this.chains.get(id) === tail) this.chains.delete(id);
    });
    return run;
  }

  private warn(what: string, e: unknown): void {
    this.logger.log('warning', `token cache: ${what} failed (${e instanceof Error ? e.name : typeof e}); going on without the shared cache`);
    this.logger.log('warning', `token cache: ${what}: ${e instanceof Error ? e.message : String(e)}`, true);
  }

  private async subscribe(): Promise<void> {
    if (!this.backend.subscribe) return;
    const listener: InvalidationListener = {
      invalidated: (recordKey, version) => {
        const p = this.byRecordKey.get(recordKey);
        if (p && p.version !== version) p.stale = true;
      },
      reset: () => {
        for (const p of this.partitions.values()) p.stale = true;
      },
      live: (isLive) => {
        this.noticesLive = isLive;
      },
    };
    try {
      await this.withDeadline('subscribing to change notices', () => this.backend.subscribe!(listener));
    } catch (e) {
      this.warn('subscribing to change notices', e);
    }
  }

  /** Reads a partition into L1 (one round trip; nothing transferred when our copy is current). */
  private refresh(id: string): Promise<void> {
    return this.onChain(id, async () => {
      const p = this.partition(id);
      p.used = ++this.clock;
      const asked = Date.now();
      let read: PartitionRead;
      try {
        read = await this.withDeadline('reading a partition', () => this.backend.read(p.recordKey, p.stale ? undefined : p.version));
      } catch (e) {
        this.warn('reading a partition', e);
        // Serve what L1 holds until the next check, rather than asking the store on every call.
        p.verifiedAt = Date.now();
        p.stale = false;
        return;
      }
      if (read.fields) this.load(p, read.fields);
      p.version = read.version;
      p.verifiedAt = asked;
      p.stale = false;
      this.evict();
    });
  }

  /** Makes L1's copy of `p` what the store holds, except entries with unsaved changes (ours win until written). */
  private load(p: Partition, fields: Map<string, string>): void {
    const unsaved = this.pending.get(p.id);
    const fresh = new Map<string, { section: CacheSection; key: string; entry: Record<string, unknown> }>();
    for (const [field, value] of fields) {
      const d = this.codec.decode(p.recordKey, field, value);
      // Not ours to read (another key, another writer's format): left in the store untouched.
      if (d) fresh.set(d.section + sep + d.key, d);
    }
    this.loading = true;
    try {
      for (const k of [...p.keys]) {
        if (fresh.has(k) || unsaved?.has(k)) continue;
        const i = k.indexOf(sep);
        this.store(k.slice(0, i) as CacheSection).delete(k.slice(i + 1));
      }
      for (const [k, d] of fresh) {
        if (unsaved?.has(k) || this.pendingMeta.has(k)) continue;
        const current = this.store(d.section).get(d.key)?.entry;
        if (current && JSON.stringify(current) === JSON.stringify(d.entry)) continue;
        this.store(d.section).put(d.key, d.entry as never, true);
      }
    } finally {
      this.loading = false;
    }
    this.emit('load');
  }

  private startFlush(): void {
    if (this.pending.size === 0) return;
    const work = this.pending;
    const meta = this.pendingMeta;
    this.pending = new Map();
    this.pendingMeta = new Map();
    for (const [id, changes] of work) {
      for (const [k, c] of meta) changes.set(k, c);
      const done: Promise<void> = this.onChain(id, () => this.write(id, changes)).finally(() => this.inFlight.delete(done));
      this.inFlight.add(done);
    }
  }

  /** One partition's changes in one atomic round trip; on failure they wait for the next write. */
  private async write(id: string, changes: Pending): Promise<void> {
    const p = this.partition(id);
    const fields = new Map<string, string | null>();
    for (const c of changes.values()) {
      const field = this.codec.fieldName(p.recordKey, c.section, c.key);
      fields.set(field, c.entry === null ? null : this.codec.encode(p.recordKey, field, c.section, c.key, c.entry));
    }
    try {
      const r = await this.withDeadline('writing a partition', () => this.backend.write(p.recordKey, fields, this.ttlOf(p)));
      // Someone wrote in between: the store has entries we do not; the next call on this partition reads them.
      if ((p.version ?? '0') !== r.previousVersion) p.stale = true;
      p.version = r.version;
      p.verifiedAt = Date.now();
    } catch (e) {
      this.warn('writing a partition', e);
      const again = this.pendingOf(id);
      for (const [k, c] of changes) if (!again.has(k)) again.set(k, c);
    }
    this.evict();
  }

  /**
   * How long the store keeps the partition: a refresh token (or an account without
   * tokens to date it) keeps it for the RT lifetime; otherwise its longest-lived access token does.
   */
  private ttlOf(p: Partition): number {
    let atMs = 0;
    for (const k of p.keys) {
      const i = k.indexOf(sep);
      const section = k.slice(0, i) as CacheSection;
      if (section === 'RefreshToken') return this.rtTtlMs;
      if (section !== 'AccessToken') continue;
      const e = this.store('AccessToken').get(k.slice(i + 1))?.entry;
      if (!e) continue;
      const until = Math.max(Number(e.expires_on) || 0, Number(e.extended_expires_on) || 0) * 1000;
      atMs = Math.max(atMs, until - Date.now());
    }
    return atMs > 0 ? Math.max(atMs, 60_000) : p.keys.size ? this.rtTtlMs : DAY_MS;
  }
}
