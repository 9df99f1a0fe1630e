import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Authority, type AuthorityOptions } from '../../../lib/authority/authority.js';
import type { HttpClient } from '../../../lib/http/types.js';
import { AuthorityValidationError, DiscoveryError } from '../../../lib/errors.js';
import { LocalSts } from '../../support/sts/server.js';
import { registerDiscovery, tenantIdFor, v2IssuerFor } from '../../support/sts/discovery.js';
import { fetchHttp, routedHttp } from '../../support/http.js';
import { rejection } from '../../support/rejection.js';

const GUID = '7a433bfc-2514-4697-b467-e0933190487f';
const INSTANCE = '/common/discovery/instance';
const noNetwork: HttpClient = {
  send: (r) => Promise.reject(new Error(`unexpected request to ${r.url}`)),
};

let sts: LocalSts;
/** A second STS that knows one alias and a distinct cache host, and only two tenants. */
let aliased: LocalSts;

beforeAll(async () => {
  sts = registerDiscovery(await new LocalSts().start());
  aliased = await new LocalSts().start();
  registerDiscovery(aliased, { aliases: ['alias.sts.test'], preferredCache: 'cache.sts.test', tenants: ['contoso', GUID] });
});
afterAll(async () => {
  await sts.stop();
  await aliased.stop();
});
beforeEach(() => {
  for (const s of [sts, aliased]) {
    s.requests.length = 0;
    s.clearFaults();
  }
});

function local(path: string, extra: AuthorityOptions = {}, on = sts): Authority {
  return Authority.parse({
    authority: `${on.baseUrl}${path}`,
    instanceDiscoveryEndpoint: on.baseUrl,
    allowHttpLoopbackAuthority: true,
    ...extra,
  });
}


describe('Entra (AAD) authorities', () => {
  it('validates through instance discovery, then reads v2.0 tenant metadata', async () => {
    const r = await local('/contoso.onmicrosoft.com').resolve(fetchHttp);
    expect(r.kind).toBe('aad');
    expect(r.tenant).toBe('contoso.onmicrosoft.com');
    expect(r.canonical).toBe(`${sts.baseUrl}/contoso.onmicrosoft.com/`);
    expect(r.environment).toBe(sts.host);
    expect(r.aliases).toEqual([sts.host]);
    expect(r.metadata.token_endpoint).toBe(`${sts.baseUrl}/contoso.onmicrosoft.com/oauth2/v2.0/token`);
    expect(r.metadata.device_authorization_endpoint).toBe(`${sts.baseUrl}/contoso.onmicrosoft.com/oauth2/v2.0/devicecode`);
    expect(r.metadata.issuer).toBe(`${sts.baseUrl}/${tenantIdFor('contoso.onmicrosoft.com')}/v2.0`);

    const [discovery] = sts.requestsTo(INSTANCE);
    expect(discovery?.query.get('api-version')).toBe('1.1');
    expect(discovery?.query.get('authorization_endpoint')).toBe(`${sts.baseUrl}/contoso.onmicrosoft.com/oauth2/v2.0/authorize`);
    expect(sts.requests.map((q) => q.path)).toEqual([INSTANCE, '/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration']);
  });

  it('takes aliases and the cache environment from instance discovery', async () => {
    const r = await local('/contoso', {}, aliased).resolve(fetchHttp);
    expect(r.aliases).toEqual([aliased.host, 'alias.sts.test']);
    expect(r.environment).toBe('cache.sts.test');
  });

  it('rejects an unknown host while validation is on', async () => {
    const a = Authority.parse({
      authority: `http://localhost:${sts.host.split(':')[1]}/common`,
      instanceDiscoveryEndpoint: `${sts.baseUrl}${INSTANCE}`,
      allowHttpLoopbackAuthority: true,
    });
    const e = await rejection(a.resolve(fetchHttp));
    expect(e).toBeInstanceOf(AuthorityValidationError);
    expect(e.message).toMatch(/AADSTS50049/);
    expect(sts.requestsTo(/openid-configuration/)).toHaveLength(0);
  });

  it('accepts an unknown host without instance discovery when validation is off', async () => {
    const port = sts.host.split(':')[1];
    const a = Authority.parse({ authority: `http://localhost:${port}/common`, validateAuthority: false, allowHttpLoopbackAuthority: true });
    const r = await a.resolve(fetchHttp);
    expect(r.aliases).toEqual([`localhost:${port}`]);
    expect(r.environment).toBe(`localhost:${port}`);
    expect(r.metadata.issuer).toBe(v2IssuerFor(sts.baseUrl, 'common'));
    expect(sts.requestsTo(INSTANCE)).toHaveLength(0);
  });

  it('skips instance discovery when it is turned off, even with validation on', async () => {
    const r = await local('/common', { instanceDiscovery: false }).resolve(fetchHttp);
    expect(r.aliases).toEqual([sts.host]);
    expect(sts.requestsTo(INSTANCE)).toHaveLength(0);
  });

  it('trusts listed hosts without instance discovery, and checks the others', async () => {
    await local('/common', { instanceDiscovery: ['other.example', sts.host.toUpperCase()] }).resolve(fetchHttp);
    expect(sts.requestsTo(INSTANCE)).toHaveLength(0);
    await local('/common', { instanceDiscovery: ['other.example'] }).resolve(fetchHttp);
    expect(sts.requestsTo(INSTANCE)).toHaveLength(1);
  });

  it('discovers a well-known host at that host and keeps the offline preferred order', async () => {
    const http = routedHttp(sts.baseUrl);
    const r = await Authority.parse({ authority: 'https://login.microsoftonline.com/contoso.onmicrosoft.com', allowHttpLoopbackAuthority: true }).resolve(http);
    const discovery = new URL(http.urls[0] ?? '');
    expect(discovery.origin + discovery.pathname).toBe('https://login.microsoftonline.com/common/discovery/instance');
    expect(discovery.searchParams.get('authorization_endpoint')).toBe(
      'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize',
    );
    expect(http.urls[1]).toBe('https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration');
    expect(r.aliases).toEqual(['login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com', 'sts.windows.net']);
    expect(r.environment).toBe('login.windows.net');
  });

  it('asks the public cloud about an unknown host, and sovereign clouds about their own', async () => {
    // The STS reports loopback http endpoints, so the tests-only opt-in is needed behind routedHttp.
    const http = routedHttp(sts.baseUrl);
    const e = await rejection(Authority.parse({ authority: 'https://login.contoso.com/common' }).resolve(http));
    expect(e).toBeInstanceOf(AuthorityValidationError);
    expect(new URL(http.urls[0] ?? '').host).toBe('login.microsoftonline.com');

    sts.inject({
      path: INSTANCE,
      reply: { body: { metadata: [{ preferred_network: 'login.microsoftonline.us', preferred_cache: 'login.microsoftonline.us', aliases: ['login.microsoftonline.us', 'login.usgovcloudapi.net'] }] } },
    });
    const gov = await Authority.parse({ authority: 'https://login.usgovcloudapi.net/common', allowHttpLoopbackAuthority: true }).resolve(http);
    expect(new URL(http.urls[2] ?? '').host).toBe('login.usgovcloudapi.net');
    expect(gov.aliases).toEqual(['login.microsoftonline.us', 'login.usgovcloudapi.net']);
    expect(gov.environment).toBe('login.microsoftonline.us');
  });

  it('accepts the instance discovery endpoint as host, origin or full URL', async () => {
    for (const [endpoint, expected] of [
      [sts.host, `https://${sts.host}${INSTANCE}`],
      [sts.baseUrl, `${sts.baseUrl}${INSTANCE}`],
      [`${sts.baseUrl}/custom/instance`, `${sts.baseUrl}/custom/instance`],
    ] as const) {
      const http = routedHttp(sts.baseUrl);
      const a = Authority.parse({ authority: 'https://login.microsoftonline.com/common', instanceDiscoveryEndpoint: endpoint, allowHttpLoopbackAuthority: true });
      // The STS serves only the standard path, so the custom one fails after the request we check.
      await a.resolve(http).catch((e: unknown) => expect(e).toBeInstanceOf(DiscoveryError));
      const url = new URL(http.urls[0] ?? '');
      expect(url.origin + url.pathname).toBe(expected);
    }
  });

  it('keeps the host in the aliases when the discovery reply does not list it', async () => {
    sts.inject({ path: INSTANCE, reply: { body: { metadata: [{ aliases: ['elsewhere.example'] }] } } });
    const r = await local('/common').resolve(fetchHttp);
    expect(r.aliases).toEqual([sts.host]);
  });
});

describe('other authority kinds', () => {
  it('B2C with a /tfp/ path: no instance discovery, v2.0 metadata under the policy', async () => {
    const r = await local('/tfp/contoso.onmicrosoft.com/B2C_1_signin').resolve(fetchHttp);
    expect(r.kind).toBe('b2c');
    expect(r.tenant).toBe('contoso.onmicrosoft.com');
    expect(r.metadata.token_endpoint).toBe(`${sts.baseUrl}/tfp/contoso.onmicrosoft.com/B2C_1_signin/oauth2/v2.0/token`);
    expect(sts.requests.map((q) => q.path)).toEqual(['/tfp/contoso.onmicrosoft.com/B2C_1_signin/v2.0/.well-known/openid-configuration']);
  });

  it('B2C recognised by policy name and by b2clogin host', async () => {
    const r = await local('/contoso.onmicrosoft.com/B2C_1A_signup').resolve(fetchHttp);
    expect(r.kind).toBe('b2c');
    expect(sts.requestsTo(INSTANCE)).toHaveLength(0);

    const http = routedHttp(sts.baseUrl);
    const b = await Authority.parse({ authority: 'https://contoso.b2clogin.com/contoso.onmicrosoft.com/my_flow', allowHttpLoopbackAuthority: true }).resolve(http);
    expect(b.kind).toBe('b2c');
    expect(b.aliases).toEqual(['contoso.b2clogin.com']);
    expect(http.urls).toEqual(['https://contoso.b2clogin.com/contoso.onmicrosoft.com/my_flow/v2.0/.well-known/openid-configuration']);
  });

  it('ADFS: metadata at the issuer root, never instance discovery', async () => {
    const r = await local('/adfs').resolve(fetchHttp);
    expect(r.kind).toBe('adfs');
    expect(r.tenant).toBe('adfs');
    expect(r.metadata.issuer).toBe(`${sts.baseUrl}/adfs`);
    expect(r.metadata.token_endpoint).toBe(`${sts.baseUrl}/adfs/oauth2/token`);
    expect(sts.requests.map((q) => q.path)).toEqual(['/adfs/.well-known/openid-configuration']);
  });

  it('CIAM: a bare host means <subdomain>.onmicrosoft.com', async () => {
    const http = routedHttp(sts.baseUrl);
    const r = await Authority.parse({ authority: 'https://contoso.ciamlogin.com', allowHttpLoopbackAuthority: true }).resolve(http);
    expect(r.kind).toBe('ciam');
    expect(r.tenant).toBe('contoso.onmicrosoft.com');
    expect(r.canonical).toBe('https://contoso.ciamlogin.com/contoso.onmicrosoft.com/');
    expect(http.urls).toEqual(['https://contoso.ciamlogin.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration']);
  });

  it('dSTS: an OpenID authority, metadata at <authority>/.well-known/openid-configuration (as MSAL Python)', async () => {
    const r = await local(`/dstsv2/${GUID}`).resolve(fetchHttp);
    expect(r.kind).toBe('dsts');
    expect(r.tenant).toBe(GUID);
    expect(r.metadata.issuer).toBe(`${sts.baseUrl}/dstsv2/${GUID}`);
    expect(sts.requests.map((q) => q.path)).toEqual([`/dstsv2/${GUID}/.well-known/openid-configuration`]);
  });

  it('keeps the authority\'s query on tenant discovery, as the reference does', async () => {
    await local('/contoso?slice=testslice#frag', { instanceDiscovery: false }).resolve(fetchHttp);
    const [request] = sts.requestsTo('/contoso/v2.0/.well-known/openid-configuration');
    expect(request?.query.get('slice')).toBe('testslice');
  });

  it('generic OIDC: <issuer>/.well-known/openid-configuration, never instance discovery', async () => {
    const logs: string[] = [];
    const a = Authority.parse({ oidcAuthority: `${sts.baseUrl}/oidc-issuer`, allowHttpLoopbackAuthority: true, validateAuthority: true });
    const r = await a.resolve(fetchHttp, { log: (_l, m) => logs.push(m) });
    expect(r.kind).toBe('oidc');
    expect(r.canonical).toBe(`${sts.baseUrl}/oidc-issuer/`);
    expect(r.metadata.issuer).toBe(`${sts.baseUrl}/oidc-issuer`);
    expect(r.aliases).toEqual([sts.host]);
    expect(sts.requests.map((q) => q.path)).toEqual(['/oidc-issuer/.well-known/openid-configuration']);
    expect(logs.some((m) => m.includes('differs'))).toBe(false);

    const root = await Authority.parse({ oidcAuthority: sts.baseUrl, allowHttpLoopbackAuthority: true }).resolve(fetchHttp);
    expect(root.metadata.issuer).toBe(sts.baseUrl);
  });
});

describe('preconfigured metadata', () => {
  const metadata = {
    issuer: 'https://login.microsoftonline.com/{tenant}/v2.0',
    authorization_endpoint: 'https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize',
    token_endpoint: 'https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token',
  };
  const discovery = {
    tenant_discovery_endpoint: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
    metadata: [{ preferred_network: 'login.microsoftonline.com', preferred_cache: 'login.windows.net', aliases: ['login.microsoftonline.com', 'login.windows.net'] }],
  };

  it.each([
    ['objects', metadata, discovery],
    ['JSON text', JSON.stringify(metadata), JSON.stringify(discovery)],
  ])('makes no request at all when both are given as %s', async (_form, authorityMetadata, instanceDiscoveryMetadata) => {
    const r = await Authority.parse({
      authority: 'https://login.microsoftonline.com/contoso',
      authorityMetadata,
      instanceDiscoveryMetadata,
    }).resolve(noNetwork);
    expect(r.metadata.token_endpoint).toBe('https://login.microsoftonline.com/contoso/oauth2/v2.0/token');
    expect(r.metadata.issuer).toBe('https://login.microsoftonline.com/contoso/v2.0');
    expect(r.aliases).toEqual(['login.microsoftonline.com', 'login.windows.net']);
    expect(r.environment).toBe('login.windows.net');
  });

  it('preset metadata alone skips only tenant discovery', async () => {
    const r = await local('/contoso', {
      authorityMetadata: { issuer: `${sts.baseUrl}/x/v2.0`, authorization_endpoint: `${sts.baseUrl}/a`, token_endpoint: `${sts.baseUrl}/t` },
    }).resolve(fetchHttp);
    expect(r.metadata.token_endpoint).toBe(`${sts.baseUrl}/t`);
    expect(sts.requests.map((q) => q.path)).toEqual([INSTANCE]);
  });

  it('an invalid_instance verdict given up front fails validation without a request', async () => {
    const a = Authority.parse({
      authority: 'https://login.contoso.com/common',
      authorityMetadata: metadata,
      instanceDiscoveryMetadata: { error: 'invalid_instance', error_description: 'AADSTS50049' },
    });
    expect(await rejection(a.resolve(noNetwork))).toBeInstanceOf(AuthorityValidationError);
  });

  it('replaces {tenant} in discovered endpoints too', async () => {
    sts.inject({
      path: '/contoso/v2.0/.well-known/openid-configuration',
      reply: { body: { issuer: `${sts.baseUrl}/{tenant}/v2.0`, authorization_endpoint: `${sts.baseUrl}/{tenant}/a`, token_endpoint: `${sts.baseUrl}/{tenant}/t` } },
    });
    const r = await local('/contoso', { instanceDiscovery: false }).resolve(fetchHttp);
    expect(r.metadata.token_endpoint).toBe(`${sts.baseUrl}/contoso/t`);
    expect(r.metadata.issuer).toBe(`${sts.baseUrl}/contoso/v2.0`);
  });
});

describe('discovery failures', () => {
  it.each([
    ['non-JSON instance discovery', { path: INSTANCE, reply: 'malformed' as const }, /not JSON \(HTTP 200\): <html>not json/],
    ['instance discovery HTTP 500', { path: INSTANCE, reply: { status: 500, body: 'upstream exploded' } }, /not JSON \(HTTP 500\): upstream exploded/],
    ['instance discovery JSON error', { path: INSTANCE, reply: { status: 503, body: { error: 'temporarily_unavailable' } } }, /HTTP 503.*temporarily_unavailable/],
    ['instance discovery without metadata', { path: INSTANCE, reply: { body: { 'api-version': '1.1' } } }, /no "metadata" array/],
    ['instance discovery with a bad entry', { path: INSTANCE, reply: { body: { metadata: [{ aliases: 'x' }] } } }, /malformed metadata entry/],
    ['connection reset', { path: INSTANCE, reply: 'reset' as const }, /request to .* failed/],
    ['tenant discovery HTTP 404', { path: /openid-configuration/, reply: { status: 404, body: { error: 'not_found' } } }, /HTTP 404.*not_found/],
    ['tenant discovery array', { path: /openid-configuration/, reply: { body: [1, 2] } }, /not a JSON object/],
    ['tenant discovery without token_endpoint', { path: /openid-configuration/, reply: { body: { issuer: 'i', authorization_endpoint: 'https://x/a' } } }, /lacks "token_endpoint"/],
    [
      'tenant discovery with an http endpoint on a public host',
      { path: /openid-configuration/, reply: { body: { issuer: 'i', authorization_endpoint: 'https://x/a', token_endpoint: 'http://evil.example/t' } } },
      /token_endpoint.*must use https/,
    ],
  ])('%s throws DiscoveryError', async (_name, fault, message) => {
    sts.inject(fault);
    const e = await rejection(local('/common').resolve(fetchHttp));
    expect(e).toBeInstanceOf(DiscoveryError);
    expect((e as DiscoveryError).code).toBe('discovery_failed');
    expect(e.message).toMatch(message);
  });

  it('an unknown tenant is reported with the server error', async () => {
    const e = await rejection(local('/fabrikam', {}, aliased).resolve(fetchHttp));
    expect(e).toBeInstanceOf(DiscoveryError);
    expect(e.message).toMatch(/HTTP 400.*invalid_tenant/);
  });
});

describe('memoisation', () => {
  it('shares one discovery among concurrent callers and later ones', async () => {
    const a = local('/common');
    const [x, y] = await Promise.all([a.resolve(fetchHttp), a.resolve(fetchHttp)]);
    expect(x).toBe(y);
    expect(await a.resolve(fetchHttp)).toBe(x);
    expect(sts.requests).toHaveLength(2);
  });

  it('does not remember a failure', async () => {
    const a = local('/common');
    sts.inject({ path: INSTANCE, reply: 'malformed' });
    await expect(a.resolve(fetchHttp)).rejects.toBeInstanceOf(DiscoveryError);
    const r = await a.resolve(fetchHttp);
    expect(r.tenant).toBe('common');
  });
});
