import { generateKeyPairSync, createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfidentialClientApplication } from '../../../lib/app/confidential-client-application.js';
import { InvalidArgumentError, CredentialError } from '../../../lib/errors.js';
import type { ErrorResult, TokenResult } from '../../../lib/oauth2/types.js';
import { signJwt } from '../../support/sts/tokens.js';
import { routedHttp } from '../../support/http.js';
import { authorityMetadataFor, instanceDiscoveryMetadata } from '../../support/offline-entra.js';
import { CLIENT_SECRET, CONFIDENTIAL_CLIENT_ID, startLocalEntra, type LocalEntra } from '../../support/entra.js';

const APP_SCOPES = ['https://graph.microsoft.com/.default'];
const CERT_CLIENT_ID = '55555555-5555-4555-8555-555555555555';
let entra: LocalEntra;
let dir: string;
let keyPem: string;
let certPem: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bb-cca-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '2', '-subj', '/CN=bb-test'], { stdio: 'ignore' });
  keyPem = readFileSync(join(dir, 'k.pem'), 'utf8');
  certPem = readFileSync(join(dir, 'c.pem'), 'utf8');
  entra = await startLocalEntra({ clients: [{ clientId: CERT_CLIENT_ID, assertionKey: certPem as never }] });
});
afterAll(async () => {
  await entra.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  entra.sts.clearFaults();
  entra.sts.requests.length = 0;
  entra.state.accessTokenLifetime = 3600;
  entra.state.refreshIn = undefined;
});

const tokenRequests = () => entra.sts.requestsTo(/\/oauth2\/v2\.0\/token$/);
const newApp = (extra: Record<string, unknown> = {}) =>
  new ConfidentialClientApplication({ ...entra.appOptions(CONFIDENTIAL_CLIENT_ID), clientCredential: CLIENT_SECRET, ...extra });

describe('ConfidentialClientApplication against the local STS', () => {
  it('client credentials: cache first, then the network only when needed', async () => {
    const app = newApp();
    const first = (await app.acquireTokenForClient(APP_SCOPES)) as TokenResult;
    expect(first.token_source).toBe('identity_provider');
    expect(tokenRequests().at(-1)!.form.get('client_secret')).toBe(CLIENT_SECRET);
    const second = (await app.acquireTokenForClient(APP_SCOPES)) as TokenResult;
    expect(second.token_source).toBe('cache');
    expect(second.access_token).toBe(first.access_token);
    expect(tokenRequests()).toHaveLength(1);
  });

  it('client credentials: forceRefresh is rejected, claims challenges skip the cache', async () => {
    const app = newApp();
    await app.acquireTokenForClient(APP_SCOPES);
    await expect(app.acquireTokenForClient(APP_SCOPES, { forceRefresh: true } as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    const r = (await app.acquireTokenForClient(APP_SCOPES, { claimsChallenge: '{"access_token":{"xms_cc":{"values":["cp1"]}}}' })) as TokenResult;
    expect(r.token_source).toBe('identity_provider');
  });

  it('fmiPath tokens are cached apart from plain app tokens and from each other', async () => {
    const app = newApp();
    const plain = (await app.acquireTokenForClient(APP_SCOPES)) as TokenResult;
    const a = (await app.acquireTokenForClient(APP_SCOPES, { fmiPath: 'agents/a' })) as TokenResult;
    const b = (await app.acquireTokenForClient(APP_SCOPES, { fmiPath: 'agents/b' })) as TokenResult;
    expect(new Set([plain.access_token, a.access_token, b.access_token]).size).toBe(3);
    expect(tokenRequests().at(-1)!.form.get('fmi_path')).toBe('agents/b');
    expect(((await app.acquireTokenForClient(APP_SCOPES, { fmiPath: 'agents/a' })) as TokenResult).access_token).toBe(a.access_token);
    expect(((await app.acquireTokenForClient(APP_SCOPES)) as TokenResult).access_token).toBe(plain.access_token);
    expect(tokenRequests()).toHaveLength(3);
  });

  it('removeTokensForClient sends the next call to the network', async () => {
    const app = newApp();
    await app.acquireTokenForClient(APP_SCOPES);
    await app.removeTokensForClient();
    expect(((await app.acquireTokenForClient(APP_SCOPES)) as TokenResult).token_source).toBe('identity_provider');
    expect(tokenRequests()).toHaveLength(2);
  });

  it('regional endpoints: client credentials go to <region>.login.microsoft.com, other grants stay central', async () => {
    const http = routedHttp(entra.sts.baseUrl); // real host names, answered by the local STS
    const tenant = entra.tenantId;
    const app = new ConfidentialClientApplication({
      clientId: CONFIDENTIAL_CLIENT_ID,
      clientCredential: CLIENT_SECRET,
      authority: `https://login.microsoftonline.com/${tenant}`,
      // The STS signs ID tokens as itself.
      authorityMetadata: { ...authorityMetadataFor(tenant), issuer: entra.state.issuer(tenant) },
      instanceDiscoveryMetadata,
      httpClient: http,
      azureRegion: 'westus',
    });
    expect(((await app.acquireTokenForClient(APP_SCOPES)) as TokenResult).token_source).toBe('identity_provider');
    expect(http.urls.at(-1)).toBe(`https://westus.login.microsoft.com/${tenant}/oauth2/v2.0/token`);
    await app.acquireTokenOnBehalfOf(
      await signJwt(entra.state.key, { oid: entra.alice.oid, tid: entra.alice.tid, sub: entra.alice.oid, exp: Math.floor(Date.now() / 1000) + 600 }),
      ['https://downstream.contoso.com/read'],
    );
    expect(http.urls.at(-1)).toBe(`https://login.microsoftonline.com/${tenant}/oauth2/v2.0/token`);
    const forced = new ConfidentialClientApplication({
      clientId: CONFIDENTIAL_CLIENT_ID,
      clientCredential: CLIENT_SECRET,
      authority: `https://login.microsoftonline.com/${tenant}`,
      authorityMetadata: authorityMetadataFor(tenant),
      instanceDiscoveryMetadata,
      httpClient: http,
    });
    process.env['MSAL_FORCE_REGION'] = 'eastus';
    try {
      await forced.acquireTokenForClient(APP_SCOPES);
    } finally {
      delete process.env['MSAL_FORCE_REGION'];
    }
    expect(http.urls.at(-1)).toBe(`https://eastus.login.microsoft.com/${tenant}/oauth2/v2.0/token`);
  });

  it('a wrong secret is an invalid_client value', async () => {
    const r = (await newApp({ clientCredential: 'wrong' }).acquireTokenForClient(APP_SCOPES)) as ErrorResult;
    expect(r.error).toBe('invalid_client');
  });

  it('429 with Retry-After comes back as a value and identical retries are throttled locally', async () => {
    const app = newApp();
    entra.sts.inject({ path: /\/token$/, reply: { status: 429, headers: { 'retry-after': '30' }, body: { error: 'temporarily_unavailable', error_description: 'slow down' } } });
    const r = (await app.acquireTokenForClient(APP_SCOPES)) as ErrorResult;
    expect(r.error).toBe('temporarily_unavailable');
    expect(r.retry_after).toBe(30);
    const again = (await app.acquireTokenForClient(APP_SCOPES)) as ErrorResult;
    expect(again.error).toBe('temporarily_unavailable');
    expect(tokenRequests()).toHaveLength(1);
  });

  it('certificate credential: a signed client assertion the STS verifies', async () => {
    const sha1 = createHash('sha1').update(Buffer.from(certPem.replace(/-----[^-]+-----|\s/g, ''), 'base64')).digest('hex');
    const app = new ConfidentialClientApplication({
      ...entra.appOptions(CERT_CLIENT_ID),
      clientCredential: { privateKey: keyPem, thumbprint: sha1 },
    });
    const r = (await app.acquireTokenForClient(APP_SCOPES)) as TokenResult;
    expect(r.token_source).toBe('identity_provider');
    const form = tokenRequests().at(-1)!.form;
    expect(form.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    const subjectName = new ConfidentialClientApplication({
      ...entra.appOptions(CERT_CLIENT_ID),
      clientCredential: { privateKey: keyPem, publicCertificate: certPem },
    });
    expect(((await subjectName.acquireTokenForClient(['api://other/.default'])) as TokenResult).token_source).toBe('identity_provider');
  });

  it('a credential that is not usable fails at construction with a typed error', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(
      () =>
        new ConfidentialClientApplication({
          ...entra.appOptions(CONFIDENTIAL_CLIENT_ID),
          clientCredential: { privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, thumbprint: 'ab'.repeat(20) },
        }),
    ).toThrow(CredentialError);
    expect(() => new ConfidentialClientApplication({ clientId: 'x' } as never)).toThrow(InvalidArgumentError);
  });

  it('on-behalf-of: trades a user token for a downstream token, cached per assertion', async () => {
    const userToken = await signJwt(entra.state.key, {
      iss: entra.state.issuer(entra.tenantId),
      aud: CONFIDENTIAL_CLIENT_ID,
      oid: entra.alice.oid,
      tid: entra.alice.tid,
      sub: entra.alice.oid,
      exp: Math.floor(Date.now() / 1000) + 3600,
      iat: Math.floor(Date.now() / 1000),
    });
    const app = newApp();
    const r = (await app.acquireTokenOnBehalfOf(userToken, ['https://downstream.contoso.com/read'])) as TokenResult;
    expect(r.token_source).toBe('identity_provider');
    const form = tokenRequests().at(-1)!.form;
    expect(form.get('requested_token_use')).toBe('on_behalf_of');
    expect(form.get('assertion')).toBe(userToken);
    const again = (await app.acquireTokenOnBehalfOf(userToken, ['https://downstream.contoso.com/read'])) as TokenResult;
    expect(again.token_source).toBe('cache');
    expect(tokenRequests()).toHaveLength(1);
  });

  it('user federated identity credential (user_fic)', async () => {
    const fic = await signJwt(entra.state.key, {
      iss: entra.state.issuer(entra.tenantId),
      aud: 'api://AzureADTokenExchange',
      sub: CONFIDENTIAL_CLIENT_ID,
      exp: Math.floor(Date.now() / 1000) + 600,
      iat: Math.floor(Date.now() / 1000),
    });
    const r = (await newApp().acquireTokenByUserFederatedIdentityCredential(['https://graph.microsoft.com/User.Read'], fic, { username: entra.alice.username })) as TokenResult;
    expect(r.token_source).toBe('identity_provider');
    expect(tokenRequests().at(-1)!.form.get('grant_type')).toBe('user_fic');
  });
});
