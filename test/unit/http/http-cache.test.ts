import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFetchHttpClient } from '../../../lib/http/fetch-client.js';
import { CachingHttpClient, httpCacheKey, isDiscoveryUrl } from '../../../lib/http/http-cache.js';
import { LocalSts } from '../../support/sts/server.js';

const OIDC = '/contoso/v2.0/.well-known/openid-configuration';

describe('isDiscoveryUrl', () => {
  it('accepts discovery endpoints only', () => {
    expect(isDiscoveryUrl('https://h/contoso/v2.0/.well-known/openid-configuration')).toBe(true);
    expect(isDiscoveryUrl('https://h/tfp/b2c/policy/v2.0/.well-known/openid-configuration?p=x')).toBe(true);
    expect(isDiscoveryUrl('https://h/common/discovery/instance?api-version=1.1&authorization_endpoint=x')).toBe(true);
    expect(isDiscoveryUrl('https://h/common/userrealm/alice@contoso.com?api-version=1.0')).toBe(true);
    expect(isDiscoveryUrl('https://adfs.contoso.com/adfs/services/trust/mex')).toBe(true);
    expect(isDiscoveryUrl('https://h/common/oauth2/v2.0/token')).toBe(false);
    expect(isDiscoveryUrl('https://h/common/discovery/keys')).toBe(false);
    expect(isDiscoveryUrl('not a url')).toBe(false);
  });
});

describe('CachingHttpClient over a loopback STS', () => {
  let sts: LocalSts;
  let clock: number;
  let store: Map<string, string>;
  let client: CachingHttpClient;
  let served: number;

  beforeEach(async () => {
    clock = Date.UTC(2030, 0, 1);
    store = new Map();
    served = 0;
    sts = await new LocalSts().start();
    sts.route('GET', OIDC, () => ({ status: 200, body: { issuer: 'i', token_endpoint: 't', n: ++served } }));
    sts.route('GET', '/common/userrealm/alice@contoso.com', () => ({ status: 200, body: { account_type: 'Managed' } }));
    sts.route('POST', '/contoso/oauth2/v2.0/token', () => ({ status: 200, body: { access_token: 'at' } }));
    sts.route('GET', '/contoso/discovery/keys', () => ({ status: 200, body: { keys: [] } }));
    client = new CachingHttpClient(createFetchHttpClient({ timeoutMs: 5000 }), store, { now: () => clock });
  });
  afterEach(async () => {
    await sts.stop();
  });

  const get = (path: string) => client.send({ method: 'GET', url: `${sts.baseUrl}${path}` });

  it('serves a discovery document from the store on the second call', async () => {
    const miss = await get(OIDC);
    const hit = await get(OIDC);
    expect(sts.requestsTo(OIDC)).toHaveLength(1);
    expect(hit).toEqual(miss);
    expect(JSON.parse(hit.body)).toMatchObject({ n: 1 });
    expect(store.size).toBe(1);
  });

  it('refetches after the 24 h default TTL', async () => {
    await get(OIDC);
    clock += 24 * 3600 * 1000 - 1000;
    await get(OIDC);
    expect(sts.requestsTo(OIDC)).toHaveLength(1);
    clock += 2000;
    expect(JSON.parse((await get(OIDC)).body)).toMatchObject({ n: 2 });
    expect(sts.requestsTo(OIDC)).toHaveLength(2);
  });

  it('honours a custom TTL and survives a new client over the same (persisted) store', async () => {
    const shortLived = new CachingHttpClient(createFetchHttpClient(), store, { ttlSeconds: 10, now: () => clock });
    await shortLived.send({ method: 'GET', url: `${sts.baseUrl}${OIDC}` });
    const persisted = new Map(JSON.parse(JSON.stringify([...store])) as Array<[string, string]>);
    const restarted = new CachingHttpClient(createFetchHttpClient(), persisted, { ttlSeconds: 10, now: () => clock });
    await restarted.send({ method: 'GET', url: `${sts.baseUrl}${OIDC}` });
    expect(sts.requestsTo(OIDC)).toHaveLength(1);
    clock += 11_000;
    await restarted.send({ method: 'GET', url: `${sts.baseUrl}${OIDC}` });
    expect(sts.requestsTo(OIDC)).toHaveLength(2);
  });

  it.each([
    ['not json', '{{{'],
    ['wrong shape', JSON.stringify({ expiresAt: 'later', status: 200, body: 1 })],
    ['bad headers', JSON.stringify({ expiresAt: 9e15, status: 200, headers: { a: 1 }, body: '' })],
    ['null', 'null'],
  ])('ignores and overwrites a corrupt stored value (%s)', async (_name, corrupt) => {
    const key = httpCacheKey(`${sts.baseUrl}${OIDC}`);
    store.set(key, corrupt);
    const res = await get(OIDC);
    expect(res.status).toBe(200);
    expect(sts.requestsTo(OIDC)).toHaveLength(1);
    expect(JSON.parse(store.get(key) ?? '')).toMatchObject({ status: 200 });
    await get(OIDC);
    expect(sts.requestsTo(OIDC)).toHaveLength(1);
  });

  it('drops a corrupt value even when the refetch is not cacheable', async () => {
    const key = httpCacheKey(`${sts.baseUrl}${OIDC}`);
    store.set(key, 'garbage');
    sts.inject({ path: OIDC, reply: { status: 503, body: 'down' } });
    expect((await get(OIDC)).status).toBe(503);
    expect(store.has(key)).toBe(false);
  });

  it('never caches token POSTs, other GETs, or failed discovery', async () => {
    for (let i = 0; i < 2; i++) {
      await client.send({ method: 'POST', url: `${sts.baseUrl}/contoso/oauth2/v2.0/token`, body: 'grant_type=x' });
      await get('/contoso/discovery/keys');
    }
    expect(sts.requestsTo('/contoso/oauth2/v2.0/token')).toHaveLength(2);
    expect(sts.requestsTo('/contoso/discovery/keys')).toHaveLength(2);
    sts.inject({ path: OIDC, reply: { status: 500, body: {} } });
    expect((await get(OIDC)).status).toBe(500);
    expect((await get(OIDC)).status).toBe(200);
    expect(sts.requestsTo(OIDC)).toHaveLength(2);
    expect(store.size).toBe(1);
  });

  it('keeps user names out of store keys', async () => {
    await get('/common/userrealm/alice@contoso.com');
    await get('/common/userrealm/alice@contoso.com');
    expect(sts.requestsTo(/userrealm/)).toHaveLength(1);
    expect([...store.keys()].join()).not.toContain('alice');
  });
});
