import { describe, expect, it } from 'vitest';
import { mergeCacheJson, sameJson } from '../../../lib/cache/persistence/merge-cache-json.js';

describe('mergeCacheJson', () => {
  const base = { AccessToken: { a: { v: 1 }, b: { v: 1 }, c: { v: 1 } }, RefreshToken: { r: { v: 1 } } };

  it('takes our additions, updates and deletions, and theirs for everything we left alone', () => {
    const ours = { AccessToken: { a: { v: 2 }, c: { v: 1 }, mine: { v: 1 } }, RefreshToken: { r: { v: 1 } } };
    const theirs = { AccessToken: { a: { v: 1 }, b: { v: 1 }, c: { v: 3 }, theirs: { v: 1 } }, RefreshToken: {} };
    const { merged, changedTheirs } = mergeCacheJson(base, ours, theirs);
    expect(merged).toEqual({
      AccessToken: { a: { v: 2 }, c: { v: 3 }, theirs: { v: 1 }, mine: { v: 1 } },
      RefreshToken: {},
    });
    expect(changedTheirs).toBe(true);
  });

  it('our change wins a conflict on the same key', () => {
    const { merged } = mergeCacheJson(base, { ...base, RefreshToken: { r: { v: 'ours' } } }, { ...base, RefreshToken: { r: { v: 'theirs' } } });
    expect(merged['RefreshToken']).toEqual({ r: { v: 'ours' } });
  });

  it('needs no write when we changed nothing, and keeps members and sections we do not know', () => {
    const theirs = { ...base, AccessToken: { ...base.AccessToken, z: { v: 9 } }, Unknown: { k: 1 }, version: 3 };
    const result = mergeCacheJson(base, base, theirs);
    expect(result.merged).toEqual(theirs);
    expect(result.changedTheirs).toBe(false);
  });

  it('a file someone deleted stays deleted where we changed nothing; our additions are written to a new one', () => {
    const { merged, changedTheirs } = mergeCacheJson(base, base, {});
    expect(changedTheirs).toBe(false);
    expect(merged).toEqual({});
    const mine = mergeCacheJson({}, base, {});
    expect(mine.merged).toEqual(base);
    expect(mine.changedTheirs).toBe(true);
  });

  it('takes non-object members whole, ours when we changed them', () => {
    expect(mergeCacheJson({ v: 1 }, { v: 2 }, { v: 3 }).merged).toEqual({ v: 2 });
    expect(mergeCacheJson({ v: 1 }, { v: 1 }, { v: 3 }).merged).toEqual({ v: 3 });
  });

  it('compares entries regardless of member order', () => {
    expect(sameJson({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameJson([1], { 0: 1 })).toBe(false);
    const { changedTheirs } = mergeCacheJson(base, { ...base, AccessToken: { ...base.AccessToken, a: { v: 1 } } }, base);
    expect(changedTheirs).toBe(false);
  });
});
