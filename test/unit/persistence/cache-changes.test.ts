import { describe, expect, it } from 'vitest';
import { applyCacheChanges, emptyChanges, hasChanges, sameJson, type CacheChanges } from '../../../lib/cache/persistence/cache-changes.js';

function changes(entries: Record<string, Record<string, unknown>>, removed: string[] = []): CacheChanges {
  const c = emptyChanges();
  for (const [section, keys] of Object.entries(entries)) c.entries.set(section, new Map(Object.entries(keys)));
  for (const r of removed) c.removedMembers.add(r);
  return c;
}

describe('applyCacheChanges (the second half of the three-way merge)', () => {
  const theirs = {
    AccessToken: { a: { v: 1 }, b: { v: 1 }, theirs: { v: 7 } },
    RefreshToken: { r: { v: 1 } },
    Unknown: { k: { any: 'thing' } },
    version: 3,
  };

  it('our additions, updates and deletions win; everything else is theirs, unknown members included', () => {
    const { merged, changedTheirs } = applyCacheChanges(theirs, changes({ AccessToken: { a: { v: 2 }, b: undefined, mine: { v: 1 } } }));
    expect(merged).toEqual({
      AccessToken: { a: { v: 2 }, theirs: { v: 7 }, mine: { v: 1 } },
      RefreshToken: { r: { v: 1 } },
      Unknown: { k: { any: 'thing' } },
      version: 3,
    });
    expect(changedTheirs).toBe(true);
    expect(theirs.AccessToken).toHaveProperty('b'); // theirs is not modified
    expect(merged['RefreshToken']).toBe(theirs.RefreshToken); // untouched sections are shared
  });

  it('needs no write when our changes are already there', () => {
    expect(applyCacheChanges(theirs, emptyChanges()).changedTheirs).toBe(false);
    const same = applyCacheChanges(theirs, changes({ AccessToken: { a: { v: 1 }, gone: undefined } }));
    expect(same.changedTheirs).toBe(false);
    expect(same.merged).toEqual(theirs);
  });

  it('creates sections the file lacks and replaces a section that is not an object', () => {
    expect(applyCacheChanges({}, changes({ IdToken: { i: { v: 1 } } })).merged).toEqual({ IdToken: { i: { v: 1 } } });
    expect(applyCacheChanges({ IdToken: 'junk' }, changes({ IdToken: { i: { v: 1 } } })).merged).toEqual({ IdToken: { i: { v: 1 } } });
    expect(applyCacheChanges({}, changes({ IdToken: { i: undefined } })).changedTheirs).toBe(false);
  });

  it('removes whole members we cleared', () => {
    const { merged } = applyCacheChanges(theirs, changes({}, ['Unknown']));
    expect(merged).not.toHaveProperty('Unknown');
    expect(hasChanges(changes({}, ['Unknown']))).toBe(true);
    expect(hasChanges(changes({ A: {} }))).toBe(false);
  });

  it('compares entries regardless of member order', () => {
    expect(sameJson({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameJson([1], { 0: 1 })).toBe(false);
    expect(sameJson(undefined, { a: 1 })).toBe(false);
    const reordered = applyCacheChanges({ S: { k: { x: 1, y: 2 } } }, changes({ S: { k: { y: 2, x: 1 } } }));
    expect(reordered.changedTheirs).toBe(false);
  });
});
