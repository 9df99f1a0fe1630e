/**
 * One instance of a web app for the multi-process Redis test: a
 * ConfidentialClientApplication on a DistributedTokenCache.
 * Usage: instance.ts <json config>
 * Phase 1 signs in this instance's own users, then for `rounds` rounds gets a
 * token of its own scope for every shared user (a refresh each: concurrent
 * writers on the same partitions). It prints "signed-in <json accounts>".
 * Phase 2 starts on the stdin line "verify <json [account, scope][]>": every
 * pair must be a silent hit from the shared cache; it prints "verified <json>".
 */
import { createInterface } from 'node:readline';
import { ConfidentialClientApplication } from '../../../lib/app/confidential-client-application.js';
import type { Account } from '../../../lib/app/account.js';
import { DistributedTokenCache } from '../../../lib/cache/distributed/distributed-token-cache.js';
import { ownScope, sharedScope, type InstanceConfig } from './instance-config.js';

const config = JSON.parse(process.argv[2]!) as InstanceConfig;
const tokenCache = await DistributedTokenCache.redis({ url: config.redisUrl, storeTimeoutMs: 30_000 });
const app = new ConfidentialClientApplication({ ...config.app, clientCredential: config.secret, tokenCache });

const accounts: Account[] = [];
for (const u of config.own) {
  const r = await app.acquireTokenByUsernamePassword(u.username, u.password, [ownScope]);
  if ('error' in r) throw new Error(`sign-in of ${u.username} failed: ${r.error}`);
  const [account] = await app.getAccounts(u.username);
  accounts.push(account!);
}
for (let round = 0; round < config.rounds; round++) {
  for (const account of config.shared) {
    const r = await app.acquireTokenSilentWithError([sharedScope(config.id, round)], account);
    if (!r || 'error' in r) throw new Error(`refresh of ${account.username} failed: ${r ? r.error : 'nothing cached'}`);
  }
}
process.stdout.write(`signed-in ${JSON.stringify(accounts)}\n`);

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.startsWith('verify ')) continue;
  const pairs = JSON.parse(line.slice('verify '.length)) as Array<[Account, string]>;
  const sources: Record<string, number> = {};
  for (const [account, scope] of pairs) {
    const r = await app.acquireTokenSilent([scope], account);
    const source = r?.token_source ?? 'missing';
    sources[source] = (sources[source] ?? 0) + 1;
  }
  process.stdout.write(`verified ${JSON.stringify(sources)}\n`);
  break;
}
await tokenCache.close();
