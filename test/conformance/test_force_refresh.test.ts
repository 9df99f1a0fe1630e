/**
 * MSAL Python's tests/test_force_refresh.py, ported. Upstream it runs against
 * the live Windows broker; here a fake runtime stands behind
 * loadBrokerRuntime() and, like the real broker, keeps serving the token it
 * holds unless asked to renew exactly that one (SetAccessTokenToRenew), which
 * is what forceRefresh sends.
 */
import { describe, expect, it, vi } from 'vitest';
import { PublicClientApplication } from '../../lib/app/public-client-application.js';
import { NativeBrokerClient } from '../../lib/broker/native-broker-client.js';
import type { TokenResult } from '../../lib/oauth2/types.js';
import { brokerAuthResult, FakeBrokerRuntime, offlineEntra } from './support/application.js';
import { ScriptedHttpClient } from './support/msal-python.js';

const brokerLoader = vi.hoisted(() => ({ status: undefined as unknown }));
vi.mock('../../lib/broker/native-addon.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../lib/broker/native-addon.js')>()),
  loadBrokerRuntime: () => brokerLoader.status,
}));

const SCOPE_ARM = 'https://management.azure.com/.default';
const AZURE_CLI = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';

describe('ForceRefreshTestCase', () => {
  it('test_silent_with_force_refresh', async () => {
    const runtime = new FakeBrokerRuntime();
    let held = 'token-1';
    let issued = 1;
    runtime.answer = (call) => {
      if (call.params?.accessTokenToRenew === held) held = `token-${++issued}`;
      return brokerAuthResult({ accessToken: held, scopes: [SCOPE_ARM] });
    };
    brokerLoader.status = { available: true, runtime, runtimePath: 'C:\\fake\\msalruntime.dll' };
    const pca = new PublicClientApplication(
      {
        clientId: AZURE_CLI,
        ...offlineEntra('organizations'),
        httpClient: new ScriptedHttpClient(), // any HTTP request fails the test
        enableBrokerOnMac: true,
        enableBrokerOnWindows: true,
        brokerClient: new NativeBrokerClient({ platform: 'windows' }),
      },
    );

    let result = (await pca.acquireTokenInteractive([SCOPE_ARM], {
      prompt: 'select_account',
      parentWindowHandle: PublicClientApplication.CONSOLE_WINDOW_HANDLE,
    })) as TokenResult;
    const [account] = await pca.getAccounts();
    expect(account).toBeTruthy(); // The logged in account should have been established by interactive flow
    const oldToken = result.access_token;

    result = (await pca.acquireTokenSilent([SCOPE_ARM], account, { forceRefresh: false })) as TokenResult;
    expect(result.access_token).toBe(oldToken); // Token should not be refreshed

    result = (await pca.acquireTokenSilent([SCOPE_ARM], account, { forceRefresh: true })) as TokenResult;
    expect(result.access_token).not.toBe(oldToken); // Token should be refreshed
    expect(runtime.callsOf('acquireTokenSilently').at(-1)?.params?.accessTokenToRenew).toBe(oldToken);
  });
});
