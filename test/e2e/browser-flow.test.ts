/**
 * End to end: a real OpenID Provider (node-oidc-provider) and a real browser
 * (headless Chromium) driving runBrowserFlow; the code that lands on the
 * loopback server is redeemed with the library's token client.
 */
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserInteractionTimeoutError } from '../../lib/errors.js';
import { createFetchHttpClient } from '../../lib/http/fetch-client.js';
import { runBrowserFlow } from '../../lib/interactive/interactive-flow.js';
import { nonceHash } from '../../lib/oauth2/auth-code-flow.js';
import { initiateDeviceFlow, pollDeviceFlow, type DeviceFlow } from '../../lib/oauth2/device-flow.js';
import { byAuthorizationCode, byDeviceCode, byRefreshToken } from '../../lib/oauth2/grants.js';
import { TokenClient } from '../../lib/oauth2/token-client.js';
import { isErrorResult, type ErrorResponse, type TokenResponse } from '../../lib/oauth2/types.js';
import { startTestBrowser, type TestBrowser } from '../support/browser.js';
import { startOidcProvider, type OidcProviderHandle } from '../support/oidc-provider.js';

interface Metadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  device_authorization_endpoint: string;
  jwks_uri: string;
}

function expectTokens(r: TokenResponse | ErrorResponse): TokenResponse {
  if (isErrorResult(r)) throw new Error(`token endpoint error: ${r.error}: ${r.error_description ?? ''}`);
  return r;
}

describe('browser sign-in against a real OpenID Provider', () => {
  let op: OidcProviderHandle;
  let browser: TestBrowser;
  let metadata: Metadata;
  let tokens: TokenClient;
  const http = createFetchHttpClient({ timeoutMs: 10_000 });

  beforeAll(async () => {
    op = await startOidcProvider();
    browser = await startTestBrowser();
    metadata = (await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).json()) as Metadata;
    tokens = new TokenClient({ http, clientId: op.publicClientId, clientInfo: false });
  });
  afterAll(async () => {
    await browser?.close();
    await op?.stop();
  });

  const scopes = ['openid', 'profile', 'offline_access'];

  it('signs in through the login and consent pages and redeems the code with PKCE', async () => {
    const { authResponse, flow } = await runBrowserFlow({
      authorizationEndpoint: metadata.authorization_endpoint,
      clientId: op.publicClientId,
      scopes,
      extraScopesToConsent: ['email'],
      prompt: 'consent',
      loginHint: op.account.username,
      timeoutMs: 45_000,
      launcher: browser.launcher(),
    });
    expect(authResponse.code).toBeTruthy();
    expect(authResponse.iss).toBe(op.issuer); // RFC 9207, passed through untouched
    expect(await browser.lastPageText()).toContain('Authentication complete');

    const result = expectTokens(
      await byAuthorizationCode(tokens, metadata.token_endpoint, {
        code: authResponse.code!,
        redirectUri: flow.redirect_uri!,
        codeVerifier: flow.code_verifier,
        scopes: flow.scope,
      }),
    );
    expect(result.access_token).toBeTruthy();
    expect(result.refresh_token).toBeTruthy();
    expect(result.token_type).toBe('Bearer');

    const { payload } = await jwtVerify(result.id_token!, createRemoteJWKSet(new URL(metadata.jwks_uri)), {
      issuer: op.issuer,
      audience: op.publicClientId,
    });
    expect(payload.nonce).toBe(nonceHash(flow.nonce));
    expect(payload.sub).toBe(op.account.claims.sub);
    expect(payload.preferred_username).toBe(op.account.claims.preferred_username);

    const refreshed = expectTokens(
      await byRefreshToken(tokens, metadata.token_endpoint, { refreshToken: result.refresh_token!, scopes: flow.scope }),
    );
    expect(refreshed.access_token).toBeTruthy();
  });

  it('rejects redeeming the code without the PKCE verifier', async () => {
    const { authResponse, flow } = await runBrowserFlow({
      authorizationEndpoint: metadata.authorization_endpoint,
      clientId: op.publicClientId,
      scopes,
      timeoutMs: 45_000,
      launcher: browser.launcher(),
    });
    const wrong = await byAuthorizationCode(tokens, metadata.token_endpoint, {
      code: authResponse.code!,
      redirectUri: flow.redirect_uri!,
      codeVerifier: 'x'.repeat(64),
      scopes: flow.scope,
    });
    expect(isErrorResult(wrong) && wrong.error).toBe('invalid_grant');
  });

  it('receives the code by form_post', async () => {
    const { authResponse, flow } = await runBrowserFlow({
      authorizationEndpoint: metadata.authorization_endpoint,
      clientId: op.publicClientId,
      scopes,
      responseMode: 'form_post',
      timeoutMs: 45_000,
      launcher: browser.launcher(),
    });
    expect(authResponse.code).toBeTruthy();
    const result = expectTokens(
      await byAuthorizationCode(tokens, metadata.token_endpoint, {
        code: authResponse.code!,
        redirectUri: flow.redirect_uri!,
        codeVerifier: flow.code_verifier,
        scopes: flow.scope,
      }),
    );
    expect(result.id_token).toBeTruthy();
  });

  it('returns the provider error when the user is refused, and shows it escaped', async () => {
    const { authResponse } = await runBrowserFlow({
      authorizationEndpoint: metadata.authorization_endpoint,
      clientId: op.publicClientId,
      scopes,
      // prompt=none with no session: the provider must redirect back with an error instead of showing UI.
      prompt: 'none',
      extraQueryParameters: { ui_locales: 'en' },
      timeoutMs: 45_000,
      launcher: browser.launcher(),
    });
    expect(authResponse.error).toMatch(/^(login|consent|interaction)_required$/);
    expect(authResponse.code).toBeUndefined();
    expect(await browser.lastPageText()).toContain(authResponse.error);
  });

  it('times out when the user never finishes', async () => {
    await expect(
      runBrowserFlow({
        authorizationEndpoint: metadata.authorization_endpoint,
        clientId: op.publicClientId,
        scopes,
        prompt: 'consent',
        timeoutMs: 3_000,
        launcher: browser.launcher({ consent: false }),
      }),
    ).rejects.toBeInstanceOf(BrowserInteractionTimeoutError);
  });

  it('completes the device flow through the provider device page', async () => {
    const flow = (await initiateDeviceFlow(http, metadata.device_authorization_endpoint, {
      clientId: op.publicClientId,
      scope: scopes.join(' '),
    })) as DeviceFlow;
    expect(flow.user_code).toBeTruthy();
    await browser.enterDeviceCode(flow.verification_uri!, flow.user_code);
    expect(await browser.lastPageText()).toContain('Sign-in Success');
    const result = expectTokens(
      await pollDeviceFlow((deviceCode) => byDeviceCode(tokens, metadata.token_endpoint, { deviceCode }), flow),
    );
    expect(result.access_token).toBeTruthy();
    expect(result.id_token).toBeTruthy();
  });
});
