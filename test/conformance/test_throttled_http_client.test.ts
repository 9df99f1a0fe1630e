/**
 * Port of MSAL Python's tests/test_throttled_http_client.py.
 *
 * The reference has a ThrottledHttpClientBase (normalising replies, never nesting) under
 * ThrottledHttpClient; ours is one class, so the base class's tests run against it.
 * Python's pickling of the http_cache becomes JSON, which is how our store holds replies.
 * `sleep(retry_after + 1)` becomes an injected clock moved forward.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfidentialClientApplication, PublicClientApplication, SerializableTokenCache } from '../../lib/index.js';
import { ThrottledHttpClient } from '../../lib/http/throttling.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../../lib/http/types.js';
import { buildResponse, minimalResponse, ScriptedHttpClient } from './support/msal-python.js';
import { entraDiscovery } from './support/protocol.js';

/** Something only the raw replies carry, so we can tell whether it leaked into what we keep. */
const SIGNATURE = `sig-${randomUUID()}`;

/** MinimalResponse plus an instance attribute and a header the throttled client has no use for. */
function signedResponse(status: number, headers: Record<string, string> | undefined, text: string): HttpResponse {
  const response = minimalResponse(status, text, { ...headers, 'X-Signature': SIGNATURE }) as HttpResponse & { _: string };
  response._ = SIGNATURE;
  return response;
}

class CloseMethodCalled extends Error {}

/** An Entra-shaped ID token for uid.utid (unsigned, as the reference's fixtures are). */
function entraIdToken(aud: string, uid: string, utid: string): string {
  const part = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  const iss = `https://login.microsoftonline.com/${utid}/v2.0`;
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ iss, sub: uid, aud, oid: uid, tid: utid, iat: now, exp: now + 3600 })}.`;
}

/** Answers every request alike, with a fresh random body unless one is given. */
class DummyHttpClient implements HttpClient {
  constructor(
    private readonly statusCode = 200,
    private readonly responseHeaders?: Record<string, string>,
    private readonly responseText?: string,
  ) {}

  send(_request: HttpRequest): Promise<HttpResponse> {
    return Promise.resolve(signedResponse(this.statusCode, this.responseHeaders, this.responseText ?? String(Math.random())));
  }

  close(): void {
    throw new CloseMethodCalled('Not used by MSAL, but our customers may use it');
  }
}

/** Early MSALs did not require replies to have headers; some custom clients still omit them. */
class DummyHttpClientWithoutResponseHeaders extends DummyHttpClient {
  override async send(request: HttpRequest): Promise<HttpResponse> {
    const { headers: _dropped, ...rest } = await super.send(request);
    return rest as HttpResponse;
  }
}

function post(client: HttpClient, url: string, data?: Record<string, string>): Promise<HttpResponse> {
  return client.send({
    method: 'POST',
    url,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    ...(data ? { body: new URLSearchParams(data).toString() } : {}),
  });
}

const get = (client: HttpClient, url: string): Promise<HttpResponse> => client.send({ method: 'GET', url });

function assertCleanPickle(value: unknown): void {
  expect(value, 'The object should not be empty').toBeTruthy();
  expect(JSON.stringify(value instanceof Map ? [...value] : value), 'A persisted object should not contain undesirable data').not.toContain(SIGNATURE);
}

/** The reference checks for a NormalizedResponse; ours is a plain reply holding only what throttling needs. */
function assertValidResponse(response: HttpResponse): void {
  expect(Object.keys(response).sort()).toEqual(['body', 'headers', 'status']);
  assertCleanPickle(response);
}

function assertNotAlteringOriginalHttpClient(): void {
  const original = new DummyHttpClient();
  const originalSend = original.send;
  const originalClose = original.close;
  const throttled = new ThrottledHttpClient(original);
  // The implementation should wrap the original client and keep it intact, instead of monkey-patching it.
  expect(throttled).not.toBe(original);
  expect(original.send).toBe(originalSend);
  expect(original.close).toBe(originalClose);
  expect(Object.keys(original)).toEqual(Object.keys(new DummyHttpClient()));
}

describe('ThrottledHttpClientBaseTestCase', () => {
  it('test_pickled_minimal_response_should_contain_signature', () => {
    expect(JSON.stringify(signedResponse(200, {}, 'foo'))).toContain(SIGNATURE);
  });

  it('test_throttled_http_client_base_response_should_tolerate_headerless_response', async () => {
    const client = new ThrottledHttpClient(new DummyHttpClientWithoutResponseHeaders(200, undefined, 'foo'));
    const response = await post(client, 'https://example.com');
    expect(response.body, 'Should return the same response text').toBe('foo');
  });

  it('test_throttled_http_client_base_response_should_not_contain_signature', async () => {
    const client = new ThrottledHttpClient(new DummyHttpClient(200));
    assertValidResponse(await post(client, 'https://example.com'));
  });

  it('test_throttled_http_client_base_should_not_alter_original_http_client', () => {
    assertNotAlteringOriginalHttpClient();
  });

  it('test_throttled_http_client_base_should_not_nest_http_client', () => {
    const original = new DummyHttpClient();
    const throttled = new ThrottledHttpClient(original);
    expect(throttled.httpClient).toBe(original);
    const nested = new ThrottledHttpClient(throttled);
    expect(nested.httpClient).toBe(original);
  });
});

describe('ThrottledHttpClientTestCase', () => {
  it('test_throttled_http_client_should_not_alter_original_http_client', () => {
    assertNotAlteringOriginalHttpClient();
  });

  async function retryAfterNSecondsShouldKeepEntryForNSeconds(dummy: HttpClient, retryAfter: number): Promise<void> {
    let clock = Date.UTC(2030, 0, 1);
    const httpCache = new Map<string, string>();
    const client = new ThrottledHttpClient(dummy, { store: httpCache, now: () => clock });
    const resp1 = await post(client, 'https://example.com'); // We implemented POST only
    const resp2 = await post(client, 'https://example.com');
    expect(resp1.body, 'Should return a cached response').toBe(resp2.body);
    clock += (retryAfter + 1) * 1000;
    const resp3 = await post(client, 'https://example.com');
    expect(resp1.body, 'Should return a new response').not.toBe(resp3.body);
  }

  it('test_429_with_RetryAfter_N_seconds_should_keep_entry_for_N_seconds', async () => {
    await retryAfterNSecondsShouldKeepEntryForNSeconds(new DummyHttpClient(429, { 'Retry-After': '1' }), 1);
  });

  it('test_5xx_with_RetryAfter_N_seconds_should_keep_entry_for_N_seconds', async () => {
    await retryAfterNSecondsShouldKeepEntryForNSeconds(new DummyHttpClient(503, { 'Retry-After': '1' }), 1);
  });

  it('test_400_with_RetryAfter_N_seconds_should_keep_entry_for_N_seconds', async () => {
    // Retry-After is supposed to come with 429/5xx only, but it is honoured on any reply.
    await retryAfterNSecondsShouldKeepEntryForNSeconds(new DummyHttpClient(400, { 'Retry-After': '1' }), 1);
  });

  it('test_one_RetryAfter_request_should_block_a_similar_request', async () => {
    const httpCache = new Map<string, string>();
    const client = new ThrottledHttpClient(new DummyHttpClient(429, { 'Retry-After': '2' }), { store: httpCache });
    const resp1 = await post(client, 'https://example.com', { scope: 'one', claims: 'bar', grant_type: 'authorization_code' });
    const resp2 = await post(client, 'https://example.com', { scope: 'one', claims: 'foo', grant_type: 'password' });
    expect(resp1.body, 'Should return a cached response').toBe(resp2.body);
  });

  it('test_one_RetryAfter_request_should_not_block_a_different_request', async () => {
    const httpCache = new Map<string, string>();
    const client = new ThrottledHttpClient(new DummyHttpClient(429, { 'Retry-After': '2' }), { store: httpCache });
    const resp1 = await post(client, 'https://example.com', { scope: 'one' });
    const resp2 = await post(client, 'https://example.com', { scope: 'two' });
    expect(resp1.body, 'Should return a new response').not.toBe(resp2.body);
  });

  it('test_one_invalid_grant_should_block_a_similar_request', async () => {
    const httpCache = new Map<string, string>();
    // It covers invalid_grant and interaction_required.
    const client = new ThrottledHttpClient(new DummyHttpClient(400), { store: httpCache });

    const resp1 = await post(client, 'https://example.com', { claims: 'foo' });
    assertValidResponse(resp1);
    const resp1Again = await post(client, 'https://example.com', { claims: 'foo' });
    assertValidResponse(resp1Again);
    expect(resp1.body, 'Should return a cached response').toBe(resp1Again.body);

    const resp2 = await post(client, 'https://example.com', { claims: 'bar' });
    assertValidResponse(resp2);
    expect(resp1.body, 'Should return a new response').not.toBe(resp2.body);
    const resp2Again = await post(client, 'https://example.com', { claims: 'bar' });
    assertValidResponse(resp2Again);
    expect(resp2.body, 'Should return a cached response').toBe(resp2Again.body);

    assertCleanPickle(httpCache);
  });

  it('test_one_foci_app_recovering_from_invalid_grant_should_also_unblock_another', async () => {
    // The reference leaves this to design: the token cache sits above the HTTP cache, so once
    // one family app holds a new family refresh token, the other app's silent call sends that
    // token, a different request, which no remembered invalid_grant can block.
    const uid = 'uid';
    const utid = 'utid';
    const http = new ScriptedHttpClient({ get: entraDiscovery });
    const served: string[] = [];
    http.post = ({ data }) => {
      served.push(data.refresh_token ?? data.grant_type ?? '');
      if (data.refresh_token === 'frt-revoked') return minimalResponse(400, { error: 'invalid_grant' });
      return minimalResponse(
        200,
        buildResponse({
          uid,
          utid,
          access_token: `at-for-${data.client_id}`,
          refresh_token: 'frt-new',
          foci: '1',
          id_token: entraIdToken(data.client_id ?? '', uid, utid),
        }),
      );
    };
    const cache = new SerializableTokenCache();
    const appA = new PublicClientApplication({ clientId: 'family_app_a', httpClient: http, tokenCache: cache });
    const appB = new PublicClientApplication({ clientId: 'family_app_b', httpClient: http, tokenCache: cache });
    cache.add({
      clientId: 'family_app_b',
      environment: 'login.windows.net',
      realm: 'common',
      scopes: ['s1'],
      response: buildResponse({ uid, utid, refresh_token: 'frt-revoked', foci: '1', id_token: entraIdToken('family_app_b', uid, utid) }),
    });
    const [account] = await appB.getAccounts();
    expect(await appB.acquireTokenSilentWithError(['s2'], account)).toMatchObject({ error: 'invalid_grant' });
    expect(await appB.acquireTokenSilentWithError(['s2'], account)).toMatchObject({ error: 'invalid_grant' });
    expect(served.filter((s) => s === 'frt-revoked')).toHaveLength(1); // the second one was replayed

    // App A signs the user in again (by refresh token migration here), which stores a new family RT.
    expect(await appA.acquireTokenByRefreshToken('rt-from-elsewhere', ['s1'])).toMatchObject({ access_token: 'at-for-family_app_a' });
    const [refreshed] = await appB.getAccounts();
    const result = await appB.acquireTokenSilentWithError(['s2'], refreshed);
    expect(result).toMatchObject({ access_token: 'at-for-family_app_b' });
    expect(served.at(-1)).toBe('frt-new');
  });

  it('test_forcefresh_behavior', async () => {
    // The token cache and the HTTP cache are separate layers, so a forced refresh skips the
    // first but still meets the second: a refresh rejected moments ago is not sent again.
    const http = new ScriptedHttpClient({ get: entraDiscovery, post: () => minimalResponse(400, { error: 'invalid_grant' }) });
    const app = new ConfidentialClientApplication({ clientId: 'client_id', clientCredential: 'secret', httpClient: http });
    app.tokenCache.add({
      clientId: 'client_id',
      environment: 'login.windows.net',
      realm: 'common',
      scopes: ['s1'],
      response: buildResponse({ uid: 'uid', utid: 'utid', access_token: 'at', refresh_token: 'rt', id_token: entraIdToken('client_id', 'uid', 'utid') }),
    });
    const [account] = await app.getAccounts();
    expect(await app.acquireTokenSilentWithError(['s1'], account, { forceRefresh: true })).toMatchObject({ error: 'invalid_grant' });
    expect(await app.acquireTokenSilentWithError(['s1'], account, { forceRefresh: true })).toMatchObject({ error: 'invalid_grant' });
    expect(http.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('test_http_get_200_should_be_cached', async () => {
    const httpCache = new Map<string, string>();
    // It covers UserRealm discovery and OIDC discovery.
    const client = new ThrottledHttpClient(new DummyHttpClient(200), { store: httpCache });
    const resp1 = await get(client, 'https://example.com?foo=bar');
    const resp2 = await get(client, 'https://example.com?foo=bar');
    expect(resp1.body, 'Should return a cached response').toBe(resp2.body);
  });

  it('test_device_flow_retry_should_not_be_cached', async () => {
    const DEVICE_AUTH_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
    const httpCache = new Map<string, string>();
    const client = new ThrottledHttpClient(new DummyHttpClient(400), { store: httpCache });
    const resp1 = await post(client, 'https://example.com', { grant_type: DEVICE_AUTH_GRANT });
    const resp2 = await post(client, 'https://example.com', { grant_type: DEVICE_AUTH_GRANT });
    expect(resp1.body, 'Should return a new response').not.toBe(resp2.body);
  });

  it('test_throttled_http_client_should_provide_close', async () => {
    const client = new ThrottledHttpClient(new DummyHttpClient(200));
    await expect(client.close()).rejects.toBeInstanceOf(CloseMethodCalled);
  });
});
