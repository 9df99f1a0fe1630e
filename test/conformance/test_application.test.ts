/**
 * MSAL Python's tests/test_application.py, ported to brokerbridge's API.
 *
 * The reference's `ClientApplication(...)` becomes a PublicClientApplication
 * (ours is abstract), its `post=tester` hook a ScriptedHttpClient, its mocked
 * OIDC discovery our preset authorityMetadata, and its patched
 * `msal.application._init_broker` a fake runtime behind loadBrokerRuntime().
 * Tests that call the reference's private helpers reach the same code through
 * our public API (noted where they do).
 */
import { describe, expect, it, vi } from 'vitest';
import { ConfidentialClientApplication } from '../../lib/app/confidential-client-application.js';
import { PublicClientApplication } from '../../lib/app/public-client-application.js';
import { NativeBrokerClient } from '../../lib/broker/native-broker-client.js';
import type { Account } from '../../lib/app/account.js';
import type { LogLevel } from '../../lib/app/logger.js';
import { SerializableTokenCache } from '../../lib/cache/serializable-token-cache.js';
import { IdTokenError, InvalidArgumentError, MalformedResponseError, NetworkError, TimeoutError } from '../../lib/errors.js';
import { CURRENT_TELEMETRY_HEADER, LAST_TELEMETRY_HEADER } from '../../lib/http/telemetry.js';
import type { AuthCodeFlow } from '../../lib/oauth2/auth-code-flow.js';
import { AutoRefresher } from '../../lib/oauth2/auto-refresher.js';
import { extractCerts } from '../../lib/oauth2/certificate.js';
import { mergeClaims } from '../../lib/oauth2/claims.js';
import type { DeviceFlow } from '../../lib/oauth2/device-flow.js';
import { decorateScopes } from '../../lib/oauth2/scopes.js';
import type { ErrorResult, TokenResult } from '../../lib/oauth2/types.js';
import { buildIdToken, buildResponse, minimalResponse, ScriptedHttpClient, type Handler, type SeenRequest } from './support/msal-python.js';
import { brokerAuthResult, brokerFailure, FakeBrokerRuntime, header, offlineEntra, populate, search } from './support/application.js';

const brokerLoader = vi.hoisted(() => ({ status: undefined as unknown }));
vi.mock('../../lib/broker/native-addon.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../lib/broker/native-addon.js')>()),
  loadBrokerRuntime: () => brokerLoader.status,
}));

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const now = () => Math.floor(Date.now() / 1000);
const asAccount = (a: { home_account_id: string }) => a as Account;
const ok = (body: unknown) => minimalResponse(200, body);
const noIo: Handler = (r) => {
  throw new Error(`I/O shouldn't happen in cache hit AT scenario (${r.url})`);
};
/** A managed (non-federated) user realm, for ROPC's discovery GET. */
const managedRealm: Handler = () => ok({ account_type: 'Managed', domain_name: 'contoso.com' });

function collectLogs(): { logs: Array<[LogLevel, string]>; logger: { level: LogLevel; callback: (l: LogLevel, m: string) => void } } {
  const logs: Array<[LogLevel, string]> = [];
  return { logs, logger: { level: 'verbose', callback: (l, m) => logs.push([l, m]) } };
}

function pca(clientId: string, tenant: string, http: ScriptedHttpClient, extra: Record<string, unknown> = {}): PublicClientApplication {
  return new PublicClientApplication({ clientId, ...offlineEntra(tenant), httpClient: http, ...extra });
}

function cca(clientId: string, tenant: string, http: ScriptedHttpClient, extra: Record<string, unknown> = {}): ConfidentialClientApplication {
  return new ConfidentialClientApplication({ clientId, clientCredential: 'secret', ...offlineEntra(tenant), httpClient: http, ...extra });
}

function expectRefreshOn(result: TokenResult | null | undefined, refreshIn: number): void {
  const expected = now() + refreshIn;
  expect(result?.refresh_on).toBeGreaterThan(expected - 2);
  expect(result?.refresh_on).toBeLessThan(expected + 2);
}

describe('TestHelperExtractCerts', () => {
  it('test_extract_a_tag_less_public_cert', () => {
    expect(extractCerts('my_cert')).toEqual(['my_cert']);
  });

  it('test_extract_a_tag_enclosed_cert', () => {
    const pem = `
        -----BEGIN CERTIFICATE-----
        my_cert
        -----END CERTIFICATE-----
        `;
    expect(extractCerts(pem)).toEqual(['my_cert']);
  });

  it('test_extract_multiple_tag_enclosed_certs', () => {
    const pem = `
        -----BEGIN CERTIFICATE-----
        my_cert1
        -----END CERTIFICATE-----

        -----BEGIN CERTIFICATE-----
        my_cert2
        -----END CERTIFICATE-----
        `;
    expect(extractCerts(pem)).toEqual(['my_cert1', 'my_cert2']);
  });
});

describe('TestClientApplicationAcquireTokenSilentErrorBehaviors', () => {
  const authorityUrl = 'https://login.microsoftonline.com/common';
  const scopes = ['s1', 's2'];
  const account = asAccount({ home_account_id: 'my_uid.my_utid' });
  const clientId = 'my_app';

  function setUp(post?: Handler) {
    const cache = new SerializableTokenCache();
    populate(cache, {
      client_id: clientId,
      scope: scopes,
      token_endpoint: `${authorityUrl}/oauth2/v2.0/token`,
      response: buildResponse({ access_token: 'an expired AT to trigger refresh', expires_in: -99, uid: 'my_uid', utid: 'my_utid', refresh_token: 'this is a rt' }),
    });
    const http = new ScriptedHttpClient(post ? { post } : {});
    return { cache, http, app: pca(clientId, 'common', http, { tokenCache: cache }) };
  }

  it('test_cache_empty_will_be_returned_as_None', async () => {
    const app = pca(clientId, 'common', new ScriptedHttpClient(), { tokenCache: new SerializableTokenCache() });
    expect(await app.acquireTokenSilentWithError(['cache_miss'], account)).toBeNull();
  });

  it('test_acquire_token_silent_will_suppress_error', async () => {
    const { app } = setUp(() => minimalResponse(400, '{"error": "invalid_grant", "suberror": "xyz"}'));
    expect(await app.acquireTokenSilent(scopes, account)).toBeNull();
  });

  it('test_acquire_token_silent_with_error_will_return_error', async () => {
    const { app } = setUp(() => minimalResponse(400, '{"error": "invalid_grant", "error_description": "xyz"}'));
    // Ours adds correlation_id to every result (see the README's differences).
    expect(await app.acquireTokenSilentWithError(scopes, account)).toEqual({
      error: 'invalid_grant',
      error_description: 'xyz',
      correlation_id: expect.any(String),
    });
  });

  it('test_atswe_will_map_some_suberror_to_classification_as_is', async () => {
    const { app } = setUp(() => minimalResponse(400, '{"error": "invalid_grant", "suberror": "basic_action"}'));
    const result = (await app.acquireTokenSilentWithError(scopes, account)) as ErrorResult;
    expect(result.classification).toBe('basic_action');
  });

  it('test_atswe_will_map_some_suberror_to_classification_to_empty_string', async () => {
    const { app } = setUp(() => minimalResponse(400, '{"error": "invalid_grant", "suberror": "client_mismatch"}'));
    const result = (await app.acquireTokenSilentWithError(scopes, account)) as ErrorResult;
    expect(result.classification).toBe('');
  });
});

/**
 * The reference drives its private _acquire_token_silent_by_finding_rt_belongs_to_me_or_my_family();
 * we reach the same FOCI logic through acquireTokenSilentWithError (no usable AT of the app's own).
 */
describe('TestClientApplicationAcquireTokenSilentFociBehaviors', () => {
  const authorityUrl = 'https://login.microsoftonline.com/common';
  const scopes = ['s1', 's2'];
  const uid = 'my_uid';
  const utid = 'my_utid';
  const account = asAccount({ home_account_id: `${uid}.${utid}` });
  const frt = 'what the frt';
  const preexistingFamilyAppId = 'preexisting_family_app';

  function setUp(): SerializableTokenCache {
    const cache = new SerializableTokenCache();
    populate(cache, {
      client_id: preexistingFamilyAppId,
      scope: scopes,
      token_endpoint: `${authorityUrl}/oauth2/v2.0/token`,
      response: buildResponse({
        access_token: "Siblings won't share AT. test_remove_account() will.",
        id_token: buildIdToken({ aud: preexistingFamilyAppId }),
        uid,
        utid,
        refresh_token: frt,
        foci: '1',
      }),
    });
    return cache;
  }

  it('test_unknown_orphan_app_will_attempt_frt_and_not_remove_it', async () => {
    const cache = setUp();
    const seen: string[] = [];
    const http = new ScriptedHttpClient({
      post: (r) => {
        seen.push(r.data['refresh_token'] ?? '');
        return minimalResponse(400, '{"error": "invalid_grant","error_description": "Was issued to another client"}');
      },
    });
    await pca('unknown_orphan', 'common', http, { tokenCache: cache }).acquireTokenSilentWithError(scopes, account);
    expect(seen).toEqual([frt]); // Should attempt the FRT
    expect(search(cache, 'RefreshToken', { secret: frt })).toHaveLength(1); // The FRT should not be removed from the cache
  });

  it('test_known_orphan_app_will_skip_frt_and_only_use_its_own_rt', async () => {
    const cache = setUp();
    const rt = 'RT for this orphan app. We will check it being used by this test case.';
    populate(cache, {
      client_id: 'known_orphan',
      scope: scopes,
      token_endpoint: `${authorityUrl}/oauth2/v2.0/token`,
      response: buildResponse({ uid, utid, refresh_token: rt }),
    });
    const seen: string[] = [];
    const http = new ScriptedHttpClient({
      post: (r) => {
        seen.push(r.data['refresh_token'] ?? '');
        return minimalResponse(200, '{}');
      },
    });
    // The reference hands the empty reply back as a result; ours rejects it as malformed (see the README's differences).
    await expect(pca('known_orphan', 'common', http, { tokenCache: cache }).acquireTokenSilentWithError(scopes, account)).rejects.toBeInstanceOf(
      MalformedResponseError,
    );
    expect(seen).toEqual([rt]); // Should attempt the RT
  });

  it('test_unknown_family_app_will_attempt_frt_and_join_family', async () => {
    const cache = setUp();
    const http = new ScriptedHttpClient({
      post: (r) => {
        expect(r.data['refresh_token']).toBe(frt); // Should attempt the FRT
        return ok(buildResponse({ uid, utid, foci: '1', access_token: 'at' }));
      },
    });
    const app = pca('unknown_family_app', 'common', http, { tokenCache: cache });
    const at = (await app.acquireTokenSilentWithError(scopes, account)) as TokenResult;
    expect(at.access_token).toBe('at'); // New app should get a new AT
    const appMetadata = search(cache, 'AppMetadata', { client_id: 'unknown_family_app' });
    expect(appMetadata).toHaveLength(1); // Should record new app's metadata
    expect(appMetadata[0]?.['family_id']).toBe('1'); // The new family app should be recorded as in the same family
  });

  it('test_preexisting_family_app_will_attempt_frt_and_return_error', async () => {
    const cache = setUp();
    const http = new ScriptedHttpClient({
      post: (r) => {
        expect(r.data['refresh_token']).toBe(frt); // Should attempt the FRT
        return minimalResponse(400, '{"error": "invalid_grant", "error_description": "xyz"}');
      },
    });
    const app = pca(preexistingFamilyAppId, 'common', http, { tokenCache: cache });
    // forceRefresh: this app's own AT is valid, and the reference test skips the AT lookup.
    const resp = await app.acquireTokenSilentWithError(scopes, account, { forceRefresh: true });
    expect(resp).toEqual({ error: 'invalid_grant', error_description: 'xyz', correlation_id: expect.any(String) }); // Error raised will be returned
  });

  it('test_family_app_remove_account', async () => {
    const cache = setUp();
    const app = pca(preexistingFamilyAppId, 'common', new ScriptedHttpClient(), { tokenCache: cache });
    const [account] = await app.getAccounts();
    const mine = { home_account_id: account!.home_account_id };
    for (const section of ['AccessToken', 'RefreshToken', 'IdToken', 'Account'] as const) {
      expect(search(cache, section, mine).length, section).toBeGreaterThan(0);
    }
    await app.removeAccount(account!);
    for (const section of ['AccessToken', 'RefreshToken', 'IdToken', 'Account'] as const) {
      expect(search(cache, section, mine), section).toEqual([]);
    }
  });
});

describe('TestClientApplicationForAuthorityMigration', () => {
  const environmentInCache = 'sts.windows.net';
  const scopes = ['s1', 's2'];
  const account = asAccount({ home_account_id: 'uid.utid' });
  const clientId = 'my_app';
  const accessToken = 'access token for testing authority aliases';

  function setUp(post?: Handler) {
    const cache = new SerializableTokenCache();
    populate(cache, {
      client_id: clientId,
      scope: scopes,
      token_endpoint: `https://${environmentInCache}/common/oauth2/v2.0/token`,
      response: buildResponse({ uid: 'uid', utid: 'utid', access_token: accessToken, refresh_token: 'some refresh token' }),
    });
    const http = new ScriptedHttpClient(post ? { post } : {});
    return { cache, http, app: pca(clientId, 'common', http, { tokenCache: cache }) };
  }

  it('test_get_accounts_should_find_accounts_under_different_alias', async () => {
    const accounts = await setUp().app.getAccounts();
    expect(accounts).not.toEqual([]);
    expect(accounts[0]?.environment).toBe(environmentInCache); // We should be able to find an account under an authority alias
  });

  it('test_acquire_token_silent_should_find_at_under_different_alias', async () => {
    const result = await setUp(noIo).app.acquireTokenSilent(scopes, account);
    expect(result).not.toBeNull();
    expect(result?.token_source).toBe('cache');
    expect(result?.access_token).toBe(accessToken);
  });

  it('test_acquire_token_silent_should_find_rt_under_different_alias', async () => {
    // The reference patches its private refresh helper to see the alias being tried; we see the RT on the wire.
    const seen: SeenRequest[] = [];
    const { cache, app } = setUp((r) => {
      seen.push(r);
      return ok({ access_token: 'at for a different scope' });
    });
    for (const at of search(cache, 'AccessToken')) cache.removeAccessToken(at as never); // A hacky way to clear ATs
    await app.acquireTokenSilent(['different scope'], account);
    expect(seen.map((r) => r.data['refresh_token'])).toEqual(['some refresh token']); // RT of different alias being attempted
  });
});

/** The reference's private _merge_claims_challenge_and_capabilities; ours is lib/oauth2/claims.ts. */
describe('TestApplicationForClientCapabilities', () => {
  it('test_capabilities_and_id_token_claims_merge', () => {
    const claimsChallenge = '{"id_token": {"auth_time": {"essential": true}}}';
    const merged = { id_token: { auth_time: { essential: true } }, access_token: { xms_cc: { values: ['foo', 'bar'] } } };
    expect(JSON.parse(mergeClaims(claimsChallenge, ['foo', 'bar'])!)).toEqual(merged);
  });

  it('test_capabilities_and_id_token_claims_and_access_token_claims_merge', () => {
    const claimsChallenge = `{"id_token": {"auth_time": {"essential": true}},
                 "access_token": {"nbf":{"essential":true, "value":"1563308371"}}}`;
    const merged = {
      id_token: { auth_time: { essential: true } },
      access_token: { nbf: { essential: true, value: '1563308371' }, xms_cc: { values: ['foo', 'bar'] } },
    };
    expect(JSON.parse(mergeClaims(claimsChallenge, ['foo', 'bar'])!)).toEqual(merged);
  });

  it('test_no_capabilities_only_claims_merge', () => {
    const claimsChallenge = '{"id_token": {"auth_time": {"essential": true}}}';
    expect(JSON.parse(mergeClaims(claimsChallenge, undefined)!)).toEqual(JSON.parse(claimsChallenge));
  });

  it('test_only_client_capabilities_no_claims_merge', () => {
    expect(JSON.parse(mergeClaims(undefined, ['foo', 'bar'])!)).toEqual({ access_token: { xms_cc: { values: ['foo', 'bar'] } } });
  });

  it('test_both_claims_and_capabilities_none', () => {
    expect(mergeClaims(undefined, undefined)).toBeUndefined();
  });
});

describe('TestApplicationForRefreshInBehaviors', () => {
  const authorityUrl = 'https://login.microsoftonline.com/common';
  const scopes = ['s1', 's2'];
  const account = asAccount({ home_account_id: 'my_uid.my_utid' });
  const clientId = 'my_app';
  const soon = 60; // the facade treats tokens within 5 minutes of expiry as expired

  function app(post: Handler, { access_token = 'at', expires_in = 86400, refresh_in = 43200 } = {}) {
    const cache = new SerializableTokenCache();
    populate(cache, {
      client_id: clientId,
      scope: scopes,
      token_endpoint: `${authorityUrl}/oauth2/v2.0/token`,
      response: buildResponse({ access_token, expires_in, refresh_in, uid: 'my_uid', utid: 'my_utid', refresh_token: 'this is a rt' }),
    });
    return pca(clientId, 'common', new ScriptedHttpClient({ post }), { tokenCache: cache });
  }

  it('test_fresh_token_should_be_returned_from_cache', async () => {
    const accessToken = 'An access token prepopulated into cache';
    const result = await app(noIo, { access_token: accessToken, expires_in: 900, refresh_in: 450 }).acquireTokenSilent(['s1'], account);
    expect(result?.token_source).toBe('cache');
    expect(result?.access_token).toBe(accessToken);
    expect(result).not.toHaveProperty('refresh_in'); // Customers need not know refresh_in
    expectRefreshOn(result, 450);
  });

  it('test_aging_token_and_available_aad_should_return_new_token', async () => {
    const post: Handler = (r) => {
      expect(header(r.headers, CURRENT_TELEMETRY_HEADER)).toBe('4|84,4|');
      return ok({ access_token: 'new AT', refresh_in: 123 });
    };
    const result = await app(post, { access_token: 'old AT', expires_in: 3599, refresh_in: -1 }).acquireTokenSilent(['s1'], account);
    expect(result?.token_source).toBe('identity_provider');
    expect(result?.access_token).toBe('new AT');
    expect(result).not.toHaveProperty('refresh_in');
    expectRefreshOn(result, 123);
  });

  it('test_aging_token_and_unavailable_aad_should_return_old_token', async () => {
    const post: Handler = (r) => {
      expect(header(r.headers, CURRENT_TELEMETRY_HEADER)).toBe('4|84,4|');
      return minimalResponse(400, { error: 'foo' });
    };
    const result = await app(post, { access_token: 'old AT', expires_in: 3599, refresh_in: -1 }).acquireTokenSilent(['s1'], account);
    expect(result?.token_source).toBe('cache');
    expect(result?.access_token).toBe('old AT');
    expectRefreshOn(result, -1);
  });

  it('test_expired_token_and_unavailable_aad_should_return_error', async () => {
    const post: Handler = (r) => {
      expect(header(r.headers, CURRENT_TELEMETRY_HEADER)).toBe('4|84,3|');
      return minimalResponse(400, { error: 'something went wrong' });
    };
    const result = (await app(post, { access_token: 'expired at', expires_in: soon, refresh_in: -900 }).acquireTokenSilentWithError(['s1'], account)) as ErrorResult;
    expect(result.error).toBe('something went wrong'); // Error should be returned
  });

  it('test_expired_token_and_available_aad_should_return_new_token', async () => {
    const post: Handler = (r) => {
      expect(header(r.headers, CURRENT_TELEMETRY_HEADER)).toBe('4|84,3|');
      return ok({ access_token: 'new AT', refresh_in: 123 });
    };
    const result = await app(post, { access_token: 'expired at', expires_in: soon, refresh_in: -900 }).acquireTokenSilent(['s1'], account);
    expect(result?.token_source).toBe('identity_provider');
    expect(result?.access_token).toBe('new AT');
    expect(result).not.toHaveProperty('refresh_in');
    expectRefreshOn(result, 123);
  });
});

describe('TestTelemetryMaintainingOfflineState', () => {
  it('test_maintaining_offline_state_and_sending_them', async () => {
    const http = new ScriptedHttpClient({ post: noIo });
    const app = pca('my_app', 'common', http, { tokenCache: new SerializableTokenCache() });
    populate(app.tokenCache, {
      client_id: 'my_app',
      scope: ['s1', 's2'],
      token_endpoint: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
      response: buildResponse({ access_token: 'cached_at', uid: 'my_uid', utid: 'my_utid', refresh_token: 'this is a rt' }),
    });
    const account = asAccount({ home_account_id: 'my_uid.my_utid' });
    const hit = await app.acquireTokenSilent(['s1', 's2'], account);
    expect(hit?.token_source).toBe('cache');
    expect(hit?.access_token).toBe('cached_at');

    const expectHeaders = (current: string, last: string, reply: ReturnType<Handler>) => {
      http.post = (r) => {
        expect(header(r.headers, CURRENT_TELEMETRY_HEADER)).toBe(current);
        expect(header(r.headers, LAST_TELEMETRY_HEADER)).toBe(last);
        return reply;
      };
    };
    const deviceFlow = (extra: Record<string, unknown> = {}) => ({ device_code: '123', ...extra }) as unknown as DeviceFlow;
    const idKey = PublicClientApplication.DEVICE_FLOW_CORRELATION_ID;

    expectHeaders('4|622,0|', '4|1|||', minimalResponse(400, { error: 'error_1' })); // The previous cache hit counts as one success
    expect(((await app.acquireTokenByDeviceFlow(deviceFlow({ [idKey]: 'id_1' }))) as ErrorResult).error).toBe('error_1');

    expectHeaders('4|622,0|', '4|1|622,id_1|error_1|', minimalResponse(400, { error: 'error_2' }));
    expect(((await app.acquireTokenByDeviceFlow(deviceFlow({ [idKey]: 'id_2' }))) as ErrorResult).error).toBe('error_2');

    const at = 'ensures the successful path (which includes the mock) been used';
    expectHeaders('4|622,0|', '4|1|622,id_1,622,id_2|error_1,error_2|', ok({ access_token: at }));
    let result = (await app.acquireTokenByDeviceFlow(deviceFlow())) as TokenResult;
    expect(result.token_source).toBe('identity_provider');
    expect(result.access_token).toBe(at);

    expectHeaders('4|622,0|', '4|0|||', ok({ access_token: at })); // The previous success resets all offline telemetry counters
    result = (await app.acquireTokenByDeviceFlow(deviceFlow())) as TokenResult;
    expect(result.token_source).toBe('identity_provider');
    expect(result.access_token).toBe(at);
  });
});

function telemetryPost(expectedCurrent: string, body: unknown = { access_token: 'this is an access token' }): Handler {
  return (r) => {
    expect(header(r.headers, CURRENT_TELEMETRY_HEADER)).toBe(expectedCurrent);
    return ok(body);
  };
}

/** The reference's two closing assertions of its telemetry tests: a new token, from the identity provider. */
function expectIssued(result: unknown, accessToken = 'this is an access token'): void {
  expect((result as TokenResult).token_source).toBe('identity_provider');
  expect((result as TokenResult).access_token).toBe(accessToken);
}

describe('TestTelemetryOnClientApplication', () => {
  it('test_acquire_token_by_auth_code_flow', async () => {
    const app = pca('client_id', 'common', new ScriptedHttpClient({ post: telemetryPost('4|832,0|') }));
    // A partial flow, as the reference's test hands in: only state and code_verifier.
    const flow = { state: 'foo', code_verifier: 'bar' } as unknown as AuthCodeFlow;
    expectIssued(await app.acquireTokenByAuthCodeFlow(flow, { state: 'foo', code: '012' }));
  });

  it('test_acquire_token_by_refresh_token', async () => {
    const app = pca('client_id', 'common', new ScriptedHttpClient({ post: telemetryPost('4|85,1|') }));
    expectIssued(await app.acquireTokenByRefreshToken('rt', ['s']));
  });
});

describe('TestTelemetryOnPublicClientApplication', () => {
  it('test_acquire_token_by_device_flow', async () => {
    const app = pca('client_id', 'common', new ScriptedHttpClient({ post: telemetryPost('4|622,0|') }));
    expectIssued(await app.acquireTokenByDeviceFlow({ device_code: '123' } as unknown as DeviceFlow));
  });

  it('test_acquire_token_by_username_password', async () => {
    const app = pca('client_id', 'common', new ScriptedHttpClient({ post: telemetryPost('4|301,0|'), get: managedRealm }));
    expectIssued(await app.acquireTokenByUsernamePassword('username', 'password', ['scope']));
  });
});

describe('TestTelemetryOnConfidentialClientApplication', () => {
  it('test_acquire_token_for_client', async () => {
    const http = new ScriptedHttpClient({ post: telemetryPost('4|730,2|', { access_token: 'AT 1', expires_in: 0 }) });
    const app = cca('client_id', 'common', http);
    let result = (await app.acquireTokenForClient(['scope'])) as TokenResult;
    expect(result.token_source).toBe('identity_provider');
    expect(result.access_token).toBe('AT 1'); // Shall get a new token

    http.post = telemetryPost('4|730,3|', { access_token: 'AT 2', expires_in: 3600, refresh_in: -100 });
    result = (await app.acquireTokenForClient(['scope'])) as TokenResult;
    expect(result.token_source).toBe('identity_provider');
    expect(result.access_token).toBe('AT 2'); // Shall get a new token

    let called = false;
    http.post = (r) => {
      called = true;
      expect(header(r.headers, CURRENT_TELEMETRY_HEADER)).toBe('4|730,4|');
      return minimalResponse(400, { error: 'foo' });
    };
    result = (await app.acquireTokenForClient(['scope'])) as TokenResult;
    expect(called).toBe(true);
    expect(result.token_source).toBe('cache');
    expect(result.access_token).toBe('AT 2'); // Shall get aging token
  });

  it('test_acquire_token_on_behalf_of', async () => {
    const app = cca('client_id', 'common', new ScriptedHttpClient({ post: telemetryPost('4|523,0|') }));
    expectIssued(await app.acquireTokenOnBehalfOf('assertion', ['s']));
  });
});

describe('TestClientApplicationWillGroupAccounts', () => {
  it('test_get_accounts', async () => {
    const clientId = 'my_app';
    const environment = 'login.microsoftonline.com';
    const cache = new SerializableTokenCache();
    for (const tenant of ['contoso', 'fabrikam']) {
      populate(cache, {
        client_id: clientId,
        scope: ['scope_1', 'scope_2'],
        token_endpoint: `https://${environment}/${tenant}/oauth2/v2.0/token`,
        response: buildResponse({
          uid: 'home_oid',
          utid: 'home_tenant_guid',
          access_token: 'at',
          refresh_token: 'rt',
          id_token: buildIdToken({ aud: clientId, sub: `oid_in_${tenant}`, preferred_username: 'Jane Doe' }),
        }),
      });
    }
    const accounts = await pca(clientId, 'common', new ScriptedHttpClient(), { tokenCache: cache }).getAccounts();
    expect(accounts).toHaveLength(1); // Should return one grouped account
    const account = accounts[0]!;
    expect(account.home_account_id).toBe('home_oid.home_tenant_guid');
    expect(account.environment).toBe(environment);
    expect(account.username).toBe('Jane Doe');
    expect(account).toHaveProperty('authority_type'); // Backward compatibility
    expect(account).toHaveProperty('local_account_id');
    expect(account).toHaveProperty('realm');
  });
});

/** The reference raises a DeprecationWarning; ours logs a warning (see the README's differences). */
describe('TestClientCredentialGrant', () => {
  async function certainAuthorityShouldEmitWarning(tenant: string): Promise<void> {
    const { logs, logger } = collectLogs();
    const app = cca('client_id', tenant, new ScriptedHttpClient({ post: () => ok({ access_token: 'an AT' }) }), { logger });
    await app.acquireTokenForClient(['scope']);
    expect(logs.filter(([level, m]) => level === 'warning' && m.includes(`/${tenant}`))).toHaveLength(1);
  }

  it('test_common_authority_should_emit_warning', () => certainAuthorityShouldEmitWarning('common'));

  it('test_organizations_authority_should_emit_warning', () => certainAuthorityShouldEmitWarning('organizations'));
});

describe('TestClientAssertionCallback', () => {
  const tenant = 'my_tenant';
  const capturing = (captured: Array<Record<string, string>>) =>
    new ScriptedHttpClient({
      post: (r) => {
        captured.push(r.data);
        return ok({ access_token: 'an AT', expires_in: 3600 });
      },
    });
  const withAssertion = (clientAssertion: unknown, http: ScriptedHttpClient, extra: Record<string, unknown> = {}) =>
    new ConfidentialClientApplication({ clientId: 'client_id', clientCredential: { clientAssertion } as never, ...offlineEntra(tenant), httpClient: http, ...extra });

  it('test_callable_client_assertion_is_invoked_per_request', async () => {
    let n = 0;
    const captured: Array<Record<string, string>> = [];
    const app = withAssertion(() => `assertion-${++n}`, capturing(captured));
    await app.acquireTokenForClient(['s1']);
    await app.acquireTokenForClient(['s2']);
    expect(n).toBe(2); // Callable should be called per request
    expect(captured[0]?.['client_assertion']).toBe('assertion-1');
    expect(captured[1]?.['client_assertion']).toBe('assertion-2');
    expect(captured[0]?.['client_assertion_type']).toBe(JWT_BEARER);
  });

  it('test_autorefresher_caches_assertion', async () => {
    let n = 0;
    const captured: Array<Record<string, string>> = [];
    const refresher = new AutoRefresher(
      () => {
        n += 1;
        return 'static-assertion';
      },
      { expiresInSeconds: 3600 },
    );
    const app = withAssertion(refresher, capturing(captured));
    await app.acquireTokenForClient(['s1']);
    await app.acquireTokenForClient(['s2']);
    expect(n).toBe(1); // AutoRefresher should reuse the assertion within its lifetime
    expect(captured.map((d) => d['client_assertion'])).toEqual(['static-assertion', 'static-assertion']);
  });

  it('test_string_client_assertion_still_works_for_backward_compat', async () => {
    const captured: Array<Record<string, string>> = [];
    const result = (await withAssertion('static-jwt', capturing(captured)).acquireTokenForClient(['s'])) as TokenResult;
    expect(result.access_token).toBe('an AT');
    expect(captured[0]?.['client_assertion']).toBe('static-jwt');
  });

  it('test_string_client_assertion_emits_deprecation_warning', () => {
    const { logs, logger } = collectLogs();
    withAssertion('static-jwt', new ScriptedHttpClient(), { logger });
    expect(logs.filter(([level, m]) => level === 'warning' && m.includes('clientAssertion'))).toHaveLength(1);
  });

  it('test_callable_client_assertion_does_not_emit_deprecation_warning', () => {
    const { logs, logger } = collectLogs();
    withAssertion(() => 'x', new ScriptedHttpClient(), { logger });
    expect(logs.filter(([level, m]) => level === 'warning' && m.includes('clientAssertion'))).toEqual([]);
  });
});

describe('TestAcquireTokenForClientWithFmiPath', () => {
  const app = (http = new ScriptedHttpClient()) => cca('client_id', 'my_tenant', http);
  const capture = (into: Record<string, string>, accessToken = 'an AT') =>
    new ScriptedHttpClient({
      post: (r) => {
        Object.assign(into, r.data);
        return ok({ access_token: accessToken, expires_in: 3600 });
      },
    });

  it('test_fmi_path_rejects_non_string_types', async () => {
    const subject = app();
    for (const bad of [123, true, ['path'], { path: 'value' }, Buffer.from('bytes')]) {
      await expect(subject.acquireTokenForClient(['scope'], { fmiPath: bad as never }), `fmiPath=${String(bad)} should throw`).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
    }
  });

  it('test_fmi_path_is_included_in_request_body', async () => {
    const captured: Record<string, string> = {};
    const result = await app(capture(captured)).acquireTokenForClient(['scope'], { fmiPath: 'SomeFmiPath/FmiCredentialPath' });
    expect(result).toHaveProperty('access_token');
    expect(captured).toHaveProperty('fmi_path'); // fmi_path should be present in the HTTP request body
    expect(captured['fmi_path']).toBe('SomeFmiPath/FmiCredentialPath');
  });

  it('test_fmi_path_coexists_with_other_data', async () => {
    const captured: Record<string, string> = {};
    const result = await app(capture(captured)).acquireTokenForClient(['scope'], { fmiPath: 'another/fmi/path' });
    expect(result).toHaveProperty('access_token');
    expect(captured['fmi_path']).toBe('another/fmi/path');
    expect(captured['grant_type']).toBe('client_credentials');
  });

  it('test_fmi_path_preserves_existing_data_params', async () => {
    const captured: Record<string, string> = {};
    const result = await app(capture(captured)).acquireTokenForClient(['scope'], { fmiPath: 'my/fmi/path', data: { extra_key: 'extra_value' } });
    expect(result).toHaveProperty('access_token');
    expect(captured['fmi_path']).toBe('my/fmi/path');
    expect(captured['extra_key']).toBe('extra_value'); // Pre-existing data params should be preserved
  });

  it('test_cached_token_is_returned_on_second_call', async () => {
    let calls = 0;
    const http = new ScriptedHttpClient({
      post: () => {
        calls += 1;
        return ok({ access_token: 'an AT', expires_in: 3600 });
      },
    });
    const subject = app(http);
    const result1 = (await subject.acquireTokenForClient(['scope'], { fmiPath: 'SomeFmiPath/FmiCredentialPath' })) as TokenResult;
    expect(result1.token_source).toBe('identity_provider');
    const result2 = (await subject.acquireTokenForClient(['scope'], { fmiPath: 'SomeFmiPath/FmiCredentialPath' })) as TokenResult;
    expect(result2.token_source).toBe('cache'); // Second call should return token from cache
    expect(calls).toBe(1);
  });

  it('test_different_fmi_paths_are_cached_separately', async () => {
    const http = new ScriptedHttpClient();
    const subject = app(http);
    const replying = (token: string): Handler => () => ok({ access_token: token, expires_in: 3600 });
    http.post = replying('AT_for_path_A');
    const resultA = (await subject.acquireTokenForClient(['scope'], { fmiPath: 'PathA/credential' })) as TokenResult;
    expect(resultA.access_token).toBe('AT_for_path_A');
    http.post = replying('AT_for_path_B');
    const resultB = (await subject.acquireTokenForClient(['scope'], { fmiPath: 'PathB/credential' })) as TokenResult;
    expect(resultB.access_token).toBe('AT_for_path_B');
    expect(resultB.token_source).toBe('identity_provider'); // Different FMI path should NOT return a cached token from another path
    http.post = replying('should_not_be_used');
    const resultA2 = (await subject.acquireTokenForClient(['scope'], { fmiPath: 'PathA/credential' })) as TokenResult;
    expect(resultA2.access_token).toBe('AT_for_path_A');
    expect(resultA2.token_source).toBe('cache'); // Same FMI path should return cached token
  });

  it('test_fmi_token_does_not_interfere_with_non_fmi_token', async () => {
    const http = new ScriptedHttpClient({ post: () => ok({ access_token: 'FMI_AT', expires_in: 3600 }) });
    const subject = app(http);
    await subject.acquireTokenForClient(['scope'], { fmiPath: 'some/fmi/path' });
    http.post = () => ok({ access_token: 'regular_AT', expires_in: 3600 });
    const result = (await subject.acquireTokenForClient(['scope'])) as TokenResult;
    expect(result.access_token).toBe('regular_AT');
    expect(result.token_source).toBe('identity_provider'); // Non-FMI call should not return FMI-cached token
  });
});

describe('TestRemoveTokensForClient', () => {
  it('test_remove_tokens_for_client_should_remove_client_tokens_only', async () => {
    const http = new ScriptedHttpClient({ post: () => ok({ access_token: 'AT for client' }), get: managedRealm });
    const app = cca('client_id', 'microsoft.onmicrosoft.com', http);
    const cache = app.tokenCache as SerializableTokenCache;
    expect(search(cache, 'AccessToken')).toEqual([]);
    await app.acquireTokenForClient(['scope']);
    expect(search(cache, 'AccessToken')).toHaveLength(1);
    http.post = () => ok(buildResponse({ access_token: 'AT for user', expires_in: 3600, uid: 'uid', utid: 'utid' }));
    await app.acquireTokenByUsernamePassword('johndoe', 'password', ['scope']);
    expect(search(cache, 'AccessToken')).toHaveLength(2);
    await app.removeTokensForClient();
    const remaining = search(cache, 'AccessToken');
    expect(remaining).toHaveLength(1);
    expect(remaining[0]?.['secret']).toBe('AT for user');
  });
});

/** The reference's private _decorate_scope; ours is decorateScopes() in lib/oauth2/scopes.ts. */
describe('TestScopeDecoration', () => {
  function clientIdShouldBeAValidScope(clientId: string, otherScopes: string[]): void {
    const reserved = ['openid', 'profile', 'offline_access'];
    const scopesToUse = [clientId, ...otherScopes];
    // Scope decoration should return input scopes plus reserved scopes
    expect(new Set(decorateScopes(scopesToUse, { clientId }))).toEqual(new Set([...scopesToUse, ...reserved]));
  }

  it('test_client_id_should_be_a_valid_scope', () => {
    clientIdShouldBeAValidScope('client_id', []);
    clientIdShouldBeAValidScope('client_id', ['foo']);
  });
});

/** The reference patches sys.platform to darwin; ours gives the app a native broker client that believes it runs on macOS. */
const onMac = () => ({ brokerClient: new NativeBrokerClient({ platform: 'mac' }) });

describe('TestMsalBehaviorWithoutPyMsalRuntimeOrBroker', () => {
  const notInstalled = { available: false, reason: 'addon_missing', message: 'The brokerbridge native addon cannot be loaded' };
  const macApp = (extra: Record<string, unknown> = {}) =>
    new PublicClientApplication({ clientId: 'client_id', ...offlineEntra('common'), httpClient: new ScriptedHttpClient(), ...extra, ...onMac() });

  it('test_broker_should_be_disabled_by_default', async () => {
    brokerLoader.status = notInstalled;
    expect((await macApp().isBrokerAvailable()).available).toBe(false);
  });

  it('test_opt_in_should_error_out_when_pymsalruntime_not_installed', async () => {
    // The reference raises ImportError from the constructor; ours loads the optional addon lazily
    // and says why it is unavailable (see the README's differences).
    brokerLoader.status = notInstalled;
    expect(await macApp({ enableBrokerOnMac: true }).isBrokerAvailable()).toEqual({ available: false, reason: expect.stringMatching(/^addon_missing: /) });
  });

  it('test_should_fallback_when_pymsalruntime_failed_to_initialize_broker', async () => {
    const runtime = new FakeBrokerRuntime();
    runtime.startupError = new Error('PyMsalRuntime raises RuntimeError when broker initialization failed');
    brokerLoader.status = { available: true, runtime, runtimePath: '/fake/libmsalruntime.so' };
    expect(await macApp({ enableBrokerOnMac: true }).isBrokerAvailable()).toEqual({ available: false, reason: expect.stringMatching(/^startup_failed: /) });
  });
});

describe('TestBrokerFallbackWithDifferentAuthorities', () => {
  const installed = () => {
    const runtime = new FakeBrokerRuntime();
    brokerLoader.status = { available: true, runtime, runtimePath: '/fake/libmsalruntime.so' };
    return runtime;
  };
  const enabled = async (options: Record<string, unknown>) => {
    installed();
    return (await new PublicClientApplication({ clientId: 'client_id', httpClient: new ScriptedHttpClient(), ...options, ...onMac() }).isBrokerAvailable()).available;
  };

  it('test_broker_should_be_disabled_by_default', async () => {
    expect(await enabled({ ...offlineEntra('common') })).toBe(false);
  });

  it('test_broker_should_be_enabled_when_opted_in', async () => {
    expect(await enabled({ ...offlineEntra('common'), enableBrokerOnMac: true })).toBe(true);
  });

  it('test_should_fallback_to_non_broker_when_using_adfs', async () => {
    expect(await enabled({ authority: 'https://contoso.com/adfs', enableBrokerOnMac: true })).toBe(false);
  });

  it('test_should_fallback_to_non_broker_when_using_b2c', async () => {
    expect(await enabled({ authority: 'https://contoso.b2clogin.com/contoso/policy', enableBrokerOnMac: true })).toBe(false);
  });

  it('test_should_use_broker_when_disabling_instance_discovery', async () => {
    expect(await enabled({ authority: 'https://contoso.com/path', instanceDiscovery: false, enableBrokerOnMac: true })).toBe(true);
  });

  it('test_should_fallback_to_non_broker_when_using_oidc_authority', async () => {
    expect(await enabled({ oidcAuthority: 'https://contoso.com/path', enableBrokerOnMac: true })).toBe(false);
  });

  it('test_app_did_not_register_redirect_uri_should_error_out', async () => {
    const runtime = installed();
    // MSALRuntime no longer surfaces the AADSTS error, only ApiContractViolation.
    runtime.answer = () => brokerFailure(6, '(pii)');
    const app = new PublicClientApplication({ clientId: 'client_id', ...offlineEntra('common'), httpClient: new ScriptedHttpClient(), enableBrokerOnMac: true, ...onMac() });
    expect(await app.isBrokerAvailable()).toEqual({ available: true });
    const result = (await app.acquireTokenInteractive(['scope'], { parentWindowHandle: PublicClientApplication.CONSOLE_WINDOW_HANDLE })) as ErrorResult;
    expect(result.error).toBe('broker_error');
  });
});

describe('MismatchingScopeTestCase', () => {
  it('test_token_should_be_cached_with_response_scope', async () => {
    const http = new ScriptedHttpClient({
      post: () =>
        ok({ access_token: 'AT_with_valid_scope1_valid_scope2_scopes', expires_in: 3600, scope: 'valid_scope1 valid_scope2', token_type: 'Bearer' }),
    });
    const app = cca('client_id', 'common', http);
    const result1 = (await app.acquireTokenForClient(['invalid_scope'])) as TokenResult;
    expect(result1.token_source).toBe('identity_provider');
    expect(result1.access_token).toBe('AT_with_valid_scope1_valid_scope2_scopes');
    expect(result1.scope?.split(' ')).toEqual(['valid_scope1', 'valid_scope2']); // Scope from response

    const result2 = (await app.acquireTokenForClient(['invalid_scope'])) as TokenResult;
    expect(result2.token_source).toBe('identity_provider'); // the cached token's scopes do not cover invalid_scope
    expect(result2.access_token).toBe('AT_with_valid_scope1_valid_scope2_scopes');
    expect(result2.scope?.split(' ')).toEqual(['valid_scope1', 'valid_scope2']);

    http.post = noIo;
    for (const scope of ['valid_scope1', 'valid_scope2']) {
      const result = (await app.acquireTokenForClient([scope])) as TokenResult;
      expect(result.token_source).toBe('cache');
      expect(result.access_token).toBe('AT_with_valid_scope1_valid_scope2_scopes');
      expect(result.scope).toBeUndefined(); // scope field is not returned when token comes from cache
    }
  });
});

function userFicResponse({ uid = 'user_oid', utid = 'tenant_id', accessToken = 'user_at' } = {}): string {
  const t = now();
  const idToken = buildIdToken({
    iss: 'https://login.microsoftonline.com/tenant_id/v2.0',
    sub: 'subject',
    aud: 'agent_app_id',
    exp: t + 3600,
    iat: t,
    oid: uid,
    preferred_username: 'user@contoso.com',
    tid: utid,
  });
  return JSON.stringify({
    ...buildResponse({ uid, utid, access_token: accessToken, expires_in: 3600, token_type: 'Bearer' }),
    id_token: idToken,
    refresh_token: 'a_refresh_token',
  });
}

const ficApp = (http: ScriptedHttpClient) => cca('agent_app_id', 'my_tenant', http);
const ficCapture = (seen: SeenRequest[], reply = () => userFicResponse()) =>
  new ScriptedHttpClient({
    post: (r) => {
      seen.push(r);
      return minimalResponse(200, reply());
    },
  });

describe('TestUserFicProtocol', () => {
  it('test_sends_correct_grant_type_and_params', async () => {
    const seen: SeenRequest[] = [];
    const result = await ficApp(ficCapture(seen)).acquireTokenByUserFederatedIdentityCredential(['https://graph.microsoft.com/.default'], 'instance_token_t2', {
      username: 'user@contoso.com',
    });
    expect(result).toHaveProperty('access_token');
    const data = seen[0]!.data;
    expect(data['grant_type']).toBe('user_fic');
    expect(data['user_federated_identity_credential']).toBe('instance_token_t2');
    expect(data['client_info']).toBe('1');
    expect(data['client_id']).toBe('agent_app_id');
  });

  it('test_scope_includes_oidc_scopes', async () => {
    const seen: SeenRequest[] = [];
    await ficApp(ficCapture(seen)).acquireTokenByUserFederatedIdentityCredential(['https://graph.microsoft.com/.default'], 't2', { username: 'user@contoso.com' });
    const scope = seen[0]!.data['scope'] ?? '';
    for (const oidcScope of ['openid', 'offline_access', 'profile']) expect(scope, `OIDC scope '${oidcScope}' should be present`).toContain(oidcScope);
  });

  it('test_with_username_sends_username_not_user_id', async () => {
    const seen: SeenRequest[] = [];
    await ficApp(ficCapture(seen)).acquireTokenByUserFederatedIdentityCredential(['scope'], 't2', { username: 'user@contoso.com' });
    expect(seen[0]!.data['username']).toBe('user@contoso.com');
    expect(seen[0]!.data).not.toHaveProperty('user_id'); // user_id should NOT be in body when username is provided
  });

  it('test_with_oid_sends_user_id_not_username', async () => {
    const seen: SeenRequest[] = [];
    await ficApp(ficCapture(seen)).acquireTokenByUserFederatedIdentityCredential(['scope'], 't2', { userObjectId: '00000000-0000-0000-0000-000000000001' });
    expect(seen[0]!.data['user_id']).toBe('00000000-0000-0000-0000-000000000001');
    expect(seen[0]!.data).not.toHaveProperty('username'); // username should NOT be in body when user_object_id is provided
  });

  it('test_ccs_routing_header_with_username', async () => {
    const seen: SeenRequest[] = [];
    await ficApp(ficCapture(seen)).acquireTokenByUserFederatedIdentityCredential(['scope'], 't2', { username: 'user@contoso.com' });
    // CCS routing header should use UPN format for username path
    expect(header(seen[0]!.headers, 'X-AnchorMailbox')).toBe('upn:user@contoso.com');
  });

  it('test_ccs_routing_header_with_oid', async () => {
    const seen: SeenRequest[] = [];
    await ficApp(ficCapture(seen)).acquireTokenByUserFederatedIdentityCredential(['scope'], 't2', { userObjectId: 'user_oid_123' });
    const anchor = header(seen[0]!.headers, 'X-AnchorMailbox');
    expect(anchor).toBeDefined(); // CCS routing header should be present for OID path
    expect(anchor?.startsWith('Oid:')).toBe(true); // CCS routing header should use Oid format for user_object_id path
  });
});

describe('TestUserFicCacheBehavior', () => {
  const graph = ['https://graph.microsoft.com/.default'];

  it('test_token_stored_in_user_cache_with_account', async () => {
    const app = ficApp(ficCapture([], () => userFicResponse({ uid: 'user_oid', utid: 'tenant_id', accessToken: 'fic_at' })));
    expect(await app.acquireTokenByUserFederatedIdentityCredential(graph, 't2', { username: 'user@contoso.com' })).toHaveProperty('access_token');
    const accounts = await app.getAccounts();
    expect(accounts.length).toBeGreaterThan(0); // Account should be created from user_fic response
    expect(accounts[0]!.home_account_id).toBe('user_oid.tenant_id');
  });

  it('test_token_not_stored_as_atext', async () => {
    const app = ficApp(ficCapture([]));
    await app.acquireTokenByUserFederatedIdentityCredential(graph, 't2', { username: 'user@contoso.com' });
    const ats = search(app.tokenCache as SerializableTokenCache, 'AccessToken');
    expect(ats.length).toBeGreaterThan(0); // AT should be cached
    expect(ats[0]).not.toHaveProperty('ext_cache_key'); // user_fic tokens should NOT have ext_cache_key
  });

  it('test_acquire_token_silent_returns_cached_fic_token', async () => {
    const http = ficCapture([], () => userFicResponse({ uid: 'user_oid', utid: 'tenant_id', accessToken: 'cached_fic_at' }));
    const app = ficApp(http);
    await app.acquireTokenByUserFederatedIdentityCredential(graph, 't2', { username: 'user@contoso.com' });
    const accounts = await app.getAccounts();
    expect(accounts.length).toBeGreaterThan(0);
    http.post = noIo; // Silent call should return cached token without hitting network
    const silent = await app.acquireTokenSilent(graph, accounts[0]);
    expect(silent).toHaveProperty('access_token');
    expect(silent?.access_token).toBe('cached_fic_at');
  });

  it('test_oid_path_token_stored_and_retrievable_via_silent', async () => {
    const http = ficCapture([], () => userFicResponse({ uid: 'user_oid', utid: 'tenant_id', accessToken: 'oid_fic_at' }));
    const app = ficApp(http);
    expect(await app.acquireTokenByUserFederatedIdentityCredential(graph, 't2', { userObjectId: 'user_oid' })).toHaveProperty('access_token');
    const ats = search(app.tokenCache as SerializableTokenCache, 'AccessToken');
    expect(ats.length).toBeGreaterThan(0);
    expect(ats[0]).not.toHaveProperty('ext_cache_key'); // OID-path user_fic tokens should NOT have ext_cache_key
    const accounts = await app.getAccounts();
    expect(accounts.length).toBeGreaterThan(0);
    http.post = noIo;
    const silent = await app.acquireTokenSilent(graph, accounts[0]);
    expect(silent?.access_token).toBe('oid_fic_at');
  });

  it('test_account_source_is_set_to_user_fic', async () => {
    const app = ficApp(ficCapture([], () => userFicResponse({ uid: 'user_oid', utid: 'tenant_id' })));
    await app.acquireTokenByUserFederatedIdentityCredential(graph, 't2', { username: 'user@contoso.com' });
    const accounts = await app.getAccounts();
    expect(accounts.length).toBeGreaterThan(0);
    // FIC accounts should have account_source='user_fic' to avoid broker path misrouting
    expect(accounts[0]!.account_source).toBe('user_fic');
  });
});

/** The reference raises ValueError; ours rejects with InvalidArgumentError (see the README's differences). */
describe('TestUserFicInputValidation', () => {
  const app = () => ficApp(new ScriptedHttpClient());

  it('test_empty_assertion_raises', async () => {
    await expect(app().acquireTokenByUserFederatedIdentityCredential(['scope'], '', { username: 'user@contoso.com' })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('test_none_assertion_raises', async () => {
    await expect(app().acquireTokenByUserFederatedIdentityCredential(['scope'], null as never, { username: 'user@contoso.com' })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });

  it('test_no_user_identifier_raises', async () => {
    await expect(app().acquireTokenByUserFederatedIdentityCredential(['scope'], 't2', {})).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('test_both_user_identifiers_raises', async () => {
    await expect(
      app().acquireTokenByUserFederatedIdentityCredential(['scope'], 't2', { username: 'user@contoso.com', userObjectId: 'oid-123' }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('test_reserved_scopes_rejected', async () => {
    await expect(app().acquireTokenByUserFederatedIdentityCredential(['openid'], 't2', { username: 'user@contoso.com' })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });
});

/**
 * The reference passes a callback that takes an argument a context dict with
 * client_id, token_endpoint and fmi_path; ours passes { clientId, tokenEndpoint, fmiPath }.
 */
describe('TestAssertionCallbackContext', () => {
  const replying = () => new ScriptedHttpClient({ post: () => ok({ access_token: 'an_at', expires_in: 3600 }) });
  const withCallback = (clientAssertion: unknown, http = replying()) =>
    new ConfidentialClientApplication({ clientId: 'client_id', clientCredential: { clientAssertion } as never, ...offlineEntra('my_tenant'), httpClient: http });

  it('test_context_aware_callback_receives_fmi_path', async () => {
    const received: Record<string, unknown> = {};
    await withCallback((context: Record<string, unknown>) => {
      Object.assign(received, context);
      return 'assertion_value';
    }).acquireTokenForClient(['scope'], { fmiPath: 'agent_app_123' });
    expect(received['clientId']).toBe('client_id');
    expect(received).toHaveProperty('tokenEndpoint');
    expect(received['fmiPath']).toBe('agent_app_123');
  });

  it('test_context_aware_callback_omits_fmi_path_when_not_set', async () => {
    const received: Record<string, unknown> = {};
    await withCallback((context: Record<string, unknown>) => {
      Object.assign(received, context);
      return 'assertion_value';
    }).acquireTokenForClient(['scope']);
    expect(received['clientId']).toBe('client_id');
    expect(received).not.toHaveProperty('fmiPath');
  });

  it('test_legacy_zero_arg_callback_still_works', async () => {
    let calls = 0;
    const result = await withCallback(() => {
      calls += 1;
      return 'legacy_assertion';
    }).acquireTokenForClient(['scope']);
    expect(result).toHaveProperty('access_token');
    expect(calls).toBe(1); // Legacy callback should be invoked once
  });

  it('test_context_callback_type_error_not_swallowed', async () => {
    const buggy = (_context: unknown): string => {
      throw new TypeError('Bug inside callback');
    };
    await expect(withCallback(buggy).acquireTokenForClient(['scope'])).rejects.toBeInstanceOf(TypeError); // Internal TypeError should propagate
  });

  it('test_lambda_with_defaulted_param_treated_as_zero_arg', async () => {
    // A callback whose parameters all have defaults takes no context (Function.length is 0, as Python's arity check).
    const capturedValue = 'my_assertion_value';
    const seen: SeenRequest[] = [];
    const http = new ScriptedHttpClient({
      post: (r) => {
        seen.push(r);
        return ok({ access_token: 'an_at', expires_in: 3600 });
      },
    });
    const result = await withCallback((token: unknown = capturedValue) => token, http).acquireTokenForClient(['scope']);
    expect(result).toHaveProperty('access_token');
    // The assertion should be the string value, not a context object
    expect(seen[0]!.data['client_assertion']).toBe(capturedValue);
  });
});

/*
 * Items of issue 10 that no upstream test covers directly; each asserts the
 * reference's behaviour (msal/application.py, token_cache.py, oidc.py).
 */
describe('Reference behaviours without an upstream test', () => {
  const cachedUser = (post: Handler, { expiresIn = 3599, refreshIn = -1 } = {}) => {
    const cache = new SerializableTokenCache();
    populate(cache, {
      client_id: 'my_app',
      scope: ['s1'],
      token_endpoint: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
      response: buildResponse({ access_token: 'old AT', expires_in: expiresIn, refresh_in: refreshIn, uid: 'my_uid', utid: 'my_utid', refresh_token: 'rt' }),
    });
    return pca('my_app', 'common', new ScriptedHttpClient({ post }), { tokenCache: cache });
  };
  const account = asAccount({ home_account_id: 'my_uid.my_utid' });

  describe('the silent path serves an aging token only after transport failures', () => {
    it('network errors, timeouts and 5xx replies fall back to the aging token', async () => {
      for (const failure of [
        () => {
          throw new NetworkError('connection refused');
        },
        () => {
          throw new TimeoutError('timed out');
        },
        () => minimalResponse(503, '<html>Service Unavailable</html>'),
      ] satisfies Handler[]) {
        const result = await cachedUser(failure).acquireTokenSilentWithError(['s1'], account);
        expect(result).toMatchObject({ access_token: 'old AT', token_source: 'cache' });
      }
    });

    it('a malformed reply is thrown, not hidden behind the aging token', async () => {
      await expect(cachedUser(() => ok('not json')).acquireTokenSilentWithError(['s1'], account)).rejects.toBeInstanceOf(MalformedResponseError);
    });

    it('an invalid ID token in the refreshed reply is thrown, not hidden behind the aging token', async () => {
      const post: Handler = () => ok({ access_token: 'new AT', id_token: buildIdToken({ aud: 'someone else' }) });
      await expect(cachedUser(post).acquireTokenSilentWithError(['s1'], account)).rejects.toBeInstanceOf(IdTokenError);
    });

    it('bad arguments are thrown, not hidden behind the aging token', async () => {
      // A reserved scope is refused when the refresh decorates the scopes, after the aging AT was found.
      const cache = new SerializableTokenCache();
      populate(cache, {
        client_id: 'my_app',
        scope: ['s1', 'openid'],
        token_endpoint: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
        response: buildResponse({ access_token: 'old AT', expires_in: 3599, refresh_in: -1, uid: 'my_uid', utid: 'my_utid', refresh_token: 'rt' }),
      });
      const app = pca('my_app', 'common', new ScriptedHttpClient({ post: noIo }), { tokenCache: cache });
      await expect(app.acquireTokenSilentWithError(['s1', 'openid'], account)).rejects.toBeInstanceOf(InvalidArgumentError);
    });

    it('an error thrown inside the broker call is thrown, not hidden behind the aging token', async () => {
      const runtime = new FakeBrokerRuntime();
      runtime.answer = () => new RangeError('a bug in the runtime glue');
      brokerLoader.status = { available: true, runtime, runtimePath: '/fake/libmsalruntime.so' };
      const app = new PublicClientApplication(
        { clientId: 'my_app', ...offlineEntra('common'), httpClient: new ScriptedHttpClient({ post: noIo }), enableBrokerOnMac: true, ...onMac() },
      );
      app.tokenCache.add({
        clientId: 'my_app',
        environment: 'login.microsoftonline.com',
        realm: 'common',
        scopes: ['s1'],
        response: buildResponse({ access_token: 'old AT', expires_in: 3599, refresh_in: -1, uid: 'my_uid', utid: 'my_utid' }),
        accountSource: 'broker',
        localAccountId: 'placeholder',
      });
      const [brokerAccount] = await app.getAccounts();
      await expect(app.acquireTokenSilentWithError(['s1'], brokerAccount)).rejects.toBeInstanceOf(RangeError);
      expect(runtime.callsOf('acquireTokenSilently')).toHaveLength(1);
    });
  });

  describe('ID token validation: time claims warn, identity claims fail', () => {
    it('an expired id_token in a fresh reply still signs the user in, with a warning', async () => {
      const { logs, logger } = collectLogs();
      const expired = buildIdToken({ aud: 'client_id', exp: now() - 3600, iat: now() - 7200, iss: 'https://login.microsoftonline.com/utid/v2.0', tid: 'utid' });
      const http = new ScriptedHttpClient({ post: () => ok(buildResponse({ access_token: 'at', uid: 'uid', utid: 'utid', id_token: expired })) });
      const result = (await pca('client_id', 'common', http, { logger }).acquireTokenByRefreshToken('rt', ['s'])) as TokenResult;
      expect(result.access_token).toBe('at');
      expect(result.id_token_claims?.exp).toBeLessThan(now());
      expect(logs.filter(([level, m]) => level === 'warning' && /expired/i.test(m))).toHaveLength(1);
    });

    it('a nonce mismatch stays an error', async () => {
      const http = new ScriptedHttpClient();
      const app = pca('client_id', 'common', http);
      const flow = await app.initiateAuthCodeFlow(['s'], { redirectUri: 'http://localhost' });
      const t = now();
      http.post = () => ok(buildResponse({ access_token: 'at', id_token: buildIdToken({ aud: 'client_id', nonce: 'not ours', iss: 'https://login.microsoftonline.com/utid/v2.0', tid: 'utid', iat: t }) }));
      await expect(app.acquireTokenByAuthCodeFlow(flow, { state: flow.state, code: 'c' })).rejects.toBeInstanceOf(IdTokenError);
    });
  });

  describe('acquireTokenByAuthCodeFlow', () => {
    it('scopes must be a subset of the flow\'s', async () => {
      const app = pca('client_id', 'common', new ScriptedHttpClient({ post: noIo }));
      const flow = await app.initiateAuthCodeFlow(['s1', 's2'], { redirectUri: 'http://localhost' });
      await expect(app.acquireTokenByAuthCodeFlow(flow, { state: flow.state, code: 'c' }, { scopes: ['s3'] })).rejects.toBeInstanceOf(InvalidArgumentError);
    });

    it('a subset of the flow\'s scopes is redeemed', async () => {
      const seen: SeenRequest[] = [];
      const app = pca('client_id', 'common', new ScriptedHttpClient({ post: (r) => (seen.push(r), ok({ access_token: 'at' })) }));
      const flow = await app.initiateAuthCodeFlow(['s1', 's2'], { redirectUri: 'http://localhost' });
      expect(await app.acquireTokenByAuthCodeFlow(flow, { state: flow.state, code: 'c' }, { scopes: ['s2'] })).toHaveProperty('access_token', 'at');
      expect(seen[0]!.data['scope']?.split(' ')).toContain('s2');
      expect(seen[0]!.data['scope']?.split(' ')).not.toContain('s1');
    });
  });

  it('accounts of unknown origin (no account_source) try the broker first; only its success is decisive', async () => {
    const runtime = new FakeBrokerRuntime();
    brokerLoader.status = { available: true, runtime, runtimePath: '/fake/libmsalruntime.so' };
    const http = new ScriptedHttpClient({ post: () => ok({ access_token: 'from the RT' }) });
    const app = new PublicClientApplication({ clientId: 'my_app', ...offlineEntra('common'), httpClient: http, enableBrokerOnMac: true, ...onMac() });
    populate(app.tokenCache, {
      client_id: 'my_app',
      scope: ['s1'],
      token_endpoint: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
      response: buildResponse({ uid: 'my_uid', utid: 'my_utid', refresh_token: 'rt' }), // as an older MSAL wrote it
    });
    const [older] = await app.getAccounts();
    expect(older?.account_source).toBeUndefined();
    runtime.answer = () => brokerAuthResult({ accessToken: 'from the broker', uid: 'my_uid', utid: 'my_utid' });
    expect(await app.acquireTokenSilent(['s1'], older)).toMatchObject({ access_token: 'from the broker', token_source: 'broker' });
    runtime.answer = () => brokerFailure(16, 'account not found'); // AccountNotFound
    expect(await app.acquireTokenSilent(['s1'], older, { forceRefresh: true })).toMatchObject({ access_token: 'from the RT', token_source: 'identity_provider' });
    expect(runtime.callsOf('acquireTokenSilently')).toHaveLength(2);
  });

  it('an ROPC account is named by the username when the reply has no id_token', async () => {
    const http = new ScriptedHttpClient({ post: () => ok(buildResponse({ access_token: 'at', uid: 'uid', utid: 'utid', refresh_token: 'rt' })), get: managedRealm });
    const app = pca('client_id', 'common', http);
    await app.acquireTokenByUsernamePassword('johndoe@contoso.com', 'password', ['s']);
    const [account] = await app.getAccounts();
    expect(account?.username).toBe('johndoe@contoso.com');
  });

  it('account_source names the grant that established the account', async () => {
    const reply = () => ok(buildResponse({ access_token: 'at', uid: 'uid', utid: 'utid', refresh_token: 'rt' }));
    const sourceAfter = async (flow: (app: PublicClientApplication) => Promise<unknown>) => {
      const app = pca('client_id', 'common', new ScriptedHttpClient({ post: reply, get: managedRealm }));
      await flow(app);
      return (await app.getAccounts())[0]?.account_source;
    };
    expect(await sourceAfter((app) => app.acquireTokenByUsernamePassword('u@contoso.com', 'p', ['s']))).toBe('password');
    expect(await sourceAfter((app) => app.acquireTokenByDeviceFlow({ device_code: 'd' } as unknown as DeviceFlow))).toBe(
      'urn:ietf:params:oauth:grant-type:device_code',
    );
    expect(
      await sourceAfter(async (app) => {
        const flow = await app.initiateAuthCodeFlow(['s'], { redirectUri: 'http://localhost' });
        return app.acquireTokenByAuthCodeFlow(flow, { state: flow.state, code: 'c' });
      }),
    ).toBe('authorization_code');
    expect(await sourceAfter((app) => app.acquireTokenByRefreshToken('rt', ['s']))).toBeUndefined();
  });
});
