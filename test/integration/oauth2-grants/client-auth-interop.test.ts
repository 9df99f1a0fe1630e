/** The token client and STS against the real client authenticator (secret and certificates). */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClientAuthenticator } from '../../../lib/oauth2/client-credential.js';
import { byClientCredentials } from '../../../lib/oauth2/grants.js';
import { TokenClient } from '../../../lib/oauth2/token-client.js';
import { CONFIDENTIAL, SECRET, startFixture, type Fixture } from './fixture.js';

let f: Fixture;
let keyPem: string;
let certPem: string;
let sha1: string;

beforeAll(async () => {
  f = await startFixture();
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  cert.setSubject([{ name: 'commonName', value: 'brokerbridge-test' }]);
  cert.setIssuer([{ name: 'commonName', value: 'brokerbridge-test' }]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  certPem = forge.pki.certificateToPem(cert);
  sha1 = createHash('sha1').update(Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary')).digest('hex');
  f.state.addClient({ clientId: 'pem-client', assertionKey: certPem });
});
afterAll(async () => f.stop());

const scopes = ['api://backend/.default'];

describe('TokenClient with createClientAuthenticator', () => {
  it('client secret', async () => {
    const client = new TokenClient({ http: f.http, clientId: CONFIDENTIAL, authenticator: createClientAuthenticator(SECRET, { clientId: CONFIDENTIAL }) });
    expect((await byClientCredentials(client, f.tokenEndpoint(), { scopes })).access_token).toBeTypeOf('string');
  });

  it('certificate with public certificate (PS256, x5t#S256)', async () => {
    const authenticator = createClientAuthenticator({ privateKey: keyPem, publicCertificate: certPem }, { clientId: 'pem-client' });
    const client = new TokenClient({ http: f.http, clientId: 'pem-client', authenticator });
    const res = await byClientCredentials(client, f.tokenEndpoint(), { scopes });
    expect(res.access_token).toBeTypeOf('string');
    expect(decodeProtectedHeader(f.sts.requests.at(-1)!.form.get('client_assertion') as string).alg).toBe('PS256');
  });

  it('certificate by thumbprint only (RS256, x5t)', async () => {
    const authenticator = createClientAuthenticator({ privateKey: keyPem, thumbprint: sha1 }, { clientId: 'pem-client' });
    const client = new TokenClient({ http: f.http, clientId: 'pem-client', authenticator });
    expect((await byClientCredentials(client, f.tokenEndpoint(), { scopes })).access_token).toBeTypeOf('string');
    expect(decodeProtectedHeader(f.sts.requests.at(-1)!.form.get('client_assertion') as string).alg).toBe('RS256');
  });

  it('an assertion signed for another endpoint is refused', async () => {
    const authenticator = createClientAuthenticator({ privateKey: keyPem, thumbprint: sha1 }, { clientId: 'pem-client' });
    const params = await authenticator.params(`${f.sts.baseUrl}/other-tenant/oauth2/v2.0/token`);
    const client = new TokenClient({ http: f.http, clientId: 'pem-client', authenticator: { params: async () => params } });
    expect(await byClientCredentials(client, f.tokenEndpoint(), { scopes })).toMatchObject({ error: 'invalid_client', error_codes: [700027] });
  });
});
