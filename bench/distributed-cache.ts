/**
 * Distributed cache benchmark: brokerbridge's DistributedTokenCache against
 * @azure/msal-node's DistributedCachePlugin, on one private redis-server and the
 * same generated users (bench/gen-cache.ts), with ratios.
 *
 *   npm run bench:redis [-- --users 10000 --duration-ms 3000]
 *
 * - L1 hit: silent calls for users this instance already served (msal-node has
 *   no L1: it reads and deserializes the partition on every call);
 * - L2 hit: silent calls on a cold instance, each for a user it never saw;
 * - write: caching one new token for a user the instance has served, until it
 *   is in Redis (cache work only; msal-node reads and rewrites the partition);
 * - throughput: silent calls per second of 4 processes for random users;
 * - Redis bytes per user (MEMORY USAGE of the user's key).
 * Exits 1 when a call returned anything but the expected token.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { plainCodec } from '../lib/cache/distributed/entry-codec.js';
import { partitionOfEntry } from '../lib/cache/distributed/partition.js';
import type { CacheSection } from '../lib/cache/entries.js';
import { startRedis } from '../test/support/redis.js';
import { CONTESTANTS, MSAL_PREFIX, benchUsers, connectRedis, type BenchUser, type ContestantName } from './distributed-contestants.js';
import { summarizeNs, type LatencySummary } from './timing.js';

const PROCESSES = 4;
const NAMES = Object.keys(CONTESTANTS) as ContestantName[];
const workerScript = fileURLToPath(new URL('./distributed-worker.ts', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));

const log = (line: string) => console.log(line);
const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
let failures = 0;

async function timeEach<T>(items: readonly T[], call: (item: T, i: number) => Promise<void>, prepare?: () => void): Promise<LatencySummary> {
  const samples = new Float64Array(items.length);
  for (let i = 0; i < items.length; i++) {
    prepare?.();
    const t0 = process.hrtime.bigint();
    await call(items[i]!, i);
    samples[i] = Number(process.hrtime.bigint() - t0);
  }
  return { ...summarizeNs(samples), failures: 0 };
}

const check = (u: BenchUser) => (token: string | undefined) => {
  if (token !== u.secret) failures++;
};

async function seed(url: string, users: ReturnType<typeof benchUsers>): Promise<void> {
  const redis = await connectRedis(url);
  const ttlMs = 90 * 86_400_000;
  try {
    for (let i = 0; i < users.length; i += 500) {
      await Promise.all(
        users.slice(i, i + 500).flatMap((u) => {
          // brokerbridge: a hash per user, a field per entry (what DistributedTokenCache writes).
          const partition = partitionOfEntry('Account', u.account as unknown as Record<string, unknown>)!;
          const key = `brokerbridge:${plainCodec.recordKey('', partition)}`;
          const fields: Record<string, string> = { '#v': '1' };
          for (const [section, entries] of Object.entries(u.partition)) {
            for (const [k, e] of Object.entries(entries)) fields[plainCodec.fieldName(key, section as CacheSection, k)] = plainCodec.encode(key, '', section as CacheSection, k, e);
          }
          return [
            redis.hSet(key, fields).then(() => redis.pExpire(key, ttlMs)),
            // msal-node: a string per user, the partition's whole unified-schema JSON.
            redis.set(MSAL_PREFIX + u.account.home_account_id, JSON.stringify(u.partition)),
          ];
        }),
      );
    }
  } finally {
    redis.destroy();
  }
}

async function bytesPerUser(url: string, users: BenchUser[]): Promise<Record<ContestantName, number>> {
  const redis = await connectRedis(url);
  try {
    const sample = users.slice(0, 500);
    let ours = 0;
    let theirs = 0;
    for (const u of sample) {
      const partition = partitionOfEntry('Account', u.account as unknown as Record<string, unknown>)!;
      ours += Number(await redis.memoryUsage(`brokerbridge:${plainCodec.recordKey('', partition)}`, { SAMPLES: 0 }));
      theirs += Number(await redis.memoryUsage(MSAL_PREFIX + u.account.home_account_id, { SAMPLES: 0 }));
    }
    return { brokerbridge: ours / sample.length, 'msal-node': theirs / sample.length };
  } finally {
    redis.destroy();
  }
}

async function throughput(name: ContestantName, url: string, users: number, durationMs: number): Promise<number> {
  const workers = Array.from({ length: PROCESSES }, () => {
    const child = spawn(process.execPath, ['--import', 'tsx', workerScript, name, url, String(users), String(durationMs), '16'], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout! });
    const next = (prefix: string) =>
      new Promise<string>((resolve, reject) => {
        lines.on('line', (l) => l.startsWith(prefix) && resolve(l.slice(prefix.length)));
        child.once('exit', () => reject(new Error(`${name} worker exited before "${prefix}"`)));
      });
    return { child, ready: next('ready'), done: next('done ') };
  });
  await Promise.all(workers.map((w) => w.ready));
  const started = Date.now();
  for (const w of workers) w.child.stdin!.write('go\n');
  const results = (await Promise.all(workers.map((w) => w.done))).map((l) => JSON.parse(l) as { calls: number; failures: number });
  const seconds = (Date.now() - started) / 1000;
  for (const r of results) failures += r.failures;
  return results.reduce((s, r) => s + r.calls, 0) / seconds;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { users: { type: 'string', default: '10000' }, 'duration-ms': { type: 'string', default: '3000' } } });
  const count = Number(values.users);
  const durationMs = Number(values['duration-ms']);
  const redis = await startRedis({ durable: false });
  try {
    const users = benchUsers(count);
    log(`Redis ${redis.url}, ${users.length} generated users`);
    {
      // What one round trip costs on this machine: the floor of any L2 hit.
      const c = await connectRedis(redis.url);
      const ping = await timeEach(Array.from({ length: 2000 }, () => 0), async () => void (await c.ping()));
      c.destroy();
      log(`Redis round trip (PING): median ${fmt(ping.medianUs)} µs, p99 ${fmt(ping.p99Us)} µs`);
    }
    await seed(redis.url, users);
    const hot = users.slice(0, Math.min(1000, users.length));
    const rows: Record<string, Partial<Record<ContestantName, LatencySummary | number>>> = { l1: {}, l2: {}, write: {}, throughput: {}, bytes: {} };

    for (const name of NAMES) {
      // L1: the same 1000 users, round after round, on a warm instance.
      const warm = await CONTESTANTS[name](redis.url);
      for (const u of hot) check(u)(await warm.silent(u));
      const rounds = Array.from({ length: 5 }, () => hot).flat();
      rows.l1![name] = await timeEach(rounds, async (u) => check(u)(await warm.silent(u)));
      await warm.close();

      log(`${name}: measuring L2 hits`);
      // L2: a cold instance; every call for a user it has not seen (the first 200 warm the code up).
      const cold = await CONTESTANTS[name](redis.url);
      for (const u of users.slice(-200)) check(u)(await cold.silent(u));
      rows.l2![name] = await timeEach(users.slice(0, Math.min(2000, users.length - 200)), async (u) => check(u)(await cold.silent(u)));
      await cold.close();

      // Writes: one new token per call, for users spread over the set.
      const writer = await CONTESTANTS[name](redis.url);
      log(`${name}: measuring writes`);
      // A token is cached during a call for a user the instance just looked up (a refresh after a
      // silent miss): the writer has served each target once before, untimed.
      const targets = Array.from({ length: 1000 }, (_, i) => users[(i * 7919) % users.length]!);
      for (const u of new Set(targets)) check(u)(await writer.silent(u));
      rows.write![name] = await timeEach(targets, (u, i) => writer.write(u, i), writer.prepareWrite?.bind(writer));
      await writer.close();
      const l1 = rows.l1![name] as LatencySummary;
      const l2 = rows.l2![name] as LatencySummary;
      const w = rows.write![name] as LatencySummary;
      log(`${name.padEnd(12)} L1 hit ${fmt(l1.medianUs)}/${fmt(l1.p99Us)} µs  L2 hit ${fmt(l2.medianUs)}/${fmt(l2.p99Us)} µs  write ${fmt(w.medianUs)}/${fmt(w.p99Us)} µs (median/p99)`);
    }
    for (const name of NAMES) {
      rows.throughput![name] = await throughput(name, redis.url, count, durationMs);
      log(`${name.padEnd(12)} ${PROCESSES} processes: ${fmt(rows.throughput![name] as number)} silent calls/s`);
    }
    const bytes = await bytesPerUser(redis.url, users);
    for (const name of NAMES) log(`${name.padEnd(12)} Redis bytes per user: ${fmt(bytes[name])}`);

    const ratio = (row: string, stat: 'medianUs' | 'p99Us') =>
      (rows[row]!['msal-node'] as LatencySummary)[stat] / (rows[row]!.brokerbridge as LatencySummary)[stat];
    log('');
    log('Ratios (msal-node / brokerbridge; above 1 means brokerbridge is faster or smaller):');
    log(`  L1 hit      median ${fmt(ratio('l1', 'medianUs'))}x   p99 ${fmt(ratio('l1', 'p99Us'))}x`);
    log(`  L2 hit      median ${fmt(ratio('l2', 'medianUs'))}x   p99 ${fmt(ratio('l2', 'p99Us'))}x`);
    log(`  write       median ${fmt(ratio('write', 'medianUs'))}x   p99 ${fmt(ratio('write', 'p99Us'))}x`);
    log(`  throughput  ${fmt((rows.throughput!.brokerbridge as number) / (rows.throughput!['msal-node'] as number))}x (brokerbridge / msal-node, ${PROCESSES} processes)`);
    log(`  bytes/user  ${fmt(bytes['msal-node'] / bytes.brokerbridge)}x`);
    if (failures) log(`FAILED: ${failures} calls returned something other than the expected token`);
    return failures ? 1 : 0;
  } finally {
    await redis.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
