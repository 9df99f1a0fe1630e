import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfidentialClientApplication, PublicClientApplication } from '../../../lib/index.js';
import { createFetchHttpClient } from '../../../lib/http/fetch-client.js';
import {
  BAD_REQUEST_REPLAY_SECONDS,
  DEFAULT_THROTTLE_SECONDS,
  GET_CACHE_SECONDS,
  MAX_RETRY_AFTER_SECONDS,
  ThrottledHttpClient,
  parseRetryAfter,
  retryAfterThrottleSeconds,
  throttleKeys,
} from '../../../lib/http/throttling.js';
import type { HttpRequest, HttpResponse } from '../../../lib/http/types.js';
import { minimalResponse, ScriptedHttpClient } from '../../conformance/support/msal-python.js';
import { entraDiscovery } from '../../conformance/support/protocol.js';
import { LocalSts } from '../../support/sts/server.js';

const TOKEN_PATH = '/common/oauth2/v2.0/token';
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

function tokenRequest(baseUrl: string, params: Record<string, string>, headers: Record<string, string> = {}): HttpRequest {
  return {
    method: 'POST',
    url: `${baseUrl}${TOKEN_PATH}`,
    headers: { ...FORM, ...headers },
    body: new URLSearchParams(params).toString(),
  };
}

const refresh = { client_id: 'app', grant_type: 'refresh_token', refresh_token: 'rt-1', scope: 'openid User.Read' };

describe('throttleKeys', () => {
  const base = tokenRequest('https://login.example', refresh, { 'client-request-id': 'c1' });

  it('keys 429/5xx replays on URL, client_id, scope and refresh token only, as the reference does', () => {
    const k = throttleKeys(base).retryAfter;
    const sameAccount = tokenRequest('https://login.example', { ...refresh, claims: '{}', client_assertion: 'jwt-2' }, { 'client-request-id': 'c2' });
    expect(throttleKeys(sameAccount).retryAfter).toBe(k);
    // The reference's "account" is the refresh token; auth codes and user names do not split the bucket.
    const code = { client_id: 'app', scope: 'openid User.Read', grant_type: 'authorization_code' };
    expect(throttleKeys(tokenRequest('https://login.example', { ...code, code: 'a' })).retryAfter).toBe(
      throttleKeys(tokenRequest('https://login.example', { ...code, code: 'b', username: 'u' })).retryAfter,
    );
    expect(throttleKeys(tokenRequest('https://login.example', { ...refresh, refresh_token: 'rt-2' })).retryAfter).not.toBe(k);
    expect(throttleKeys(tokenRequest('https://login.example', { ...refresh, scope: 'openid' })).retryAfter).not.toBe(k);
    expect(throttleKeys(tokenRequest('https://login.example', { ...refresh, client_id: 'other' })).retryAfter).not.toBe(k);
    expect(throttleKeys(tokenRequest('https://other.example', refresh)).retryAfter).not.toBe(k);
  });

  it('keys 400 replays on URL and the whole body, ignoring headers', () => {
    const k = throttleKeys(base).badRequest;
    expect(throttleKeys(tokenRequest('https://login.example', refresh, { 'client-request-id': 'c2', 'X-AnchorMailbox': 'oid:1@2' })).badRequest).toBe(k);
    expect(throttleKeys(tokenRequest('https://login.example', { ...refresh, claims: '{}' })).badRequest).not.toBe(k);
    expect(throttleKeys(tokenRequest('https://login.example', { ...refresh, client_assertion: 'jwt' })).badRequest).not.toBe(k);
  });

  it('keys GETs on the whole URL, query included', () => {
    const get = (url: string): string => throttleKeys({ method: 'GET', url }).get;
    expect(get('https://h/x?a=1')).toBe(get('https://h/x?a=1'));
    expect(get('https://h/x?a=1')).not.toBe(get('https://h/x?a=2'));
  });

  it('keeps secrets, user names and URLs out of the keys', () => {
    const keys = throttleKeys(tokenRequest('https://login.example', { ...refresh, client_secret: 's3cret', username: 'alice@contoso.com' }));
    const all = Object.values(keys).join(' ');
    for (const secret of ['rt-1', 's3cret', 'alice', 'login.example']) expect(all).not.toContain(secret);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2030, 0, 1, 0, 0, 0);
  it('reads delta-seconds and HTTP-dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter(new Date(now + 30_000).toUTCString(), now)).toBe(30);
    expect(parseRetryAfter(new Date(now - 30_000).toUTCString(), now)).toBe(0);
  });
  it('returns undefined for absent or unreadable values', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});

describe('retryAfterThrottleSeconds', () => {
  const reply = (status: number, headers: Record<string, string> = {}) => ({ status, headers, body: '' });
  it('applies to 429, 5xx and anything with Retry-After', () => {
    expect(retryAfterThrottleSeconds(reply(429, { 'retry-after': '7' }), 5)).toBe(7);
    expect(retryAfterThrottleSeconds(reply(503), 5)).toBe(5);
    expect(retryAfterThrottleSeconds(reply(400, { 'retry-after': '2' }), 5)).toBe(2);
    expect(retryAfterThrottleSeconds(reply(400), 5)).toBe(0);
    expect(retryAfterThrottleSeconds(reply(200), 5)).toBe(0);
  });
  it('reads whole seconds only, as the reference does; an HTTP-date means the default', () => {
    expect(retryAfterThrottleSeconds(reply(429, { 'retry-after': 'Wed, 21 Oct 2035 07:28:00 GMT' }), 60)).toBe(60);
    expect(retryAfterThrottleSeconds(reply(429, { 'retry-after': ' 12 ' }), 60)).toBe(12);
    expect(retryAfterThrottleSeconds(reply(429, { 'retry-after': '-5' }), 60)).toBe(-5);
    expect(retryAfterThrottleSeconds(reply(429, { 'Retry-After': '999999' }), 60)).toBe(MAX_RETRY_AFTER_SECONDS);
  });
});

describe('ThrottledHttpClient over a loopback STS', () => {
  let sts: LocalSts;
  let clock: number;
  let store: Map<string, string>;
  const now = (): number => clock;
  const make = (defaultThrottleSeconds?: number, maxEntries?: number): ThrottledHttpClient =>
    new ThrottledHttpClient(createFetchHttpClient({ timeoutMs: 5000, retryThrottledGet: false }), {
      store,
      now,
      ...(defaultThrottleSeconds === undefined ? {} : { defaultThrottleSeconds }),
      ...(maxEntries === undefined ? {} : { maxEntries }),
    });

  beforeEach(async () => {
    clock = Date.UTC(2030, 0, 1, 0, 0, 0);
    store = new Map();
    sts = await new LocalSts().start();
    sts.route('POST', TOKEN_PATH, (req) =>
      req.form.get('refresh_token') === 'revoked'
        ? { status: 400, body: { error: 'invalid_grant', error_description: 'AADSTS70000 revoked' } }
        : { status: 200, body: { access_token: 'at', token_type: 'Bearer', expires_in: 3600 } },
    );
    sts.route('GET', '/common/discovery/instance', () => ({ status: 200, body: { tenant_discovery_endpoint: 'x' } }));
  });
  afterEach(async () => {
    await sts.stop();
  });

  const hits = (): number => sts.requestsTo(TOKEN_PATH).length;

  it('replays a 429 for its Retry-After to requests for the same client, scope and refresh token', async () => {
    const client = make();
    sts.inject({ path: TOKEN_PATH, reply: { status: 429, headers: { 'Retry-After': '120' }, body: { error: 'temporarily_unavailable' } } });
    const first = await client.send(tokenRequest(sts.baseUrl, refresh, { 'client-request-id': 'a' }));
    expect(first).toEqual({ status: 429, headers: { 'retry-after': '120' }, body: JSON.stringify({ error: 'temporarily_unavailable' }) });
    clock += 119_000;
    const replay = await client.send(tokenRequest(sts.baseUrl, { ...refresh, claims: '{"x":1}' }, { 'client-request-id': 'b' }));
    expect(replay).toEqual(first);
    expect(hits()).toBe(1);
    // A different scope is not affected.
    expect((await client.send(tokenRequest(sts.baseUrl, { ...refresh, scope: 'openid' }))).status).toBe(200);
    clock += 2_000;
    expect((await client.send(tokenRequest(sts.baseUrl, refresh))).status).toBe(200);
    expect(hits()).toBe(3);
  });

  it('uses defaultThrottleSeconds (5 unless given) for a 5xx without usable Retry-After, and caps long waits at an hour', async () => {
    const client = make();
    sts.inject({ path: TOKEN_PATH, reply: { status: 500, body: { error: 'server_error' } } });
    await client.send(tokenRequest(sts.baseUrl, refresh));
    clock += (DEFAULT_THROTTLE_SECONDS - 1) * 1000;
    expect((await client.send(tokenRequest(sts.baseUrl, refresh))).status).toBe(500);
    clock += 2_000;
    expect((await client.send(tokenRequest(sts.baseUrl, refresh))).status).toBe(200);

    const publicClient = make(60);
    const other = { ...refresh, refresh_token: 'rt-8' };
    sts.inject({ path: TOKEN_PATH, reply: { status: 503, headers: { 'Retry-After': new Date(clock + 5_000).toUTCString() }, body: 'busy' } });
    await publicClient.send(tokenRequest(sts.baseUrl, other));
    clock += 59_000;
    expect((await publicClient.send(tokenRequest(sts.baseUrl, other))).status).toBe(503);
    clock += 2_000;
    expect((await publicClient.send(tokenRequest(sts.baseUrl, other))).status).toBe(200);

    const capped = { ...refresh, refresh_token: 'rt-9' };
    sts.inject({ path: TOKEN_PATH, reply: { status: 429, headers: { 'Retry-After': '999999' }, body: {} } });
    await client.send(tokenRequest(sts.baseUrl, capped));
    clock += (MAX_RETRY_AFTER_SECONDS - 1) * 1000;
    expect((await client.send(tokenRequest(sts.baseUrl, capped))).status).toBe(429);
    clock += 2_000;
    expect((await client.send(tokenRequest(sts.baseUrl, capped))).status).toBe(200);
  });

  it('replays any exact 400 to the identical request for 60 s, whatever the grant or error', async () => {
    const client = make();
    const revoked = { ...refresh, refresh_token: 'revoked' };
    const first = await client.send(tokenRequest(sts.baseUrl, revoked, { 'client-request-id': '1' }));
    expect(JSON.parse(first.body)).toMatchObject({ error: 'invalid_grant' });
    clock += (BAD_REQUEST_REPLAY_SECONDS - 1) * 1000;
    expect(await client.send(tokenRequest(sts.baseUrl, revoked, { 'client-request-id': '2' }))).toEqual(first);
    expect(hits()).toBe(1);
    clock += 2_000;
    await client.send(tokenRequest(sts.baseUrl, revoked));
    expect(hits()).toBe(2);

    const code = { client_id: 'app', grant_type: 'authorization_code', code: 'c', redirect_uri: 'http://localhost' };
    sts.inject({ path: TOKEN_PATH, reply: { status: 400, body: { error: 'invalid_client' } } });
    await client.send(tokenRequest(sts.baseUrl, code));
    expect((await client.send(tokenRequest(sts.baseUrl, code))).status).toBe(400);
    // Another body is another request.
    expect((await client.send(tokenRequest(sts.baseUrl, { ...code, code: 'c2' }))).status).toBe(200);
    expect(hits()).toBe(4);
  });

  it('does not replay device-code polling, other 4xx, or successes', async () => {
    const client = make();
    const poll = { client_id: 'app', grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: 'd' };
    sts.inject({ path: TOKEN_PATH, reply: { status: 400, body: { error: 'authorization_pending' } } });
    await client.send(tokenRequest(sts.baseUrl, poll));
    expect((await client.send(tokenRequest(sts.baseUrl, poll))).status).toBe(200);
    sts.inject({ path: TOKEN_PATH, reply: { status: 401, body: { error: 'invalid_client' } } });
    await client.send(tokenRequest(sts.baseUrl, refresh));
    expect((await client.send(tokenRequest(sts.baseUrl, refresh))).status).toBe(200);
    await client.send(tokenRequest(sts.baseUrl, refresh));
    expect(hits()).toBe(5);
  });

  it('caches 2xx GETs for a day and never throttles a failed GET', async () => {
    const client = make();
    const url = `${sts.baseUrl}/common/discovery/instance?api-version=1.1`;
    sts.inject({ path: '/common/discovery/instance', reply: { status: 429, headers: { 'Retry-After': '60' }, body: {} } });
    expect((await client.send({ method: 'GET', url })).status).toBe(429);
    expect((await client.send({ method: 'GET', url })).status).toBe(200);
    expect((await client.send({ method: 'GET', url })).status).toBe(200);
    expect(sts.requestsTo('/common/discovery/instance')).toHaveLength(2);
    clock += GET_CACHE_SECONDS * 1000;
    await client.send({ method: 'GET', url });
    expect(sts.requestsTo('/common/discovery/instance')).toHaveLength(3);
  });

  it('keeps what it remembers in the given store, across clients (a persisted http_cache)', async () => {
    sts.inject({ path: TOKEN_PATH, reply: { status: 429, headers: { 'Retry-After': '30' }, body: {} } });
    await make().send(tokenRequest(sts.baseUrl, refresh));
    store = new Map(JSON.parse(JSON.stringify([...store])) as Array<[string, string]>);
    expect((await make().send(tokenRequest(sts.baseUrl, refresh))).status).toBe(429);
    expect(hits()).toBe(1);
  });

  it('keeps the store bounded, evicting the entry that expires soonest', async () => {
    const client = make(60, 3);
    sts.inject({ path: TOKEN_PATH, times: 10, reply: { status: 429, headers: { 'Retry-After': '10' }, body: {} } });
    for (const rt of ['a', 'b', 'c', 'd', 'e']) {
      await client.send(tokenRequest(sts.baseUrl, { ...refresh, refresh_token: rt }));
      clock += 1000;
    }
    const entries = (): number => [...store.keys()].filter((k) => !k.endsWith(' index')).length;
    expect(entries()).toBe(3);
    await client.send(tokenRequest(sts.baseUrl, { ...refresh, refresh_token: 'e' }));
    expect(hits()).toBe(5);
    // 'a' expired soonest, so it was evicted and reaches the network again.
    await client.send(tokenRequest(sts.baseUrl, { ...refresh, refresh_token: 'a' }));
    expect(hits()).toBe(6);
  });
});

describe('the windows applications get (as MSAL Python sets them)', () => {
  const tokenReply = { access_token: 'at', token_type: 'Bearer', expires_in: 3600 };
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Token requests answered by `reply` first and by a token afterwards; counts what reached the "server". */
  function firstThen(reply: HttpResponse): { http: ScriptedHttpClient; posts: () => number } {
    let posts = 0;
    const http = new ScriptedHttpClient({ get: entraDiscovery, post: () => (++posts === 1 ? reply : minimalResponse(200, tokenReply)) });
    return { http, posts: () => posts };
  }

  function confidential(reply: HttpResponse): { app: ConfidentialClientApplication; posts: () => number } {
    const { http, posts } = firstThen(reply);
    return { app: new ConfidentialClientApplication({ clientId: 'app', clientCredential: 'secret', httpClient: http }), posts };
  }

  it('a confidential client replays a 400 for 60 s (not 5 s)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { app, posts } = confidential(minimalResponse(400, { error: 'invalid_scope' }));
    expect(await app.acquireTokenForClient(['s/.default'])).toMatchObject({ error: 'invalid_scope' });
    vi.setSystemTime(Date.now() + 30_000);
    expect(await app.acquireTokenForClient(['s/.default'])).toMatchObject({ error: 'invalid_scope' });
    expect(posts()).toBe(1);
    vi.setSystemTime(Date.now() + 31_000);
    expect(await app.acquireTokenForClient(['s/.default'])).toMatchObject({ access_token: 'at' });
    expect(posts()).toBe(2);
  });

  it('a confidential client replays a 5xx without Retry-After for 5 s, a public client for 60 s', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { app, posts } = confidential(minimalResponse(503, { error: 'temporarily_unavailable' }));
    expect(await app.acquireTokenForClient(['s/.default'])).toMatchObject({ error: 'temporarily_unavailable' });
    vi.setSystemTime(Date.now() + 6_000);
    expect(await app.acquireTokenForClient(['s/.default'])).toMatchObject({ access_token: 'at' });
    expect(posts()).toBe(2);

    const forPublic = firstThen(minimalResponse(503, { error: 'temporarily_unavailable' }));
    const pca = new PublicClientApplication({ clientId: 'app', httpClient: forPublic.http });
    expect(await pca.acquireTokenByRefreshToken('rt', ['s'])).toMatchObject({ error: 'temporarily_unavailable' });
    vi.setSystemTime(Date.now() + 59_000);
    expect(await pca.acquireTokenByRefreshToken('rt', ['s'])).toMatchObject({ error: 'temporarily_unavailable' });
    expect(forPublic.posts()).toBe(1);
  });
});
