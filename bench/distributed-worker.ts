/**
 * One of the four processes of the Redis throughput run.
 * Usage: distributed-worker.ts <contestant> <redis url> <users> <duration ms> <concurrency>
 * Serves every user once, prints "ready", waits for "go" on stdin, then makes silent calls for random
 * users for the duration and prints "done <json {calls, failures}>".
 */
import { createInterface } from 'node:readline';
import { CONTESTANTS, benchUsers, type ContestantName } from './distributed-contestants.js';

const [name, url, usersText, durationText, concurrencyText] = process.argv.slice(2);
const users = benchUsers(Number(usersText));
const concurrency = Number(concurrencyText);
// One DistributedTokenCache serves concurrent requests. msal-node's app keeps the partition of the
// call in progress in its one in-memory cache, so concurrent calls on one app read each other's
// partitions: each in-flight request gets an app of its own.
const shared = name === 'brokerbridge' ? await CONTESTANTS.brokerbridge(url!) : undefined;
const contestants = await Promise.all(Array.from({ length: concurrency }, async () => shared ?? CONTESTANTS[name as ContestantName](url!)));
// Steady state, as in a long-running app: every user was served once before the clock starts.
for (let i = 0; i < users.length; i += concurrency) {
  await Promise.all(contestants.map((c, k) => (users[i + k] ? c.silent(users[i + k]!) : undefined)));
}
process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) if (line === 'go') break;

const until = Date.now() + Number(durationText);
let calls = 0;
let failures = 0;
let seed = process.pid;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
await Promise.all(
  contestants.map(async (contestant) => {
    while (Date.now() < until) {
      const u = users[Math.floor(random() * users.length)]!;
      if ((await contestant.silent(u)) !== u.secret) failures++;
      calls++;
    }
  }),
);
process.stdout.write(`done ${JSON.stringify({ calls, failures })}\n`);
for (const c of new Set(contestants)) await c.close();
process.exit(0);
