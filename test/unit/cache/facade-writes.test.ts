/**
 * What the facade writes into the cache, against scripted token endpoints:
 * where a refresh puts its tokens, what a rotated refresh token replaces, and
 * that a sign-out during a refresh stays a sign-out (MSAL Python's behaviour).
 */
import { describe, expect, it } from 'vitest';
import { PublicClientApplication } from '../../../lib/app/public-client-application.js';
import { SerializableTokenCache } from '../../../lib/cache/serializable-token-cache.js';
import { isErrorResult, type TokenResponse } from '../../../lib/oauth2/types.js';
import { minimalResponse, ScriptedHttpClient } from '../../conformance/support/msal-python.js';
import { authorityMetadataFor, instanceDiscoveryMetadata } from '../../support/offline-entra.js';
import { CLIENT_ID, TENANT, homeId, idToken, userResponse } from './fixtures.js';

type Blob = Record<string, Record<string, Record<string, unknown>>>;
const blobOf = (cache: SerializableTokenCache) => JSON.parse(cache.serialize()) as Blob;
const entriesOf = (cache: SerializableTokenCache, section: string) => Object.values(blobOf(cache)[section] ?? {});
const SCOPES = ['User.Read'];

function entraApp(http: ScriptedHttpClient, tokenCache: SerializableTokenCache): PublicClientApplication {
  return new PublicClientApplication({
    clientId: CLIENT_ID,
    authority: `https://login.microsoftonline.com/${TENANT}`,
    authorityMetadata: authorityMetadataFor(TENANT),
    instanceDiscoveryMetadata,
    tokenCache,
    httpClient: http,
  });
}

/** A cache MSAL Python wrote for an app configured with login.microsoftonline.com (not the preferred cache alias). */
function cacheWrittenUnderAuthorityHost(): SerializableTokenCache {
  const cache = new SerializableTokenCache();
  cache.add({ clientId: CLIENT_ID, environment: 'login.microsoftonline.com', realm: TENANT, scopes: [...SCOPES, 'openid', 'profile'], response: userResponse({ accessToken: 'at0', refreshToken: 'rt0' }) });
  return cache;
}

describe('a refresh through the facade', () => {
  it('rotates the cached refresh token in place when the provider sends neither client_info nor an ID token: rt0, rt1, rt2', async () => {
    const issuer = 'https://op.example';
    let current = 'rt0';
    const sent: string[] = [];
    const now = Math.floor(Date.now() / 1000);
    const http = new ScriptedHttpClient({
      get: () => minimalResponse(200, { issuer, authorization_endpoint: `${issuer}/auth`, token_endpoint: `${issuer}/token` }),
      post: ({ data }) => {
        if (data['grant_type'] === 'password') {
          const id = idToken({ iss: issuer, aud: 'oidc-app', sub: 'alice', iat: now, exp: now + 3600, preferred_username: 'alice@op.example' });
          return minimalResponse(200, { access_token: 'signed-in', token_type: 'Bearer', expires_in: 3600, refresh_token: current, id_token: id });
        }
        sent.push(data['refresh_token'] ?? '');
        // A rotating provider: only the newest RT works, and it is replaced by each refresh.
        if (data['refresh_token'] !== current) return minimalResponse(400, { error: 'invalid_grant' });
        current = `rt${Number(current.slice(2)) + 1}`;
        return minimalResponse(200, { access_token: `at-${current}`, token_type: 'Bearer', expires_in: 3600, refresh_token: current });
      },
    });
    const tokenCache = new SerializableTokenCache();
    const app = new PublicClientApplication({ clientId: 'oidc-app', oidcAuthority: issuer, httpClient: http, tokenCache });
    const signIn = await app.acquireTokenByUsernamePassword('alice@op.example', 'pw', ['email']);
    if (isErrorResult(signIn)) throw new Error(signIn.error);
    const [account] = await app.getAccounts();
    expect(account?.home_account_id).toBe('alice');

    for (let i = 0; i < 3; i++) {
      const refreshed = await app.acquireTokenSilentWithError(['email'], account, { forceRefresh: true });
      expect(refreshed && !isErrorResult(refreshed), `refresh ${i + 1}`).toBe(true);
    }
    expect(sent).toEqual(['rt0', 'rt1', 'rt2']);
    expect(entriesOf(tokenCache, 'RefreshToken')).toEqual([expect.objectContaining({ secret: 'rt3', home_account_id: 'alice', client_id: 'oidc-app' })]);
  });

  it('writes its tokens under the host of the refresh token it redeemed, replacing that RT', async () => {
    const tokenCache = cacheWrittenUnderAuthorityHost();
    const http = new ScriptedHttpClient({ post: () => minimalResponse(200, userResponse({ accessToken: 'at1', refreshToken: 'rt1' })) });
    const app = entraApp(http, tokenCache);
    const [account] = await app.getAccounts();
    const refreshed = await app.acquireTokenSilentWithError(SCOPES, account, { forceRefresh: true });
    expect(refreshed).toMatchObject({ access_token: 'at1' });
    expect(http.requests.map((r) => r.data['refresh_token'])).toEqual(['rt0']);

    const blob = blobOf(tokenCache);
    const hosts = new Set(Object.values(blob).flatMap((section) => Object.values(section).map((e) => e['environment'])));
    expect(hosts).toEqual(new Set(['login.microsoftonline.com']));
    expect(Object.values(blob['RefreshToken'] ?? {})).toEqual([expect.objectContaining({ secret: 'rt1' })]);
    // The next silent call serves the new AT from the cache.
    expect(await app.acquireTokenSilent(SCOPES, account)).toMatchObject({ access_token: 'at1', token_source: 'cache' });
  });

  it('a sign-in writes under the authority\'s own host, as MSAL Python does, not the preferred cache alias', async () => {
    const tokenCache = new SerializableTokenCache();
    const http = new ScriptedHttpClient({ post: () => minimalResponse(200, userResponse({ accessToken: 'at', refreshToken: 'rt' })) });
    const app = entraApp(http, tokenCache);
    const result = await app.acquireTokenByAuthorizationCode('code', SCOPES, { redirectUri: 'http://localhost' });
    expect(isErrorResult(result)).toBe(false);
    for (const section of ['AccessToken', 'RefreshToken', 'IdToken', 'Account', 'AppMetadata']) {
      expect(entriesOf(tokenCache, section).map((e) => e['environment']), section).toEqual(['login.microsoftonline.com']);
    }
  });

  it('does not bring back the account that removeAccount() removed while the request was in flight', async () => {
    const tokenCache = cacheWrittenUnderAuthorityHost();
    let arrived!: () => void;
    const requested = new Promise<void>((resolve) => (arrived = resolve));
    let release!: (response: TokenResponse) => void;
    const reply = new Promise<TokenResponse>((resolve) => (release = resolve));
    const http = new ScriptedHttpClient({
      post: async () => {
        arrived();
        return minimalResponse(200, await reply);
      },
    });
    const app = entraApp(http, tokenCache);
    const [account] = await app.getAccounts();
    expect(account?.home_account_id).toBe(homeId());

    const refreshing = app.acquireTokenSilentWithError(SCOPES, account, { forceRefresh: true });
    await requested;
    await app.removeAccount(account!);
    release(userResponse({ accessToken: 'at1', refreshToken: 'rt1' }));
    expect(await refreshing).toMatchObject({ access_token: 'at1' });

    expect(await app.getAccounts()).toEqual([]);
    expect(blobOf(tokenCache)['Account']).toEqual({});
  });
});
