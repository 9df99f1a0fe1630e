/** Scope comparisons for cache targets. Scopes compare case-insensitively, as every MSAL does. */

export function scopeSet(scopes: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const s of scopes) {
    const t = s.trim().toLowerCase();
    if (t) out.add(t);
  }
  return out;
}

/** Orders strings by Unicode code point, as Python and Go sort them (JS's default sorts UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * The `target` MSAL Python writes: the scopes sorted by code point (so the key
 * of the same grant never depends on the order a caller listed its scopes in),
 * joined by spaces.
 */
export function cacheTarget(scopes: readonly string[]): string {
  return scopes
    .filter((s) => s !== '')
    .sort(compareCodePoints)
    .join(' ');
}

/** The scopes of a cached `target` (other writers may not have sorted them). */
export function targetScopes(target: string | undefined | null): Set<string> {
  return scopeSet((target ?? '').split(/\s+/));
}

export function isSubset(small: ReadonlySet<string>, big: ReadonlySet<string>): boolean {
  for (const s of small) if (!big.has(s)) return false;
  return true;
}
