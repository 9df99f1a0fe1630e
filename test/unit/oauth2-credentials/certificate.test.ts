import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialError, InvalidArgumentError } from '../../../lib/errors.js';
import { extractCerts, parseSha1Thumbprint } from '../../../lib/oauth2/certificate.js';
import { Prompt } from '../../../lib/oauth2/prompt.js';
import { derBase64, makeFixtures, type Fixtures } from './fixtures.js';

let fx: Fixtures;
beforeAll(() => {
  fx = makeFixtures();
});
afterAll(() => fx?.cleanup());

describe('extractCerts', () => {
  it('returns the base64 DER of each certificate in order, ignoring other blocks', () => {
    const pem = `${fx.leafKeyPem}\nsubject=CN = test-app\n${fx.leafCertPem}${fx.caCertPem}`;
    expect(extractCerts(pem)).toEqual([derBase64(fx.leafCertPem), derBase64(fx.caCertPem)]);
  });

  it('handles CRLF line endings', () => {
    expect(extractCerts(fx.leafCertPem.replace(/\n/g, '\r\n'))).toEqual([derBase64(fx.leafCertPem)]);
  });

  it('throws when there is no certificate or a body is not base64', () => {
    expect(() => extractCerts(fx.leafKeyPem)).toThrow(CredentialError);
    expect(() => extractCerts('')).toThrow(/No "-----BEGIN CERTIFICATE-----" block/);
    expect(() => extractCerts('-----BEGIN CERTIFICATE-----\n**not base64**\n-----END CERTIFICATE-----')).toThrow(/not valid base64/);
    expect(() => extractCerts(undefined as unknown as string)).toThrow(InvalidArgumentError);
  });
});

describe('parseSha1Thumbprint', () => {
  it('accepts hex in any case with spaces or colons, and rejects anything else', () => {
    const expected = Buffer.from(fx.sha1Hex, 'hex');
    expect(parseSha1Thumbprint(fx.sha1Hex.toUpperCase())).toEqual(expected);
    expect(parseSha1Thumbprint(fx.sha1Hex.match(/../g)?.join(' ') ?? '')).toEqual(expected);
    expect(() => parseSha1Thumbprint(fx.sha256Hex)).toThrow(CredentialError);
  });
});

describe('Prompt', () => {
  it('holds the OpenID Connect prompt values', () => {
    expect(Prompt).toEqual({ NONE: 'none', LOGIN: 'login', CONSENT: 'consent', SELECT_ACCOUNT: 'select_account', CREATE: 'create' });
    const p: Prompt = Prompt.SELECT_ACCOUNT;
    expect(p).toBe('select_account');
  });
});
