/** The silent-hit measurement of @azure/msal-node, configured so that it never needs the network. */
import { readFileSync } from 'node:fs';
import { LogLevel, PublicClientApplication, type AccountInfo, type AuthenticationResult, type INetworkModule } from '@azure/msal-node';
import type { BenchInput, ContestantResult } from './contestant.js';
import { AUTHORITY, CLIENT_ID, ENVIRONMENT, SCOPES, instanceDiscoveryMetadata, openIdConfiguration } from './fixture.js';
import { sampleLatency } from './timing.js';

function installedVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../node_modules/@azure/msal-node/package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function measureMsalNode(input: BenchInput): Promise<ContestantResult> {
  let networkCalls = 0;
  const refuse = (url: string) => {
    networkCalls++;
    return Promise.reject(new Error(`silent-hit bench: msal-node tried ${url}`));
  };
  const networkClient: INetworkModule = {
    sendGetRequestAsync: (url) => refuse(url),
    sendPostRequestAsync: (url) => refuse(url),
  };
  const app = new PublicClientApplication({
    auth: {
      clientId: CLIENT_ID,
      authority: AUTHORITY,
      knownAuthorities: [ENVIRONMENT],
      authorityMetadata: JSON.stringify(openIdConfiguration()),
      cloudDiscoveryMetadata: JSON.stringify(instanceDiscoveryMetadata()),
    },
    system: {
      networkClient,
      // Quiet, so msal-node is not charged for formatting log lines nobody reads.
      loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => {} },
    },
  });

  const started = process.hrtime.bigint();
  app.getTokenCache().deserialize(readFileSync(input.cachePath, 'utf8'));
  const loadMs = Number(process.hrtime.bigint() - started) / 1e6;

  // Built from the cached Account entry, as msal-node itself would: its getAllAccounts()
  // (behind getAccountByHomeId too) scans every id token for every account, which is
  // quadratic (over a minute at 4k accounts) and not what this bench measures.
  const t = input.target;
  const account: AccountInfo = {
    homeAccountId: t.homeAccountId,
    environment: t.environment,
    tenantId: t.realm,
    username: t.username,
    localAccountId: t.localAccountId,
    ...(t.name !== undefined ? { name: t.name } : {}),
  };

  const scopes = [...SCOPES];
  const summary = await sampleLatency(
    () => app.acquireTokenSilent({ scopes, account }),
    (r: AuthenticationResult | null) => r?.accessToken === t.expectedSecret && r.fromCache,
    input.plan,
  );
  return { contestant: 'msal-node', version: installedVersion(), loadMs, networkCalls, ...summary };
}
