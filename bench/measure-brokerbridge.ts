/** The silent-hit measurement of our own facade, loaded through the public entry point as an app would. */
import { readFileSync } from 'node:fs';
import { LIBRARY_VERSION, PublicClientApplication, SerializableTokenCache, type HttpClient, type TokenResult } from '../lib/index.js';
import type { BenchInput, ContestantResult } from './contestant.js';
import { AUTHORITY, CLIENT_ID, SCOPES, instanceDiscoveryMetadata, openIdConfiguration } from './fixture.js';
import { sampleLatency } from './timing.js';

export async function measureBrokerbridge(input: BenchInput): Promise<ContestantResult> {
  let networkCalls = 0;
  const httpClient: HttpClient = {
    send(request) {
      networkCalls++;
      return Promise.reject(new Error(`silent-hit bench: unexpected ${request.method} ${request.url}`));
    },
  };

  const started = process.hrtime.bigint();
  const tokenCache = new SerializableTokenCache();
  const report = tokenCache.deserialize(readFileSync(input.cachePath, 'utf8'));
  const loadMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (!report.ok) throw new Error(`brokerbridge dropped cache entries: ${JSON.stringify(report.dropped.slice(0, 3))}`);

  const app = new PublicClientApplication({
    clientId: CLIENT_ID,
    authority: AUTHORITY,
    authorityMetadata: openIdConfiguration(),
    instanceDiscoveryMetadata: instanceDiscoveryMetadata(),
    httpClient,
    tokenCache,
  });
  // getAccounts() also resolves the authority, which arms the synchronous hot path.
  const [account] = await app.getAccounts(input.target.username);
  if (!account || account.home_account_id !== input.target.homeAccountId) {
    throw new Error(`brokerbridge: getAccounts() did not find ${input.target.username}`);
  }

  const scopes = [...SCOPES];
  const summary = await sampleLatency(
    () => app.acquireTokenSilent(scopes, account),
    (r: TokenResult | null) => r?.access_token === input.target.expectedSecret && r.token_source === 'cache',
    input.plan,
  );
  return { contestant: 'brokerbridge', version: LIBRARY_VERSION, loadMs, networkCalls, ...summary };
}
