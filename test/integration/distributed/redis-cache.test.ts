/**
 * DistributedTokenCache on a real redis-server: partitions per user, per OBO
 * assertion and per app; encryption at rest; TTLs from token lifetimes; and
 * faults (Redis killed and restarted, Redis that never answers) that end in
 * bounded time, fall through to the identity provider and lose no token.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { ConfidentialClientApplication } from '../../../lib/app/confidential-client-application.js';
import type { Logger } from '../../../lib/app/logger.js';
import { DistributedTokenCache } from '../../../lib/cache/distributed/distributed-token-cache.js';
import type { TokenResult } from '../../../lib/oauth2/types.js';
import type { Account } from '../../../lib/app/account.js';
import { CLIENT_SECRET, CONFIDENTIAL_CLIENT_ID, startLocalEntra, type LocalEntra } from '../../support/entra.js';
import { startRedis, startSilentServer, type TestRedis } from '../../support/redis.js';
import { signJwt } from '../../support/sts/tokens.js';

const SCOPES = ['api://downstream/read'];
const APP_SCOPES = ['api://downstream/.default'];
let entra: LocalEntra;
let redis: TestRedis;
const caches: DistributedTokenCache[] = [];

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, log: (level: string, message: string) => void (level === 'warning' && warnings.push(message)) } as Logger & { warnings: string[] };
}

async function newCache(options: Partial<Parameters<typeof DistributedTokenCache.redis>[0]> = {}, url = redis.url): Promise<DistributedTokenCache> {
  const cache = await DistributedTokenCache.redis({ url, storeTimeoutMs: 500, ...options });
  caches.push(cache);
  return cache;
}

function newApp(tokenCache: DistributedTokenCache): ConfidentialClientApplication {
  return new ConfidentialClientApplication({ ...entra.appOptions(CONFIDENTIAL_CLIENT_ID), clientCredential: CLIENT_SECRET, tokenCache });
}

/** The account as a web app keeps it in its session after the sign-in. */
async function accountOf(app: ConfidentialClientApplication, username: string): Promise<Account> {
  const [account] = await app.getAccounts(username);
  if (!account) throw new Error(`${username} is not in this instance's cache`);
  return account;
}

const tokenRequests = () => entra.sts.requests.filter((r) => r.path.endsWith('/oauth2/v2.0/token'));

const rawClient = () => createClient({ url: redis.url });

/** A plain node-redis client, to look at what the cache stored. */
async function withRedis<T>(fn: (c: ReturnType<typeof rawClient>) => Promise<T>): Promise<T> {
  const c = rawClient();
  await c.connect();
  try {
    return await fn(c);
  } finally {
    c.destroy();
  }
}

/** The partitions in Redis. */
const redisKeys = () => withRedis(async (c) => (await c.keys('brokerbridge:*')).filter((k) => !k.endsWith('invalidate')).sort());

beforeAll(async () => {
  entra = await startLocalEntra();
});
afterAll(async () => {
  await entra.stop();
});
beforeEach(async () => {
  redis = await startRedis();
  entra.sts.requests.length = 0;
});
afterEach(async () => {
  for (const c of caches.splice(0)) await c.close().catch(() => {});
  await redis.stop();
});

describe('DistributedTokenCache on redis-server', () => {
  it('a user signed in on one instance is a silent cache hit on a cold one, with one partition read', async () => {
    const a = newApp(await newCache());
    const signIn = (await a.acquireTokenByUsernamePassword(entra.alice.username, entra.alice.password!, SCOPES)) as TokenResult;
    expect(signIn.token_source).toBe('identity_provider');
    const coldCache = await newCache();
    const b = newApp(coldCache);
    const before = tokenRequests().length;
    const hit = await b.acquireTokenSilent(SCOPES, await accountOf(a, entra.alice.username));
    expect(hit?.token_source).toBe('cache');
    expect(hit?.access_token).toBe(signIn.access_token);
    expect(tokenRequests().length).toBe(before);
    expect(coldCache.partitionCount).toBe(1);
  });

  it('L1 is bounded in entries: least recently used partitions leave memory and come back in one read', async () => {
    const cache = await newCache({ maxEntries: 6 });
    const a = newApp(cache);
    await a.acquireTokenByUsernamePassword(entra.alice.username, entra.alice.password!, SCOPES);
    const alice = await accountOf(a, entra.alice.username);
    await a.acquireTokenByUsernamePassword(entra.bob.username, entra.bob.password!, SCOPES);
    // Each user's partition holds 4 entries (AT, RT, ID token, account): the second pushes the first out.
    expect(cache.entriesInMemory).toBeLessThanOrEqual(6);
    expect(cache.partitionCount).toBe(1);
    const before = tokenRequests().length;
    expect((await a.acquireTokenSilent(SCOPES, alice))?.token_source).toBe('cache');
    expect(tokenRequests().length).toBe(before);
    expect(cache.entriesInMemory).toBeLessThanOrEqual(6);
  });

  it('another instance\'s write makes this instance\'s copy stale; the next call reads the new token', async () => {
    const a = newApp(await newCache());
    const b = newApp(await newCache());
    await a.acquireTokenByUsernamePassword(entra.alice.username, entra.alice.password!, SCOPES);
    const alice = await accountOf(a, entra.alice.username);
    expect((await b.acquireTokenSilent(SCOPES, alice))?.token_source).toBe('cache');
    const refreshed = await a.acquireTokenSilent(SCOPES, alice, { forceRefresh: true });
    // b's copy is stale from the notice, or from the staleness bound at the latest; either way the next read is the store's.
    const deadline = Date.now() + 30_000;
    let seen = await b.acquireTokenSilent(SCOPES, alice);
    while (seen?.access_token !== refreshed?.access_token && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      seen = await b.acquireTokenSilent(SCOPES, alice);
    }
    expect(seen?.access_token).toBe(refreshed?.access_token);
    expect(seen?.token_source).toBe('cache');
  });

  it('OBO and client credentials get partitions of their own; each is found by a cold instance', async () => {
    const a = newApp(await newCache());
    const cc = (await a.acquireTokenForClient(APP_SCOPES)) as TokenResult;
    const incoming = await signJwt(entra.state.key, { oid: entra.alice.oid, tid: entra.alice.tid, sub: entra.alice.oid, exp: Math.floor(Date.now() / 1000) + 600 });
    const obo = (await a.acquireTokenOnBehalfOf(incoming, SCOPES)) as TokenResult;
    const keys = await redisKeys();
    // app (tenant + client), the OBO assertion, and the user the OBO reply's RT and account belong to.
    expect(keys).toHaveLength(3);

    const coldCache = await newCache();
    const b = newApp(coldCache);
    const before = tokenRequests().length;
    expect(((await b.acquireTokenForClient(APP_SCOPES)) as TokenResult).access_token).toBe(cc.access_token);
    expect(coldCache.partitionCount).toBe(1);
    expect(((await b.acquireTokenOnBehalfOf(incoming, SCOPES)) as TokenResult).access_token).toBe(obo.access_token);
    expect(coldCache.partitionCount).toBe(2);
    expect(tokenRequests().length).toBe(before);
  });

  it('encrypts at rest: no secret or account id in Redis; same key reads back, another key falls through', async () => {
    const key = new Uint8Array(32).fill(7);
    const a = newApp(await newCache({ encryptionKey: key }));
    const r = (await a.acquireTokenByUsernamePassword(entra.alice.username, entra.alice.password!, SCOPES)) as TokenResult;
    const dump = await withRedis(async (c) => {
      const all: string[] = [];
      for (const k of await c.keys('brokerbridge:*')) if (!k.endsWith('invalidate')) all.push(k, JSON.stringify(await c.hGetAll(k)));
      return all.join('\n');
    });
    expect(dump).not.toContain(r.access_token);
    expect(dump).not.toContain(r.refresh_token!);
    expect(dump).not.toContain(entra.alice.oid);
    expect(dump).not.toContain(entra.alice.username);

    const account = await accountOf(a, entra.alice.username);
    const same = newApp(await newCache({ encryptionKey: new Uint8Array(32).fill(7) }));
    expect((await same.acquireTokenSilent(SCOPES, account))?.access_token).toBe(r.access_token);
    const other = newApp(await newCache({ encryptionKey: new Uint8Array(32).fill(8) }));
    expect(await other.acquireTokenSilent(SCOPES, account)).toBeNull();
  });

  it('TTLs follow token lifetimes: a partition with an RT lives as long as the RT may, an app partition as its AT', async () => {
    const a = newApp(await newCache({ refreshTokenTtlSeconds: 30 * 86_400 }));
    await a.acquireTokenByUsernamePassword(entra.alice.username, entra.alice.password!, SCOPES);
    await a.acquireTokenForClient(APP_SCOPES);
    const ttls = await withRedis(async (c) => Promise.all((await redisKeys()).map(async (k) => [await c.hLen(k), await c.pTTL(k)] as const)));
    const seconds = ttls.map(([, ms]) => Math.round(ms / 1000)).sort((x, y) => x - y);
    console.log(`partition TTLs (s): ${seconds.join(', ')}`);
    // The app partition: the AT's extended lifetime at most. The user's: the RT lifetime given.
    expect(seconds[0]).toBeGreaterThan(60);
    expect(seconds[0]).toBeLessThanOrEqual(entra.state.extAccessTokenLifetime);
    expect(seconds[1]).toBeGreaterThan(29 * 86_400);
    expect(seconds[1]).toBeLessThanOrEqual(30 * 86_400);
  });

  it('Redis killed and restarted mid-run: calls fall through to the IdP, then the cache recovers and nothing is lost', async () => {
    const logger = recordingLogger();
    const cache = await newCache({ logger });
    const a = newApp(cache);
    await a.acquireTokenByUsernamePassword(entra.alice.username, entra.alice.password!, SCOPES);
    const alice = await accountOf(a, entra.alice.username);
    await redis.kill();
    const started = Date.now();
    const bob = (await a.acquireTokenByUsernamePassword(entra.bob.username, entra.bob.password!, SCOPES)) as TokenResult;
    const forced = await a.acquireTokenSilent(SCOPES, alice, { forceRefresh: true });
    console.log(`with Redis down: sign-in + forced refresh took ${Date.now() - started} ms`);
    expect(bob.token_source).toBe('identity_provider');
    expect(forced?.token_source).toBe('identity_provider');
    expect(logger.warnings.some((w) => w.includes('token cache'))).toBe(true);

    await redis.restart();
    // A write after the restart carries the ones that failed; retry until the client has reconnected.
    const deadline = Date.now() + 60_000;
    while ((await redisKeys()).length < 2) {
      if (Date.now() > deadline) throw new Error('the cache did not recover within 60 s of the restart');
      await a.acquireTokenForClient(APP_SCOPES);
      cache.removeAppTokens(CONFIDENTIAL_CLIENT_ID);
      await cache.afterAccess();
      await new Promise((r) => setTimeout(r, 100));
    }
    const cold = newApp(await newCache());
    expect((await cold.acquireTokenSilent(SCOPES, await accountOf(a, entra.bob.username)))?.access_token).toBe(bob.access_token);
    expect((await cold.acquireTokenSilent(SCOPES, alice))?.access_token).toBe(forced!.access_token);
  });

  it('a Redis that never answers: every call ends within the deadlines and falls through to the IdP', async () => {
    for (const kind of ['silent TCP server', 'SIGSTOPped redis-server'] as const) {
      const silent = kind === 'silent TCP server' ? await startSilentServer() : undefined;
      if (!silent) redis.pause();
      try {
        const logger = recordingLogger();
        const app = newApp(await newCache({ logger, storeTimeoutMs: 300 }, silent?.url ?? redis.url));
        const started = Date.now();
        const cc = (await app.acquireTokenForClient(APP_SCOPES)) as TokenResult;
        const user = (await app.acquireTokenByUsernamePassword(entra.alice.username, entra.alice.password!, SCOPES)) as TokenResult;
        const silentHit = await app.acquireTokenSilent(SCOPES, await accountOf(app, entra.alice.username));
        console.log(`${kind}: client credentials + sign-in + silent took ${Date.now() - started} ms`);
        expect(cc.token_source).toBe('identity_provider');
        expect(user.token_source).toBe('identity_provider');
        // L1 still serves what this instance got.
        expect(silentHit?.access_token).toBe(user.access_token);
        expect(logger.warnings.length).toBeGreaterThan(0);
      } finally {
        for (const c of caches.splice(0)) await c.close().catch(() => {});
        await silent?.stop();
        redis.resume();
      }
    }
  });
});
