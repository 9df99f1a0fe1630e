import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, MalformedResponseError } from '../../../lib/errors.js';
import { ccsAuthorizationParams, ccsRoutingHeaders } from '../../../lib/oauth2/ccs.js';
import { mergeClaims } from '../../../lib/oauth2/claims.js';
import { homeAccountIdFrom, parseClientInfo } from '../../../lib/oauth2/client-info.js';
import { createPkce, pkceChallenge } from '../../../lib/oauth2/pkce.js';
import { decorateScopes, normalizeTarget, RESERVED_SCOPES, scopesFromString, scopesToString } from '../../../lib/oauth2/scopes.js';
import { parseRetryAfter } from '../../../lib/http/throttling.js';
import { encodeClientInfo } from '../../support/sts/tokens.js';

describe('createPkce', () => {
  it('makes an RFC 7636 verifier and its S256 challenge', () => {
    const p = createPkce();
    expect(p.method).toBe('S256');
    expect(p.verifier).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/);
    expect(p.challenge).toBe(createHash('sha256').update(p.verifier).digest('base64url'));
    expect(pkceChallenge(p.verifier)).toBe(p.challenge);
    expect(createPkce().verifier).not.toBe(p.verifier);
  });

  it('matches the RFC 7636 appendix B example', () => {
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });
});

describe('decorateScopes', () => {
  it('appends the reserved scopes after the caller scopes, keeping order and dropping duplicates', () => {
    expect(decorateScopes(['User.Read', 'Mail.Read', 'User.Read'])).toEqual(['User.Read', 'Mail.Read', 'openid', 'profile', 'offline_access']);
    expect(RESERVED_SCOPES).toEqual(['openid', 'profile', 'offline_access']);
  });

  it('rejects reserved scopes passed by the caller, in any case', () => {
    expect(() => decorateScopes(['User.Read', 'openid'])).toThrow(InvalidArgumentError);
    expect(() => decorateScopes(['Offline_Access'])).toThrow(/reserved/);
  });

  it('honours excludeScopes, e.g. to get no refresh token', () => {
    expect(decorateScopes(['User.Read'], { excludeScopes: ['offline_access'] })).toEqual(['User.Read', 'openid', 'profile']);
  });

  // MSAL Python decorates the client id like any scope, alone or with others (B2C asks for it).
  it('accepts the client id as a scope, alone or with others', () => {
    expect(decorateScopes(['my-app'], { clientId: 'my-app' })).toEqual(['my-app', 'openid', 'profile', 'offline_access']);
    expect(decorateScopes(['my-app', 'User.Read'], { clientId: 'my-app' })).toEqual(['my-app', 'User.Read', 'openid', 'profile', 'offline_access']);
  });

  it('rejects non-arrays and empty strings', () => {
    expect(() => decorateScopes('User.Read' as unknown as string[])).toThrow(InvalidArgumentError);
    expect(() => decorateScopes([' '])).toThrow(InvalidArgumentError);
  });

  it('formats and normalises targets', () => {
    expect(scopesToString(['a', 'b'])).toBe('a b');
    expect(scopesFromString('  b a  b ')).toEqual(['b', 'a']);
    expect(scopesFromString(undefined)).toEqual([]);
    expect(normalizeTarget('User.Read openid  Mail.Read User.Read')).toBe('Mail.Read User.Read openid');
    expect(normalizeTarget(['z', 'a', 'z'])).toBe('a z');
  });
});

describe('mergeClaims', () => {
  it('returns the challenge untouched without capabilities', () => {
    expect(mergeClaims(undefined, undefined)).toBeUndefined();
    expect(mergeClaims('{"id_token": {"auth_time": {"essential": true}}}', [])).toBe('{"id_token": {"auth_time": {"essential": true}}}');
  });

  it('turns capabilities into access_token.xms_cc', () => {
    expect(JSON.parse(mergeClaims(undefined, ['CP1']) as string)).toEqual({ access_token: { xms_cc: { values: ['CP1'] } } });
  });

  it('deep-merges capabilities into a challenge', () => {
    const challenge = JSON.stringify({
      access_token: { nbf: { essential: true, value: '1604106651' }, xms_cc: { values: ['old'] } },
      id_token: { acr: { values: ['x'] } },
    });
    expect(JSON.parse(mergeClaims(challenge, ['CP1', 'CP2']) as string)).toEqual({
      access_token: { nbf: { essential: true, value: '1604106651' }, xms_cc: { values: ['CP1', 'CP2'] } },
      id_token: { acr: { values: ['x'] } },
    });
  });

  it('throws InvalidArgumentError on invalid challenge JSON', () => {
    expect(() => mergeClaims('{not json', ['CP1'])).toThrow(InvalidArgumentError);
    expect(() => mergeClaims('[1,2]', undefined)).toThrow(InvalidArgumentError);
  });
});

describe('ccsRoutingHeaders', () => {
  const clientInfo = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  it('routes a cached account by its home account id, every "." becoming "@" (as MSAL Python)', () => {
    expect(ccsRoutingHeaders({ homeAccountId: 'oid-1.tid-2' })).toEqual({ 'X-AnchorMailbox': 'Oid:oid-1@tid-2' });
    expect(ccsRoutingHeaders({ homeAccountId: 'sub-of-an-oidc-user' })).toEqual({ 'X-AnchorMailbox': 'Oid:sub-of-an-oidc-user' });
    expect(ccsRoutingHeaders({ homeAccountId: 'uid-b2c_1_p.utid' })).toEqual({ 'X-AnchorMailbox': 'Oid:uid-b2c_1_p@utid' });
    expect(ccsRoutingHeaders({ homeAccountId: '' })).toEqual({});
  });
  it('routes ROPC and user_fic by upn, or user_fic by object id in the tenant', () => {
    expect(ccsRoutingHeaders({ username: 'a@b.c' })).toEqual({ 'X-AnchorMailbox': 'upn:a@b.c' });
    expect(ccsRoutingHeaders({ userObjectId: 'oid-1', tenant: 'tid-2' })).toEqual({ 'X-AnchorMailbox': 'Oid:oid-1@tid-2' });
  });
  it('routes an auth code redemption by the reply\'s client_info, and by nothing when it is absent or unreadable', () => {
    expect(ccsRoutingHeaders({ clientInfo: clientInfo({ uid: 'u', utid: 't' }) })).toEqual({ 'X-AnchorMailbox': 'Oid:u@t' });
    expect(ccsRoutingHeaders({ clientInfo: undefined })).toEqual({});
    expect(ccsRoutingHeaders({ clientInfo: 'not base64 json' })).toEqual({});
    expect(ccsRoutingHeaders({ clientInfo: clientInfo({ uid: 'u' }) })).toEqual({});
  });
  it('asks the authorization server for client_info, and routes the sign-in by the login hint', () => {
    expect(ccsAuthorizationParams(undefined)).toEqual({ client_info: '1' });
    expect(ccsAuthorizationParams('a@b.c')).toEqual({ client_info: '1', 'X-AnchorMailbox': 'UPN:a@b.c' });
  });
});

describe('client_info', () => {
  it('parses uid/utid and builds the home account id', () => {
    const ci = encodeClientInfo('u1', 't1');
    expect(parseClientInfo(ci)).toEqual({ uid: 'u1', utid: 't1' });
    expect(homeAccountIdFrom({ client_info: ci }, { sub: 'ignored' })).toBe('u1.t1');
  });
  it('falls back to sub, then undefined', () => {
    expect(homeAccountIdFrom({}, { sub: 'the-sub' })).toBe('the-sub');
    expect(homeAccountIdFrom({ access_token: 'x' })).toBeUndefined();
  });
  it('rejects garbage', () => {
    expect(() => parseClientInfo('%%%')).toThrow(MalformedResponseError);
    expect(() => parseClientInfo(Buffer.from('{"uid":"x"}').toString('base64url'))).toThrow(/uid\/utid/);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', 0)).toBe(120);
    expect(parseRetryAfter(new Date(10_000 + 30_000).toUTCString(), 10_000)).toBe(30);
    expect(parseRetryAfter(new Date(0).toUTCString(), 10_000)).toBe(0);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(undefined, 0)).toBeUndefined();
  });
});
