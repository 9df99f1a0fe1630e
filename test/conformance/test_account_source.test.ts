/**
 * MSAL Python's tests/test_account_source.py, ported. The reference patches
 * msal.broker._acquire_token_silently and its interactive broker call; we put a
 * fake runtime behind loadBrokerRuntime(), so the facade's broker logic runs
 * for real. The broker client's platform is Windows, as the reference's
 * enable_broker_on_windows=True asks.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { PublicClientApplication } from '../../lib/app/public-client-application.js';
import { NativeBrokerClient } from '../../lib/broker/native-broker-client.js';
import type { DeviceFlow } from '../../lib/oauth2/device-flow.js';
import type { AcquireTokenResult } from '../../lib/oauth2/types.js';
import { brokerAuthResult, FakeBrokerRuntime, offlineEntra } from './support/application.js';
import { buildResponse, minimalResponse, ScriptedHttpClient } from './support/msal-python.js';

const brokerLoader = vi.hoisted(() => ({ status: undefined as unknown }));
vi.mock('../../lib/broker/native-addon.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../lib/broker/native-addon.js')>()),
  loadBrokerRuntime: () => brokerLoader.status,
}));

const SCOPE = 'scope_foo';
const TOKEN_RESPONSE = buildResponse({
  access_token: 'at',
  uid: 'uid',
  utid: 'utid', // So that it will create an account
  scope: SCOPE,
  refresh_token: 'rt', // So that the non-broker acquireTokenSilent() would work
});

describe('TestAccountSourceBehavior', () => {
  let runtime: FakeBrokerRuntime;
  let http: ScriptedHttpClient;
  let app: PublicClientApplication;

  beforeEach(async () => {
    runtime = new FakeBrokerRuntime();
    runtime.answer = () => brokerAuthResult({ accessToken: 'at', uid: 'uid', utid: 'utid', accountId: 'placeholder', scopes: [SCOPE] });
    brokerLoader.status = { available: true, runtime, runtimePath: '/fake/msalruntime.dll' };
    http = new ScriptedHttpClient({ post: () => minimalResponse(200, TOKEN_RESPONSE) });
    app = new PublicClientApplication({ clientId: 'client_id', ...offlineEntra('common'), httpClient: http, enableBrokerOnWindows: true, brokerClient: new NativeBrokerClient({ platform: 'windows' }) });
    expect(await app.isBrokerAvailable()).toEqual({ available: true });
  });

  it('test_device_flow_and_its_silent_call_should_bypass_broker', async () => {
    let result: AcquireTokenResult | null = await app.acquireTokenByDeviceFlow({ device_code: '123' } as unknown as DeviceFlow);
    expect(result.token_source).toBe('identity_provider');

    const [account] = await app.getAccounts();
    expect(account?.account_source).toBe('urn:ietf:params:oauth:grant-type:device_code');

    result = await app.acquireTokenSilentWithError([SCOPE], account, { forceRefresh: true });
    expect(runtime.callsOf('acquireTokenSilently')).toEqual([]);
    expect(result?.token_source).toBe('identity_provider');
  });

  // Skipped upstream too: "ROPC API has been deprecated and thus these tests are no longer needed".
  it.skip('test_ropc_flow_and_its_silent_call_should_invoke_broker', () => {});

  it('test_interactive_flow_and_its_silent_call_should_invoke_broker', async () => {
    let result: AcquireTokenResult | null = await app.acquireTokenInteractive([SCOPE], {
      parentWindowHandle: PublicClientApplication.CONSOLE_WINDOW_HANDLE,
    });
    expect(result.token_source).toBe('broker');

    const [account] = await app.getAccounts();
    expect(account?.account_source).toBe('broker');

    result = await app.acquireTokenSilentWithError([SCOPE], account, { forceRefresh: true });
    expect(runtime.callsOf('acquireTokenSilently')).toHaveLength(1);
    expect(result?.token_source).toBe('broker');
    expect(http.requests).toEqual([]); // the broker answered; no token endpoint was involved
  });
});
