/**
 * One section of the cache: entries by storage key, plus hash indexes on entry
 * fields so lookups never walk the whole section. A loaded blob's section is
 * adopted as the object JSON.parse made (see adopt()): its entries are checked,
 * frozen and stored on the first call that reads or writes the section, and
 * the indexes (and the entry -> record map) on the first lookup after that.
 * Loading 10k accounts then costs little more than parsing them, and an app
 * that only loads and saves never pays for either.
 */
import { jsonObject } from './cache-json.js';
import { MultiIndex } from './multi-index.js';

export interface StoredRecord<E> {
  readonly key: string;
  /** Frozen; callers receive this object and hand it back to update or remove it. */
  readonly entry: E;
  /** Insertion order, for "newest first" tie breaks. */
  readonly seq: number;
}

/** Returns the index key for an entry, or undefined to leave it out of this index. */
export type IndexKeyFn<E> = (entry: E) => string | undefined;

/** Shared counter of entries a lookup had to look at; tests use it to prove lookups are O(1). */
export interface LookupStats {
  entriesExamined: number;
}

/** A parsed section handed to {@link SectionStore.adopt}, entries not yet checked. */
export interface AdoptedSection {
  /** Storage key -> entry, as parsed; the store takes ownership (entries get frozen in place). */
  readonly entries: Record<string, unknown>;
  /** The keys of entries no lookup may see, with why. Worked out on the first call; the same map after. */
  problems(): ReadonlyMap<string, string>;
}

/** Told of every write to a store: the entry stored, or the one removed (with removed = true). */
export type StoreObserver = (key: string, entry: unknown, removed: boolean) => void;

export class SectionStore<E extends object, I extends string> {
  /** @internal A distributed cache's way to learn what changed without diffing the whole cache. */
  observer: StoreObserver | undefined;
  private readonly records = new Map<string, StoredRecord<E>>();
  /**
   * Entries we cannot use (another SDK's shape, missing fields): kept verbatim
   * under their keys so a rewrite loses nothing, but in no index, so no lookup
   * ever sees them.
   */
  private readonly opaque = new Map<string, unknown>();
  private byEntry = new WeakMap<object, StoredRecord<E>>();
  private readonly indexes: Record<I, { keyOf: IndexKeyFn<E>; index: MultiIndex }>;
  private readonly indexList: Array<{ keyOf: IndexKeyFn<E>; index: MultiIndex }>;
  /**
   * A loaded section not yet taken in entry by entry (see adopt()); while it is set,
   * records and opaque are empty and every method but jsonEntries() takes it in first.
   */
  private adopted: AdoptedSection | undefined;
  /** Whether indexes and byEntry hold every record; false after clear() until the next lookup. */
  private indexed = true;
  private nextSeq = 0;

  constructor(
    indexDefs: Record<I, IndexKeyFn<E>>,
    private readonly stats: LookupStats,
  ) {
    const built = {} as Record<I, { keyOf: IndexKeyFn<E>; index: MultiIndex }>;
    for (const name of Object.keys(indexDefs) as I[]) {
      built[name] = { keyOf: indexDefs[name], index: new MultiIndex() };
    }
    this.indexes = built;
    this.indexList = Object.values(built);
  }

  get size(): number {
    this.takeIn();
    return this.records.size;
  }

  /**
   * Holds a parsed section as it is, in place of what the store held: nothing is
   * checked, frozen or stored entry by entry until a call needs the entries.
   * Unusable entries (see AdoptedSection.problems) are then kept like putOpaque()'s.
   */
  adopt(section: AdoptedSection): void {
    this.clear();
    this.adopted = section;
    // An observer must hear of every entry when it is stored, not when it is first read.
    if (this.observer) this.takeIn();
  }

  /** Stores the adopted section's entries one by one, in the blob's order (which sets their seq). */
  private takeIn(): void {
    const adopted = this.adopted;
    if (!adopted) return;
    this.adopted = undefined;
    const problems = adopted.problems();
    const { entries } = adopted;
    // for-in over a parsed object visits own keys only, without an array of [key, value] pairs.
    for (const key in entries) {
      const value = entries[key];
      if (problems.has(key)) {
        this.opaque.set(key, value);
        continue;
      }
      const frozen = Object.freeze(value as E);
      this.records.set(key, { key, entry: frozen, seq: this.nextSeq++ });
      this.observer?.(key, frozen, false);
    }
  }

  /**
   * The section as a JSON object for serialization: every entry, usable or opaque. While an
   * adopted section was never touched that is the parsed object itself, in the blob's order,
   * so callers only read it (JSON.stringify), never change it.
   */
  jsonEntries(): Record<string, unknown> {
    if (this.adopted) return this.adopted.entries;
    const out = jsonObject();
    for (const [key, entry] of this.everything()) out[key] = entry;
    return out;
  }

  /**
   * Stores a frozen copy of `entry` under `key`, replacing whatever was there.
   * `owned`: the caller hands over an object nobody else holds (freshly parsed), so it is frozen in place.
   */
  put(key: string, entry: E, owned = false): E {
    this.takeIn();
    this.delete(key);
    this.opaque.delete(key);
    const frozen = Object.freeze(owned ? entry : { ...entry });
    const record: StoredRecord<E> = { key, entry: frozen, seq: this.nextSeq++ };
    this.records.set(key, record);
    if (this.indexed) this.addToIndexes(record);
    this.observer?.(key, frozen, false);
    return frozen;
  }

  delete(key: string): boolean {
    this.takeIn();
    const record = this.records.get(key);
    if (!record) return false;
    this.records.delete(key);
    if (this.indexed) {
      this.byEntry.delete(record.entry);
      for (const { keyOf, index } of this.indexList) {
        const ik = keyOf(record.entry);
        if (ik !== undefined) index.delete(ik, key);
      }
    }
    this.observer?.(key, record.entry, true);
    return true;
  }

  private addToIndexes(record: StoredRecord<E>): void {
    this.byEntry.set(record.entry, record);
    for (const { keyOf, index } of this.indexList) {
      const ik = keyOf(record.entry);
      if (ik !== undefined) index.add(ik, record.key);
    }
  }

  /** Builds the indexes a clear() dropped; every lookup path calls it first. */
  private ensureIndexed(): void {
    this.takeIn();
    if (this.indexed) return;
    for (const record of this.records.values()) this.addToIndexes(record);
    this.indexed = true;
  }

  /** Keeps an unusable entry verbatim (see `opaque`); a later put() under the same key replaces it. */
  putOpaque(key: string, value: unknown): void {
    this.delete(key);
    this.opaque.set(key, value);
  }

  /** The key `entry` has (or would have) in an index; '' when the index leaves it out. */
  indexKey(indexName: I, entry: E): string {
    return this.indexes[indexName].keyOf(entry) ?? '';
  }

  /** The record holding exactly this entry object (as returned by a lookup). */
  recordOf(entry: object): StoredRecord<E> | undefined {
    this.ensureIndexed();
    return this.byEntry.get(entry);
  }

  get(key: string): StoredRecord<E> | undefined {
    this.takeIn();
    return this.records.get(key);
  }

  /** Records sharing an index key. Counted in stats: this is the only way lookups read entries. */
  *bucket(indexName: I, indexKey: string): Generator<StoredRecord<E>> {
    this.ensureIndexed();
    // Copy first: callers may delete while iterating.
    for (const key of [...this.indexes[indexName].index.get(indexKey)]) {
      const record = this.records.get(key);
      if (!record) continue;
      this.stats.entriesExamined++;
      yield record;
    }
  }

  /** Every usable record in insertion order. For listings only, never for token lookups. */
  all(): IterableIterator<StoredRecord<E>> {
    this.takeIn();
    return this.records.values();
  }

  /** Every entry, usable or opaque, by key: what serialization writes. */
  *everything(): Generator<[key: string, entry: unknown]> {
    this.takeIn();
    for (const r of this.records.values()) yield [r.key, r.entry];
    yield* this.opaque;
  }

  /** The stored value under `key`, usable or opaque. */
  valueOf(key: string): unknown {
    this.takeIn();
    return this.records.get(key)?.entry ?? this.opaque.get(key);
  }

  clear(): void {
    this.adopted = undefined;
    if (this.observer) for (const r of this.records.values()) this.observer(r.key, r.entry, true);
    this.records.clear();
    this.opaque.clear();
    for (const { index } of this.indexList) index.clear();
    // A caller may still hold an entry from before: it must not find its old record.
    this.byEntry = new WeakMap();
    this.indexed = false;
  }
}
