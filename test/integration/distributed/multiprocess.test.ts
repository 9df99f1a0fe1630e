/**
 * Four processes share one redis-server: each signs in users of its own and
 * refreshes the same shared users, round after round (concurrent writers on
 * the same partitions). Nothing is lost: afterwards every instance finds every
 * token any instance cached, from the shared cache, with no request to the IdP.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfidentialClientApplication } from '../../../lib/app/confidential-client-application.js';
import type { Account } from '../../../lib/app/account.js';
import { DistributedTokenCache } from '../../../lib/cache/distributed/distributed-token-cache.js';
import { CLIENT_SECRET, CONFIDENTIAL_CLIENT_ID, startLocalEntra, type LocalEntra } from '../../support/entra.js';
import { startRedis, type TestRedis } from '../../support/redis.js';
import { ownScope, sharedScope, type InstanceConfig } from './instance-config.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const instanceScript = fileURLToPath(new URL('./instance.ts', import.meta.url));
const INSTANCES = 4;
const OWN_USERS = 5;
const SHARED_USERS = 4;
const ROUNDS = 3;

interface Instance {
  child: ChildProcess;
  /** The next line starting with `prefix`; rejects if the child exits first or the deadline passes. */
  line(prefix: string): Promise<string>;
}

function startInstance(config: InstanceConfig, deadlineMs = 240_000): Instance {
  const child = spawn(process.execPath, ['--import', 'tsx', instanceScript, JSON.stringify(config)], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  createInterface({ input: child.stdout! }).on('line', (l) => {
    lines.push(l);
    for (const w of waiters.splice(0)) w();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const timer = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
  void exited.then(() => clearTimeout(timer));
  return {
    child,
    line: (prefix) =>
      new Promise<string>((resolve, reject) => {
        const check = () => {
          const found = lines.find((l) => l.startsWith(prefix));
          if (found) return resolve(found.slice(prefix.length));
          waiters.push(check);
        };
        check();
        void exited.then(() => {
          const found = lines.find((l) => l.startsWith(prefix));
          if (found) resolve(found.slice(prefix.length));
          else reject(new Error(`instance ${config.id} exited before "${prefix}": ${stderr}`));
        });
      }),
  };
}

let entra: LocalEntra;
let redis: TestRedis;

beforeAll(async () => {
  entra = await startLocalEntra();
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
  await entra?.stop();
});

describe('one Redis, four processes', () => {
  it('concurrent sign-ins and refreshes lose nothing, and every instance sees the others’ tokens', async () => {
    // Entra keeps a rotated-out RT valid; single-use RTs would make any two instances refreshing the
    // same user at the same moment fail one of them whatever the cache does.
    entra.state.rotateRefreshTokens = false;
    const user = (i: number, j: number) => ({
      oid: `0000000${i}-000${j}-4000-8000-${String(i * 100 + j).padStart(12, '0')}`,
      tid: entra.tenantId,
      username: `user${i}-${j}@contoso.com`,
      password: `pw-${i}-${j}`,
    });
    for (let i = 0; i <= INSTANCES; i++) for (let j = 0; j < Math.max(OWN_USERS, SHARED_USERS); j++) entra.state.addUser(user(i, j));

    // The shared users sign in once, here; the instances refresh them.
    const seedCache = await DistributedTokenCache.redis({ url: redis.url });
    const seed = new ConfidentialClientApplication({ ...entra.appOptions(CONFIDENTIAL_CLIENT_ID), clientCredential: CLIENT_SECRET, tokenCache: seedCache });
    const shared: Account[] = [];
    for (let j = 0; j < SHARED_USERS; j++) {
      const u = user(0, j);
      await seed.acquireTokenByUsernamePassword(u.username, u.password, [ownScope]);
      shared.push((await seed.getAccounts(u.username))[0]!);
    }
    await seedCache.close();

    const instances = Array.from({ length: INSTANCES }, (_, k) => {
      const id = k + 1;
      return startInstance({
        id,
        redisUrl: redis.url,
        app: entra.appOptions(CONFIDENTIAL_CLIENT_ID),
        secret: CLIENT_SECRET,
        own: Array.from({ length: OWN_USERS }, (_, j) => user(id, j)),
        shared,
        rounds: ROUNDS,
      });
    });
    const own = (await Promise.all(instances.map((x) => x.line('signed-in ')))).flatMap((l) => JSON.parse(l) as Account[]);
    expect(own).toHaveLength(INSTANCES * OWN_USERS);

    const pairs: Array<[Account, string]> = [...own, ...shared].map((a) => [a, ownScope]);
    for (const a of shared) for (let i = 1; i <= INSTANCES; i++) for (let r = 0; r < ROUNDS; r++) pairs.push([a, sharedScope(i, r)]);
    const requestsBefore = entra.sts.requests.length;
    for (const x of instances) x.child.stdin!.write(`verify ${JSON.stringify(pairs)}\n`);
    const results = (await Promise.all(instances.map((x) => x.line('verified ')))).map((l) => JSON.parse(l) as Record<string, number>);
    console.log(`${INSTANCES} instances x ${pairs.length} tokens: ${JSON.stringify(results)}`);
    for (const r of results) expect(r).toEqual({ cache: pairs.length });
    expect(entra.sts.requests.length).toBe(requestsBefore);
  });
});
