import { calculateJwkThumbprint, compactVerify, decodeProtectedHeader, importJWK, jwtVerify, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../lib/errors.js';
import { PopAuthScheme } from '../../../lib/pop/pop-auth-scheme.js';
import { loadOrCreatePopKey, type PopKey } from '../../../lib/pop/pop-key.js';
import { createSignedHttpRequest } from '../../../lib/pop/signed-http-request.js';

/** Verifies an SHR the way a resource server would: with the key it carries, then checks the binding. */
async function verifyShr(shr: string) {
  const header = decodeProtectedHeader(shr);
  const unverified = JSON.parse(Buffer.from(shr.split('.')[1]!, 'base64url').toString('utf8')) as { cnf: { jwk: JWK } };
  const publicKey = await importJWK(unverified.cnf.jwk, 'RS256');
  const { payload, protectedHeader } = await jwtVerify(shr, publicKey, { typ: 'pop', algorithms: ['RS256'] });
  expect(protectedHeader.kid).toBe(await calculateJwkThumbprint(unverified.cnf.jwk, 'sha256'));
  return { header, payload };
}

describe('signed HTTP request', () => {
  let key: PopKey;
  beforeAll(async () => {
    key = await loadOrCreatePopKey();
  });

  it('carries at, ts, m, u, p, q, nonce and cnf.jwk, signed RS256 by the bound key', async () => {
    const before = Math.floor(Date.now() / 1000);
    const shr = await createSignedHttpRequest({
      accessToken: 'the.access.token',
      key,
      method: 'post',
      url: 'https://graph.example.com:8443/v1.0/me?select=id&x=1',
      nonce: 'server-nonce',
    });
    const { header, payload } = await verifyShr(shr);
    expect(header).toEqual({ typ: 'pop', alg: 'RS256', kid: key.kid });
    expect(payload.at).toBe('the.access.token');
    expect(payload.m).toBe('POST');
    expect(payload.u).toBe('graph.example.com:8443');
    expect(payload.p).toBe('/v1.0/me');
    expect(payload.q).toEqual([[], 'select=id&x=1']);
    expect(payload.nonce).toBe('server-nonce');
    expect(payload.cnf).toEqual({ jwk: key.publicJwk });
    expect(payload.ts).toBeGreaterThanOrEqual(before);
    expect(payload.ts).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it('omits the default port and q when absent, and makes up a fresh nonce', async () => {
    const a = await createSignedHttpRequest({ accessToken: 'at', key, method: 'GET', url: 'https://graph.example.com:443/me' });
    const b = await createSignedHttpRequest({ accessToken: 'at', key, method: 'GET', url: 'https://graph.example.com/me' });
    const pa = (await verifyShr(a)).payload;
    const pb = (await verifyShr(b)).payload;
    expect(pa.u).toBe('graph.example.com');
    expect(pa).not.toHaveProperty('q');
    expect(typeof pa.nonce).toBe('string');
    expect(pa.nonce).not.toBe(pb.nonce);
  });

  it('fails verification with another key', async () => {
    const other = await loadOrCreatePopKey();
    const shr = await createSignedHttpRequest({ accessToken: 'at', key, method: 'GET', url: 'https://r.example/' });
    await expect(compactVerify(shr, await importJWK(other.publicJwk, 'RS256'))).rejects.toThrow();
  });

  it('rejects a relative URL or a missing token', async () => {
    await expect(createSignedHttpRequest({ accessToken: 'at', key, method: 'GET', url: '/me' })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(createSignedHttpRequest({ accessToken: '', key, method: 'GET', url: 'https://r.example/' })).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

describe('PopAuthScheme', () => {
  it('validates its input with InvalidArgumentError', () => {
    const bad: unknown[] = [
      undefined,
      { httpMethod: 'get', url: 'https://r.example/' },
      { httpMethod: '', url: 'https://r.example/' },
      { httpMethod: 'GET', url: 'r.example/me' },
      { httpMethod: 'GET', url: 'ftp://r.example/' },
      { httpMethod: 'GET', url: 'https://r.example/', nonce: '' },
      { httpMethod: 'GET', url: 'https://r.example/', nonce: 42 },
    ];
    for (const options of bad) {
      expect(() => new PopAuthScheme(options as never)).toThrow(InvalidArgumentError);
    }
  });

  it('exposes broker params and signs requests for its method and URL', async () => {
    const scheme = new PopAuthScheme({ httpMethod: PopAuthScheme.HTTP_GET, url: 'https://graph.example.com/v1.0/me?a=b', nonce: 'n1' });
    expect(scheme.brokerPopParams).toEqual({ httpMethod: 'GET', uriHost: 'graph.example.com', uriPath: '/v1.0/me', nonce: 'n1' });
    const key = await loadOrCreatePopKey();
    const { payload } = await verifyShr(await scheme.signRequest('tok', key));
    expect(payload).toMatchObject({ at: 'tok', m: 'GET', u: 'graph.example.com', p: '/v1.0/me', q: [[], 'a=b'], nonce: 'n1' });
  });
});
