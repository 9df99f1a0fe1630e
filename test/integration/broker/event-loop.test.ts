/**
 * Broker calls never freeze the event loop (issue 11 items 1-3): the first
 * load of libmsalruntime, an AbortSignal, our own deadline and a broker that
 * never replies, through the real libmsalruntime.so and the fake broker. A
 * 1 ms interval measures the loop's lag on each path; the figures are printed,
 * never asserted (the machine may be loaded): the assertions are that each
 * promise settled as documented and that the loop kept ticking.
 * Own vitest fork: the runtime reads DBUS_SESSION_BUS_ADDRESS once, and the
 * last test leaves a call pending inside the runtime for good.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PublicClientApplication } from '../../../lib/app/public-client-application.js';
import type { BrokerRuntime } from '../../../lib/broker/broker-runtime.js';
import { loadBrokerRuntime } from '../../../lib/broker/native-addon.js';
import { CONSOLE_WINDOW_HANDLE, type BrokerAuthParams } from '../../../lib/broker/types.js';
import { AbortError, TimeoutError } from '../../../lib/errors.js';
import type { TokenResult } from '../../../lib/oauth2/types.js';
import { probeEventLoopLag, type LagFigures } from '../../support/event-loop-lag.js';
import {
  startBrokerTestBed,
  stopBrokerTestBed,
  type FakeBroker,
  type PrivateBus,
  type SecretService,
} from '../../support/fake-broker/controller.js';
import { authorityMetadataFor, instanceDiscoveryMetadata } from '../../support/offline-entra.js';
import { rejection } from '../../support/rejection.js';

const CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
const params: BrokerAuthParams = {
  clientId: CLIENT_ID,
  authority: 'https://login.microsoftonline.com/common',
  scopes: ['User.Read'],
  redirectUri: 'https://login.microsoftonline.com/common/oauth2/nativeclient',
};
/** How long a slow broker holds a call: long enough that waiting for it would show. */
const SLOW_MS = 4_000;
/** A broker that never replies within the run. */
const NEVER_MS = 600_000;

let bus: PrivateBus;
let keyring: SecretService;
let broker: FakeBroker;
let runtime: BrokerRuntime;

beforeAll(async () => {
  ({ bus, keyring, broker } = await startBrokerTestBed({ exportBus: true }));
});

afterAll(async () => {
  // No runtime.shutdown(): MSALRUNTIME_Shutdown waits for the call the last
  // test left pending. Killing the broker ends that call.
  await stopBrokerTestBed({ bus, keyring, broker });
});

function report(path: string, figures: LagFigures): void {
  console.log(`event-loop lag, ${path}: max ${figures.maxMs} ms, p99 ${figures.p99Ms} ms over ${figures.ticks} ticks`);
}

/** Lets the interval run a few more turns, so a loop that was frozen shows its lag. */
const settleTimers = () => new Promise((resolve) => setTimeout(resolve, 50));

/** An interactive call the broker holds for `delayMs`, aborted once the broker has it; prints the lag. */
async function abortOnceTheBrokerHoldsIt(path: string, delayMs: number): Promise<void> {
  await broker.behave('acquireTokenInteractively', { kind: 'slow', delayMs, then: { kind: 'token' } });
  const controller = new AbortController();
  const reached = broker.nextCall('acquireTokenInteractively', 60_000);
  const pending = runtime.signInInteractively(params, '', CONSOLE_WINDOW_HANDLE, '', { signal: controller.signal });
  await reached;
  const probe = probeEventLoopLag();
  controller.abort();
  const error = await rejection(pending);
  await settleTimers();
  const figures = probe.stop();
  report(path, figures);
  expect(error).toBeInstanceOf(AbortError);
  expect(figures.ticks).toBeGreaterThan(0);
}

describe('the event loop keeps running', () => {
  it('while libmsalruntime loads for the first time', async () => {
    const probe = probeEventLoopLag();
    const status = await loadBrokerRuntime();
    // dlopen takes hundreds of milliseconds: the interval ran meanwhile.
    const ticksWhileLoading = probe.ticks();
    await settleTimers();
    const figures = probe.stop();
    report('first load', figures);
    if (!status.available) throw new Error(status.message);
    runtime = status.runtime;
    expect(ticksWhileLoading).toBeGreaterThan(0);
    await runtime.startup();
  });

  it('while a silent call through the facade hangs: null at its timeout, AbortError on its signal', async () => {
    const app = new PublicClientApplication(
      {
        clientId: CLIENT_ID,
        authority: 'https://login.microsoftonline.com/common',
        authorityMetadata: authorityMetadataFor('common'),
        instanceDiscoveryMetadata,
        enableBrokerOnLinux: true,
      },
    );
    await broker.behave('acquireTokenSilently', { kind: 'token' });
    const signedIn = (await app.acquireTokenInteractive(params.scopes, {
      parentWindowHandle: CONSOLE_WINDOW_HANDLE,
      browserLauncher: async () => {
        throw new Error('the browser must not be used');
      },
    })) as TokenResult;
    expect(signedIn.token_source).toBe('broker');
    const [account] = await app.getAccounts();

    await broker.behave('acquireTokenSilently', { kind: 'slow', delayMs: SLOW_MS, then: { kind: 'token' } });
    const probe = probeEventLoopLag();
    const timedOut = await app.acquireTokenSilent(params.scopes, account, { forceRefresh: true, timeoutMs: 300 });
    await settleTimers();
    const figures = probe.stop();
    report('silent call, own timeout (facade)', figures);
    expect(timedOut).toBeNull();
    expect(figures.ticks).toBeGreaterThan(0);

    const controller = new AbortController();
    const aborted = app.acquireTokenSilent(params.scopes, account, { forceRefresh: true, signal: controller.signal });
    controller.abort();
    expect(await rejection(aborted)).toBeInstanceOf(AbortError);
  });

  it('when an AbortSignal cancels an interactive call, and the next call still reaches the broker', async () => {
    await abortOnceTheBrokerHoldsIt('abort', SLOW_MS);

    await broker.behave('acquireTokenSilently', { kind: 'token' });
    const next = broker.nextCall('acquireTokenSilently', 60_000);
    await expect(runtime.signInSilently(params, '', { timeoutMs: 60_000 })).resolves.toMatchObject({
      accessToken: 'fake-bearer-access-token',
    });
    await next;
  });

  it('when our own deadline passes on an interactive call', async () => {
    await broker.behave('acquireTokenInteractively', { kind: 'slow', delayMs: SLOW_MS, then: { kind: 'token' } });
    const probe = probeEventLoopLag();
    const error = await rejection(runtime.signInInteractively(params, '', CONSOLE_WINDOW_HANDLE, '', { timeoutMs: 500 }));
    await settleTimers();
    const figures = probe.stop();
    report('own timeout', figures);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(figures.ticks).toBeGreaterThan(0);
  });

  it('when the broker never replies; the next call then says why it cannot get through', async () => {
    // Let the previous test's abandoned call finish first.
    await broker.behave('acquireTokenSilently', { kind: 'token' });
    await runtime.signInSilently(params, '', { timeoutMs: 60_000 });

    await abortOnceTheBrokerHoldsIt('never-replying broker', NEVER_MS);

    const next = await rejection(runtime.signInSilently(params, '', { timeoutMs: 1_500 }));
    expect(next).toBeInstanceOf(TimeoutError);
    expect((next as Error).message).toMatch(/has not yet answered 1 earlier call/);
  });
});
