/**
 * What every contestant of the silent-hit benchmark is configured with: one
 * tenant, one client, and discovery documents handed over up front so that no
 * library ever needs the network.
 */
import type { AuthorityMetadata } from '../lib/index.js';

export const CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
export const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const ENVIRONMENT = 'login.microsoftonline.com';
export const AUTHORITY = `https://${ENVIRONMENT}/${TENANT_ID}`;
export const SCOPES: readonly string[] = ['User.Read'];

/** The tenant's OpenID configuration, shaped as Entra publishes it (every library reads a different subset). */
export function openIdConfiguration(): AuthorityMetadata {
  const base = `${AUTHORITY}/oauth2/v2.0`;
  return {
    issuer: `${AUTHORITY}/v2.0`,
    authorization_endpoint: `${base}/authorize`,
    token_endpoint: `${base}/token`,
    device_authorization_endpoint: `${base}/devicecode`,
    end_session_endpoint: `${base}/logout`,
    jwks_uri: `https://${ENVIRONMENT}/${TENANT_ID}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    request_uri_parameter_supported: false,
    userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
    tenant_region_scope: 'WW',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

/** The public cloud's instance discovery reply. */
export function instanceDiscoveryMetadata(): Record<string, unknown> {
  return {
    tenant_discovery_endpoint: `${AUTHORITY}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [
      {
        preferred_network: 'login.microsoftonline.com',
        preferred_cache: 'login.windows.net',
        aliases: ['login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com', 'sts.windows.net'],
      },
    ],
  };
}

/** The cached account every contestant asks for, and the token it must get back. */
export interface TargetAccount {
  homeAccountId: string;
  localAccountId: string;
  username: string;
  name?: string;
  environment: string;
  realm: string;
  expectedSecret: string;
}

/**
 * Finds account number `index` of a bench/gen-cache.ts blob by text search: a
 * JSON.parse of the 100k-account blob would cost seconds and a gigabyte just to
 * pick one account. Entries are flat objects, so the braces around a field
 * delimit its entry.
 */
export function locateTarget(blob: string, index: number): TargetAccount {
  const accessToken = entryContaining(blob, `"secret":"at-${index}-`, 'AccessToken');
  const homeAccountId = stringField(accessToken, 'home_account_id');
  const accountsFrom = blob.indexOf('"Account":{');
  if (accountsFrom < 0) throw new Error('the blob has no Account section');
  const account = entryContaining(blob, `"home_account_id":${JSON.stringify(homeAccountId)}`, 'Account', accountsFrom);
  const name = account['name'];
  return {
    homeAccountId,
    localAccountId: stringField(account, 'local_account_id'),
    username: stringField(account, 'username'),
    ...(typeof name === 'string' ? { name } : {}),
    environment: stringField(account, 'environment'),
    realm: stringField(account, 'realm'),
    expectedSecret: stringField(accessToken, 'secret'),
  };
}

function entryContaining(blob: string, needle: string, what: string, from = 0): Record<string, unknown> {
  const at = blob.indexOf(needle, from);
  if (at < 0) throw new Error(`no ${what} entry holds ${needle}`);
  const start = blob.lastIndexOf('{', at);
  const end = blob.indexOf('}', at);
  return JSON.parse(blob.slice(start, end + 1)) as Record<string, unknown>;
}

function stringField(entry: Record<string, unknown>, field: string): string {
  const value = entry[field];
  if (typeof value !== 'string') throw new Error(`cache entry has no string ${field}`);
  return value;
}
