/**
 * SectionStore builds its indexes on the first lookup after a clear(), so that loading a blob
 * does not index entry by entry. Lookups must see exactly what is stored, whenever they come.
 */
import { describe, expect, it } from 'vitest';
import { compositeKey } from '../../../lib/cache/multi-index.js';
import { SectionStore } from '../../../lib/cache/section-store.js';

interface Entry {
  owner: string;
  n: number;
}

function store() {
  const stats = { entriesExamined: 0 };
  return { stats, s: new SectionStore<Entry, 'owner'>({ owner: (e) => compositeKey(e.owner) }, stats) };
}

const keysIn = (s: SectionStore<Entry, 'owner'>, owner: string) => [...s.bucket('owner', compositeKey(owner))].map((r) => r.key).sort();

describe('SectionStore', () => {
  it('indexes entries put before the first lookup, and keeps indexing puts and deletes after it', () => {
    const { s } = store();
    s.clear();
    s.put('a1', { owner: 'A', n: 1 }, true);
    s.put('a2', { owner: 'A', n: 2 }, true);
    s.put('b1', { owner: 'B', n: 1 }, true);
    s.delete('a2');
    expect(keysIn(s, 'a')).toEqual(['a1']);
    s.put('a3', { owner: 'A', n: 3 });
    s.delete('b1');
    s.put('a1', { owner: 'B', n: 9 }); // same key, new owner: moves between buckets
    expect(keysIn(s, 'A')).toEqual(['a3']);
    expect(keysIn(s, 'B')).toEqual(['a1']);
  });

  it('an entry handed out before a clear() no longer finds a record, even under a reused key', () => {
    const { s } = store();
    const old = s.put('k', { owner: 'A', n: 1 });
    expect(s.recordOf(old)?.key).toBe('k');
    s.clear();
    const fresh = s.put('k', { owner: 'A', n: 2 }, true);
    expect(s.recordOf(old)).toBeUndefined();
    expect(s.recordOf(fresh)?.entry.n).toBe(2);
  });

  it('lookups examine only their bucket, however many entries were loaded unindexed', () => {
    const { s, stats } = store();
    s.clear();
    for (let i = 0; i < 1000; i++) s.put(`k${i}`, { owner: `o${i}`, n: i }, true);
    expect(keysIn(s, 'o500')).toEqual(['k500']);
    expect(stats.entriesExamined).toBe(1);
  });
});
