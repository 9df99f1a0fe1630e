import { createPublicKey } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CredentialError, ErrorCode, InvalidArgumentError } from '../../../lib/errors.js';
import { createClientAuthenticator, type ClientCredential } from '../../../lib/oauth2/client-credential.js';
import { JWT_BEARER_ASSERTION_TYPE } from '../../../lib/oauth2/client-assertion.js';
import { AutoRefresher } from '../../../lib/oauth2/auto-refresher.js';
import { derBase64, makeFixtures, type Fixtures } from '../../unit/oauth2-credentials/fixtures.js';

const clientId = '11111111-2222-3333-4444-555555555555';
const endpoint = 'http://127.0.0.1:1/tenant/oauth2/v2.0/token';
const b64url = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');

let fx: Fixtures;
beforeAll(() => {
  fx = makeFixtures();
});
afterAll(() => fx?.cleanup());

async function assertionOf(credential: ClientCredential, options: Parameters<typeof createClientAuthenticator>[1] = { clientId }, url = endpoint) {
  const params = await createClientAuthenticator(credential, options).params(url);
  expect(Object.keys(params).sort()).toEqual(['client_assertion', 'client_assertion_type']);
  expect(params.client_assertion_type).toBe(JWT_BEARER_ASSERTION_TYPE);
  return params.client_assertion as string;
}

async function verifyWithLeaf(jwt: string, alg: 'RS256' | 'PS256', currentDate?: Date) {
  return jwtVerify(jwt, createPublicKey(fx.leafCertPem), {
    algorithms: [alg],
    audience: endpoint,
    issuer: clientId,
    subject: clientId,
    ...(currentDate ? { currentDate } : {}),
  });
}

describe('client secrets', () => {
  it('takes a plain string as a client secret', async () => {
    await expect(createClientAuthenticator('s3cret', { clientId }).params(endpoint)).resolves.toEqual({ client_secret: 's3cret' });
  });

  it('takes { clientSecret }', async () => {
    await expect(createClientAuthenticator({ clientSecret: 'abc' }, { clientId }).params(endpoint)).resolves.toEqual({ client_secret: 'abc' });
  });

  it('rejects empty secrets with CredentialError', () => {
    expect(() => createClientAuthenticator('', { clientId })).toThrow(CredentialError);
    expect(() => createClientAuthenticator({ clientSecret: '' }, { clientId })).toThrow(CredentialError);
  });
});

describe('credential shape validation', () => {
  const bad: Array<[string, unknown, RegExp]> = [
    ['null', null, /client secret string or a credential object/],
    ['a number', 42, /client secret string or a credential object/],
    ['an empty object', {}, /exactly one of .* got none/],
    ['two kinds at once', { clientSecret: 'a', clientAssertion: 'b' }, /got clientSecret and clientAssertion/],
    ['snake_case keys', { private_key: 'x', thumbprint: 'y' }, /camelCase/],
    ['an unknown option', { clientSecret: 'a', thumbprint: 'b' }, /does not take thumbprint/],
    ['a typo in an option', { privateKey: 'k', publicCert: 'c' }, /does not take publicCert/],
    ['a non-string secret', { clientSecret: 5 }, /clientSecret must be a string/],
    ['a non-PEM privateKey type', { privateKey: 5, thumbprint: 'a' }, /privateKey must be PEM text or a Buffer/],
    ['a boolean publicCertificate with a PEM key', { privateKey: 'k', publicCertificate: true }, /publicCertificate must be a string/],
    ['a string publicCertificate with a PFX', { privateKeyPfxPath: '/x.pfx', publicCertificate: 'pem' }, /publicCertificate must be a boolean/],
    ['a non-function, non-string assertion', { clientAssertion: 12 }, /must be a string, a function/],
  ];
  it.each(bad)('throws InvalidArgumentError for %s', (_name, credential, message) => {
    let error: unknown;
    try {
      createClientAuthenticator(credential as ClientCredential, { clientId });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).code).toBe(ErrorCode.InvalidArgument);
    expect((error as Error).message).toMatch(message);
  });

  it('requires a clientId', () => {
    expect(() => createClientAuthenticator('s', { clientId: '' })).toThrow(InvalidArgumentError);
  });

  it('refuses clientClaims with credentials that do not sign', () => {
    expect(() => createClientAuthenticator('s', { clientId, clientClaims: { a: 1 } })).toThrow(/only to certificate credentials/);
  });

  it('refuses a missing token endpoint', async () => {
    await expect(createClientAuthenticator({ clientAssertion: () => 'x' }, { clientId }).params('')).rejects.toThrow(InvalidArgumentError);
  });
});

describe('PEM private key + SHA-1 thumbprint', () => {
  it('signs RS256 with x5t = base64url(SHA-1) and the standard claims', async () => {
    const before = Math.floor(Date.now() / 1000);
    const jwt = await assertionOf({ privateKey: fx.leafKeyPem, thumbprint: fx.sha1Hex.toUpperCase() });
    const { payload, protectedHeader } = await verifyWithLeaf(jwt, 'RS256');
    expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'JWT', x5t: b64url(fx.sha1Hex) });
    expect(payload.aud).toBe(endpoint);
    expect(payload.iss).toBe(clientId);
    expect(payload.sub).toBe(clientId);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.nbf).toBe(payload.iat);
    expect(payload.exp).toBe((payload.iat as number) + 600);
  });

  it('accepts a Buffer key and a thumbprint written with colons', async () => {
    const colons = fx.sha1Hex.match(/../g)?.join(':') ?? '';
    const jwt = await assertionOf({ privateKey: Buffer.from(fx.leafKeyPem), thumbprint: colons });
    expect(decodeProtectedHeader(jwt).x5t).toBe(b64url(fx.sha1Hex));
  });

  it('needs a thumbprint or a certificate', () => {
    expect(() => createClientAuthenticator({ privateKey: fx.leafKeyPem }, { clientId })).toThrow(/thumbprint or publicCertificate/);
  });

  it('rejects a malformed thumbprint and a non-key', () => {
    expect(() => createClientAuthenticator({ privateKey: fx.leafKeyPem, thumbprint: 'xyz' }, { clientId })).toThrow(CredentialError);
    expect(() => createClientAuthenticator({ privateKey: 'not a key', thumbprint: fx.sha1Hex }, { clientId })).toThrow(CredentialError);
  });

  it('rejects non-RSA keys', () => {
    expect(() => createClientAuthenticator({ privateKey: fx.ecKeyPem, thumbprint: fx.sha1Hex }, { clientId })).toThrow(/must be an RSA private key/);
  });
});

describe('PEM private key + public certificate (subject name / issuer auth)', () => {
  it('signs PS256 with x5t#S256 and the whole chain in x5c', async () => {
    const jwt = await assertionOf({ privateKey: fx.leafKeyPem, publicCertificate: fx.chainPem });
    const { protectedHeader } = await verifyWithLeaf(jwt, 'PS256');
    expect(protectedHeader.alg).toBe('PS256');
    expect(protectedHeader['x5t#S256']).toBe(b64url(fx.sha256Hex));
    expect(protectedHeader.x5t).toBeUndefined();
    expect(protectedHeader.x5c).toEqual([derBase64(fx.leafCertPem), derBase64(fx.caCertPem)]);
  });

  it('accepts a matching thumbprint alongside and rejects a mismatching one', async () => {
    await assertionOf({ privateKey: fx.leafKeyPem, publicCertificate: fx.leafCertPem, thumbprint: fx.sha1Hex });
    expect(() =>
      createClientAuthenticator({ privateKey: fx.leafKeyPem, publicCertificate: fx.leafCertPem, thumbprint: '00'.repeat(20) }, { clientId }),
    ).toThrow(/does not match/);
  });

  it('rejects a certificate that does not belong to the key, or a chain that does not start with it', () => {
    expect(() => createClientAuthenticator({ privateKey: fx.otherKeyPem, publicCertificate: fx.leafCertPem }, { clientId })).toThrow(
      /No certificate in publicCertificate matches/,
    );
    expect(() =>
      createClientAuthenticator({ privateKey: fx.leafKeyPem, publicCertificate: fx.caCertPem + fx.leafCertPem }, { clientId }),
    ).toThrow(/first certificate/);
  });

  it('signs RS256 with the SHA-1 x5t for AD FS, still sending the chain', async () => {
    const jwt = await assertionOf({ privateKey: fx.leafKeyPem, publicCertificate: fx.chainPem }, { clientId, authorityKind: 'adfs' });
    const { protectedHeader } = await verifyWithLeaf(jwt, 'RS256');
    expect(protectedHeader.x5t).toBe(b64url(fx.sha1Hex));
    expect(protectedHeader['x5t#S256']).toBeUndefined();
    expect(protectedHeader.x5c).toHaveLength(2);
  });
});

describe('encrypted PEM private key', () => {
  it('opens with the right passphrase', async () => {
    const jwt = await assertionOf({ privateKey: fx.encryptedLeafKeyPem, passphrase: fx.passphrase, thumbprint: fx.sha1Hex });
    await verifyWithLeaf(jwt, 'RS256');
  });

  it('fails with CredentialError on a wrong or missing passphrase', () => {
    expect(() => createClientAuthenticator({ privateKey: fx.encryptedLeafKeyPem, passphrase: 'wrong', thumbprint: fx.sha1Hex }, { clientId })).toThrow(
      /wrong passphrase/,
    );
    expect(() => createClientAuthenticator({ privateKey: fx.encryptedLeafKeyPem, thumbprint: fx.sha1Hex }, { clientId })).toThrow(
      /pass its passphrase/,
    );
  });
});

describe('PFX', () => {
  it('opens a PFX without a password and signs PS256 with x5t#S256, no x5c', async () => {
    const jwt = await assertionOf({ privateKeyPfxPath: fx.pfxNoPassword });
    const { protectedHeader } = await verifyWithLeaf(jwt, 'PS256');
    expect(protectedHeader['x5t#S256']).toBe(b64url(fx.sha256Hex));
    expect(protectedHeader.x5c).toBeUndefined();
  });

  it('opens a password-protected PFX and sends the chain with publicCertificate: true', async () => {
    const jwt = await assertionOf({ privateKeyPfxPath: fx.pfxWithPassword, passphrase: fx.passphrase, publicCertificate: true });
    const { protectedHeader } = await verifyWithLeaf(jwt, 'PS256');
    expect(protectedHeader.x5c).toEqual([derBase64(fx.leafCertPem), derBase64(fx.caCertPem)]);
  });

  it('finds the leaf by its key even when the CA comes first', async () => {
    const jwt = await assertionOf({ privateKeyPfxPath: fx.pfxCaFirst, passphrase: fx.passphrase, publicCertificate: true });
    const { protectedHeader } = await verifyWithLeaf(jwt, 'PS256');
    expect(protectedHeader['x5t#S256']).toBe(b64url(fx.sha256Hex));
    expect(protectedHeader.x5c?.[0]).toBe(derBase64(fx.leafCertPem));
  });

  it('uses the SHA-1 thumbprint computed from the PFX certificate for AD FS', async () => {
    const jwt = await assertionOf({ privateKeyPfxPath: fx.pfxNoPassword }, { clientId, authorityKind: 'adfs' });
    expect((await verifyWithLeaf(jwt, 'RS256')).protectedHeader.x5t).toBe(b64url(fx.sha1Hex));
  });

  it('fails with CredentialError on a wrong password, a missing file, or a non-PFX file', () => {
    expect(() => createClientAuthenticator({ privateKeyPfxPath: fx.pfxWithPassword, passphrase: 'nope' }, { clientId })).toThrow(CredentialError);
    expect(() => createClientAuthenticator({ privateKeyPfxPath: `${fx.dir}/missing.pfx` }, { clientId })).toThrow(/Cannot read the PFX/);
    expect(() => createClientAuthenticator({ privateKeyPfxPath: `${fx.dir}/leaf.crt` }, { clientId })).toThrow(/Cannot open the PFX/);
  });
});

describe('clientClaims', () => {
  it('adds claims and overrides aud, iss, sub, exp, iat, jti', async () => {
    const overrides = { aud: 'https://elsewhere/token', iss: 'issuer-x', sub: 'subject-y', jti: 'fixed', iat: 1_700_000_000, exp: 4_000_000_000, client_ip: '10.0.0.1' };
    const jwt = await assertionOf({ privateKey: fx.leafKeyPem, thumbprint: fx.sha1Hex }, { clientId, clientClaims: overrides });
    const { payload } = await jwtVerify(jwt, createPublicKey(fx.leafCertPem), { algorithms: ['RS256'] });
    expect(payload).toMatchObject(overrides);
  });
});

describe('assertion re-use', () => {
  it('re-uses a signed assertion until shortly before it expires, per token endpoint', async () => {
    let now = Date.parse('2030-01-01T00:00:00Z');
    const auth = createClientAuthenticator({ privateKey: fx.leafKeyPem, thumbprint: fx.sha1Hex }, { clientId, now: () => now });
    const first = (await auth.params(endpoint)).client_assertion;
    now += 8 * 60_000;
    expect((await auth.params(endpoint)).client_assertion).toBe(first);
    const other = (await auth.params(`${endpoint}/other`)).client_assertion;
    expect(other).not.toBe(first);
    expect(decodeJwt(other as string).aud).toBe(`${endpoint}/other`);
    now += 60_000 + 1; // inside the last minute of the 10-minute lifetime
    const second = (await auth.params(endpoint)).client_assertion as string;
    expect(second).not.toBe(first);
    expect(decodeJwt(second).iat).toBe(Math.floor(now / 1000));
    await verifyWithLeaf(second, 'RS256', new Date(now));
  });

  it('follows an exp given in clientClaims', async () => {
    let now = Date.parse('2030-01-01T00:00:00Z');
    const exp = now / 1000 + 120;
    const auth = createClientAuthenticator({ privateKey: fx.leafKeyPem, thumbprint: fx.sha1Hex }, { clientId, clientClaims: { exp }, now: () => now });
    const first = (await auth.params(endpoint)).client_assertion;
    now += 30_000;
    expect((await auth.params(endpoint)).client_assertion).toBe(first);
    now += 31_000;
    expect((await auth.params(endpoint)).client_assertion).not.toBe(first);
  });
});

describe('client assertions supplied by the caller', () => {
  it('sends a pre-signed assertion string as is', async () => {
    expect(await assertionOf({ clientAssertion: 'pre.signed.jwt' })).toBe('pre.signed.jwt');
    expect(() => createClientAuthenticator({ clientAssertion: '' }, { clientId })).toThrow(CredentialError);
  });

  // As MSAL Python: the callback runs for every request; an AutoRefresher is how to reuse an assertion.
  it('calls the callback for every request, with the context when it declares a parameter', async () => {
    let n = 0;
    const callback = vi.fn(async (ctx: { clientId: string; tokenEndpoint: string }) => `assertion-${++n}-${ctx.tokenEndpoint}`);
    const auth = createClientAuthenticator({ clientAssertion: callback }, { clientId });
    const results = await Promise.all([auth.params(endpoint), auth.params(endpoint, { fmiPath: 'a/b' })]);
    expect(callback).toHaveBeenCalledTimes(2);
    expect(callback).toHaveBeenNthCalledWith(1, { clientId, tokenEndpoint: endpoint });
    expect(callback).toHaveBeenNthCalledWith(2, { clientId, tokenEndpoint: endpoint, fmiPath: 'a/b' });
    expect(results.map((r) => r.client_assertion)).toEqual([`assertion-1-${endpoint}`, `assertion-2-${endpoint}`]);
    const bare = vi.fn((...args: unknown[]) => `bare-${args.length}`);
    expect((await createClientAuthenticator({ clientAssertion: bare }, { clientId }).params(endpoint)).client_assertion).toBe('bare-0');
  });

  it('reuses an AutoRefresher\'s assertion until it expires', async () => {
    let now = 1_000_000;
    let n = 0;
    const refresher = new AutoRefresher(() => `assertion-${++n}`, { expiresInSeconds: 600, now: () => now });
    const auth = createClientAuthenticator({ clientAssertion: refresher }, { clientId });
    expect((await auth.params(endpoint)).client_assertion).toBe('assertion-1');
    now += 599_000;
    expect((await auth.params(endpoint)).client_assertion).toBe('assertion-1');
    now += 1_000;
    expect((await auth.params(endpoint)).client_assertion).toBe('assertion-2');
  });

  it('turns a bad callback result into CredentialError and retries next time', async () => {
    let value: unknown = '';
    const auth = createClientAuthenticator({ clientAssertion: () => value as string }, { clientId });
    await expect(auth.params(endpoint)).rejects.toThrow(CredentialError);
    value = 'good';
    await expect(auth.params(endpoint)).resolves.toMatchObject({ client_assertion: 'good' });
  });
});
