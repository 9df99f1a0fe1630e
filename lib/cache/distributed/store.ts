/**
 * The small interface a distributed token cache needs from its store: one
 * hash-like record per partition, read and written whole-or-by-field in one
 * round trip each. Redis (RedisCacheStore) implements it; Valkey, Azure Cache
 * for Redis or any store with atomic per-record updates can too.
 */

/** What {@link DistributedCacheStore.read} found. */
export interface PartitionRead {
  /** The partition's version now ('0' when it does not exist). */
  version: string;
  /** Field name to stored value; undefined when the version was the one the caller knew (nothing to transfer). */
  fields?: Map<string, string>;
}

/** What {@link DistributedCacheStore.write} did. */
export interface PartitionWrite {
  /** The partition's version after the write. */
  version: string;
  /** Its version just before it: when it is not the one the writer had read, someone else wrote in between. */
  previousVersion: string;
}

/** Receives the store's change notices, so an instance can drop the copies other instances made stale. */
export interface InvalidationListener {
  /** Partition `key` is now at `version`. */
  invalidated(key: string, version: string): void;
  /** Notices may have been missed (the store reconnected): every copy is suspect. */
  reset(): void;
  /** Whether notices are flowing now; while they are not, copies are trusted only for the staleness bound. */
  live(isLive: boolean): void;
}

/**
 * A store for {@link DistributedTokenCache}: partitions of fields, each write atomic per
 * partition. Every call may be slow or fail; the cache puts a deadline on each one.
 *
 * @example
 * ```ts
 * // A store of your own (e.g. on Valkey through another client) only has to implement these calls.
 * const store: DistributedCacheStore = {
 *   read: (key, knownVersion) => myRead(key, knownVersion),
 *   write: (key, changes, ttlMs) => myAtomicWrite(key, changes, ttlMs),
 *   close: async () => {},
 * };
 * const tokenCache = new DistributedTokenCache({ store });
 * ```
 */
export interface DistributedCacheStore {
  /** The partition's fields, unless its version is still `knownVersion` (then only the version). */
  read(key: string, knownVersion: string | undefined): Promise<PartitionRead>;
  /**
   * Applies `changes` (field to new value, or null to delete it) atomically, bumps the version,
   * and keeps the partition for at least `ttlMs` (never shortens a longer expiry).
   * Fields not in `changes` stay as they are: this is what keeps concurrent writers' entries.
   */
  write(key: string, changes: ReadonlyMap<string, string | null>, ttlMs: number): Promise<PartitionWrite>;
  /** Starts delivering change notices; resolves once listening. Optional: without it copies live for the staleness bound. */
  subscribe?(listener: InvalidationListener): Promise<void>;
  /** Releases connections. */
  close(): Promise<void>;
}
