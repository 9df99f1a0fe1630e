import { describe, expect, it } from 'vitest';
import { SerializableTokenCache } from '../../../lib/cache/serializable-token-cache.js';
import { PublicClientApplication } from '../../../lib/app/public-client-application.js';
import { authorityMetadataFor, instanceDiscoveryMetadata } from '../../support/offline-entra.js';
import { ALIASES, CLIENT_ID, ENV, TENANT, homeId, userResponse } from '../../unit/cache/fixtures.js';
import {
  BlobPlugin,
  FakeNetwork,
  NODE_AUTHORITY,
  nodeConfidentialApp,
  nodePublicApp,
  runMsalPython,
} from './interop-support.js';

const SCOPES = ['User.Read'];
const TOKEN_ENDPOINT = `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`;
const now = () => Math.trunc(Date.now() / 1000);
const hid = homeId();

interface PyRemove {
  after_remove_account: Record<string, string[]>;
  after_remove_at: Record<string, string[]>;
}

interface PyRead {
  msal_version: string;
  accounts: Array<Record<string, string>>;
  accounts_by_username?: Array<Record<string, string>>;
  app_only_ats: string[];
  silent?: { access_token: string; token_type: string } | null;
  posts_after_silent?: number;
  rts_found?: string[];
  refreshed?: { access_token?: string; error?: string; error_description?: string } | null;
  posted_refresh_tokens?: string[];
  refresh_token_entries?: Record<string, string>;
  blob_after_refresh?: string;
  after_remove?: Record<string, string[]>;
}

/** Our facade, offline, over a cache another library wrote: what acquireTokenSilent serves. */
async function servedSilently(cache: SerializableTokenCache): Promise<{ token_source?: string; access_token?: string } | null> {
  const app = new PublicClientApplication({
    clientId: CLIENT_ID,
    authority: `https://login.microsoftonline.com/${TENANT}`,
    authorityMetadata: authorityMetadataFor(TENANT),
    instanceDiscoveryMetadata,
    tokenCache: cache,
    httpClient: { send: () => Promise.reject(new Error('no network in this test')) },
  });
  const [account] = await app.getAccounts();
  return app.acquireTokenSilent(SCOPES, account);
}

/** What our cache holds after a user sign-in and an app-only token, as the facade would add them. */
function ourCache(options: { appOnlyHomeAccountId?: null | '' } = {}): SerializableTokenCache {
  const cache = new SerializableTokenCache(options);
  cache.add({
    clientId: CLIENT_ID,
    environment: ENV,
    realm: TENANT,
    scopes: [...SCOPES, 'profile', 'openid', 'email'],
    response: userResponse({ accessToken: 'our-at', refreshToken: 'our-rt', foci: '1' }),
  });
  cache.add({
    clientId: 'daemon-app',
    environment: ENV,
    realm: TENANT,
    scopes: ['https://graph.microsoft.com/.default'],
    response: { access_token: 'our-app-at', token_type: 'Bearer', expires_in: 3599 },
  });
  return cache;
}

describe('MSAL Python writes, we read', () => {
  it('finds the AT, RT, id token, account and FOCI metadata MSAL Python cached, and app-only tokens with null', async () => {
    const { blob } = runMsalPython<{ blob: string }>('write', {
      events: [
        {
          client_id: CLIENT_ID,
          scope: [...SCOPES, 'profile', 'openid', 'email'],
          token_endpoint: TOKEN_ENDPOINT,
          response: userResponse({ accessToken: 'py-at', refreshToken: 'py-rt', foci: '1', refreshIn: 1800 }),
        },
        {
          client_id: 'daemon-app',
          scope: ['https://graph.microsoft.com/.default'],
          token_endpoint: TOKEN_ENDPOINT,
          response: { access_token: 'py-app-at', token_type: 'Bearer', expires_in: 3599 },
        },
      ],
    });
    const raw = JSON.parse(blob);
    expect(Object.values(raw.AccessToken as Record<string, { home_account_id: unknown }>).some((e) => e.home_account_id === null)).toBe(true);

    const cache = new SerializableTokenCache();
    expect(cache.deserialize(blob).ok).toBe(true);
    const at = cache.findAccessToken({ homeAccountId: hid, environments: ALIASES, clientId: CLIENT_ID, realm: TENANT, scopes: ['user.read', 'openid'] });
    expect(at).toMatchObject({ secret: 'py-at', token_type: 'Bearer' });
    expect(Number(at?.refresh_on)).toBeGreaterThan(now());
    expect(cache.findRefreshTokens({ homeAccountId: hid, environments: ALIASES, familyId: '1' }).map((r) => r.secret)).toEqual(['py-rt']);
    expect(cache.findIdToken({ homeAccountId: hid, environments: ALIASES, clientId: CLIENT_ID, realm: TENANT })).toBeDefined();
    expect(cache.getAppMetadata(ALIASES, CLIENT_ID)?.family_id).toBe('1');
    expect(cache.getAccounts({ environments: ALIASES })).toEqual([
      expect.objectContaining({ home_account_id: hid, username: 'ada@contoso.com', local_account_id: hid.split('.')[0], realms: [TENANT] }),
    ]);
    const appAt = cache.findAccessToken({ homeAccountId: null, environments: ALIASES, clientId: 'daemon-app', realm: TENANT, scopes: ['https://graph.microsoft.com/.default'] });
    expect(appAt?.secret).toBe('py-app-at');

    expect(await servedSilently(cache)).toMatchObject({ token_source: 'cache', access_token: 'py-at' });
  });
});

describe('MSAL Node writes, we read', () => {
  it('finds what a PublicClientApplication cached after a code redemption (preferred cache alias login.windows.net)', async () => {
    const network = new FakeNetwork({ ...userResponse({ accessToken: 'node-at', refreshToken: 'node-rt', foci: '1' }), scope: 'User.Read profile openid email' });
    const pca = nodePublicApp(CLIENT_ID, network);
    const result = await pca.acquireTokenByCode({ code: 'offline-code', scopes: SCOPES, redirectUri: 'http://localhost' });
    expect(result.accessToken).toBe('node-at');
    const blob = pca.getTokenCache().serialize();

    const cache = new SerializableTokenCache();
    const report = cache.deserialize(blob);
    expect(report.dropped).toEqual([]);
    const at = cache.findAccessToken({ homeAccountId: hid, environments: ALIASES, clientId: CLIENT_ID, realm: TENANT, scopes: ['User.Read'] });
    expect(at).toMatchObject({ secret: 'node-at', environment: 'login.windows.net' });
    const rts = cache.findRefreshTokens({ homeAccountId: hid, environments: ALIASES, clientId: CLIENT_ID, familyId: '1' });
    expect(rts.map((r) => r.secret)).toEqual(['node-rt']);
    expect(cache.getAccounts({ environments: ALIASES })).toEqual([expect.objectContaining({ home_account_id: hid, username: 'ada@contoso.com' })]);
    expect(cache.getAppMetadata(ALIASES, CLIENT_ID)?.family_id).toBe('1');
    // Rewriting keeps MSAL Node's own fields (e.g. tenantProfiles on the account).
    const nodeAccount = Object.values(JSON.parse(blob).Account as Record<string, Record<string, unknown>>)[0]!;
    cache.updateRefreshToken(rts[0]!, 'rotated');
    const rewritten = Object.values(JSON.parse(cache.serialize()).Account as Record<string, Record<string, unknown>>)[0]!;
    expect(rewritten).toEqual(nodeAccount);
    expect(await servedSilently(cache)).toMatchObject({ token_source: 'cache', access_token: 'node-at' });
  });
});

describe('we write, MSAL Python reads', () => {
  it('acquire_token_silent serves our AT, refreshes with our RT, updates it in place and can remove the account', () => {
    const blob = ourCache().serialize();
    const py = runMsalPython<PyRead>('read', {
      blob,
      client_id: CLIENT_ID,
      tenant: TENANT,
      scopes: SCOPES,
      username: 'ADA@contoso.com',
      refresh_response: userResponse({ accessToken: 'py-refreshed-at', refreshToken: 'py-rotated-rt', foci: '1' }),
      remove_account: true,
    });
    expect(py.accounts).toEqual([expect.objectContaining({ home_account_id: hid, environment: ENV, username: 'ada@contoso.com', realm: TENANT })]);
    expect(py.accounts_by_username).toHaveLength(1);
    expect(py.silent).toEqual({ access_token: 'our-at', token_type: 'Bearer' });
    expect(py.posts_after_silent).toBe(0);
    expect(py.rts_found).toEqual(['our-rt']);
    expect(py.refreshed?.access_token).toBe('py-refreshed-at');
    expect(py.posted_refresh_tokens).toEqual(['our-rt']);
    // MSAL Python recomputed our RT's key and replaced it: no stale duplicate.
    expect(Object.values(py.refresh_token_entries ?? {})).toEqual(['py-rotated-rt']);
    // ...and removed every entry of the account by recomputing our keys.
    expect(py.after_remove).toEqual({ AccessToken: [expect.stringContaining('daemon-app')], RefreshToken: [], IdToken: [], Account: [] });

    // What MSAL Python wrote back is still ours to read.
    const back = new SerializableTokenCache();
    expect(back.deserialize(py.blob_after_refresh!).ok).toBe(true);
    expect(back.findRefreshTokens({ homeAccountId: hid, environments: [ENV], clientId: CLIENT_ID }).map((r) => r.secret)).toEqual(['py-rotated-rt']);
  });

  it('finds app-only tokens when we write them with null home_account_id', () => {
    const read = (cache: SerializableTokenCache) =>
      runMsalPython<PyRead>('read', {
        blob: cache.serialize(),
        client_id: CLIENT_ID,
        tenant: TENANT,
        scopes: SCOPES,
        app_client_id: 'daemon-app',
        app_scopes: ['https://graph.microsoft.com/.default'],
      }).app_only_ats;
    expect(read(ourCache({ appOnlyHomeAccountId: null }))).toEqual(['our-app-at']);
    // The default ("" as MSAL Node and .NET write) is invisible to MSAL Python's exact-match query.
    expect(read(ourCache())).toEqual([]);
  });
});

/**
 * Our cache with every kind of AT we write: a user's Bearer AT and PoP and
 * SSH-certificate ATs (key_id) for a scope it holds too, and a daemon's Bearer
 * and FMI (ext_cache_key) ATs.
 */
function ourBoundCache(): SerializableTokenCache {
  const cache = ourCache();
  const reply = (accessToken: string, tokenType: string) => {
    const { refresh_token: _bound_tokens_come_without_one, ...response } = userResponse({ accessToken });
    return { ...response, token_type: tokenType };
  };
  for (const [tokenType, keyId] of [['pop', 'pop-kid'], ['ssh-cert', 'ssh-kid']] as const) {
    cache.add({ clientId: CLIENT_ID, environment: ENV, realm: TENANT, scopes: SCOPES, keyId, response: reply(`our-${tokenType}`, tokenType) });
  }
  cache.add({
    clientId: 'daemon-app',
    environment: ENV,
    realm: TENANT,
    scopes: ['https://graph.microsoft.com/.default'],
    data: { fmi_path: 'SomeFmiPath/FmiCredentialPath' },
    response: { access_token: 'our-fmi-at', token_type: 'Bearer', expires_in: 3599 },
  });
  return cache;
}

describe('we write, MSAL Python removes', () => {
  const atKeys = (cache: SerializableTokenCache) => Object.keys(JSON.parse(cache.serialize()).AccessToken as object);

  it('the newest reference\'s key rule (installed into 1.21 through key_makers) removes every entry we wrote: no orphan', () => {
    const cache = ourBoundCache();
    expect(atKeys(cache)).toHaveLength(5);
    const py = runMsalPython<PyRemove>('remove', { blob: cache.serialize(), client_id: CLIENT_ID, tenant: TENANT, newest_at_key_rule: true });
    // remove_account() takes all of the account's entries, key-bound ATs included; the daemon's stay...
    expect(py.after_remove_account).toEqual({
      AccessToken: atKeys(cache).filter((k) => k.includes('daemon-app')).sort(),
      RefreshToken: [],
      IdToken: [],
      Account: [],
    });
    // ...until remove_at() takes them too, the FMI one included.
    expect(py.after_remove_at).toEqual({ AccessToken: [], RefreshToken: [], IdToken: [], Account: [] });
  });

  it('MSAL Python 1.21 removes every Bearer entry we wrote; key-bound and FMI ATs it cannot key (it predates both)', () => {
    const cache = ourBoundCache();
    const py = runMsalPython<PyRemove>('remove', { blob: cache.serialize(), client_id: CLIENT_ID, tenant: TENANT });
    // 1.21 rebuilds an AT's key from six fields only, so it finds the entries but misses the keys
    // of the ones the newest reference (and we) key by key_id or ext_cache_key.
    const unreachable = atKeys(cache).filter((k) => k.endsWith('-pop-kid') || k.endsWith('-ssh-kid') || k.includes('-atext-')).sort();
    expect(unreachable).toHaveLength(3);
    expect(py.after_remove_account).toEqual({
      AccessToken: [...unreachable, ...atKeys(cache).filter((k) => k.includes('-accesstoken-daemon-app-'))].sort(),
      RefreshToken: [],
      IdToken: [],
      Account: [],
    });
    expect(py.after_remove_at).toEqual({ AccessToken: unreachable, RefreshToken: [], IdToken: [], Account: [] });
  });
});

describe('we write, MSAL Node reads', () => {
  it('removeAccount leaves none of the account\'s entries, key-bound ATs included', async () => {
    const plugin = new BlobPlugin(ourBoundCache().serialize());
    const network = new FakeNetwork({ ...userResponse({ accessToken: 'from-network', refreshToken: 'node-rt' }), scope: 'User.Read profile openid email' });
    const pca = nodePublicApp(CLIENT_ID, network, plugin);
    const [account] = await pca.getTokenCache().getAllAccounts();
    // MSAL Node matches Bearer lookups on credential_type, which MSAL Python (and so we) write as
    // "AccessToken" for key-bound ATs too: it sees three matches, clears them and asks the network.
    const silent = await pca.acquireTokenSilent({ account: account!, scopes: SCOPES, authority: NODE_AUTHORITY });
    expect(silent.accessToken).toBe('from-network');

    const fresh = new BlobPlugin(ourBoundCache().serialize());
    const other = nodePublicApp(CLIENT_ID, new FakeNetwork({}), fresh);
    const [again] = await other.getTokenCache().getAllAccounts();
    await other.getTokenCache().removeAccount(again!);
    const left = JSON.parse(fresh.blob) as Record<string, Record<string, unknown>>;
    expect(Object.keys(left['AccessToken'] ?? {})).toHaveLength(2);
    expect(Object.keys(left['AccessToken'] ?? {}).every((k) => k.includes('daemon-app'))).toBe(true);
    for (const section of ['RefreshToken', 'IdToken', 'Account']) expect(left[section] ?? {}, section).toEqual({});
  });

  it('getAllAccounts lists our account; acquireTokenSilent serves our AT and refreshes with our RT', async () => {
    const plugin = new BlobPlugin(ourCache().serialize());
    const network = new FakeNetwork({ ...userResponse({ accessToken: 'node-refreshed-at', refreshToken: 'node-rotated-rt', foci: '1' }), scope: 'User.Read profile openid email' });
    const pca = nodePublicApp(CLIENT_ID, network, plugin);
    const accounts = await pca.getTokenCache().getAllAccounts();
    expect(accounts).toEqual([
      expect.objectContaining({ homeAccountId: hid, environment: ENV, tenantId: TENANT, username: 'ada@contoso.com', localAccountId: hid.split('.')[0], name: 'Ada Lovelace' }),
    ]);
    const silent = await pca.acquireTokenSilent({ account: accounts[0]!, scopes: SCOPES, authority: NODE_AUTHORITY });
    expect(silent).toMatchObject({ accessToken: 'our-at', fromCache: true });
    expect(network.posts).toHaveLength(0);

    const refreshed = await pca.acquireTokenSilent({ account: accounts[0]!, scopes: SCOPES, authority: NODE_AUTHORITY, forceRefresh: true });
    expect(refreshed).toMatchObject({ accessToken: 'node-refreshed-at', fromCache: false });
    expect(network.posts.map((p) => [p.get('grant_type'), p.get('refresh_token')])).toEqual([['refresh_token', 'our-rt']]);
    expect(network.gets).toEqual([]);

    // And we read back what MSAL Node merged into our blob.
    const back = new SerializableTokenCache();
    expect(back.deserialize(plugin.blob).dropped).toEqual([]);
    expect(back.findAccessToken({ homeAccountId: hid, environments: ALIASES, clientId: CLIENT_ID, realm: TENANT, scopes: SCOPES })?.secret).toBe('node-refreshed-at');
  });

  it('a ConfidentialClientApplication serves our app-only AT (default "" home_account_id) from the cache', async () => {
    const plugin = new BlobPlugin(ourCache().serialize());
    const network = new FakeNetwork({ access_token: 'from-network', token_type: 'Bearer', expires_in: 3599 });
    const cca = nodeConfidentialApp('daemon-app', network, plugin);
    const result = await cca.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
    expect(result).toMatchObject({ accessToken: 'our-app-at', fromCache: true });
    expect(network.posts).toHaveLength(0);
  });
});
