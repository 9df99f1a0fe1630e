/**
 * The three-way merge of unified-cache JSON, split in its two halves: what we
 * changed since the last sync (the diff of ours against base, computed by the
 * cache) is applied to the file as it is now (theirs). Per section and key:
 * our additions, updates and deletions win; everything else, including
 * sections and members we do not know, comes from theirs. So a writer never
 * erases what another process wrote since it last read the file.
 */
import { jsonObject } from '../cache-json.js';

export type CacheJson = Record<string, unknown>;

export interface CacheChanges {
  /** member (section) -> key -> new entry, or undefined for a deletion. */
  entries: Map<string, Map<string, unknown>>;
  /** Top-level members we removed as a whole (clear() drops unknown sections too). */
  removedMembers: Set<string>;
}

export function emptyChanges(): CacheChanges {
  return { entries: new Map(), removedMembers: new Set() };
}

export function hasChanges(c: CacheChanges): boolean {
  return c.removedMembers.size > 0 || [...c.entries.values()].some((m) => m.size > 0);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON equality that ignores member order (other SDKs order fields differently). */
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

export interface MergeResult {
  merged: CacheJson;
  /** False when the result equals theirs: nothing to write. */
  changedTheirs: boolean;
}

/** Applies our changes to theirs. Theirs is not modified; untouched sections are shared, not copied. */
export function applyCacheChanges(theirs: CacheJson, changes: CacheChanges): MergeResult {
  const merged = jsonObject(theirs);
  let changedTheirs = false;
  for (const name of changes.removedMembers) {
    if (Object.hasOwn(merged, name)) {
      delete merged[name];
      changedTheirs = true;
    }
  }
  for (const [name, keys] of changes.entries) {
    if (keys.size === 0) continue;
    const current = merged[name];
    // Prototype-less, so an entry keyed `__proto__` is stored like any other.
    const section = jsonObject(isPlainObject(current) ? current : undefined);
    let touched = false;
    for (const [key, entry] of keys) {
      if (entry === undefined) {
        if (Object.hasOwn(section, key)) {
          delete section[key];
          touched = true;
        }
      } else if (!sameJson(section[key], entry)) {
        section[key] = entry;
        touched = true;
      }
    }
    if (touched) {
      merged[name] = section;
      changedTheirs = true;
    }
  }
  return { merged, changedTheirs };
}
