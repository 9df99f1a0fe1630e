import { describe, expect, it } from 'vitest';
import { Authority } from '../../../lib/authority/authority.js';
import { InvalidAuthorityError } from '../../../lib/errors.js';

function parseError(fn: () => unknown): InvalidAuthorityError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidAuthorityError);
    expect((e as InvalidAuthorityError).code).toBe('invalid_authority');
    return e as InvalidAuthorityError;
  }
  throw new Error('expected parse to throw');
}

describe('Authority.parse', () => {
  it('defaults to the public cloud common tenant', () => {
    const a = Authority.parse();
    expect(a.kind).toBe('aad');
    expect(a.host).toBe('login.microsoftonline.com');
    expect(a.tenant).toBe('common');
    expect(a.canonical).toBe('https://login.microsoftonline.com/common/');
  });

  it.each([
    ['https://Login.MicrosoftOnline.com/Contoso.onmicrosoft.com', 'aad', 'Contoso.onmicrosoft.com', 'https://login.microsoftonline.com/Contoso.onmicrosoft.com/'],
    ['https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize', 'aad', 'organizations', 'https://login.microsoftonline.com/organizations/'],
    ['https://fs.contoso.com/adfs', 'adfs', 'adfs', 'https://fs.contoso.com/adfs/'],
    ['https://fs.contoso.com/ADFS/', 'adfs', 'adfs', 'https://fs.contoso.com/adfs/'],
    ['https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_SignIn', 'b2c', 'contoso.onmicrosoft.com', 'https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_SignIn/'],
    ['https://login.contoso.com/tfp/contoso.onmicrosoft.com/my_policy', 'b2c', 'contoso.onmicrosoft.com', 'https://login.contoso.com/tfp/contoso.onmicrosoft.com/my_policy/'],
    ['https://login.contoso.com/contoso.onmicrosoft.com/b2c_1a_signup', 'b2c', 'contoso.onmicrosoft.com', 'https://login.contoso.com/contoso.onmicrosoft.com/b2c_1a_signup/'],
    ['https://contoso.ciamlogin.com', 'ciam', 'contoso.onmicrosoft.com', 'https://contoso.ciamlogin.com/contoso.onmicrosoft.com/'],
    ['https://contoso.ciamlogin.com/', 'ciam', 'contoso.onmicrosoft.com', 'https://contoso.ciamlogin.com/contoso.onmicrosoft.com/'],
    ['https://contoso.ciamlogin.com/7a433bfc-2514-4697-b467-e0933190487f', 'ciam', '7a433bfc-2514-4697-b467-e0933190487f', 'https://contoso.ciamlogin.com/7a433bfc-2514-4697-b467-e0933190487f/'],
    ['https://co.dsts.core.azure-test.net/dstsv2/7a433bfc-2514-4697-b467-e0933190487f', 'dsts', '7a433bfc-2514-4697-b467-e0933190487f', 'https://co.dsts.core.azure-test.net/dstsv2/7a433bfc-2514-4697-b467-e0933190487f/'],
  ])('parses %s', (authority, kind, tenant, canonical) => {
    const a = Authority.parse({ authority });
    expect([a.kind, a.tenant, a.canonical]).toEqual([kind, tenant, canonical]);
  });

  it('accepts a query or fragment after the tenant, as the reference does (the canonical URL holds neither)', () => {
    for (const authority of ['https://login.microsoftonline.com/common?x=1', 'https://login.microsoftonline.com/common#frag', 'https://example.com/tenant/subpath?foo=bar#fragment']) {
      const a = Authority.parse({ authority });
      expect(a.canonical).toBe(`${new URL(authority).origin}/${a.tenant}/`);
      expect(a.tenant).toBe(new URL(authority).pathname.split('/')[1]);
    }
  });

  it('parses a generic OIDC issuer', () => {
    const a = Authority.parse({ oidcAuthority: 'https://accounts.example.com/realms/demo' });
    expect(a.kind).toBe('oidc');
    expect(a.tenant).toBe('realms/demo');
    expect(a.canonical).toBe('https://accounts.example.com/realms/demo/');
    expect(Authority.parse({ oidcAuthority: 'https://idp.example.com' }).canonical).toBe('https://idp.example.com/');
  });

  it('accepts http only for loopback hosts, and only with the opt-in', () => {
    expect(parseError(() => Authority.parse({ authority: 'http://127.0.0.1:4000/common' })).message).toMatch(/allowHttpLoopbackAuthority/);
    for (const host of ['127.0.0.1:4000', 'localhost:4000', '[::1]:4000']) {
      const a = Authority.parse({ authority: `http://${host}/common`, allowHttpLoopbackAuthority: true });
      expect(a.canonical).toBe(`http://${host}/common/`);
    }
    expect(parseError(() => Authority.parse({ authority: 'http://login.microsoftonline.com/common', allowHttpLoopbackAuthority: true })).message).toMatch(
      /must use https/,
    );
    parseError(() => Authority.parse({ oidcAuthority: 'http://localhost/issuer' }));
    parseError(() => Authority.parse({ authority: 'https://login.microsoftonline.com/common', instanceDiscoveryEndpoint: 'http://127.0.0.1:1' }));
  });

  it.each([
    [{ authority: 'not a url' }, /not an absolute URL/],
    [{ authority: 'ftp://login.microsoftonline.com/common' }, /must use https/],
    [{ authority: 'https://login.microsoftonline.com' }, /incomplete/],
    [{ authority: 'https://user:pw@login.microsoftonline.com/common' }, /credentials/],
    [{ authority: 'https://login.microsoftonline.com/con%2Ftoso' }, /invalid path segment/],
    [{ authority: 'https://contoso.b2clogin.com/contoso.onmicrosoft.com' }, /<policy>/],
    [{ authority: 'https://login.contoso.com/tfp/contoso.onmicrosoft.com' }, /tfp/],
    [{ authority: 'https://co.dsts.net/dstsv2' }, /dstsv2/],
    [{ authority: 'https://a.example/x', oidcAuthority: 'https://b.example' }, /not both/],
    [{ validateAuthority: 'yes' as unknown as boolean }, /boolean/],
    [{ instanceDiscovery: [1] as unknown as string[] }, /instanceDiscovery/],
    [{ authorityMetadata: '{not json' }, /not valid JSON/],
    [{ authorityMetadata: { issuer: 'https://x/' } as never }, /lacks "authorization_endpoint"/],
    [
      { authorityMetadata: { issuer: 'i', authorization_endpoint: 'https://x/a', token_endpoint: 'http://x/t' } },
      /token_endpoint.*must use https/,
    ],
    [{ instanceDiscoveryMetadata: '[]' }, /JSON object/],
  ])('rejects %j', (options, message) => {
    expect(parseError(() => Authority.parse(options)).message).toMatch(message);
  });
});
