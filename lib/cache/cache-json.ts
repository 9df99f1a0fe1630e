/**
 * The two JSON idioms every cache blob goes through. Blobs come from other SDKs and from
 * disk, so a member may be named `__proto__` (which a plain object's setter would swallow)
 * or nest deeper than JSON.stringify can recurse.
 */
import { CacheCorruptError } from '../errors.js';

/** A prototype-less object: every key, `__proto__` included, is an ordinary own member. */
export function jsonObject(from?: object): Record<string, unknown> {
  const o = Object.create(null) as Record<string, unknown>;
  return from ? Object.assign(o, from) : o;
}

/** JSON.stringify, with a CacheCorruptError instead of a RangeError when the content nests too deeply to write. */
export function stringifyCache(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (e) {
    throw new CacheCorruptError('the token cache holds content nested too deeply (or otherwise unable) to be written as JSON', {
      cause: e,
    });
  }
}
