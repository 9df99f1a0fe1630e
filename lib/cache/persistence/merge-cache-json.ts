/**
 * Three-way merge of unified-cache JSON, so a writer never erases what
 * another process wrote since it last read the file. Per section and key:
 * what we changed (added, updated or deleted) since `base` wins; everything
 * else comes from the file as it is now. Members we do not know are merged
 * the same way when they are objects, else taken whole.
 */
export type CacheJson = Record<string, unknown>;

export interface MergeResult {
  merged: CacheJson;
  /** True when the result differs from `theirs`, i.e. the file needs writing. */
  changedTheirs: boolean;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON equality that ignores member order (writers of other SDKs order fields differently). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(rb, k) && sameJson((a as Record<string, unknown>)[k], rb[k]));
}

function mergeMembers(
  base: Record<string, unknown> | undefined,
  ours: Record<string, unknown> | undefined,
  theirs: Record<string, unknown> | undefined,
  deep: (name: string) => boolean,
): { merged: Record<string, unknown>; changedTheirs: boolean } {
  const merged: Record<string, unknown> = {};
  let changedTheirs = false;
  const names = new Set([...Object.keys(theirs ?? {}), ...Object.keys(ours ?? {}), ...Object.keys(base ?? {})]);
  for (const name of names) {
    const b = base?.[name];
    const o = ours?.[name];
    const t = theirs?.[name];
    let value: unknown;
    if (deep(name) && (isPlainObject(o) || o === undefined) && (isPlainObject(t) || t === undefined) && (isPlainObject(b) || b === undefined)) {
      const inner = mergeMembers(b as Record<string, unknown> | undefined, o as Record<string, unknown> | undefined, t as Record<string, unknown> | undefined, () => false);
      // A section the file lacks is not created empty: that would be a write that changes nothing.
      value = t === undefined && Object.keys(inner.merged).length === 0 ? undefined : inner.merged;
      changedTheirs ||= inner.changedTheirs || (t === undefined && value !== undefined);
    } else if (!sameJson(o, b)) {
      value = o;
      changedTheirs ||= !sameJson(o, t);
    } else {
      value = t;
    }
    if (value !== undefined) merged[name] = value;
  }
  return { merged, changedTheirs };
}

export function mergeCacheJson(base: CacheJson, ours: CacheJson, theirs: CacheJson): MergeResult {
  return mergeMembers(base, ours, theirs, () => true);
}
