import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify, type JWK } from 'jose';
import { PublicClientApplication } from '../../../lib/app/public-client-application.js';
import { SerializableTokenCache } from '../../../lib/cache/serializable-token-cache.js';
import { AbortError, BrowserInteractionTimeoutError, InvalidArgumentError, MalformedResponseError, StateMismatchError, IdTokenError } from '../../../lib/errors.js';
import { PopAuthScheme } from '../../../lib/pop/pop-auth-scheme.js';
import { SshCertAuthScheme } from '../../../lib/pop/ssh-cert.js';
import { generateKeyPairSync } from 'node:crypto';
import type { TokenResult, ErrorResult } from '../../../lib/oauth2/types.js';
import { approveDeviceCode, issueAuthCode, slowDownDeviceCode } from '../../support/sts/token.js';
import { FAMILY_CLIENT_ID, FAMILY_CLIENT_ID_2, startLocalEntra, type LocalEntra } from '../../support/entra.js';

const SCOPES = ['https://graph.microsoft.com/User.Read'];
let entra: LocalEntra;

beforeAll(async () => {
  entra = await startLocalEntra();
});
afterAll(async () => entra.stop());
beforeEach(() => {
  entra.sts.clearFaults();
  entra.sts.requests.length = 0;
  entra.state.accessTokenLifetime = 3600;
  entra.state.refreshIn = undefined;
});

const tokenRequests = () => entra.sts.requestsTo(/\/oauth2\/v2\.0\/token$/);
const newApp = (extra: Record<string, unknown> = {}, clientId?: string) =>
  new PublicClientApplication({ ...entra.appOptions(clientId), ...extra });

async function signedIn(app: PublicClientApplication, user = entra.alice): Promise<TokenResult> {
  const r = await app.acquireTokenByUsernamePassword(user.username, user.password!, SCOPES);
  if ('error' in r) throw new Error(`sign-in failed: ${r.error}: ${r.error_description}`);
  return r as TokenResult;
}

describe('PublicClientApplication against the local STS', () => {
  it('signs in with username/password, caches, and serves the next call from the cache', async () => {
    const app = newApp();
    const first = await signedIn(app);
    expect(first.token_source).toBe('identity_provider');
    expect(first.id_token_claims?.preferred_username).toBe(entra.alice.username);
    expect(first.correlation_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(first).not.toHaveProperty('refresh_in');

    const accounts = await app.getAccounts();
    expect(accounts).toHaveLength(1);
    expect(accounts[0]!.username).toBe(entra.alice.username);
    expect(accounts[0]!.home_account_id).toBe(`${entra.alice.oid}.${entra.alice.tid}`);
    expect(await app.getAccounts('ALICE@contoso.com')).toHaveLength(1);
    expect(await app.getAccounts('nobody@contoso.com')).toHaveLength(0);

    const before = tokenRequests().length;
    const silent = await app.acquireTokenSilent(SCOPES, accounts[0]);
    expect(silent?.token_source).toBe('cache');
    expect(silent?.access_token).toBe(first.access_token);
    expect(tokenRequests().length).toBe(before);
  });

  it('sends telemetry and client headers with every token request', async () => {
    const app = newApp({ appName: 'demo-app', appVersion: '1.2.3' });
    await signedIn(app);
    const h = tokenRequests().at(-1)!.headers;
    expect(h['x-client-sku']).toBe('brokerbridge.node');
    expect(h['x-app-name']).toBe('demo-app');
    expect(h['x-app-ver']).toBe('1.2.3');
    expect(h['client-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(h['x-client-current-telemetry']).toMatch(/^4\|301,0\|/);
    expect(h['x-ms-lib-capability']).toBe('retry-after, h429');
  });

  it('federated users go through user realm discovery and WS-Trust, then the SAML bearer grant', async () => {
    const app = newApp();
    const r = await app.acquireTokenByUsernamePassword(entra.bob.username, entra.bob.password!, SCOPES);
    expect('error' in r).toBe(false);
    expect(entra.federation.rsts.at(-1)?.username).toBe(entra.bob.username);
    expect(tokenRequests().at(-1)!.form.get('grant_type')).toMatch(/saml1_1-bearer|saml2-bearer/);
  });

  it('a wrong password comes back as an error value, not an exception', async () => {
    const r = (await newApp().acquireTokenByUsernamePassword(entra.alice.username, 'wrong', SCOPES)) as ErrorResult;
    expect(r.error).toBe('invalid_grant');
    expect(r.correlation_id).toBeTruthy();
  });

  it('refreshes with the cached refresh token when the access token is about to expire', async () => {
    const app = newApp();
    entra.state.accessTokenLifetime = 120; // inside the 5-minute margin
    const first = await signedIn(app);
    const [account] = await app.getAccounts();
    const silent = await app.acquireTokenSilent(SCOPES, account);
    expect(silent?.token_source).toBe('identity_provider');
    expect(silent?.access_token).not.toBe(first.access_token);
    const rt = tokenRequests().at(-1)!;
    expect(rt.form.get('grant_type')).toBe('refresh_token');
    expect(rt.headers['x-anchormailbox']).toBe(`Oid:${entra.alice.oid}@${entra.alice.tid}`);
  });

  it('forceRefresh and claimsChallenge bypass the cached access token', async () => {
    const app = newApp({ clientCapabilities: ['cp1'] });
    await signedIn(app);
    const [account] = await app.getAccounts();
    const forced = await app.acquireTokenSilent(SCOPES, account, { forceRefresh: true });
    expect(forced?.token_source).toBe('identity_provider');
    const challenged = await app.acquireTokenSilent(SCOPES, account, {
      claimsChallenge: '{"access_token":{"nbf":{"essential":true,"value":"1"}}}',
    });
    expect(challenged?.token_source).toBe('identity_provider');
    const claims = JSON.parse(tokenRequests().at(-1)!.form.get('claims')!);
    expect(claims.access_token.xms_cc.values).toEqual(['cp1']);
    expect(claims.access_token.nbf.essential).toBe(true);
  });

  it('an aging token is refreshed; when the refresh fails the still-valid cached token is served', async () => {
    const app = newApp();
    entra.state.refreshIn = -10; // refresh_on already in the past
    const first = await signedIn(app);
    expect(first.refresh_on).toBeLessThan(Date.now() / 1000);
    const [account] = await app.getAccounts();
    entra.sts.inject({ path: /\/token$/, times: 10, reply: 'reset' });
    const served = await app.acquireTokenSilentWithError(SCOPES, account);
    expect(served).toMatchObject({ token_source: 'cache', access_token: first.access_token });
    entra.sts.clearFaults();
    entra.state.refreshIn = undefined;
    const refreshed = await app.acquireTokenSilent(SCOPES, account);
    expect(refreshed?.token_source).toBe('identity_provider');
  });

  it('a failed refresh is an error value with a classification; acquireTokenSilent gives null', async () => {
    const app = newApp();
    entra.state.accessTokenLifetime = 60;
    await signedIn(app);
    const [account] = await app.getAccounts();
    entra.state.refreshTokens.clear(); // the server forgot every RT: invalid_grant + suberror bad_token
    const withError = (await app.acquireTokenSilentWithError(SCOPES, account)) as ErrorResult;
    expect(withError.error).toBe('invalid_grant');
    expect(withError.classification).toBe('');
    expect(await app.acquireTokenSilent(SCOPES, account)).toBeNull();
  });

  it('nothing cached means null, not an error', async () => {
    const app = newApp();
    expect(await app.acquireTokenSilentWithError(SCOPES, null)).toBeNull();
    const ghost = { home_account_id: 'x.y', environment: 'e', realm: 'r', local_account_id: 'x', username: 'u', authority_type: 'MSSTS' };
    expect(await app.acquireTokenSilentWithError(SCOPES, ghost)).toBeNull();
  });

  it('coalesces concurrent identical silent refreshes into one request', async () => {
    const app = newApp();
    entra.state.accessTokenLifetime = 60;
    await signedIn(app);
    const [account] = await app.getAccounts();
    const before = tokenRequests().length;
    const results = await Promise.all(Array.from({ length: 10 }, () => app.acquireTokenSilent(SCOPES, account)));
    expect(tokenRequests().length - before).toBe(1);
    expect(new Set(results.map((r) => r?.access_token)).size).toBe(1);
  });

  it('concurrent different requests keep the cache consistent', async () => {
    const cache = new SerializableTokenCache();
    const app = newApp({ tokenCache: cache });
    await Promise.all([signedIn(app, entra.alice), signedIn(app, entra.bob)]);
    const accounts = await app.getAccounts();
    expect(accounts.map((a) => a.username).sort()).toEqual([entra.alice.username, entra.bob.username]);
    const blob = JSON.parse(cache.serialize());
    expect(Object.keys(blob.RefreshToken)).toHaveLength(2);
  });

  it('removeAccount forgets the account and its tokens', async () => {
    const app = newApp();
    await signedIn(app);
    const [account] = await app.getAccounts();
    await app.removeAccount(account!);
    expect(await app.getAccounts()).toHaveLength(0);
    expect(await app.acquireTokenSilent(SCOPES, account)).toBeNull();
  });

  it('migrates a refresh token from elsewhere', async () => {
    const donor = newApp();
    const r = await signedIn(donor);
    const app = newApp();
    const migrated = await app.acquireTokenByRefreshToken(r.refresh_token!, SCOPES);
    expect(migrated).toMatchObject({ token_source: 'identity_provider' });
    expect(await app.getAccounts()).toHaveLength(1);
  });

  it('FOCI: a family app signs in silently with a sibling family member\'s refresh token', async () => {
    const cache = new SerializableTokenCache();
    const first = newApp({ tokenCache: cache }, FAMILY_CLIENT_ID);
    await signedIn(first);
    const sibling = newApp({ tokenCache: cache }, FAMILY_CLIENT_ID_2);
    const [account] = await sibling.getAccounts();
    const r = await sibling.acquireTokenSilent(SCOPES, account);
    expect(r?.token_source).toBe('identity_provider');
    expect(tokenRequests().at(-1)!.form.get('client_id')).toBe(FAMILY_CLIENT_ID_2);
  });

  it('FOCI: a non-family app stops at client_mismatch and reports nothing usable', async () => {
    const cache = new SerializableTokenCache();
    await signedIn(newApp({ tokenCache: cache }, FAMILY_CLIENT_ID));
    const outsider = newApp({ tokenCache: cache });
    const [account] = await outsider.getAccounts();
    // As in the reference: family RTs refused with client_mismatch, no RT of its own: nothing to report.
    expect(await outsider.acquireTokenSilentWithError(SCOPES, account)).toBeNull();
    expect(tokenRequests().filter((q) => q.form.get('client_id') === outsider.clientId)).toHaveLength(1);
  });

  it('device flow: honours slow_down and returns the token once approved', async () => {
    entra.state.deviceInterval = 1;
    const app = newApp();
    const flow = await app.initiateDeviceFlow(SCOPES);
    if ('error' in flow) throw new Error(String(flow.error));
    expect(flow.user_code).toBeTruthy();
    slowDownDeviceCode(entra.state, flow.user_code, 1);
    const progress: number[] = [];
    const pending = app.acquireTokenByDeviceFlow(flow, { onProgress: (p) => progress.push(p.attempt) });
    setTimeout(() => approveDeviceCode(entra.state, flow.user_code, entra.alice.username), 1500);
    const r = await pending;
    expect(r).toMatchObject({ token_source: 'identity_provider' });
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(flow.interval).toBe(6); // slow_down added five seconds
    expect(await app.getAccounts()).toHaveLength(1);
  });

  it('device flow: setting expires_at to 0 stops polling', async () => {
    entra.state.deviceInterval = 1;
    const app = newApp();
    const flow = await app.initiateDeviceFlow(SCOPES);
    if ('error' in flow) throw new Error(String(flow.error));
    const pending = app.acquireTokenByDeviceFlow(flow);
    setTimeout(() => (flow.expires_at = 0), 300);
    const r = (await pending) as ErrorResult;
    expect(r.error).toBeTruthy();
  });

  it('device flow: an AbortSignal cancels polling', async () => {
    entra.state.deviceInterval = 1;
    const app = newApp();
    const flow = await app.initiateDeviceFlow(SCOPES);
    if ('error' in flow) throw new Error(String(flow.error));
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    await expect(app.acquireTokenByDeviceFlow(flow, { signal: ac.signal })).rejects.toMatchObject({ code: 'aborted' });
  });

  describe('auth code flow', () => {
    async function authorize(app: PublicClientApplication, opts: { nonce?: string } = {}) {
      const flow = await app.initiateAuthCodeFlow(SCOPES, { redirectUri: 'http://localhost:8400', maxAge: 3600 });
      const url = new URL(flow.auth_uri);
      expect(url.searchParams.get('code_challenge_method')).toBe('S256');
      const code = issueAuthCode(entra.state, {
        clientId: app.clientId,
        username: entra.alice.username,
        scope: url.searchParams.get('scope')!,
        redirectUri: flow.redirect_uri,
        codeChallenge: url.searchParams.get('code_challenge')!,
        codeChallengeMethod: 'S256',
        nonce: opts.nonce ?? url.searchParams.get('nonce') ?? undefined,
      });
      return { flow, code };
    }

    it('redeems the code with PKCE, validating nonce and auth_time', async () => {
      const app = newApp();
      const { flow, code } = await authorize(app);
      const r = await app.acquireTokenByAuthCodeFlow(flow, { code, state: flow.state });
      expect(r).toMatchObject({ token_source: 'identity_provider' });
      expect((r as TokenResult).id_token_claims?.nonce).toBeTruthy();
      expect(tokenRequests().at(-1)!.form.get('code_verifier')).toBe(flow.code_verifier);
    });

    it('a forged state throws StateMismatchError (CSRF)', async () => {
      const app = newApp();
      const { flow, code } = await authorize(app);
      await expect(app.acquireTokenByAuthCodeFlow(flow, { code, state: 'forged' })).rejects.toBeInstanceOf(StateMismatchError);
    });

    it('an error from the authorization server is returned as a value', async () => {
      const app = newApp();
      const { flow } = await authorize(app);
      const r = (await app.acquireTokenByAuthCodeFlow(flow, { error: 'access_denied', error_description: 'no', state: flow.state })) as ErrorResult;
      expect(r.error).toBe('access_denied');
    });

    it('deprecated pair: getAuthorizationRequestUrl then acquireTokenByAuthorizationCode (PKCE kept by state)', async () => {
      const app = newApp();
      const url = new URL(await app.getAuthorizationRequestUrl(SCOPES, { redirectUri: 'http://localhost:8400', state: 's-1', nonce: 'n-1' }));
      expect(url.searchParams.get('nonce')).toBe('n-1');
      expect(url.searchParams.get('code_challenge_method')).toBe('S256');
      const code = issueAuthCode(entra.state, {
        clientId: app.clientId,
        username: entra.alice.username,
        scope: url.searchParams.get('scope')!,
        redirectUri: 'http://localhost:8400',
        codeChallenge: url.searchParams.get('code_challenge')!,
        codeChallengeMethod: 'S256',
        nonce: 'n-1',
      });
      const r = await app.acquireTokenByAuthorizationCode(code, SCOPES, { redirectUri: 'http://localhost:8400', state: 's-1', nonce: 'n-1' });
      expect(r).toMatchObject({ token_source: 'identity_provider' });
    });

    it('an ID token with another nonce is rejected', async () => {
      const app = newApp();
      const { flow, code } = await authorize(app, { nonce: 'someone-else' });
      await expect(app.acquireTokenByAuthCodeFlow(flow, { code, state: flow.state })).rejects.toBeInstanceOf(IdTokenError);
    });
  });

  it('PoP without a broker: a bound token and a verifiable signed HTTP request', async () => {
    const app = newApp();
    expect(app.isPopSupported()).toBe(true);
    await signedIn(app);
    const [account] = await app.getAccounts();
    const scheme = new PopAuthScheme({ httpMethod: 'GET', url: 'https://api.contoso.com/v1/items?x=1', nonce: 'server-nonce' });
    const r = await app.acquireTokenSilent(SCOPES, account, { authScheme: scheme });
    expect(r?.token_type).toBe('pop');
    const shr = r!.access_token;
    const header = decodeProtectedHeader(shr);
    expect(header.typ).toBe('pop');
    const claims = decodeJwt(shr) as { cnf: { jwk: JWK }; at: string; m: string; u: string; p: string; nonce: string };
    await jwtVerify(shr, await importJWK(claims.cnf.jwk, 'RS256'));
    expect(claims).toMatchObject({ m: 'GET', u: 'api.contoso.com', p: '/v1/items', nonce: 'server-nonce' });
    expect((decodeJwt(claims.at) as { cnf?: { kid?: string } }).cnf?.kid).toBe(header.kid);
    expect(tokenRequests().at(-1)!.form.get('token_type')).toBe('pop');

    // The bound AT is cached under its key id: the next call signs again without the network.
    const before = tokenRequests().length;
    const again = await app.acquireTokenSilent(SCOPES, account, { authScheme: scheme });
    expect(again?.token_type).toBe('pop');
    expect(tokenRequests().length).toBe(before);
    // A bearer request does not get the bound token.
    expect((await app.acquireTokenSilent(SCOPES, account))?.token_type).not.toBe('pop');
  });

  it('SSH certificates: req_cnf carries the public key, and the certificate is cached under key_id', async () => {
    const app = newApp();
    await signedIn(app);
    const [account] = await app.getAccounts();
    const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
    const scheme = new SshCertAuthScheme({ publicKeyJwk: { kty: 'RSA', n: jwk.n!, e: jwk.e! }, keyId: 'my-ssh-key' });
    const r = await app.acquireTokenSilent(['https://pas.windows.net/CheckMyAccess/Linux/.default'], account, { authScheme: scheme });
    expect(r?.token_type).toBe('ssh-cert');
    expect(r?.access_token).toMatch(/^ssh-rsa-cert-v01@openssh\.com /);
    const form = tokenRequests().at(-1)!.form;
    expect(form.get('token_type')).toBe('ssh-cert');
    expect(JSON.parse(form.get('req_cnf')!)).toMatchObject({ kty: 'RSA', n: jwk.n });
    expect(form.get('key_id')).toBe('my-ssh-key');
    const before = tokenRequests().length;
    const again = await app.acquireTokenSilent(['https://pas.windows.net/CheckMyAccess/Linux/.default'], account, { authScheme: scheme });
    expect(again?.access_token).toBe(r?.access_token);
    expect(tokenRequests().length).toBe(before);
    expect(() => new SshCertAuthScheme({ publicKeyJwk: { kty: 'RSA', n: jwk.n!, e: jwk.e! }, keyId: '' })).toThrow(InvalidArgumentError);
  });

  it('interactive sign-in that nobody completes: a typed timeout, or an abort, and the loopback port is released', async () => {
    const app = newApp();
    let redirect: string | undefined;
    const idle = async (url: string) => {
      redirect = new URL(url).searchParams.get('redirect_uri') ?? undefined;
    };
    await expect(app.acquireTokenInteractive(SCOPES, { browserLauncher: idle, timeout: 0.5 })).rejects.toBeInstanceOf(BrowserInteractionTimeoutError);
    await expect(fetch(redirect!)).rejects.toThrow(); // nothing listens any more
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    await expect(app.acquireTokenInteractive(SCOPES, { browserLauncher: idle, signal: ac.signal })).rejects.toBeInstanceOf(AbortError);
  });

  it('never logs tokens or personal data unless PII logging is on', async () => {
    const lines: Array<{ message: string; pii: boolean }> = [];
    const app = newApp({ logger: { level: 'verbose', callback: (_l: string, message: string, pii: boolean) => lines.push({ message, pii }) } });
    entra.state.accessTokenLifetime = 60;
    const r = await signedIn(app);
    const [account] = await app.getAccounts();
    await app.acquireTokenSilent(SCOPES, account);
    await app.acquireTokenByUsernamePassword(entra.alice.username, 'wrong', SCOPES);
    const secrets = [r.access_token, r.refresh_token!, r.id_token!, entra.alice.username, entra.alice.password!];
    expect(lines.length).toBeGreaterThan(0);
    for (const { message } of lines) for (const secret of secrets) expect(message).not.toContain(secret);
    expect(lines.every((l) => !l.pii)).toBe(true);
  });

  it('a malformed token endpoint reply throws a typed error', async () => {
    const app = newApp();
    entra.sts.inject({ path: /\/token$/, reply: 'malformed' });
    await expect(app.acquireTokenByUsernamePassword(entra.alice.username, entra.alice.password!, SCOPES)).rejects.toBeInstanceOf(MalformedResponseError);
  });

  it('rejects bad arguments with stable codes', async () => {
    expect(() => new PublicClientApplication({ clientId: '' })).toThrow(InvalidArgumentError);
    const app = newApp();
    await expect(app.acquireTokenSilent('User.Read' as unknown as string[], null)).rejects.toMatchObject({ code: 'invalid_argument' });
    expect(() => app.acquireTokenSilent(['openid'], null)).not.toThrow();
    await expect(app.acquireTokenByUsernamePassword(entra.alice.username, entra.alice.password!, ['openid'])).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });
});
