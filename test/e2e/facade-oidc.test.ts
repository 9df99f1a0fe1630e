/**
 * The public facade end to end against a real OpenID Provider and a real
 * headless browser: interactive sign-in, device code, and a web app's auth code flow.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfidentialClientApplication, PublicClientApplication, isErrorResult, type TokenResult } from '../../lib/index.js';
import { startTestBrowser, type TestBrowser } from '../support/browser.js';
import { startOidcProvider, type OidcProviderHandle } from '../support/oidc-provider.js';
import { runDemo } from '../../examples/demo.js';

let op: OidcProviderHandle;
let browser: TestBrowser;
let callbackServer: Server;
let callbackUrl: string;
let lastCallback: ((query: Record<string, string>) => void) | undefined;

beforeAll(async () => {
  callbackServer = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    lastCallback?.(Object.fromEntries(url.searchParams));
    res.end('ok');
  });
  await new Promise<void>((r) => callbackServer.listen(0, '127.0.0.1', r));
  callbackUrl = `http://localhost:${(callbackServer.address() as AddressInfo).port}/auth/callback`;
  op = await startOidcProvider({ webRedirectUris: [callbackUrl] });
  browser = await startTestBrowser();
});
afterAll(async () => {
  await browser?.close();
  await op?.stop();
  callbackServer?.close();
});

const publicApp = () =>
  new PublicClientApplication({ clientId: op.publicClientId, oidcAuthority: op.issuer, allowHttpLoopbackAuthority: true });

describe('facade against node-oidc-provider', () => {
  it('acquireTokenInteractive through the browser, then silently from the cache and by refresh', async () => {
    const app = publicApp();
    const r = await app.acquireTokenInteractive(['email'], { browserLauncher: browser.launcher(), timeout: 45, loginHint: 'alice' });
    if (isErrorResult(r)) throw new Error(`${r.error}: ${r.error_description}`);
    expect(r.token_source).toBe('identity_provider');
    expect(r.id_token_claims).toMatchObject({ sub: 'alice', iss: op.issuer, aud: op.publicClientId });
    const [account] = await app.getAccounts();
    expect(account?.username).toBe('alice@example.test');
    expect((await app.acquireTokenSilent(['email'], account))?.token_source).toBe('cache');
    const refreshed = (await app.acquireTokenSilentWithError(['email'], account, { forceRefresh: true })) as TokenResult;
    expect(refreshed).toMatchObject({ token_source: 'identity_provider' });
    expect(refreshed?.access_token).not.toBe(r.access_token);
  });

  it('device code flow: the user types the code into the provider\'s page', async () => {
    const app = publicApp();
    const flow = await app.initiateDeviceFlow(['email']);
    if (isErrorResult(flow)) throw new Error(String(flow.error));
    const entering = browser.enterDeviceCode(String(flow.verification_uri), flow.user_code);
    const r = await app.acquireTokenByDeviceFlow(flow);
    await entering;
    expect(r).toMatchObject({ token_source: 'identity_provider' });
    expect((r as TokenResult).id_token_claims?.sub).toBe('alice');
  });

  it('web app: initiateAuthCodeFlow, the browser signs in, the redirect is redeemed', async () => {
    const app = new ConfidentialClientApplication({
      clientId: op.webClient.clientId,
      clientCredential: op.webClient.clientSecret,
      oidcAuthority: op.issuer,
      allowHttpLoopbackAuthority: true,
    });
    const flow = await app.initiateAuthCodeFlow(['email'], { redirectUri: callbackUrl });
    const arrived = new Promise<Record<string, string>>((resolve) => (lastCallback = resolve));
    await browser.launcher()(flow.auth_uri);
    const authResponse = await arrived;
    const r = await app.acquireTokenByAuthCodeFlow(flow, authResponse);
    if (isErrorResult(r)) throw new Error(`${r.error}: ${r.error_description}`);
    expect(r.id_token_claims?.sub).toBe('alice');
    expect(await app.getAccounts()).toHaveLength(1);
  });

  it('the README demo signs in and then serves the token from the cache', async () => {
    const lines: string[] = [];
    expect(await runDemo({ log: (l) => lines.push(l) })).toBe(0);
    expect(lines.join('\n')).toMatch(/Silent call: token_source=cache \(same token: true\)/);
  });
});
