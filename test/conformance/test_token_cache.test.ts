/**
 * MSAL Python's tests/test_token_cache.py, ported to brokerbridge's token cache.
 *
 * Mapping: the reference's `add(event)` is our `add()` with a CacheAddEvent (the
 * event's token_endpoint becomes environment + realm, as the reference's
 * canonicalize() derives them); `search()` / `find()` of access tokens is
 * `findAccessToken()` (one best match) and, where a test counts entries, the
 * serialized blob; `key_makers[ACCESS_TOKEN]` is `accessTokenKey()`; `modify()`
 * of an RT is `updateRefreshToken()`; `_compute_ext_cache_key`, `_merge_claims`
 * and `_parse_claims_or_raise` are computeExtCacheKey, mergeClaimsJson and
 * parseClaims.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { computeExtCacheKey } from '../../lib/cache/ext-cache-key.js';
import type { AccessTokenEntry } from '../../lib/cache/entries.js';
import { accessTokenKey } from '../../lib/cache/keys.js';
import { SerializableTokenCache } from '../../lib/cache/serializable-token-cache.js';
import { TokenCache, type AccessTokenQuery, type CacheAddEvent } from '../../lib/cache/token-cache.js';
import { InvalidArgumentError } from '../../lib/errors.js';
import { mergeClaimsJson, parseClaims } from '../../lib/oauth2/claims.js';
import type { TokenResponse } from '../../lib/oauth2/types.js';
import { buildIdToken, buildResponse } from './support/msal-python.js';

/** The reference's event shape, turned into ours. */
interface PyEvent {
  client_id: string;
  scope: string[];
  token_endpoint: string;
  response: Record<string, unknown>;
  data?: Record<string, string>;
}

/** environment and realm as MSAL Python's canonicalize() takes them from a token endpoint. */
function event(e: PyEvent, now?: number): CacheAddEvent {
  const url = new URL(e.token_endpoint);
  return {
    clientId: e.client_id,
    environment: url.hostname.toLowerCase(),
    realm: url.pathname.split('/')[1] ?? '',
    scopes: e.scope,
    response: e.response as TokenResponse,
    ...(e.data ? { data: e.data } : {}),
    ...(now !== undefined ? { now } : {}),
  };
}

type Blob = Record<string, Record<string, Record<string, unknown>>>;
const blobOf = (cache: SerializableTokenCache): Blob => JSON.parse(cache.serialize()) as Blob;
/** A cache whose raw sections the tests can inspect, as the reference's tests read `cache._cache`. */
const newCache = () => new SerializableTokenCache({ appOnlyHomeAccountId: null });

describe('TokenCacheTestCase', () => {
  let cache: SerializableTokenCache;
  beforeEach(() => {
    cache = newCache();
  });

  it('test_add_redacts_client_claims_in_debug_log', () => {
    const secret = '{"access_token": {"nbf": {"essential": "SENSITIVE"}}}';
    const logged: string[] = [];
    const logging = new SerializableTokenCache({ logger: { log: (_level, message) => logged.push(message) } });
    logging.add(
      event(
        {
          client_id: 'my_client_id',
          scope: ['s1'],
          data: { client_claims: secret, claims: secret },
          token_endpoint: 'https://login.example.com/contoso/v2/token',
          response: buildResponse({ uid: 'uid', utid: 'utid', expires_in: 3600, access_token: 'an access token' }),
        },
        1000,
      ),
    );
    const text = logged.join('\n');
    expect(text).not.toContain('SENSITIVE');
    expect(text).not.toContain('an access token');
    expect(text).toContain('********');
  });

  it('testAddByAad', () => {
    const clientId = 'my_client_id';
    const idToken = buildIdToken({ oid: 'object1234', preferred_username: 'John Doe', aud: clientId });
    const now = 1000;
    cache.add(
      event(
        {
          client_id: clientId,
          scope: ['s2', 's1', 's3'], // Not in particular order
          token_endpoint: 'https://login.example.com/contoso/v2/token',
          response: buildResponse({
            uid: 'uid',
            utid: 'utid',
            expires_in: 3600,
            access_token: 'an access token',
            id_token: idToken,
            refresh_token: 'a refresh token',
          }),
        },
        now,
      ),
    );
    const accessTokenEntry: AccessTokenEntry = {
      cached_at: '1000',
      client_id: 'my_client_id',
      credential_type: 'AccessToken',
      environment: 'login.example.com',
      expires_on: '4600',
      extended_expires_on: '4600',
      home_account_id: 'uid.utid',
      realm: 'contoso',
      secret: 'an access token',
      target: 's1 s2 s3', // Sorted
      token_type: 'some type',
    };
    const blob = blobOf(cache);
    expect(blob['AccessToken']?.[accessTokenKey(accessTokenEntry)]).toEqual(accessTokenEntry);
    // The reference's find(query=None) lists every AT; ours lists them in the blob.
    expect(Object.values(blob['AccessToken'] ?? {})).toContainEqual(accessTokenEntry);
    expect(blob['RefreshToken']?.['uid.utid-login.example.com-refreshtoken-my_client_id--s1 s2 s3']).toEqual({
      client_id: 'my_client_id',
      credential_type: 'RefreshToken',
      environment: 'login.example.com',
      home_account_id: 'uid.utid',
      last_modification_time: '1000',
      secret: 'a refresh token',
      target: 's1 s2 s3', // Sorted
    });
    expect(blob['Account']?.['uid.utid-login.example.com-contoso']).toEqual({
      home_account_id: 'uid.utid',
      environment: 'login.example.com',
      realm: 'contoso',
      local_account_id: 'object1234',
      username: 'John Doe',
      authority_type: 'MSSTS',
    });
    expect(blob['IdToken']?.['uid.utid-login.example.com-idtoken-my_client_id-contoso-']).toEqual({
      credential_type: 'IdToken',
      secret: idToken,
      home_account_id: 'uid.utid',
      environment: 'login.example.com',
      realm: 'contoso',
      client_id: 'my_client_id',
    });
    expect(blob['AppMetadata']?.['appmetadata-login.example.com-my_client_id']).toEqual({
      client_id: 'my_client_id',
      environment: 'login.example.com',
    });
  });

  it('testAddByAdfs', () => {
    const clientId = 'my_client_id';
    const idToken = buildIdToken({ aud: clientId, upn: 'JaneDoe@example.com' });
    cache.add(
      event(
        {
          client_id: clientId,
          scope: ['s2', 's1', 's3'], // Not in particular order
          token_endpoint: 'https://fs.msidlab8.com/adfs/oauth2/token',
          response: buildResponse({
            // ADFS will provide no client_info
            expires_in: 3600,
            access_token: 'an access token',
            id_token: idToken,
            refresh_token: 'a refresh token',
          }),
        },
        1000,
      ),
    );
    const accessTokenEntry: AccessTokenEntry = {
      cached_at: '1000',
      client_id: 'my_client_id',
      credential_type: 'AccessToken',
      environment: 'fs.msidlab8.com',
      expires_on: '4600',
      extended_expires_on: '4600',
      home_account_id: 'subject',
      realm: 'adfs',
      secret: 'an access token',
      target: 's1 s2 s3', // Sorted
      token_type: 'some type',
    };
    const blob = blobOf(cache);
    expect(blob['AccessToken']?.[accessTokenKey(accessTokenEntry)]).toEqual(accessTokenEntry);
    expect(blob['RefreshToken']?.['subject-fs.msidlab8.com-refreshtoken-my_client_id--s1 s2 s3']).toEqual({
      client_id: 'my_client_id',
      credential_type: 'RefreshToken',
      environment: 'fs.msidlab8.com',
      home_account_id: 'subject',
      last_modification_time: '1000',
      secret: 'a refresh token',
      target: 's1 s2 s3', // Sorted
    });
    expect(blob['Account']?.['subject-fs.msidlab8.com-adfs']).toEqual({
      home_account_id: 'subject',
      environment: 'fs.msidlab8.com',
      realm: 'adfs',
      local_account_id: 'subject',
      username: 'JaneDoe@example.com',
      authority_type: 'ADFS',
    });
    expect(blob['IdToken']?.['subject-fs.msidlab8.com-idtoken-my_client_id-adfs-']).toEqual({
      credential_type: 'IdToken',
      secret: idToken,
      home_account_id: 'subject',
      environment: 'fs.msidlab8.com',
      realm: 'adfs',
      client_id: 'my_client_id',
    });
    expect(blob['AppMetadata']?.['appmetadata-fs.msidlab8.com-my_client_id']).toEqual({
      client_id: 'my_client_id',
      environment: 'fs.msidlab8.com',
    });
  });

  const SCOPES = ['s2', 's1', 's3']; // Not in particular order
  const CONTOSO = { clientId: 'my_client_id', environments: ['login.example.com'], realm: 'contoso', homeAccountId: 'uid.utid' };

  /** The reference's assertFoundAccessToken: the lookup hits, and the hit carries `data`. */
  function assertFoundAccessToken(scopes: string[], query: Omit<AccessTokenQuery, 'scopes'>, data: Record<string, string> = {}): AccessTokenEntry {
    const at = cache.findAccessToken({ ...query, scopes });
    expect(at, 'AT should be cached and searchable').toBeDefined();
    for (const [k, v] of Object.entries(data)) expect(at?.[k], `AT should contain ${k}=${v}`).toBe(v);
    return at!;
  }

  function addWithData(data: Record<string, string>) {
    cache.add(
      event(
        {
          data,
          client_id: 'my_client_id',
          scope: SCOPES,
          token_endpoint: 'https://login.example.com/contoso/v2/token',
          response: buildResponse({ uid: 'uid', utid: 'utid', expires_in: 3600, access_token: 'an access token', refresh_token: 'a refresh token' }),
        },
        1000,
      ),
    );
  }

  function dataShouldBeSavedAndSearchableInAccessToken(data: { key_id: string }) {
    addWithData(data);
    // The extra data is a query criterion too.
    assertFoundAccessToken(SCOPES, { ...CONTOSO, keyId: data.key_id }, data);
  }

  it('test_extra_data_should_also_be_recorded_and_searchable_in_access_token', () => {
    dataShouldBeSavedAndSearchableInAccessToken({ key_id: '1' });
  });

  it('test_access_tokens_with_different_key_id', () => {
    dataShouldBeSavedAndSearchableInAccessToken({ key_id: '1' });
    dataShouldBeSavedAndSearchableInAccessToken({ key_id: '2' });
    // Isolated by key_id: a token bound to one key never overwrites one bound to another.
    expect(Object.keys(blobOf(cache)['AccessToken'] ?? {})).toHaveLength(2);
    for (const keyId of ['1', '2']) assertFoundAccessToken(['s1', 's2', 's3'], { ...CONTOSO, keyId }, { key_id: keyId });
  });

  /** A Bearer AT and a key-bound one (mtls_pop in the reference) for the same app, scopes and tenant. */
  function addBearerAndKeyBound() {
    const common = { client_id: 'my_client_id', scope: SCOPES, token_endpoint: 'https://login.example.com/contoso/v2/token' };
    cache.add(event({ ...common, data: {}, response: buildResponse({ uid: 'uid', utid: 'utid', expires_in: 3600, access_token: 'bearer_at', token_type: 'Bearer' }) }, 1000));
    cache.add(event({ ...common, data: { key_id: 'THUMB' }, response: buildResponse({ uid: 'uid', utid: 'utid', expires_in: 3600, access_token: 'mtls_at', token_type: 'mtls_pop' }) }, 1000));
  }

  it('test_bearer_and_mtls_pop_tokens_coexist_and_isolate', () => {
    addBearerAndKeyBound();
    expect(Object.keys(blobOf(cache)['AccessToken'] ?? {}), 'Bearer and mtls_pop ATs for the same scope must be separate entries').toHaveLength(2);
    // A Bearer lookup (no key_id) returns only the Bearer token.
    const bearer = assertFoundAccessToken(SCOPES, CONTOSO);
    expect(bearer.secret).toBe('bearer_at');
    expect(bearer.token_type).toBe('Bearer');
    const pop = assertFoundAccessToken(SCOPES, { ...CONTOSO, keyId: 'THUMB' });
    expect(pop.secret).toBe('mtls_at');
    expect(pop.token_type).toBe('mtls_pop');
  });

  it('test_broad_search_without_target_enumerates_key_bound_tokens', () => {
    addBearerAndKeyBound();
    // Removal (the reference's for_removal search) reaches key-bound ATs too: nothing stays behind.
    expect(cache.removeAccount('uid.utid', ['login.example.com'], 'my_client_id')).toBeGreaterThanOrEqual(2);
    expect(blobOf(cache)['AccessToken']).toEqual({});
  });

  it('test_empty_scopes_for_use_lookup_does_not_leak_key_bound_token', () => {
    addBearerAndKeyBound();
    expect(cache.findAccessToken({ ...CONTOSO, scopes: [] })?.secret).toBe('bearer_at');
  });

  it('test_refresh_in_should_be_recorded_as_refresh_on', () => {
    cache.add(
      event(
        {
          client_id: 'my_client_id',
          scope: SCOPES,
          token_endpoint: 'https://login.example.com/contoso/v2/token',
          response: buildResponse({ uid: 'uid', utid: 'utid', expires_in: 3600, refresh_in: 1800, access_token: 'an access token' }),
        },
        1000,
      ),
    );
    const at = assertFoundAccessToken(SCOPES, CONTOSO);
    expect(at.refresh_on, 'Should save refresh_on').toBe('2800');
  });

  it('test_old_rt_data_with_wrong_key_should_still_be_salvaged_into_new_rt', () => {
    const sample = {
      client_id: 'my_client_id',
      credential_type: 'RefreshToken',
      environment: 'login.example.com',
      home_account_id: 'uid.utid',
      secret: 'a refresh token',
      target: 's2 s1 s3',
    };
    const newRt = 'this is a new RT';
    cache.deserialize(JSON.stringify({ RefreshToken: { 'wrong-key': sample } }));
    const [stored] = cache.findRefreshTokens({ homeAccountId: 'uid.utid', environments: ['login.example.com'], clientId: 'my_client_id' });
    // Our update_rt: besides the secret it stamps last_modification_time, as the reference's update_rt does.
    cache.updateRefreshToken(stored!, newRt, 2000);
    expect(blobOf(cache)['RefreshToken']?.['uid.utid-login.example.com-refreshtoken-my_client_id--s2 s1 s3']).toEqual({
      ...sample,
      secret: newRt,
      last_modification_time: '2000',
    });
  });
});

describe('SerializableTokenCacheTestCase', () => {
  let cache: SerializableTokenCache;
  beforeEach(() => {
    cache = new SerializableTokenCache();
    cache.deserialize(`
      {
        "AccessToken": {
          "an-entry": {
            "foo": "bar"
          }
        },
        "customized": "whatever"
      }
    `);
  });
  afterEach(() => {
    // Every extended content is kept intact.
    const output = JSON.parse(cache.serialize()) as Record<string, unknown>;
    expect(output['customized'], 'Undefined cache keys and their values should be intact').toBe('whatever');
    expect((output['AccessToken'] as Record<string, unknown>)['an-entry'], 'Undefined token keys and their values should be intact').toEqual({ foo: 'bar' });
  });

  it('test_has_state_changed', () => {
    const fresh = new SerializableTokenCache();
    expect(fresh.hasStateChanged).toBe(false);
    // The reference's add({}) is a no-op add; ours needs a client and a host (an empty add throws), then is one.
    expect(() => fresh.add({} as CacheAddEvent)).toThrow(InvalidArgumentError);
    fresh.add({ clientId: 'my_client_id', environment: 'login.example.com', realm: 'contoso', scopes: [], response: {} });
    expect(fresh.hasStateChanged).toBe(true);
  });
});

describe('TestComputeExtCacheKey', () => {
  it('test_empty_data_returns_empty_string', () => {
    expect(computeExtCacheKey(null)).toBe('');
    expect(computeExtCacheKey({})).toBe('');
  });

  it('test_excluded_fields_are_ignored', () => {
    expect(computeExtCacheKey({ key_id: 'k1', token_type: 'ssh-cert', req_cnf: 'nonce', claims: '{}' })).toBe('');
  });

  it('test_fmi_path_produces_non_empty_hash', () => {
    const result = computeExtCacheKey({ fmi_path: 'SomePath/Credential' });
    expect(result).not.toBe('');
    expect(typeof result).toBe('string');
  });

  it('test_same_input_produces_same_hash', () => {
    expect(computeExtCacheKey({ fmi_path: 'path/a' })).toBe(computeExtCacheKey({ fmi_path: 'path/a' }));
  });

  it('test_different_fmi_paths_produce_different_hashes', () => {
    expect(computeExtCacheKey({ fmi_path: 'path/a' })).not.toBe(computeExtCacheKey({ fmi_path: 'path/b' }));
  });

  it('test_empty_fmi_path_value_is_ignored', () => {
    expect(computeExtCacheKey({ fmi_path: '' })).toBe('');
  });

  it('test_excluded_fields_dont_affect_hash', () => {
    expect(computeExtCacheKey({ fmi_path: 'path/a', key_id: 'k1', req_cnf: 'nonce' })).toBe(computeExtCacheKey({ fmi_path: 'path/a' }));
  });

  it('test_non_excluded_fields_are_included_in_hash', () => {
    expect(computeExtCacheKey({ fmi_path: 'path/a', custom_param: 'val' })).not.toBe(computeExtCacheKey({ fmi_path: 'path/a' }));
  });
});

describe('TestClientClaimsCacheKey', () => {
  it('test_client_claims_produces_non_empty_hash', () => {
    const result = computeExtCacheKey({ client_claims: '{"a": 1}' });
    expect(result).not.toBe('');
    expect(typeof result).toBe('string');
  });

  it('test_claims_is_excluded_but_client_claims_is_not', () => {
    // A server-issued claims challenge bypasses the cache; client-originated client_claims partition it.
    expect(computeExtCacheKey({ claims: '{"a": 1}' })).toBe('');
    expect(computeExtCacheKey({ client_claims: '{"a": 1}' })).not.toBe('');
  });

  it('test_same_client_claims_produce_same_hash', () => {
    expect(computeExtCacheKey({ client_claims: '{"a": 1}' })).toBe(computeExtCacheKey({ client_claims: '{"a": 1}' }));
  });

  it('test_different_client_claims_produce_different_hashes', () => {
    expect(computeExtCacheKey({ client_claims: '{"a": 1}' })).not.toBe(computeExtCacheKey({ client_claims: '{"a": 2}' }));
  });

  it('test_empty_client_claims_value_is_ignored', () => {
    expect(computeExtCacheKey({ client_claims: '' })).toBe('');
  });
});

describe('TestClaimsHelpers', () => {
  it('test_parse_valid_object', () => {
    expect(parseClaims('{"a": 1}')).toEqual({ a: 1 });
  });

  it('test_parse_rejects_non_object_and_malformed', () => {
    for (const bad of ['not json', '[1, 2]', 'null', '123', '"a string"', 'true']) {
      expect(() => parseClaims(bad), `${bad} should throw`).toThrow(InvalidArgumentError);
    }
  });

  it('test_parse_rejects_non_string_types', () => {
    // Whatever the bad input's type, the same typed error (not a TypeError from the parser).
    for (const bad of [123, null, 1.5, true, ['a'], { a: 1 }]) {
      expect(() => parseClaims(bad as never), `${JSON.stringify(bad)} should throw InvalidArgumentError`).toThrow(InvalidArgumentError);
    }
  });

  it('test_parse_error_does_not_leak_raw_claims', () => {
    const secret = '{"super": "secret-value-123"'; // missing closing brace
    let error: unknown;
    try {
      parseClaims(secret);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    const err = error as Error;
    expect(`${err.message} ${String(err.cause ?? '')} ${err.stack ?? ''}`, 'Error message must never echo the raw claims content').not.toContain('secret-value-123');
  });

  it('test_merge_returns_other_when_one_side_is_empty', () => {
    const parse = (s: string | undefined) => JSON.parse(s ?? 'null') as unknown;
    expect(parse(mergeClaimsJson(undefined, '{"a": 1}'))).toEqual({ a: 1 });
    expect(parse(mergeClaimsJson('{"a": 1}', undefined))).toEqual({ a: 1 });
    expect(parse(mergeClaimsJson('', '{"a": 1}'))).toEqual({ a: 1 });
    expect(parse(mergeClaimsJson('{"a": 1}', ''))).toEqual({ a: 1 });
  });

  it('test_merge_of_two_empties_is_falsy', () => {
    expect(mergeClaimsJson(undefined, undefined)).toBeFalsy();
    expect(mergeClaimsJson('', '')).toBeFalsy();
  });

  it('test_merge_deep_merges_objects', () => {
    const merged = JSON.parse(
      mergeClaimsJson('{"access_token": {"xms_cc": {"values": ["cp1"]}}}', '{"access_token": {"xms_az_nwperimid": {"essential": true}}}')!,
    ) as { access_token: unknown };
    expect(merged.access_token).toEqual({ xms_cc: { values: ['cp1'] }, xms_az_nwperimid: { essential: true } });
  });

  it('test_merge_leaf_conflict_second_arg_wins', () => {
    const merged = JSON.parse(
      mergeClaimsJson('{"access_token": {"acrs": {"values": ["server"]}}}', '{"access_token": {"acrs": {"values": ["client"]}}}')!,
    ) as { access_token: { acrs: unknown } };
    expect(merged.access_token.acrs).toEqual({ values: ['client'] });
  });

  it('test_merge_nested_conflict_preserves_disjoint_siblings', () => {
    const merged = JSON.parse(
      mergeClaimsJson(
        '{"access_token": {"a": {"values": ["server"]}, "keep_server": 1}}',
        '{"access_token": {"a": {"values": ["client"]}, "keep_client": 2}}',
      )!,
    ) as { access_token: unknown };
    expect(merged.access_token).toEqual({ a: { values: ['client'] }, keep_server: 1, keep_client: 2 });
  });
});

describe('TestExtCacheKeyIsolation', () => {
  function buildEvent(clientId: string, scope: string[], tokenEndpoint: string, accessToken: string, data: Record<string, string> = {}): CacheAddEvent {
    return event({ client_id: clientId, scope, token_endpoint: tokenEndpoint, response: buildResponse({ access_token: accessToken, expires_in: 3600 }), data });
  }
  const appOnly = { clientId: 'cid', environments: ['login.example.com'], realm: 'tenant', homeAccountId: null, scopes: ['s1'] };
  const keyOf = (fields: Partial<AccessTokenEntry>) =>
    accessTokenKey({ credential_type: 'AccessToken', secret: '', cached_at: '', expires_on: '', home_account_id: '', environment: 'env', client_id: 'cid', realm: 'realm', target: 'scope', ...fields });

  it('test_at_key_includes_ext_cache_key_when_present', () => {
    const without = keyOf({});
    const withExt = keyOf({ ext_cache_key: 'somehash' });
    expect(without, 'Keys with and without ext_cache_key should differ').not.toBe(withExt);
    expect(withExt).toContain('somehash');
  });

  it('test_different_ext_cache_keys_produce_different_at_keys', () => {
    expect(keyOf({ ext_cache_key: 'hash_a' })).not.toBe(keyOf({ ext_cache_key: 'hash_b' }));
  });

  it('test_fmi_tokens_are_stored_with_ext_cache_key', () => {
    const cache = newCache();
    cache.add(buildEvent('cid', ['s1'], 'https://login.example.com/tenant/v2/token', 'fmi_token', { fmi_path: 'some/path' }));
    expect(cache.findAccessToken(appOnly), 'FMI tokens should NOT be found by a query without ext_cache_key').toBeUndefined();
    expect(Object.values(blobOf(cache)['AccessToken'] ?? {})).toEqual([expect.objectContaining({ secret: 'fmi_token', ext_cache_key: computeExtCacheKey({ fmi_path: 'some/path' }) })]);
  });

  it('test_fmi_tokens_found_with_matching_ext_cache_key_query', () => {
    const cache = newCache();
    const extKey = computeExtCacheKey({ fmi_path: 'some/path' });
    cache.add(buildEvent('cid', ['s1'], 'https://login.example.com/tenant/v2/token', 'fmi_token', { fmi_path: 'some/path' }));
    expect(cache.findAccessToken({ ...appOnly, extCacheKey: extKey })?.secret).toBe('fmi_token');
  });

  it('test_non_fmi_tokens_not_affected_by_fmi_cache', () => {
    const cache = newCache();
    cache.add(buildEvent('cid', ['s1'], 'https://login.example.com/tenant/v2/token', 'fmi_token', { fmi_path: 'some/path' }));
    cache.add(buildEvent('cid', ['s1'], 'https://login.example.com/tenant/v2/token', 'regular_token'));
    expect(Object.keys(blobOf(cache)['AccessToken'] ?? {})).toHaveLength(2);
    expect(cache.findAccessToken(appOnly)?.secret).toBe('regular_token');
  });

  it('test_empty_scopes_lookup_does_not_leak_ext_bound_token', () => {
    const cache = newCache();
    cache.add(buildEvent('cid', ['s1'], 'https://login.example.com/tenant/v2/token', 'fmi_token', { fmi_path: 'some/path' }));
    cache.add(buildEvent('cid', ['s1'], 'https://login.example.com/tenant/v2/token', 'regular_token'));
    expect(cache.findAccessToken({ ...appOnly, scopes: [] })?.secret).toBe('regular_token');
  });
});

describe('TestCrossMsalCacheKeyCompatibility', () => {
  const keyOf = (fields: Partial<AccessTokenEntry>) =>
    accessTokenKey({ credential_type: 'AccessToken', secret: '', cached_at: '', expires_on: '', home_account_id: '', environment: '', client_id: '', realm: '', target: '', ...fields });
  const RESOURCE = { home_account_id: '', environment: 'login.windows.net', client_id: 'd3adb33f-c0de-ed0c-c0de-deadb33fc0d3', realm: 'common', target: 'r1/scope1 r1/scope2' };

  it('test_two_params_hash_matches_shared_encoding', () => {
    expect(computeExtCacheKey({ key1: 'value1', key2: 'value2' })).toBe('latlwkpewb_a0rcsmjvkecqt0_huumkw4sflzociike');
  });

  it('test_two_different_params_hash_matches_shared_encoding', () => {
    expect(computeExtCacheKey({ key3: 'value3', key4: 'value4' })).toBe('jjoe9jgfmdtnj0rzuetsqy7kzs2m1xfnjjxwsfxsrxq');
  });

  it('test_five_params_hash_matches_shared_encoding', () => {
    expect(computeExtCacheKey({ key3: 'value3', key4: 'value4', key5: 'value5', key6: 'value6', key7: 'value7' })).toBe(
      'prrdp31y37ufw3lo7hly0oimjjvg_34m9ji30ocu4tw',
    );
  });

  it('test_order_independence_matches_shared_encoding', () => {
    expect(computeExtCacheKey({ key3: 'value3', key4: 'value4', key5: 'value5', key6: 'value6', key7: 'value7' })).toBe(
      computeExtCacheKey({ key7: 'value7', key4: 'value4', key6: 'value6', key5: 'value5', key3: 'value3' }),
    );
  });

  it('test_at_cache_key_uses_atext_credential_type', () => {
    const key = keyOf({ home_account_id: 'hid', environment: 'env', client_id: 'cid', realm: 'realm', target: 'scope', ext_cache_key: 'latlwkpewb_a0rcsmjvkecqt0_huumkw4sflzociike' });
    expect(key).toBe('hid-env-atext-cid-realm-scope-latlwkpewb_a0rcsmjvkecqt0_huumkw4sflzociike');
  });

  it('test_at_cache_key_without_ext_uses_accesstoken', () => {
    expect(keyOf({ home_account_id: 'hid', environment: 'env', client_id: 'cid', realm: 'realm', target: 'scope' })).toBe('hid-env-accesstoken-cid-realm-scope');
  });

  it('test_full_at_cache_key', () => {
    const key = keyOf({ ...RESOURCE, ext_cache_key: computeExtCacheKey({ key1: 'value1', key2: 'value2' }) });
    expect(key).toBe('-login.windows.net-atext-d3adb33f-c0de-ed0c-c0de-deadb33fc0d3-common-r1/scope1 r1/scope2-latlwkpewb_a0rcsmjvkecqt0_huumkw4sflzociike');
  });

  it('test_second_full_at_cache_key', () => {
    const key = keyOf({ ...RESOURCE, ext_cache_key: computeExtCacheKey({ key3: 'value3', key4: 'value4' }) });
    expect(key).toBe('-login.windows.net-atext-d3adb33f-c0de-ed0c-c0de-deadb33fc0d3-common-r1/scope1 r1/scope2-jjoe9jgfmdtnj0rzuetsqy7kzs2m1xfnjjxwsfxsrxq');
  });

  it('test_go_style_at_cache_key', () => {
    const key = keyOf({
      home_account_id: 'testhid',
      environment: 'env',
      client_id: 'clientid',
      realm: 'realm',
      target: 'user.read',
      ext_cache_key: computeExtCacheKey({ key1: 'value1', key2: 'value2' }),
    });
    expect(key).toBe('testhid-env-atext-clientid-realm-user.read-latlwkpewb_a0rcsmjvkecqt0_huumkw4sflzociike');
  });
});

describe('TestExtCacheKeyCollisionResistance', () => {
  it('test_key_value_boundary_ambiguity', () => {
    expect(computeExtCacheKey({ fmi_path: 'value' })).not.toBe(computeExtCacheKey({ fmi_pat: 'hvalue' }));
  });

  it('test_multi_entry_boundary_ambiguity', () => {
    expect(computeExtCacheKey({ a: 'b', cd: 'e' })).not.toBe(computeExtCacheKey({ ab: 'c', d: 'e' }));
  });

  it('test_value_containing_encoding_delimiters', () => {
    expect(computeExtCacheKey({ a: '5:hello' })).not.toBe(computeExtCacheKey({ a5: 'hello' }));
    expect(computeExtCacheKey({ x: '1:y1:z' })).not.toBe(computeExtCacheKey({ x: '1:y', '1': 'z' }));
  });

  it('test_injectivity_over_adversarial_alphabet', () => {
    const alphabet = ['', '0', '1', '9', ':', '|', '\\', 'a', 'ab', '\u00e9', '\u{1F600}', 'e\u0301'];
    const seen = new Map<string, string>();
    for (const k1 of alphabet)
      for (const v1 of alphabet)
        for (const k2 of alphabet)
          for (const v2 of alphabet) {
            // Keys and values must be non-empty to count; two equal keys would collapse into one pair.
            const pairs = ([[k1, v1], [k2, v2]] as const).filter(([k, v]) => k && v);
            if (pairs.length === 2 && pairs[0]![0] === pairs[1]![0]) continue;
            if (pairs.length === 0) continue;
            const canonical = JSON.stringify([...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
            const h = computeExtCacheKey(Object.fromEntries(pairs));
            const before = seen.get(h);
            if (before !== undefined) expect(before, `Hash collision between ${before} and ${canonical} -> ${h}`).toBe(canonical);
            else seen.set(h, canonical);
          }
    expect(seen.size).toBeGreaterThan(100);
  });

  it('test_utf8_byte_length_not_codepoint_length', () => {
    const precomposed = '\u00e9'; // 1 code point, 2 UTF-8 bytes
    const decomposed = 'e\u0301'; // 2 code points, 3 UTF-8 bytes
    expect(computeExtCacheKey({ k: precomposed })).not.toBe(computeExtCacheKey({ k: decomposed }));
    expect(computeExtCacheKey({ k: '\u00e9x' })).not.toBe(computeExtCacheKey({ k: 'e\u0301' }));
  });

  it('test_key_order_independence', () => {
    expect(computeExtCacheKey({ b: '2', a: '1', c: '3' })).toBe(computeExtCacheKey({ c: '3', a: '1', b: '2' }));
  });

  it('test_empty_and_single_entry_edges', () => {
    expect(computeExtCacheKey(null)).toBe('');
    expect(computeExtCacheKey({})).toBe('');
    expect(computeExtCacheKey({ fmi_path: '' })).toBe('');
    const single = computeExtCacheKey({ fmi_path: 'p' });
    expect(single).toBeTruthy();
    expect(computeExtCacheKey({ fmi_path: 'p' })).toBe(single);
  });

  it('test_golden_vectors', () => {
    const golden: Record<string, Record<string, string>> = {
      a0ry_zl4gccsdp7gnw927x8s0mrmnodv6tyilt0u07m: { fmi_path: 'agent-app-id' },
      'cybgactkrvlzlen1aiwzwl3ay5krkyixommrobc-ri4': { a: 'b', cd: 'e' },
      'n_lucewkadzv_nybtg-2wtorgf2nrns6ihlfa7vbuzg': { fmi_path: 'value' },
      'tjtm16m-suk2_bkniblr25lyuki40qyceco7knuyu0k': { fmi_pat: 'hvalue' },
      'xskzaoz4ibr3mznftyxctvg1ptuh-0fuzpty7ndbfls': { '\u00e9': '\u00e9' },
    };
    for (const [expected, components] of Object.entries(golden)) expect(computeExtCacheKey(components)).toBe(expected);
  });
});
