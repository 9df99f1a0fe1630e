/**
 * With a cache that has access hooks (a PersistentTokenCache), a facade call
 * that changed the cache resolves only after afterAccess() did, and every
 * cache-changing public method is covered.
 */
import { describe, expect, it } from 'vitest';
import { ConfidentialClientApplication } from '../../../lib/app/confidential-client-application.js';
import { PublicClientApplication } from '../../../lib/app/public-client-application.js';
import { SerializableTokenCache } from '../../../lib/cache/serializable-token-cache.js';
import { minimalResponse, ScriptedHttpClient } from '../../conformance/support/msal-python.js';
import { authorityMetadataFor, instanceDiscoveryMetadata } from '../../support/offline-entra.js';
import { CLIENT_ID, TENANT, userResponse } from '../cache/fixtures.js';

/** A cache with hooks whose afterAccess() finishes only when the test says so. */
class GatedCache extends SerializableTokenCache {
  afterCalls = 0;
  private opened: Array<() => void> = [];
  async beforeAccess(): Promise<void> {}
  afterAccess(): Promise<void> {
    this.afterCalls++;
    return new Promise((resolve) => this.opened.push(resolve));
  }
  release(): void {
    for (const open of this.opened.splice(0)) open();
  }
}

const offline = { authority: `https://login.microsoftonline.com/${TENANT}`, authorityMetadata: authorityMetadataFor(TENANT), instanceDiscoveryMetadata };

describe('facade calls with a persistent cache', () => {
  it('resolve only after the cache write they caused is done; a cache hit waits for nothing', async () => {
    const tokenCache = new GatedCache();
    const http = new ScriptedHttpClient({ post: () => minimalResponse(200, userResponse({ accessToken: 'at', refreshToken: 'rt' })) });
    const app = new PublicClientApplication({ clientId: CLIENT_ID, ...offline, tokenCache, httpClient: http });
    let settled = false;
    const call = app.acquireTokenByAuthorizationCode('code', ['User.Read'], { redirectUri: 'http://localhost' }).then((r) => {
      settled = true;
      return r;
    });
    await expect.poll(() => tokenCache.afterCalls).toBe(1);
    expect(settled).toBe(false);
    tokenCache.release();
    expect(await call).toMatchObject({ access_token: 'at' });

    const [account] = await app.getAccounts();
    expect(await app.acquireTokenSilent(['User.Read'], account)).toMatchObject({ token_source: 'cache' });
    expect(tokenCache.afterCalls).toBe(1);
  });

  it('cover every acquireToken* method, removeAccount and removeTokensForClient of both kinds of app', () => {
    const apps = [
      new PublicClientApplication({ clientId: CLIENT_ID, ...offline, tokenCache: new GatedCache() }),
      new ConfidentialClientApplication({ clientId: CLIENT_ID, clientCredential: 'secret', ...offline, tokenCache: new GatedCache() }),
    ];
    for (const app of apps) {
      const names = new Set<string>();
      for (let p: object | null = Object.getPrototypeOf(app); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
        for (const name of Object.getOwnPropertyNames(p)) if (/^(acquireToken|removeAccount$|removeTokensForClient$)/.test(name)) names.add(name);
      }
      expect(names.size).toBeGreaterThan(5);
      for (const name of names) expect(Object.hasOwn(app, name), `${app.constructor.name}.${name}`).toBe(true);
    }
    // Without hooks nothing is wrapped: an in-memory cache pays nothing.
    const plain = new PublicClientApplication({ clientId: CLIENT_ID, ...offline });
    expect(Object.hasOwn(plain, 'acquireTokenSilent')).toBe(false);
  });
});
