import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFetchHttpClient } from '../../../lib/http/fetch-client.js';
import {
  DEFAULT_RETRY_AFTER_SECONDS,
  MAX_RETRY_AFTER_SECONDS,
  ThrottledHttpClient,
  parseRetryAfter,
  throttleKey,
} from '../../../lib/http/throttling.js';
import type { HttpRequest } from '../../../lib/http/types.js';
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

describe('throttleKey', () => {
  const base = tokenRequest('https://login.example', refresh, { 'client-request-id': 'c1' });

  it('ignores correlation ids, telemetry headers, client assertions and parameter order', () => {
    const same = tokenRequest(
      'https://login.example',
      { scope: refresh.scope, refresh_token: 'rt-1', grant_type: 'refresh_token', client_id: 'app', client_assertion: 'jwt-2', correlation_id: 'x' },
      {
        'Client-Request-Id': 'c2',
        'x-client-current-telemetry': '4|84,3|',
        'x-client-last-telemetry': '4|1|||',
      },
    );
    const withAssertion = tokenRequest('https://login.example', { ...refresh, client_assertion: 'jwt-1' });
    expect(throttleKey(same)).toBe(throttleKey(base));
    expect(throttleKey(withAssertion)).toBe(throttleKey(base));
    expect(throttleKey({ ...base, url: `${base.url}?client-request-id=z` })).toBe(throttleKey(base));
  });

  it('distinguishes account, scope, URL, method and meaningful headers', () => {
    const k = throttleKey(base);
    expect(throttleKey(tokenRequest('https://login.example', { ...refresh, refresh_token: 'rt-2' }))).not.toBe(k);
    expect(throttleKey(tokenRequest('https://login.example', { ...refresh, scope: 'openid' }))).not.toBe(k);
    expect(throttleKey(tokenRequest('https://other.example', refresh))).not.toBe(k);
    expect(throttleKey({ ...base, method: 'GET' })).not.toBe(k);
    expect(throttleKey(tokenRequest('https://login.example', refresh, { 'X-AnchorMailbox': 'oid:1@2' }))).not.toBe(k);
  });

  it('keeps secrets out of the key', () => {
    const key = throttleKey(tokenRequest('https://login.example', { ...refresh, client_secret: 's3cret' }));
    expect(key).not.toContain('rt-1');
    expect(key).not.toContain('s3cret');
    expect(key.startsWith(`POST https://login.example${TOKEN_PATH} `)).toBe(true);
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

describe('ThrottledHttpClient over a loopback STS', () => {
  let sts: LocalSts;
  let clock: number;
  const now = (): number => clock;
  const make = (defaultThrottleSeconds = 60, maxEntries?: number): ThrottledHttpClient =>
    new ThrottledHttpClient(createFetchHttpClient({ timeoutMs: 5000 }), {
      defaultThrottleSeconds,
      now,
      ...(maxEntries === undefined ? {} : { maxEntries }),
    });

  beforeEach(async () => {
    clock = Date.UTC(2030, 0, 1, 0, 0, 0);
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

  it('replays a 429 for its Retry-After delta-seconds without touching the network', async () => {
    const client = make();
    sts.inject({ path: TOKEN_PATH, reply: { status: 429, headers: { 'Retry-After': '120' }, body: { error: 'temporarily_unavailable' } } });
    const first = await client.send(tokenRequest(sts.baseUrl, refresh, { 'client-request-id': 'a' }));
    expect(first.status).toBe(429);
    clock += 119_000;
    const replay = await client.send(tokenRequest(sts.baseUrl, refresh, { 'client-request-id': 'b' }));
    expect(replay).toEqual(first);
    expect(hits()).toBe(1);
    // A different request is not affected.
    expect((await client.send(tokenRequest(sts.baseUrl, { ...refresh, scope: 'openid' }))).status).toBe(200);
    clock += 2_000;
    expect((await client.send(tokenRequest(sts.baseUrl, refresh))).status).toBe(200);
    expect(hits()).toBe(3);
  });

  it('honours an HTTP-date Retry-After', async () => {
    const client = make();
    const until = new Date(clock + 30_000).toUTCString();
    sts.inject({ path: TOKEN_PATH, reply: { status: 503, headers: { 'Retry-After': until }, body: 'busy' } });
    expect((await client.send(tokenRequest(sts.baseUrl, refresh))).status).toBe(503);
    clock += 29_000;
    expect((await client.send(tokenRequest(sts.baseUrl, refresh))).status).toBe(503);
    expect(hits()).toBe(1);
    clock += 2_000;
    expect((await client.send(tokenRequest(sts.baseUrl, refresh))).status).toBe(200);
    expect(hits()).toBe(2);
  });

  it('defaults to 60 s for a 5xx without Retry-After and caps long waits at an hour', async () => {
    const client = make();
    sts.inject({ path: TOKEN_PATH, reply: { status: 500, body: { error: 'server_error' } } });
    await client.send(tokenRequest(sts.baseUrl, refresh));
    clock += (DEFAULT_RETRY_AFTER_SECONDS - 1) * 1000;
    expect((await client.send(tokenRequest(sts.baseUrl, refresh))).status).toBe(500);
    clock += 2_000;
    expect((await client.send(tokenRequest(sts.baseUrl, refresh))).status).toBe(200);

    const other = { ...refresh, refresh_token: 'rt-9' };
    sts.inject({ path: TOKEN_PATH, reply: { status: 429, headers: { 'Retry-After': '999999' }, body: {} } });
    await client.send(tokenRequest(sts.baseUrl, other));
    clock += (MAX_RETRY_AFTER_SECONDS - 1) * 1000;
    expect((await client.send(tokenRequest(sts.baseUrl, other))).status).toBe(429);
    clock += 2_000;
    expect((await client.send(tokenRequest(sts.baseUrl, other))).status).toBe(200);
  });

  it('throttles GETs that answered 429 too', async () => {
    const client = make();
    const url = `${sts.baseUrl}/common/discovery/instance?api-version=1.1`;
    sts.inject({ path: '/common/discovery/instance', reply: { status: 429, body: {} } });
    await client.send({ method: 'GET', url });
    expect((await client.send({ method: 'GET', url })).status).toBe(429);
    expect(sts.requestsTo('/common/discovery/instance')).toHaveLength(1);
  });

  it('remembers invalid_grant on a refresh for defaultThrottleSeconds, then lets it through', async () => {
    const client = make(5);
    const revoked = { ...refresh, refresh_token: 'revoked' };
    const first = await client.send(tokenRequest(sts.baseUrl, revoked, { 'client-request-id': '1' }));
    expect(JSON.parse(first.body)).toMatchObject({ error: 'invalid_grant' });
    clock += 4_000;
    const second = await client.send(tokenRequest(sts.baseUrl, revoked, { 'client-request-id': '2' }));
    expect(second).toEqual(first);
    expect(hits()).toBe(1);
    clock += 2_000;
    await client.send(tokenRequest(sts.baseUrl, revoked));
    expect(hits()).toBe(2);
  });

  it('remembers interaction_required on a refresh', async () => {
    const client = make(60);
    sts.inject({ path: TOKEN_PATH, reply: { status: 400, body: { error: 'interaction_required', suberror: 'consent_required' } } });
    await client.send(tokenRequest(sts.baseUrl, refresh));
    const again = await client.send(tokenRequest(sts.baseUrl, refresh));
    expect(JSON.parse(again.body)).toMatchObject({ error: 'interaction_required' });
    expect(hits()).toBe(1);
  });

  it('does not remember other 400s, other grants, or successes', async () => {
    const client = make(60);
    sts.inject({ path: TOKEN_PATH, reply: { status: 400, body: { error: 'invalid_client' } } });
    await client.send(tokenRequest(sts.baseUrl, refresh));
    expect((await client.send(tokenRequest(sts.baseUrl, refresh))).status).toBe(200);

    const code = { client_id: 'app', grant_type: 'authorization_code', code: 'c', redirect_uri: 'http://localhost' };
    sts.inject({ path: TOKEN_PATH, reply: { status: 400, body: { error: 'invalid_grant' } } });
    await client.send(tokenRequest(sts.baseUrl, code));
    expect((await client.send(tokenRequest(sts.baseUrl, code))).status).toBe(200);

    await client.send(tokenRequest(sts.baseUrl, refresh));
    expect(hits()).toBe(5);
    expect(client.size).toBe(0);
  });

  it('keeps memory bounded, evicting expired entries first and then the oldest', async () => {
    const client = make(60, 3);
    sts.inject({ path: TOKEN_PATH, times: 10, reply: { status: 429, headers: { 'Retry-After': '10' }, body: {} } });
    for (const rt of ['a', 'b', 'c', 'd', 'e']) await client.send(tokenRequest(sts.baseUrl, { ...refresh, refresh_token: rt }));
    expect(client.size).toBe(3);
    await client.send(tokenRequest(sts.baseUrl, { ...refresh, refresh_token: 'e' }));
    expect(hits()).toBe(5);
    // 'a' was evicted as the oldest, so it reaches the network again.
    await client.send(tokenRequest(sts.baseUrl, { ...refresh, refresh_token: 'a' }));
    expect(hits()).toBe(6);
    clock += 11_000;
    await client.send(tokenRequest(sts.baseUrl, { ...refresh, refresh_token: 'b' }));
    expect(hits()).toBe(7);
    // Writing 'b' swept every expired entry.
    expect(client.size).toBe(1);
  });
});
