/** A hash index from a composite key to the storage keys of the entries that share it. */
export class MultiIndex {
  private readonly buckets = new Map<string, Set<string>>();

  add(indexKey: string, storageKey: string): void {
    let bucket = this.buckets.get(indexKey);
    if (!bucket) this.buckets.set(indexKey, (bucket = new Set()));
    bucket.add(storageKey);
  }

  delete(indexKey: string, storageKey: string): void {
    const bucket = this.buckets.get(indexKey);
    if (!bucket) return;
    bucket.delete(storageKey);
    if (bucket.size === 0) this.buckets.delete(indexKey);
  }

  get(indexKey: string): ReadonlySet<string> {
    return this.buckets.get(indexKey) ?? empty;
  }

  clear(): void {
    this.buckets.clear();
  }
}

const empty: ReadonlySet<string> = new Set();

/**
 * Joins key parts with a separator that cannot occur in them, lowercased because
 * other SDKs may write the same id in another case.
 */
export function compositeKey(...parts: ReadonlyArray<string | null | undefined>): string {
  return parts.map((p) => (p ?? '').toLowerCase()).join('\u0000');
}
