import { calculateJwkThumbprint, decodeJwt, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../lib/errors.js';
import { parseClientInfo } from '../../../lib/oauth2/client-info.js';
import {
  byAuthorizationCode,
  byClientCredentials,
  byOnBehalfOf,
  byRefreshToken,
  bySamlBearer,
  byUserFic,
  byUsernamePassword,
} from '../../../lib/oauth2/grants.js';
import { createPkce } from '../../../lib/oauth2/pkce.js';
import { decorateScopes } from '../../../lib/oauth2/scopes.js';
import { TokenClient } from '../../../lib/oauth2/token-client.js';
import type { ErrorResponse, TokenResponse } from '../../../lib/oauth2/types.js';
import { issueAuthCode } from '../../support/sts/token.js';
import { signJwt } from '../../support/sts/tokens.js';
import { CERT_CLIENT, CONFIDENTIAL, FAMILY_A, FAMILY_B, PUBLIC_CLIENT, startFixture, TENANT, type Fixture } from './fixture.js';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => f.stop());

const userScopes = decorateScopes(['https://graph.microsoft.com/User.Read']);
const lastForm = (): URLSearchParams => f.sts.requests.at(-1)!.form;

function ok(r: TokenResponse | ErrorResponse): TokenResponse {
  if (typeof r.error === 'string') throw new Error(`expected tokens, got ${JSON.stringify(r)}`);
  return r as TokenResponse;
}

async function verified(token: string): Promise<Record<string, unknown>> {
  return (await jwtVerify(token, f.state.key.publicKey)).payload;
}

describe('authorization code grant', () => {
  it('redeems a code with PKCE and gets realistic tokens', async () => {
    const pkce = createPkce();
    const code = issueAuthCode(f.state, {
      clientId: PUBLIC_CLIENT,
      username: 'alice@contoso.com',
      scope: userScopes.join(' '),
      redirectUri: 'http://localhost:8400',
      codeChallenge: pkce.challenge,
      codeChallengeMethod: 'S256',
      nonce: 'n-1',
    });
    const res = ok(
      await byAuthorizationCode(f.publicClient(), f.tokenEndpoint('common'), {
        code,
        redirectUri: 'http://localhost:8400',
        codeVerifier: pkce.verifier,
        scopes: userScopes,
      }),
    );
    expect(lastForm().get('grant_type')).toBe('authorization_code');
    expect(lastForm().get('code_verifier')).toBe(pkce.verifier);
    expect(res).toMatchObject({ token_type: 'Bearer', expires_in: 3600, ext_expires_in: 7200, scope: 'https://graph.microsoft.com/User.Read openid profile' });
    expect(typeof res.refresh_token).toBe('string');
    expect(parseClientInfo(res.client_info as string)).toEqual({ uid: 'alice-oid', utid: TENANT });
    const id = await verified(res.id_token as string);
    expect(id).toMatchObject({ iss: `${f.sts.baseUrl}/${TENANT}/v2.0`, aud: PUBLIC_CLIENT, oid: 'alice-oid', tid: TENANT, nonce: 'n-1', preferred_username: 'alice@contoso.com', name: 'Alice' });
    expect(typeof id.auth_time).toBe('number');
    expect(typeof id.sub).toBe('string');
    const at = await verified(res.access_token as string);
    expect(at).toMatchObject({ aud: 'https://graph.microsoft.com', scp: 'https://graph.microsoft.com/User.Read', oid: 'alice-oid' });
  });

  it('returns invalid_grant on a PKCE mismatch, and the code is burnt', async () => {
    const pkce = createPkce();
    const code = issueAuthCode(f.state, { clientId: PUBLIC_CLIENT, username: 'alice@contoso.com', scope: 'openid', codeChallenge: pkce.challenge, codeChallengeMethod: 'S256' });
    const bad = await byAuthorizationCode(f.publicClient(), f.tokenEndpoint(), { code, codeVerifier: createPkce().verifier, scopes: ['openid'] });
    expect(bad).toMatchObject({ error: 'invalid_grant', error_codes: [501481] });
    const again = await byAuthorizationCode(f.publicClient(), f.tokenEndpoint(), { code, codeVerifier: pkce.verifier, scopes: ['openid'] });
    expect(again).toMatchObject({ error: 'invalid_grant' });
  });

  it('passes claims, extra params and PoP binding', async () => {
    const code = issueAuthCode(f.state, { clientId: PUBLIC_CLIENT, username: 'alice@contoso.com', scope: 'User.Read' });
    const { publicKey } = await generateKeyPair('RS256');
    const kid = await calculateJwkThumbprint(await exportJWK(publicKey));
    const reqCnf = Buffer.from(JSON.stringify({ kid })).toString('base64url');
    const res = ok(
      await byAuthorizationCode(
        f.publicClient(),
        f.tokenEndpoint(),
        { code, scopes: ['User.Read'], claims: '{"access_token":{"xms_cc":{"values":["CP1"]}}}' },
        { extra: { dc: 'ESTS-PUB-WUS2', grant_type: 'ignored' }, tokenType: 'pop', reqCnf },
      ),
    );
    expect(lastForm().get('claims')).toBe('{"access_token":{"xms_cc":{"values":["CP1"]}}}');
    expect(lastForm().get('dc')).toBe('ESTS-PUB-WUS2');
    expect(lastForm().get('grant_type')).toBe('authorization_code');
    expect(res.token_type).toBe('pop');
    expect((await verified(res.access_token as string)).cnf).toEqual({ kid });
  });
});

describe('refresh token grant', () => {
  it('rotates the refresh token and rejects the old one with invalid_grant', async () => {
    const first = ok(await byUsernamePassword(f.publicClient(), f.tokenEndpoint(), { username: 'alice@contoso.com', password: 'P@ss', scopes: userScopes }));
    const rt = first.refresh_token as string;
    const second = ok(await byRefreshToken(f.publicClient(), f.tokenEndpoint(), { refreshToken: rt, scopes: userScopes }));
    expect(lastForm().get('grant_type')).toBe('refresh_token');
    expect(lastForm().get('refresh_token')).toBe(rt);
    expect(second.refresh_token).not.toBe(rt);
    const reused = await byRefreshToken(f.publicClient(), f.tokenEndpoint(), { refreshToken: rt, scopes: userScopes });
    expect(reused).toMatchObject({ error: 'invalid_grant', suberror: 'bad_token' });
  });

  it('lets a family member redeem a FOCI refresh token, but not an outsider', async () => {
    const first = ok(await byUsernamePassword(f.publicClient(FAMILY_A), f.tokenEndpoint(), { username: 'alice@contoso.com', password: 'P@ss', scopes: userScopes }));
    expect(first.foci).toBe('1');
    const outsider = await byRefreshToken(f.publicClient(PUBLIC_CLIENT), f.tokenEndpoint(), { refreshToken: first.refresh_token as string, scopes: userScopes });
    expect(outsider).toMatchObject({ error: 'invalid_grant', suberror: 'client_mismatch' });
    const sibling = ok(await byRefreshToken(f.publicClient(FAMILY_B), f.tokenEndpoint(), { refreshToken: first.refresh_token as string, scopes: userScopes }));
    expect(sibling.foci).toBe('1');
  });

  it('carries refresh_in when the STS sets it', async () => {
    f.state.refreshIn = 1800;
    try {
      const r = ok(await byUsernamePassword(f.publicClient(), f.tokenEndpoint(), { username: 'alice@contoso.com', password: 'P@ss', scopes: ['User.Read'] }));
      expect(r.refresh_in).toBe(1800);
      expect(r.refresh_token).toBeUndefined(); // no offline_access, no refresh token
      expect(r.id_token).toBeUndefined();
    } finally {
      f.state.refreshIn = undefined;
    }
  });
});

describe('client credentials grant', () => {
  it('authenticates with a secret and returns an app-only token', async () => {
    const res = ok(await byClientCredentials(f.confidentialClient(), f.tokenEndpoint(), { scopes: ['api://backend/.default'], fmiPath: 'agents/a1' }));
    expect(lastForm().get('client_secret')).toBe('the-secret');
    expect(lastForm().get('fmi_path')).toBe('agents/a1');
    expect(res.refresh_token).toBeUndefined();
    expect(res.id_token).toBeUndefined();
    expect(res.client_info).toBeUndefined();
    expect(await verified(res.access_token as string)).toMatchObject({ aud: 'api://backend', tid: TENANT, sub: CONFIDENTIAL, fmi_path: 'agents/a1' });
  });

  it('authenticates with a client assertion JWT verified against the registered key', async () => {
    const endpoint = f.tokenEndpoint();
    const sign = (key = f.certKey.privateKey) =>
      new SignJWT({ jti: crypto.randomUUID() })
        .setProtectedHeader({ alg: 'RS256' })
        .setIssuer(CERT_CLIENT)
        .setSubject(CERT_CLIENT)
        .setAudience(endpoint)
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(key);
    const assertionClient = (assertion: () => Promise<string>) =>
      new TokenClient({
        http: f.http,
        clientId: CERT_CLIENT,
        authenticator: { params: async () => ({ client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: await assertion() }) },
      });
    ok(await byClientCredentials(assertionClient(() => sign()), endpoint, { scopes: ['api://backend/.default'] }));
    const otherKey = (await generateKeyPair('RS256')).privateKey;
    const bad = await byClientCredentials(assertionClient(() => sign(otherKey)), endpoint, { scopes: ['api://backend/.default'] });
    expect(bad).toMatchObject({ error: 'invalid_client', error_codes: [700027] });
  });

  it('returns invalid_client for a wrong secret and for a public client', async () => {
    const wrong = new TokenClient({ http: f.http, clientId: CONFIDENTIAL, authenticator: { params: async () => ({ client_secret: 'nope' }) } });
    expect(await byClientCredentials(wrong, f.tokenEndpoint(), { scopes: ['api://x/.default'] })).toMatchObject({ error: 'invalid_client' });
    expect(await byClientCredentials(f.publicClient(), f.tokenEndpoint(), { scopes: ['api://x/.default'] })).toMatchObject({ error: 'invalid_client' });
  });

  it('returns invalid_scope without /.default', async () => {
    expect(await byClientCredentials(f.confidentialClient(), f.tokenEndpoint(), { scopes: ['User.Read'] })).toMatchObject({ error: 'invalid_scope' });
  });
});

describe('username/password grant', () => {
  it('returns invalid_grant for a wrong password', async () => {
    const r = await byUsernamePassword(f.publicClient(), f.tokenEndpoint(), { username: 'alice@contoso.com', password: 'bad', scopes: userScopes });
    expect(r).toMatchObject({ error: 'invalid_grant', error_codes: [50126] });
    expect(typeof r.error_description).toBe('string');
  });
});

describe('on-behalf-of grant', () => {
  it('exchanges a user access token for a downstream token', async () => {
    const upstream = ok(await byUsernamePassword(f.publicClient(), f.tokenEndpoint(), { username: 'alice@contoso.com', password: 'P@ss', scopes: ['api://middle/access'] }));
    const res = ok(
      await byOnBehalfOf(f.confidentialClient(), f.tokenEndpoint(), { assertion: upstream.access_token as string, scopes: decorateScopes(['https://graph.microsoft.com/.default']) }),
    );
    expect(lastForm().get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(lastForm().get('requested_token_use')).toBe('on_behalf_of');
    expect(decodeJwt(res.access_token as string)).toMatchObject({ oid: 'alice-oid', azp: CONFIDENTIAL });
    expect(typeof res.refresh_token).toBe('string');
  });

  it('returns invalid_grant for a forged assertion', async () => {
    const forged = await new SignJWT({ oid: 'alice-oid' }).setProtectedHeader({ alg: 'RS256' }).sign((await generateKeyPair('RS256')).privateKey);
    expect(await byOnBehalfOf(f.confidentialClient(), f.tokenEndpoint(), { assertion: forged, scopes: ['api://x/.default'] })).toMatchObject({
      error: 'invalid_grant',
      error_codes: [50013],
    });
  });
});

describe('user federated identity credential grant', () => {
  it('sends grant_type user_fic with the credential and the user', async () => {
    const fic = await signJwt(f.state.key, { sub: 'agent-instance', aud: 'api://AzureADTokenExchange' });
    const byName = ok(
      await byUserFic(f.confidentialClient(), f.tokenEndpoint(), { username: 'alice@contoso.com', userFederatedIdentityCredential: fic, scopes: decorateScopes(['https://graph.microsoft.com/.default']) }),
    );
    expect(lastForm().get('grant_type')).toBe('user_fic');
    expect(lastForm().get('user_federated_identity_credential')).toBe(fic);
    expect(lastForm().get('username')).toBe('alice@contoso.com');
    expect(parseClientInfo(byName.client_info as string).uid).toBe('alice-oid');
    ok(await byUserFic(f.confidentialClient(), f.tokenEndpoint(), { userObjectId: 'alice-oid', userFederatedIdentityCredential: fic, scopes: ['https://graph.microsoft.com/.default'] }));
    expect(lastForm().get('user_id')).toBe('alice-oid');
    expect(lastForm().has('username')).toBe(false);
  });

  it('rejects a call naming no user (or both ways)', async () => {
    await expect(byUserFic(f.confidentialClient(), f.tokenEndpoint(), { userFederatedIdentityCredential: 'x', scopes: ['s'] })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(
      byUserFic(f.confidentialClient(), f.tokenEndpoint(), { username: 'a', userObjectId: 'b', userFederatedIdentityCredential: 'x', scopes: ['s'] }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

describe('SAML bearer grants', () => {
  const saml11 = `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:1.0:assertion" MajorVersion="1" MinorVersion="1"><saml:AuthenticationStatement><saml:Subject><saml:NameIdentifier Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">alice@contoso.com</saml:NameIdentifier></saml:Subject></saml:AuthenticationStatement></saml:Assertion>`;
  const saml2 = `<saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" Version="2.0"><saml2:Subject><saml2:NameID>alice@contoso.com</saml2:NameID></saml2:Subject></saml2:Assertion>`;

  it.each([
    ['1.1', saml11, 'urn:ietf:params:oauth:grant-type:saml1_1-bearer'],
    ['2.0', saml2, 'urn:ietf:params:oauth:grant-type:saml2-bearer'],
  ] as const)('SAML %s: sends the base64url assertion with the right grant type', async (version, xml, grantType) => {
    const res = ok(await bySamlBearer(f.publicClient(), f.tokenEndpoint(), { assertion: xml, samlVersion: version, scopes: userScopes }));
    expect(lastForm().get('grant_type')).toBe(grantType);
    const sent = lastForm().get('assertion') as string;
    expect(sent).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(sent, 'base64url').toString('utf8')).toBe(xml);
    expect(parseClientInfo(res.client_info as string).uid).toBe('alice-oid');
  });

  it('returns invalid_grant when the version does not match the assertion', async () => {
    expect(await bySamlBearer(f.publicClient(), f.tokenEndpoint(), { assertion: saml2, samlVersion: '1.1', scopes: userScopes })).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('STS error replies', () => {
  it('rejects unsupported grant types and bad claims JSON', async () => {
    expect(await f.publicClient().request(f.tokenEndpoint(), { grant_type: 'magic' })).toMatchObject({ error: 'unsupported_grant_type' });
    expect(
      await byUsernamePassword(f.publicClient(), f.tokenEndpoint(), { username: 'alice@contoso.com', password: 'P@ss', scopes: ['x'], claims: '{bad' }),
    ).toMatchObject({ error: 'invalid_request' });
  });

  it('records what it issued for tests to inspect', () => {
    expect(f.state.issued.some((i) => i.grantType === 'client_credentials' && i.clientId === CONFIDENTIAL && i.oid === undefined)).toBe(true);
  });
});
