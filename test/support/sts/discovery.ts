/**
 * Discovery routes for the local STS: Entra instance discovery and OpenID
 * configuration documents (Entra v2.0, B2C, dSTS, ADFS and generic OIDC shapes)
 * whose endpoints all point back at the STS.
 */
import { createHash } from 'node:crypto';
import type { LocalSts, StsReply, StsRequest } from './server.js';

export interface DiscoveryOptions {
  /** Tenants the STS knows; others get invalid_tenant. Default: any tenant. */
  tenants?: string[];
  /** Extra hosts instance discovery lists in the STS host's cloud. */
  aliases?: string[];
  /** preferred_cache of the STS host's cloud. Default: the STS host. */
  preferredCache?: string;
}

const CONSUMERS_TENANT_ID = '9188040d-6c67-4c5b-b112-36a304b66dad';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The tenant ID the STS reports for a tenant name: GUIDs as is, domain names hashed to a stable GUID. */
export function tenantIdFor(tenant: string): string {
  const t = tenant.toLowerCase();
  if (GUID.test(t)) return t;
  if (t === 'consumers') return CONSUMERS_TENANT_ID;
  const h = createHash('sha256').update(t).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Issuer in a v2.0 document; multi-tenant aliases publish the template, as Entra does. */
export function v2IssuerFor(baseUrl: string, tenant: string): string {
  const t = tenant.toLowerCase();
  const tid = t === 'common' || t === 'organizations' ? '{tenantid}' : tenantIdFor(t);
  return `${baseUrl}/${tid}/v2.0`;
}

const PUBLIC_CLOUD = {
  preferred_network: 'login.microsoftonline.com',
  preferred_cache: 'login.windows.net',
  aliases: ['login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com', 'sts.windows.net'],
};

export function registerDiscovery(sts: LocalSts, options: DiscoveryOptions = {}): LocalSts {
  const knownTenants = options.tenants?.map((t) => t.toLowerCase());

  sts.route('GET', '/common/discovery/instance', (req) => instanceDiscovery(req, sts, options));

  sts.routePattern('GET', /^\/(.+)\/v2\.0\/\.well-known\/openid-configuration$/, (req) => {
    const tenantPath = req.path.replace(/^\/|\/v2\.0\/\.well-known\/openid-configuration$/g, '');
    const tenant = tenantOf(tenantPath);
    if (knownTenants && !knownTenants.includes(tenant.toLowerCase())) return invalidTenant(tenant);
    return { body: v2Configuration(sts.baseUrl, tenantPath, tenant) };
  });

  sts.routePattern('GET', /^(\/.+)?\/\.well-known\/openid-configuration$/, (req) => {
    const issuerPath = req.path.replace(/\/\.well-known\/openid-configuration$/, '');
    if (issuerPath.toLowerCase() === '/adfs') return { body: adfsConfiguration(sts.baseUrl) };
    return { body: oidcConfiguration(`${sts.baseUrl}${issuerPath}`) };
  });
  return sts;
}

function instanceDiscovery(req: StsRequest, sts: LocalSts, options: DiscoveryOptions): StsReply {
  const endpoint = req.query.get('authorization_endpoint');
  let host: string;
  try {
    host = new URL(endpoint ?? '').host.toLowerCase();
  } catch {
    return { status: 400, body: { error: 'invalid_request', error_description: 'AADSTS90014: authorization_endpoint is missing or invalid.' } };
  }
  const stsCloud = {
    preferred_network: sts.host,
    preferred_cache: options.preferredCache ?? sts.host,
    aliases: [sts.host, ...(options.aliases ?? []).map((a) => a.toLowerCase())],
  };
  const metadata = [stsCloud, PUBLIC_CLOUD];
  if (!metadata.some((m) => m.aliases.includes(host))) {
    return {
      status: 400,
      body: {
        error: 'invalid_instance',
        error_description: 'AADSTS50049: Unknown or invalid instance.',
        error_codes: [50049],
      },
    };
  }
  return {
    body: {
      tenant_discovery_endpoint: `${sts.baseUrl}/common/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata,
    },
  };
}

/** The tenant within a tenant path: tfp/<tenant>/<policy>, dstsv2/<tenant>, <tenant>[/<policy>]. */
function tenantOf(tenantPath: string): string {
  const [first = '', second = ''] = tenantPath.split('/');
  const lower = first.toLowerCase();
  return lower === 'tfp' || lower === 'dstsv2' ? second : first;
}

function invalidTenant(tenant: string): StsReply {
  return {
    status: 400,
    body: {
      error: 'invalid_tenant',
      error_description: `AADSTS90002: Tenant '${tenant}' not found.`,
      error_codes: [90002],
    },
  };
}

function v2Configuration(base: string, tenantPath: string, tenant: string): Record<string, unknown> {
  const root = `${base}/${tenantPath}`;
  return {
    issuer: v2IssuerFor(base, tenant),
    authorization_endpoint: `${root}/oauth2/v2.0/authorize`,
    token_endpoint: `${root}/oauth2/v2.0/token`,
    device_authorization_endpoint: `${root}/oauth2/v2.0/devicecode`,
    end_session_endpoint: `${root}/oauth2/v2.0/logout`,
    jwks_uri: `${root}/discovery/v2.0/keys`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    response_modes_supported: ['query', 'fragment', 'form_post'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    request_uri_parameter_supported: false,
    tenant_region_scope: null,
    cloud_instance_name: 'local.sts',
  };
}

function adfsConfiguration(base: string): Record<string, unknown> {
  const root = `${base}/adfs`;
  return {
    issuer: root,
    authorization_endpoint: `${root}/oauth2/authorize`,
    token_endpoint: `${root}/oauth2/token`,
    device_authorization_endpoint: `${root}/oauth2/devicecode`,
    end_session_endpoint: `${root}/oauth2/logout`,
    jwks_uri: `${root}/discovery/keys`,
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token', 'code token', 'code id_token token'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', 'profile', 'email', 'allatclaims', 'aza'],
    access_token_issuer: `${base}/adfs/services/trust`,
  };
}

/** A non-Microsoft provider; endpoints reuse the Entra v2.0 paths so token routes serve them too. */
function oidcConfiguration(issuer: string): Record<string, unknown> {
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth2/v2.0/authorize`,
    token_endpoint: `${issuer}/oauth2/v2.0/token`,
    device_authorization_endpoint: `${issuer}/oauth2/v2.0/devicecode`,
    end_session_endpoint: `${issuer}/oauth2/v2.0/logout`,
    jwks_uri: `${issuer}/discovery/v2.0/keys`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
  };
}
