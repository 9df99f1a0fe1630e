/**
 * The broker routing decision table (MSAL Python's rules) through the public
 * facade, over a scripted BrokerClient and an in-memory STS (an injected
 * httpClient that answers discovery and token requests). The browser flow is
 * replaced by a recording stub, since its loopback server is a socket.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { PublicClientApplication } from '../../../lib/app/public-client-application.js';
import type { PublicClientApplicationOptions } from '../../../lib/app/options.js';
import type { LogLevel } from '../../../lib/app/logger.js';
import type { BrokerPlatform } from '../../../lib/broker/broker-client.js';
import type { SerializableTokenCache } from '../../../lib/cache/serializable-token-cache.js';
import { InvalidArgumentError, TimeoutError } from '../../../lib/errors.js';
import type { ErrorResult, TokenResult } from '../../../lib/oauth2/types.js';
import { PopAuthScheme } from '../../../lib/pop/pop-auth-scheme.js';
import { SshCertAuthScheme } from '../../../lib/pop/ssh-cert.js';
import { brokerAuthResult, brokerFailure } from '../../conformance/support/application.js';
import { buildIdToken, buildResponse, minimalResponse, ScriptedHttpClient, type SeenRequest } from '../../conformance/support/msal-python.js';
import { ScriptedBrokerClient } from '../../support/scripted-broker-client.js';

const browserFlow = vi.hoisted(() => ({ runs: [] as Array<Record<string, unknown>> }));
vi.mock('../../../lib/interactive/interactive-flow.js', () => ({
  // Stands in for the system browser: records the request and returns a code for the in-memory STS.
  runBrowserFlow: async (options: Record<string, unknown>) => {
    browserFlow.runs.push(options);
    return {
      authResponse: { code: 'browser-code', state: 'state' },
      flow: { code_verifier: 'verifier', nonce: 'nonce', redirect_uri: 'http://localhost:1234', state: 'state' },
    };
  },
}));

const CLIENT_ID = 'client_id';
const SCOPES = ['User.Read'];
const USER = 'alice@contoso.com';
const WINDOW: typeof PublicClientApplication.CONSOLE_WINDOW_HANDLE = PublicClientApplication.CONSOLE_WINDOW_HANDLE;
const OPT_IN = {
  windows: 'enableBrokerOnWindows',
  mac: 'enableBrokerOnMac',
  linux: 'enableBrokerOnLinux',
  wsl: 'enableBrokerOnWsl',
} as const;
const REDIRECT_URIS: Record<BrokerPlatform, string> = {
  windows: `ms-appx-web://Microsoft.AAD.BrokerPlugin/${CLIENT_ID}`,
  wsl: `ms-appx-web://Microsoft.AAD.BrokerPlugin/${CLIENT_ID}`,
  mac: 'msauth.com.msauth.unsignedapp://auth',
  linux: 'https://login.microsoftonline.com/common/oauth2/nativeclient',
};
/** Statuses by number (see BROKER_STATUS_NAMES). */
const STATUS = {
  InteractionRequired: 2,
  NoNetwork: 3,
  AccountUnusable: 13,
  AccountNotFound: 16,
  RequiredBrokerMissing: 19,
  FallbackToNativeMsal: 21,
} as const;

/** An STS in memory: Entra instance discovery, any issuer's OpenID configuration, and the token endpoint. */
function inMemorySts(): ScriptedHttpClient {
  return new ScriptedHttpClient({
    get: ({ url }) => {
      const u = new URL(url);
      if (u.pathname.endsWith('/discovery/instance')) {
        const tenant = new URL(u.searchParams.get('authorization_endpoint')!).pathname.split('/')[1];
        return minimalResponse(200, {
          tenant_discovery_endpoint: `https://${u.host}/${tenant}/v2.0/.well-known/openid-configuration`,
          metadata: [{ preferred_network: u.host, preferred_cache: u.host, aliases: [u.host] }],
        });
      }
      const base = url.replace(/\/\.well-known\/openid-configuration$/, '');
      return minimalResponse(200, {
        issuer: base.includes('login.microsoftonline.com') ? 'https://login.microsoftonline.com/{tenantid}/v2.0' : base,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        token_endpoint: `${base}/oauth2/v2.0/token`,
      });
    },
    post: ({ data }: SeenRequest) => {
      const from = data['grant_type'] === 'refresh_token' ? 'the RT' : `grant ${data['grant_type']}`;
      return minimalResponse(200, { access_token: `from ${from}`, token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt2' });
    },
  });
}

let broker: ScriptedBrokerClient;
let http: ScriptedHttpClient;
let logs: Array<[LogLevel, string]>;

beforeEach(() => {
  broker = new ScriptedBrokerClient('windows');
  http = inMemorySts();
  logs = [];
  browserFlow.runs.length = 0;
});

function newApp(options: Partial<PublicClientApplicationOptions> = {}): PublicClientApplication {
  return new PublicClientApplication({
    clientId: CLIENT_ID,
    httpClient: http,
    brokerClient: broker,
    enableBrokerOnWindows: true,
    logger: { level: 'verbose', callback: (level, message) => logs.push([level, message]) },
    ...options,
  });
}

/** Puts an account (with an RT and, unless told otherwise, an expired AT) in the app's cache. */
function seedAccount(
  app: PublicClientApplication,
  accountSource: string | undefined,
  options: { username?: string; uid?: string; accessToken?: string; expiresIn?: number; localAccountId?: string } = {},
): void {
  const { username = USER, uid = 'uid', accessToken = 'held AT', expiresIn = -10, localAccountId = `broker-id-of-${uid}` } = options;
  app.tokenCache.add({
    clientId: CLIENT_ID,
    environment: 'login.microsoftonline.com',
    realm: 'common',
    scopes: SCOPES,
    response: buildResponse({
      access_token: accessToken,
      expires_in: expiresIn,
      uid,
      utid: 'utid',
      refresh_token: 'rt',
      id_token: buildIdToken({ aud: CLIENT_ID, iss: 'https://login.microsoftonline.com/utid/v2.0', sub: uid, oid: uid, tid: 'utid', preferred_username: username }),
    }),
    ...(accountSource !== undefined ? { accountSource } : {}),
    localAccountId,
  });
}

async function onlyAccount(app: PublicClientApplication) {
  const [account] = await app.getAccounts();
  if (!account) throw new Error('no account');
  return account;
}

const viaBrowser = () => browserFlow.runs.length === 1;

describe('per-platform opt-in: the broker client names its platform, the matching enableBrokerOn* switches it on', () => {
  const platforms = Object.keys(OPT_IN) as BrokerPlatform[];
  const cases = platforms.flatMap((platform) => Object.values(OPT_IN).map((flag) => ({ platform, flag, on: OPT_IN[platform] === flag })));

  it.each(cases)('$platform broker with $flag: used = $on', async ({ platform, flag, on }) => {
    broker = new ScriptedBrokerClient(platform);
    const app = newApp({ enableBrokerOnWindows: false, [flag]: true });
    const availability = await app.isBrokerAvailable();
    expect(availability.available).toBe(on);
    if (!on) expect(availability.reason).toContain(OPT_IN[platform]);
    // Not opted in: the decision alone answers; the broker is not even started.
    expect(broker.availabilityChecks).toBe(on ? 1 : 0);
  });

  it.each(platforms)('the %s broker gets its own redirect URI', async (platform) => {
    broker = new ScriptedBrokerClient(platform);
    const app = newApp({ [OPT_IN[platform]]: true });
    await app.acquireTokenInteractive(SCOPES, { parentWindowHandle: WINDOW });
    expect(broker.calls[0]!.params?.redirectUri).toBe(REDIRECT_URIS[platform]);
  });

  it('a platform without an OS broker never uses one, whatever is enabled', async () => {
    broker = new ScriptedBrokerClient(undefined);
    const app = newApp({ enableBrokerOnWindows: true, enableBrokerOnMac: true, enableBrokerOnLinux: true, enableBrokerOnWsl: true });
    expect(await app.isBrokerAvailable()).toEqual({ available: false, reason: 'there is no OS broker on this platform' });
    await app.acquireTokenInteractive(SCOPES);
    expect(viaBrowser()).toBe(true);
    expect(broker.calls).toEqual([]);
  });

  it('nothing enabled is the default', async () => {
    const app = newApp({ enableBrokerOnWindows: undefined });
    expect((await app.isBrokerAvailable()).available).toBe(false);
  });
});

describe('authority kinds: only Entra (aad) authorities go to the broker', () => {
  it.each([
    ['aad', { authority: 'https://login.microsoftonline.com/common' }],
    ['aad', { authority: 'https://login.microsoftonline.com/contoso.onmicrosoft.com' }],
    ['aad', { authority: 'https://contoso.example/tenant', instanceDiscovery: false }],
  ] as const)('%s %o: broker', async (_kind, options) => {
    const app = newApp(options);
    expect(await app.isBrokerAvailable()).toEqual({ available: true });
    const result = (await app.acquireTokenInteractive(SCOPES, { parentWindowHandle: WINDOW })) as TokenResult;
    expect(result.token_source).toBe('broker');
    expect(broker.calls[0]!.params?.authority).toBe(options.authority);
  });

  it.each([
    ['ADFS', { authority: 'https://fs.contoso.com/adfs' }],
    ['B2C', { authority: 'https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_signin' }],
    ['CIAM', { authority: 'https://contoso.ciamlogin.com/contoso.onmicrosoft.com' }],
    ['OIDC', { oidcAuthority: 'https://op.example/issuer' }],
  ] as const)('%s: no broker, the browser and the cached refresh tokens instead', async (kind, options) => {
    const app = newApp(options);
    expect(await app.isBrokerAvailable()).toEqual({ available: false, reason: `the broker does not serve ${kind} authorities` });
    const result = (await app.acquireTokenInteractive(SCOPES)) as TokenResult;
    expect(viaBrowser()).toBe(true);
    expect(result.token_source).toBe('identity_provider');
    expect(broker.calls).toEqual([]);
    expect(broker.availabilityChecks).toBe(0);
  });
});

describe('interactive', () => {
  it('a login hint matching exactly one broker account: a silent call for that account first, no UI', async () => {
    const app = newApp();
    seedAccount(app, 'broker', { localAccountId: 'alice-in-the-broker' });
    const onUi = vi.fn();
    const result = (await app.acquireTokenInteractive(SCOPES, { parentWindowHandle: WINDOW, loginHint: USER, onBeforeLaunchingUi: onUi })) as TokenResult;
    expect(result.token_source).toBe('broker');
    expect(broker.calls.map((c) => [c.method, c.accountId])).toEqual([['acquireTokenSilently', 'alice-in-the-broker']]);
    expect(onUi).not.toHaveBeenCalled();
  });

  it('that silent call failing goes on as without a hint: silent sign-in, then UI with the hint', async () => {
    const app = newApp();
    seedAccount(app, 'broker');
    broker.answer = (call) => (call.method === 'signInInteractively' ? brokerAuthResult({ accessToken: 'ui' }) : brokerFailure(STATUS.InteractionRequired));
    const result = (await app.acquireTokenInteractive(SCOPES, { parentWindowHandle: WINDOW, loginHint: USER })) as TokenResult;
    expect(result.access_token).toBe('ui');
    expect(broker.methods()).toEqual(['acquireTokenSilently', 'signInSilently', 'signInInteractively']);
    expect(broker.callsOf('signInInteractively')[0]!.loginHint).toBe(USER);
  });

  it.each([
    ['two broker accounts match', (app: PublicClientApplication) => (seedAccount(app, 'broker', { uid: 'a' }), seedAccount(app, 'broker', { uid: 'b' }))],
    ['the one match is not a broker account', (app: PublicClientApplication) => seedAccount(app, 'authorization_code')],
    ['nothing matches', () => undefined],
  ])('no silent call for the hinted account when %s', async (_case, seed) => {
    const app = newApp();
    seed(app);
    await app.acquireTokenInteractive(SCOPES, { parentWindowHandle: WINDOW, loginHint: USER });
    expect(broker.methods()).toEqual(['signInSilently']);
  });

  it('prompt=select_account skips the silent calls and opens the account picker without the hint', async () => {
    const app = newApp();
    seedAccount(app, 'broker');
    const onUi = vi.fn();
    await app.acquireTokenInteractive(SCOPES, { parentWindowHandle: WINDOW, loginHint: USER, prompt: 'select_account', onBeforeLaunchingUi: onUi });
    expect(broker.calls.map((c) => [c.method, c.loginHint, c.parentWindow])).toEqual([['signInInteractively', '', WINDOW]]);
    expect(onUi).toHaveBeenCalledOnce();
  });

  it('no prompt: a silent sign-in that succeeds is the answer', async () => {
    const result = (await newApp().acquireTokenInteractive(SCOPES, { parentWindowHandle: WINDOW })) as TokenResult;
    expect(result).toMatchObject({ access_token: 'broker at', token_source: 'broker' });
    expect(broker.methods()).toEqual(['signInSilently']);
  });

  it.each(['InteractionRequired', 'AccountUnusable'] as const)('no prompt: a silent sign-in failing with %s shows the UI', async (status) => {
    broker.answer = (call) => (call.method === 'signInInteractively' ? brokerAuthResult({ accessToken: 'ui' }) : brokerFailure(STATUS[status]));
    const onUi = vi.fn();
    const result = (await newApp().acquireTokenInteractive(SCOPES, { parentWindowHandle: WINDOW, onBeforeLaunchingUi: onUi })) as TokenResult;
    expect(result.access_token).toBe('ui');
    expect(broker.methods()).toEqual(['signInSilently', 'signInInteractively']);
    expect(onUi).toHaveBeenCalledOnce();
  });

  it('no prompt: another silent sign-in failure is the answer, without UI', async () => {
    broker.answer = () => brokerFailure(STATUS.NoNetwork);
    const result = (await newApp().acquireTokenInteractive(SCOPES, { parentWindowHandle: WINDOW })) as ErrorResult;
    expect(result).toMatchObject({ error: 'broker_error', broker_status: 'NoNetwork' });
    expect(broker.methods()).toEqual(['signInSilently']);
  });

  it('prompt=none never shows UI, even when interaction is needed', async () => {
    broker.answer = () => brokerFailure(STATUS.InteractionRequired);
    const onUi = vi.fn();
    const result = (await newApp().acquireTokenInteractive(SCOPES, { parentWindowHandle: WINDOW, prompt: 'none', onBeforeLaunchingUi: onUi })) as ErrorResult;
    expect(result.error).toBe('interaction_required');
    expect(broker.methods()).toEqual(['signInSilently']);
    expect(onUi).not.toHaveBeenCalled();
  });

  it.each(['login', 'consent', 'create'])('prompt=%s goes straight to the UI, with the login hint', async (prompt) => {
    await newApp().acquireTokenInteractive(SCOPES, { parentWindowHandle: WINDOW, prompt, loginHint: USER });
    expect(broker.calls.map((c) => [c.method, c.loginHint])).toEqual([['signInInteractively', USER]]);
  });

  it('prompt=login with a hinted broker account still tries that account silently first (only select_account skips it)', async () => {
    const app = newApp();
    seedAccount(app, 'broker');
    broker.answer = (call) => (call.method === 'signInInteractively' ? brokerAuthResult({ accessToken: 'ui' }) : brokerFailure(STATUS.InteractionRequired));
    await app.acquireTokenInteractive(SCOPES, { parentWindowHandle: WINDOW, prompt: 'login', loginHint: USER });
    expect(broker.methods()).toEqual(['acquireTokenSilently', 'signInInteractively']);
  });

  it('PoP: the scheme\'s broker PoP parameters go to the broker, and the bound token is not cached', async () => {
    const scheme = new PopAuthScheme({ httpMethod: 'GET', url: 'https://graph.microsoft.com/v1.0/me', nonce: 'server-nonce' });
    const app = newApp();
    await app.acquireTokenInteractive(SCOPES, { parentWindowHandle: WINDOW, authScheme: scheme });
    expect(broker.calls[0]!.params?.pop).toEqual({ httpMethod: 'GET', uriHost: 'graph.microsoft.com', uriPath: '/v1.0/me', nonce: 'server-nonce' });
    expect((JSON.parse((app.tokenCache as SerializableTokenCache).serialize()) as { AccessToken?: object }).AccessToken ?? {}).toEqual({});
  });

  it('an SSH certificate never goes to the broker: the browser gets it, no window handle needed', async () => {
    const scheme = new SshCertAuthScheme({ keyId: 'key1', publicKeyJwk: { kty: 'RSA', n: 'AQAB', e: 'AQAB' } });
    const result = (await newApp().acquireTokenInteractive(SCOPES, { authScheme: scheme })) as TokenResult;
    expect(viaBrowser()).toBe(true);
    expect(result.token_source).toBe('identity_provider');
    expect(broker.calls).toEqual([]);
  });

  it('the claims challenge, merged with the client capabilities, goes to the broker', async () => {
    await newApp({ clientCapabilities: ['CP1'] }).acquireTokenInteractive(SCOPES, { parentWindowHandle: WINDOW, claimsChallenge: '{"id_token":{"auth_time":{"essential":true}}}' });
    expect(JSON.parse(broker.calls[0]!.params!.claims!)).toEqual({
      id_token: { auth_time: { essential: true } },
      access_token: { xms_cc: { values: ['CP1'] } },
    });
  });

  it('parentWindowHandle is required when the broker is enabled', async () => {
    await expect(newApp().acquireTokenInteractive(SCOPES)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(broker.calls).toEqual([]);
  });

  it('parentWindowHandle is not needed when the broker is not enabled', async () => {
    await newApp({ enableBrokerOnWindows: false }).acquireTokenInteractive(SCOPES);
    expect(viaBrowser()).toBe(true);
  });
});

describe('silent', () => {
  it('forceRefresh asks the broker to renew exactly the access token held', async () => {
    const app = newApp();
    seedAccount(app, 'broker', { accessToken: 'held AT', expiresIn: 3600 });
    const account = await onlyAccount(app);
    expect(await app.acquireTokenSilent(SCOPES, account)).toMatchObject({ access_token: 'held AT', token_source: 'cache' });
    expect(broker.calls).toEqual([]);
    const result = await app.acquireTokenSilent(SCOPES, account, { forceRefresh: true });
    expect(result).toMatchObject({ access_token: 'broker at', token_source: 'broker' });
    expect(broker.calls.map((c) => [c.method, c.accountId, c.params?.accessTokenToRenew])).toEqual([
      ['acquireTokenSilently', 'broker-id-of-uid', 'held AT'],
    ]);
  });

  it('an expired token is not renewed by name: the broker picks what to refresh', async () => {
    const app = newApp();
    seedAccount(app, 'broker');
    await app.acquireTokenSilent(SCOPES, await onlyAccount(app));
    expect(broker.calls[0]!.params?.accessTokenToRenew).toBeUndefined();
  });

  it('signal and timeoutMs reach the broker call', async () => {
    const app = newApp();
    seedAccount(app, 'broker');
    const signal = new AbortController().signal;
    await app.acquireTokenSilent(SCOPES, await onlyAccount(app), { signal, timeoutMs: 1234 });
    expect(broker.calls[0]!.options).toEqual({ signal, timeoutMs: 1234 });
  });

  it('account_source broker: the broker answers, its errors included; the refresh tokens are not used', async () => {
    const app = newApp();
    seedAccount(app, 'broker');
    const account = await onlyAccount(app);
    expect(await app.acquireTokenSilent(SCOPES, account)).toMatchObject({ access_token: 'broker at', token_source: 'broker' });
    broker.answer = () => brokerFailure(STATUS.InteractionRequired);
    expect(await app.acquireTokenSilentWithError(SCOPES, account, { forceRefresh: true })).toMatchObject({ error: 'interaction_required' });
    expect(http.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('account_source unknown (an older MSAL\'s account): only a broker success is decisive', async () => {
    const app = newApp();
    seedAccount(app, undefined);
    const account = await onlyAccount(app);
    expect(account.account_source).toBeUndefined();
    expect(await app.acquireTokenSilent(SCOPES, account)).toMatchObject({ token_source: 'broker' });
    broker.answer = () => brokerFailure(STATUS.AccountNotFound);
    expect(await app.acquireTokenSilent(SCOPES, account, { forceRefresh: true })).toMatchObject({ access_token: 'from the RT', token_source: 'identity_provider' });
    expect(broker.methods()).toEqual(['acquireTokenSilently', 'acquireTokenSilently']);
  });

  it.each(['authorization_code', 'urn:ietf:params:oauth:grant-type:device_code', 'password'])(
    'account_source %s: never the broker',
    async (source) => {
      const app = newApp();
      seedAccount(app, source);
      expect(await app.acquireTokenSilent(SCOPES, await onlyAccount(app))).toMatchObject({ access_token: 'from the RT' });
      expect(broker.calls).toEqual([]);
    },
  );

  it('PoP: the broker gets the PoP parameters and its signed result is served as is', async () => {
    const app = newApp();
    seedAccount(app, 'broker');
    const scheme = new PopAuthScheme({ httpMethod: 'POST', url: 'https://api.contoso.com/items?x=1', nonce: 'n' });
    broker.answer = () => ({ ...brokerAuthResult({ accessToken: 'pop-signed' }), isPopAuthorization: true });
    const result = await app.acquireTokenSilent(SCOPES, await onlyAccount(app), { authScheme: scheme });
    expect(broker.calls[0]!.params?.pop).toEqual({ httpMethod: 'POST', uriHost: 'api.contoso.com', uriPath: '/items', nonce: 'n' });
    expect(result).toMatchObject({ access_token: 'pop-signed', token_type: 'pop', token_source: 'broker' });
  });

  it('an SSH certificate never goes to the broker, even for a broker account', async () => {
    const app = newApp();
    seedAccount(app, 'broker');
    const scheme = new SshCertAuthScheme({ keyId: 'key1', publicKeyJwk: { kty: 'RSA', n: 'AQAB', e: 'AQAB' } });
    await app.acquireTokenSilent(SCOPES, await onlyAccount(app), { authScheme: scheme });
    expect(broker.calls).toEqual([]);
    expect(http.requests.filter((r) => r.method === 'POST')[0]?.data['token_type']).toBe('ssh-cert');
  });
});

describe('fallbacks', () => {
  it('not opted in: browser and cached refresh tokens, and isBrokerAvailable says why', async () => {
    const app = newApp({ enableBrokerOnWindows: false });
    expect(await app.isBrokerAvailable()).toEqual({ available: false, reason: 'the broker is not enabled for windows (enableBrokerOnWindows)' });
    seedAccount(app, 'broker');
    expect(await app.acquireTokenSilent(SCOPES, await onlyAccount(app))).toMatchObject({ access_token: 'from the RT' });
    await app.acquireTokenInteractive(SCOPES);
    expect(viaBrowser()).toBe(true);
    expect(broker.calls).toEqual([]);
  });

  it('broker unavailable: its reason is reported and logged once; browser and cached refresh tokens instead', async () => {
    broker.unavailableReason = 'startup_failed: no broker here';
    const app = newApp();
    expect(await app.isBrokerAvailable()).toEqual({ available: false, reason: 'startup_failed: no broker here' });
    seedAccount(app, 'broker');
    const account = await onlyAccount(app);
    expect(await app.acquireTokenSilent(SCOPES, account)).toMatchObject({ access_token: 'from the RT' });
    const result = (await app.acquireTokenInteractive(SCOPES, { parentWindowHandle: WINDOW })) as TokenResult;
    expect(viaBrowser()).toBe(true);
    expect(result.access_token).toBe('from grant authorization_code');
    await app.removeAccount(account);
    expect(broker.calls).toEqual([]);
    expect(logs.filter(([, m]) => m.startsWith('Broker unavailable'))).toEqual([['warning', 'Broker unavailable (startup_failed: no broker here)']]);
  });

  it.each(['RequiredBrokerMissing', 'FallbackToNativeMsal'] as const)('%s from the silent sign-in, the hinted silent call or the UI: the browser', async (status) => {
    for (const failing of ['signInSilently', 'acquireTokenSilently', 'signInInteractively'] as const) {
      browserFlow.runs.length = 0;
      broker = new ScriptedBrokerClient('windows');
      broker.answer = (call) => (call.method === failing ? brokerFailure(STATUS[status]) : brokerFailure(STATUS.InteractionRequired));
      const app = newApp();
      seedAccount(app, 'broker');
      const result = (await app.acquireTokenInteractive(SCOPES, { parentWindowHandle: WINDOW, loginHint: USER })) as TokenResult;
      expect(viaBrowser()).toBe(true);
      expect(result.token_source).toBe('identity_provider');
      expect(broker.methods().at(-1)).toBe(failing);
    }
  });

  it.each(['RequiredBrokerMissing', 'FallbackToNativeMsal'] as const)('%s from a silent call: the cached refresh tokens', async (status) => {
    broker.answer = () => brokerFailure(STATUS[status]);
    const app = newApp();
    seedAccount(app, 'broker');
    expect(await app.acquireTokenSilent(SCOPES, await onlyAccount(app))).toMatchObject({ access_token: 'from the RT' });
    expect(broker.methods()).toEqual(['acquireTokenSilently']);
  });

  it('a timed-out silent call for a broker account: broker_timeout, so acquireTokenSilent resolves null', async () => {
    broker.answer = () => new TimeoutError('acquireTokenSilently timed out after 1234 ms');
    const app = newApp();
    seedAccount(app, 'broker');
    const account = await onlyAccount(app);
    expect(await app.acquireTokenSilentWithError(SCOPES, account)).toMatchObject({ error: 'broker_timeout', error_description: 'acquireTokenSilently timed out after 1234 ms' });
    expect(await app.acquireTokenSilent(SCOPES, account)).toBeNull();
    expect(http.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('a timed-out silent call for an account of unknown origin: the cached refresh tokens', async () => {
    broker.answer = () => new TimeoutError('timed out');
    const app = newApp();
    seedAccount(app, undefined);
    expect(await app.acquireTokenSilent(SCOPES, await onlyAccount(app))).toMatchObject({ access_token: 'from the RT' });
  });

  it('a timed-out interactive call rejects with TimeoutError; the browser is not tried', async () => {
    broker.answer = () => new TimeoutError('timed out');
    await expect(newApp().acquireTokenInteractive(SCOPES, { parentWindowHandle: WINDOW })).rejects.toBeInstanceOf(TimeoutError);
    expect(browserFlow.runs).toEqual([]);
  });
});

describe('removeAccount', () => {
  it('signs a broker account out of the broker too', async () => {
    const app = newApp();
    seedAccount(app, 'broker', { localAccountId: 'alice-in-the-broker' });
    await app.removeAccount(await onlyAccount(app));
    expect(broker.calls.map((c) => [c.method, c.clientId, c.accountId])).toEqual([['signOutSilently', CLIENT_ID, 'alice-in-the-broker']]);
    expect(await app.getAccounts()).toEqual([]);
  });

  it.each([undefined, 'authorization_code'])('leaves the broker alone for account_source %s', async (source) => {
    const app = newApp();
    seedAccount(app, source);
    await app.removeAccount(await onlyAccount(app));
    expect(broker.calls).toEqual([]);
  });

  it('leaves the broker alone when it is not enabled', async () => {
    const app = newApp({ enableBrokerOnWindows: false });
    seedAccount(app, 'broker');
    await app.removeAccount(await onlyAccount(app));
    expect(broker.calls).toEqual([]);
  });

  it('a failed broker sign-out is logged; the account is still removed', async () => {
    broker.answer = () => brokerFailure(STATUS.NoNetwork, 'offline');
    const app = newApp();
    seedAccount(app, 'broker');
    await app.removeAccount(await onlyAccount(app));
    expect(await app.getAccounts()).toEqual([]);
    expect(logs.some(([level, m]) => level === 'warning' && m.startsWith('Broker sign-out failed'))).toBe(true);
  });
});

describe('the broker\'s log', () => {
  it('goes to the app\'s logger at the mapped level, PII-marked exactly when the app allows PII', async () => {
    newApp({ enablePiiLog: true });
    expect(broker.logger?.options).toEqual({ piiEnabled: true });
    broker.logger!.callback!('a fatal line', 'fatal');
    broker.logger!.callback!('a trace line', 'trace');
    expect(logs.slice(-2)).toEqual([
      ['error', 'a fatal line'],
      ['verbose', 'a trace line'],
    ]);
    newApp();
    expect(broker.logger?.options).toEqual({ piiEnabled: false });
  });
});
