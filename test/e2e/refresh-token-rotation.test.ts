/**
 * Refresh token rotation against a real OpenID Provider: node-oidc-provider
 * rotates the refresh tokens of public clients and revokes the whole grant when
 * an old one comes back. It sends no client_info, so the account is keyed by the
 * ID token's `sub`, as MSAL Python does it; and, as many providers do, its
 * refresh replies here carry no ID token, so nothing in them names the account.
 * Each silent refresh must send the refresh token the previous one returned, and
 * the cache must hold only that one, still the account's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetchHttpClient } from '../../lib/http/fetch-client.js';
import type { HttpClient } from '../../lib/http/types.js';
import { PublicClientApplication, SerializableTokenCache, isErrorResult } from '../../lib/index.js';
import { startTestBrowser, type TestBrowser } from '../support/browser.js';
import { startOidcProvider, type OidcProviderHandle } from '../support/oidc-provider.js';

let op: OidcProviderHandle;
let browser: TestBrowser;

beforeAll(async () => {
  op = await startOidcProvider();
  browser = await startTestBrowser();
});
afterAll(async () => {
  await browser?.close();
  await op?.stop();
});

/**
 * The refresh tokens the app sends and the ones the provider hands back, in
 * order; refresh replies lose their ID token on the way.
 */
function recordingHttp(): { http: HttpClient; sent: string[]; received: string[] } {
  const inner = createFetchHttpClient();
  const sent: string[] = [];
  const received: string[] = [];
  const http: HttpClient = {
    async send(request) {
      const form = new URLSearchParams(request.method === 'POST' ? (request.body ?? '') : '');
      const response = await inner.send(request);
      if (request.method !== 'POST') return response;
      const reply = JSON.parse(response.body || '{}') as { refresh_token?: unknown; id_token?: unknown };
      if (typeof reply.refresh_token === 'string') received.push(reply.refresh_token);
      if (form.get('grant_type') !== 'refresh_token') return response;
      sent.push(form.get('refresh_token') ?? '');
      delete reply.id_token;
      return { ...response, body: JSON.stringify(reply) };
    },
  };
  return { http, sent, received };
}

describe('refresh token rotation (node-oidc-provider, no client_info)', () => {
  it('each refresh sends the newest refresh token and replaces the cached one: rt0, rt1, rt2', async () => {
    const { http, sent, received } = recordingHttp();
    const tokenCache = new SerializableTokenCache();
    const app = new PublicClientApplication({ clientId: op.publicClientId, oidcAuthority: op.issuer, allowHttpLoopbackAuthority: true, httpClient: http, tokenCache });
    const signIn = await app.acquireTokenInteractive(['email'], { browserLauncher: browser.launcher(), timeout: 45, loginHint: 'alice' });
    if (isErrorResult(signIn)) throw new Error(`${signIn.error}: ${signIn.error_description}`);
    const [account] = await app.getAccounts();
    expect(account?.home_account_id).toBe('alice');

    for (let i = 0; i < 3; i++) {
      const refreshed = await app.acquireTokenSilentWithError(['email'], account, { forceRefresh: true });
      if (!refreshed || isErrorResult(refreshed)) throw new Error(`refresh ${i + 1} failed: ${JSON.stringify(refreshed)}`);
      expect(refreshed.token_source).toBe('identity_provider');
    }
    // The provider rotated every time; we always sent the one it handed out last.
    expect(received).toHaveLength(4);
    expect(new Set(received).size).toBe(4);
    expect(sent).toEqual(received.slice(0, 3));

    const rts = Object.values(JSON.parse(tokenCache.serialize()).RefreshToken as Record<string, { secret: string; home_account_id: unknown }>);
    expect(rts).toEqual([expect.objectContaining({ secret: received[3], home_account_id: 'alice' })]);
  });
});
