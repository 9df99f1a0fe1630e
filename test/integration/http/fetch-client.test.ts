import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AbortError, ErrorCode, NetworkError, TimeoutError } from '../../../lib/errors.js';
import { createFetchHttpClient } from '../../../lib/http/fetch-client.js';
import { LocalSts } from '../../support/sts/server.js';

describe('createFetchHttpClient', () => {
  let sts: LocalSts;
  beforeEach(async () => {
    sts = await new LocalSts().start();
    sts.route('POST', '/echo', (req) => ({
      status: 200,
      headers: { 'X-Echo-Header': String(req.headers['x-custom'] ?? '') },
      body: { form: Object.fromEntries(req.form), method: req.method },
    }));
    sts.route('GET', '/fail', () => ({ status: 500, headers: { 'Retry-After': '7' }, body: { error: 'server_error' } }));
  });
  afterEach(async () => {
    await sts.stop();
  });

  it('sends method, headers and body verbatim and lower-cases response header names', async () => {
    const client = createFetchHttpClient();
    const res = await client.send({
      method: 'POST',
      url: `${sts.baseUrl}/echo`,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Custom': 'abc' },
      body: 'grant_type=refresh_token&scope=a+b',
    });
    expect(res.status).toBe(200);
    expect(res.headers['x-echo-header']).toBe('abc');
    expect(res.headers['content-type']).toContain('application/json');
    expect(Object.keys(res.headers).every((k) => k === k.toLowerCase())).toBe(true);
    expect(JSON.parse(res.body)).toEqual({ method: 'POST', form: { grant_type: 'refresh_token', scope: 'a b' } });
    expect(sts.requests[0]?.headers['x-custom']).toBe('abc');
  });

  it('returns HTTP error statuses and malformed bodies as values', async () => {
    const client = createFetchHttpClient();
    const res = await client.send({ method: 'GET', url: `${sts.baseUrl}/fail` });
    expect(res.status).toBe(500);
    expect(res.headers['retry-after']).toBe('7');
    const missing = await client.send({ method: 'GET', url: `${sts.baseUrl}/nowhere` });
    expect(missing.status).toBe(404);
    sts.inject({ path: '/fail', reply: 'malformed' });
    const malformed = await client.send({ method: 'GET', url: `${sts.baseUrl}/fail` });
    expect(malformed).toMatchObject({ status: 200, body: '<html>not json' });
  });

  it('times out a hanging server with TimeoutError, per-request override winning over the default', async () => {
    sts.inject({ path: '/echo', reply: 'hang' });
    const client = createFetchHttpClient(); // default 30 s would outlive the test
    const err = await client
      .send({ method: 'POST', url: `${sts.baseUrl}/echo`, body: 'a=b', timeoutMs: 150 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).code).toBe(ErrorCode.Timeout);
    expect((err as TimeoutError).cause).toBeDefined();
    // Timeouts are not retried.
    expect(sts.requestsTo('/echo')).toHaveLength(1);
  });

  it('uses the client-wide timeout when the request has none', async () => {
    sts.inject({ path: '/echo', reply: 'hang' });
    const client = createFetchHttpClient({ timeoutMs: 150 });
    await expect(client.send({ method: 'POST', url: `${sts.baseUrl}/echo`, body: 'a=b' })).rejects.toBeInstanceOf(
      TimeoutError,
    );
  });

  it('honours an AbortSignal with AbortError carrying the reason', async () => {
    sts.inject({ path: '/echo', reply: 'hang' });
    const client = createFetchHttpClient();
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    const pending = client.send({ method: 'POST', url: `${sts.baseUrl}/echo`, body: 'a=b', signal: controller.signal });
    await waitFor(() => sts.requestsTo('/echo').length === 1);
    controller.abort(reason);
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect((err as AbortError).code).toBe(ErrorCode.Aborted);
    expect((err as AbortError).cause).toBe(reason);
  });

  it('does not send anything when the signal is already aborted', async () => {
    const client = createFetchHttpClient();
    const err = await client
      .send({ method: 'GET', url: `${sts.baseUrl}/fail`, signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect(sts.requests).toHaveLength(0);
  });

  it('retries exactly once when the connection is reset before any response', async () => {
    sts.inject({ path: '/echo', reply: 'reset' });
    const client = createFetchHttpClient();
    const res = await client.send({ method: 'POST', url: `${sts.baseUrl}/echo`, body: 'a=b' });
    expect(res.status).toBe(200);
    expect(sts.requestsTo('/echo')).toHaveLength(2);
  });

  it('gives up with NetworkError after the one retry', async () => {
    sts.inject({ path: '/echo', reply: 'reset', times: 5 });
    const client = createFetchHttpClient();
    const err = await client.send({ method: 'POST', url: `${sts.baseUrl}/echo`, body: 'a=b' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as NetworkError).code).toBe(ErrorCode.NetworkError);
    expect((err as NetworkError).cause).toBeInstanceOf(TypeError);
    expect(sts.requestsTo('/echo')).toHaveLength(2);
  });

  it('does not retry when retryOnConnectionError is false', async () => {
    sts.inject({ path: '/echo', reply: 'reset' });
    const client = createFetchHttpClient({ retryOnConnectionError: false });
    await expect(client.send({ method: 'POST', url: `${sts.baseUrl}/echo`, body: 'a=b' })).rejects.toBeInstanceOf(
      NetworkError,
    );
    expect(sts.requestsTo('/echo')).toHaveLength(1);
  });

  it('retries a GET answered 413/429/503 with Retry-After once, after the wait it names', async () => {
    const client = createFetchHttpClient();
    for (const status of [413, 429, 503]) {
      sts.inject({ path: '/fail', reply: { status, headers: { 'Retry-After': '0' }, body: {} } });
      expect((await client.send({ method: 'GET', url: `${sts.baseUrl}/fail` })).status).toBe(500);
    }
    expect(sts.requestsTo('/fail')).toHaveLength(6);
    // One retry only: a second throttled answer is returned as is.
    sts.inject({ path: '/fail', times: 2, reply: { status: 429, headers: { 'Retry-After': '0' }, body: { n: 1 } } });
    expect((await client.send({ method: 'GET', url: `${sts.baseUrl}/fail` })).status).toBe(429);
    expect(sts.requestsTo('/fail')).toHaveLength(8);
  });

  it('leaves throttled POSTs, other statuses, and unusable Retry-After values alone', async () => {
    const client = createFetchHttpClient({ timeoutMs: 5000 });
    sts.inject({ path: '/echo', reply: { status: 429, headers: { 'Retry-After': '0' }, body: {} } });
    expect((await client.send({ method: 'POST', url: `${sts.baseUrl}/echo`, body: 'a=b' })).status).toBe(429);
    expect(sts.requestsTo('/echo')).toHaveLength(1);
    for (const reply of [
      { status: 429, body: {} },
      { status: 429, headers: { 'Retry-After': 'soon' }, body: {} },
      { status: 502, headers: { 'Retry-After': '0' }, body: {} },
      // A wait that would outlast the request's time budget is not waited for.
      { status: 503, headers: { 'Retry-After': '3600' }, body: {} },
    ]) {
      sts.inject({ path: '/fail', reply });
      expect((await client.send({ method: 'GET', url: `${sts.baseUrl}/fail` })).status).toBe(reply.status);
    }
    expect(sts.requestsTo('/fail')).toHaveLength(4);
    sts.inject({ path: '/fail', reply: { status: 429, headers: { 'Retry-After': '0' }, body: {} } });
    const noRetry = createFetchHttpClient({ retryThrottledGet: false });
    expect((await noRetry.send({ method: 'GET', url: `${sts.baseUrl}/fail` })).status).toBe(429);
  });

  it('reports a refused connection as NetworkError with the cause', async () => {
    const closed = await listen(createServer());
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const err = await createFetchHttpClient()
      .send({ method: 'GET', url: `http://127.0.0.1:${port}/x?code=secret` })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as Error).message).toContain('ECONNREFUSED');
    expect((err as Error).message).not.toContain('secret');
  });

  it('keeps user names out of error messages', async () => {
    const closed = await listen(createServer());
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const err = await createFetchHttpClient({ retryOnConnectionError: false })
      .send({ method: 'GET', url: `http://127.0.0.1:${port}/common/userrealm/alice@contoso.com` })
      .catch((e: unknown) => e);
    expect((err as Error).message).toContain('/common/userrealm/<redacted>');
    expect((err as Error).message).not.toContain('alice');
  });

  it('does not retry a connection that dies after the response started', async () => {
    let hits = 0;
    const server = await listen(
      createServer((_req, res) => {
        hits += 1;
        res.writeHead(200, { 'content-length': '100' });
        res.write('partial', () => res.socket?.destroy());
      }),
    );
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
      const err = await createFetchHttpClient().send({ method: 'GET', url }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetworkError);
      expect((err as Error).message).toContain('response body');
      expect(hits).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

async function listen(server: Server): Promise<Server> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
