/** Entra's discovery documents, given up front so facade tests make no HTTP request. */
import type { AuthorityMetadata } from '../../lib/authority/types.js';

export function authorityMetadataFor(tenant: string): AuthorityMetadata {
  const base = `https://login.microsoftonline.com/${tenant}`;
  return {
    issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0',
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    token_endpoint: `${base}/oauth2/v2.0/token`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
  };
}

export const instanceDiscoveryMetadata = {
  tenant_discovery_endpoint: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
  metadata: [
    {
      preferred_network: 'login.microsoftonline.com',
      preferred_cache: 'login.windows.net',
      aliases: ['login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com', 'sts.windows.net'],
    },
  ],
};
