/**
 * Two apps (as two processes would) sharing one encrypted cache file through
 * the facade, against the local STS: a sign-in by one is seen by the other,
 * and a sign-out by one signs the other out too.
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PublicClientApplication } from '../../../lib/app/public-client-application.js';
import { PersistentTokenCache } from '../../../lib/cache/persistence/persistent-token-cache.js';
import type { TokenResult } from '../../../lib/oauth2/types.js';
import { startLocalEntra, type LocalEntra } from '../../support/entra.js';
import { MemoryKeyStore, tempDir } from '../../unit/persistence/support.js';

const SCOPES = ['https://graph.microsoft.com/User.Read'];
let entra: LocalEntra;
beforeAll(async () => {
  entra = await startLocalEntra();
});
afterAll(async () => entra.stop());

describe('PersistentTokenCache behind the facade', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it('what one app caches the other finds, without a network call; sign-out is shared too', async () => {
    const keyStore = new MemoryKeyStore();
    const path = join(dir, 'shared.bin');
    // Both caches are open before anything is cached: app B must pick up A's tokens at access time.
    const cacheA = await PersistentTokenCache.create({ path, keyStore });
    const cacheB = await PersistentTokenCache.create({ path, keyStore });
    const appA = new PublicClientApplication({ ...entra.appOptions(), tokenCache: cacheA });
    const appB = new PublicClientApplication({ ...entra.appOptions(), tokenCache: cacheB });

    const signIn = (await appA.acquireTokenByUsernamePassword(entra.alice.username, entra.alice.password!, SCOPES)) as TokenResult;
    expect(signIn.access_token).toBeTypeOf('string');
    await cacheA.afterAccess();
    const tokenCalls = entra.sts.requestsTo(/\/oauth2\/v2\.0\/token$/).length;

    const [account] = await appB.getAccounts();
    expect(account?.username).toBe(entra.alice.username);
    const silent = (await appB.acquireTokenSilent(SCOPES, account)) as TokenResult;
    expect(silent.token_source).toBe('cache');
    expect(silent.access_token).toBe(signIn.access_token);
    expect(entra.sts.requestsTo(/\/oauth2\/v2\.0\/token$/)).toHaveLength(tokenCalls);

    await appB.removeAccount(account!);
    expect(await appA.getAccounts()).toEqual([]);
  });
});
