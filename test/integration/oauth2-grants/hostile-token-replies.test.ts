/**
 * Issue 11 items 12, 14 and 15: a token endpoint that redirects, floods, or sends values
 * outside what the protocol allows gets a typed error; nothing token-like is kept in one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishTokenResponse } from '../../../lib/app/token-result.js';
import type { ResolvedAuthority } from '../../../lib/authority/types.js';
import { SerializableTokenCache } from '../../../lib/cache/serializable-token-cache.js';
import { ErrorCode, MalformedResponseError } from '../../../lib/errors.js';
import { createFetchHttpClient } from '../../../lib/http/fetch-client.js';
import { MAX_RETRY_AFTER_SECONDS, parseRetryAfter } from '../../../lib/http/throttling.js';
import { parseTokenResponse, TokenClient } from '../../../lib/oauth2/token-client.js';
import { isErrorResult } from '../../../lib/oauth2/types.js';
import { CLIENT_ID, ENV, TENANT, idToken, userResponse } from '../../unit/cache/fixtures.js';
import { LocalSts } from '../../support/sts/server.js';

const REFRESH_TOKEN = '0.AXoAsecret-refresh-token-value-that-must-not-leak';
let sts: LocalSts;
let elsewhere: LocalSts;
beforeAll(async () => {
  sts = await new LocalSts().start();
  elsewhere = await new LocalSts().start();
  elsewhere.route('POST', '/steal', () => ({ status: 200, body: { access_token: 'stolen', expires_in: 3600 } }));
  sts.route('POST', '/redirect', () => ({ status: 307, headers: { location: `${elsewhere.baseUrl}/steal` }, body: '' }));
  sts.route('POST', '/leaky', () => ({ status: 502, body: `{"refresh_token":"${REFRESH_TOKEN}","note":"oops"}` }));
  sts.route('POST', '/huge', () => ({ status: 200, body: { access_token: 'at', expires_in: 3600, pad: 'x'.repeat(8 * 1024 * 1024) } }));
  sts.route('POST', '/throttled', () => ({
    status: 429,
    headers: { 'retry-after': '100000000000000000000' },
    body: { error: 'temporarily_unavailable' },
  }));
});
afterAll(async () => {
  await sts.stop();
  await elsewhere.stop();
});

const client = () => new TokenClient({ http: createFetchHttpClient(), clientId: CLIENT_ID });
const refresh = (path: string) => client().request(`${sts.baseUrl}${path}`, { grant_type: 'refresh_token', refresh_token: REFRESH_TOKEN });

describe('token endpoint replies', () => {
  it('a 307 is a typed error; the refresh token is never re-POSTed to the redirect target (item 14)', async () => {
    await expect(refresh('/redirect')).rejects.toMatchObject({ code: ErrorCode.MalformedResponse, status: 307 });
    expect(elsewhere.requestsTo('/steal')).toHaveLength(0);
  });

  it('MalformedResponseError.body keeps no token-like text (item 14)', async () => {
    const error = await refresh('/leaky').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedResponseError);
    const body = (error as MalformedResponseError).body ?? '';
    expect(body).toContain('refresh_token');
    expect(body).not.toContain('secret-refresh');
    expect(body).not.toContain('0.AXoA');
  });

  it('a body over the cap (8 MB) is cut off with a typed error instead of being read whole (item 15)', async () => {
    await expect(refresh('/huge')).rejects.toMatchObject({ code: ErrorCode.MalformedResponse, message: expect.stringMatching(/larger than/) });
  });

  it('Retry-After: 1e20 is clamped (item 12)', async () => {
    const reply = await refresh('/throttled');
    expect(isErrorResult(reply)).toBe(true);
    expect((reply as { retry_after?: number }).retry_after).toBe(MAX_RETRY_AFTER_SECONDS);
    expect(parseRetryAfter('100000000000000000000', Date.now())).toBe(MAX_RETRY_AFTER_SECONDS);
  });

  it('expires_in that is not a number is a MalformedResponseError, not NaN (item 12)', () => {
    for (const expires_in of ['abc', '', true, {}, [1]]) {
      const res = { status: 200, headers: {}, body: JSON.stringify({ access_token: 'at', expires_in }) };
      expect(() => parseTokenResponse(res)).toThrow(MalformedResponseError);
    }
    const ok = { status: 200, headers: {}, body: JSON.stringify({ access_token: 'at', expires_in: '3599' }) };
    expect(parseTokenResponse(ok)).toMatchObject({ expires_in: '3599' });
  });

  it('a 200 reply with only an id_token is a MalformedResponseError, not access_token "undefined" (item 12)', () => {
    const authority = {
      kind: 'aad',
      canonical: `https://${ENV}/${TENANT}/`,
      environment: ENV,
      tenant: TENANT,
      aliases: [ENV],
      metadata: { issuer: `https://${ENV}/${TENANT}/v2.0` },
    } as unknown as ResolvedAuthority;
    const claims = { iss: `https://${ENV}/${TENANT}/v2.0`, sub: 's', aud: CLIENT_ID, tid: TENANT, oid: 'o', iat: 1, exp: 2 };
    const response = parseTokenResponse({ status: 200, headers: {}, body: JSON.stringify({ id_token: idToken(claims) }) });
    const finish = () =>
      finishTokenResponse(response, {
        clientId: CLIENT_ID,
        authority,
        scopes: ['openid'],
        correlationId: 'c',
        cache: new SerializableTokenCache(),
        idTokenClaims: claims,
      });
    expect(finish).toThrow(MalformedResponseError);
  });
});

describe('numbers written to the cache are numbers the reader accepts (item 11)', () => {
  it.each([1e21, -1e12, 1e300])('expires_in %s', (expiresIn) => {
    const cache = new SerializableTokenCache();
    cache.add({ clientId: CLIENT_ID, environment: ENV, realm: TENANT, scopes: ['User.Read'], response: userResponse({ expiresIn, refreshIn: expiresIn }) });
    const blob = JSON.parse(cache.serialize()) as { AccessToken: Record<string, Record<string, string>> };
    const at = Object.values(blob.AccessToken)[0]!;
    for (const field of ['expires_on', 'extended_expires_on', 'refresh_on']) expect(at[field]).toMatch(/^\d+$/);
    // Our own reader keeps it as a usable entry.
    const reread = new SerializableTokenCache();
    const report = reread.deserialize(cache.serialize());
    expect(report.loaded.AccessToken).toBe(1);
    expect(report.unusable).toEqual([]);
  });
});
