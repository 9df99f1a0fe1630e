/**
 * The real libmsalruntime.so, driven through our addon, against the fake
 * Linux broker on a private session bus (plus a throwaway Secret Service,
 * where the runtime keeps accounts). This file runs in its own vitest fork:
 * the runtime reads DBUS_SESSION_BUS_ADDRESS when it starts.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, InvalidArgumentError, TimeoutError } from '../../../lib/errors.js';
import { BROKER_STATUS_NAMES, BrokerCallError } from '../../../lib/broker/broker-error.js';
import type { BrokerRuntime } from '../../../lib/broker/broker-runtime.js';
import { loadBrokerRuntime } from '../../../lib/broker/native-addon.js';
import { CONSOLE_WINDOW_HANDLE, type BrokerAuthParams } from '../../../lib/broker/types.js';
import {
  startBrokerTestBed,
  stopBrokerTestBed,
  FakeBroker,
  type PrivateBus,
  type SecretService,
} from '../../support/fake-broker/controller.js';
import { TEST_OID, TEST_TENANT, testAccount } from '../../support/fake-broker/protocol.js';
import { rejection } from '../../support/rejection.js';

const CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
const AUTHORITY = 'https://login.microsoftonline.com/common';
const REDIRECT_URI = 'https://login.microsoftonline.com/common/oauth2/nativeclient';
const params: BrokerAuthParams = { clientId: CLIENT_ID, authority: AUTHORITY, scopes: ['User.Read'], redirectUri: REDIRECT_URI };

let bus: PrivateBus;
let keyring: SecretService;
let broker: FakeBroker;
let runtime: BrokerRuntime;

beforeAll(async () => {
  ({ bus, keyring, broker } = await startBrokerTestBed({ exportBus: true }));
  const status = await loadBrokerRuntime();
  if (!status.available) throw new Error(status.message);
  runtime = status.runtime;
});

// No runtime.shutdown(): the addon releases the runtime when this process's environment is torn down, as it does in apps.
afterAll(async () => {
  await stopBrokerTestBed({ bus, keyring, broker });
});

function authRequest(method: 'acquireTokenSilently' | 'acquireTokenInteractively'): Record<string, unknown> {
  const call = broker.lastCall(method);
  expect(call, `a ${method} call reached the broker`).toBeDefined();
  return (call!.request as { authParameters: Record<string, unknown> }).authParameters;
}


describe('startup', () => {
  it('starts when the broker answers on the bus', async () => {
    await expect(runtime.startup()).resolves.toBeUndefined();
  });
});

describe('successful calls', () => {
  it('signs in silently and returns every field', async () => {
    broker.clearCalls();
    const correlationId = randomUUID();
    const result = await runtime.signInSilently(params, correlationId);

    const getAccounts = broker.lastCall('getAccounts');
    expect(getAccounts?.request).toMatchObject({ clientId: CLIENT_ID });
    const sent = authRequest('acquireTokenSilently');
    expect(broker.lastCall('acquireTokenSilently')?.correlationId).toBe(correlationId);
    expect(broker.lastCall('acquireTokenSilently')?.protocolVersion).toBe('0.0');
    expect(sent).toMatchObject({
      clientId: CLIENT_ID,
      authority: AUTHORITY,
      redirectUri: REDIRECT_URI,
      requestedScopes: ['User.Read'],
      authorizationType: 1,
      popParams: null,
    });

    expect(result.accessToken).toBe('fake-bearer-access-token');
    expect(result.isPopAuthorization).toBe(false);
    expect(result.grantedScopes).toEqual(['User.Read']);
    expect(result.rawIdToken?.split('.')).toHaveLength(3);
    expect(JSON.parse(result.idToken ?? '{}')).toMatchObject({ oid: TEST_OID, tid: TEST_TENANT });
    const nowSeconds = Date.now() / 1000;
    expect(result.expiresOn).toBeGreaterThan(nowSeconds + 3000);
    expect(result.expiresOn).toBeLessThan(nowSeconds + 4000);
    expect(result.account).toMatchObject({
      id: TEST_OID,
      homeAccountId: `${TEST_OID}.${TEST_TENANT}`,
      environment: 'login.microsoftonline.com',
      realm: TEST_TENANT,
      username: 'ada@contoso.example',
      name: 'Ada Lovelace',
    });
    expect(Buffer.from(result.account!.clientInfo!, 'base64url').toString()).toContain(TEST_OID);
    expect(result.telemetry).toMatchObject({ api_name: 'SignInSilently', is_successful: 'true' });
  });

  it('signs in interactively with PoP, claims and extra query parameters', async () => {
    await broker.behave('acquireTokenInteractively', { kind: 'token', pop: true });
    const pop = { httpMethod: 'GET', uriHost: 'graph.microsoft.com', uriPath: '/v1.0/me', nonce: 'nonce-123' };
    const claims = '{"access_token":{"xms_cc":{"values":["cp1"]}}}';
    const result = await runtime.signInInteractively(
      { ...params, pop, claims, additionalParameters: { x_brokerbridge_test: 'yes' } },
      randomUUID(),
      CONSOLE_WINDOW_HANDLE,
    );
    const sent = authRequest('acquireTokenInteractively');
    expect(sent).toMatchObject({
      clientId: CLIENT_ID,
      authority: AUTHORITY,
      redirectUri: REDIRECT_URI,
      requestedScopes: ['User.Read'],
      authorizationType: 6,
      decodedClaims: claims,
      popParams: expect.objectContaining(pop),
    });
    expect(sent['additionalQueryParametersForAuthorization']).toMatchObject({ x_brokerbridge_test: 'yes' });
    expect(result.isPopAuthorization).toBe(true);
    expect(result.accessToken).toBe('fake-pop-access-token');
    expect(result.authorizationHeader).toBe('pop fake-pop-access-token');
  });

  it('uses and signs out the account the runtime stored, by its id', async () => {
    await broker.behave('acquireTokenSilently', { kind: 'token' });
    const signedIn = await runtime.signInSilently(params, '');
    const accountId = signedIn.account!.id;
    expect(signedIn.account).toMatchObject({ id: accountId, username: 'ada@contoso.example', realm: TEST_TENANT });

    const token = await runtime.acquireTokenSilently(
      { ...params, accessTokenToRenew: signedIn.accessToken },
      '',
      accountId,
    );
    expect(token.accessToken).toBe('fake-bearer-access-token');
    expect(authRequest('acquireTokenSilently')).toMatchObject({
      accessTokenToRenew: signedIn.accessToken,
      account: expect.objectContaining({ homeAccountId: `${TEST_OID}.${TEST_TENANT}` }),
    });

    await expect(runtime.signOutSilently(CLIENT_ID, '', accountId)).resolves.toBeUndefined();
  });

  it('reports an unknown account id as AccountNotFound', async () => {
    const error = await rejection(runtime.acquireTokenSilently(params, '', 'no-such-account'));
    expect(error).toBeInstanceOf(BrokerCallError);
    expect((error as BrokerCallError).status).toEqual({ name: 'AccountNotFound', value: 16 });
  });
});

describe('broker errors', () => {
  /**
   * The broker's wire status and MSALRuntime's public status agree except for
   * 15-20, which libmsalruntime 0.20.7 translates (observed, not documented):
   * wire 15 -> TransientError, 16 -> AccountSwitch, 17 -> DeviceNotRegistered,
   * 18 -> KeyNotFound, 19 -> AccountNotFound, 20 -> RequiredBrokerMissing.
   */
  const wireToPublic: Record<number, number> = { 15: 17, 16: 18, 17: 20, 18: 15, 19: 16, 20: 19 };
  const cases = BROKER_STATUS_NAMES.map((_, wire) => {
    const value = wireToPublic[wire] ?? wire;
    return [wire, BROKER_STATUS_NAMES[value]!, value] as const;
  });

  it.each(cases)('maps broker status %i to %s', async (wire, name, value) => {
    await broker.behave('acquireTokenSilently', {
      kind: 'error',
      status: wire,
      errorCode: 1000 + wire,
      tag: 77,
      context: `scripted ${wire}`,
    });
    const error = await rejection(runtime.signInSilently(params, ''));
    expect(error).toBeInstanceOf(BrokerCallError);
    const call = error as BrokerCallError;
    expect(call.code).toBe('broker_error');
    expect(call.status).toEqual({ name, value });
    expect(call.errorCode).toBe(1000 + wire);
    expect(call.tag).toBe(77);
    expect(call.context).toBe(`scripted ${wire}`);
    expect(call.message).toContain(name);
  });

  it('fails cleanly on a status that is not an integer', async () => {
    await broker.behave('acquireTokenSilently', {
      kind: 'reply',
      body: JSON.stringify({ brokerTokenResponse: { error: { status: 'bad', errorCode: 0, tag: 0, context: 'x' } } }),
    });
    const error = await rejection(runtime.signInSilently(params, ''));
    expect(error).toBeInstanceOf(BrokerCallError);
    expect((error as BrokerCallError).context).toContain("Failed to convert value for key 'status'");
  });

  it('fails cleanly on garbage JSON', async () => {
    await broker.behave('acquireTokenSilently', { kind: 'garbage' });
    const error = await rejection(runtime.signInSilently(params, ''));
    expect(error).toBeInstanceOf(BrokerCallError);
    expect((error as BrokerCallError).status.name).toBe('Unexpected');
  });
});

describe('timeouts and cancellation', () => {
  it('rejects a slow broker with TimeoutError, and the next call still works', async () => {
    await broker.behave('acquireTokenSilently', { kind: 'slow', delayMs: 3_000, then: { kind: 'token' } });
    const error = await rejection(runtime.signInSilently(params, '', { timeoutMs: 200 }));
    expect(error).toBeInstanceOf(TimeoutError);
    await broker.behave('acquireTokenSilently', { kind: 'token' });
    await expect(runtime.signInSilently(params, '')).resolves.toMatchObject({ accessToken: 'fake-bearer-access-token' });
  });

  it('cancels through an AbortSignal', async () => {
    await broker.behave('acquireTokenInteractively', { kind: 'slow', delayMs: 3_000, then: { kind: 'token' } });
    const controller = new AbortController();
    const started = broker.nextCall('acquireTokenInteractively');
    const pending = runtime.signInInteractively(params, '', CONSOLE_WINDOW_HANDLE, '', { signal: controller.signal });
    await started;
    controller.abort();
    expect(await rejection(pending)).toBeInstanceOf(AbortError);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const error = await rejection(runtime.signInSilently(params, '', { signal: AbortSignal.abort() }));
    expect(error).toBeInstanceOf(AbortError);
  });
});

describe('arguments', () => {
  it('throws InvalidArgumentError for bad inputs', () => {
    expect(() => runtime.signInSilently({ ...params, clientId: '' }, '')).toThrow(InvalidArgumentError);
    expect(() => runtime.signInSilently({ ...params, scopes: ['a b'] }, '')).toThrow(InvalidArgumentError);
    expect(() => runtime.signInSilently(params, 'not-a-guid')).toThrow(InvalidArgumentError);
  });

  it('rejects a malformed window handle with InvalidArgumentError', async () => {
    const error = await rejection(runtime.signInInteractively(params, '', Buffer.alloc(3)));
    expect(error).toBeInstanceOf(InvalidArgumentError);
  });
});

describe('logging', () => {
  it('delivers runtime log lines to the callback', async () => {
    const lines: Array<[string, string]> = [];
    runtime.setLogCallback((message, level) => lines.push([level, message]), { piiEnabled: false });
    await broker.behave('acquireTokenSilently', { kind: 'token' });
    await runtime.signInSilently(params, '');
    // Lines hop threads through a TSFN; give the queue one turn to drain.
    await new Promise((r) => setTimeout(r, 50));
    runtime.setLogCallback(null);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every(([level]) => ['trace', 'debug', 'info', 'warning', 'error', 'fatal'].includes(level))).toBe(true);
    expect(lines.some(([, message]) => message.includes('ada@contoso.example'))).toBe(false);
  });
});

describe('a broker that dies', () => {
  it('fails the call in flight, and works again once a broker is back', async () => {
    await broker.behave('acquireTokenSilently', { kind: 'crash' });
    const error = await rejection(runtime.signInSilently(params, '', { timeoutMs: 20_000 }));
    expect(error).toBeInstanceOf(BrokerCallError);
    expect(await broker.exited).toBe('SIGKILL');

    broker = await FakeBroker.start(bus);
    await broker.setAccounts([testAccount()]);
    await expect(runtime.signInSilently(params, '')).resolves.toMatchObject({ accessToken: 'fake-bearer-access-token' });
  });
});
