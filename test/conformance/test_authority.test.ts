/**
 * Port of MSAL Python's tests/test_authority.py (the 2025 version, with the issuer
 * and cross-cloud rules).
 *
 * The reference builds an Authority with discovery inside its constructor and mocks
 * `tenant_discovery` / `_instance_discovery`; ours parses first and resolves over an
 * HttpClient, so the mocks become scripted GET replies and "called once with URL"
 * becomes "one request to URL". `Authority(None, http, oidc_authority_url=...)` is
 * `Authority.parse({ oidcAuthority })`; `canonicalize()` is `Authority.parse()`;
 * `has_valid_issuer()` is the exported `hasValidIssuer()` (resolve() enforces it);
 * ValueError is AuthorityValidationError (or InvalidAuthorityError for a bad URL).
 * Instance discovery serves both validation and aliases here, so "validation not
 * called" is asserted as "no instance discovery sent anywhere but to the host's own
 * cloud".
 */
import { describe, expect, it } from 'vitest';
import { Authority } from '../../lib/authority/authority.js';
import {
  AZURE_CHINA as DEPRECATED_AZURE_CHINA,
  AZURE_GOV_DE,
  AZURE_GOV_FR,
  AZURE_GOV_SG,
  AZURE_PUBLIC,
  AZURE_US_GOVERNMENT,
  AuthorityBuilder,
  WELL_KNOWN_AUTHORITY_HOSTS,
  areInSameCloud,
  resolveKnownCloud,
} from '../../lib/authority/clouds.js';
import { ensureEndpointSameCloudAsAuthority, hasValidIssuer } from '../../lib/authority/issuer.js';
import type { ResolvedAuthority } from '../../lib/authority/types.js';
import { AuthorityValidationError, DiscoveryError, InvalidAuthorityError } from '../../lib/errors.js';
import { PublicClientApplication } from '../../lib/index.js';
import { forgetHostsWithoutUserRealmDiscovery, hostsWithoutUserRealmDiscovery, discoverUserRealm } from '../../lib/oauth2/user-realm.js';
import { minimalResponse, ScriptedHttpClient, type SeenRequest } from './support/msal-python.js';
import { rejection } from '../support/rejection.js';

const WORLD_WIDE = AZURE_PUBLIC;
const CIAM_DOMAIN_SUFFIX = '.ciamlogin.com';
const WELL_KNOWN = '/.well-known/openid-configuration';

const isInstanceDiscovery = (r: SeenRequest): boolean => new URL(r.url).pathname === '/common/discovery/instance';
const isTenantDiscovery = (r: SeenRequest): boolean => new URL(r.url).pathname.endsWith(WELL_KNOWN);

/**
 * An HTTP client whose GETs play the reference's two mocks: `tenantDiscovery` answers
 * OpenID discovery, instance discovery answers with `instanceDiscovery` (by default a
 * reply that lists no aliases).
 */
function discoveryClient(
  tenantDiscovery: Record<string, unknown> | ((url: URL) => Record<string, unknown>),
  instanceDiscovery: Record<string, unknown> = { metadata: [] },
): ScriptedHttpClient {
  return new ScriptedHttpClient({
    get: ({ url }) => {
      const u = new URL(url);
      if (u.pathname === '/common/discovery/instance') return minimalResponse(instanceDiscovery.error ? 400 : 200, instanceDiscovery);
      if (u.pathname.endsWith(WELL_KNOWN)) return minimalResponse(200, typeof tenantDiscovery === 'function' ? tenantDiscovery(u) : tenantDiscovery);
      return minimalResponse(404, {});
    },
  });
}

/** The reference's `Authority(url, http)`. */
function entraAuthority(authority: string, http: ScriptedHttpClient, options: { validateAuthority?: boolean } = {}): Promise<ResolvedAuthority> {
  return Authority.parse({ authority, ...options }).resolve(http);
}

/** The reference's `Authority(None, http, oidc_authority_url=url)`. */
function oidcAuthority(url: string, http: ScriptedHttpClient): Promise<ResolvedAuthority> {
  return Authority.parse({ oidcAuthority: url }).resolve(http);
}

/** The reference's `_mock_oidc(...)`: what its patched tenant_discovery returns. */
function mockOidc(issuer: string | undefined, endpoints: { authorization_endpoint?: string; token_endpoint?: string } = {}): Record<string, unknown> {
  return {
    authorization_endpoint: endpoints.authorization_endpoint ?? 'https://example.com/oauth2/authorize',
    token_endpoint: endpoints.token_endpoint ?? 'https://example.com/oauth2/token',
    ...(issuer !== undefined ? { issuer } : {}),
  };
}


/** The resolved endpoints of an application's authority (the reference reads app.authority.*). */
function resolvedAuthorityOf(app: PublicClientApplication): Promise<ResolvedAuthority> {
  return (app as unknown as { resolveAuthority(): Promise<ResolvedAuthority> }).resolveAuthority();
}

describe('TestAuthority', () => {
  /** An Entra-like server: each host publishes endpoints under itself. */
  const entraLike = (): ScriptedHttpClient =>
    discoveryClient((u) => {
      const tenant = u.pathname.split('/')[1];
      return {
        issuer: `https://${u.host}/${tenant}/v2.0`,
        authorization_endpoint: `https://${u.host}/${tenant}/oauth2/v2.0/authorize`,
        token_endpoint: `https://${u.host}/${tenant}/oauth2/v2.0/token`,
      };
    });

  async function testGivenHostAndTenant(host: string, tenant: string): Promise<void> {
    const a = await entraAuthority(`https://${host}/${tenant}`, entraLike());
    expect(a.metadata.authorization_endpoint).toBe(`https://${host}/${tenant}/oauth2/v2.0/authorize`);
    expect(a.metadata.token_endpoint).toBe(`https://${host}/${tenant}/oauth2/v2.0/token`);
  }

  async function testAuthorityBuilder(host: string, tenant: string): Promise<void> {
    const a = await entraAuthority(String(new AuthorityBuilder(host, tenant)), entraLike());
    expect(a.metadata.authorization_endpoint).toBe(`https://${host}/${tenant}/oauth2/v2.0/authorize`);
    expect(a.metadata.token_endpoint).toBe(`https://${host}/${tenant}/oauth2/v2.0/token`);
  }

  it('test_wellknown_host_and_tenant', async () => {
    // Live HTTP in the reference; here a scripted Entra. Same exclusions as the reference.
    const excluded = new Set([
      DEPRECATED_AZURE_CHINA,
      'login.microsoftonline.de',
      'login.microsoft.com',
      'login.windows.net',
      'sts.windows.net',
      'login.partner.microsoftonline.cn',
      'login.usgovcloudapi.net',
      AZURE_GOV_FR,
      AZURE_GOV_DE,
      AZURE_GOV_SG,
    ]);
    for (const host of WELL_KNOWN_AUTHORITY_HOSTS) {
      if (!excluded.has(host)) await testGivenHostAndTenant(host, 'common');
    }
  });

  it('test_new_sovereign_hosts_should_build_authority_endpoints', async () => {
    for (const host of WELL_KNOWN_AUTHORITY_HOSTS) {
      const http = discoveryClient(
        {
          authorization_endpoint: `https://${host}/common/oauth2/v2.0/authorize`,
          token_endpoint: `https://${host}/common/oauth2/v2.0/token`,
          issuer: `https://${host}/common/v2.0`,
        },
        { tenant_discovery_endpoint: `https://${host}/common/v2.0/.well-known/openid-configuration`, metadata: [] },
      );
      const a = await entraAuthority(String(new AuthorityBuilder(host, 'common')), http);
      expect(a.metadata.authorization_endpoint).toBe(`https://${host}/common/oauth2/v2.0/authorize`);
      expect(a.metadata.token_endpoint).toBe(`https://${host}/common/oauth2/v2.0/token`);
    }
  });

  it('test_known_authority_should_use_same_host_and_skip_instance_discovery', async () => {
    for (const host of WELL_KNOWN_AUTHORITY_HOSTS) {
      const http = discoveryClient({
        authorization_endpoint: `https://${host}/common/oauth2/v2.0/authorize`,
        token_endpoint: `https://${host}/common/oauth2/v2.0/token`,
        issuer: `https://${host}/common/v2.0`,
      });
      await entraAuthority(`https://${host}/common`, http);
      // No validation against the world-wide endpoint: a known host only asks its own cloud for aliases.
      expect(http.requests.filter(isInstanceDiscovery).every((r) => new URL(r.url).host === host)).toBe(true);
      const tenantDiscovery = http.requests.filter(isTenantDiscovery).map((r) => r.url);
      expect(tenantDiscovery).toHaveLength(1);
      expect(tenantDiscovery[0]?.startsWith(`https://${host}/common/v2.0/.well-known/openid-configuration`)).toBe(true);
    }
  });

  it('test_unknown_authority_should_use_world_wide_instance_discovery_endpoint', async () => {
    const http = discoveryClient(
      {
        authorization_endpoint: 'https://example.com/tenant/oauth2/v2.0/authorize',
        token_endpoint: 'https://example.com/tenant/oauth2/v2.0/token',
        issuer: 'https://example.com/tenant/v2.0',
      },
      { tenant_discovery_endpoint: 'https://example.com/tenant/v2.0/.well-known/openid-configuration', metadata: [] },
    );
    await entraAuthority('https://example.com/tenant', http);
    const [instanceDiscovery] = http.requests.filter(isInstanceDiscovery);
    const url = new URL(instanceDiscovery?.url ?? '');
    expect(`${url.origin}${url.pathname}`).toBe(`https://${WORLD_WIDE}/common/discovery/instance`);
  });

  it('test_wellknown_host_and_tenant_using_new_authority_builder', async () => {
    await testAuthorityBuilder(AZURE_PUBLIC, 'consumers');
    await testAuthorityBuilder(AZURE_US_GOVERNMENT, 'common');
    // AZURE_CHINA is skipped in the reference too.
  });

  it.skip('test_lessknown_host_will_return_a_set_of_v1_endpoints', () => {
    // Skipped upstream: "As of Jan 2017, the server no longer returns V1 endpoint".
  });

  it('test_unknown_host_wont_pass_instance_discovery', async () => {
    const http = discoveryClient(mockOidc('https://example.com/tenant'), {
      error: 'invalid_instance',
      error_description: 'AADSTS50049: Unknown or invalid instance.',
    });
    const error = await rejection(entraAuthority('https://example.com/tenant_doesnt_matter_in_this_case', http));
    expect(error).toBeInstanceOf(AuthorityValidationError);
    expect(error.message).toMatch(/invalid_instance/);
  });

  it('test_invalid_host_skipping_validation_can_be_turned_off', async () => {
    const http = discoveryClient(mockOidc('https://example.com/invalid'), { error: 'invalid_instance' });
    try {
      await entraAuthority('https://example.com/invalid', http, { validateAuthority: false });
    } catch (e) {
      // Other failures are acceptable here; an instance validation failure is not.
      expect((e as Error).message, 'validateAuthority: false should turn off validation').not.toMatch(/invalid_instance/);
    }
  });
});

describe('TestCiamAuthority', () => {
  const placeholder = {
    authorization_endpoint: 'https://contoso.com/placeholder',
    token_endpoint: 'https://contoso.com/placeholder',
    issuer: 'https://contoso.com/tenant',
  };

  it('test_path_less_authority_should_work', async () => {
    const http = discoveryClient(placeholder);
    await entraAuthority('https://contoso.ciamlogin.com', http);
    expect(http.requests.map((r) => r.url)).toEqual([
      'https://contoso.ciamlogin.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration',
    ]);
  });

  it('test_authority_with_path_should_be_used_as_is', async () => {
    const http = discoveryClient(placeholder);
    await entraAuthority('https://contoso.ciamlogin.com/anything', http);
    expect(http.requests.map((r) => r.url)).toEqual(['https://contoso.ciamlogin.com/anything/v2.0/.well-known/openid-configuration']);
  });
});

/** OidcAuthorityTestCase and DstsAuthorityTestCase share their tests, as in the reference. */
function oidcAuthorityCases(config: { authority: string; authorization_endpoint: string; token_endpoint: string; issuer: string }): void {
  // MSAL always does OIDC discovery (not instance discovery), and the endpoint holds no "/v2.0".
  const oidcDiscoveryEndpoint = `${config.authority}/.well-known/openid-configuration`;
  const tenantDiscovery = () =>
    discoveryClient({ authorization_endpoint: config.authorization_endpoint, token_endpoint: config.token_endpoint, issuer: config.issuer });

  it('test_authority_obj_should_do_oidc_discovery_and_skip_instance_discovery', async () => {
    const http = tenantDiscovery();
    const a = await oidcAuthority(config.authority, http);
    expect(http.requests.filter(isInstanceDiscovery)).toEqual([]);
    expect(http.requests.map((r) => r.url)).toEqual([oidcDiscoveryEndpoint]);
    expect(a.metadata.authorization_endpoint).toBe(config.authorization_endpoint);
    expect(a.metadata.token_endpoint).toBe(config.token_endpoint);
  });

  it('test_application_obj_should_do_oidc_discovery_and_skip_instance_discovery', async () => {
    const http = tenantDiscovery();
    const app = new PublicClientApplication({ clientId: 'id', oidcAuthority: config.authority, httpClient: http });
    const a = await resolvedAuthorityOf(app);
    expect(http.requests.filter(isInstanceDiscovery)).toEqual([]);
    expect(http.requests.map((r) => r.url)).toEqual([oidcDiscoveryEndpoint]);
    expect(a.metadata.authorization_endpoint).toBe(config.authorization_endpoint);
    expect(a.metadata.token_endpoint).toBe(config.token_endpoint);
  });
}

describe('OidcAuthorityTestCase', () => {
  oidcAuthorityCases({
    authority: 'https://contoso.com/tenant',
    authorization_endpoint: 'https://contoso.com/authorize',
    token_endpoint: 'https://contoso.com/token',
    issuer: 'https://contoso.com/tenant',
  });
});

describe('DstsAuthorityTestCase', () => {
  const dsts = {
    // dSTS is single-tenanted, with a tenant placeholder.
    authority: 'https://test-instance1-dsts.dsts.core.azure-test.net/dstsv2/common',
    authorization_endpoint: 'https://some.url.dsts.core.azure-test.net/dstsv2/common/oauth2/authorize',
    token_endpoint: 'https://some.url.dsts.core.azure-test.net/dstsv2/common/oauth2/token',
    issuer: 'https://test-instance1-dsts.dsts.core.azure-test.net/dstsv2/common',
  };
  oidcAuthorityCases(dsts);

  it('test_application_obj_should_accept_dsts_url_as_an_authority', async () => {
    const http = discoveryClient({ authorization_endpoint: dsts.authorization_endpoint, token_endpoint: dsts.token_endpoint, issuer: dsts.issuer });
    const app = new PublicClientApplication({ clientId: 'id', authority: dsts.authority, httpClient: http });
    const a = await resolvedAuthorityOf(app);
    expect(http.requests.filter(isInstanceDiscovery)).toEqual([]);
    expect(http.requests.map((r) => r.url)).toEqual([`${dsts.authority}/.well-known/openid-configuration`]);
    expect(a.metadata.authorization_endpoint).toBe(dsts.authorization_endpoint);
    expect(a.metadata.token_endpoint).toBe(dsts.token_endpoint);
  });
});

describe('TestAuthorityInternalHelperCanonicalize', () => {
  const canonicalize = (url: string): { host: string; tenant: string } => Authority.parse({ authority: url });

  it('test_canonicalize_tenant_followed_by_extra_paths', () => {
    const { host, tenant } = canonicalize('https://example.com/tenant/subpath?foo=bar#fragment');
    expect(host).toBe('example.com');
    expect(tenant).toBe('tenant');
  });

  it('test_canonicalize_tenant_followed_by_extra_query', () => {
    const { host, tenant } = canonicalize('https://example.com/tenant?foo=bar#fragment');
    expect(host).toBe('example.com');
    expect(tenant).toBe('tenant');
  });

  it('test_canonicalize_tenant_followed_by_extra_fragment', () => {
    const { host, tenant } = canonicalize('https://example.com/tenant#fragment');
    expect(host).toBe('example.com');
    expect(tenant).toBe('tenant');
  });

  it('test_canonicalize_rejects_non_https', () => {
    expect(() => canonicalize('http://non.https.example.com/tenant')).toThrow(InvalidAuthorityError);
  });

  it('test_canonicalize_rejects_tenantless', () => {
    expect(() => canonicalize('https://no.tenant.example.com')).toThrow(InvalidAuthorityError);
  });

  it('test_canonicalize_rejects_tenantless_host_with_trailing_slash', () => {
    expect(() => canonicalize('https://no.tenant.example.com/')).toThrow(InvalidAuthorityError);
  });

  it('test_canonicalize_rejects_empty_host', () => {
    expect(() => canonicalize('https:///tenant')).toThrow(InvalidAuthorityError);
  });
});

describe('TestAuthorityInternalHelperUserRealmDiscovery', () => {
  it('test_memorize', async () => {
    const authority = 'https://login.microsoftonline.com/common';
    expect(hostsWithoutUserRealmDiscovery.has('login.microsoftonline.com')).toBe(false);
    try {
      // We pretend this authority supports no user realm discovery.
      const http = new ScriptedHttpClient({ get: () => minimalResponse(404, '') });
      expect(await discoverUserRealm(http, authority, 'john.doe@example.com')).toEqual({ account_type: 'Unknown' });
      expect(hostsWithoutUserRealmDiscovery.has('login.microsoftonline.com'), 'should memorize domains not supporting URD').toBe(true);
      // Asking again must not reach the network: this client would fail the test if it did.
      const offline = new ScriptedHttpClient();
      expect(await discoverUserRealm(offline, authority, 'john.doe@example.com')).toEqual({ account_type: 'Unknown' });
      expect(offline.requests).toEqual([]);
    } finally {
      // Must not let this test's memory affect other tests.
      forgetHostsWithoutUserRealmDiscovery();
    }
  });
});

describe('TestMsalBehaviorsWithoutAndWithInstanceDiscoveryBoolean', () => {
  const placeholder = {
    authorization_endpoint: 'https://contoso.com/placeholder',
    token_endpoint: 'https://contoso.com/placeholder',
    issuer: 'https://contoso.com/tenant',
  };
  /** The app's get_accounts(), with instance metadata answering `[]`, as the reference's mock does. */
  async function getAccounts(options: { authority: string; validateAuthority?: boolean; instanceDiscovery?: boolean }): Promise<{
    accounts: unknown[];
    instanceMetadataHosts: string[];
  }> {
    const http = discoveryClient(placeholder, { metadata: [] });
    const app = new PublicClientApplication({ clientId: 'id', httpClient: http, ...options });
    const accounts = await app.getAccounts();
    return { accounts, instanceMetadataHosts: http.requests.filter(isInstanceDiscovery).map((r) => new URL(r.url).host) };
  }

  it('test_by_default_a_known_to_microsoft_authority_should_skip_validation_but_still_use_instance_metadata', async () => {
    const { instanceMetadataHosts } = await getAccounts({ authority: 'https://login.microsoftonline.com/common' });
    expect(instanceMetadataHosts).toEqual(['login.microsoftonline.com']);
  });

  it('test_by_default_a_sovereign_known_authority_should_use_cloud_local_instance_metadata', async () => {
    const { instanceMetadataHosts } = await getAccounts({ authority: 'https://login.microsoftonline.us/common' });
    expect(instanceMetadataHosts).toEqual(['login.microsoftonline.us']);
  });

  it('test_fr_known_authority_should_still_work_when_instance_metadata_has_no_alias_entry', async () => {
    const { accounts, instanceMetadataHosts } = await getAccounts({ authority: `https://${AZURE_GOV_FR}/common` });
    expect(accounts).toEqual([]);
    expect(instanceMetadataHosts).toEqual([AZURE_GOV_FR]);
  });

  it('test_validate_authority_boolean_should_skip_validation_and_instance_metadata', async () => {
    // Pending deprecation upstream, but kept for backward compatibility.
    const { instanceMetadataHosts } = await getAccounts({ authority: 'https://contoso.com/common', validateAuthority: false });
    expect(instanceMetadataHosts).toEqual([]);
  });

  it('test_by_default_adfs_should_skip_validation_and_instance_metadata', async () => {
    const { instanceMetadataHosts } = await getAccounts({ authority: 'https://contoso.com/adfs' });
    expect(instanceMetadataHosts).toEqual([]);
  });

  it('test_by_default_b2c_should_skip_validation_and_instance_metadata', async () => {
    const { instanceMetadataHosts } = await getAccounts({ authority: 'https://login.b2clogin.com/contoso/b2c_policy' });
    expect(instanceMetadataHosts).toEqual([]);
  });

  it('test_turning_off_instance_discovery_should_work_for_all_kinds_of_clouds', async () => {
    for (const authority of [
      'https://login.microsoftonline.com/common', // Known to Microsoft
      'https://contoso.com/adfs', // ADFS
      'https://login.b2clogin.com/contoso/b2c_policy', // B2C
      'https://private.cloud/foo', // Private cloud
    ]) {
      const { instanceMetadataHosts } = await getAccounts({ authority, instanceDiscovery: false });
      expect(instanceMetadataHosts, authority).toEqual([]);
    }
  });
});

/** `Authority(None, http, oidc_authority_url=url)` whose discovery names `issuer`; then `has_valid_issuer()`. */
async function createAuthorityWithIssuer(authorityUrl: string, issuer: string): Promise<boolean> {
  await oidcAuthority(authorityUrl, discoveryClient(mockOidc(issuer)));
  return hasValidIssuer(authorityUrl, issuer);
}

/** The construction must fail on the issuer; returns the error for further checks. */
async function expectIssuerRejected(authorityUrl: string, metadata: Record<string, unknown>): Promise<Error> {
  const error = await rejection(oidcAuthority(authorityUrl, discoveryClient(metadata)));
  expect(error).toBeInstanceOf(AuthorityValidationError);
  expect(error.message.toLowerCase()).toContain('issuer');
  return error;
}

describe('TestAuthorityIssuerValidation', () => {
  // [test, authority, issuer]: the reference's one-line cases, each still its own test.
  it.each([
    ['test_same_scheme_and_host_different_path', 'https://example.com/tenant', `https://${WORLD_WIDE}/tenant`],
    ['test_ciam_authority_with_matching_tenant', 'https://custom-domain.com/tenant_name', `https://tenant_name${CIAM_DOMAIN_SUFFIX}`],
    ['test_regional_issuer_westus2_login_microsoft', 'https://custom-authority.com/tenant', 'https://westus2.login.microsoftonline.com/tenant'],
    ['test_regional_issuer_eastus_login_microsoftonline', 'https://custom-authority.com/tenant', 'https://eastus.login.microsoftonline.com/tenant'],
    ['test_regional_issuer_for_china_cloud', 'https://custom-authority.com/tenant', 'https://chinanorth.login.chinacloudapi.cn/tenant'],
    ['test_regional_issuer_for_us_government', 'https://custom-authority.com/tenant', 'https://usgovvirginia.login.microsoftonline.us/tenant'],
    ['test_well_known_host_issuer_directly', 'https://custom-authority.com/tenant', `https://${WORLD_WIDE}/tenant`],
    ['test_regional_issuer_matching_authority_host', 'https://someweb.com/tenant', 'https://us.someweb.com/tenant'],
    ['test_regional_issuer_westus2_on_custom_authority', 'https://myidp.example.com/tenant', 'https://westus2.myidp.example.com/tenant'],
    ['test_regional_issuer_on_authority_with_different_path', 'https://someweb.com/tenant', 'https://eastus.someweb.com/v2'],
    ['test_b2c_issuer_host', 'https://custom-domain.com/tenant', 'https://tenant.b2clogin.com/tenant/v2.0'],
    ['test_b2c_china_issuer_host', 'https://custom-domain.com/tenant', 'https://tenant.b2clogin.cn/tenant/v2.0'],
    ['test_b2c_us_gov_issuer_host', 'https://custom-domain.com/tenant', 'https://tenant.b2clogin.us/tenant/v2.0'],
  ])('%s', async (_name, authorityUrl, issuer) => {
    expect(await createAuthorityWithIssuer(authorityUrl, issuer)).toBe(true);
  });

  it.each([
    ['test_invalid_regional_pattern_with_dots_in_region', 'https://custom-authority.com/tenant', 'https://west.us.2.login.microsoftonline.com/tenant'],
    ['test_invalid_regional_pattern_untrusted_base', 'https://custom-authority.com/tenant', 'https://westus2.login.evil.com/tenant'],
    ['test_regional_issuer_does_not_match_different_authority', 'https://otherdomain.com/tenant', 'https://us.someweb.com/tenant'],
    ['test_ciam_issuer_with_tenant_mismatch_should_be_rejected', 'https://custom-domain.com/tenant', 'https://mytenant.ciamlogin.com/tenant'],
    ['test_spoofed_b2c_host_should_be_rejected', 'https://custom-domain.com/tenant', 'https://fakeb2clogin.com/tenant'],
    ['test_spoofed_b2c_host_with_prefix_should_be_rejected', 'https://custom-domain.com/tenant', 'https://evilb2clogin.com/tenant'],
    ['test_b2c_domain_used_as_subdomain_of_evil_site_should_be_rejected', 'https://custom-domain.com/tenant', 'https://b2clogin.com.evil.com/tenant'],
    ['test_spoofed_ciamlogin_host_should_be_rejected', 'https://custom-domain.com/tenant', 'https://fakeciamlogin.com/tenant'],
  ])('%s', async (_name, authorityUrl, issuer) => {
    await expectIssuerRejected(authorityUrl, mockOidc(issuer));
  });

  it('test_exact_match_issuer', async () => {
    const url = 'https://example.com/tenant';
    expect(await createAuthorityWithIssuer(url, url), 'Issuer should be valid when it exactly matches the authority URL').toBe(true);
  });

  it('test_no_issuer', async () => {
    const error = await rejection(oidcAuthority('https://example.com/tenant', discoveryClient(mockOidc(undefined))));
    expect(error).toBeInstanceOf(DiscoveryError);
    expect(error.message.toLowerCase()).toContain('issuer');
  });

  it('test_ciam_authority_with_host_tenant', async () => {
    const tenantName = 'tenant_name';
    expect(
      await createAuthorityWithIssuer(`https://${tenantName}${CIAM_DOMAIN_SUFFIX}/custom/path`, `https://${tenantName}${CIAM_DOMAIN_SUFFIX}`),
    ).toBe(true);
  });

  it('test_invalid_issuer', async () => {
    const authorityUrl = 'https://example.com/tenant';
    const issuer = 'https://malicious-site.com/tenant';
    const error = await expectIssuerRejected(authorityUrl, mockOidc(issuer));
    expect(error.message).toContain(issuer);
    expect(error.message).toContain(authorityUrl);
  });

  it('test_custom_authority_with_microsoft_issuer', async () => {
    expect(
      await createAuthorityWithIssuer('https://custom-domain.com/tenant', `https://${WORLD_WIDE}/tenant`),
      'Issuer from trusted Microsoft host should be valid even with custom authority',
    ).toBe(true);
  });

  it('test_known_authority_with_non_matching_issuer', async () => {
    const authorityUrl = `https://${WORLD_WIDE}/tenant`;
    const issuer = 'https://custom-domain.com/tenant';
    const error = await expectIssuerRejected(authorityUrl, mockOidc(issuer));
    expect(error.message).toContain(issuer);
    expect(error.message).toContain(authorityUrl);
  });

  it('test_issuer_with_trailing_slash_match', async () => {
    expect(
      await createAuthorityWithIssuer('https://example.com/tenant/', 'https://example.com/tenant'),
      'Trailing slash difference should not affect exact match',
    ).toBe(true);
  });

  it('test_issuer_case_sensitivity_host', async () => {
    expect(
      await createAuthorityWithIssuer('https://custom-authority.com/tenant', 'https://WESTUS2.LOGIN.MICROSOFTONLINE.COM/tenant'),
      'Host comparison should be case-insensitive',
    ).toBe(true);
  });

  it('test_valid_b2c_subdomain_should_be_accepted', async () => {
    expect(await createAuthorityWithIssuer('https://custom-domain.com/tenant', 'https://login.b2clogin.com/tenant')).toBe(true);
  });
});

// Cross-cloud OIDC discovery hardening (the reference mirrors MSAL.NET's fix #5927).
const XCLOUD_ERROR_SUBSTRING = 'sovereign cloud';
const PUBLIC = 'login.microsoftonline.com';
const PUBLIC_ALIASES = ['login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com', 'sts.windows.net'];
const CHINA = 'login.partner.microsoftonline.cn';
const CHINA_ALIASES = ['login.partner.microsoftonline.cn', 'login.chinacloudapi.cn'];
const US_GOV = 'login.microsoftonline.us';
const US_GOV_ALIASES = ['login.microsoftonline.us', 'login.usgovcloudapi.net'];

/** Endpoints on the authority's own host, so only the issuer rules decide. */
const endpointsOn = (host: string) => ({
  authorization_endpoint: `https://${host}/tenant/oauth2/v2.0/authorize`,
  token_endpoint: `https://${host}/tenant/oauth2/v2.0/token`,
});

describe('TestIssuerValidationSameCloudAliases', () => {
  async function checkPass(authorityHost: string, issuerHost: string): Promise<void> {
    const authorityUrl = `https://${authorityHost}/tenant`;
    const issuer = `https://${issuerHost}/tenant`;
    await oidcAuthority(authorityUrl, discoveryClient(mockOidc(issuer, endpointsOn(authorityHost))));
    expect(hasValidIssuer(authorityUrl, issuer), `Issuer '${issuer}' should be accepted under same-cloud authority '${authorityUrl}'`).toBe(true);
  }

  it('test_public_aliases_pairwise', async () => {
    for (const issuerHost of PUBLIC_ALIASES) if (issuerHost !== PUBLIC) await checkPass(PUBLIC, issuerHost);
  });

  it('test_china_aliases_pairwise', async () => {
    for (const issuerHost of CHINA_ALIASES) if (issuerHost !== CHINA) await checkPass(CHINA, issuerHost);
  });

  it('test_us_gov_aliases_pairwise', async () => {
    for (const issuerHost of US_GOV_ALIASES) if (issuerHost !== US_GOV) await checkPass(US_GOV, issuerHost);
  });
});

describe('TestIssuerValidationCustomDomainFederation', () => {
  it('test_parentpay_style_public_cloud', async () => {
    expect(await createAuthorityWithIssuer('https://clientlogin.test.parentpay.com/tid/v2.0', 'https://login.microsoftonline.com/tid/v2.0')).toBe(true);
  });

  it('test_custom_domain_with_us_gov_issuer', async () => {
    expect(await createAuthorityWithIssuer('https://customlogin.example.com/tenant', 'https://login.microsoftonline.us/tenant')).toBe(true);
  });

  it('test_custom_domain_with_china_issuer', async () => {
    expect(await createAuthorityWithIssuer('https://idp.contoso.com/tenant', 'https://login.partner.microsoftonline.cn/tenant')).toBe(true);
  });
});

describe('TestIssuerValidationRegionalSameCloud', () => {
  async function regional(authorityUrl: string, issuer: string): Promise<void> {
    const host = new URL(authorityUrl).host;
    await oidcAuthority(authorityUrl, discoveryClient(mockOidc(issuer, endpointsOn(host))));
    expect(hasValidIssuer(authorityUrl, issuer)).toBe(true);
  }

  it('test_regional_public', async () => {
    await regional('https://login.microsoftonline.com/tenant', 'https://westus2.login.microsoft.com/tenant');
  });

  it('test_regional_china', async () => {
    await regional('https://login.partner.microsoftonline.cn/tenant', 'https://chinaeast2.login.chinacloudapi.cn/tenant');
  });

  it('test_regional_sovereign_de', async () => {
    await regional('https://login.sovcloud-identity.de/tenant', 'https://germanywestcentral.login.sovcloud-identity.de/tenant');
  });
});

describe('TestIssuerValidationCiamTenantPattern', () => {
  it('test_ciam_with_v2_path_segment', async () => {
    expect(await createAuthorityWithIssuer('https://customdomain.com/contoso', 'https://contoso.ciamlogin.com/contoso/v2.0')).toBe(true);
  });

  it('test_ciam_pathless_authority_uses_first_label_as_tenant', async () => {
    const authorityUrl = 'https://contoso.ciamlogin.com/contoso.onmicrosoft.com';
    const issuer = 'https://contoso.ciamlogin.com/contoso.onmicrosoft.com/v2.0';
    // CIAM is public; endpoints on the CIAM host so the issuer rules, not the endpoint guard, are exercised.
    await oidcAuthority(
      authorityUrl,
      discoveryClient(
        mockOidc(issuer, {
          authorization_endpoint: 'https://contoso.ciamlogin.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize',
          token_endpoint: 'https://contoso.ciamlogin.com/contoso.onmicrosoft.com/oauth2/v2.0/token',
        }),
      ),
    );
    expect(hasValidIssuer(authorityUrl, issuer)).toBe(true);
  });
});

describe('TestIssuerValidationCrossCloudRejection', () => {
  /** Endpoints in the authority's cloud, so the issuer is what fails (endpoints are tested apart). */
  async function expectReject(authorityUrl: string, issuer: string): Promise<void> {
    await expectIssuerRejected(authorityUrl, mockOidc(issuer, endpointsOn(new URL(authorityUrl).hostname)));
  }

  it('test_public_authority_china_issuer', async () => {
    await expectReject('https://login.microsoftonline.com/tenant', 'https://login.partner.microsoftonline.cn/tenant');
  });

  it('test_public_authority_us_gov_issuer', async () => {
    await expectReject('https://login.microsoftonline.com/tenant', 'https://login.microsoftonline.us/tenant');
  });

  it('test_us_gov_authority_public_issuer', async () => {
    await expectReject('https://login.microsoftonline.us/tenant', 'https://login.microsoftonline.com/tenant');
  });

  it('test_china_authority_public_issuer', async () => {
    await expectReject('https://login.partner.microsoftonline.cn/tenant', 'https://login.microsoftonline.com/tenant');
  });

  it('test_public_authority_regional_china_issuer', async () => {
    await expectReject('https://login.microsoftonline.com/tenant', 'https://chinaeast2.login.chinacloudapi.cn/tenant');
  });

  it('test_us_gov_authority_regional_public_issuer', async () => {
    await expectReject('https://login.microsoftonline.us/tenant', 'https://westus2.login.microsoft.com/tenant');
  });

  it('test_bleu_authority_delos_issuer_sovereign_to_sovereign', async () => {
    await expectReject('https://login.sovcloud-identity.fr/tenant', 'https://login.sovcloud-identity.de/tenant');
  });
});

describe('TestIssuerValidationOtherRejections', () => {
  it('test_http_scheme_issuer_under_known_authority_is_rejected', async () => {
    // http under a Microsoft authority: rule 4 wants https, so a MITM cannot mint a Microsoft-looking issuer.
    await expectIssuerRejected(
      'https://login.microsoftonline.com/tenant',
      mockOidc('http://login.microsoftonline.com/tenant', endpointsOn('login.microsoftonline.com')),
    );
  });

  it('test_multi_label_regional_prefix_is_rejected', async () => {
    // attacker.evil.login.microsoft.com has two labels before the alias: not a regional host.
    await expectIssuerRejected('https://customlogin.example.com/tenant', mockOidc('https://attacker.evil.login.microsoft.com/tenant'));
  });
});

describe('TestAreInSameCloudHelper', () => {
  // [test, host a, host b, same cloud?]: aliases and real regions pass; other clouds, unknown
  // hosts and region-shaped prefixes that are not DNS labels (two labels, _, a hyphen at
  // either end, 64 characters) do not.
  it.each([
    ['test_public_aliases_are_same_cloud', 'login.microsoftonline.com', 'login.windows.net', true],
    ['test_public_with_regional_public', 'login.microsoftonline.com', 'westus2.login.microsoft.com', true],
    ['test_us_gov_aliases_are_same_cloud', 'login.microsoftonline.us', 'login.usgovcloudapi.net', true],
    ['test_china_with_regional_china', 'login.partner.microsoftonline.cn', 'chinaeast2.login.chinacloudapi.cn', true],
    ['test_bleu_with_regional_bleu', 'login.sovcloud-identity.fr', 'francecentral.login.sovcloud-identity.fr', true],
    ['test_public_vs_china_different_cloud', 'login.microsoftonline.com', 'login.partner.microsoftonline.cn', false],
    ['test_public_vs_us_gov_different_cloud', 'login.microsoftonline.com', 'login.microsoftonline.us', false],
    ['test_us_gov_vs_china', 'login.microsoftonline.us', 'login.chinacloudapi.cn', false],
    ['test_public_vs_germany_legacy', 'login.microsoftonline.com', 'login.microsoftonline.de', false],
    ['test_bleu_vs_delos', 'login.sovcloud-identity.fr', 'login.sovcloud-identity.de', false],
    ['test_ppe_vs_public', 'login.windows-ppe.net', 'login.microsoftonline.com', false],
    ['test_known_vs_custom', 'login.microsoftonline.com', 'custom.example.com', false],
    ['test_two_custom_hosts', 'custom.example.com', 'another.example.org', false],
    ['test_custom_vs_none', 'custom.example.com', null, false],
    ['test_none_vs_known', null, 'login.microsoftonline.com', false],
    ['test_multi_label_prefix_rejected', 'attacker.evil.login.microsoft.com', 'login.microsoftonline.com', false],
    ['test_underscore_prefix_rejected', 'weird_prefix.login.microsoft.com', 'login.microsoftonline.com', false],
    ['test_uppercase_prefix_normalized', 'PREFIX.login.microsoft.com', 'login.microsoftonline.com', true],
    ['test_leading_hyphen_prefix_rejected', '-leading.login.microsoft.com', 'login.microsoftonline.com', false],
    ['test_trailing_hyphen_prefix_rejected', 'trailing-.login.microsoft.com', 'login.microsoftonline.com', false],
    ['test_64_char_prefix_rejected', `${'a'.repeat(64)}.login.microsoft.com`, 'login.microsoftonline.com', false],
    ['test_real_region_westus2', 'westus2.login.microsoft.com', 'login.microsoftonline.com', true],
    ['test_real_region_eastus2euap', 'eastus2euap.login.microsoft.com', 'login.microsoftonline.com', true],
    ['test_real_region_chinaeast2', 'chinaeast2.login.chinacloudapi.cn', 'login.partner.microsoftonline.cn', true],
    ['test_real_region_usgovvirginia', 'usgovvirginia.login.microsoftonline.us', 'login.usgovcloudapi.net', true],
    ['test_real_region_francecentral', 'francecentral.login.sovcloud-identity.fr', 'login.sovcloud-identity.fr', true],
    ['test_real_region_southafricanorth', 'southafricanorth.login.microsoft.com', 'login.microsoftonline.com', true],
    ['test_ciam_subdomain_vs_china_is_different_cloud', 'contoso.ciamlogin.com', 'login.partner.microsoftonline.cn', false],
  ] as Array<[string, string | null, string | null, boolean]>)('%s', (_name, a, b, expected) => {
    expect(areInSameCloud(a, b)).toBe(expected);
  });

  // CIAM tenants resolve to the public cloud, so the endpoint guard covers them.
  it('test_ciam_subdomain_resolves_to_public', () => {
    expect(resolveKnownCloud('contoso.ciamlogin.com')).toBe('PUBLIC');
    expect(areInSameCloud('contoso.ciamlogin.com', 'login.microsoftonline.com')).toBe(true);
  });

  it('test_well_known_authority_hosts_excludes_ciam', () => {
    // WELL_KNOWN_AUTHORITY_HOSTS decides which host instance discovery trusts; CIAM must not leak into it.
    expect(WELL_KNOWN_AUTHORITY_HOSTS).not.toContain('ciamlogin.com');
    expect(WELL_KNOWN_AUTHORITY_HOSTS).not.toContain('contoso.ciamlogin.com');
  });
});

describe('TestEndpointCrossCloudCheck', () => {
  const authorityUrl = 'https://login.microsoftonline.com/contoso';
  const ciamAuthorityUrl = 'https://contoso.ciamlogin.com/contoso.onmicrosoft.com';
  /** Endpoints in the public cloud, for one of them to be replaced per test. */
  const publicEndpoints = {
    authorization_endpoint: 'https://login.microsoftonline.com/contoso/oauth2/v2.0/authorize',
    token_endpoint: 'https://login.microsoftonline.com/contoso/oauth2/v2.0/token',
  };
  const ciamAuthorize = { authorization_endpoint: 'https://contoso.ciamlogin.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize' };
  /** An oidcAuthority whose discovery names a passing issuer (itself, by default) and these endpoints. */
  const withEndpoints = (url: string, endpoints: Record<string, string>, http = discoveryClient({ issuer: url, ...endpoints })) => oidcAuthority(url, http);

  it('test_cross_cloud_token_endpoint_is_refused', async () => {
    // The issuer matches (rule 1), so the failure must come from the endpoint check.
    const endpoints = { ...publicEndpoints, token_endpoint: 'https://login.partner.microsoftonline.cn/contoso/oauth2/v2.0/token' };
    const http = discoveryClient({ issuer: authorityUrl, ...endpoints });
    const error = await rejection(withEndpoints(authorityUrl, endpoints, http));
    expect(error).toBeInstanceOf(AuthorityValidationError);
    expect(error.message).toContain(XCLOUD_ERROR_SUBSTRING);
    expect(error.message).toContain('https://login.partner.microsoftonline.cn/contoso/oauth2/v2.0/token');
    // No credential POST went out.
    expect(http.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('test_custom_endpoint_under_known_authority_is_refused', async () => {
    const error = await rejection(withEndpoints(authorityUrl, { ...publicEndpoints, token_endpoint: 'https://attacker.example.com/oauth2/v2.0/token' }));
    expect(error.message).toContain(XCLOUD_ERROR_SUBSTRING);
    expect(error.message).toContain('https://attacker.example.com/oauth2/v2.0/token');
  });

  it('test_cross_cloud_authorization_endpoint_is_refused', async () => {
    const authorize = 'https://login.partner.microsoftonline.cn/contoso/oauth2/v2.0/authorize';
    const error = await rejection(withEndpoints(authorityUrl, { ...publicEndpoints, authorization_endpoint: authorize }));
    expect(error.message).toContain(XCLOUD_ERROR_SUBSTRING);
    expect(error.message).toContain('authorization_endpoint');
  });

  it('test_custom_idp_endpoint_is_allowed', async () => {
    // A custom OpenID provider is unconstrained, even on an unrelated host.
    const host = `idp.allowed-custom-${Math.floor(Math.random() * 1e9)}.example.com`;
    const a = await withEndpoints(`https://${host}/tenant`, {
      authorization_endpoint: `https://${host}/connect/authorize`,
      token_endpoint: `https://${host}/connect/token`,
    });
    expect(a.metadata.token_endpoint).toBe(`https://${host}/connect/token`);
  });

  it('test_cross_cloud_device_authorization_endpoint_is_refused', async () => {
    const device = 'https://login.partner.microsoftonline.cn/contoso/oauth2/v2.0/devicecode';
    const error = await rejection(withEndpoints(authorityUrl, { ...publicEndpoints, device_authorization_endpoint: device }));
    expect(error.message).toContain(XCLOUD_ERROR_SUBSTRING);
    expect(error.message).toContain('device_authorization_endpoint');
    expect(error.message).toContain(device);
  });

  it('test_missing_device_authorization_endpoint_is_ok', async () => {
    // device_authorization_endpoint is optional in OpenID discovery; its absence must not trip the guard.
    expect((await withEndpoints(authorityUrl, publicEndpoints)).metadata.device_authorization_endpoint).toBeUndefined();
  });

  it('test_ciam_authority_with_cross_cloud_token_endpoint_is_refused', async () => {
    // CIAM is the public cloud, so a China token endpoint under a CIAM authority is refused.
    const token = { token_endpoint: 'https://login.partner.microsoftonline.cn/contoso/oauth2/v2.0/token' };
    const http = discoveryClient({ issuer: `${ciamAuthorityUrl}/v2.0`, ...ciamAuthorize, ...token });
    const error = await rejection(withEndpoints(ciamAuthorityUrl, {}, http));
    expect(error.message).toContain(XCLOUD_ERROR_SUBSTRING);
    expect(error.message).toContain('token_endpoint');
  });

  it('test_ciam_authority_with_same_cloud_public_endpoint_is_allowed', async () => {
    // Unusual, but in the same cloud, so allowed.
    const token = { token_endpoint: 'https://login.microsoftonline.com/contoso/oauth2/v2.0/token' };
    const a = await withEndpoints(ciamAuthorityUrl, {}, discoveryClient({ issuer: `${ciamAuthorityUrl}/v2.0`, ...ciamAuthorize, ...token }));
    expect(a.metadata.token_endpoint).toBe(token.token_endpoint);
  });

  it('test_attacker_ciam_subdomain_under_public_authority_is_refused', async () => {
    // The issuer's subdomain ("attacker") is not the authority's tenant ("contoso"): rule 3 rejects
    // before the same-cloud rule could accept a *.ciamlogin.com host.
    await expectIssuerRejected(authorityUrl, { issuer: 'https://attacker.ciamlogin.com/attacker/v2.0', ...publicEndpoints });
  });
});

describe('TestEnsureEndpointSameCloudAsAuthorityHelper', () => {
  const refused = (authority: string, endpoint: string, name: string): Error => {
    try {
      ensureEndpointSameCloudAsAuthority(authority, endpoint, name);
    } catch (e) {
      expect(e).toBeInstanceOf(AuthorityValidationError);
      return e as Error;
    }
    throw new Error('expected the endpoint to be refused');
  };

  it('test_no_op_for_custom_authority', () => {
    ensureEndpointSameCloudAsAuthority('https://idp.example.com/tenant', 'https://login.partner.microsoftonline.cn/tenant/oauth2/token', 'token_endpoint');
  });

  it('test_no_op_for_empty_endpoint', () => {
    ensureEndpointSameCloudAsAuthority('https://login.microsoftonline.com/tenant', '', 'token_endpoint');
    ensureEndpointSameCloudAsAuthority('https://login.microsoftonline.com/tenant', null, 'token_endpoint');
  });

  it('test_raises_for_cross_cloud_endpoint', () => {
    const message = refused('https://login.microsoftonline.com/tenant', 'https://login.partner.microsoftonline.cn/tenant/oauth2/token', 'token_endpoint').message;
    expect(message).toContain(XCLOUD_ERROR_SUBSTRING);
    expect(message).toContain('token_endpoint');
  });

  it('test_raises_for_unknown_endpoint_under_known_authority', () => {
    expect(refused('https://login.microsoftonline.com/tenant', 'https://attacker.example.com/oauth2/token', 'token_endpoint').message).toContain(
      XCLOUD_ERROR_SUBSTRING,
    );
  });

  it('test_passes_for_same_cloud_regional_endpoint', () => {
    ensureEndpointSameCloudAsAuthority('https://login.microsoftonline.com/tenant', 'https://westus2.login.microsoft.com/tenant/oauth2/token', 'token_endpoint');
  });

  it('test_passes_for_alias_endpoint', () => {
    ensureEndpointSameCloudAsAuthority('https://login.microsoftonline.us/tenant', 'https://login.usgovcloudapi.net/tenant/oauth2/token', 'token_endpoint');
  });

  it('test_ciam_authority_is_treated_as_public', () => {
    ensureEndpointSameCloudAsAuthority(
      'https://contoso.ciamlogin.com/contoso.onmicrosoft.com',
      'https://login.microsoftonline.com/contoso/oauth2/token',
      'token_endpoint',
    );
    refused('https://contoso.ciamlogin.com/contoso.onmicrosoft.com', 'https://login.partner.microsoftonline.cn/contoso/oauth2/token', 'token_endpoint');
  });

  it('test_endpoint_name_appears_in_error_message', () => {
    for (const name of ['token_endpoint', 'authorization_endpoint', 'device_authorization_endpoint']) {
      expect(refused('https://login.microsoftonline.com/tenant', 'https://login.partner.microsoftonline.cn/tenant/x', name).message).toContain(name);
    }
  });

  it('test_error_message_does_not_leak_authority_url_format', () => {
    // The message lists exactly the authority URL, the endpoint's name and the offending URL.
    const message = refused('https://login.microsoftonline.com/tenant', 'https://login.microsoftonline.us/tenant/oauth2/token', 'token_endpoint').message;
    expect(message).toContain(XCLOUD_ERROR_SUBSTRING);
    expect(message).toContain('https://login.microsoftonline.com/tenant');
    expect(message).toContain('https://login.microsoftonline.us/tenant/oauth2/token');
    expect(message).toContain('token_endpoint');
  });
});

describe('TestCrossCloudBehaviorMatrix', () => {
  // [label, authority, issuer, expected to pass, category]
  const MATRIX: Array<[string, string, string, boolean, string]> = [
    // pass-pass: unchanged accepts
    ['rule1_exact', 'https://login.microsoftonline.com/tenant/v2.0', 'https://login.microsoftonline.com/tenant/v2.0', true, 'pass-pass'],
    ['rule2_same_cloud_alias', 'https://login.microsoftonline.com/tenant', 'https://login.windows.net/tenant', true, 'pass-pass'],
    ['rule3_regional_same_cloud', 'https://login.microsoftonline.com/tenant', 'https://westus2.login.microsoft.com/tenant', true, 'pass-pass'],
    ['rule2a_5927_federation_public', 'https://clientlogin.test.parentpay.com/tid/v2.0', 'https://login.microsoftonline.com/tid/v2.0', true, 'pass-pass'],
    ['rule2a_5927_federation_us_gov', 'https://customlogin.example.com/tenant', 'https://login.microsoftonline.us/tenant', true, 'pass-pass'],
    ['ciam_path_segment_match', 'https://customdomain.com/contoso', 'https://contoso.ciamlogin.com/contoso/v2.0', true, 'pass-pass'],
    // pass-throw: the cross-cloud fix
    ['xcloud_public_authority_china_issuer', 'https://login.microsoftonline.com/tenant', 'https://login.partner.microsoftonline.cn/tenant', false, 'pass-throw'],
    ['xcloud_public_authority_us_gov_issuer', 'https://login.microsoftonline.com/tenant', 'https://login.microsoftonline.us/tenant', false, 'pass-throw'],
    ['xcloud_us_gov_authority_public_issuer', 'https://login.microsoftonline.us/tenant', 'https://login.microsoftonline.com/tenant', false, 'pass-throw'],
    ['xcloud_china_authority_public_issuer', 'https://login.partner.microsoftonline.cn/tenant', 'https://login.microsoftonline.com/tenant', false, 'pass-throw'],
    ['xcloud_public_authority_regional_china_issuer', 'https://login.microsoftonline.com/tenant', 'https://chinaeast2.login.chinacloudapi.cn/tenant', false, 'pass-throw'],
    ['xcloud_us_gov_authority_regional_public_issuer', 'https://login.microsoftonline.us/tenant', 'https://westus2.login.microsoft.com/tenant', false, 'pass-throw'],
    ['xcloud_bleu_authority_delos_issuer', 'https://login.sovcloud-identity.fr/tenant', 'https://login.sovcloud-identity.de/tenant', false, 'pass-throw'],
    ['xcloud_china_authority_us_gov_issuer', 'https://login.partner.microsoftonline.cn/tenant', 'https://login.microsoftonline.us/tenant', false, 'pass-throw'],
    ['ciam_tenant_mismatch', 'https://customdomain.com/tenantA', 'https://tenantB.ciamlogin.com/tenantB/v2.0', false, 'pass-throw'],
    // throw-throw: unchanged rejects
    ['http_scheme_under_known_authority', 'https://login.microsoftonline.com/tenant', 'http://login.microsoftonline.com/tenant', false, 'throw-throw'],
    ['custom_authority_unknown_issuer', 'https://customdomain.com/tenant', 'https://malicious-site.com/tenant', false, 'throw-throw'],
    ['multi_label_regional_lookalike', 'https://customlogin.example.com/tenant', 'https://attacker.evil.login.microsoft.com/tenant', false, 'throw-throw'],
  ];

  it('test_matrix', async () => {
    for (const [label, authorityUrl, issuer, expectedPass, category] of MATRIX) {
      // Endpoints on the authority's host, so the endpoint check is not what decides.
      const host = new URL(authorityUrl).hostname;
      const http = discoveryClient({
        issuer,
        authorization_endpoint: `https://${host}/oauth2/v2.0/authorize`,
        token_endpoint: `https://${host}/oauth2/v2.0/token`,
      });
      if (expectedPass) {
        await oidcAuthority(authorityUrl, http);
        expect(hasValidIssuer(authorityUrl, issuer), `${label} (${category}): expected accept`).toBe(true);
      } else {
        expect(await rejection(oidcAuthority(authorityUrl, http)), `${label} (${category}): expected reject`).toBeInstanceOf(AuthorityValidationError);
      }
    }
  });
});
