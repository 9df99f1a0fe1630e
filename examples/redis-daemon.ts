/**
 * A daemon scaled out to several instances that share their tokens through Redis.
 * Each "instance" here is its own ConfidentialClientApplication with its own
 * DistributedTokenCache, as separate processes would have.
 *
 *   npm run example:redis
 *
 * From a source checkout it starts a private redis-server and a local STS on
 * 127.0.0.1; set REDIS_URL, AUTHORITY, CLIENT_ID, CLIENT_SECRET and SCOPE to
 * run it against your own Redis and Entra tenant instead.
 */
import { pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import { ConfidentialClientApplication, DistributedTokenCache, isErrorResult } from '../lib/index.js';

interface Setup {
  redisUrl: string;
  app: { clientId: string; authority: string; allowHttpLoopbackAuthority?: true; instanceDiscoveryEndpoint?: string };
  secret: string;
  scope: string;
  stop(): Promise<void>;
}

async function localSetup(): Promise<Setup> {
  const { startRedis } = await import('../test/support/redis.js');
  const { startLocalEntra, CONFIDENTIAL_CLIENT_ID, CLIENT_SECRET } = await import('../test/support/entra.js');
  const redis = await startRedis();
  const entra = await startLocalEntra();
  return {
    redisUrl: redis.url,
    app: entra.appOptions(CONFIDENTIAL_CLIENT_ID),
    secret: CLIENT_SECRET,
    scope: 'api://downstream/.default',
    stop: async () => {
      await entra.stop();
      await redis.stop();
    },
  };
}

export async function runRedisDaemon(log: (line: string) => void = console.log): Promise<number> {
  const env = process.env;
  const setup: Setup =
    env.REDIS_URL && env.AUTHORITY && env.CLIENT_ID && env.CLIENT_SECRET && env.SCOPE
      ? { redisUrl: env.REDIS_URL, app: { clientId: env.CLIENT_ID, authority: env.AUTHORITY }, secret: env.CLIENT_SECRET, scope: env.SCOPE, stop: async () => {} }
      : await localSetup();
  // In production the key comes from your secret store; every instance uses the same one.
  const encryptionKey = randomBytes(32);
  const instances: Array<{ cache: DistributedTokenCache; app: ConfidentialClientApplication }> = [];
  try {
    for (let i = 0; i < 3; i++) {
      const cache = await DistributedTokenCache.redis({ url: setup.redisUrl, encryptionKey, maxEntries: 50_000 });
      instances.push({ cache, app: new ConfidentialClientApplication({ ...setup.app, clientCredential: setup.secret, tokenCache: cache }) });
    }
    let firstToken: string | undefined;
    let fromCache = 0;
    for (const [i, { app }] of instances.entries()) {
      const r = await app.acquireTokenForClient([setup.scope]);
      if (isErrorResult(r)) throw new Error(`${r.error}: ${r.error_description}`);
      firstToken ??= r.access_token;
      if (r.token_source === 'cache') fromCache++;
      log(`instance ${i + 1}: token_source=${r.token_source} (same token as instance 1: ${r.access_token === firstToken})`);
    }
    log(`${fromCache} of ${instances.length - 1} later instances were served from Redis`);
    return fromCache === instances.length - 1 ? 0 : 1;
  } finally {
    for (const { cache } of instances) await cache.close();
    await setup.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runRedisDaemon().then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
