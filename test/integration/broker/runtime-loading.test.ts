/**
 * Loading the addon and the real libmsalruntime, and starting it on a private
 * session bus where no broker owns the name. Runs in its own vitest fork:
 * the runtime reads DBUS_SESSION_BUS_ADDRESS when it starts.
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerUnavailableError } from '../../../lib/errors.js';
import { BrokerCallError } from '../../../lib/broker/broker-error.js';
import { findPackageRoot, loadBrokerRuntime, loadNativeAddon } from '../../../lib/broker/native-addon.js';
import { resolveRuntimePath } from '../../../lib/broker/runtime-path.js';
import { PrivateBus } from '../../support/fake-broker/controller.js';

let bus: PrivateBus;

beforeAll(async () => {
  bus = await PrivateBus.start();
  process.env['DBUS_SESSION_BUS_ADDRESS'] = bus.address;
});

afterAll(async () => {
  await bus?.stop();
});

describe('loading', () => {
  it('loads the addon through node-gyp-build', () => {
    const addon = loadNativeAddon();
    expect('binding' in addon).toBe(true);
  });

  it('reports a missing library as a typed reason, without throwing', async () => {
    const status = await loadBrokerRuntime({ runtimePath: '/nonexistent/libmsalruntime.so' });
    expect(status).toEqual({
      available: false,
      reason: 'library_not_found',
      message: expect.stringContaining('/nonexistent/libmsalruntime.so'),
    });
  });

  it('reports a file that is not a shared library as library_load_failed', async () => {
    const status = await loadBrokerRuntime({ runtimePath: new URL(import.meta.url).pathname });
    expect(status.available).toBe(false);
    if (!status.available) expect(status.reason).toBe('library_load_failed');
  });

  it('takes the library path from BROKERBRIDGE_MSALRUNTIME_PATH', async () => {
    const status = await loadBrokerRuntime({ env: { BROKERBRIDGE_MSALRUNTIME_PATH: '/env/path/libmsalruntime.so' } });
    expect(status.available).toBe(false);
    if (!status.available) expect(status.message).toContain('/env/path/libmsalruntime.so');
  });
});

describe('startup without a broker on the bus', () => {
  it('rejects with BrokerUnavailableError carrying the runtime reason', async () => {
    const status = await loadBrokerRuntime({ env: {} });
    expect(status.available).toBe(true);
    if (!status.available) return;
    expect(status.runtimePath).toMatch(/@azure\/msal-node-runtime\/dist\/linux\/ubuntu\/x64\/libmsalruntime\.so$/);
    const error = await status.runtime.startup().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BrokerUnavailableError);
    const unavailable = error as BrokerUnavailableError;
    expect(unavailable.code).toBe('broker_unavailable');
    expect(unavailable.message).toContain('Broker cannot be initialized');
    expect(unavailable.cause).toBeInstanceOf(BrokerCallError);
    expect((unavailable.cause as BrokerCallError).status).toEqual({ name: 'ApiContractViolation', value: 6 });
  });

  it('lets a later startup try again, and a call fails the same typed way', async () => {
    const status = await loadBrokerRuntime();
    if (!status.available) throw new Error(status.message);
    await expect(status.runtime.startup()).rejects.toBeInstanceOf(BrokerUnavailableError);
    await expect(
      status.runtime.signInSilently(
        { clientId: 'c', authority: 'https://login.microsoftonline.com/common', scopes: ['User.Read'] },
        '',
      ),
    ).rejects.toBeInstanceOf(BrokerUnavailableError);
  });
});

describe('worker threads', () => {
  it('gives each worker its own addon state and tears it down when the worker exits', async () => {
    const root = findPackageRoot()!;
    const runtimePath = resolveRuntimePath({ env: {} }, root).path!;
    // Plain JS so the worker needs no TypeScript loader: it drives the raw addon.
    const worker = new Worker(
      `
      const { parentPort, workerData } = require('node:worker_threads');
      const addon = require('node-gyp-build')(workerData.root);
      addon.loadRuntime(workerData.runtimePath).then(async (loaded) => {
        addon.setLogCallback(() => {}, false);
        const outcome = await addon.startup();
        parentPort.postMessage({ loaded, outcome, window: addon.windowHandleValue(7n).toString() });
      });
      `,
      { eval: true, workerData: { root, runtimePath } },
    );
    const [message] = (await once(worker, 'message')) as [
      { loaded: { ok: boolean }; outcome: { ok: boolean; error?: { status: number; context: string } }; window: string },
    ];
    expect(message.loaded.ok).toBe(true);
    expect(message.outcome.ok).toBe(false);
    expect(message.outcome.error?.status).toBe(6);
    expect(message.window).toBe('7');
    const [code] = (await once(worker, 'exit')) as [number];
    expect(code).toBe(0);
  });
});
