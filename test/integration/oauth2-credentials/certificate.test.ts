import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialError, InvalidArgumentError } from '../../../lib/errors.js';
import { extractCerts, loadPemCredential, parseSha1Thumbprint } from '../../../lib/oauth2/certificate.js';
import { Prompt } from '../../../lib/oauth2/prompt.js';
import { derBase64, makeFixtures, type Fixtures } from '../../unit/oauth2-credentials/fixtures.js';

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

  it('takes text without tags as one certificate, as MSAL Python does, but never a private key or nothing', () => {
    expect(extractCerts('my_cert')).toEqual(['my_cert']);
    expect(extractCerts(`  ${derBase64(fx.leafCertPem)}\n`)).toEqual([derBase64(fx.leafCertPem)]);
    expect(extractCerts('-----begin certificate-----\nabc\n-----end certificate-----')).toEqual(['abc']);
    expect(() => extractCerts(fx.leafKeyPem)).toThrow(/private key/);
    expect(() => extractCerts(' \n')).toThrow(CredentialError);
    expect(() => extractCerts(undefined as unknown as string)).toThrow(InvalidArgumentError);
  });

  it('loads a credential whose public certificate has no PEM tags', () => {
    const loaded = loadPemCredential({ privateKey: fx.leafKeyPem, publicCertificate: derBase64(fx.leafCertPem) });
    expect(loaded.x5c).toEqual([derBase64(fx.leafCertPem)]);
    expect(() => loadPemCredential({ privateKey: fx.leafKeyPem, publicCertificate: 'my_cert' })).toThrow(CredentialError);
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
