/**
 * Port of MSAL Python's tests/test_client.py (oauth2cli's Client).
 *
 * TestClient needs a real identity provider in the reference (it is skipped without a
 * config.json); here the local STS (test/support/entra.ts) plays it, so its tests run
 * offline, through our applications (the Client layer has no public equivalent).
 * "obtain_auth_code" (a person in a browser) becomes issuing the code at the STS and
 * sending the redirect the browser would. TestRefreshTokenCallbacks checks what the
 * reference's on_obtaining_tokens / on_updating_rt callbacks feed the token cache, so it
 * reads our token cache. TestSessionAccessibility (a `requests` session property) has no
 * equivalent and is not ported.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, StateMismatchError } from '../../lib/errors.js';
import {
  ConfidentialClientApplication,
  PublicClientApplication,
  SerializableTokenCache,
  type AcquireTokenResult,
  type AuthCodeFlow,
} from '../../lib/index.js';
import { CLIENT_SECRET, CONFIDENTIAL_CLIENT_ID, startLocalEntra, type LocalEntra } from '../support/entra.js';
import { approveDeviceCode, issueAuthCode } from '../support/sts/token.js';
import { populate, search } from './support/application.js';
import { buildResponse, minimalResponse, ScriptedHttpClient } from './support/msal-python.js';
import { entraDiscovery } from './support/protocol.js';

const SCOPE = ['https://graph.microsoft.com/User.Read'];

/** Oauth2TestCase.assertLoosely: invalid_grant / interaction_required are configuration problems, not failures. */
function assertLoosely(response: AcquireTokenResult | null, assertion?: () => void): void {
  expect(response).not.toBeNull();
  if (assertion) assertion();
  else expect(response).toHaveProperty('access_token');
}

describe('TestClient', () => {
  let entra: LocalEntra;
  beforeAll(async () => {
    entra = await startLocalEntra();
    entra.state.deviceInterval = 1;
  });
  afterAll(() => entra.stop());

  const client = () => new PublicClientApplication(entra.appOptions());

  /** What the person in the browser achieves: the STS issues a code for the authorization URL. */
  function obtainAuthCode(authUri: string, username = entra.alice.username): { code: string; state: string | null; redirectUri: string | null } {
    const url = new URL(authUri);
    const code = issueAuthCode(entra.state, {
      clientId: url.searchParams.get('client_id') ?? '',
      username,
      scope: url.searchParams.get('scope') ?? '',
      redirectUri: url.searchParams.get('redirect_uri') ?? undefined,
      codeChallenge: url.searchParams.get('code_challenge') ?? undefined,
      codeChallengeMethod: url.searchParams.get('code_challenge_method') ?? undefined,
      nonce: url.searchParams.get('nonce') ?? undefined,
    } as Parameters<typeof issueAuthCode>[1]);
    return { code, state: url.searchParams.get('state'), redirectUri: url.searchParams.get('redirect_uri') };
  }

  it('test_client_credentials', async () => {
    const app = new ConfidentialClientApplication({ ...entra.appOptions(CONFIDENTIAL_CLIENT_ID), clientCredential: CLIENT_SECRET });
    expect(await app.acquireTokenForClient(['https://graph.microsoft.com/.default'])).toHaveProperty('access_token');
  });

  it('test_username_password', async () => {
    const result = await client().acquireTokenByUsernamePassword(entra.alice.username, entra.alice.password ?? '', SCOPE);
    assertLoosely(result);
  });

  it('test_auth_code', async () => {
    const app = client();
    const redirectUri = 'http://localhost:44331';
    const nonce = 'nonce should contain sufficient entropy';
    const authRequestUri = await app.getAuthorizationRequestUrl(SCOPE, { redirectUri, nonce, state: 'test_auth_code' });
    const ac = obtainAuthCode(authRequestUri);
    expect(ac.code).not.toBeNull();
    const result = await app.acquireTokenByAuthorizationCode(ac.code, SCOPE, { nonce, redirectUri, state: 'test_auth_code' });
    assertLoosely(result, () => expect(result).toHaveProperty('access_token'));
  });

  it('test_auth_code_flow', async () => {
    const app = client();
    const flow = await app.initiateAuthCodeFlow(SCOPE, {
      redirectUri: 'http://localhost:44331',
      loginHint: entra.alice.username, // To skip the account selector
    });
    const { code, state } = obtainAuthCode(flow.auth_uri);
    const authResponse = { code, state: state ?? '' };
    expect(authResponse.code, `Error: ${JSON.stringify(authResponse)}`).toBeTruthy();
    const result = await app.acquireTokenByAuthCodeFlow(flow, authResponse);
    assertLoosely(result, () => expect(result).toHaveProperty('access_token'));
  });

  it('test_auth_code_flow_error_response', async () => {
    // Offline: these are client-side checks before any request.
    const app = new PublicClientApplication({ clientId: 'client_id', httpClient: new ScriptedHttpClient({ get: entraDiscovery }) });
    const flow = (partial: Record<string, unknown>) => partial as unknown as AuthCodeFlow;
    await expect(app.acquireTokenByAuthCodeFlow(flow({}), { code: 'foo' })).rejects.toThrow(InvalidArgumentError);
    await expect(app.acquireTokenByAuthCodeFlow(flow({}), { code: 'foo' })).rejects.toThrow(/state/);
    await expect(app.acquireTokenByAuthCodeFlow(flow({ state: '1' }), { state: '2' })).rejects.toThrow(StateMismatchError);
    const scopeError = app.acquireTokenByAuthCodeFlow(flow({ state: 's', scope: ['foo'] }), { state: 's' }, { scopes: ['bar'] });
    await expect(scopeError).rejects.toThrow(InvalidArgumentError);
    await expect(app.acquireTokenByAuthCodeFlow(flow({ state: 's', scope: ['foo'] }), { state: 's' }, { scopes: ['bar'] })).rejects.toThrow(/scope/);
    // We should not leak malicious input into our output (our results also name the correlation id).
    const result = await app.acquireTokenByAuthCodeFlow(flow({ state: 's' }), { state: 's', error: 'foo', error_uri: 'bar', access_token: 'fake' });
    expect(result).toEqual({ error: 'foo', error_uri: 'bar', correlation_id: expect.any(String) });
  });

  it('test_obtain_token_by_browser', async () => {
    const app = client();
    const result = await app.acquireTokenInteractive(SCOPE, {
      loginHint: entra.alice.username, // To skip the account selector
      timeout: 60,
      successTemplate: '<strong>Done. You can close this window now.</strong>',
      // The browser: the person signs in, the authorization server redirects to our loopback.
      browserLauncher: async (authUri) => {
        const { code, state, redirectUri } = obtainAuthCode(authUri);
        const reply = await fetch(`${redirectUri}?${new URLSearchParams({ code, state: state ?? '' })}`);
        expect(await reply.text()).toContain('Done. You can close this window now.');
      },
    });
    assertLoosely(result, () => expect(result).toHaveProperty('access_token'));
  });

  it('test_device_flow', async () => {
    const app = client();
    const flow = await app.initiateDeviceFlow(SCOPE);
    if ('error' in flow) throw new Error(`initiateDeviceFlow failed: ${String(flow.error)}`);
    expect(flow.message ?? `Use a web browser to open the page ${flow.verification_uri} and enter the code ${flow.user_code}`).toContain(flow.user_code);
    // The person signs in once the app is polling.
    const result = await app.acquireTokenByDeviceFlow(flow, {
      onProgress: () => approveDeviceCode(entra.state, flow.user_code, entra.alice.username),
    });
    assertLoosely(result, () => expect(result).toHaveProperty('access_token'));
  });
});

describe('TestRefreshTokenCallbacks', () => {
  const authority = 'https://login.microsoftonline.com/common';
  /** The reference's _dummy reply (plus the access token our results require). */
  const dummy = () => minimalResponse(200, buildResponse({ access_token: 'at', refresh_token: 'new', uid: 'uid', utid: 'utid' }));
  const appWith = (tokenCache: SerializableTokenCache) =>
    new PublicClientApplication({ clientId: 'client_id', authority, tokenCache, httpClient: new ScriptedHttpClient({ get: entraDiscovery, post: dummy }) });
  const refreshTokens = (cache: SerializableTokenCache) => search(cache, 'RefreshToken').map((rt) => rt.secret);

  it('test_rt_being_added', async () => {
    const cache = new SerializableTokenCache();
    await appWith(cache).acquireTokenByAuthorizationCode('code', ['s']);
    expect(refreshTokens(cache)).toEqual(['new']);
  });

  it('test_rt_being_updated', async () => {
    const cache = new SerializableTokenCache();
    populate(cache, {
      client_id: 'client_id',
      scope: ['s'],
      token_endpoint: `${authority}/oauth2/v2.0/token`,
      response: buildResponse({ refresh_token: 'old', uid: 'uid', utid: 'utid' }),
    });
    const app = appWith(cache);
    const [account] = await app.getAccounts();
    await app.acquireTokenSilentWithError(['s'], account, { forceRefresh: true });
    // The new RT replaces the old one, rather than being added next to it.
    expect(refreshTokens(cache)).toEqual(['new']);
  });

  it('test_rt_being_migrated', async () => {
    // Migration adds the RT it receives; there is no cached RT to update.
    const cache = new SerializableTokenCache();
    await appWith(cache).acquireTokenByRefreshToken('old', ['s']);
    expect(refreshTokens(cache)).toEqual(['new']);
  });
});
