/**
 * Helpers for the ported protocol tests (tests/test_authority.py, test_ccs.py,
 * test_client.py, test_throttled_http_client.py): Entra's discovery answered
 * over the scripted HTTP client, so requests still go through our HTTP stack,
 * and OpenID metadata built the way the reference's tests mock tenant_discovery.
 */
import type { HttpResponse } from '../../../lib/http/types.js';
import { minimalResponse, type SeenRequest } from './msal-python.js';

const PUBLIC_CLOUD = {
  preferred_network: 'login.microsoftonline.com',
  preferred_cache: 'login.windows.net',
  aliases: ['login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com', 'sts.windows.net'],
};

/** OpenID metadata for `https://<host>/<tenant>`, shaped as Entra publishes it. */
export function entraMetadata(host: string, tenant: string): Record<string, string> {
  const base = `https://${host}/${tenant}`;
  return {
    issuer: `https://${host}/{tenantid}/v2.0`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    token_endpoint: `${base}/oauth2/v2.0/token`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
  };
}

/**
 * A GET handler that answers Entra's instance discovery (the public cloud's aliases) and
 * tenant discovery for any host and tenant, so an app resolves its authority offline.
 */
export function entraDiscovery(request: Pick<SeenRequest, 'url'>): HttpResponse {
  const url = new URL(request.url);
  if (url.pathname === '/common/discovery/instance') {
    return minimalResponse(200, {
      tenant_discovery_endpoint: `https://${url.host}/common/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [PUBLIC_CLOUD],
    });
  }
  const tenant = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(url.pathname)?.[1];
  if (tenant) return minimalResponse(200, entraMetadata(url.host, tenant));
  return minimalResponse(404, { error: 'not_found', error_description: url.pathname });
}
