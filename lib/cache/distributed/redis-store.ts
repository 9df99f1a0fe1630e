/**
 * DistributedCacheStore on Redis through node-redis (the `redis` package),
 * loaded with import() on first use: it is an optional peer dependency, so
 * applications that never use Redis never load or install it.
 *
 * A partition is one Redis hash: a field per entry plus `#v`, its version.
 * Reads and writes are Lua scripts, so each is one round trip and atomic: a
 * write applies only the fields it changed (the per-entry merge: other
 * writers' entries stay), bumps the version, extends the expiry, and
 * publishes `<key> <version>` for the other instances' L1 copies.
 */
import { createHash } from 'node:crypto';
import { PersistenceError } from '../../errors.js';
import type { Logger } from '../../app/logger.js';
import { silentLogger } from '../../app/logger.js';
import type { DistributedCacheStore, InvalidationListener, PartitionRead, PartitionWrite } from './store.js';

/** Options of {@link RedisCacheStore.connect}. */
export interface RedisCacheStoreOptions {
  /** `redis://[[user]:password@]host[:port][/db]`, or `rediss://` for TLS (Azure Cache for Redis: port 6380). */
  url: string;
  /** Prefix of every key, and of the notice channel, so several apps can share one Redis. Default `brokerbridge:`. */
  keyPrefix?: string | undefined;
  /** More node-redis client options (`socket`, `username`, `password`, ...), merged over ours. */
  clientOptions?: Record<string, unknown> | undefined;
  /** Connection problems are logged here as warnings (never with secrets). */
  logger?: Logger | undefined;
}

/** The few node-redis client calls we use, so our declarations never name the optional package's types. */
interface RedisClientLike {
  on(event: 'error' | 'ready' | 'end', listener: (e?: unknown) => void): unknown;
  connect(): Promise<unknown>;
  sendCommand(args: string[], options?: { abortSignal?: AbortSignal | undefined }): Promise<unknown>;
  duplicate(): RedisClientLike;
  subscribe(channel: string, listener: (message: string) => void): Promise<void>;
  destroy(): void;
  readonly isReady: boolean;
}

const READ_SCRIPT = `
local v = redis.call('HGET', KEYS[1], '#v')
if not v then return {'0'} end
if v == ARGV[1] then return {v} end
return {v, redis.call('HGETALL', KEYS[1])}
`;

// A partition that expired and comes back starts from the clock, never from a version a reader may still hold.
const WRITE_SCRIPT = `
local old = redis.call('HGET', KEYS[1], '#v')
local base = tonumber(old)
if not base then
  local t = redis.call('TIME')
  base = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
for i = 3, #ARGV, 2 do
  if ARGV[i + 1] == '' then redis.call('HDEL', KEYS[1], ARGV[i]) else redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
local new = string.format('%.0f', base + 1)
redis.call('HSET', KEYS[1], '#v', new)
local ttl = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
redis.call('PUBLISH', ARGV[2], KEYS[1] .. ' ' .. new)
return {new, old or '0'}
`;

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

/**
 * The Redis store of a {@link DistributedTokenCache}: one hash per partition, Lua scripts for
 * one-round-trip atomic reads and merges, pub/sub notices for the other instances' L1 copies.
 * Needs the `redis` package (`npm install redis`). Reconnects on its own after Redis restarts.
 *
 * @example
 * ```ts
 * const store = await RedisCacheStore.connect({ url: 'redis://cache.internal:6379' });
 * const tokenCache = new DistributedTokenCache({ store });
 * ```
 */
export class RedisCacheStore implements DistributedCacheStore {
  /** Key prefix (also the notice channel's). */
  readonly keyPrefix: string;
  private readonly channel: string;
  private readonly subscriber: RedisClientLike;
  private readonly firstConnection: Promise<void>;
  private listener: InvalidationListener | undefined;
  private listening = false;

  private constructor(
    private readonly client: RedisClientLike,
    keyPrefix: string,
    logger: Logger,
  ) {
    this.keyPrefix = keyPrefix;
    this.channel = `${keyPrefix}invalidate`;
    // Connecting goes on in the background (and again after every disconnect). Calls wait for the
    // first connection (under the cache's deadline); after that, calls while disconnected fail fast.
    this.firstConnection = client.connect().then(
      () => {},
      () => {},
    );
    this.subscriber = client.duplicate();
    watchConnection(this.subscriber, logger, 'subscriber');
  }

  /**
   * A store on the Redis at `options.url`. Resolves at once: the connection is made in the
   * background and remade after every disconnect, and calls fail fast while there is none.
   * @throws PersistenceError when the `redis` package is not installed.
   */
  static async connect(options: RedisCacheStoreOptions): Promise<RedisCacheStore> {
    let mod: { createClient(options: Record<string, unknown>): RedisClientLike };
    try {
      mod = (await import('redis')) as unknown as typeof mod;
    } catch (e) {
      throw new PersistenceError('RedisCacheStore needs the redis package: npm install redis', { cause: e });
    }
    const logger = options.logger ?? silentLogger;
    const client = mod.createClient({
      url: options.url,
      // A call while disconnected fails at once (the cache falls through) instead of queueing for later.
      disableOfflineQueue: true,
      ...options.clientOptions,
      socket: {
        connectTimeout: 2000,
        // Forever, backing off to 2 s: Redis coming back after a restart is picked up without the app's help.
        reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 6), 2000),
        ...(options.clientOptions?.socket as object | undefined),
      },
    });
    watchConnection(client, logger, 'client');
    return new RedisCacheStore(client, options.keyPrefix ?? 'brokerbridge:', logger);
  }

  async read(key: string, knownVersion: string | undefined): Promise<PartitionRead> {
    const reply = (await this.script(READ_SCRIPT, [this.keyPrefix + key], [knownVersion ?? ''])) as [string, string[]?];
    const [version, flat] = reply;
    if (!flat) return version === '0' ? { version, fields: new Map() } : { version };
    const fields = new Map<string, string>();
    for (let i = 0; i + 1 < flat.length; i += 2) if (flat[i] !== '#v') fields.set(flat[i]!, flat[i + 1]!);
    return { version: String(version), fields };
  }

  async write(key: string, changes: ReadonlyMap<string, string | null>, ttlMs: number): Promise<PartitionWrite> {
    const args = [String(Math.max(1, Math.ceil(ttlMs))), this.channel];
    for (const [field, value] of changes) args.push(field, value ?? '');
    const [version, previousVersion] = (await this.script(WRITE_SCRIPT, [this.keyPrefix + key], args)) as [string, string];
    return { version: String(version), previousVersion: String(previousVersion) };
  }

  async subscribe(listener: InvalidationListener): Promise<void> {
    if (this.listener) return;
    this.listener = listener;
    // Notices sent while we were disconnected are lost: every copy is suspect after a reconnect.
    this.subscriber.on('ready', () => {
      listener.reset();
      if (this.listening) listener.live(true);
      else void this.listen().catch(() => {});
    });
    this.subscriber.on('end', () => listener.live(false));
    this.subscriber.on('error', () => listener.live(false));
    void this.subscriber.connect().catch(() => {});
    await this.listen();
  }

  /** Subscribes once; node-redis resubscribes by itself after each reconnect. */
  private async listen(): Promise<void> {
    if (this.listening || !this.listener) return;
    const listener = this.listener;
    await this.subscriber.subscribe(this.channel, (message) => {
      const space = message.lastIndexOf(' ');
      if (space > 0) listener.invalidated(message.slice(this.keyPrefix.length, space), message.slice(space + 1));
    });
    this.listening = true;
    listener.live(true);
  }

  async close(): Promise<void> {
    this.client.destroy();
    this.subscriber.destroy();
  }

  /** EVALSHA, loading the script when Redis does not know it (first use, or after a restart). */
  private async script(body: string, keys: string[], args: string[]): Promise<unknown> {
    await this.firstConnection;
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await this.client.sendCommand(['EVALSHA', sha1(body), ...tail]);
    } catch (e) {
      if (!(e instanceof Error) || !e.message.startsWith('NOSCRIPT')) throw e;
      return this.client.sendCommand(['EVAL', body, ...tail]);
    }
  }
}

/** node-redis emits 'error' for every failed reconnect; unhandled, that would crash the app. One warning per outage. */
function watchConnection(client: RedisClientLike, logger: Logger, role: string): void {
  let down = false;
  client.on('error', (e) => {
    if (down) return;
    down = true;
    logger.log('warning', `token cache: Redis ${role} connection failed (${e instanceof Error ? e.message : String(e)}); retrying in the background`);
  });
  client.on('ready', () => {
    if (down) logger.log('info', `token cache: Redis ${role} connection is back`);
    down = false;
  });
}
