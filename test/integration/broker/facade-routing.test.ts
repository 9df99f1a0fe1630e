/**
 * PublicClientApplication routing through the OS broker: the real
 * libmsalruntime.so, our addon, the fake Linux broker on a private bus.
 * Own vitest fork: the runtime reads DBUS_SESSION_BUS_ADDRESS once.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PublicClientApplication } from '../../../lib/app/public-client-application.js';
import { InvalidArgumentError } from '../../../lib/errors.js';
import { PopAuthScheme } from '../../../lib/pop/pop-auth-scheme.js';
import type { ErrorResult, TokenResult } from '../../../lib/oauth2/types.js';
import {
  startBrokerTestBed,
  stopBrokerTestBed,
  type FakeBroker,
  type PrivateBus,
  type SecretService,
} from '../../support/fake-broker/controller.js';
import { TEST_OID, TEST_TENANT } from '../../support/fake-broker/protocol.js';
import { authorityMetadataFor, instanceDiscoveryMetadata } from '../../support/offline-entra.js';

const CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
const SCOPES = ['User.Read'];
/** Everything discovery would fetch, given up front: these tests make no HTTP request. */
const OFFLINE_ENTRA = {
  authority: 'https://login.microsoftonline.com/common',
  authorityMetadata: authorityMetadataFor('common'),
  instanceDiscoveryMetadata,
};

let bus: PrivateBus;
let keyring: SecretService;
let broker: FakeBroker;

beforeAll(async () => {
  ({ bus, keyring, broker } = await startBrokerTestBed({ exportBus: true }));
});
afterAll(async () => {
  await stopBrokerTestBed({ bus, keyring, broker });
});
beforeEach(async () => {
  broker.clearCalls();
  await broker.behave('acquireTokenSilently', { kind: 'token' });
  await broker.behave('acquireTokenInteractively', { kind: 'token' });
});

const newApp = (extra: Record<string, unknown> = {}) =>
  new PublicClientApplication({ clientId: CLIENT_ID, ...OFFLINE_ENTRA, enableBrokerOnLinux: true, ...extra });
const console_: typeof PublicClientApplication.CONSOLE_WINDOW_HANDLE = PublicClientApplication.CONSOLE_WINDOW_HANDLE;
const noBrowser = async () => {
  throw new Error('the browser must not be used');
};

describe('broker routing in the facade', () => {
  it('reports availability, and why not when disabled or not applicable', async () => {
    expect(await newApp().isBrokerAvailable()).toEqual({ available: true });
    expect(await newApp({ enableBrokerOnLinux: false }).isBrokerAvailable()).toMatchObject({ available: false, reason: /not enabled for linux/ });
    const b2c = new PublicClientApplication(
      { clientId: CLIENT_ID, authority: 'https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_signin', enableBrokerOnLinux: true },
    );
    expect(await b2c.isBrokerAvailable()).toMatchObject({ available: false, reason: /B2C/ });
  });

  it('requires a parent window handle when the broker is on', async () => {
    await expect(newApp().acquireTokenInteractive(SCOPES)).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('no prompt: a silent broker sign-in suffices, and the account is cached as a broker account', async () => {
    const app = newApp();
    let uiShown = false;
    const r = (await app.acquireTokenInteractive(SCOPES, {
      parentWindowHandle: console_,
      browserLauncher: noBrowser,
      onBeforeLaunchingUi: () => (uiShown = true),
    })) as TokenResult;
    expect(r.token_source).toBe('broker');
    expect(r.access_token).toBe('fake-bearer-access-token');
    expect(uiShown).toBe(false);
    expect(broker.lastCall('acquireTokenInteractively')).toBeUndefined();
    const sent = (broker.lastCall('acquireTokenSilently')!.request as { authParameters: Record<string, unknown> }).authParameters;
    expect(sent).toMatchObject({ clientId: CLIENT_ID, redirectUri: 'https://login.microsoftonline.com/common/oauth2/nativeclient' });
    const [account] = await app.getAccounts();
    expect(account).toMatchObject({ account_source: 'broker', home_account_id: `${TEST_OID}.${TEST_TENANT}`, local_account_id: TEST_OID });
  });

  it('interaction required: falls through to the broker UI, firing onBeforeLaunchingUi', async () => {
    await broker.behave('acquireTokenSilently', { kind: 'error', status: 2, context: 'interaction needed' });
    const app = newApp();
    let uiShown = false;
    const r = (await app.acquireTokenInteractive(SCOPES, {
      parentWindowHandle: console_,
      browserLauncher: noBrowser,
      onBeforeLaunchingUi: () => (uiShown = true),
    })) as TokenResult;
    expect(r.token_source).toBe('broker');
    expect(uiShown).toBe(true);
    expect(broker.lastCall('acquireTokenInteractively')).toBeDefined();
  });

  it('prompt=none returns the broker error as a value instead of showing UI', async () => {
    await broker.behave('acquireTokenSilently', { kind: 'error', status: 2, context: 'interaction needed' });
    const r = (await newApp().acquireTokenInteractive(SCOPES, { parentWindowHandle: console_, prompt: 'none', browserLauncher: noBrowser })) as ErrorResult;
    expect(r.error).toBe('interaction_required');
    expect(r.broker_status).toBe('InteractionRequired');
    expect(broker.lastCall('acquireTokenInteractively')).toBeUndefined();
  });

  it('prompt=select_account goes straight to the broker UI', async () => {
    const r = (await newApp().acquireTokenInteractive(SCOPES, { parentWindowHandle: console_, prompt: 'select_account', browserLauncher: noBrowser })) as TokenResult;
    expect(r.token_source).toBe('broker');
    expect(broker.lastCall('acquireTokenInteractively')).toBeDefined();
  });

  it('silent calls for broker accounts: cache first, then the broker (forceRefresh renews the held token)', async () => {
    const app = newApp();
    await app.acquireTokenInteractive(SCOPES, { parentWindowHandle: console_, browserLauncher: noBrowser });
    const [account] = await app.getAccounts();
    broker.clearCalls();
    expect((await app.acquireTokenSilent(SCOPES, account))?.token_source).toBe('cache');
    expect(broker.lastCall('acquireTokenSilently')).toBeUndefined();
    await broker.behave('acquireTokenSilently', { kind: 'token', accessToken: 'renewed-token' });
    const forced = await app.acquireTokenSilent(SCOPES, account, { forceRefresh: true });
    expect(forced).toMatchObject({ token_source: 'broker', access_token: 'renewed-token' });
    const sent = (broker.lastCall('acquireTokenSilently')!.request as { authParameters: Record<string, unknown> }).authParameters;
    expect(sent['accessTokenToRenew']).toBe('fake-bearer-access-token');
  });

  it('PoP through the broker: pop params reach the broker and the result is a pop token', async () => {
    await broker.behave('acquireTokenSilently', { kind: 'token', pop: true });
    const scheme = new PopAuthScheme({ httpMethod: 'GET', url: 'https://graph.microsoft.com/v1.0/me', nonce: 'n-1' });
    const r = (await newApp().acquireTokenInteractive(SCOPES, { parentWindowHandle: console_, authScheme: scheme, browserLauncher: noBrowser })) as TokenResult;
    expect(r.token_type).toBe('pop');
    const sent = (broker.lastCall('acquireTokenSilently')!.request as { authParameters: { popParams: Record<string, unknown> } }).authParameters;
    expect(sent.popParams).toMatchObject({ httpMethod: 'GET', uriHost: 'graph.microsoft.com', uriPath: '/v1.0/me', nonce: 'n-1' });
  });

  it('PoP silently for a broker account: the broker signs, with pop params', async () => {
    const app = newApp();
    await app.acquireTokenInteractive(SCOPES, { parentWindowHandle: console_, browserLauncher: noBrowser });
    const [account] = await app.getAccounts();
    await broker.behave('acquireTokenSilently', { kind: 'token', pop: true });
    broker.clearCalls();
    const scheme = new PopAuthScheme({ httpMethod: 'POST', url: 'https://graph.microsoft.com/v1.0/me/sendMail', nonce: 'n-2' });
    const r = await app.acquireTokenSilent(SCOPES, account, { authScheme: scheme });
    expect(r).toMatchObject({ token_source: 'broker', token_type: 'pop', access_token: 'fake-pop-access-token' });
    const sent = (broker.lastCall('acquireTokenSilently')!.request as { authParameters: { popParams: Record<string, unknown> } }).authParameters;
    expect(sent.popParams).toMatchObject({ httpMethod: 'POST', uriPath: '/v1.0/me/sendMail', nonce: 'n-2' });
  });

  it('FallbackToNativeMsal from the broker drops to the browser flow', async () => {
    await broker.behave('acquireTokenSilently', { kind: 'error', status: 21, context: 'use MSAL' });
    let opened: string | undefined;
    await expect(
      newApp().acquireTokenInteractive(SCOPES, {
        parentWindowHandle: console_,
        browserLauncher: async (url) => {
          opened = url;
          throw new Error('browser opened');
        },
      }),
    ).rejects.toThrow('browser opened');
    expect(opened).toMatch(/^https:\/\/login\.microsoftonline\.com\/common\/oauth2\/v2\.0\/authorize\?/);
  });

  it('removeAccount signs the account out of the broker too', async () => {
    const logs: string[] = [];
    const app = newApp({ logger: { level: 'verbose', callback: (_l: string, m: string) => logs.push(m) } });
    await app.acquireTokenInteractive(SCOPES, { parentWindowHandle: console_, browserLauncher: noBrowser });
    const [account] = await app.getAccounts();
    await app.removeAccount(account!);
    // MSALRuntime signs out locally (no D-Bus call); what we can see is that it succeeded.
    expect(logs.filter((m) => m.includes('sign-out failed'))).toEqual([]);
    expect(await app.getAccounts()).toHaveLength(0);
  });

  it("MSALRuntime's own log reaches the app's logger, marked as PII only with enablePiiLog", async () => {
    for (const enablePiiLog of [false, true]) {
      const lines: Array<{ level: string; message: string; containsPii: boolean }> = [];
      const app = newApp({
        enablePiiLog,
        logger: { level: 'verbose', callback: (level: string, message: string, containsPii: boolean) => lines.push({ level, message, containsPii }) },
      });
      await app.acquireTokenInteractive(SCOPES, { parentWindowHandle: console_, browserLauncher: noBrowser });
      // The lines hop threads on their own queue: wait for them, with a deadline.
      const deadline = Date.now() + 30_000;
      while (!lines.some((l) => l.message.startsWith('MSALRuntime: ')) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const runtimeLines = lines.filter((l) => l.message.startsWith('MSALRuntime: '));
      expect(runtimeLines.length, `enablePiiLog ${enablePiiLog}`).toBeGreaterThan(0);
      expect(runtimeLines.every((l) => ['verbose', 'info', 'warning', 'error'].includes(l.level))).toBe(true);
      expect(runtimeLines.every((l) => l.containsPii === enablePiiLog)).toBe(true);
      if (!enablePiiLog) expect(runtimeLines.some((l) => l.message.includes('ada@contoso.example'))).toBe(false);
    }
  });
});
