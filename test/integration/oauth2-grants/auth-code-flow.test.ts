import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, StateMismatchError } from '../../../lib/errors.js';
import { initiateAuthCodeFlow, nonceHash, validateAuthCodeResponse } from '../../../lib/oauth2/auth-code-flow.js';
import { byAuthorizationCode } from '../../../lib/oauth2/grants.js';
import { pkceChallenge } from '../../../lib/oauth2/pkce.js';
import { isErrorResult } from '../../../lib/oauth2/types.js';
import { decorateScopes } from '../../../lib/oauth2/scopes.js';
import { issueAuthCode } from '../../support/sts/token.js';
import { PUBLIC_CLIENT, startFixture, type Fixture } from './fixture.js';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => f.stop());

const base = { authorizationEndpoint: 'https://login.example/tenant/oauth2/v2.0/authorize?dc=1', clientId: 'app', scopes: ['User.Read', 'openid'] };

describe('initiateAuthCodeFlow', () => {
  it('builds an authorize URL with PKCE S256, state and a hashed nonce', () => {
    const flow = initiateAuthCodeFlow({
      ...base,
      redirectUri: 'http://localhost:1234',
      prompt: 'select_account',
      loginHint: 'alice@contoso.com',
      domainHint: 'contoso.com',
      maxAge: 0,
      responseMode: 'form_post',
      claims: '{"id_token":{"acr":null}}',
      extraQueryParameters: { slice: 'testslice', client_id: 'cannot-override' },
    });
    const url = new URL(flow.auth_uri);
    const q = url.searchParams;
    expect(`${url.origin}${url.pathname}`).toBe('https://login.example/tenant/oauth2/v2.0/authorize');
    expect(q.get('dc')).toBe('1');
    expect(Object.fromEntries(q)).toMatchObject({
      client_id: 'app',
      response_type: 'code',
      redirect_uri: 'http://localhost:1234',
      scope: 'User.Read openid',
      state: flow.state,
      nonce: nonceHash(flow.nonce),
      code_challenge: pkceChallenge(flow.code_verifier),
      code_challenge_method: 'S256',
      prompt: 'select_account',
      login_hint: 'alice@contoso.com',
      domain_hint: 'contoso.com',
      max_age: '0',
      response_mode: 'form_post',
      claims: '{"id_token":{"acr":null}}',
      slice: 'testslice',
    });
    expect(flow).toMatchObject({ redirect_uri: 'http://localhost:1234', scope: ['User.Read', 'openid'], claims_challenge: '{"id_token":{"acr":null}}', max_age: 0, response_mode: 'form_post' });
    expect(flow.nonce).not.toBe(q.get('nonce'));
  });

  it('uses a caller state, and random ones otherwise', () => {
    expect(initiateAuthCodeFlow({ ...base, state: 'mine' }).state).toBe('mine');
    const a = initiateAuthCodeFlow(base);
    const b = initiateAuthCodeFlow(base);
    expect(a.state).not.toBe(b.state);
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.code_verifier).not.toBe(b.code_verifier);
    expect(new URL(a.auth_uri).searchParams.has('redirect_uri')).toBe(false);
  });

  it('rejects a bad endpoint and a bad max_age', () => {
    expect(() => initiateAuthCodeFlow({ ...base, authorizationEndpoint: 'not a url' })).toThrow(InvalidArgumentError);
    expect(() => initiateAuthCodeFlow({ ...base, maxAge: -1 })).toThrow(InvalidArgumentError);
  });
});

describe('validateAuthCodeResponse', () => {
  const flow = initiateAuthCodeFlow(base);

  it('returns the code when state matches', () => {
    expect(validateAuthCodeResponse(flow, { code: 'c', state: flow.state, session_state: 'x' })).toEqual({ code: 'c' });
  });

  it('throws StateMismatchError on a missing or different state', () => {
    expect(() => validateAuthCodeResponse(flow, { code: 'c' })).toThrow(StateMismatchError);
    expect(() => validateAuthCodeResponse(flow, { code: 'c', state: 'forged' })).toThrow(StateMismatchError);
    expect(() => validateAuthCodeResponse({ state: '' }, { code: 'c', state: '' })).toThrow(InvalidArgumentError);
  });

  it('returns an authorization error as a value with only the OAuth fields', () => {
    const r = validateAuthCodeResponse(flow, { state: flow.state, error: 'access_denied', error_description: 'no', access_token: 'attacker' });
    expect(r).toEqual({ error: 'access_denied', error_description: 'no' });
  });

  it('throws when the reply has neither code nor error', () => {
    expect(() => validateAuthCodeResponse(flow, { state: flow.state })).toThrow(InvalidArgumentError);
  });
});

describe('auth code flow end to end against the local STS', () => {
  it('initiate -> authorize (simulated) -> validate -> redeem; the ID token echoes the hashed nonce', async () => {
    const scopes = decorateScopes(['User.Read']);
    const flow = initiateAuthCodeFlow({ authorizationEndpoint: `${f.sts.baseUrl}/common/oauth2/v2.0/authorize`, clientId: PUBLIC_CLIENT, scopes, redirectUri: 'http://localhost:5000' });
    const q = new URL(flow.auth_uri).searchParams;
    // What the STS's /authorize would do after the user signs in:
    const code = issueAuthCode(f.state, {
      clientId: PUBLIC_CLIENT,
      username: 'alice@contoso.com',
      scope: q.get('scope') as string,
      redirectUri: q.get('redirect_uri') as string,
      codeChallenge: q.get('code_challenge') as string,
      codeChallengeMethod: 'S256',
      nonce: q.get('nonce') as string,
    });
    const reply = validateAuthCodeResponse(flow, { code, state: q.get('state') as string });
    if (isErrorResult(reply)) throw new Error('expected a code');
    const res = await byAuthorizationCode(f.publicClient(), f.tokenEndpoint('common'), {
      code: reply.code,
      redirectUri: flow.redirect_uri,
      codeVerifier: flow.code_verifier,
      scopes: flow.scope,
    });
    expect(typeof res.access_token).toBe('string');
    expect(decodeJwt(res.id_token as string).nonce).toBe(nonceHash(flow.nonce));
  });
});
