import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFetchHttpClient } from '../../../lib/http/fetch-client.js';
import { ExpiringStore, storeKey } from '../../../lib/http/http-cache.js';
import { ThrottledHttpClient } from '../../../lib/http/throttling.js';
import { LocalSts } from '../../support/sts/server.js';

const reply = (body: string) => ({ status: 200, headers: { 'retry-after': '1' }, body });

describe('ExpiringStore', () => {
  let clock: number;
  let store: Map<string, string>;
  let entries: ExpiringStore;
  beforeEach(() => {
    clock = Date.UTC(2030, 0, 1);
    store = new Map();
    entries = new ExpiringStore(store, { now: () => clock });
  });

  it('keeps an entry for its own lifetime', () => {
    entries.set('a', reply('A'), 10);
    entries.set('b', reply('B'), 100);
    clock += 9_000;
    expect(entries.get('a')).toEqual(reply('A'));
    clock += 2_000;
    expect(entries.get('a')).toBeUndefined();
    expect(entries.get('b')).toEqual(reply('B'));
    expect(store.has(storeKey('a'))).toBe(false);
  });

  it('keeps nothing for a lifetime of zero or less', () => {
    entries.set('a', reply('A'), 0);
    entries.set('b', reply('B'), -5);
    expect(store.size).toBe(0);
  });

  it('survives a new instance over the same (persisted) store', () => {
    entries.set('a', reply('A'), 10);
    const persisted = new Map(JSON.parse(JSON.stringify([...store])) as Array<[string, string]>);
    expect(new ExpiringStore(persisted, { now: () => clock }).get('a')).toEqual(reply('A'));
  });

  it('distrusts an entry dated in the future (the clock went back)', () => {
    entries.set('a', reply('A'), 10);
    clock -= 1_000;
    expect(entries.get('a')).toBeUndefined();
  });

  it.each([
    ['not json', '{{{'],
    ['wrong shape', JSON.stringify({ createdAt: 0, expiresAt: 'later', status: 200, body: 1 })],
    ['bad headers', JSON.stringify({ createdAt: 0, expiresAt: 9e15, status: 200, headers: { a: 1 }, body: '' })],
    ['null', 'null'],
  ])('treats a corrupt stored value as a miss and drops it (%s)', (_name, corrupt) => {
    store.set(storeKey('a'), corrupt);
    expect(entries.get('a')).toBeUndefined();
    expect(store.has(storeKey('a'))).toBe(false);
    entries.set('a', reply('A'), 10);
    expect(entries.get('a')).toEqual(reply('A'));
  });

  it('bounds the store, evicting the entry that expires soonest, and sweeps expired ones on write', () => {
    const bounded = new ExpiringStore(store, { capacity: 2, now: () => clock });
    bounded.set('long', reply('L'), 100);
    bounded.set('short', reply('S'), 10);
    bounded.set('new', reply('N'), 50);
    expect(bounded.get('short')).toBeUndefined();
    expect(bounded.get('long')).toEqual(reply('L'));
    expect(bounded.get('new')).toEqual(reply('N'));
    clock += 60_000;
    bounded.set('later', reply('X'), 10);
    expect(store.has(storeKey('new'))).toBe(false);
    expect(bounded.get('long')).toEqual(reply('L'));
  });

  it('recovers from an unreadable index', () => {
    store.set(storeKey('index'), 'garbage');
    entries.set('a', reply('A'), 10);
    expect(entries.get('a')).toEqual(reply('A'));
  });
});

describe('http_cache through ThrottledHttpClient over a loopback STS', () => {
  let sts: LocalSts;
  beforeEach(async () => {
    sts = await new LocalSts().start();
    sts.route('GET', '/common/userrealm/alice@contoso.com', () => ({ status: 200, body: { account_type: 'Managed' } }));
  });
  afterEach(async () => {
    await sts.stop();
  });

  it('keeps user names out of what it stores under its keys', async () => {
    const store = new Map<string, string>();
    const client = new ThrottledHttpClient(createFetchHttpClient({ timeoutMs: 5000 }), { store });
    const url = `${sts.baseUrl}/common/userrealm/alice@contoso.com?api-version=1.0`;
    await client.send({ method: 'GET', url });
    await client.send({ method: 'GET', url });
    expect(sts.requestsTo(/userrealm/)).toHaveLength(1);
    expect([...store.keys()].join()).not.toContain('alice');
  });
});
