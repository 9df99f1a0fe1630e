/**
 * Port of MSAL Python's tests/test_http_retry.py. The reference inspects the urllib3
 * Retry policy its default transport mounts; ours is createFetchHttpClient, so each
 * test drives it against the local STS and counts what reached the server.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFetchHttpClient } from '../../lib/http/fetch-client.js';
import { LocalSts } from '../support/sts/server.js';

describe('TestRetryPolicy', () => {
  let sts: LocalSts;
  const PATH = '/common/oauth2/v2.0/token';
  beforeEach(async () => {
    sts = await new LocalSts().start();
    sts.route('POST', PATH, () => ({ status: 200, body: { access_token: 'at' } }));
    sts.route('GET', PATH, () => ({ status: 200, body: { ok: true } }));
  });
  afterEach(async () => {
    await sts.stop();
  });
  const send = (method: 'GET' | 'POST') =>
    createFetchHttpClient({ timeoutMs: 10_000 }).send({ method, url: `${sts.baseUrl}${PATH}`, ...(method === 'POST' ? { body: 'a=b' } : {}) });

  it('test_one_retry', async () => {
    sts.inject({ path: PATH, times: 2, reply: 'reset' });
    await expect(send('GET')).rejects.toThrow(/after one retry/);
    expect(sts.requestsTo(PATH)).toHaveLength(2);
  });

  it('test_errors_are_retried_on_post', async () => {
    sts.inject({ path: PATH, reply: 'reset' });
    expect((await send('POST')).status).toBe(200);
    sts.inject({ path: PATH, reply: 'reset' });
    expect((await send('GET')).status).toBe(200);
    expect(sts.requestsTo(PATH)).toHaveLength(4);
  });

  it('test_a_throttled_post_is_left_to_msal', async () => {
    // A 429 or 5xx with Retry-After on the token endpoint reaches the throttling layer as is.
    for (const status of [429, 503]) {
      sts.inject({ path: PATH, reply: { status, headers: { 'Retry-After': '0' }, body: {} } });
      expect((await send('POST')).status).toBe(status);
    }
    expect(sts.requestsTo(PATH)).toHaveLength(2);
  });

  it('test_a_throttled_get_still_retries', async () => {
    sts.inject({ path: PATH, reply: { status: 429, headers: { 'Retry-After': '0' }, body: {} } });
    expect((await send('GET')).status).toBe(200);
    expect(sts.requestsTo(PATH)).toHaveLength(2);
  });
});
