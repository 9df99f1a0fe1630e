import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MalformedResponseError, NetworkError } from '../../../lib/errors.js';
import type { HttpClient, HttpRequest } from '../../../lib/http/types.js';
import { TokenClient } from '../../../lib/oauth2/token-client.js';
import { isErrorResult } from '../../../lib/oauth2/types.js';
import { startFixture, type Fixture } from './fixture.js';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => f.stop());
beforeEach(() => f.sts.clearFaults());

const pwParams = { grant_type: 'password', username: 'alice@contoso.com', password: 'P@ss', scope: 'User.Read openid' };

describe('TokenClient.request', () => {
  it('posts a form with client_id, client_info, headers, and drops undefined params', async () => {
    const client = new TokenClient({ http: f.http, clientId: 'public-client-id', headers: () => ({ 'x-client-sku': 'brokerbridge' }) });
    const res = await client.request(f.tokenEndpoint(), { ...pwParams, claims: undefined }, { headers: { 'client-request-id': 'corr-1' } });
    expect(isErrorResult(res)).toBe(false);
    const req = f.sts.requests.at(-1)!;
    expect(req.method).toBe('POST');
    expect(req.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(req.headers['x-client-sku']).toBe('brokerbridge');
    expect(req.headers['client-request-id']).toBe('corr-1');
    expect(req.form.get('client_id')).toBe('public-client-id');
    expect(req.form.get('client_info')).toBe('1');
    expect(req.form.has('claims')).toBe(false);
  });

  it('can leave out client_info for non-Entra providers', async () => {
    const client = new TokenClient({ http: f.http, clientId: 'public-client-id', clientInfo: false });
    await client.request(f.tokenEndpoint(), pwParams);
    expect(f.sts.requests.at(-1)!.form.has('client_info')).toBe(false);
  });

  it('adds the authenticator params last, so request params cannot override the credential', async () => {
    const seen: string[] = [];
    const client = new TokenClient({
      http: f.http,
      clientId: 'confidential-client-id',
      authenticator: { params: async (endpoint) => (seen.push(endpoint), { client_secret: 'the-secret' }) },
    });
    const res = await client.request(f.tokenEndpoint(), { grant_type: 'client_credentials', scope: 'api://x/.default', client_secret: 'wrong' });
    expect(isErrorResult(res)).toBe(false);
    expect(seen).toEqual([f.tokenEndpoint()]);
  });

  it('returns OAuth errors as values, keeping correlation_id and suberror', async () => {
    const res = await f.publicClient().request(f.tokenEndpoint(), { grant_type: 'refresh_token', refresh_token: 'nope', scope: 'x' }, { headers: { 'client-request-id': 'corr-2' } });
    expect(isErrorResult(res)).toBe(true);
    expect(res).toMatchObject({ error: 'invalid_grant', suberror: 'bad_token', correlation_id: 'corr-2', error_codes: [9002313] });
  });

  it('adds retry_after from a 429 Retry-After', async () => {
    f.sts.inject({ path: /\/token$/, reply: { status: 429, headers: { 'Retry-After': '7' }, body: { error: 'temporarily_unavailable', error_description: 'throttled', correlation_id: 'c' } } });
    const res = await f.publicClient().request(f.tokenEndpoint(), pwParams);
    expect(res).toMatchObject({ error: 'temporarily_unavailable', retry_after: 7, correlation_id: 'c' });
  });

  it('returns a 5xx OAuth error as a value', async () => {
    f.sts.inject({ path: /\/token$/, reply: { status: 503, body: { error: 'server_error', error_description: 'down', claims: '{"a":1}' } } });
    const res = await f.publicClient().request(f.tokenEndpoint(), pwParams);
    expect(res).toMatchObject({ error: 'server_error', claims: '{"a":1}' });
    expect(res.retry_after).toBeUndefined();
  });

  it('throws MalformedResponseError for non-JSON bodies with a short body prefix', async () => {
    f.sts.inject({ path: /\/token$/, reply: 'malformed' });
    const e1 = await f.publicClient().request(f.tokenEndpoint(), pwParams).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(MalformedResponseError);
    expect(e1).toMatchObject({ status: 200, body: '<html>not json' });

    f.sts.inject({ path: /\/token$/, reply: { status: 502, body: `<html>${'x'.repeat(5000)}</html>` } });
    const e2 = (await f.publicClient().request(f.tokenEndpoint(), pwParams).catch((e: unknown) => e)) as MalformedResponseError;
    expect(e2).toBeInstanceOf(MalformedResponseError);
    expect(e2.status).toBe(502);
    expect(e2.body!.length).toBeLessThanOrEqual(80);
  });

  it('throws for JSON that is not an object, for 200 without tokens, and for errors without an OAuth error', async () => {
    for (const reply of [
      { status: 200, body: '[1,2]' },
      { status: 200, body: '"text"' },
      { status: 200, body: { token_type: 'Bearer' } },
      { status: 500, body: { message: 'oops' } },
    ]) {
      f.sts.inject({ path: /\/token$/, reply: { ...reply, headers: { 'content-type': 'application/json' } } });
      await expect(f.publicClient().request(f.tokenEndpoint(), pwParams)).rejects.toBeInstanceOf(MalformedResponseError);
    }
  });

  it('never puts a whole token-bearing body into the error', async () => {
    const secret = 'eyJ' + 'A'.repeat(300);
    f.sts.inject({ path: /\/token$/, reply: { status: 200, body: `{"access_token":"${secret}"` } });
    const e = (await f.publicClient().request(f.tokenEndpoint(), pwParams).catch((x: unknown) => x)) as MalformedResponseError;
    expect(e.body).not.toContain(secret);
    expect(e.message).not.toContain(secret);
  });

  it('lets transport errors propagate', async () => {
    f.sts.inject({ path: /\/token$/, reply: 'reset' });
    await expect(f.publicClient().request(f.tokenEndpoint(), pwParams)).rejects.toBeInstanceOf(NetworkError);
  });

  it('passes the abort signal to the transport', async () => {
    let got: HttpRequest | undefined;
    const http: HttpClient = { send: async (r) => ((got = r), { status: 200, headers: {}, body: '{"access_token":"a"}' }) };
    const ac = new AbortController();
    await new TokenClient({ http, clientId: 'c' }).request('https://sts.invalid/token', {}, { signal: ac.signal });
    expect(got?.signal).toBe(ac.signal);
  });
});
