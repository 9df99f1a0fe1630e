/** Issue 11 item 12: a timeout over 2^31 ms means "practically never", not "after 1 ms". */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeadline } from '../../../lib/broker/deadline.js';
import { createFetchHttpClient } from '../../../lib/http/fetch-client.js';
import { startLoopbackServer } from '../../../lib/interactive/loopback-server.js';
import { MAX_TIMER_DELAY_MS, timerDelay } from '../../../lib/timers.js';
import { LocalSts } from '../../support/sts/server.js';

const HUGE = 2 ** 32;
let sts: LocalSts;
beforeAll(async () => {
  // Answers only after a few timer turns, so a timer that fires "after 1 ms" fires first.
  sts = await new LocalSts().start();
  sts.route('GET', '/slow', async () => {
    await sleep(50);
    return { status: 200, body: { ok: true } };
  });
});
afterAll(async () => sts.stop());

describe('timeouts over 2^31 ms', () => {
  it('timerDelay cuts them to the longest delay Node honours', () => {
    expect(timerDelay(HUGE)).toBe(MAX_TIMER_DELAY_MS);
    expect(timerDelay(Infinity)).toBe(MAX_TIMER_DELAY_MS);
    expect(timerDelay(5)).toBe(5);
  });

  it('the HTTP client does not time out at once', async () => {
    const res = await createFetchHttpClient({ timeoutMs: HUGE }).send({ method: 'GET', url: `${sts.baseUrl}/slow`, headers: {} });
    expect(res.status).toBe(200);
  });

  it('the loopback server keeps waiting', async () => {
    const server = await startLoopbackServer({ expectedState: 's', timeoutMs: HUGE });
    try {
      await sleep(50);
      const res = await fetch(`http://127.0.0.1:${server.port}/?code=c&state=s`);
      expect(res.status).toBe(200);
      await expect(server.waitForAuthResponse()).resolves.toEqual({ code: 'c', state: 's' });
    } finally {
      await server.close();
    }
  });

  it("a broker call's deadline does not fire at once", async () => {
    const deadline = startDeadline('test call', HUGE);
    await sleep(50);
    expect(deadline.signal.aborted).toBe(false);
    deadline.dispose();
  });
});
