import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, IdTokenError, MalformedResponseError } from '../../../lib/errors.js';
import { decodeIdToken, decodePart } from '../../../lib/oauth2/id-token.js';

const clientId = 'client-1';
const issuer = 'https://127.0.0.1/tenant-a/v2.0';
const now = 1_900_000_000;
const base = { iss: issuer, sub: 'subject', aud: clientId, iat: now - 10, exp: now + 3600, tid: 'tenant-a' };
const b64 = (s: string) => Buffer.from(s).toString('base64url');
const unsigned = (payload: unknown, header: unknown = { alg: 'RS256', typ: 'JWT' }) =>
  `${b64(JSON.stringify(header))}.${b64(typeof payload === 'string' ? payload : JSON.stringify(payload))}.c2ln`;

function rejects(token: string, options: Parameters<typeof decodeIdToken>[1], reason: RegExp) {
  let error: unknown;
  try {
    decodeIdToken(token, options);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(IdTokenError);
  expect((error as IdTokenError).code).toBe(ErrorCode.IdTokenInvalid);
  expect((error as Error).message).toMatch(reason);
}

describe('decodePart', () => {
  it('decodes base64url with or without padding, and the standard alphabet', () => {
    const text = 'héllo ✓ {"a":"b?>"}';
    const std = Buffer.from(text).toString('base64');
    expect(decodePart(Buffer.from(text).toString('base64url'))).toBe(text);
    expect(decodePart(std)).toBe(text);
    expect(decodePart(std.replace(/=+$/, ''))).toBe(text);
    expect(decodePart('')).toBe('');
  });

  it('throws MalformedResponseError on garbage', () => {
    expect(() => decodePart('not base64!')).toThrow(MalformedResponseError);
    expect(() => decodePart('abcde')).toThrow(/Not a base64url/);
    expect(() => decodePart(Buffer.from([0xff, 0xfe, 0xfd]).toString('base64url'))).toThrow(/UTF-8/);
  });
});

describe('decodeIdToken', () => {
  let signed: string;
  beforeAll(async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    signed = await new SignJWT({ ...base, nonce: 'n-1', auth_time: now - 100, name: 'A' }).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
  });

  it('returns the claims of a valid token', () => {
    const claims = decodeIdToken(signed, { clientId, issuer, nonce: 'n-1', maxAge: 3600, now });
    expect(claims).toMatchObject({ ...base, nonce: 'n-1', name: 'A' });
  });

  it('checks nothing optional when no options are given (beyond the required claims)', () => {
    expect(decodeIdToken(unsigned({ ...base, exp: Math.floor(Date.now() / 1000) + 60 })).sub).toBe('subject');
  });

  it('rejects tokens that are not three-part JWTs', () => {
    rejects('abc.def', {}, /not a JWT/);
    rejects('a.b.c.d', {}, /not a JWT/);
    rejects(undefined as unknown as string, {}, /not a JWT/);
  });

  // As MSAL Python: only the payload is read (the signature is not verified, so the header says nothing we use).
  it('ignores the header, and rejects a payload that is not JSON', () => {
    expect(decodeIdToken(`header.${b64(JSON.stringify(base))}.signature`, { now }).sub).toBe('subject');
    rejects(unsigned('not json'), { now }, /payload is not .* JSON object/);
    rejects(unsigned('[1,2]'), { now }, /payload/);
  });

  it.each(['iss', 'sub', 'aud', 'exp', 'iat'])('rejects a token without %s', (claim) => {
    const { [claim as keyof typeof base]: _, ...rest } = base;
    rejects(unsigned(rest), { now }, new RegExp(`${claim} claim is missing`));
  });

  it('rejects ill-typed required claims', () => {
    rejects(unsigned({ ...base, exp: 'soon' }), { now }, /exp claim/);
    rejects(unsigned({ ...base, aud: [] }), { now }, /aud claim/);
  });

  it('rejects an issuer mismatch', () => {
    rejects(unsigned(base), { issuer: 'https://127.0.0.1/other/v2.0', now }, /issuer mismatch/);
  });

  it('matches an Entra {tenantid} issuer template against tid', () => {
    const template = 'https://127.0.0.1/{tenantid}/v2.0';
    expect(decodeIdToken(unsigned(base), { issuer: template, now }).tid).toBe('tenant-a');
    rejects(unsigned({ ...base, tid: 'tenant-b' }), { issuer: template, now }, /issuer mismatch/);
    const { tid: _, ...noTid } = base;
    rejects(unsigned(noTid), { issuer: template, now }, /issuer mismatch/);
  });

  it('rejects an audience that does not hold the client id', () => {
    rejects(unsigned(base), { clientId: 'someone-else', now }, /audience mismatch/);
    rejects(unsigned({ ...base, aud: ['x', 'y'] }), { clientId, now }, /audience mismatch/);
  });

  it('requires azp = client id when there are several audiences', () => {
    const multi = { ...base, aud: [clientId, 'api'] };
    rejects(unsigned(multi), { clientId, now }, /azp mismatch/);
    rejects(unsigned({ ...multi, azp: 'api' }), { clientId, now }, /azp mismatch/);
    expect(decodeIdToken(unsigned({ ...multi, azp: clientId }), { clientId, now }).aud).toEqual([clientId, 'api']);
    expect(decodeIdToken(unsigned({ ...base, aud: [clientId] }), { clientId, now }).sub).toBe('subject');
  });

  // As MSAL Python: time claims beyond the skew are warnings (a clock may be wrong), never errors.
  it('accepts an expired token, warning beyond the skew only', () => {
    const token = unsigned({ ...base, exp: now - 100 });
    const warnings: string[] = [];
    const onTimeWarning = (m: string) => warnings.push(m);
    expect(decodeIdToken(token, { now, onTimeWarning }).sub).toBe('subject');
    expect(warnings).toEqual([]);
    expect(decodeIdToken(token, { now: now + 21, onTimeWarning }).sub).toBe('subject');
    expect(decodeIdToken(token, { now, skewSeconds: 99, onTimeWarning }).sub).toBe('subject');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/expired/);
  });

  it('accepts a token not yet valid (nbf beyond the skew), with a warning', () => {
    const token = unsigned({ ...base, nbf: now + 200 });
    const warnings: string[] = [];
    expect(decodeIdToken(token, { now, onTimeWarning: (m) => warnings.push(m) }).sub).toBe('subject');
    expect(warnings).toEqual([expect.stringMatching(/not valid before/)]);
    expect(decodeIdToken(token, { now: now + 80, onTimeWarning: (m) => warnings.push(m) }).sub).toBe('subject');
    expect(warnings).toHaveLength(1);
  });

  it('rejects a nonce mismatch or a missing nonce', () => {
    rejects(unsigned({ ...base, nonce: 'other' }), { nonce: 'n-1', now }, /nonce mismatch/);
    rejects(unsigned(base), { nonce: 'n-1', now }, /nonce mismatch/);
  });

  it('enforces max_age against auth_time, with skew', () => {
    rejects(unsigned(base), { maxAge: 60, now }, /auth_time is missing/);
    rejects(unsigned({ ...base, auth_time: now - 200 }), { maxAge: 60, now }, /older than max_age/);
    expect(decodeIdToken(unsigned({ ...base, auth_time: now - 170 }), { maxAge: 60, now }).auth_time).toBe(now - 170);
  });
});
