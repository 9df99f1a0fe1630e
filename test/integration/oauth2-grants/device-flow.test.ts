import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AbortError, MalformedResponseError } from '../../../lib/errors.js';
import { abortableSleep, initiateDeviceFlow, pollDeviceFlow, type DeviceFlow, type DeviceFlowProgress } from '../../../lib/oauth2/device-flow.js';
import { byDeviceCode } from '../../../lib/oauth2/grants.js';
import type { ErrorResponse } from '../../../lib/oauth2/types.js';
import { approveDeviceCode, denyDeviceCode, expireDeviceCode, slowDownDeviceCode } from '../../support/sts/token.js';
import { PUBLIC_CLIENT, startFixture, TENANT, type Fixture } from './fixture.js';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => f.stop());
beforeEach(() => {
  f.sts.clearFaults();
  f.state.deviceInterval = 1;
  f.state.deviceExpiresIn = 900;
});

/** A fake clock that only moves when the poller sleeps. */
function fakeTime(start = 1_700_000_000_000) {
  let clock = start;
  const sleeps: number[] = [];
  return {
    now: () => clock,
    sleeps,
    sleepWith(hook: (count: number) => void = () => {}) {
      return async (ms: number): Promise<void> => {
        clock += ms;
        sleeps.push(ms);
        hook(sleeps.length);
      };
    },
  };
}

const deviceEndpoint = (): string => `${f.sts.baseUrl}/${TENANT}/oauth2/v2.0/devicecode`;
const exchange = (dc: string) => byDeviceCode(f.publicClient(), f.tokenEndpoint(), { deviceCode: dc });

async function start(now: () => number): Promise<DeviceFlow> {
  const flow = await initiateDeviceFlow(f.http, deviceEndpoint(), { clientId: PUBLIC_CLIENT, scope: 'User.Read openid profile offline_access', now });
  if (typeof flow.error === 'string') throw new Error(JSON.stringify(flow));
  return flow as DeviceFlow;
}

describe('initiateDeviceFlow', () => {
  it('returns the server fields plus expires_at and interval', async () => {
    const t = fakeTime();
    const flow = await start(t.now);
    expect(flow).toMatchObject({ expires_in: 900, interval: 1, expires_at: t.now() / 1000 + 900 });
    expect(flow.user_code).toMatch(/^[A-Z]{8}$/);
    expect(flow.message).toContain(flow.user_code);
    const form = f.sts.requests.at(-1)!.form;
    expect(form.get('client_id')).toBe(PUBLIC_CLIENT);
    expect(form.get('scope')).toBe('User.Read openid profile offline_access');
  });

  it('defaults the interval to 5 and accepts numeric strings', async () => {
    f.sts.inject({ path: /devicecode$/, reply: { body: { device_code: 'd', user_code: 'U', verification_uri: 'v', expires_in: '600' } } });
    const flow = (await initiateDeviceFlow(f.http, deviceEndpoint(), { clientId: 'c', scope: 's', now: () => 0 })) as DeviceFlow;
    expect(flow).toMatchObject({ interval: 5, expires_in: 600, expires_at: 600 });
  });

  it('returns server errors as values and rejects replies without codes', async () => {
    const err = await initiateDeviceFlow(f.http, deviceEndpoint(), { clientId: PUBLIC_CLIENT, scope: '' });
    expect(err).toMatchObject({ error: 'invalid_request' });
    f.sts.inject({ path: /devicecode$/, reply: { body: { user_code: 'U' } } });
    await expect(initiateDeviceFlow(f.http, deviceEndpoint(), { clientId: 'c', scope: 's' })).rejects.toBeInstanceOf(MalformedResponseError);
  });
});

describe('pollDeviceFlow', () => {
  it('goes pending -> slow_down -> success, honouring the interval and reporting progress', async () => {
    const t = fakeTime();
    const flow = await start(t.now);
    const progress: DeviceFlowProgress[] = [];
    const sleep = t.sleepWith((n) => {
      if (n === 1) slowDownDeviceCode(f.state, flow.user_code);
      if (n === 2) approveDeviceCode(f.state, flow.user_code, 'alice@contoso.com');
    });
    const res = await pollDeviceFlow(exchange, flow, { now: t.now, sleep, onProgress: (p) => progress.push(p) });
    expect(res.access_token).toBeTypeOf('string');
    expect(res.refresh_token).toBeTypeOf('string');
    // 1 s after pending, then interval 1 + 5 = 6 s after slow_down.
    expect(t.sleeps).toEqual([1000, 1000, 1000, 1000, 1000, 1000, 1000]);
    expect(flow.interval).toBe(6);
    expect(progress).toEqual([
      { attempt: 1, elapsedSeconds: 0, remainingSeconds: 900 },
      { attempt: 2, elapsedSeconds: 1, remainingSeconds: 899 },
    ]);
    const polls = f.sts.requestsTo(/\/token$/).slice(-3).map((r) => r.form.get('grant_type'));
    expect(polls).toEqual(Array(3).fill('urn:ietf:params:oauth:grant-type:device_code'));
  });

  it('stops at expiry with the last pending error', async () => {
    f.state.deviceExpiresIn = 3;
    f.state.deviceInterval = 2;
    const t = fakeTime();
    const flow = await start(t.now);
    const before = f.sts.requestsTo(/\/token$/).length;
    const res = (await pollDeviceFlow(exchange, flow, { now: t.now, sleep: t.sleepWith() })) as ErrorResponse;
    expect(res.error).toBe('authorization_pending');
    expect(f.sts.requestsTo(/\/token$/).length - before).toBe(2);
    expect(t.sleeps.length).toBe(3);
  });

  it('stops when the caller sets expires_at to 0', async () => {
    const t = fakeTime();
    const flow = await start(t.now);
    flow.interval = 30;
    const res = await pollDeviceFlow(exchange, flow, {
      now: t.now,
      sleep: t.sleepWith((n) => {
        if (n === 2) flow.expires_at = 0;
      }),
    });
    expect(res.error).toBe('authorization_pending');
    expect(t.sleeps.length).toBe(2);
  });

  it('throws AbortError when the signal fires, even mid-sleep', async () => {
    const flow = await start(Date.now);
    const ac = new AbortController();
    const p = pollDeviceFlow(exchange, flow, { signal: ac.signal, onProgress: () => ac.abort() });
    await expect(p).rejects.toBeInstanceOf(AbortError);

    const ac2 = new AbortController();
    ac2.abort();
    await expect(pollDeviceFlow(exchange, flow, { signal: ac2.signal })).rejects.toBeInstanceOf(AbortError);
  });

  it('stops on final errors: declined and expired_token', async () => {
    const t = fakeTime();
    const declined = await start(t.now);
    denyDeviceCode(f.state, declined.user_code);
    expect(await pollDeviceFlow(exchange, declined, { now: t.now, sleep: t.sleepWith() })).toMatchObject({ error: 'authorization_declined' });
    const expired = await start(t.now);
    expireDeviceCode(f.state, expired.device_code);
    expect(await pollDeviceFlow(exchange, expired, { now: t.now, sleep: t.sleepWith() })).toMatchObject({ error: 'expired_token' });
    expect(t.sleeps).toEqual([]);
  });

  it('retries nothing on a 5xx and surfaces it as the result', async () => {
    const t = fakeTime();
    const flow = await start(t.now);
    f.sts.inject({ path: /\/token$/, reply: { status: 503, headers: { 'Retry-After': '3' }, body: { error: 'temporarily_unavailable' } } });
    expect(await pollDeviceFlow(exchange, flow, { now: t.now, sleep: t.sleepWith() })).toMatchObject({ error: 'temporarily_unavailable', retry_after: 3 });
  });

  it('refuses a flow without a device code', async () => {
    await expect(pollDeviceFlow(exchange, { error: 'x' } as unknown as DeviceFlow)).rejects.toBeInstanceOf(MalformedResponseError);
  });
});

describe('abortableSleep', () => {
  it('resolves, or rejects with AbortError when aborted', async () => {
    await expect(abortableSleep(1)).resolves.toBeUndefined();
    const ac = new AbortController();
    const p = abortableSleep(60_000, ac.signal);
    ac.abort();
    await expect(p).rejects.toBeInstanceOf(AbortError);
  });
});
