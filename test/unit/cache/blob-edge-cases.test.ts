/** Issue 11 items 10 and 13: odd but valid blobs round-trip; wrong input is a typed error. */
import { describe, expect, it } from 'vitest';
import { applyCacheChanges, emptyChanges } from '../../../lib/cache/persistence/cache-changes.js';
import { salvageJson } from '../../../lib/cache/salvage-json.js';
import { SerializableTokenCache } from '../../../lib/cache/serializable-token-cache.js';
import { ErrorCode, InvalidArgumentError } from '../../../lib/errors.js';

describe('a member or key named __proto__ (item 10)', () => {
  const blob = '{"__proto__":{"x":1},"Custom":{"__proto__":{"y":2}},"AppMetadata":{"__proto__":{"z":3}}}';

  it('survives deserialize() then serialize()', () => {
    const cache = new SerializableTokenCache();
    cache.deserialize(blob);
    const out = JSON.parse(cache.serialize()) as Record<string, Record<string, unknown>>;
    const own = (o: object | undefined) => (o && Object.hasOwn(o, '__proto__') ? Object.getOwnPropertyDescriptor(o, '__proto__')?.value : undefined);
    expect(own(out)).toEqual({ x: 1 });
    expect(own(out.Custom)).toEqual({ y: 2 });
    expect(own(out.AppMetadata)).toEqual({ z: 3 });
  });

  it('survives the salvage of a damaged blob', () => {
    const { root } = salvageJson(`${blob.slice(0, -1)},"Broken":`);
    expect(Object.keys(root)).toContain('__proto__');
    expect(JSON.parse(JSON.stringify(root))).toMatchObject({ Custom: { __proto__: { y: 2 } } });
    expect(Object.hasOwn(root, '__proto__')).toBe(true);
  });

  it('survives the three-way merge', () => {
    const changes = emptyChanges();
    changes.entries.set('AppMetadata', new Map([['__proto__', { client_id: 'c', environment: 'e' }]]));
    // A new entry keyed __proto__ in a section that had none: a plain object's setter would swallow it.
    const { merged } = applyCacheChanges({ AppMetadata: {} }, changes);
    expect(JSON.stringify(merged)).toBe('{"AppMetadata":{"__proto__":{"client_id":"c","environment":"e"}}}');
  });
});

describe('typed errors (item 13)', () => {
  it.each([null, undefined, 42, {}])('deserialize(%s) is an InvalidArgumentError, not a TypeError', (value) => {
    const cache = new SerializableTokenCache();
    expect(() => cache.deserialize(value as unknown as string)).toThrow(InvalidArgumentError);
    expect(() => cache.deserialize(value as unknown as string)).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument }));
  });
});
