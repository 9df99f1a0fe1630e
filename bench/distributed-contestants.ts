/**
 * The two distributed caches the Redis benchmark compares, on the same Redis
 * and the same generated users: brokerbridge's DistributedTokenCache and
 * @azure/msal-node's DistributedCachePlugin (a partition per user, read whole
 * from Redis and deserialized on every access, written whole after a change),
 * each behind its own ConfidentialClientApplication, offline.
 */
import { createClient } from 'redis';
import {
  ConfidentialClientApplication as MsalCca,
  DistributedCachePlugin,
  LogLevel,
  TokenCacheContext,
  type AccountInfo,
  type ICacheClient,
  type INetworkModule,
  type IPartitionManager,
} from '@azure/msal-node';
import { ConfidentialClientApplication, DistributedTokenCache, type Account, type HttpClient } from '../lib/index.js';
import { AUTHORITY, CLIENT_ID, ENVIRONMENT, SCOPES, TENANT_ID, instanceDiscoveryMetadata, openIdConfiguration } from './fixture.js';
import { generateCache } from './gen-cache.js';

export const MSAL_PREFIX = 'msal:';
const a = (u: BenchUser) => u.account.home_account_id;
const SECRET = 'bench-secret';

/** One generated user: its Account entry and the access token a silent call must return. */
export interface BenchUser {
  account: Account;
  secret: string;
}

const newClient = (url: string) => createClient({ url });
export type RedisClient = ReturnType<typeof newClient>;

export async function connectRedis(url: string): Promise<RedisClient> {
  const client = newClient(url);
  client.on('error', () => {});
  await client.connect();
  return client;
}

export interface Contestant {
  silent(user: BenchUser): Promise<string | undefined>;
  /** Caches one new token for the user (cache work only: no identity provider), until it is in Redis. */
  write(user: BenchUser, n: number): Promise<void>;
  /** Untimed work before each write (msal-node: the fresh app per request its distributed cache needs). */
  prepareWrite?(): void;
  close(): Promise<void>;
}

const refuse: HttpClient = { send: (r) => Promise.reject(new Error(`redis bench: unexpected ${r.method} ${r.url}`)) };

export async function brokerbridge(url: string): Promise<Contestant> {
  const cache = await DistributedTokenCache.redis({ url, storeTimeoutMs: 30_000 });
  const app = new ConfidentialClientApplication({
    clientId: CLIENT_ID,
    authority: AUTHORITY,
    authorityMetadata: openIdConfiguration(),
    instanceDiscoveryMetadata: instanceDiscoveryMetadata(),
    httpClient: refuse,
    clientCredential: SECRET,
    tokenCache: cache,
  });
  await app.getAccounts(); // resolves the (offline) authority, as the first request of a web app would
  const scopes = [...SCOPES];
  return {
    silent: async (u) => (await app.acquireTokenSilent(scopes, u.account))?.access_token,
    async write(u, n) {
      await cache.beforeAccess({ kind: 'user', homeAccountId: u.account.home_account_id });
      cache.add({
        clientId: CLIENT_ID,
        environment: ENVIRONMENT,
        realm: u.account.realm,
        scopes: [`api://bench/w${n}`],
        homeAccountId: u.account.home_account_id,
        response: { access_token: `w-${n}`, token_type: 'Bearer', expires_in: 3600 },
      });
      await cache.afterAccess();
    },
    close: () => cache.close(),
  };
}

export async function msalNode(url: string): Promise<Contestant> {
  const redis = await connectRedis(url);
  const client: ICacheClient = {
    get: async (key) => (await redis.get(key)) ?? '',
    set: async (key, value) => (await redis.set(key, value)) ?? '',
  };
  // The partition manager of a web app reads the user from the request's session; here, the current call's user.
  let current = '';
  const partitions: IPartitionManager = {
    getKey: async () => MSAL_PREFIX + current,
    extractKey: async (account) => MSAL_PREFIX + account.homeAccountId,
  };
  const plugin = new DistributedCachePlugin(client, partitions);
  const refuseUrl = (u: string) => Promise.reject(new Error(`redis bench: msal-node tried ${u}`));
  const networkClient: INetworkModule = { sendGetRequestAsync: refuseUrl, sendPostRequestAsync: refuseUrl };
  const newApp = () => new MsalCca({
    auth: {
      clientId: CLIENT_ID,
      authority: AUTHORITY,
      clientSecret: SECRET,
      knownAuthorities: [ENVIRONMENT],
      authorityMetadata: JSON.stringify(openIdConfiguration()),
      cloudDiscoveryMetadata: JSON.stringify(instanceDiscoveryMetadata()),
    },
    cache: { cachePlugin: plugin },
    system: { networkClient, loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => {} } },
  });
  const app = newApp();
  const scopes = [...SCOPES];
  // msal-node's in-memory cache keeps every partition it deserialized and writes them all back
  // under the first account's key; its web app samples therefore build an app per request. Writes
  // do so here too, outside the timed region.
  let tokenCache = app.getTokenCache();
  return {
    prepareWrite() {
      tokenCache = newApp().getTokenCache();
    },
    async silent(u) {
      current = u.account.home_account_id;
      const a = u.account;
      const account: AccountInfo = {
        homeAccountId: a.home_account_id,
        environment: a.environment,
        tenantId: a.realm,
        username: a.username,
        localAccountId: String(a.local_account_id ?? ''),
      };
      return (await app.acquireTokenSilent({ scopes, account }))?.accessToken;
    },
    async write(u, n) {
      // What the plugin does around a call that cached a token: read and deserialize the
      // partition, then (the token added) serialize and write it whole.
      current = u.account.home_account_id;
      await plugin.beforeCacheAccess(new TokenCacheContext(tokenCache as never, false));
      const json = JSON.parse(tokenCache.serialize()) as { AccessToken: Record<string, unknown> };
      const key = `${a(u)}-${ENVIRONMENT}-accesstoken-${CLIENT_ID}-${u.account.realm}-api://bench/w${n}`;
      json.AccessToken[key] = {
        home_account_id: a(u), environment: ENVIRONMENT, credential_type: 'AccessToken', client_id: CLIENT_ID, realm: u.account.realm,
        target: `api://bench/w${n}`, secret: `w-${n}`, cached_at: '1700000000', expires_on: '4102444800', extended_expires_on: '4102444800', token_type: 'Bearer',
      };
      tokenCache.deserialize(JSON.stringify(json));
      await plugin.afterCacheAccess(new TokenCacheContext(tokenCache as never, true));
    },
    close: async () => redis.destroy(),
  };
}

export const CONTESTANTS = { brokerbridge, 'msal-node': msalNode } as const;
export type ContestantName = keyof typeof CONTESTANTS;

/** The generated users (bench/gen-cache.ts: deterministic), each with its own unified-schema partition. */
export function benchUsers(count: number): Array<BenchUser & { partition: Record<string, Record<string, unknown>> }> {
  const blob = JSON.parse(generateCache({ accounts: count, clientId: CLIENT_ID, environment: ENVIRONMENT, realm: TENANT_ID, scopes: [...SCOPES] })) as Record<
    string,
    Record<string, Record<string, unknown>>
  >;
  const byHome = new Map<string, Record<string, Record<string, unknown>>>();
  for (const section of ['AccessToken', 'RefreshToken', 'IdToken', 'Account']) {
    for (const [key, entry] of Object.entries(blob[section] ?? {})) {
      const home = String(entry.home_account_id);
      let p = byHome.get(home);
      if (!p) byHome.set(home, (p = { AccessToken: {}, RefreshToken: {}, IdToken: {}, Account: {}, AppMetadata: { ...blob.AppMetadata } }));
      p[section]![key] = entry;
    }
  }
  return [...byHome.values()].map((partition) => ({
    partition,
    account: Object.values(partition.Account!)[0] as unknown as Account,
    secret: String((Object.values(partition.AccessToken!)[0] as { secret: string }).secret),
  }));
}
