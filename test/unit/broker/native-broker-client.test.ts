/**
 * The default BrokerClient over a stand-in for the loaded runtime: nothing
 * native is loaded before the broker is first asked for, it is loaded once,
 * failures become reasons, and the runtime's log reaches the app's logger.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { PublicClientApplication } from '../../../lib/app/public-client-application.js';
import { BrokerCallError } from '../../../lib/broker/broker-error.js';
import { NativeBrokerClient } from '../../../lib/broker/native-broker-client.js';
import type { BrokerLogCallback, BrokerLogLevel } from '../../../lib/broker/types.js';
import { BrokerUnavailableError } from '../../../lib/errors.js';
import { brokerAuthResult } from '../../conformance/support/application.js';

const loader = vi.hoisted(() => ({ calls: [] as Array<Record<string, unknown>>, status: undefined as unknown }));
vi.mock('../../../lib/broker/native-addon.js', () => ({
  loadBrokerRuntime: async (options: Record<string, unknown>) => {
    loader.calls.push(options);
    return loader.status;
  },
}));

/** What NativeBrokerClient uses of BrokerRuntime. */
class StandInRuntime {
  startupError: Error | undefined;
  log: ((message: string, level: BrokerLogLevel) => void) | null = null;
  logOptions: unknown;
  readonly silentCalls: unknown[][] = [];

  async startup(): Promise<void> {
    if (this.startupError) throw this.startupError;
  }

  setLogCallback(callback: BrokerLogCallback | null, options: unknown): void {
    this.log = callback;
    this.logOptions = options;
  }

  async acquireTokenSilently(...args: unknown[]) {
    this.silentCalls.push(args);
    return brokerAuthResult({ accessToken: 'from the runtime' });
  }
}

let runtime: StandInRuntime;

beforeEach(() => {
  runtime = new StandInRuntime();
  loader.calls.length = 0;
  loader.status = { available: true, runtime, runtimePath: '/fake/libmsalruntime.so' };
});

describe('NativeBrokerClient', () => {
  it('loads nothing when constructed, nor when a public client is constructed or not opted in', async () => {
    new NativeBrokerClient({ runtimePath: '/x' });
    const app = new PublicClientApplication({ clientId: 'c', enableBrokerOnWindows: false, enableBrokerOnMac: false, enableBrokerOnLinux: false, enableBrokerOnWsl: false });
    expect((await app.isBrokerAvailable()).available).toBe(false);
    expect(loader.calls).toEqual([]);
  });

  it('loads and starts the runtime once, on first use, from brokerRuntimePath', async () => {
    const client = new NativeBrokerClient({ runtimePath: '/opt/libmsalruntime.so', platform: 'linux' });
    const [a, b] = await Promise.all([client.availability(), client.availability()]);
    expect(a).toEqual({ available: true });
    expect(b).toEqual({ available: true });
    expect(loader.calls).toEqual([{ runtimePath: '/opt/libmsalruntime.so' }]);
    const params = { clientId: 'c', authority: 'https://login.microsoftonline.com/common', scopes: ['s'] };
    expect((await client.acquireTokenSilently(params, '', 'account-id', { timeoutMs: 5 })).accessToken).toBe('from the runtime');
    expect(runtime.silentCalls).toEqual([[params, '', 'account-id', { timeoutMs: 5 }]]);
    expect(loader.calls).toHaveLength(1);
  });

  it('a runtime that cannot load is unavailable, with the reason; calls reject with BrokerUnavailableError', async () => {
    loader.status = { available: false, reason: 'addon_missing', message: 'The brokerbridge native addon cannot be loaded' };
    const client = new NativeBrokerClient({ platform: 'windows' });
    expect(await client.availability()).toEqual({ available: false, reason: 'addon_missing: The brokerbridge native addon cannot be loaded' });
    await expect(client.signInSilently({ clientId: 'c', authority: 'https://x', scopes: [] }, '')).rejects.toBeInstanceOf(BrokerUnavailableError);
  });

  it('a Linux runtime that finds no broker says what to install', async () => {
    const cause = new BrokerCallError({ status: 6, errorCode: 0, tag: 0, context: 'Broker cannot be initialized for MSALRuntime' });
    runtime.startupError = new BrokerUnavailableError('The broker runtime cannot start', { cause });
    const availability = await new NativeBrokerClient({ platform: 'linux' }).availability();
    expect(availability).toMatchObject({ available: false, reason: expect.stringMatching(/^startup_failed: The broker runtime cannot start\. No Microsoft Identity Broker answered/) });
  });

  it('the log callback set before the start reaches the runtime once it starts, its lines marked as MSALRuntime\'s', async () => {
    const client = new NativeBrokerClient({ platform: 'mac' });
    const lines: Array<[string, BrokerLogLevel]> = [];
    client.setLogger((message, level) => lines.push([message, level]), { piiEnabled: true });
    expect(runtime.log).toBeNull();
    await client.availability();
    expect(runtime.logOptions).toEqual({ piiEnabled: true });
    runtime.log!('hello', 'info');
    expect(lines).toEqual([['MSALRuntime: hello', 'info']]);
    client.setLogger(null);
    expect(runtime.log).toBeNull();
  });
});
