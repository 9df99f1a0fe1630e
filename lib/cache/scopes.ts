/** Scope comparisons for cache targets. Scopes compare case-insensitively, as every MSAL does. */

export function scopeSet(scopes: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const s of scopes) {
    const t = s.trim().toLowerCase();
    if (t) out.add(t);
  }
  return out;
}

/** A cached `target` is the scopes joined by spaces (unsorted, per schema). */
export function targetScopes(target: string | undefined | null): Set<string> {
  return scopeSet((target ?? '').split(/\s+/));
}

export function isSubset(small: ReadonlySet<string>, big: ReadonlySet<string>): boolean {
  for (const s of small) if (!big.has(s)) return false;
  return true;
}

export function intersects(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  const [x, y] = a.size <= b.size ? [a, b] : [b, a];
  for (const s of x) if (y.has(s)) return true;
  return false;
}
